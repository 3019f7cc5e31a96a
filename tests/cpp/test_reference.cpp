// robstat against reference values computed by R (tests/data/reference_location_scale.csv,
// written by tests/tools/make_reference.R): median, trimmed means (R's mean(x, trim)),
// type-7 quantiles, raw MAD, IQR and winsorized means on classic data sets and
// generated vectors (outliers, ties, constants, +-Inf, huge and subnormal values).
//
// double: relative tolerance 1e-13, relative to the magnitude of the values the
// statistic combines (the two interpolated order statistics of a quantile, the
// mean |x| of the kept values of a trimmed mean), so that legitimate last-ulp
// differences of a sum or an interpolation near zero are not failures.
// float: the values rounded to float, robstat's float result compared with
// robstat's double result on the same float-rounded values (1e-6 relative).
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#ifndef ROBSTAT_TEST_DATA_DIR
#error "ROBSTAT_TEST_DATA_DIR must be defined (tests/CMakeLists.txt)"
#endif

#include "test_support.hpp"

using namespace robstat_test;

namespace {

struct ref_row {
    std::string case_name;
    std::size_t n = 0;
    std::string statistic;
    double p1 = std::numeric_limits<double>::quiet_NaN();
    double p2 = std::numeric_limits<double>::quiet_NaN();
    double expected = std::numeric_limits<double>::quiet_NaN();
};

struct ref_table {
    std::map<std::string, std::vector<double>> inputs;
    std::vector<std::string> case_order;
    std::vector<ref_row> rows;
};

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    out.push_back(cur);
    return out;
}

double parse_number(const std::string& s)
{
    // strtod reads "Inf", "-Inf" and "NaN" as written by R's sprintf("%.17g")
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size())
        throw std::runtime_error("bad number in reference CSV: '" + s + "'");
    return v;
}

double parse_optional(const std::string& s)
{
    return s.empty() ? std::numeric_limits<double>::quiet_NaN() : parse_number(s);
}

const ref_table& reference()
{
    static const ref_table table = [] {
        ref_table t;
        const std::string path
            = std::string(ROBSTAT_TEST_DATA_DIR) + "/reference_location_scale.csv";
        std::ifstream in(path);
        if (!in)
            throw std::runtime_error(
                "cannot open " + path + " (run Rscript tests/tools/make_reference.R)");
        std::string line;
        bool header_seen = false;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#')
                continue;
            if (!header_seen) {
                if (line != "case,n,statistic,p1,p2,expected,x")
                    throw std::runtime_error("unexpected header in " + path + ": " + line);
                header_seen = true;
                continue;
            }
            const auto f = split(line, ',');
            if (f.size() != 7)
                throw std::runtime_error("expected 7 fields in: " + line.substr(0, 80));
            const std::size_t n = static_cast<std::size_t>(std::stoul(f[1]));
            if (f[2] == "input") {
                std::vector<double> x;
                std::istringstream values(f[6]);
                std::string tok;
                while (values >> tok)
                    x.push_back(parse_number(tok));
                if (x.size() != n)
                    throw std::runtime_error("case " + f[0] + ": length mismatch");
                t.inputs[f[0]] = x;
                t.case_order.push_back(f[0]);
                continue;
            }
            ref_row r;
            r.case_name = f[0];
            r.n = n;
            r.statistic = f[2];
            r.p1 = parse_optional(f[3]);
            r.p2 = parse_optional(f[4]);
            r.expected = parse_number(f[5]);
            if (!t.inputs.count(r.case_name))
                throw std::runtime_error("row before its input: " + r.case_name);
            t.rows.push_back(r);
        }
        return t;
    }();
    return table;
}

/// Magnitude of the quantities a statistic combines, for a relative tolerance
/// that is meaningful when the result itself is close to zero by cancellation.
double magnitude(const ref_row& r, const std::vector<double>& x)
{
    std::vector<double> s(x);
    std::sort(s.begin(), s.end());
    const std::size_t n = s.size();
    auto finite_abs = [](double v) { return std::isfinite(v) ? std::fabs(v) : 0.0; };
    auto quantile_span = [&](double q) {
        const double h = q * static_cast<double>(n - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, n - 1);
        return std::max(finite_abs(s[lo]), finite_abs(s[hi]));
    };
    if (r.statistic == "quantile")
        return quantile_span(r.p1);
    if (r.statistic == "iqr")
        return std::max(quantile_span(0.25), quantile_span(0.75));
    if (r.statistic == "trimmed_mean" || r.statistic == "winsorized_mean") {
        const auto g_lo = static_cast<std::size_t>(std::floor(r.p1 * static_cast<double>(n)));
        const auto g_hi = static_cast<std::size_t>(std::floor(r.p2 * static_cast<double>(n)));
        double m = 0;
        if (g_lo + g_hi < n)
            for (std::size_t i = g_lo; i < n - g_hi; ++i)
                m = std::max(m, finite_abs(s[i]));
        return m;
    }
    if (r.statistic == "mad_raw") {
        // the deviations are taken from the median
        return finite_abs(s[(n - 1) / 2]) + finite_abs(s[n / 2]);
    }
    return 0.0;
}

template <class T> robstat::result_t<T> evaluate(const ref_row& r, robstat::strided_span<const T> x)
{
    if (r.statistic == "median")
        return robstat::median(x);
    if (r.statistic == "trimmed_mean")
        return robstat::trimmed_mean(x, robstat::trim_spec { r.p1, r.p2 });
    if (r.statistic == "winsorized_mean")
        return robstat::winsorized_mean(x, robstat::trim_spec { r.p1, r.p2 });
    if (r.statistic == "quantile")
        return robstat::quantile(x, r.p1);
    if (r.statistic == "mad_raw")
        return robstat::mad(x, 1.0);
    if (r.statistic == "iqr")
        return robstat::iqr(x);
    throw std::runtime_error("unknown statistic " + r.statistic);
}

