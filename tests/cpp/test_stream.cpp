// Streaming states (robstat/stream/states.hpp): exact sums, partition
// independence, the merge identity, the byte format and its validation.
// The correctly rounded values themselves are checked against exact rational
// arithmetic in tests/python/test_stream.py.
#include "test_support.hpp"

#include <robstat/location.hpp>
#include <robstat/m_estimators.hpp>
#include <robstat/stream/huber_step.hpp>
#include <robstat/stream/mad_state.hpp>
#include <robstat/stream/quantile_sketch.hpp>
#include <robstat/stream/selection_state.hpp>
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

/// The state of x cut into 1..max_parts random parts, each made by make() and
/// updated, merged in a random tree shape.
template <class Make>
auto split_merge_with(
    const std::vector<double>& x, std::mt19937_64& g, Make make, std::size_t max_parts = 16)
{
    std::uniform_int_distribution<std::size_t> parts(1, max_parts);
    const std::size_t k = parts(g);
    std::vector<std::size_t> cuts { 0, x.size() };
    std::uniform_int_distribution<std::size_t> at(0, x.size());
    for (std::size_t i = 1; i < k; ++i)
        cuts.push_back(at(g));
    std::sort(cuts.begin(), cuts.end());
    std::vector<decltype(make())> states;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        auto s = make();
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

/// A default-constructed state type's split_merge_with (at most 12 parts).
template <class S> S split_merge(const std::vector<double>& x, std::mt19937_64& g)
{
    return split_merge_with(
        x, g, [] { return S {}; }, 12);
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

// ---- quantile_sketch, selection_state, huber_step_state --------------------

namespace {

/// Data sets the sketch must handle: random, sorted, reversed, heavy ties,
/// heavy tails, a few values repeated, with infinities.
std::vector<double> sketch_data(int kind, std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 g(seed);
    std::normal_distribution<double> z;
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        switch (kind) {
        case 0:
            x[i] = z(g);
            break;
        case 1:
            x[i] = static_cast<double>(i); // sorted
            break;
        case 2:
            x[i] = -static_cast<double>(i); // reversed
            break;
        case 3:
            x[i] = std::floor(3 * z(g)); // heavy ties
            break;
        case 4:
            x[i] = z(g) / z(g); // Cauchy
            break;
        default:
            x[i] = (i % 97 == 0) ? (i % 2 ? inf_d : -inf_d) : std::exp(z(g));
        }
    }
    return x;
}

/// Largest |estimated - true| count of values <= t over every data value and
/// the midpoints between neighbours; and the check of every quantile on a grid.
std::uint64_t check_sketch(const rs::quantile_sketch& s, std::vector<double> x)
{
    std::sort(x.begin(), x.end());
    const auto v = s.make_view();
    const std::uint64_t e = s.rank_error();
    const std::uint64_t n = x.size();
    std::uint64_t worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (double t : { x[i], i + 1 < x.size() ? x[i] / 2 + x[i + 1] / 2 : x[i] }) {
            if (t != t)
                continue;
            const auto truth
                = static_cast<std::uint64_t>(std::upper_bound(x.begin(), x.end(), t) - x.begin());
            const std::uint64_t r = v.rank(t);
            worst = std::max(worst, r > truth ? r - truth : truth - r);
        }
    }
    REQUIRE(worst <= e);
    for (int i = 0; i <= 200; ++i) {
        const double q = i / 200.0;
        const double got = v.quantile(q);
        const auto r = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(n - 1))) + 1;
        const std::uint64_t a = r > e ? r - e : 1, b = std::min(n, r + e);
        REQUIRE(x[a - 1] <= got);
        REQUIRE(got <= x[b - 1]);
    }
    CHECK(v.quantile(0) == x.front());
    CHECK(v.quantile(1) == x.back());
    return worst;
}

} // namespace

