// Where a report becomes a percentage (see rollup.h): the roll-up arithmetic, an instrument's
// figures from its validated reports, its history, group means, and the only writer of the stored
// figures.
#include "policy/rollup.h"

#include <algorithm>
#include <tuple>

#include "policy/repository.h"

namespace eq::policy {

const char* const kMethod =
    "Cálculo reproducible: un ítem sin subítems cuenta el avance (0–100) de su último reporte validado, o 0 si no tiene "
    "reporte validado («sin reporte»: sigue en el denominador). Un ítem con subítems vale Σ pesoᵢ × avanceᵢ / Σ pesoᵢ de sus "
    "subítems; el instrumento, lo mismo sobre sus ítems de primer nivel. Por institución y por región: promedio simple de "
    "los ítems sin subítems de los que son responsables. Solo cuentan reportes validados por el Ministerio.";

Figure leaf_figure(double weight, std::optional<double> validated_progress) {
  Figure f;
  f.weight = weight;
  f.leaves = 1;
  f.reported = validated_progress ? 1 : 0;
  f.progress = validated_progress ? std::clamp(*validated_progress, 0.0, 100.0) : 0.0;
  return f;
}

Figure parent_figure(double weight, const std::vector<Figure>& children) {
  Figure f;
  f.weight = weight;
  f.leaves = 0;
  double sw = 0, swp = 0;
  for (const auto& c : children) {
    sw += c.weight;
    swp += c.weight * c.progress;
    f.leaves += c.leaves;
    f.reported += c.reported;
  }
  f.progress = sw > 0 ? swp / sw : 0.0;
  return f;
}

std::map<int64_t, Figure> rollup_tree(const std::vector<TreeNode>& nodes) {
  std::map<int64_t, std::vector<const TreeNode*>> children;
  std::map<int64_t, const TreeNode*> by_id;
  for (const auto& n : nodes) {
    by_id[n.id] = &n;
    if (n.parent_id) children[*n.parent_id].push_back(&n);
  }
  std::map<int64_t, Figure> out;
  // Iterative post-order so a deep tree cannot overflow the stack.
  std::vector<std::pair<const TreeNode*, bool>> stack;
  for (const auto& n : nodes) {
    if (n.parent_id && by_id.count(*n.parent_id)) continue;  // not a root
    stack.push_back({&n, false});
    while (!stack.empty()) {
      auto [node, expanded] = stack.back();
      stack.pop_back();
      auto it = children.find(node->id);
      if (it == children.end()) {
        out[node->id] = leaf_figure(node->weight, node->validated_progress);
        continue;
      }
      if (!expanded) {
        stack.push_back({node, true});
        for (const auto* c : it->second) stack.push_back({c, false});
        continue;
      }
      std::vector<Figure> figs;
      figs.reserve(it->second.size());
      for (const auto* c : it->second) figs.push_back(out[c->id]);
      out[node->id] = parent_figure(node->weight, figs);
    }
  }
  return out;
}

// ---------------------------------------------------------------- an instrument

InstrumentFigures instrument_figures(const std::vector<ItemShape>& items, const std::vector<ValidatedReport>& reports,
                                     std::optional<int64_t> as_of) {
  InstrumentFigures out;
  std::set<int64_t> parents;
  for (const auto& i : items)
    if (i.parent_id) parents.insert(*i.parent_id);
  for (const auto& i : items)
    if (!parents.count(i.id)) out.leaves.insert(i.id);
  // The report that counts for a leaf: the latest by its period's closing, then by report id.
  std::map<int64_t, std::tuple<int64_t, int64_t, double>> latest;  // leaf → {closes_at, report id, progress}
  for (const auto& r : reports) {
    if (as_of && r.closes_at > *as_of) continue;
    if (!out.leaves.count(r.item_id)) continue;
    auto it = latest.find(r.item_id);
    if (it == latest.end() || std::tie(r.closes_at, r.report_id) > std::tie(std::get<0>(it->second), std::get<1>(it->second)))
      latest[r.item_id] = {r.closes_at, r.report_id, r.progress};
  }
  std::vector<TreeNode> nodes;
  nodes.reserve(items.size());
  for (const auto& i : items) {
    TreeNode n{i.id, i.parent_id, i.weight, std::nullopt};
    if (auto it = latest.find(i.id); it != latest.end()) {
      n.validated_progress = std::get<2>(it->second);
      out.counted[i.id] = {std::get<1>(it->second), std::get<2>(it->second)};
    }
    nodes.push_back(n);
  }
  out.items = rollup_tree(nodes);
  std::vector<Figure> roots;
  for (const auto& i : items)
    if (!i.parent_id) roots.push_back(out.items[i.id]);
  out.instrument = parent_figure(1, roots);
  return out;
}

std::vector<PeriodFigure> history_figures(const std::vector<ItemShape>& items, const std::vector<ValidatedReport>& reports,
                                          std::vector<Period> periods) {
  std::sort(periods.begin(), periods.end(),
            [](const Period& a, const Period& b) { return std::tie(a.closes_at, a.id) < std::tie(b.closes_at, b.id); });
  std::vector<PeriodFigure> out;
  out.reserve(periods.size());
  for (const auto& p : periods) out.push_back({p, instrument_figures(items, reports, p.closes_at).instrument});
  return out;
}

Figure group_figure(int64_t leaves, int64_t reported, double sum_validated) {
  Figure f;
  f.leaves = leaves;
  f.reported = reported;
  f.progress = leaves ? sum_validated / static_cast<double>(leaves) : 0.0;
  return f;
}

// ---------------------------------------------------------------- stored figures

void refresh_figures(soci::session& s, int64_t instrument_id) {
  auto items = Repository::items_of(s, instrument_id, false);
  std::vector<ItemShape> shapes;
  shapes.reserve(items.size());
  for (const auto& i : items) shapes.push_back({i.id, i.parent_id, i.weight});
  auto figs = instrument_figures(shapes, Repository::validated_reports(s, instrument_id));
  auto responsibility = Repository::responsibility_figures(s, instrument_id);
  for (const auto& i : items) {
    const auto& f = figs.items[i.id];
    const bool leaf = figs.leaves.count(i.id) > 0;
    std::optional<int64_t> rid;
    std::optional<double> cur;
    if (auto it = figs.counted.find(i.id); it != figs.counted.end()) {
      rid = it->second.first;
      cur = it->second.second;
    }
    if (f.progress != i.rolled_progress || f.leaves != i.leaves || f.reported != i.reported || rid != i.current_report_id ||
        cur != i.current_progress || leaf != i.is_leaf)
      Repository::store_item_figure(s, i.id, f, leaf, rid, cur);
    // Responsibility rows carry their item's leaf flag and counted progress (roll-up by institution).
    if (auto it = responsibility.find(i.id); it != responsibility.end())
      if (std::any_of(it->second.begin(), it->second.end(), [&](const auto& row) { return row.first != leaf || row.second != cur; }))
        Repository::store_responsibility_figure(s, i.id, leaf, cur);
  }
  Repository::store_instrument_figure(s, instrument_id, figs.instrument);
}

}  // namespace eq::policy
