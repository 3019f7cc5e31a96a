// Decoding a libFuzzer input (arbitrary bytes) into estimator parameters and an
// array of double or float, shared by the harnesses of tests/fuzz (docs/testing.md).
//
// Layout: a fixed header of `header_size` bytes (flags and parameters, read with
// param()), then the values. A short input reads zeros past its end, so every
// input decodes to something. The value encodings (flags bits 3-4):
//   0 palette: one byte a value, 0-31 special values (signed zeros, denormals,
//     the largest and smallest normals, infinities, NaN, huge values), 32-255
//     small multiples of 0.25 (many ties)
//   1 raw: the bytes of a double (or float), any bit pattern
//   2 int16: 2 bytes a value, divided by 16 (ties and moderate values)
//   3 mixed: a tag byte a value, < 224 a palette byte, otherwise raw
// Failures call report(), which prints the message and aborts (libFuzzer then
// saves the input as a crash-* file).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace robstat_fuzz {

inline constexpr std::size_t header_size = 13;

struct reader {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t pos = 0;

    std::uint8_t byte() { return pos < size ? data[pos++] : 0; }
    /// Byte i of the header (0 past the end of a short input).
    std::uint8_t param(std::size_t i) const { return i < size ? data[i] : 0; }
    bool more() const { return pos < size; }
};

template <class T> T palette(std::uint8_t b)
{
    using L = std::numeric_limits<T>;
    const T table[32] = { T(0), -T(0), T(1), T(-1), T(0.5), T(2), T(3), L::denorm_min(),
        -L::denorm_min(), L::min(), -L::min(), L::max(), -L::max(), L::infinity(), -L::infinity(),
        L::quiet_NaN(), T(1e30), T(-1e30), L::max() / T(4), -L::max() / T(3), L::epsilon(),
        T(1) + L::epsilon(), T(1) - L::epsilon() / T(2), T(0.1), T(-0.1),
        static_cast<T>(3.14159265358979), L::min() * T(3), T(1e-30), T(-7), T(1000), T(-1000),
        -L::quiet_NaN() };
    if (b < 32)
        return table[b];
    return static_cast<T>(0.25 * (static_cast<int>(b) - 144));
}

template <class T> T raw(reader& r)
{
    unsigned char bytes[sizeof(T)];
    for (auto& c : bytes)
        c = r.byte();
    T v;
    std::memcpy(&v, bytes, sizeof(T));
    return v;
}

/// The values after the header, at most max_n of them.
template <class T> std::vector<T> decode_values(reader& r, int encoding, std::size_t max_n = 4096)
{
    r.pos = header_size;
    std::vector<T> x;
    while (r.more() && x.size() < max_n) {
        switch (encoding & 3) {
        case 0:
            x.push_back(palette<T>(r.byte()));
            break;
        case 1:
            x.push_back(raw<T>(r));
            break;
        case 2: {
            const auto lo = r.byte(), hi = r.byte();
            const auto v = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
            x.push_back(static_cast<T>(v / 16.0));
            break;
        }
        default: {
            const auto tag = r.byte();
            x.push_back(tag < 224 ? palette<T>(tag) : raw<T>(r));
            break;
        }
        }
    }
    return x;
}

/// A proportion from a byte: b / 200 (0 to 1.275: valid and invalid trims), 255 NaN,
/// 254 -0.1, 253 exactly 0.5.
inline double proportion(std::uint8_t b)
{
    if (b == 255)
        return std::numeric_limits<double>::quiet_NaN();
    if (b == 254)
        return -0.1;
    if (b == 253)
        return 0.5;
    return b / 200.0;
}

/// A probability from a byte: b / 250 (251-252 above 1), 253 NaN, 254 -0.01, 255 1.
inline double probability(std::uint8_t b)
{
    if (b == 253)
        return std::numeric_limits<double>::quiet_NaN();
    if (b == 254)
        return -0.01;
    if (b == 255)
        return 1.0;
    return b / 250.0;
}

/// A positive factor from a byte: b / 16, with 0 invalid (0), 1 negative, 2 NaN, 3 inf.
inline double factor(std::uint8_t b)
{
    switch (b) {
    case 1:
        return -1.0;
    case 2:
        return std::numeric_limits<double>::quiet_NaN();
    case 3:
        return std::numeric_limits<double>::infinity();
    default:
        return b / 16.0;
    }
}

[[noreturn]] inline void report(const std::string& what)
{
    std::fprintf(stderr, "robstat fuzz: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

inline std::string num(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g (%a)", v, v);
    return buf;
}

} // namespace robstat_fuzz
