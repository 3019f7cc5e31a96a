// The AVX2 + FMA table: compiled with -mavx2 -mfma (python/src/dispatch/CMakeLists.txt).
#define ROBSTAT_DISPATCH_NS robstat_avx2
#define ROBSTAT_DISPATCH_ARCH xsimd::fma3<xsimd::avx2>
#define ROBSTAT_DISPATCH_NAME "avx2"
#define ROBSTAT_DISPATCH_TABLE table_avx2
#include "arch_impl.inc"
