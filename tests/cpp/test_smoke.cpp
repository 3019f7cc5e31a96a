#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

TEST_CASE("umbrella header compiles and the version is set", "[smoke]")
{
    CHECK(std::string(ROBSTAT_VERSION) == "0.1.0");
    const std::vector<double> x { 1, 2, 3, 4, 100 };
    CHECK(robstat::median(x) == 3.0);
}
