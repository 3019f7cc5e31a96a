// robstat: fast robust statistics. Umbrella header of the public C++ API
// (robstat/eigen.hpp, the optional Eigen interop, is not included here).
#pragma once

#include "robstat/aggregate.hpp"
#include "robstat/clipping.hpp"
#include "robstat/config.hpp"
#include "robstat/core/types.hpp"
#include "robstat/location.hpp"
#include "robstat/m_estimators.hpp"
#include "robstat/medcouple.hpp"
#include "robstat/outlier_rules.hpp"
#include "robstat/outliers.hpp"
#include "robstat/pairwise.hpp"
#include "robstat/rolling.hpp"
#include "robstat/scale.hpp"
#include "robstat/stream/states.hpp"
#include "robstat/trimmed.hpp"
#include "robstat/weighted.hpp"