TEST_CASE("stream: quantile_sketch is exact below k values", "[stream][sketch]")
{
    const auto x = sketch_data(0, 255, 5);
    rs::quantile_sketch s(256);
    s.update(x);
    CHECK(s.rank_error() == 0);
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    for (double q : { 0.0, 0.1, 0.25, 0.5, 0.77, 1.0 })
        CHECK(s.quantile(q) == robstat::quantile(x, q, robstat::quantile_method::lower));
    for (double t : sorted)
        CHECK(s.rank(t)
            == static_cast<double>(
                std::upper_bound(sorted.begin(), sorted.end(), t) - sorted.begin()));
    CHECK(s.min() == sorted.front());
    CHECK(s.max() == sorted.back());
    CHECK(std::isnan(rs::quantile_sketch().quantile(0.5)));
    CHECK_THROWS_AS(rs::quantile_sketch(7), std::invalid_argument);
    CHECK_THROWS_AS(rs::quantile_sketch(6), std::invalid_argument);
    CHECK_THROWS_AS(s.quantile(1.5), std::invalid_argument);
    rs::quantile_sketch other(128);
    CHECK_THROWS_AS(s.merge(other), std::invalid_argument);
}

TEST_CASE("stream: quantile_sketch rank error within its certified bound for every merge tree",
    "[stream][sketch]")
{
    std::mt19937_64 g(2024);
    std::uint64_t worst_seen = 0, cases = 0;
    for (std::uint64_t k : { 8u, 32u, 256u }) {
        for (int kind = 0; kind < 6; ++kind) {
            for (std::size_t n : { 1000u, 20000u }) {
                for (int seed = 0; seed < 3; ++seed) {
                    const auto x
                        = sketch_data(kind, n, 1000 * static_cast<std::uint64_t>(kind) + seed);
                    rs::quantile_sketch whole(k);
                    whole.update(x);
                    const std::uint64_t bound = rs::quantile_sketch::error_bound(n, k);
                    REQUIRE(whole.rank_error() <= bound);
                    worst_seen = std::max(worst_seen, check_sketch(whole, x));
                    for (int trial = 0; trial < 3; ++trial) {
                        const auto m
                            = split_merge_with(x, g, [k] { return rs::quantile_sketch(k); });
                        REQUIRE(m.count() == n);
                        REQUIRE(m.rank_error() <= bound);
                        REQUIRE(m.min() == whole.min());
                        REQUIRE(m.max() == whole.max());
                        worst_seen = std::max(worst_seen, check_sketch(m, x));
                        ++cases;
                    }
                }
            }
        }
    }
    CHECK(cases == 324);
    CHECK(worst_seen > 0); // the sketch did compact: the bound was exercised
}

TEST_CASE("stream: quantile_sketch merge is commutative; bytes and NaN", "[stream][sketch]")
{
    const auto x = sketch_data(0, 3000, 9), y = sketch_data(4, 1700, 10);
    rs::quantile_sketch a(32), b(32);
    a.update(x);
    b.update(y);
    rs::quantile_sketch ab = a, ba = b;
    ab.merge(b);
    ba.merge(a);
    CHECK(ab == ba);
    CHECK(ab.to_bytes() == ba.to_bytes());
    rs::quantile_sketch e = ab;
    e.merge(rs::quantile_sketch(32));
    CHECK(e == ab);

    rs::quantile_sketch small(8);
    check_bytes_validation(small);
    small.update(sketch_data(5, 100, 3));
    small.add(nan_d);
    check_bytes_validation(small);
    CHECK(std::isnan(small.quantile(0.5)));
    CHECK(!std::isnan(small.quantile(0.5, nan_policy::omit)));
    CHECK_THROWS_AS(small.quantile(0.5, nan_policy::raise), std::domain_error);
    CHECK(small.count() == 101);
    CHECK(small.count(nan_policy::omit) == 100);
    rs::quantile_sketch r(8); // raise: nothing changes
    CHECK_THROWS_AS(
        r.update(std::vector<double> { 1.0, nan_d }, nan_policy::raise), std::domain_error);
    CHECK(r == rs::quantile_sketch(8));
}

