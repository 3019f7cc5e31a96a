// Streaming states (robstat/stream/states.hpp): exact sums, partition
// independence, the merge identity, the byte format and its validation.
// The correctly rounded values themselves are checked against exact rational
// arithmetic in tests/python/test_stream.py.
#include "test_support.hpp"

#include <robstat/stream/states.hpp>

#include <cfloat>

namespace rs = robstat::stream;
using robstat::nan_policy;
using robstat_test::inf_d;
using robstat_test::nan_d;

namespace {

std::vector<double> mixed_values(std::size_t n, std::uint32_t seed)
{
    std::mt19937_64 g(seed);
    std::normal_distribution<double> z;
    std::uniform_int_distribution<int> e(-300, 300), kind(0, 9);
    std::vector<double> x(n);
    for (auto& v : x) {
        switch (kind(g)) {
        case 0:
            v = std::ldexp(z(g), e(g));
            break; // any magnitude
        case 1:
            v = 1e6 + 0.1 * z(g);
            break; // offset with a tiny spread
        case 2:
            v = 5e-324 * static_cast<double>(kind(g));
            break; // subnormal
        case 3:
            v = 1e300 * z(g);
            break;
        default:
            v = z(g);
        }
    }
    return x;
}

/// The state of x cut at the given points and merged in the given tree shape.
template <class S> S split_merge(const std::vector<double>& x, std::mt19937_64& g)
{
    std::uniform_int_distribution<std::size_t> parts(1, 12);
    const std::size_t k = parts(g);
    std::vector<std::size_t> cuts { 0, x.size() };
    std::uniform_int_distribution<std::size_t> at(0, x.size());
    for (std::size_t i = 1; i < k; ++i)
        cuts.push_back(at(g));
    std::sort(cuts.begin(), cuts.end());
    std::vector<S> states;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        S s;
        s.update(robstat::make_span(x.data() + cuts[i], cuts[i + 1] - cuts[i]));
        states.push_back(s);
    }
    std::shuffle(states.begin(), states.end(), g);
    while (states.size() > 1) { // merge two random neighbours
        std::uniform_int_distribution<std::size_t> pick(0, states.size() - 2);
        const std::size_t i = pick(g);
        states[i].merge(states[i + 1]);
        states.erase(states.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    return states.front();
}

template <class S> void check_bytes_validation(const S& s)
{
    const std::vector<unsigned char> b = s.to_bytes();
    const S back = S::from_bytes(b.data(), b.size());
    CHECK(back == s);
    CHECK(back.to_bytes() == b);
    for (std::size_t cut = 0; cut < b.size(); ++cut) // every truncation
        CHECK_THROWS_AS(S::from_bytes(b.data(), cut), std::invalid_argument);
    for (std::size_t i = 0; i < b.size(); ++i) { // every single-byte corruption
        std::vector<unsigned char> c = b;
        c[i] ^= 0x5a;
        CHECK_THROWS_AS(S::from_bytes(c.data(), c.size()), std::invalid_argument);
    }
    std::vector<unsigned char> longer = b;
    longer.push_back(0);
    CHECK_THROWS_AS(S::from_bytes(longer.data(), longer.size()), std::invalid_argument);
}

} // namespace

TEST_CASE("stream: long accumulator rounds exactly", "[stream]")
{
    rs::sum_accumulator a;
    a.add(1.0);
    a.add(0x1p-80);
    CHECK(a.round() == 1.0);
    a.add(-1.0);
    CHECK(a.round() == 0x1p-80);
    rs::sum_accumulator t; // ties to even: 1 + 2^-53 -> 1, 1 + 3 * 2^-53 -> 1 + 2^-51
    t.add(1.0);
    t.add(0x1p-53);
    CHECK(t.round() == 1.0);
    t.add(0x1p-52);
    CHECK(t.round() == 1.0 + 0x1p-51);
    rs::sum_accumulator h; // just above the tie rounds up
    h.add(1.0);
    h.add(0x1p-53);
    h.add(0x1p-1074);
    CHECK(h.round() == 1.0 + 0x1p-52);
    rs::sum_accumulator big; // beyond DBL_MAX only while the partial sums are
    big.add(DBL_MAX);
    big.add(DBL_MAX);
    CHECK(std::isinf(big.round()));
    big.add(-DBL_MAX);
    CHECK(big.round() == DBL_MAX);
    rs::sum_accumulator sub; // subnormals are exact
    sub.add(5e-324);
    sub.add(5e-324);
    sub.add(-0x1p-1022);
    CHECK(sub.round() == -0x1p-1022 + 2 * 5e-324);
    CHECK(sub.round(1074) == -(0x1p52 - 2)); // scaled rounding
    rs::product_accumulator p;               // an exact square: (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60
    p.add_product(1.0 + 0x1p-30, 1.0 + 0x1p-30);
    p.add(-1.0);
    p.add(-0x1p-29);
    CHECK(p.round() == 0x1p-60);
}

TEST_CASE("stream: sum_state is exact and partition independent", "[stream]")
{
    const std::vector<double> c { 1.0, 1e100, 1.0, -1e100 };
    rs::sum_state s;
    s.update(c);
    CHECK(s.sum() == 2.0);
    CHECK(s.count() == 4);

    std::mt19937_64 g(7);
    for (std::size_t n : { 0u, 1u, 2u, 3u, 17u, 1000u, 20000u }) {
        const auto x = mixed_values(n, static_cast<std::uint32_t>(n) + 1);
        rs::sum_state whole;
        whole.update(x);
        auto rev = x;
        std::reverse(rev.begin(), rev.end());
        rs::sum_state reversed;
        reversed.update(rev);
        CHECK(reversed == whole);
        CHECK(reversed.sum() == whole.sum());
        for (int trial = 0; trial < 10; ++trial) {
            const auto m = split_merge<rs::sum_state>(x, g);
            REQUIRE(m == whole);
            REQUIRE(m.to_bytes() == whole.to_bytes());
        }
        rs::sum_state e = whole; // the empty state is the identity
        e.merge(rs::sum_state {});
        CHECK(e == whole);
        rs::sum_state e2;
        e2.merge(whole);
        CHECK(e2 == whole);
        // values and their negations cancel exactly
        auto neg = x;
        for (auto& v : neg)
            v = -v;
        rs::sum_state zero = whole;
        zero.update(neg);
        CHECK(zero.sum() == 0.0);
    }
}

TEST_CASE("stream: NaN and infinities in the states", "[stream]")
{
    const std::vector<double> x { 1.0, nan_d, 2.0 };
    rs::sum_state s;
    s.update(x);
    CHECK(std::isnan(s.sum()));
    CHECK(s.sum(nan_policy::omit) == 3.0);
    CHECK_THROWS_AS(s.sum(nan_policy::raise), std::domain_error);
    CHECK(s.count() == 3);
    CHECK(s.count(nan_policy::omit) == 2);
    rs::sum_state r; // raise: nothing changes
    CHECK_THROWS_AS(r.update(x, nan_policy::raise), std::domain_error);
    CHECK(r == rs::sum_state {});

    const std::vector<double> infs { 1.0, inf_d, 3.0 };
    rs::moments_state m;
    m.update(infs);
    CHECK(m.mean() == inf_d);
    CHECK(std::isnan(m.var()));
    CHECK(m.max() == inf_d);
    CHECK(m.min() == 1.0);
    m.update(std::vector<double> { -inf_d });
    CHECK(std::isnan(m.mean()));
    CHECK(m.min() == -inf_d);

    rs::moments_state empty;
    CHECK(std::isnan(empty.mean()));
    CHECK(std::isnan(empty.var()));
    CHECK(std::isnan(empty.min()));
    CHECK(empty.sum() == 0.0);
    rs::moments_state one;
    one.update(std::vector<double> { 4.0 });
    CHECK(one.var() == 0.0);
    CHECK(std::isnan(one.var(1)));
}

TEST_CASE("stream: moments_state accuracy and partition independence", "[stream]")
{
    // NIST StRD NumAcc1: 10000001, 10000003, 10000002: mean 10000002, sd 1
    rs::moments_state a;
    a.update(std::vector<double> { 10000001, 10000003, 10000002 });
    CHECK(a.mean() == 10000002.0);
    CHECK(a.stddev(1) == 1.0);
    CHECK(a.var(1) == 1.0);
    // a huge offset and a tiny spread: no cancellation
    rs::moments_state b;
    std::vector<double> y;
    for (int i = 0; i < 1000; ++i)
        y.push_back(1e15 + (i % 2 ? 1.0 : -1.0));
    b.update(y);
    CHECK(b.mean() == 1e15);
    CHECK(b.var() == 1.0);
    // huge values: var overflows, the std does not
    rs::moments_state h;
    h.update(std::vector<double> { 1e308, -1e308 });
    CHECK(h.mean() == 0.0);
    CHECK(std::isinf(h.var()));
    CHECK(h.stddev() == 1e308);
    // -0.0 sorts below +0.0 whatever the order
    rs::moments_state z1, z2;
    z1.update(std::vector<double> { 0.0, -0.0 });
    z2.update(std::vector<double> { -0.0, 0.0 });
    CHECK(std::signbit(z1.min()));
    CHECK(std::signbit(z2.min()));
    CHECK(!std::signbit(z1.max()));
    CHECK(z1 == z2);

    std::mt19937_64 g(11);
    for (std::size_t n : { 1u, 2u, 5u, 333u, 5000u }) {
        const auto x = mixed_values(n, static_cast<std::uint32_t>(n) + 100);
        rs::moments_state whole;
        whole.update(x);
        const double sd_whole = whole.stddev(1);
        for (int trial = 0; trial < 10; ++trial) {
            const auto m = split_merge<rs::moments_state>(x, g);
            const double sd = m.stddev(1);
            REQUIRE(m == whole);
            REQUIRE(m.to_bytes() == whole.to_bytes());
            REQUIRE(std::memcmp(&sd, &sd_whole, sizeof sd) == 0);
        }
        rs::moments_state e = whole;
        e.merge(rs::moments_state {});
        CHECK(e == whole);
    }
}

TEST_CASE("stream: byte format round trip and validation", "[stream]")
{
    rs::sum_state s;
    check_bytes_validation(s);
    s.update(mixed_values(50, 3));
    s.add(nan_d);
    s.add(-inf_d);
    check_bytes_validation(s);
    rs::moments_state m;
    check_bytes_validation(m);
    m.update(mixed_values(50, 4));
    check_bytes_validation(m);
    // a state of one type is not read as the other
    const auto b = s.to_bytes();
    CHECK_THROWS_AS(rs::moments_state::from_bytes(b.data(), b.size()), std::invalid_argument);
    // the layout is fixed: magic, version 1, tag, little-endian length
    REQUIRE(b.size() > 12);
    CHECK(std::memcmp(b.data(), "RBST", 4) == 0);
    CHECK(b[4] == 1);
    CHECK(b[5] == 0);
    CHECK(b[6] == rs::sum_state::type_tag);
}
