// The only place that deals with differences between xsimd versions.
// Debian 12 ships xsimd 8.1 (horizontal sum: xsimd::hadd; xsimd >= 9 renamed it
// reduce_add, so robstat writes its own).
#pragma once

#include <cstddef>

#include <xsimd/xsimd.hpp>

#ifndef XSIMD_VERSION_MAJOR
#error "robstat: xsimd version macros not found"
#endif

namespace robstat::simd {

/// Horizontal sum of a batch, lanes added in index order. Written out rather
/// than calling xsimd 8.1's hadd, whose AVX-512 version trips GCC 12's
/// -Wuninitialized; the fixed order also makes results independent of how an
/// xsimd version happens to pair the lanes.
template <class T, class Arch> inline T reduce_add(const xsimd::batch<T, Arch>& b) noexcept
{
    alignas(64) T lanes[xsimd::batch<T, Arch>::size];
    b.store_aligned(lanes);
    T s = lanes[0];
    for (std::size_t i = 1; i < xsimd::batch<T, Arch>::size; ++i)
        s += lanes[i];
    return s;
}

} // namespace robstat::simd
