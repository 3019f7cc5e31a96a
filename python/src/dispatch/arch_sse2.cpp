// The baseline table: compiled WITHOUT any -m flag (x86-64's SSE2).
// On other processors it is xsimd's default architecture for the target.
// Global flags such as -march=x86-64-v2 are tolerated (the table then records
// that it needs SSE4.2 and POPCNT), but AVX in the baseline defeats the
// purpose of dispatch: a -march=native build must not become a wheel.
#if defined(__AVX__)
#error "dispatch baseline compiled with AVX: remove -march=native / -mavx* from CMAKE_CXX_FLAGS"
#endif
#define ROBSTAT_DISPATCH_NS robstat_sse2
#if defined(__x86_64__) || defined(_M_X64)
#define ROBSTAT_DISPATCH_ARCH xsimd::sse2
#define ROBSTAT_DISPATCH_NAME "sse2"
#else
#define ROBSTAT_DISPATCH_ARCH xsimd::default_arch
#define ROBSTAT_DISPATCH_NAME xsimd::default_arch::name()
#endif
#define ROBSTAT_DISPATCH_TABLE table_baseline
#include "arch_impl.inc"
