#!/usr/bin/env bash
# Install the Debian packages robstat needs, only those missing.
# Used by `make demo` and `make test`; runs apt through sudo when not root.
set -euo pipefail

PYTHON=${PYTHON:-python3}
packages=(g++ make cmake ninja-build pkg-config
          libeigen3-dev libxsimd-dev libboost-dev libbenchmark-dev catch2
          doxygen)   # doxygen: make docs (the C++ API reference)
# tests/python/test_spark.py: pyspark (the spark extra) runs a local JVM
packages+=(openjdk-17-jre-headless)
# make test-fuzz / make fuzz: libFuzzer harnesses (clang's runtime libraries, Debian 12: clang 14)
packages+=(clang libclang-rt-14-dev)
# make test-qemu (part of make test): the dispatch tests under emulated older x86-64 CPUs
if [ "$(uname -m)" = x86_64 ]; then packages+=(qemu-user); fi
# the Python interpreter must be able to make a venv and build extensions
"$PYTHON" -m venv --help >/dev/null 2>&1 || packages+=(python3-venv)
"$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    2>/dev/null || packages+=(python3-dev)
"$PYTHON" -m ensurepip --version >/dev/null 2>&1 || "$PYTHON" -m pip --version >/dev/null 2>&1 \
    || packages+=(python3-pip)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "bootstrap: installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
