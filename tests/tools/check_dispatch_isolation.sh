#!/usr/bin/env bash
# Checks that a linked binary holding robstat's dispatch tables (the Python
# module _core*.so, or the C++ dispatch test executable) cannot run AVX code on
# the baseline (SSE2) path. See docs/dispatch.md, "Checking the isolation".
#
#   tests/tools/check_dispatch_isolation.sh BINARY [-v]
#
# The only way code compiled with -mavx2/-mavx512* can reach the SSE2 path is
# through a symbol the linker shares between objects: a GLOBAL or WEAK function
# (typically a std:: template instantiation such as
# std::vector<double>::_M_default_append or std::__introselect<double*, ...>)
# that both a baseline object and an AVX object define, of which the linker
# keeps ONE. Local symbols (static functions, anonymous namespaces, compiler
# clones such as "[clone .isra.0]") are never shared. So the checks are:
#   1. every global/weak function that is not per-ISA by name (robstat_avx2::,
#      robstat_avx512::, or xsimd code instantiated for an x86 architecture
#      other than sse2) contains no instruction beyond x86-64's SSE2 baseline
#      (no VEX/EVEX encoding, no ymm/zmm/k registers, no SSE3..SSE4.2, POPCNT,
#      BMI, MOVBE...);
#   2. every function of the baseline table (robstat_sse2::, local or not) is
#      SSE2-only too, and so are the static initialisers (_GLOBAL__sub_I_*),
#      which run when the binary is loaded, whatever the CPU;
#   3. no std::/xsimd::/__gnu_cxx:: symbol ended up inside a per-ISA namespace
#      (which would mean a system header was included inside the wrapper);
#   4. positive controls: the checker does see AVX2 code in robstat_avx2:: and
#      AVX-512 (zmm) code in robstat_avx512::, when those tables are present.
# It also prints the std::nth_element / __introselect / std::vector<double>
# symbols it found, with their binding and verdict (the spot check).
# Needs binutils (objdump, nm, c++filt) and awk. Exit status 0 = isolated.
set -euo pipefail

bin=${1:?usage: check_dispatch_isolation.sh BINARY [-v]}
verbose=${2:-}
for tool in objdump nm c++filt awk; do
    command -v "$tool" >/dev/null || { echo "check_dispatch_isolation: $tool not found" >&2; exit 2; }
done
[ -f "$bin" ] || { echo "check_dispatch_isolation: no such file: $bin" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -- 1. per function (by start address): does it use instructions beyond SSE2? --------
# Output: address <TAB> beyond_sse2 (0/1) <TAB> uses_ymm <TAB> uses_zmm <TAB> first offending insn
objdump -d --no-show-raw-insn -w "$bin" | awk '
    function flush() {
        if (addr != "") printf "%s\t%d\t%d\t%d\t%s\n", addr, bad, ymm, zmm, first
    }
    # beyond-baseline mnemonics that are not VEX/EVEX encoded (those all start with v)
    BEGIN {
        extra = "^(popcnt|lzcnt|andn|bextr|blsi|blsmsk|blsr|bzhi|pdep|pext|rorx|sarx|shlx|shrx|mulx|movbe|crc32|adcx|adox|" \
                "ptest|pshufb|palignr|phadd[wd]|phaddsw|phsub[wd]|phsubsw|pmaddubsw|pmulhrsw|psign[bwd]|pabs[bwd]|" \
                "haddp[sd]|hsubp[sd]|addsubp[sd]|lddqu|movddup|movshdup|movsldup|fisttp.*|" \
                "round[sp][sd]|blendp[sd]|blendvp[sd]|pblendw|pblendvb|dpp[sd]|insertps|extractps|" \
                "pextr[bdq]|pinsr[bdq]|pmins[bd]|pminu[wd]|pmaxs[bd]|pmaxu[wd]|pmulld|pmuldq|pcmpeqq|pcmpgtq|" \
                "packusdw|pmovsx..|pmovzx..|mpsadbw|phminposuw|movntdqa|pcmp[ei]str[im])$"
        prefixes = "^(rep|repz|repnz|repe|repne|lock|notrack|bnd|cs|ds|es|ss|fs|gs|data16|addr32|rex.*)$"
    }
    /^[0-9a-f]+ <.*>:$/ {
        flush()
        addr = $1; sub(/^0+/, "", addr); if (addr == "") addr = "0"
        bad = 0; ymm = 0; zmm = 0; first = ""
        next
    }
    /^ *[0-9a-f]+:\t/ {
        line = $0
        sub(/^ *[0-9a-f]+:\t/, "", line)
        n = split(line, tok, /[ \t]+/)
        i = 1
        while (i < n && tok[i] ~ prefixes) i++
        m = tok[i]
        hit = (m ~ /^v/ || m ~ /^k/ || m ~ extra || line ~ /%[yz]mm|%k[0-7]/)
        if (line ~ /%ymm/) ymm = 1
        if (line ~ /%zmm/) zmm = 1
        if (hit && !bad) { bad = 1; first = line }
    }
    END { flush() }
' > "$tmp/funcs.tsv"

# -- symbols: address, binding type, mangled name, demangled name --------------------
nm --defined-only "$bin" | awk 'NF >= 3 && $2 ~ /^[TtWwi]$/ {
    a = $1; sub(/^0+/, "", a); if (a == "") a = "0"; print a "\t" $2 "\t" $3 }' \
    | sort -u > "$tmp/syms.tsv"
