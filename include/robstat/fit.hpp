// robstat/fit.hpp: distribution fitting (maximum likelihood, standard errors).
// A separate umbrella, not included by robstat/robstat.hpp: it needs Eigen
// and Boost.Math, which the SIMD estimators do not, and it is not part of the
// per-instruction-set dispatch (fits are scalar code: docs/fit.md).
#pragma once

#include "robstat/fit/batched.hpp"
#include "robstat/fit/censored.hpp"
#include "robstat/fit/families.hpp"
#include "robstat/fit/gof.hpp"
#include "robstat/fit/mle.hpp"
#include "robstat/fit/result.hpp"
#include "robstat/fit/truncated.hpp"
