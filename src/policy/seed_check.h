// The seed check: every figure the public account states (a «declared» figure) names how the
// platform computes the same figure from its own records, so the dashboard shows both side by side
// with a mark when they agree and a warning when they do not. Pure: no database, no HTTP.
//
// A metric is one line:   count F  |  percent F / G  |  ratio F / G  |  sum F  |  assistance DESDE HASTA
// over the items BELOW the figure's item (the whole instrument when the figure has no item), where
// F and G are comma-separated filters: level=L, code=C, code_prefix=P, scope=central|regional (item without /
// with a region), status=S (the item's status: cumplido after a «cumple» outcome), has_children,
// done (every leaf under it, or the leaf itself, has a validated report at 100 %), started (every
// leaf under it has a validated report above 0 %, i.e. «en proceso» or «terminado»).
// `sum` adds the items' indicator value; `assistance` counts the technical-assistance log between
// two dates (dd-mm-aaaa, inclusive).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace eq::policy {

struct CheckItem {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string level, code, status, region_id;
  std::optional<double> progress;  // leaves: the validated progress that counts (rollup.cc), if any
  std::optional<double> indicator_value;
};

struct Computed {
  bool ok = false;
  double value = 0;
  std::optional<double> numerator, denominator;  // percent and ratio
  std::string error;                             // a metric that does not parse
};
// `assistance_days`: the first instant of the day of each logged session.
Computed evaluate_metric(const std::string& metric, const std::vector<CheckItem>& items, std::optional<int64_t> under,
                         const std::vector<int64_t>& assistance_days);

// The stated figure as a number: value, or numerator/denominator (×100 for «%»), and the decimals
// it is stated with (1 for a quotient, otherwise those of the value).
struct Stated {
  double value = 0;
  int decimals = 0;
};
std::optional<Stated> stated_value(std::optional<double> value, std::optional<double> numerator, std::optional<double> denominator,
                                   const std::string& unit);
// exacto: equal once the computed figure is rounded to the stated decimals; mas_de: the computed
// figure is greater than the stated one («más del 70 %»).
bool agrees(const Stated& stated, double computed, const std::string& agreement);

}  // namespace eq::policy
