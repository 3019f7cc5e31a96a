#!/usr/bin/env bash
# Runs the C++ test executables under user-mode QEMU emulating older CPUs, to
# prove that the runtime dispatcher picks the right table on each and that
# nothing on those paths executes an instruction the CPU lacks (QEMU raises
# SIGILL for it: see docs/dispatch.md).
#
#   tests/tools/run_qemu_tests.sh BUILD_DIR/tests [PYTHON]
#
# With PYTHON (an interpreter that imports the installed robstat), the module
# itself is also checked: tests/tools/dispatch_smoke.py under emulation must
# choose the expected table and reproduce, bit for bit, the results of a native
# run forced to that table (ROBSTAT_FORCE_ARCH).
#
#   -cpu Nehalem  (SSE4.2, no AVX)        dispatcher must pick "sse2"
#   -cpu Haswell  (AVX2 + FMA, no AVX-512) dispatcher must pick "avx2"
# QEMU 7.2's TCG emulates AVX2 but not AVX-512, so the AVX-512 table is tested
# natively only. Needs qemu-x86_64 (Debian package qemu-user).
set -euo pipefail

dir=${1:?usage: run_qemu_tests.sh BUILD_DIR/tests [PYTHON]}
python=${2:-}
smoke="$(cd "$(dirname "$0")" && pwd)/dispatch_smoke.py"
qemu=${QEMU:-qemu-x86_64}
command -v "$qemu" >/dev/null || {
    echo "run_qemu_tests: $qemu not found (Debian/Ubuntu: apt-get install qemu-user)" >&2
    exit 1
}
[ "$(uname -m)" = x86_64 ] || { echo "run_qemu_tests: x86-64 hosts only" >&2; exit 1; }

# QEMU warns about every CPUID bit of the model that TCG cannot emulate
# (pcid, x2apic, ...): noise, filtered out.
run() { # cpu, executable, args...
    local cpu=$1
    shift
    echo "+ $qemu -cpu $cpu $*" >&2
    "$qemu" -cpu "$cpu" "$@" 2> >(grep -v "TCG doesn't support requested feature" >&2)
}

status=0
for spec in Nehalem:sse2 Haswell:avx2; do
    cpu=${spec%%:*}
    arch=${spec##*:}
    echo "=== qemu -cpu $cpu: the dispatcher must choose '$arch'"
    start=$SECONDS
    # every table the emulated CPU supports against the header functions
    # (a reduced set of cases: emulation is ~20 times slower)
    ROBSTAT_EXPECT_ARCH=$arch ROBSTAT_DISPATCH_QUICK=1 \
        run "$cpu" "$dir/robstat_dispatch_tests" || status=1
    # the header-only suite at the default (SSE2) architecture: no -march flag
    # crept into the build (once is enough: the other CPU adds nothing)
    if [ "$arch" = sse2 ]; then
        run "$cpu" "$dir/robstat_tests" || status=1
    fi
    if [ -n "$python" ]; then
        native=$(ROBSTAT_FORCE_ARCH=$arch "$python" "$smoke") || status=1
        emulated=$(unset ROBSTAT_FORCE_ARCH; run "$cpu" "$python" "$smoke") || status=1
        if [ -n "$native" ] && [ "$native" = "$emulated" ]; then
            echo "ok: the Python module under -cpu $cpu chose '$arch' and matches a native '$arch' run"
        else
            echo "FAIL: the Python module under -cpu $cpu (expected '$arch'):" >&2
            echo "  emulated: ${emulated:0:200}" >&2
            echo "  native:   ${native:0:200}" >&2
            status=1
        fi
    fi
    echo "=== qemu -cpu $cpu: $((SECONDS - start)) s"
done
if [ $status -ne 0 ]; then
    echo "run_qemu_tests: FAILED" >&2
fi
exit $status
