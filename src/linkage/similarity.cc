// String similarity and the field-by-field comparison of a pair of prepared records.
#include <algorithm>
#include <vector>

#include "linkage/internal.h"

namespace eq::linkage::detail {

double jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const size_t la = a.size(), lb = b.size();
  const size_t window = std::max<size_t>(std::max(la, lb) / 2, 1) - 1;
  // Names are short: flags live on the stack; long addresses fall back to the heap.
  bool stack_a[96], stack_b[96];
  bool* fa = stack_a;
  bool* fb = stack_b;
  std::vector<char> ha, hb;
  if (la > 96 || lb > 96) {
    ha.assign(la, 0);
    hb.assign(lb, 0);
    fa = reinterpret_cast<bool*>(ha.data());
    fb = reinterpret_cast<bool*>(hb.data());
  } else {
    std::fill(fa, fa + la, false);
    std::fill(fb, fb + lb, false);
  }
  size_t matches = 0;
  for (size_t i = 0; i < la; ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(lb, i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (fb[j] || a[i] != b[j]) continue;
      fa[i] = fb[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t t = 0, k = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!fa[i]) continue;
    while (!fb[k]) ++k;
    if (a[i] != b[k]) ++t;
    ++k;
  }
  const double m = static_cast<double>(matches);
  return (m / la + m / lb + (m - t / 2.0) / m) / 3.0;
}

double jaro_winkler(std::string_view a, std::string_view b) {
  const double j = jaro(a, b);
  if (j <= 0.7) return j;  // Winkler's boost threshold
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return j + static_cast<double>(prefix) * 0.1 * (1.0 - j);
}

namespace {

constexpr double kClose = 0.92, kSimilar = 0.85;

int name_level(std::string_view x, uint64_t hx, uint32_t px, std::string_view y, uint64_t hy, uint32_t py) {
  if (x.empty() || y.empty()) return kMissing;
  if (hx == hy && x == y) return 0;
  if (px == py) return 1;
  const double jw = jaro_winkler(x, y);
  return jw >= kClose ? 1 : jw >= kSimilar ? 2 : 3;
}

// "maria" and "maria jose", or "jose" and "maria jose": one name's words all appear in the other.
bool tokens_contained(std::string_view shorter, std::string_view longer) {
  if (shorter.size() > longer.size()) std::swap(shorter, longer);
  size_t i = 0;
  while (i < shorter.size()) {
    size_t j = shorter.find(' ', i);
    if (j == std::string_view::npos) j = shorter.size();
    const std::string_view tok = shorter.substr(i, j - i);
    bool found = false;
    size_t k = 0;
    while (k < longer.size()) {
      size_t e = longer.find(' ', k);
      if (e == std::string_view::npos) e = longer.size();
      if (longer.substr(k, e - k) == tok) {
        found = true;
        break;
      }
      k = e + 1;
    }
    if (!found) return false;
    i = j + 1;
  }
  return true;
}

int given_level(const Prepared& a, const Prepared& b) {
  if (a.given.empty() || b.given.empty()) return kMissing;
  if (a.h_given == b.h_given && a.given == b.given) return 0;
  if (a.ph_given == b.ph_given) return 1;
  if (tokens_contained(a.given, b.given)) return 1;
  const double jw = jaro_winkler(a.given, b.given);
  return jw >= kClose ? 1 : jw >= kSimilar ? 2 : 3;
}

double cost(int level) { return level == kMissing ? 1.5 : level; }

int date_level(const Prepared& a, const Prepared& b) {
  if (a.year == 0 || b.year == 0) return kMissing;
  if (a.year != b.year) return 3;
  const bool full_a = a.month && a.day, full_b = b.month && b.day;
  if (full_a && full_b) {
    if (a.month == b.month && a.day == b.day) return 0;
    if (a.month == b.day && a.day == b.month) return 1;
    return 2;
  }
  const bool consistent = (!a.month || !b.month || a.month == b.month) && (!a.day || !b.day || a.day == b.day);
  return consistent ? 1 : 2;
}

int run_level(uint32_t x, uint32_t y) {
  if (x == 0 || y == 0) return kMissing;
  if (x == y) return 0;
  char dx[12], dy[12];
  int nx = 0, ny = 0;
  for (uint32_t v = x; v; v /= 10) dx[nx++] = static_cast<char>(v % 10);
  for (uint32_t v = y; v; v /= 10) dy[ny++] = static_cast<char>(v % 10);
  if (nx != ny) return 2;
  int diff = 0, first = -1;
  for (int i = 0; i < nx; ++i)
    if (dx[i] != dy[i]) {
      if (diff == 0) first = i;
      ++diff;
    }
  if (diff == 1) return 1;
  if (diff == 2 && first + 1 < nx && dx[first] == dy[first + 1] && dx[first + 1] == dy[first]) return 1;
  return 2;
}

inline void put(Pattern& p, Field f, int level) { p |= static_cast<Pattern>(level) << (3 * static_cast<int>(f)); }

}  // namespace

Pattern compare(const Prepared& a, const Prepared& b) {
  Pattern p = 0;
  put(p, Field::given_names, given_level(a, b));

  // Surnames may come swapped (or only the maternal one): take the better orientation.
  int l11 = name_level(a.s1, a.h_s1, a.ph_s1, b.s1, b.h_s1, b.ph_s1);
  int l22 = name_level(a.s2, a.h_s2, a.ph_s2, b.s2, b.h_s2, b.ph_s2);
  if (!(l11 == 0 && (l22 == 0 || l22 == kMissing))) {
    const int l12 = name_level(a.s1, a.h_s1, a.ph_s1, b.s2, b.h_s2, b.ph_s2);
    const int l21 = name_level(a.s2, a.h_s2, a.ph_s2, b.s1, b.h_s1, b.ph_s1);
    if (cost(l12) + cost(l21) < cost(l11) + cost(l22)) {
      l11 = l12;
      l22 = l21;
    }
  }
  put(p, Field::surname1, l11);
  put(p, Field::surname2, l22);

  put(p, Field::birth_date, date_level(a, b));
  put(p, Field::sex, a.sex && b.sex ? (a.sex == b.sex ? 0 : 1) : kMissing);
  put(p, Field::comuna, a.comuna && b.comuna ? (a.comuna == b.comuna ? 0 : 1) : kMissing);
  put(p, Field::run, run_level(a.run_number, b.run_number));
  put(p, Field::other_document, a.document && b.document ? (a.document == b.document ? 0 : 1) : kMissing);
  put(p, Field::phone, a.phone && b.phone ? (a.phone == b.phone ? 0 : 1) : kMissing);
  int addr = kMissing;
  if (!a.address.empty() && !b.address.empty()) {
    if (a.h_address == b.h_address && a.address == b.address) addr = 0;
    else addr = jaro_winkler(a.address, b.address) >= 0.90 ? 1 : 2;
  }
  put(p, Field::address, addr);
  return p;
}

Keys blocking_keys(const Prepared& p) {
  Keys k{};
  auto key = [](int pass, uint64_t a, uint64_t b = 0, uint64_t c = 0) {
    uint64_t h = mix64(static_cast<uint64_t>(pass) * 0x100000001b3ULL ^ a);
    h = mix64(h ^ b);
    h = mix64(h ^ c);
    return h == 0 ? 1 : h;
  };
  if (p.run_number) k[kRunPass] = key(kRunPass, p.run_number);
  if (p.document) k[kDocumentPass] = key(kDocumentPass, p.document);
  if (p.phone) k[kPhonePass] = key(kPhonePass, p.phone);
  if (p.ph_given1 && p.ph_s1 && p.year) k[kNameYearPass] = key(kNameYearPass, p.ph_given1, p.ph_s1, p.year);
  if (p.ph_s1 && p.year) {
    const uint32_t lo = std::min(p.ph_s1, p.ph_s2), hi = std::max(p.ph_s1, p.ph_s2);
    k[kSurnamesPass] = key(kSurnamesPass, lo, hi, p.year);
  }
  if (p.ph_given1 && p.year && p.month && p.day) {
    const uint32_t lo = std::min(p.month, p.day), hi = std::max(p.month, p.day);
    k[kGivenDatePass] = key(kGivenDatePass, p.ph_given1, p.year, lo * 64 + hi);
  }
  if (p.ph_given1 && p.ph_s1 && p.comuna) k[kNameComunaPass] = key(kNameComunaPass, p.ph_given1, p.ph_s1, p.comuna);
  if (p.ph_given1 && p.ph_s1) k[kNamesPass] = key(kNamesPass, p.ph_given1, p.ph_s1);
  return k;
}

}  // namespace eq::linkage::detail
