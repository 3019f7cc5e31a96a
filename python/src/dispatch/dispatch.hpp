// Choosing a dispatch table at run time (compiled at baseline: dispatch.cpp).
// Include only from baseline translation units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "table.hpp"

namespace robstat_dispatch {

/// Every table compiled into this binary, baseline first, best last.
std::vector<const table*> compiled_tables();

/// Feature bits (robstat_dispatch::feature) of the running CPU, counting only
/// what the operating system also enabled (AVX and AVX-512 register state).
std::uint64_t cpu_features();

/// True when the running CPU has every feature `t` was compiled for.
bool cpu_supports(const table& t);

/// The compiled tables this CPU can run, baseline first.
std::vector<const table*> available_tables();

/// The best table this CPU can run.
const table& best_table();

/// The table named `forced` ("sse2", "avx2", "avx512"; case and surrounding
/// blanks ignored), or the best one when `forced` is null or blank. Throws
/// std::runtime_error, naming the choices, when the name is unknown or this
/// CPU cannot run that table.
const table& select_table(const char* forced);

/// select_table(getenv("ROBSTAT_FORCE_ARCH")).
const table& select_table_from_env();

/// "sse2 sse3 avx2 ..." for a feature mask (for messages and bug reports).
std::string feature_names(std::uint64_t features);

} // namespace robstat_dispatch
