// The last pass of the exact streaming MAD (docs/streaming.md, "Exact median
// and MAD over a stream"): for a known centre c (the exact median, from a
// selection_state) and brackets around the wanted ranks of the deviations, a
// selection_state of |x - c|, each deviation computed as robstat::mad's kernel
// computes it: in double, or in float for float32 data (c rounded to float
// first). Merged over all the parts, mad(scale) equals robstat::mad(x, scale,
// center = c) bit for bit whenever the median rank(s) of the deviations fall
// inside the brackets (std::invalid_argument otherwise, never a wrong value).
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "robstat/stream/selection_state.hpp"

namespace robstat::stream {

class mad_state : public updatable<mad_state> {
public:
    static constexpr std::uint16_t type_tag = 6;

    /// center: finite; float32: the deviations in float, as for float32 data.
    mad_state(double center, std::vector<selection_state::bracket> deviation_brackets,
        bool float32 = false)
        : c_(center)
        , float32_(float32)
        , dev_(std::move(deviation_brackets))
    {
        if (!std::isfinite(center) || (float32 && !std::isfinite(static_cast<float>(center))))
            throw std::invalid_argument("mad_state: the center must be finite (in the working "
                                        "type)");
    }

    /// |v - c| in the working type, as robstat::mad's kernel computes it (pass 3's
    /// sketch must see these same values, so that its brackets hold them).
    static double deviation(double v, double c, bool float32) noexcept
    {
        if (float32)
            return static_cast<double>(std::fabs(static_cast<float>(v) - static_cast<float>(c)));
        return std::fabs(v - c);
    }
    /// Adds the deviation of v (NaN counted, as by the selection state).
    void add(double v) { dev_.add(deviation(v, c_, float32_)); }

    /// Fold in a state with the same centre, working type and brackets.
    void merge(const mad_state& o)
    {
        if (!detail::same_double(c_, o.c_) || float32_ != o.float32_)
            throw std::invalid_argument(
                "mad_state.merge: the states have different centres or working types");
        dev_.merge(o.dev_);
    }

    double center() const noexcept { return c_; }
    bool float32() const noexcept { return float32_; }
    /// The selection state of the deviations (their order statistics and counts).
    const selection_state& deviations() const noexcept { return dev_; }
    std::uint64_t count(nan_policy p = nan_policy::propagate) const noexcept
    {
        return dev_.count(p);
    }
    special_counts specials() const noexcept { return dev_.specials(); }

    /// The median of the deviations times scale, as robstat::mad: the median in
    /// the working type, then times scale in double (NaN when empty).
    double mad(double scale, nan_policy p = nan_policy::propagate) const
    {
        robstat::detail::validate_positive(scale, "scale");
        double raw = dev_.median(p);
        if (float32_) // (robstat's float midpoint: the double midpoint rounded once)
            raw = static_cast<double>(static_cast<float>(raw));
        const double m = raw * scale;
        return float32_ ? static_cast<double>(static_cast<float>(m)) : m;
    }

    std::vector<unsigned char> to_bytes() const
    {
        byte_writer w(type_tag);
        w.f64(c_);
        w.u64(float32_ ? 1 : 0);
        dev_.write_fields(w);
        return w.finish();
    }
    static mad_state from_bytes(const unsigned char* data, std::size_t size)
    {
        byte_reader r(data, size, type_tag, "mad_state");
        const double c = r.f64();
        const std::uint64_t f = r.u64();
        if (f > 1)
            r.fail("the working type is neither float64 (0) nor float32 (1)");
        if (!std::isfinite(c) || (f == 1 && !std::isfinite(static_cast<float>(c))))
            r.fail("the center is not finite");
        mad_state s(c, { { 0.0, 0.0 } }, f == 1);
        s.dev_ = selection_state::read_fields(r);
        r.done();
        return s;
    }
    friend bool operator==(const mad_state& a, const mad_state& b)
    {
        return a.to_bytes() == b.to_bytes();
    }
    friend bool operator!=(const mad_state& a, const mad_state& b) { return !(a == b); }

private:
    double c_;
    bool float32_;
    selection_state dev_;
};

} // namespace robstat::stream