TEST_CASE(
    "stream: selection_state gives the exact order statistics and means", "[stream][selection]")
{
    std::mt19937_64 g(77);
    for (std::size_t n : { 1u, 2u, 7u, 100u, 5001u }) {
        const auto x = mixed_values(n, static_cast<std::uint32_t>(n) + 7);
        auto s = x;
        std::sort(s.begin(), s.end());
        // brackets around the ranks the results need, a few ranks wide
        std::vector<std::size_t> need { 0, (n - 1) / 2, n / 2, n - 1 };
        for (double p : { 0.1, 0.25, 0.75, 0.9 }) {
            const auto lo = static_cast<std::size_t>(std::floor(p * static_cast<double>(n - 1)));
            need.push_back(lo);
            need.push_back(std::min(lo + 1, n - 1));
        }
        for (double t : { 0.1, 0.2 }) {
            const auto gc = static_cast<std::size_t>(std::floor(t * static_cast<double>(n)));
            need.push_back(gc);
            need.push_back(n - 1 - gc);
        }
        std::sort(need.begin(), need.end());
        std::vector<rs::selection_state::bracket> br;
        std::uniform_int_distribution<std::size_t> w(0, 3);
        for (std::size_t r : need) {
            const std::size_t below = w(g), above = w(g);
            const double lo = s[r >= below ? r - below : 0];
            const double hi = s[std::min(n - 1, r + above)];
            if (!br.empty() && lo <= br.back().hi)
                br.back().hi = std::max(br.back().hi, hi);
            else
                br.push_back({ lo, hi });
        }
        rs::selection_state whole(br);
        whole.update(x);
        for (int trial = 0; trial < 5; ++trial) {
            const auto m = split_merge_with(x, g, [&] { return rs::selection_state(br); });
            REQUIRE(m == whole);
            REQUIRE(m.to_bytes() == whole.to_bytes());
        }
        CHECK(whole.median() == robstat::median(x));
        for (auto meth : { robstat::quantile_method::linear, robstat::quantile_method::lower,
                 robstat::quantile_method::higher, robstat::quantile_method::midpoint,
                 robstat::quantile_method::nearest })
            for (double p : { 0.1, 0.25, 0.75, 0.9 })
                CHECK(whole.quantile(p, meth) == robstat::quantile(x, p, meth));
        for (std::size_t r : need)
            CHECK(whole.order_statistic(r) == s[r]);
        for (double t : { 0.1, 0.2 }) {
            const double tm = robstat::trimmed_mean(x, t);
            const double wm = robstat::winsorized_mean(x, t);
            const double a = whole.trimmed_mean(t), b = whole.winsorized_mean(t);
            CHECK(std::abs(a - tm) <= std::abs(tm) * 0x1p-52); // robstat: within an ulp
            CHECK(std::abs(b - wm) <= std::abs(wm) * 0x1p-52);
        }
        CHECK(whole.trimmed_mean(0.5) == robstat::median(x));
        check_bytes_validation(whole.count() < 200 ? whole : rs::selection_state(br));
    }
    // a rank outside the brackets is an error, never a wrong answer
    rs::selection_state narrow({ { 10.0, 11.0 } });
    narrow.update(std::vector<double> { 1.0, 2.0, 10.5, 20.0 });
    CHECK(narrow.order_statistic(2) == 10.5);
    CHECK_THROWS_AS(narrow.order_statistic(1), std::invalid_argument);
    CHECK_THROWS_AS(narrow.median(), std::invalid_argument);
    CHECK_THROWS_AS(rs::selection_state({ { 2.0, 1.0 } }), std::invalid_argument);
    CHECK_THROWS_AS(rs::selection_state({ { 0.0, 1.0 }, { 1.0, 2.0 } }), std::invalid_argument);
    CHECK_THROWS_AS(narrow.merge(rs::selection_state({ { 10.0, 12.0 } })), std::invalid_argument);
    // the correctly rounded mean: (1 + 2^-52 + 2^-52 ... ) / 3 rounds once
    rs::selection_state one({ { -inf_d, inf_d } });
    one.update(std::vector<double> { 1.0, 1.0 + 0x1p-52, 1.0 + 0x1p-52 });
    CHECK(one.trimmed_mean(0.0) == 1.0 + 0x1p-52); // exact 1 + (2/3) 2^-52: nearest 1 + 2^-52
    one.update(std::vector<double> { inf_d });
    CHECK(one.trimmed_mean(0.0) == inf_d);
}

