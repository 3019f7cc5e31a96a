// The only place that knows which xsimd version is installed.
// Debian 12 ships xsimd 8.1, whose horizontal sum is xsimd::hadd; xsimd >= 9
// renamed it reduce_add.
#pragma once

#include <xsimd/xsimd.hpp>

#ifndef XSIMD_VERSION_MAJOR
#error "robstat: xsimd version macros not found"
#endif

namespace robstat::simd {

template <class T, class Arch>
inline T reduce_add(const xsimd::batch<T, Arch>& b) noexcept
{
#if XSIMD_VERSION_MAJOR >= 9
    return xsimd::reduce_add(b);
#else
    return xsimd::hadd(b);
#endif
}

} // namespace robstat::simd
