// Value-frequency (term-frequency) adjustment of the batch linker's weights: two records agreeing
// exactly on a rare surname or given name are more likely the same person than two agreeing on the
// commonest one. Fellegi–Sunter with value-specific u (Winkler): for a value v with share f_v of the
// file, u_v ∝ f_v, so agreement on v weighs log2(m / f_v) instead of log2(m / u); against the
// field's average u (Σ f², the chance that two random records agree) that is log2(Σ f² / f_v) bits
// more. EM still estimates one m/u per level on the patterns; this adds the value's term on top.
//
// Why the batch linker needs it: the foreign generator (and migrant registries) draws surnames from
// a dozen per nationality, so at 4 M persons every name block holds hundreds of same-year namesakes
// and one weight per level cannot separate «Rodríguez» from «Urdaneta» (10 M foreign rows: recall
// 0,9813 with one weight per level; bench/RESULTS.md, issue 21).
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "linkage/internal.h"

namespace eq::linkage::detail {

namespace {

// Per value hash: log2(Σ f² / f_v) clamped to ±cap, in kFrequencyUnit steps.
std::unordered_map<uint64_t, int8_t> adjustments_of(const std::unordered_map<uint64_t, uint64_t>& counts, double cap) {
  std::unordered_map<uint64_t, int8_t> out;
  double total = 0, sum_sq = 0;
  for (const auto& [v, c] : counts) total += static_cast<double>(c);
  if (total <= 0) return out;
  for (const auto& [v, c] : counts) {
    const double f = static_cast<double>(c) / total;
    sum_sq += f * f;
  }
  const double limit = std::min(cap, 127.0 * kFrequencyUnit);
  for (const auto& [v, c] : counts) {
    const double bits = std::clamp(std::log2(sum_sq * total / static_cast<double>(c)), -limit, limit);
    out[v] = static_cast<int8_t>(std::lround(bits / kFrequencyUnit));
  }
  return out;
}

// The same term for one key per row (0 = none), counted by sorting the keys instead of hashing
// them: at ten million rows most name combinations are distinct and a hash map of them was the
// bigger allocation. terms[i] = clamp(log2(Σ f² / f_key(i))) in kFrequencyUnit steps.
std::vector<int8_t> terms_of_keys(const std::vector<uint64_t>& keys, double floor, double cap) {
  std::vector<int8_t> out(keys.size(), 0);
  std::vector<uint64_t> sorted;
  sorted.reserve(keys.size());
  for (uint64_t k : keys)
    if (k) sorted.push_back(k);
  if (sorted.empty()) return out;
  std::sort(sorted.begin(), sorted.end());
  const double total = static_cast<double>(sorted.size());
  double sum_sq = 0;
  for (size_t b = 0; b < sorted.size();) {
    size_t e = b + 1;
    while (e < sorted.size() && sorted[e] == sorted[b]) ++e;
    const double f = static_cast<double>(e - b) / total;
    sum_sq += f * f;
    b = e;
  }
  const double limit = std::min(cap, 127.0 * kFrequencyUnit), low = std::clamp(floor, -limit, 0.0);
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i]) continue;
    const auto range = std::equal_range(sorted.begin(), sorted.end(), keys[i]);
    const double c = static_cast<double>(range.second - range.first);
    const double bits = std::clamp(std::log2(sum_sq * total / c), low, limit);
    out[i] = static_cast<int8_t>(std::lround(bits / kFrequencyUnit));
  }
  return out;
}

