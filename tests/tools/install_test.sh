#!/usr/bin/env bash
# make test-install: `cmake --install` robstat into a fresh prefix, then build and
# run examples/consumer against that installed copy only:
#   1. find_package(robstat REQUIRED COMPONENTS fit): consumer, fit_consumer, README example
#   2. without Eigen: find_package(robstat) still works (no robstat::fit), and
#      COMPONENTS fit fails with a message naming Eigen
#   3. pkg-config: c++ $(pkg-config --cflags robstat[-fit]) on the same sources
# and the versions: header == CMake package (consumer checks) == pkg-config.
# Usage: tests/tools/install_test.sh [work dir]   (default build/install-test)
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${1:-$SRC/build/install-test}
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
CXX=${CXX:-c++}
rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
PREFIX=$WORK/prefix
step() { echo "== install_test: $*"; }

step "configure (no tests) and install into $PREFIX"
cmake -S "$SRC" -B "$WORK/robstat" "${GEN[@]}" -DROBSTAT_BUILD_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
cmake --install "$WORK/robstat" >/dev/null
diff -r "$SRC/include/robstat" "$PREFIX/include/robstat"  # every header, unchanged
cmakedir=$(dirname "$(find "$PREFIX" -name robstatConfig.cmake)")
for f in robstatConfigVersion.cmake robstatTargets.cmake robstatFitTargets.cmake \
         robstatDependencies.cmake; do
    test -f "$cmakedir/$f" || { echo "missing $cmakedir/$f"; exit 1; }
done
pcdir=$PREFIX/share/pkgconfig
test -f "$pcdir/robstat.pc" && test -f "$pcdir/robstat-fit.pc"

# the consumer is copied out of the source tree, so only the prefix provides robstat
cp -r "$SRC/examples/consumer" "$WORK/consumer"
consumer() {  # build dir, cmake args...
    local dir=$1; shift
    cmake -S "$WORK/consumer" -B "$WORK/$dir" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_PREFIX_PATH="$PREFIX" \
          -DCMAKE_EXPORT_COMPILE_COMMANDS=ON "$@" >/dev/null
    cmake --build "$WORK/$dir" >/dev/null
    if grep -q "$SRC/include" "$WORK/$dir/compile_commands.json"; then
        echo "install_test: $dir compiled against the source tree"; exit 1
    fi
}

step "find_package(robstat REQUIRED COMPONENTS fit)"
consumer with-fit -DCONSUMER_REQUIRE_FIT=ON -DROBSTAT_README="$SRC/README.md"
"$WORK/with-fit/consumer"
"$WORK/with-fit/fit_consumer"
"$WORK/with-fit/readme_example" >/dev/null

step "find_package(robstat) without Eigen: robstat::robstat only"
consumer no-eigen -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON
"$WORK/no-eigen/consumer"
if [ -e "$WORK/no-eigen/fit_consumer" ]; then echo "robstat::fit without Eigen"; exit 1; fi
step "find_package(robstat COMPONENTS fit) without Eigen must fail"
if cmake -S "$WORK/consumer" -B "$WORK/no-eigen-fit" -DCMAKE_PREFIX_PATH="$PREFIX" \
         -DCMAKE_DISABLE_FIND_PACKAGE_Eigen3=ON -DCONSUMER_REQUIRE_FIT=ON \
         >"$WORK/no-eigen-fit.log" 2>&1; then
    echo "install_test: COMPONENTS fit succeeded without Eigen"; exit 1
fi
grep -q "component fit needs Eigen" "$WORK/no-eigen-fit.log"

step "pkg-config"
export PKG_CONFIG_PATH=$pcdir
header_version=$(sed -n 's/^#define ROBSTAT_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
                 "$PREFIX/include/robstat/config.hpp" | paste -sd.)
pc_version=$(pkg-config --modversion robstat)
if [ "$pc_version" != "$header_version" ]; then
    echo "install_test: robstat.pc says $pc_version, config.hpp $header_version"; exit 1
fi
case " $(pkg-config --cflags robstat-fit) " in *" -I$SRC/include "*) echo "cflags name the source tree"; exit 1;; esac
# shellcheck disable=SC2046  # word splitting of the flags is wanted
$CXX -std=c++17 -O2 $(pkg-config --cflags robstat) "$WORK/consumer/main.cpp" -o "$WORK/pc_consumer"
# shellcheck disable=SC2046
$CXX -std=c++17 -O2 $(pkg-config --cflags robstat-fit) "$WORK/consumer/fit_main.cpp" \
     -o "$WORK/pc_fit_consumer"
"$WORK/pc_consumer"
"$WORK/pc_fit_consumer"
step "ok (robstat $header_version)"
