#!/usr/bin/env bash
# run_if_cpu.sh "flag flag ..." program [args]: run program only if this CPU
# reports every flag in /proc/cpuinfo; otherwise exit 77 (CTest: skipped).
# The AVX2/AVX-512 builds of the test suite cannot check the CPU themselves:
# they may execute AVX instructions before main() (static initialisers).
set -u
flags=$1; shift
cpu=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
for f in $flags; do
    if ! grep -qw -- "$f" <<<"$cpu"; then
        echo "skipped: this CPU lacks $f"
        exit 77
    fi
done
exec "$@"
