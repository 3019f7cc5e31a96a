// The binary format of the streaming states (docs/streaming.md, "Format"):
//
//   "RBST"  magic (4 bytes)
//   u16     format version (1)
//   u16     type tag (1 sum_state, 2 moments_state, 3 quantile_sketch,
//           4 selection_state, 5 huber_step_state)
//   u32     payload length in bytes
//   ...     payload (the state's fields, little-endian)
//   u64     FNV-1a 64 checksum of every byte before it
//
// Integers and doubles are little-endian whatever the machine; an accumulator
// is written as u16 first nonzero digit, u16 digit count, then the digits as
// i64, canonical (first and last digits nonzero), so equal states give equal
// bytes. Loading checks every field and throws std::invalid_argument naming
// what is wrong: a corrupt, truncated or foreign blob never becomes a state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace robstat::stream {

inline constexpr std::uint16_t format_version = 1;
inline constexpr unsigned char format_magic[4] = { 'R', 'B', 'S', 'T' };
inline constexpr std::size_t format_header_size = 12, format_trailer_size = 8;

inline std::uint64_t fnv1a64(const unsigned char* p, std::size_t n) noexcept
{
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

class byte_writer {
public:
    explicit byte_writer(std::uint16_t tag)
    {
        // byte by byte: GCC 12 at -O3 reports a false -Wstringop-overflow for a
        // 4-byte vector::insert into the empty vector here
        out_.reserve(64);
        for (unsigned char c : format_magic)
            out_.push_back(c);
        put(format_version, 2);
        put(tag, 2);
        put(0, 4); // payload length, set by finish()
    }
    void u64(std::uint64_t v) { put(v, 8); }
    void f64(double v)
    {
        std::uint64_t b;
        std::memcpy(&b, &v, 8);
        put(b, 8);
    }
    template <class C> void counts(const C& c)
    {
        u64(c.nan);
        u64(c.pos_inf);
        u64(c.neg_inf);
    }
    template <class A> void accumulator(const A& a)
    {
        const auto d = a.digits();
        std::size_t first = 0, last = d.size();
        while (first < last && d[first] == 0)
            ++first;
        while (last > first && d[last - 1] == 0)
            --last;
        put(first == last ? 0 : first, 2);
        put(last - first, 2);
        for (std::size_t i = first; i < last; ++i)
            put(static_cast<std::uint64_t>(d[i]), 8);
    }
    std::vector<unsigned char> finish()
    {
        const std::uint64_t len = out_.size() - format_header_size;
        for (int i = 0; i < 4; ++i)
            out_[8 + static_cast<std::size_t>(i)] = static_cast<unsigned char>(len >> (8 * i));
        put(fnv1a64(out_.data(), out_.size()), 8);
        return std::move(out_);
    }

private:
    void put(std::uint64_t v, int bytes)
    {
        for (int i = 0; i < bytes; ++i)
            out_.push_back(static_cast<unsigned char>(v >> (8 * i)));
    }
    std::vector<unsigned char> out_;
};

class byte_reader {
public:
    byte_reader(const unsigned char* data, std::size_t size, std::uint16_t tag, const char* what)
        : p_(data)
        , size_(size)
        , what_(what)
    {
        if (size < format_header_size + format_trailer_size)
            fail("truncated (" + std::to_string(size) + " bytes)");
        if (std::memcmp(data, format_magic, 4) != 0)
            fail("not a robstat state (bad magic)");
        pos_ = 4;
        const auto version = static_cast<std::uint16_t>(get(2));
        if (version != format_version)
            fail("format version " + std::to_string(version)
                + " is not supported (this build reads " + std::to_string(format_version) + ")");
        const auto t = static_cast<std::uint16_t>(get(2));
        if (t != tag)
            fail("wrong state type (tag " + std::to_string(t) + ", expected " + std::to_string(tag)
                + ")");
        const std::uint64_t len = get(4);
        if (len != size - format_header_size - format_trailer_size)
            fail("length mismatch: truncated or padded");
        std::uint64_t sum = 0;
        for (int i = 0; i < 8; ++i)
            sum |= std::uint64_t(data[size - 8 + static_cast<std::size_t>(i)]) << (8 * i);
        if (sum != fnv1a64(data, size - 8))
            fail("checksum mismatch: the bytes are corrupt");
        end_ = size - format_trailer_size;
    }
    std::uint64_t u64() { return get(8); }
    double f64()
    {
        const std::uint64_t b = get(8);
        double v;
        std::memcpy(&v, &b, 8);
        return v;
    }
    template <class A> void accumulator(A& a)
    {
        const auto first = static_cast<std::size_t>(get(2));
        const auto count = static_cast<std::size_t>(get(2));
        std::array<std::int64_t, A::limbs> d {};
        if (first + count > A::limbs)
            fail("accumulator digits out of range");
        for (std::size_t i = 0; i < count; ++i)
            d[first + i] = static_cast<std::int64_t>(get(8));
        if (count && (d[first] == 0 || d[first + count - 1] == 0))
            fail("accumulator digits not canonical");
        if (!count && first)
            fail("accumulator digits not canonical");
        if (!a.set_digits(d))
            fail("accumulator digits invalid");
    }
    /// Bytes left in the payload (to bound a length field before allocating).
    std::size_t remaining() const noexcept { return end_ - pos_; }
    /// A u64 count of items of `item_size` bytes each that must fit in what is left.
    std::size_t count(std::size_t item_size)
    {
        const std::uint64_t c = get(8);
        if (c > remaining() / item_size)
            fail("a length field exceeds the payload");
        return static_cast<std::size_t>(c);
    }
    [[noreturn]] void fail(const std::string& why) const
    {
        throw std::invalid_argument(std::string(what_) + ".from_bytes: " + why);
    }
    void done()
    {
        if (pos_ != end_)
            fail("payload longer than its fields");
    }

private:
    std::uint64_t get(int bytes)
    {
        if (pos_ + static_cast<std::size_t>(bytes) > (end_ ? end_ : size_))
            fail("payload shorter than its fields");
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i)
            v |= std::uint64_t(p_[pos_ + static_cast<std::size_t>(i)]) << (8 * i);
        pos_ += static_cast<std::size_t>(bytes);
        return v;
    }
    const unsigned char* p_;
    std::size_t size_, pos_ = 0, end_ = 0;
    const char* what_;
};

} // namespace robstat::stream
