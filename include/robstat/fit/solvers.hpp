// The numerical engines of robstat::fit: a safeguarded one-dimensional Newton
// (bracketing with bisection fallback) and a damped multivariate Newton with
// backtracking line search. Neither returns a
// non-converged iterate silently: both report converged / n_iter / message.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>

#include <Eigen/Core>

namespace robstat::detail::fit {

using vec3 = Eigen::Matrix<double, 3, 1>;
using mat3 = Eigen::Matrix<double, 3, 3>;

/// Cholesky factor L (lower, A = L L^T) of a symmetric 3x3 matrix; false if A
/// is not (numerically) positive definite. Written out for 3x3 rather than
/// Eigen::LLT, whose blocked path instantiates Eigen's GEMM kernels, on which
/// GCC 12 gives false -Wmaybe-uninitialized / -Warray-bounds under AVX-512.
inline bool chol3(const mat3& A, mat3& L)
{
    L.setZero();
    for (int j = 0; j < 3; ++j) {
        double d = A(j, j);
        for (int k = 0; k < j; ++k)
            d -= L(j, k) * L(j, k);
        if (!(d > 0) || !std::isfinite(d))
            return false;
        L(j, j) = std::sqrt(d);
        for (int i = j + 1; i < 3; ++i) {
            double v = A(i, j);
            for (int k = 0; k < j; ++k)
                v -= L(i, k) * L(j, k);
            L(i, j) = v / L(j, j);
        }
    }
    return true;
}

/// Solves L L^T x = b.
inline vec3 chol3_solve(const mat3& L, const vec3& b)
{
    vec3 y, x;
    for (int i = 0; i < 3; ++i) {
        double v = b[i];
        for (int k = 0; k < i; ++k)
            v -= L(i, k) * y[k];
        y[i] = v / L(i, i);
    }
    for (int i = 2; i >= 0; --i) {
        double v = y[i];
        for (int k = i + 1; k < 3; ++k)
            v -= L(k, i) * x[k];
        x[i] = v / L(i, i);
    }
    return x;
}

/// Inverse of -H over the free parameters (zero elsewhere); false if -H is
/// not positive definite there (or not finite).
inline bool free_inverse(const mat3& H, const std::array<bool, 3>& free, std::size_t k, mat3& cov)
{
    mat3 A = mat3::Identity();
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j)
            if (free[i] && free[j])
                A(static_cast<int>(i), static_cast<int>(j))
                    = -H(static_cast<int>(i), static_cast<int>(j));
    cov.setZero();
    mat3 L;
    if (!A.allFinite() || !chol3(A, L))
        return false;
    mat3 inv;
    for (int c = 0; c < 3; ++c)
        inv.col(c) = chol3_solve(L, vec3::Unit(c));
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j)
            if (free[i] && free[j])
                cov(static_cast<int>(i), static_cast<int>(j))
                    = inv(static_cast<int>(i), static_cast<int>(j));
    return true;
}

struct solver_report {
    bool converged = false;
    int n_iter = 0;
    std::string message;
};

/// Root of a strictly decreasing function g of a > 0. `g(a)` returns
/// {g(a), g'(a)}. Newton steps in u = log a, kept inside the bracket
/// [lo, hi] of sign changes found so far; a step that leaves it (or a
/// non-finite value or derivative) is replaced by bisection in u (or by
/// expanding the bracket by e^2 while one side is still open). Converges when
/// the step in u is below 1e-14 (a relative 1e-14 in a).
template <class G>
std::pair<double, solver_report> decreasing_root(G&& g, double a0, int max_iter, const char* what)
{
    solver_report r;
    double u = std::log(a0);
    double ulo = -INFINITY, uhi = INFINITY;
    for (int it = 1; it <= max_iter; ++it) {
        r.n_iter = it;
        const double a = std::exp(u);
        const auto [v, dv] = g(a);
        if (v == 0) {
            r.converged = true;
            return { a, r };
        }
        if (std::isnan(v)) {
            // treat as "past the root on the side that overflowed": shrink towards lo
            uhi = u;
        } else if (v > 0) {
            ulo = u;
        } else {
            uhi = u;
        }
        double un = NAN;
        if (std::isfinite(v) && std::isfinite(dv) && dv < 0)
            un = u - v / (a * dv);
        if (!(un > ulo && un < uhi)) {
            if (std::isfinite(ulo) && std::isfinite(uhi))
                un = 0.5 * (ulo + uhi);
            else if (std::isfinite(ulo))
                un = ulo + 2;
            else
                un = uhi - 2;
        }
        const double step = std::fabs(un - u);
        u = un;
        if (step < 1e-14 || (uhi - ulo) < 1e-15 * std::max(1.0, std::fabs(u))) {
            r.converged = true;
            return { std::exp(u), r };
        }
        if (u > 700 || u < -700) {
            r.message = std::string(what) + " diverges to " + (u > 0 ? "infinity" : "zero")
                + ": no finite maximum of the likelihood";
            return { std::exp(std::clamp(u, -700.0, 700.0)), r };
        }
    }
    r.message
        = std::string(what) + ": no convergence in " + std::to_string(max_iter) + " iterations";
    return { std::exp(u), r };
}

/// Parameters of a multivariate Newton fit.
struct newton_setup {
    std::size_t k = 0;                    ///< number of parameters
    std::array<bool, 3> free { {} };      ///< which are estimated
    std::array<bool, 3> log_scale { {} }; ///< positive parameters: steps in log
    int scale_index = 0;                  ///< loc steps are measured in units of this
    int max_iter = 200;
    double tol = 1e-10;     ///< converged when every step is below tol (relative / in scale units)
    int diverge_index = -1; ///< a parameter whose divergence to infinity is a failure ...
    double diverge_at = INFINITY;     ///< ... beyond this value
    double diverge_below = -INFINITY; ///< ... or below this one
    const char* diverge_message = "";
};

