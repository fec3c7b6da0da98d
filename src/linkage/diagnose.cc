// Why true pairs ended in different clusters (`equidad link --truth … --diagnose`): a bench aid for
// choosing what blocking or weights to change next, never part of a production run. Each missed
// pair is put in one class: compared and weighed under a threshold (with its field levels), or
// never a candidate (with what differs between the two records, and whether a key pass put them in
// one block that its window did not cover).
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

#include "linkage/internal.h"

namespace eq::linkage::detail {

namespace {

const char* level_mark(int level) {
  switch (level) {
    case 0: return "=";
    case 1: return "~";
    case 2: return "≈";
    case kMissing: return "-";
    default: return "≠";
  }
}

// What differs between two records that no pass brought together, in the terms blocking uses:
// the document, the date, the phonetic first given name and the phonetic surnames.
std::string difference(const Prepared& a, const Prepared& b, Pattern p) {
  std::string s = "doc";
  s += level_mark(level_of(p, Field::other_document));
  s += " fecha";
  const int d = level_of(p, Field::birth_date);
  s += d == kMissing ? "-" : d == 0 ? "=" : a.year != b.year ? "≠año" : "≠díames";
  if (d != kMissing && d != 0 && (!a.month || !a.day || !b.month || !b.day)) s += "(parcial)";
  s += " nombre1";
  s += !a.ph_given1 || !b.ph_given1 ? "-" : a.ph_given1 == b.ph_given1 ? "=" : "≠";
  s += " apellidos";
  const bool same_set = std::min(a.ph_s1, a.ph_s2) == std::min(b.ph_s1, b.ph_s2) &&
                        std::max(a.ph_s1, a.ph_s2) == std::max(b.ph_s1, b.ph_s2);
  const bool one_shared = (a.ph_s1 && (a.ph_s1 == b.ph_s1 || a.ph_s1 == b.ph_s2)) ||
                          (a.ph_s2 && (a.ph_s2 == b.ph_s1 || a.ph_s2 == b.ph_s2));
  s += same_set ? "=" : one_shared ? "(uno=)" : "≠";
  return s;
}

std::string levels_text(Pattern p) {
  static constexpr Field kShown[] = {Field::given_names, Field::surname1, Field::surname2, Field::birth_date,
                                     Field::sex,         Field::other_document, Field::address};
  std::string s;
  for (Field f : kShown) {
    if (!s.empty()) s += ' ';
    s += field_name(f);
    s += level_mark(level_of(p, f));
  }
  return s;
}

void top(std::string& out, const std::map<std::string, uint64_t>& m, uint64_t total, size_t n) {
  std::vector<std::pair<uint64_t, std::string>> v;
  for (const auto& [k, c] : m) v.emplace_back(c, k);
  std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  char buf[64];
  for (size_t i = 0; i < v.size() && i < n; ++i) {
    std::snprintf(buf, sizeof buf, "    %8llu  %5.1f %%  ", static_cast<unsigned long long>(v[i].first),
                  100.0 * static_cast<double>(v[i].first) / static_cast<double>(std::max<uint64_t>(total, 1)));
    out += buf + v[i].second + "\n";
  }
}

}  // namespace

std::string describe_missed(const std::vector<Prepared>& rows, const std::vector<MissedPair>& missed,
                            uint64_t true_pairs, const Thresholds& t) {
  uint64_t under = 0, review = 0, other = 0, never = 0, windowed = 0;
  std::map<std::string, uint64_t> by_levels, by_difference, by_window_pass;
  for (const MissedPair& m : missed) {
    if (m.compared) {
      if (m.weight < t.lower) ++under;
      else if (m.weight < t.upper) ++review;
      else ++other;
      char w[32];
      std::snprintf(w, sizeof w, " (peso %+.0f)", m.weight);
      by_levels[std::string(m.weight < t.lower ? "bajo inferior: " : m.weight < t.upper ? "en revisión: " : "sobre superior: ") +
                levels_text(m.pattern) + w]++;
    } else {
      ++never;
      if (m.windowed_pass >= 0) {
        ++windowed;
        by_window_pass[std::string(kPassNames[m.windowed_pass])]++;
      }
      by_difference[difference(rows[m.a], rows[m.b], m.pattern)]++;
    }
  }
  const uint64_t n = missed.size();
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "diagnóstico: %llu pares verdaderos separados de %llu (%.4f): nunca comparados %llu, comparados bajo el "
                "umbral inferior %llu, en revisión %llu, sobre el superior sin unir %llu\n",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(true_pairs),
                static_cast<double>(n) / static_cast<double>(std::max<uint64_t>(true_pairs, 1)),
                static_cast<unsigned long long>(never), static_cast<unsigned long long>(under),
                static_cast<unsigned long long>(review), static_cast<unsigned long long>(other));
  out += buf;
  std::snprintf(buf, sizeof buf, "  nunca comparados, mismo bloque pero fuera de la ventana: %llu; por pasada:\n",
                static_cast<unsigned long long>(windowed));
  out += buf;
  top(out, by_window_pass, n, 12);
  out += "  nunca comparados, qué difiere (doc/fecha/nombre1/apellidos fonéticos):\n";
  top(out, by_difference, n, 20);
  out += "  comparados, niveles (= igual, ~ compatible, ≈ parecido, ≠ distinto, - falta):\n";
  top(out, by_levels, n, 20);
  return out;
}

std::string describe_wrong_links(const std::vector<MissedPair>& links) {
  std::map<std::string, uint64_t> by_levels;
  for (const MissedPair& m : links) {
    char w[32];
    std::snprintf(w, sizeof w, " (peso %+.1f)", m.weight);
    by_levels[levels_text(m.pattern) + w]++;
  }
  std::string out = "diagnóstico: " + std::to_string(links.size()) +
                    " vínculos unieron a dos personas distintas (cada uno puede juntar muchos pares); niveles:\n";
  top(out, by_levels, links.size(), 15);
  return out;
}

}  // namespace eq::linkage::detail
