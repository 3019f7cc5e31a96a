// Uses robstat through find_package(robstat) or add_subdirectory and checks a
// few results, so a broken package fails loudly (non-zero exit).
#include <robstat/robstat.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

int main()
{
    // 21 measurements with two gross errors
    std::vector<double> x;
    for (int i = 0; i < 19; ++i)
        x.push_back(10.0 + 0.1 * i);
    x.push_back(1000.0);
    x.push_back(-500.0);

    const double tm = robstat::trimmed_mean(x, 0.1); // cuts floor(2.1) = 2 per tail
    const double med = robstat::median(x);
    const double mad = robstat::mad(x);
    std::printf(
        "robstat %s: trimmed mean %.6f, median %.6f, MAD %.6f\n", ROBSTAT_VERSION, tm, med, mad);
    // kept: 10.1 .. 11.7 after cutting {-500, 10.0} and {11.8, 1000}; mean and median 10.9
    const bool ok = std::fabs(tm - 10.9) < 1e-12 && std::fabs(med - 10.9) < 1e-12;
#ifdef ROBSTAT_PACKAGE_VERSION
    // find_package(robstat): the CMake package must report the headers' version
    if (std::strcmp(ROBSTAT_PACKAGE_VERSION, ROBSTAT_VERSION) != 0) {
        std::printf("CMake package version %s != ROBSTAT_VERSION %s\n", ROBSTAT_PACKAGE_VERSION,
            ROBSTAT_VERSION);
        return 1;
    }
#endif
    return ok ? 0 : 1;
}
