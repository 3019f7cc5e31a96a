// robstat: version macros. This file is the single source of truth for the
// version: CMake parses it, and pyproject.toml reads it for the Python package.
#pragma once

#define ROBSTAT_VERSION_MAJOR 0
#define ROBSTAT_VERSION_MINOR 1
#define ROBSTAT_VERSION_PATCH 0

#define ROBSTAT_STRINGIFY_DETAIL(x) #x
#define ROBSTAT_STRINGIFY(x) ROBSTAT_STRINGIFY_DETAIL(x)
#define ROBSTAT_VERSION                                                                            \
    ROBSTAT_STRINGIFY(ROBSTAT_VERSION_MAJOR)                                                       \
    "." ROBSTAT_STRINGIFY(ROBSTAT_VERSION_MINOR) "." ROBSTAT_STRINGIFY(ROBSTAT_VERSION_PATCH)