void combination_terms(const std::vector<Prepared>& rows, double floor, double cap, std::vector<FrequencyAdjust>& adj) {
  std::vector<uint64_t> keys(rows.size(), 0);
  // Surnames unordered, as compare() aligns them either way.
  for (size_t i = 0; i < rows.size(); ++i) {
    const Prepared& p = rows[i];
    if (p.given().empty() || p.s1().empty() || p.s2().empty()) continue;
    const uint64_t x = hash_string(p.s1()), y = hash_string(p.s2());
    keys[i] = mix64(hash_string(p.given()) ^ mix64(std::min(x, y) ^ mix64(std::max(x, y)))) | 1;
  }
  std::vector<int8_t> t = terms_of_keys(keys, floor, cap);
  for (size_t i = 0; i < rows.size(); ++i) adj[i].names3 = t[i];
  for (size_t i = 0; i < rows.size(); ++i) {
    const Prepared& p = rows[i];
    keys[i] = p.given().empty() || p.s1().empty() ? 0 : mix64(hash_string(p.given()) ^ hash_string(p.s1())) | 1;
  }
  t = terms_of_keys(keys, floor, cap);
  for (size_t i = 0; i < rows.size(); ++i) adj[i].names2 = t[i];
}

}  // namespace

std::vector<FrequencyAdjust> frequency_adjustments(const std::vector<Prepared>& rows, double cap,
                                                   double combination_cap, double combination_floor) {
  std::vector<FrequencyAdjust> adj(rows.size());
  if (combination_cap > 0) combination_terms(rows, combination_floor, combination_cap, adj);
  if (!(cap > 0)) return adj;
  // Both surnames count in one table: compare() takes the better orientation, so a surname agrees
  // as first or second surname alike.
  std::unordered_map<uint64_t, uint64_t> given, surname;
  for (const Prepared& p : rows) {
    if (!p.given().empty()) ++given[hash_string(p.given())];
    if (!p.s1().empty()) ++surname[hash_string(p.s1())];
    if (!p.s2().empty()) ++surname[hash_string(p.s2())];
  }
  const auto ag = adjustments_of(given, cap), as = adjustments_of(surname, cap);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Prepared& p = rows[i];
    if (!p.given().empty()) adj[i].given = ag.at(hash_string(p.given()));
    if (!p.s1().empty()) adj[i].s1 = as.at(hash_string(p.s1()));
    if (!p.s2().empty()) adj[i].s2 = as.at(hash_string(p.s2()));
  }
  return adj;
}

double combination_adjustment(Pattern p, const FrequencyAdjust& a, const FrequencyAdjust& b, bool* applies) {
  *applies = false;
  if (level_of(p, Field::given_names) != 0) return 0;
  const int l1 = level_of(p, Field::surname1), l2 = level_of(p, Field::surname2);
  if (l1 == 0 && l2 == 0) {
    *applies = true;
    // Equal names give equal keys; the smaller term if not (a key collision or names that compare
    // equal but fold apart): the commoner combination is the safer reading.
    return std::min(a.names3, b.names3) * kFrequencyUnit;
  }
  if (l1 == 0 && l2 == kMissing) {
    // A second surname on one side at most: the given names + first surname combination.
    *applies = true;
    return std::min(a.names2, b.names2) * kFrequencyUnit;
  }
  return 0;
}

double frequency_adjustment(Pattern p, const FrequencyAdjust& a, const FrequencyAdjust& b) {
  // Only exact agreement (level 0) names a value, and then both rows hold it: its term is the same
  // on both sides, except that compare() may have aligned the surnames swapped.
  int units = 0;
  if (level_of(p, Field::given_names) == 0) units += std::min(a.given, b.given);
  const bool s1 = level_of(p, Field::surname1) == 0, s2 = level_of(p, Field::surname2) == 0;
  if (s1 && s2) {
    units += a.s1 + a.s2;
  } else if (s1 || s2) {
    // One surname agrees: a's surname in that position when b holds the same term (aligned), else
    // a's other one (compared swapped); equal values have equal terms.
    const int8_t same = s1 ? a.s1 : a.s2, other = s1 ? a.s2 : a.s1;
    units += same == b.s1 || same == b.s2 ? same : other;
  }
  return units * kFrequencyUnit;
}

}  // namespace eq::linkage::detail