bool matches(double actual, double expected, double rel, double scale)
{
    if (std::isnan(expected))
        return std::isnan(actual);
    if (std::isinf(expected))
        return actual == expected;
    if (!std::isfinite(actual))
        return false;
    // R's type-7 formula (1 - h) x[j] + h x[j+1] rounds each product: in the
    // subnormal range that is an absolute error of a few denorm_min, which no
    // relative tolerance covers.
    const double subnormal_slack = 4 * std::numeric_limits<double>::denorm_min();
    const double tol = rel * std::max(std::fabs(expected), scale) + subnormal_slack;
    return std::fabs(actual - expected) <= tol;
}

std::string describe(const ref_row& r)
{
    std::ostringstream os;
    os.precision(17);
    os << std::boolalpha;
    os << r.case_name << " (n=" << r.n << ") " << r.statistic;
    if (!std::isnan(r.p1))
        os << " p1=" << r.p1;
    if (!std::isnan(r.p2))
        os << " p2=" << r.p2;
    os << " expected=" << r.expected;
    return os.str();
}

} // namespace

TEST_CASE("reference table: the CSV written by make_reference.R is complete", "[reference]")
{
    const auto& t = reference();
    REQUIRE(t.case_order.size() >= 30);
    REQUIRE(t.rows.size() >= 1000);
    std::map<std::string, int> per_stat;
    for (const auto& r : t.rows)
        ++per_stat[r.statistic];
    for (const char* s :
        { "median", "trimmed_mean", "quantile", "mad_raw", "iqr", "winsorized_mean" }) {
        INFO(s);
        CHECK(per_stat[s] >= static_cast<int>(t.case_order.size()));
    }
    for (const char* c : { "chem_copper", "abbey_nickel", "morley_speed", "morley_expt1",
             "morley_expt5", "contaminated_n1000", "huge_pair" }) {
        INFO(c);
        CHECK(t.inputs.count(c) == 1);
    }
    CHECK(t.inputs.at("chem_copper").size() == 24);
    CHECK(t.inputs.at("abbey_nickel").size() == 31);
    CHECK(t.inputs.at("morley_speed").size() == 100);
}

TEST_CASE("reference: double results match R to 1e-13", "[reference]")
{
    const auto& t = reference();
    for (const auto& r : t.rows) {
        const auto& x = t.inputs.at(r.case_name);
        const double scale = magnitude(r, x);
        const double got = evaluate<double>(r, cspan(x));
        INFO(describe(r) << " got=" << num(got));
        CHECK(matches(got, r.expected, 1e-13, scale));
    }
}

TEST_CASE("reference: strided and reversed views give the R results", "[reference]")
{
    const auto& t = reference();
    for (std::ptrdiff_t stride : { 2, 3, -1, -2 }) {
        for (const auto& r : t.rows) {
            const auto& x = t.inputs.at(r.case_name);
            const strided_input<double> sc(x, stride);
            const double got = evaluate<double>(r, sc.span());
            INFO(describe(r) << " stride=" << stride << " got=" << num(got));
            CHECK(matches(got, r.expected, 1e-13, magnitude(r, x)));
        }
    }
}

TEST_CASE("reference: the vector-q quantile overload matches R", "[reference]")
{
    const auto& t = reference();
    for (const auto& name : t.case_order) {
        const auto& x = t.inputs.at(name);
        std::vector<double> q, expected;
        std::vector<const ref_row*> rows;
        for (const auto& r : t.rows) {
            if (r.case_name == name && r.statistic == "quantile") {
                q.push_back(r.p1);
                expected.push_back(r.expected);
                rows.push_back(&r);
            }
        }
        REQUIRE_FALSE(q.empty());
        const auto got = robstat::quantile(x, q);
        REQUIRE(got.size() == q.size());
        for (std::size_t i = 0; i < q.size(); ++i) {
            INFO(describe(*rows[i]) << " got=" << num(got[i]));
            CHECK(matches(got[i], expected[i], 1e-13, magnitude(*rows[i], x)));
        }
    }
}

TEST_CASE("reference: float input agrees with the double computation on float-rounded values",
    "[reference][float]")
{
    const auto& t = reference();
    std::size_t compared = 0;
    for (const auto& r : t.rows) {
        const auto& x = t.inputs.at(r.case_name);
        // values beyond the float range cannot be represented: those cases are double-only
        const bool representable = std::all_of(x.begin(), x.end(), [](double v) {
            return !std::isfinite(v) || std::fabs(v) <= std::numeric_limits<float>::max();
        });
        if (!representable)
            continue;
        std::vector<float> xf(x.begin(), x.end());
        std::vector<double> xfd(xf.begin(), xf.end());
        const float got = evaluate<float>(r, cspan(xf));
        const double want = evaluate<double>(r, cspan(xfd));
        // MAD and IQR are differences of rounded float order statistics: their
        // error is relative to the magnitude of those, not of the result.
        const double scale = magnitude(r, xfd);
        INFO(describe(r) << " [float] got=" << num(got) << " double computation=" << num(want));
        CHECK(matches(static_cast<double>(got), want, 1e-6, scale));
        ++compared;
    }
    CHECK(compared > t.rows.size() / 2);
}
