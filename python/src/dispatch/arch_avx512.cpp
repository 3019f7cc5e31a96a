// The AVX-512 table: compiled with -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx512vl
// (python/src/dispatch/CMakeLists.txt); xsimd's richest AVX-512 architecture in 8.1.
#define ROBSTAT_DISPATCH_NS robstat_avx512
#define ROBSTAT_DISPATCH_ARCH xsimd::avx512bw
#define ROBSTAT_DISPATCH_NAME "avx512"
#define ROBSTAT_DISPATCH_TABLE table_avx512
#include "arch_impl.inc"