if [ ! -s "$tmp/syms.tsv" ]; then
    echo "check_dispatch_isolation: $bin has no symbol table (stripped?): cannot check" >&2
    exit 2
fi
cut -f3 "$tmp/syms.tsv" | c++filt > "$tmp/demangled.txt"
paste "$tmp/syms.tsv" "$tmp/demangled.txt" > "$tmp/symbols.tsv"

# join: address binding mangled demangled beyond ymm zmm first
awk -F'\t' 'NR == FNR { f[$1] = $2 "\t" $3 "\t" $4 "\t" $5; next }
            ($1 in f) { print $0 "\t" f[$1] }' "$tmp/funcs.tsv" "$tmp/symbols.tsv" > "$tmp/joined.tsv"

# Per-ISA by name: the AVX tables' namespaces, and xsimd code instantiated for
# an x86 architecture other than sse2 (the AVX kernels also use sse3..sse4_2
# halves; the baseline table only ever instantiates xsimd::sse2, so such
# instantiations are reachable from AVX code only). Anything else, including
# arch-independent xsimd code and every std:: instantiation, must be SSE2-only.
per_isa='(^|[^A-Za-z0-9_])robstat_avx(2|512)::|xsimd::(sse3|ssse3|sse4_1|sse4_2|fma3<|fma4|avx)'
failures=0

# check 1: shared (global/weak) functions must be baseline
awk -F'\t' -v per_isa="$per_isa" '$2 ~ /^[TWi]$/ && $4 !~ per_isa && $5 == 1 {
    print "  " $4 "\n      first non-SSE2 instruction: " $8 }' "$tmp/joined.tsv" > "$tmp/fail1.txt"
n_shared=$(awk -F'\t' -v per_isa="$per_isa" '$2 ~ /^[TWi]$/ && $4 !~ per_isa' "$tmp/joined.tsv" | wc -l)
if [ -s "$tmp/fail1.txt" ]; then
    echo "FAIL: global/weak functions reachable from the baseline path contain AVX (or other non-SSE2) code:"
    cat "$tmp/fail1.txt"
    failures=$((failures + 1))
else
    echo "ok: $n_shared global/weak functions outside the per-ISA namespaces, all SSE2-only"
fi

# check 2: the baseline table's own functions
awk -F'\t' '$4 ~ /robstat_sse2::/ && $5 == 1 { print "  " $4 "\n      first non-SSE2 instruction: " $8 }' \
    "$tmp/joined.tsv" > "$tmp/fail2.txt"
n_sse2=$(awk -F'\t' '$4 ~ /robstat_sse2::/' "$tmp/joined.tsv" | wc -l)
if [ -s "$tmp/fail2.txt" ]; then
    echo "FAIL: functions of the SSE2 table contain non-SSE2 code:"
    cat "$tmp/fail2.txt"
    failures=$((failures + 1))
