// Where a report becomes a percentage. The one place the roll-up rule is computed; every figure
// the module shows (dashboard, public instruments and items, by institution and by region, the
// history, exports) and the figures stored for speed come from the functions below.
//
// The rule (published with every figure, kMethod): a leaf counts its latest validated report's
// progress (0–100) — latest by the closing of its period, then by report —, or 0 when it has none
// ("sin reporte", never dropped from the denominator); a parent's progress is the weighted mean of
// its children, Σ wᵢ·pᵢ / Σ wᵢ; an instrument's is the weighted mean of its top-level items.
// Figures by institution and by region are the plain mean of the leaves they are responsible for
// (sin reporte = 0). Only validated reports count.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "policy/rules.h"

namespace soci {
class session;
}

namespace eq::policy {

// The method as published beside every figure.
extern const char* const kMethod;

struct Figure {
  double weight = 1;
  double progress = 0;  // 0–100
  int64_t leaves = 1;
  int64_t reported = 0;  // leaves with a validated report
};
// A leaf: its validated progress, or 0 and "sin reporte".
Figure leaf_figure(double weight, std::optional<double> validated_progress);
// A parent from its children: weighted mean of progress, sums of leaves and reported leaves.
// No children → 0 progress, 0 leaves.
Figure parent_figure(double weight, const std::vector<Figure>& children);

struct TreeNode {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  double weight = 1;
  std::optional<double> validated_progress;  // leaves only
};
// Every node's figure, children before parents; roots are nodes without a parent (the instrument
// figure is parent_figure over the roots).
std::map<int64_t, Figure> rollup_tree(const std::vector<TreeNode>& nodes);

// ---------------------------------------------------------------- an instrument from its reports
struct ItemShape {  // an item as the roll-up sees it
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  double weight = 1;
};
struct ValidatedReport {  // one report with a validated version
  int64_t item_id = 0, report_id = 0;
  int64_t closes_at = 0;  // its period's closing
  double progress = 0;
};
struct InstrumentFigures {
  Figure instrument;
  std::map<int64_t, Figure> items;
  std::set<int64_t> leaves;                                  // items without children
  std::map<int64_t, std::pair<int64_t, double>> counted;     // leaf → {report id, progress} that counts
};
// The figures of an instrument's items and of the instrument, counting for each leaf its latest
// validated report (of a period closing no later than `as_of`, when given).
InstrumentFigures instrument_figures(const std::vector<ItemShape>& items, const std::vector<ValidatedReport>& reports,
                                     std::optional<int64_t> as_of = std::nullopt);
// The instrument's figure as of the end of each period (oldest first by closing).
struct PeriodFigure {
  Period period;
  Figure figure;
};
std::vector<PeriodFigure> history_figures(const std::vector<ItemShape>& items, const std::vector<ValidatedReport>& reports,
                                          std::vector<Period> periods);
// A group (institution, region): plain mean over its leaves, sin reporte = 0. `sum_validated` is
// the sum of the validated progress of its reported leaves.
Figure group_figure(int64_t leaves, int64_t reported, double sum_validated);

// ---------------------------------------------------------------- stored figures
// The figures are also stored (items, instrument, responsibility rows) so lists and the roll-up by
// institution read them without computing. This is their only writer: it recomputes an instrument
// from its validated reports with instrument_figures and writes what changed. Call it in the same
// transaction as any change that can move a figure (validation, new item, weight, responsibles).
void refresh_figures(soci::session& s, int64_t instrument_id);

}  // namespace eq::policy
