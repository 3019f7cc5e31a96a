// Uses robstat::fit (robstat/fit.hpp, which needs Eigen) through the installed
// package or add_subdirectory; a wrong result fails the build's test (exit 1).
#include <robstat/config.hpp>
#include <robstat/fit.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main()
{
    const std::vector<double> x { 9.1, 9.8, 10.0, 10.2, 10.4, 10.9, 11.6 };
    const robstat::fit_result r = robstat::fit(x, robstat::family::normal);
    // the normal MLE in closed form: the mean and the root mean squared deviation
    double mean = 0.0;
    for (double v : x)
        mean += v;
    mean /= static_cast<double>(x.size());
    double ss = 0.0;
    for (double v : x)
        ss += (v - mean) * (v - mean);
    const double sd = std::sqrt(ss / static_cast<double>(x.size()));
    std::printf("robstat %s fit: loc %.6f, scale %.6f (%s)\n", ROBSTAT_VERSION, r.param("loc"),
        r.param("scale"), r.message.c_str());
    const bool ok = r.converged && std::fabs(r.param("loc") - mean) < 1e-12
        && std::fabs(r.param("scale") - sd) < 1e-12;
    return ok ? 0 : 1;
}