/// Maximises ll(theta) by Newton's method on the free parameters.
/// `eval(theta, ll, g, H, derivs)` fills the log-likelihood and, if derivs,
/// its gradient and Hessian in the natural parameters (all k of them).
/// Steps: Newton on u (u = log theta for positive parameters), with a
/// Levenberg-Marquardt shift when -H is not positive definite, and
/// backtracking (halving, up to 60 times) until the log-likelihood increases.
template <class Eval> solver_report newton_maximize(Eval&& eval, vec3& theta, const newton_setup& s)
{
    solver_report r;
    int idx[3];
    int m = 0;
    for (std::size_t i = 0; i < s.k; ++i) {
        if (s.free[i])
            idx[m++] = static_cast<int>(i);
    }
    double ll = 0;
    vec3 g = vec3::Zero();
    mat3 H = mat3::Zero();
    eval(theta, ll, g, H, true);
    if (!std::isfinite(ll)) {
        r.message = "the log-likelihood is not finite at the starting values";
        return r;
    }
    int tiny_steps = 0;
    for (int it = 1; it <= s.max_iter; ++it) {
        r.n_iter = it;
        // fixed-size 3x3 system: the fixed (and absent) parameters get identity
        // rows, so their steps are 0 (no dynamic sizes: GCC's -Warray-bounds
        // misfires on Eigen's bounded dynamic vectors under AVX)
        vec3 gu = vec3::Zero();
        mat3 A = mat3::Identity();
        for (int a = 0; a < m; ++a) {
            const int i = idx[a];
            const double Ji = s.log_scale[i] ? theta[i] : 1.0;
            gu[i] = Ji * g[i];
            for (int b = 0; b < m; ++b) {
                const int j = idx[b];
                const double Jj = s.log_scale[j] ? theta[j] : 1.0;
                A(i, j) = -(Ji * Jj * H(i, j) + (a == b && s.log_scale[i] ? theta[i] * g[i] : 0.0));
            }
        }
        mat3 L;
        double lambda = 0;
        if (!chol3(A, L)) {
            double dmax = 0;
            for (int a = 0; a < m; ++a)
                dmax = std::max(dmax, std::fabs(A(idx[a], idx[a])));
            lambda = 1e-8 * std::max(1.0, dmax);
            bool ok = false;
            for (int tries = 0; tries < 40 && !ok; ++tries, lambda *= 10) {
                mat3 B = A;
                for (int a = 0; a < m; ++a)
                    B(idx[a], idx[a]) += lambda;
                ok = chol3(B, L);
            }
            if (!ok) {
                r.message = "the Hessian cannot be regularised (non-finite values)";
                return r;
            }
        }
        const vec3 step = chol3_solve(L, gu);
        if (!step.allFinite()) {
            r.message = "non-finite Newton step";
            return r;
        }
        double size = 0;
        for (int a = 0; a < m; ++a) {
            const int i = idx[a];
            const double unit = s.log_scale[i] ? 1.0 : theta[s.scale_index];
            size = std::max(size, std::fabs(step[i]) / unit);
        }
        const double decrement = gu.dot(step);
        // backtracking line search
        double t = 1;
        bool accepted = false;
        vec3 cand = theta;
        double llc = 0;
        vec3 gc;
        mat3 Hc;
        for (int ls = 0; ls < 60; ++ls, t *= 0.5) {
            cand = theta;
            for (int a = 0; a < m; ++a) {
                const int i = idx[a];
                cand[i]
                    = s.log_scale[i] ? theta[i] * std::exp(t * step[i]) : theta[i] + t * step[i];
            }
            // the full step usually succeeds: its derivatives serve the next iteration
            eval(cand, llc, gc, Hc, ls == 0);
            if (std::isfinite(llc)
                && (llc > ll
                    || (lambda == 0 && size * t < 1e-6
                        && llc >= ll - 1e-14 * std::max(1.0, std::fabs(ll))))) {
                accepted = true;
                break;
            }
        }
        if (!accepted) {
            // no increase along the Newton direction: at the rounding floor?
            if (lambda == 0 && decrement <= 1e-12 * std::max(1.0, std::fabs(ll))) {
                r.converged = true;
                return r;
            }
            r.message = "line search failed: the log-likelihood does not increase along the "
                        "Newton direction";
            return r;
        }
        theta = cand;
        if (t == 1) {
            ll = llc;
            g = gc;
            H = Hc;
        } else {
            eval(theta, ll, g, H, true);
        }
        if (s.diverge_index >= 0
            && (theta[s.diverge_index] > s.diverge_at
                || theta[s.diverge_index] < s.diverge_below)) {
            r.message = s.diverge_message;
            return r;
        }
        if (lambda == 0 && t == 1 && size < s.tol) {
            r.converged = true;
            return r;
        }
        // a nearly flat likelihood: rounding noise in the gradient keeps the
        // steps from falling below tol although they stay tiny
        tiny_steps = size < 1e-7 ? tiny_steps + 1 : 0;
        if (tiny_steps >= 5) {
            r.converged = true;
            r.message = "converged (Newton steps below 1e-7 at the rounding floor of a nearly "
                        "flat likelihood)";
            return r;
        }
    }
    r.message = "no convergence in " + std::to_string(s.max_iter) + " Newton iterations";
    return r;
}

} // namespace robstat::detail::fit
