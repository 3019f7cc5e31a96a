// Run-time choice of the dispatch table. Compiled at baseline (no -m flags).
//
// CPU detection uses the compiler's __builtin_cpu_supports (GCC's libgcc /
// LLVM's compiler-rt), not xsimd::available_architectures(): xsimd 8.1 reads
// SSE2 from the XSAVE bit and AVX from the wrong CPUID leaf, and never checks
// XCR0, i.e. whether the OS saves the AVX / AVX-512 registers (checked on this
// project's machines: it reports avx=0 on a Zen 4 and sse2=0 under
// qemu -cpu Nehalem). libgcc checks CPUID *and* XCR0 (its "avx_usable" /
// "avx512_usable"), so AVX-512 is not chosen on a kernel that disabled it.
// Compilers without the builtin fall back to xsimd's detection.
#include "dispatch.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#if defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>
#endif
#if !(defined(__GNUC__) || defined(__clang__))
#include <xsimd/xsimd.hpp>
#endif

namespace robstat_dispatch {

namespace {

    struct feature_name {
        std::uint64_t bit;
        const char* name;
    };

    constexpr feature_name feature_table[] = {
        { feat_sse2, "sse2" },
        { feat_sse3, "sse3" },
        { feat_ssse3, "ssse3" },
        { feat_sse4_1, "sse4.1" },
        { feat_sse4_2, "sse4.2" },
        { feat_popcnt, "popcnt" },
        { feat_avx, "avx" },
        { feat_avx2, "avx2" },
        { feat_fma, "fma" },
        { feat_f16c, "f16c" },
        { feat_bmi, "bmi" },
        { feat_bmi2, "bmi2" },
        { feat_lzcnt, "lzcnt" },
        { feat_movbe, "movbe" },
        { feat_xsave, "xsave" },
        { feat_avx512f, "avx512f" },
        { feat_avx512cd, "avx512cd" },
        { feat_avx512dq, "avx512dq" },
        { feat_avx512bw, "avx512bw" },
        { feat_avx512vl, "avx512vl" },
        { feat_unknown, "(unchecked)" },
    };

    std::uint64_t detect_features()
    {
        std::uint64_t f = 0;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
        __builtin_cpu_init();
#define ROBSTAT_CPU(bit, name)                                                                     \
    if (__builtin_cpu_supports(name))                                                              \
        f |= bit;
        ROBSTAT_CPU(feat_sse2, "sse2")
        ROBSTAT_CPU(feat_sse3, "sse3")
        ROBSTAT_CPU(feat_ssse3, "ssse3")
        ROBSTAT_CPU(feat_sse4_1, "sse4.1")
        ROBSTAT_CPU(feat_sse4_2, "sse4.2")
        ROBSTAT_CPU(feat_popcnt, "popcnt")
        ROBSTAT_CPU(feat_avx, "avx")
        ROBSTAT_CPU(feat_avx2, "avx2")
        ROBSTAT_CPU(feat_fma, "fma")
        ROBSTAT_CPU(feat_bmi, "bmi")
        ROBSTAT_CPU(feat_bmi2, "bmi2")
#if defined(__clang__)
        // clang (14) has no "f16c", "lzcnt", "movbe" or "xsave" for __builtin_cpu_supports:
        // read them from CPUID as libgcc does (F16C only where AVX is usable).
        unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
        if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
            if ((ecx & bit_F16C) && (f & feat_avx))
                f |= feat_f16c;
            if (ecx & bit_MOVBE)
                f |= feat_movbe;
            if (ecx & bit_XSAVE)
                f |= feat_xsave;
        }
        if (__get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx & bit_LZCNT))
            f |= feat_lzcnt;
#else
        ROBSTAT_CPU(feat_f16c, "f16c")
        ROBSTAT_CPU(feat_lzcnt, "lzcnt")
        ROBSTAT_CPU(feat_movbe, "movbe")
        ROBSTAT_CPU(feat_xsave, "xsave")
#endif
        ROBSTAT_CPU(feat_avx512f, "avx512f")
        ROBSTAT_CPU(feat_avx512cd, "avx512cd")
        ROBSTAT_CPU(feat_avx512dq, "avx512dq")
        ROBSTAT_CPU(feat_avx512bw, "avx512bw")
        ROBSTAT_CPU(feat_avx512vl, "avx512vl")
#undef ROBSTAT_CPU
#elif defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)
        // Fallback (e.g. MSVC): xsimd 8.1's detection, coarse and without the
        // XCR0 check; ROBSTAT_FORCE_ARCH=sse2 is the escape hatch.
        const auto a = xsimd::available_architectures();
        f |= feat_sse2;
        if (a.sse3)
            f |= feat_sse3;
        if (a.ssse3)
            f |= feat_ssse3;
        if (a.sse4_1)
            f |= feat_sse4_1;
        if (a.sse4_2)
            f |= feat_sse4_2 | feat_popcnt;
        if (a.avx2 && a.fma3_avx2)
            f |= feat_avx | feat_avx2 | feat_fma | feat_xsave;
        if (a.avx512bw)
            f |= feat_avx512f | feat_avx512cd | feat_avx512dq | feat_avx512bw | feat_avx512vl;
#endif
        return f;
    }

    std::string normalise(const char* s)
    {
        std::string out;
        for (const char* p = s; *p; ++p) {
            if (!std::isspace(static_cast<unsigned char>(*p)))
                out += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
        }
        return out;
    }

    std::string names_of(const std::vector<const table*>& ts)
    {
        std::string s;
        for (const table* t : ts)
            s += (s.empty() ? "" : ", ") + std::string(t->name);
        return s;
    }

} // namespace

