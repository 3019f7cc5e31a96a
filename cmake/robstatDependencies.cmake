# Dependencies of the robstat INTERFACE target, shared by the build tree and
# the installed robstatConfig.cmake.
include(CMakeFindDependencyMacro)

# Debian 12's xsimd 8.1 export lists "xtl" as a link dependency without
# finding it; xtl is only needed for XSIMD_ENABLE_XTL_COMPLEX, so an empty
# imported target stands in and keeps "-lxtl" off every link line.
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED)
endif()
find_dependency(xsimd 8.1)
find_dependency(Boost 1.74 CONFIG)
# Eigen: only robstat/fit.hpp (distribution fitting) needs it; the SIMD
# estimators of robstat/robstat.hpp do not. Optional for consumers of the
# headers, required for the tests and the Python module (CMakeLists.txt).
find_package(Eigen3 3.3 CONFIG QUIET)
