#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz (docs/testing.md):
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [harness...]
#   tests/fuzz/run_fuzz.sh BUILD_DIR runs:N [harness...]
# SECONDS fuzzes each harness for that long, growing the corpus kept in
# BUILD_DIR/corpus. runs:N (make test) is reproducible instead: N executions from
# the seed corpus alone with -seed=1, so the same build explores the same inputs.
# For each harness (default: all): first replays the committed crash inputs of
# tests/fuzz/regressions/<harness>/ (each must now pass), then fuzzes for SECONDS
# from the generated seed corpus (make_corpus.py) plus the corpus kept from earlier
# runs in BUILD_DIR/corpus/<harness>. A crash leaves its input in
# BUILD_DIR/artifacts/<harness>/ (copy it to tests/fuzz/regressions/<harness>/ once
# fixed) and fails the run. Prints the executions of each harness and the total.
set -euo pipefail
build=$1; seconds=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_tables fuzz_estimators)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

seeds=$build/seeds
rm -rf "$seeds"
python3 "$here/make_corpus.py" "$seeds"
total=0
for h in "${harnesses[@]}"; do
    bin=$build/tests/fuzz/$h
    corpus=$build/corpus/$h
    artifacts=$build/artifacts/$h/
    mkdir -p "$corpus" "$artifacts"
    regressions=()
    if [ -d "$here/regressions/$h" ]; then
        mapfile -t regressions < <(find "$here/regressions/$h" -type f | sort)
    fi
    if [ ${#regressions[@]} -gt 0 ]; then
        echo "== $h: replaying ${#regressions[@]} regression input(s)"
        "$bin" -runs=1 "${regressions[@]}" >"$build/$h.replay.log" 2>&1 \
            || { cat "$build/$h.replay.log"; echo "$h: a regression input fails"; exit 1; }
    fi
    if [[ $seconds == runs:* ]]; then
        echo "== $h: fuzzing for ${seconds#runs:} executions (seed 1)"
        corpus=$build/corpus-fixed/$h
        rm -rf "$corpus" && mkdir -p "$corpus"
        budget=(-runs="${seconds#runs:}" -seed=1)
    else
        echo "== $h: fuzzing for ${seconds}s"
        budget=(-max_total_time="$seconds")
    fi
    log=$build/$h.log
    if ! "$bin" "${budget[@]}" -timeout=20 -rss_limit_mb=2048 -max_len=4096 \
            -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "$seeds" >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "$h: FAILED; the input is in $artifacts (log: $log)"
        exit 1
    fi
    runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log" | tail -n 1)
    grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
    echo "$h: ${runs:-0} executions, corpus $(find "$corpus" -type f | wc -l) inputs"
    total=$((total + ${runs:-0}))
done
echo "fuzz: $total executions in total"