elif [ "$n_sse2" -eq 0 ]; then
    echo "FAIL: no robstat_sse2:: function found: is this a binary with the dispatch tables?"
    failures=$((failures + 1))
else
    echo "ok: $n_sse2 functions of the SSE2 table (robstat_sse2::), all SSE2-only"
fi

# check 2b: static initialisers run at load time on ANY CPU: none may use AVX
awk -F'\t' '$3 ~ /^_GLOBAL__sub_I_/ && $5 == 1 { print "  " $3 "\n      first non-SSE2 instruction: " $8 }' \
    "$tmp/joined.tsv" > "$tmp/fail2b.txt"
if [ -s "$tmp/fail2b.txt" ]; then
    echo "FAIL: static initialisers (run when the binary is loaded, whatever the CPU) contain"
    echo "      non-SSE2 code: a per-ISA translation unit has a dynamically initialised global:"
    cat "$tmp/fail2b.txt"
    failures=$((failures + 1))
else
    echo "ok: static initialisers are SSE2-only"
fi

# check 3: system code wrapped into a per-ISA namespace
if grep -E -q 'robstat_(sse2|avx2|avx512)::(std|xsimd|__gnu_cxx|__cxxabiv1|boost|Eigen)::' "$tmp/demangled.txt"; then
    echo "FAIL: library symbols inside a per-ISA namespace (a system header was included inside"
    echo "      the wrapper; regenerate the prelude / include it before robstat):"
    grep -E 'robstat_(sse2|avx2|avx512)::(std|xsimd|__gnu_cxx|__cxxabiv1|boost|Eigen)::' "$tmp/demangled.txt" \
        | sort -u | head -20 | sed 's/^/  /'
    failures=$((failures + 1))
else
    echo "ok: no std::/xsimd:: symbol inside a per-ISA namespace"
fi

# check 4: positive controls
for ns in avx2 avx512; do
    col=6; what="ymm"
    [ "$ns" = avx512 ] && { col=7; what="zmm"; }
    n=$(awk -F'\t' -v ns="robstat_${ns}::" 'index($4, ns)' "$tmp/joined.tsv" | wc -l)
    [ "$n" -eq 0 ] && { echo "note: no robstat_${ns}:: table in this binary"; continue; }
    used=$(awk -F'\t' -v ns="robstat_${ns}::" -v c=$col 'index($4, ns) && $c == 1' "$tmp/joined.tsv" | wc -l)
    if [ "$used" -eq 0 ]; then
        echo "FAIL: robstat_${ns}:: has $n functions but none uses $what registers: was it compiled with its -m flags?"
        failures=$((failures + 1))
    else
        echo "ok: robstat_${ns}:: $n functions, $used use $what registers (the checker sees AVX code)"
    fi
done

# spot check (report only)
echo "spot check (binding: T/W = global/weak, shared by the linker; t = local):"
awk -F'\t' '$4 ~ /^(void |bool )?std::(nth_element|__introselect|__insertion_sort|vector<(double|float), )/' "$tmp/joined.tsv" \
    | sort -t$'\t' -k4,4 | awk -F'\t' -v per_isa="$per_isa" '{
        v = ($5 == 1) ? "uses " (($7 == 1) ? "AVX-512" : "AVX") : "SSE2-only"
        name = $4; if (length(name) > 110) name = substr(name, 1, 107) "..."
        printf "  %s %-9s %s\n", $2, v, name }' | sort -u
if [ "$verbose" = "-v" ]; then
    echo "all global/weak functions outside the per-ISA namespaces:"
    awk -F'\t' -v per_isa="$per_isa" '$2 ~ /^[TWi]$/ && $4 !~ per_isa { print "  " $2 " " $4 }' \
        "$tmp/joined.tsv" | sort -u
fi

if [ "$failures" -ne 0 ]; then
    echo "check_dispatch_isolation: $failures check(s) FAILED for $bin"
    exit 1
fi
echo "check_dispatch_isolation: $bin is isolated"