std::vector<const table*> compiled_tables()
{
    return {
        &table_baseline,
#ifdef ROBSTAT_DISPATCH_HAVE_AVX2
        &table_avx2,
#endif
#ifdef ROBSTAT_DISPATCH_HAVE_AVX512
        &table_avx512,
#endif
    };
}

std::uint64_t cpu_features()
{
    static const std::uint64_t f = detect_features();
    return f;
}

bool cpu_supports(const table& t)
{
    return (t.required & ~cpu_features()) == 0;
}

std::vector<const table*> available_tables()
{
    std::vector<const table*> out;
    for (const table* t : compiled_tables())
        if (cpu_supports(*t))
            out.push_back(t);
    return out;
}

const table& best_table()
{
    const auto av = available_tables();
    if (av.empty()) {
        throw std::runtime_error(
            "robstat: this CPU lacks features even the baseline kernels were compiled for ("
            + feature_names(table_baseline.required & ~cpu_features())
            + "); rebuild robstat without -march flags");
    }
    return *av.back();
}

const table& select_table(const char* forced)
{
    const std::string want = forced ? normalise(forced) : std::string();
    if (want.empty())
        return best_table();
    const auto compiled = compiled_tables();
    const auto it = std::find_if(
        compiled.begin(), compiled.end(), [&](const table* t) { return want == t->name; });
    if (it == compiled.end()) {
        throw std::runtime_error("ROBSTAT_FORCE_ARCH='" + std::string(forced)
            + "' is not an instruction set robstat was built for; choose "
              "one of: "
            + names_of(compiled) + " (or unset it to pick the best one automatically)");
    }
    if (!cpu_supports(**it)) {
        throw std::runtime_error("ROBSTAT_FORCE_ARCH='" + std::string(forced)
            + "' cannot run on this CPU: it lacks "
            + feature_names((*it)->required & ~cpu_features())
            + "; instruction sets usable here: " + names_of(available_tables()));
    }
    return **it;
}

const table& select_table_from_env()
{
    return select_table(std::getenv("ROBSTAT_FORCE_ARCH"));
}

std::string feature_names(std::uint64_t features)
{
    std::string s;
    for (const auto& f : feature_table)
        if (features & f.bit)
            s += (s.empty() ? "" : " ") + std::string(f.name);
    return s;
}

} // namespace robstat_dispatch
