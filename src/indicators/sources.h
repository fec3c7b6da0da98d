// Series the catalogue computes from other modules of the platform. The indicators module does not
// include them: the composition root (src/app/app.cc) provides one function per source, written
// over the other module's service, never its tables.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace eq::indicators {

// (period, value) points, oldest first; the period spelled as the indicator's periodicity says
// ("2020" for annual ones).
using SeriesPoints = std::vector<std::pair<std::string, double>>;

struct PlatformSources {
  // origin key ("policy_pmg_genero" …) → the series. A key nobody provides shows "sin datos".
  std::map<std::string, std::function<Result<SeriesPoints>()>> series;
  // Names of institutions (stewards), from the accounts module.
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> institution_names;
};

}  // namespace eq::indicators