namespace {
/// The exact median and MAD of x (values of a float type T) in four passes over
/// random splits merged in random trees: sketch, selection, sketch of the
/// deviations, mad_state.
template <class T>
std::pair<double, double> four_pass_mad(const std::vector<T>& xt, std::mt19937_64& g)
{
    const std::vector<double> x(xt.begin(), xt.end());
    const bool f32 = std::is_same_v<T, float>;
    const std::size_t n = x.size();
    const std::vector<std::uint64_t> mid { (n - 1) / 2, n / 2 };
    const auto sk = split_merge_with(x, g, [] { return rs::quantile_sketch(64); });
    const auto br = rs::brackets_for_ranks(sk, mid);
    const auto sel = split_merge_with(x, g, [&] { return rs::selection_state(br); });
    const double m = f32 ? static_cast<double>(static_cast<float>(sel.median())) : sel.median();
    std::vector<double> dev(n);
    for (std::size_t i = 0; i < n; ++i)
        dev[i] = rs::mad_state::deviation(x[i], m, f32);
    const auto sk2 = split_merge_with(dev, g, [] { return rs::quantile_sketch(64); });
    const auto dbr = rs::brackets_for_ranks(sk2, mid);
    const auto ms = split_merge_with(x, g, [&] { return rs::mad_state(m, dbr, f32); });
    CHECK(ms.deviations().count() == n);
    return { m, ms.mad(1.4826) };
}
} // namespace

TEST_CASE("stream: the exact median and MAD in four passes (sketch brackets, mad_state)",
    "[stream][selection][mad]")
{
    std::mt19937_64 g(2026);
    for (std::size_t n : { 1u, 2u, 3u, 64u, 65u, 1000u, 20001u }) {
        CAPTURE(n);
        const auto x = mixed_values(n, static_cast<std::uint32_t>(n) + 11);
        const auto [m, mad] = four_pass_mad(x, g);
        CHECK(m == robstat::median(x));
        CHECK(mad == robstat::mad(x, 1.4826));
        std::vector<float> xf(n); // float32: ties, deviations in float
        std::normal_distribution<double> z;
        for (auto& v : xf)
            v = static_cast<float>(std::round(z(g) * 40.0) / 8.0 + 1000.0);
        const auto [mf, madf] = four_pass_mad(xf, g);
        CHECK(static_cast<float>(mf) == robstat::median(xf));
        CHECK(static_cast<float>(madf) == robstat::mad(xf, 1.4826));
    }
    // the sketch brackets hold every rank asked for, for every merge tree
    const auto x = mixed_values(50000, 5);
    auto s = x;
    std::sort(s.begin(), s.end());
    const std::vector<std::uint64_t> ranks { 0, 17, 5000, 24999, 25000, 49999 };
    for (int trial = 0; trial < 4; ++trial) {
        const auto sk = split_merge_with(x, g, [] { return rs::quantile_sketch(32); });
        REQUIRE(sk.rank_error() > 0);
        const auto sel = split_merge_with(
            x, g, [&] { return rs::selection_state(rs::brackets_for_ranks(sk, ranks)); });
        for (auto k : ranks)
            CHECK(sel.order_statistic(k) == s[k]);
    }
    CHECK_THROWS_AS(rs::brackets_for_ranks(rs::quantile_sketch(32), { 0 }), std::invalid_argument);
    {
        rs::quantile_sketch few;
        few.update(std::vector<double> { 1.0, 2.0 });
        CHECK_THROWS_AS(rs::brackets_for_ranks(few, { 2 }), std::invalid_argument);
    }
    // bad centres, merges of different states, the byte format
    CHECK_THROWS_AS(rs::mad_state(nan_d, { { 0.0, 1.0 } }), std::invalid_argument);
    CHECK_THROWS_AS(rs::mad_state(inf_d, { { 0.0, 1.0 } }), std::invalid_argument);
    CHECK_THROWS_AS(rs::mad_state(1e300, { { 0.0, 1.0 } }, true), std::invalid_argument);
    rs::mad_state a(1.0, { { 0.0, 2.0 } }), b(1.0, { { 0.0, 2.0 } }, true);
    CHECK_THROWS_AS(a.merge(b), std::invalid_argument);
    CHECK_THROWS_AS(a.merge(rs::mad_state(1.5, { { 0.0, 2.0 } })), std::invalid_argument);
    CHECK_THROWS_AS(a.merge(rs::mad_state(1.0, { { 0.0, 3.0 } })), std::invalid_argument);
    a.update(std::vector<double> { 0.5, 1.0, 4.0, nan_d });
    CHECK(a.count() == 4);
    CHECK(std::isnan(a.mad(1.0)));
    CHECK(a.mad(1.0, nan_policy::omit) == 0.5);
    CHECK_THROWS_AS(a.mad(-1.0), std::invalid_argument);
    check_bytes_validation(a);
    b.update(std::vector<double> { 0.25, 3.0 });
    check_bytes_validation(b);
}

