// robstat/core/threads.hpp: splitting independent lanes (rows, groups) over
// threads. Shared by the batched C++ entry points (fit/batched.hpp) and the
// Python module's `workers` argument (python/src/glue.hpp). Lanes never share
// state, so results do not depend on the number of threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace robstat::detail {

/// Splits lanes [0, n_lanes) into n_threads contiguous blocks and runs
/// f(begin, end) -> count on each, the first block on the calling thread.
/// Returns the sum of the counts; rethrows the first block's exception. When
/// the system is out of threads, the remaining blocks run on the caller.
template <class F> std::size_t run_blocks(std::size_t n_lanes, std::size_t n_threads, F&& f)
{
    n_threads = std::max<std::size_t>(1, std::min(n_threads, n_lanes));
    if (n_threads <= 1)
        return f(std::size_t { 0 }, n_lanes);
    std::vector<std::size_t> counts(n_threads, 0);
    std::vector<std::exception_ptr> errors(n_threads);
    auto block = [&](std::size_t t) {
        const std::size_t b = n_lanes / n_threads * t + std::min(t, n_lanes % n_threads);
        const std::size_t e = b + n_lanes / n_threads + (t < n_lanes % n_threads ? 1 : 0);
        try {
            counts[t] = f(b, e);
        } catch (...) {
            errors[t] = std::current_exception();
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(n_threads - 1);
    std::size_t started = 1;
    for (; started < n_threads; ++started) {
        try {
            threads.emplace_back(block, started);
        } catch (...) { // out of threads (system_error) or memory: do the rest here
            break;
        }
    }
    block(0);
    for (std::size_t t = started; t < n_threads; ++t)
        block(t);
    for (auto& th : threads)
        th.join();
    for (const auto& err : errors)
        if (err)
            std::rethrow_exception(err);
    std::size_t total = 0;
    for (std::size_t c : counts)
        total += c;
    return total;
}

} // namespace robstat::detail
