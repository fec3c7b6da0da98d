// The seed check's metrics (see seed_check.h).
#include "policy/seed_check.h"

#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "core/time.h"

namespace eq::policy {

namespace {

struct Filter {
  std::string level, code, code_prefix, scope, status;
  bool has_children = false, done = false, started = false;
};

std::optional<Filter> parse_filter(const std::string& text) {
  Filter f;
  std::stringstream in(text);
  std::string tok;
  while (std::getline(in, tok, ',')) {
    while (!tok.empty() && tok.front() == ' ') tok.erase(tok.begin());
    while (!tok.empty() && tok.back() == ' ') tok.pop_back();
    if (tok.empty()) continue;
    auto eq = tok.find('=');
    std::string key = tok.substr(0, eq), value = eq == std::string::npos ? "" : tok.substr(eq + 1);
    if (key == "level") f.level = value;
    else if (key == "code") f.code = value;
    else if (key == "code_prefix") f.code_prefix = value;
    else if (key == "scope" && (value == "central" || value == "regional")) f.scope = value;
    else if (key == "status") f.status = value;
    else if (key == "has_children") f.has_children = true;
    else if (key == "done") f.done = true;
    else if (key == "started") f.started = true;
    else return std::nullopt;
  }
  return f;
}

class Tree {
 public:
  explicit Tree(const std::vector<CheckItem>& items) : items_(items) {
    for (size_t k = 0; k < items.size(); ++k) {
      index_[items[k].id] = k;
      if (items[k].parent_id) children_[*items[k].parent_id].push_back(k);
    }
  }
  // Items strictly below `under` (all items when absent).
  std::vector<size_t> below(std::optional<int64_t> under) const {
    std::vector<size_t> out;
    if (!under) {
      for (size_t k = 0; k < items_.size(); ++k) out.push_back(k);
      return out;
    }
    std::function<void(int64_t)> walk = [&](int64_t id) {
      auto it = children_.find(id);
      if (it == children_.end()) return;
      for (size_t k : it->second) {
        out.push_back(k);
        walk(items_[k].id);
      }
    };
    walk(*under);
    return out;
  }
  // Every leaf at or under item k satisfies pred (false when there is no leaf).
  bool all_leaves(size_t k, const std::function<bool(const CheckItem&)>& pred) const {
    auto it = children_.find(items_[k].id);
    if (it == children_.end() || it->second.empty()) return pred(items_[k]);
    for (size_t c : it->second)
      if (!all_leaves(c, pred)) return false;
    return true;
  }
  bool matches(size_t k, const Filter& f) const {
    const auto& i = items_[k];
    if (!f.level.empty() && i.level != f.level) return false;
    if (!f.code.empty() && i.code != f.code) return false;
    if (!f.code_prefix.empty() && i.code.rfind(f.code_prefix, 0) != 0) return false;
    if (f.scope == "central" && !i.region_id.empty()) return false;
    if (f.scope == "regional" && i.region_id.empty()) return false;
    if (!f.status.empty() && i.status != f.status) return false;
    bool has = children_.count(i.id) && !children_.at(i.id).empty();
    if (f.has_children && !has) return false;
    if (f.done && !all_leaves(k, [](const CheckItem& l) { return l.progress && *l.progress >= 100; })) return false;
    if (f.started && !all_leaves(k, [](const CheckItem& l) { return l.progress && *l.progress > 0; })) return false;
    return true;
  }
  const CheckItem& at(size_t k) const { return items_[k]; }

 private:
  const std::vector<CheckItem>& items_;
  std::map<int64_t, size_t> index_;
  std::map<int64_t, std::vector<size_t>> children_;
};

}  // namespace

Computed evaluate_metric(const std::string& metric, const std::vector<CheckItem>& items, std::optional<int64_t> under,
                         const std::vector<int64_t>& assistance_days) {
  Computed c;
  auto space = metric.find(' ');
  std::string op = metric.substr(0, space), rest = space == std::string::npos ? "" : metric.substr(space + 1);
  auto bad = [&](const std::string& why) {
    c.ok = false;
    c.error = why;
    return c;
  };
  if (op == "assistance") {
    auto sp = rest.find(' ');
    if (sp == std::string::npos) return bad("assistance needs two dates");
    auto from = parse_date_cl(rest.substr(0, sp), "from"), to = parse_date_cl(rest.substr(sp + 1), "to");
    if (!from || !to) return bad("assistance dates must be dd-mm-aaaa");
    const int64_t end = *to + 24LL * 3600 * 1000;  // the whole last day (no DST change in December)
    int64_t n = 0;
    for (int64_t d : assistance_days) n += d >= *from && d < end;
    c.ok = true;
    c.value = static_cast<double>(n);
    return c;
  }
  Tree tree(items);
  auto scope = tree.below(under);
  auto count = [&](const Filter& f) {
    int64_t n = 0;
    for (size_t k : scope) n += tree.matches(k, f);
    return static_cast<double>(n);
  };
  if (op == "count" || op == "sum") {
    auto f = parse_filter(rest);
    if (!f) return bad("unknown filter in «" + rest + "»");
    if (op == "count") {
      c.value = count(*f);
    } else {
      for (size_t k : scope)
        if (tree.matches(k, *f)) c.value += tree.at(k).indicator_value.value_or(0);
    }
    c.ok = true;
    return c;
  }
  if (op == "percent" || op == "ratio") {
    auto slash = rest.find(" / ");
    if (slash == std::string::npos) return bad(op + " needs «F / G»");
    auto f = parse_filter(rest.substr(0, slash)), g = parse_filter(rest.substr(slash + 3));
    if (!f || !g) return bad("unknown filter in «" + rest + "»");
    c.numerator = count(*f);
    c.denominator = count(*g);
    if (*c.denominator == 0) return bad("empty denominator");
    c.value = *c.numerator / *c.denominator * (op == "percent" ? 100.0 : 1.0);
    c.ok = true;
    return c;
  }
  return bad("unknown metric «" + op + "»");
}

std::optional<Stated> stated_value(std::optional<double> value, std::optional<double> numerator, std::optional<double> denominator,
                                   const std::string& unit) {
  if (numerator && denominator && *denominator != 0) return Stated{*numerator / *denominator * (unit == "%" ? 100.0 : 1.0), 1};
  if (!value) return std::nullopt;
  double v = *value;
  int decimals = 0;
  while (decimals < 3 && std::fabs(v * std::pow(10, decimals) - std::round(v * std::pow(10, decimals))) > 1e-9) ++decimals;
  return Stated{v, decimals};
}

bool agrees(const Stated& stated, double computed, const std::string& agreement) {
  if (agreement == "mas_de") return computed > stated.value;
  const double scale = std::pow(10, stated.decimals);
  return std::llround(computed * scale) == std::llround(stated.value * scale);
}

}  // namespace eq::policy