TEST_CASE("stream: add_copies equals k updates", "[stream]")
{
    for (double v : { 1.5, -0.0, 0x1p-1074, 1e308, -0.1, inf_d, -inf_d, nan_d })
        for (std::uint64_t k : { 0u, 1u, 2u, 7u, 1000u, 4097u }) {
            CAPTURE(v, k);
            const std::vector<double> copies(k, v);
            rs::sum_state s, s_ref;
            s.update(std::vector<double> { 2.0 });
            s_ref = s;
            s.add_copies(v, k);
            s_ref.update(copies);
            CHECK(s == s_ref);
            CHECK(s.to_bytes() == s_ref.to_bytes());
            rs::moments_state m, m_ref;
            m.add_copies(v, k);
            m_ref.update(copies);
            CHECK(m == m_ref);
            CHECK(m.to_bytes() == m_ref.to_bytes());
        }
    rs::moments_state big;
    big.add_copies(3.0, std::uint64_t(1) << 62);
    CHECK(big.count() == std::uint64_t(1) << 62);
    CHECK(big.sum() == 0x3p62);
    CHECK(big.var() == 0.0);
}

TEST_CASE("stream: huber_step_state is exact and partition independent", "[stream][huber]")
{
    std::mt19937_64 g(5);
    const auto x = mixed_values(3000, 41);
    std::vector<double> y;
    for (double v : x)
        if (std::abs(v) < 1e6)
            y.push_back(v);
    rs::huber_step_state whole(0.25, 1.5, 1.345);
    whole.update(y);
    for (int trial = 0; trial < 5; ++trial)
        REQUIRE(
            split_merge_with(y, g, [] { return rs::huber_step_state(0.25, 1.5, 1.345); }) == whole);
    // direct: the linear-zone values and the counts
    long double lin = 0;
    std::uint64_t m = 0, lo = 0, hi = 0;
    const double e0 = 0.25 - 1.345 * 1.5, e1 = 0.25 + 1.345 * 1.5;
    for (double v : y) {
        if (v < e0)
            ++lo;
        else if (v > e1)
            ++hi;
        else {
            lin += v;
            ++m;
        }
    }
    CHECK(whole.n_lower() == lo);
    CHECK(whole.n_linear() == m);
    CHECK(whole.n_upper() == hi);
    const double step = static_cast<double>(
        (lin + 1.345L * 1.5L * (static_cast<long double>(hi) - static_cast<long double>(lo)))
        / static_cast<long double>(m));
    CHECK(std::abs(whole.newton_step() - step) <= 4 * std::abs(step) * 0x1p-52);
    check_bytes_validation(whole);
    CHECK_THROWS_AS(rs::huber_step_state(0, 0, 1.5), std::invalid_argument);
    CHECK_THROWS_AS(rs::huber_step_state(0, 1, -1), std::invalid_argument);
    CHECK_THROWS_AS(whole.merge(rs::huber_step_state(0.25, 1.5, 1.5)), std::invalid_argument);
    // iterated from the median, the step reaches robstat::huber's root
    double c = robstat::median(y);
    for (int it = 0; it < 100; ++it) {
        rs::huber_step_state s(c, 1.5, 1.345);
        s.update(y);
        const double next = s.newton_step();
        if (next == c)
            break;
        c = next;
    }
    CHECK(std::abs(c - robstat::huber(y, 1.345, 1.5)) <= 1e-12 * std::abs(c));
}
