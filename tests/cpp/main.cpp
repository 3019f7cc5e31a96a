// Catch2 main. The same tests are also compiled with -mavx2 -mfma and with
// AVX-512 flags (xsimd::default_arch follows the flags); those executables
// exit with 77 (CTest: skipped) on a CPU without the instruction set.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

int main(int argc, char* argv[])
{
#if defined(__AVX512F__)
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw")
        || !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512vl")) {
        std::puts("skipped: this CPU lacks AVX-512");
        return 77;
    }
#elif defined(__AVX2__)
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
        std::puts("skipped: this CPU lacks AVX2/FMA");
        return 77;
    }
#endif
    return Catch::Session().run(argc, argv);
}
