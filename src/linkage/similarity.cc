// String similarity and the field-by-field comparison of a pair of prepared records.
#include <algorithm>
#include <cmath>
#include <vector>

#include "linkage/internal.h"

namespace eq::linkage::detail {

namespace {

// Bit-parallel Jaro for strings of at most 64 characters, same result as jaro_scalar(): per
// character, the positions where b has it; a match takes the lowest unmatched one inside the
// window. Comparing pairs is most of the batch linker's time, and this is most of comparing.
// Gives up (returns -1) once the characters of `a` left cannot bring the matches to `need`.
double jaro64(std::string_view a, std::string_view b, size_t need) {
  const size_t la = a.size(), lb = b.size();
  const size_t window = std::max<size_t>(std::max(la, lb) / 2, 1) - 1;
  thread_local uint64_t where[256] = {};
  for (size_t j = 0; j < lb; ++j) where[static_cast<unsigned char>(b[j])] |= uint64_t{1} << j;
  uint64_t used_b = 0, used_a = 0;
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    if (m + (la - i) < need) {
      for (size_t j = 0; j < lb; ++j) where[static_cast<unsigned char>(b[j])] = 0;
      return -1.0;
    }
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(lb, i + window + 1);
    if (lo >= hi) continue;
    const uint64_t range = (hi - lo == 64 ? ~uint64_t{0} : ((uint64_t{1} << (hi - lo)) - 1)) << lo;
    const uint64_t c = where[static_cast<unsigned char>(a[i])] & range & ~used_b;
    if (!c) continue;
    used_b |= c & (~c + 1);
    used_a |= uint64_t{1} << i;
    ++m;
  }
  for (size_t j = 0; j < lb; ++j) where[static_cast<unsigned char>(b[j])] = 0;
  if (m < need) return -1.0;
  if (m == 0) return 0.0;
  size_t t = 0;
  uint64_t ua = used_a, ub = used_b;
  while (ua) {
    const int i = __builtin_ctzll(ua), j = __builtin_ctzll(ub);
    if (a[static_cast<size_t>(i)] != b[static_cast<size_t>(j)]) ++t;
    ua &= ua - 1;
    ub &= ub - 1;
  }
  const double md = static_cast<double>(m);
  return (md / static_cast<double>(la) + md / static_cast<double>(lb) + (md - static_cast<double>(t) / 2.0) / md) / 3.0;
}

double winkler(double j, std::string_view a, std::string_view b) {
  if (j <= 0.7) return j;  // Winkler's boost threshold
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return j + static_cast<double>(prefix) * 0.1 * (1.0 - j);
}

}  // namespace

double jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  if (a.size() <= 64 && b.size() <= 64) return jaro64(a, b, 0);
  return jaro_scalar(a, b);
}

double jaro_winkler_floor(std::string_view a, std::string_view b, double floor) {
  if (a.empty() || b.empty() || a == b || a.size() > 64 || b.size() > 64) return jaro_winkler(a, b);
  // Winkler's boost adds at most 0.4 (1 - j) and only above 0.7, so reaching `floor` needs
  // j >= j_min; and j <= (m/la + m/lb + 1) / 3, so it needs at least `need` matching characters.
  const double j_min = std::min(floor, (floor - 0.4) / 0.6);
  const double la = static_cast<double>(a.size()), lb = static_cast<double>(b.size());
  const double need = (3.0 * j_min - 1.0) / (1.0 / la + 1.0 / lb);
  const size_t need_m = need <= 0 ? 0 : static_cast<size_t>(std::ceil(need - 1e-9));
  if (need_m > std::min(a.size(), b.size())) return 0.0;
  const double j = jaro64(a, b, need_m);
  return j < 0 ? 0.0 : winkler(j, a, b);
}

double jaro_scalar(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
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

double jaro_winkler(std::string_view a, std::string_view b) { return winkler(jaro(a, b), a, b); }

namespace {

constexpr double kClose = 0.92, kSimilar = 0.85;

int name_level(std::string_view x, uint32_t px, std::string_view y, uint32_t py) {
  if (x.empty() || y.empty()) return kMissing;
  if (x == y) return 0;
  if (px == py) return 1;
  const double jw = jaro_winkler_floor(x, y, kSimilar);
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
  const std::string_view ga = a.given(), gb = b.given();
  if (ga.empty() || gb.empty()) return kMissing;
  if (ga == gb) return 0;
  if (a.ph_given == b.ph_given) return 1;
  if (tokens_contained(ga, gb)) return 1;
  const double jw = jaro_winkler_floor(ga, gb, kSimilar);
  return jw >= kClose ? 1 : jw >= kSimilar ? 2 : 3;
}

// Missing counts as a disagreement, not less: otherwise two different lone surnames ("jean" and
// "joseph", no second surname on either side) came out "both missing" when compared crosswise, and
// namesakes with the same given name and birth date were linked on those alone (60 % of the wrong
// links of 2 M foreign rows, issue 21 diagnosis).
double cost(int level) { return level == kMissing ? 3 : level; }

// True when two numbers differ by one typed digit (one digit replaced, or two adjacent swapped).
bool one_digit_apart(unsigned x, unsigned y) {
  if (x == y) return false;
  char dx[8], dy[8];
  int nx = 0, ny = 0;
  for (unsigned v = x; v && nx < 8; v /= 10) dx[nx++] = static_cast<char>(v % 10);
  for (unsigned v = y; v && ny < 8; v /= 10) dy[ny++] = static_cast<char>(v % 10);
  const int n = std::max(nx, ny);
  for (int i = nx; i < n; ++i) dx[i] = 0;
  for (int i = ny; i < n; ++i) dy[i] = 0;
  int diff = 0, first = -1;
  for (int i = 0; i < n; ++i)
    if (dx[i] != dy[i]) {
      if (diff == 0) first = i;
      ++diff;
    }
  if (diff == 1) return true;
  return diff == 2 && first + 1 < n && dx[first] == dy[first + 1] && dx[first + 1] == dy[first];
}

int date_level(const Prepared& a, const Prepared& b) {
  if (a.year == 0 || b.year == 0) return kMissing;
  if (a.year != b.year) {
    // A typed year ("1985" for "1986", "1958"): level 2 only when day and month agree in full.
    const bool rest_same = a.month && a.day && a.month == b.month && a.day == b.day;
    return rest_same && one_digit_apart(a.year, b.year) ? 2 : 3;
  }
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

// One substitution, one adjacent transposition, or one character more or less.
bool one_edit_apart(std::string_view x, std::string_view y) {
  if (x.size() > y.size()) std::swap(x, y);
  if (y.size() - x.size() > 1) return false;
  size_t i = 0;
  while (i < x.size() && x[i] == y[i]) ++i;
  if (x.size() == y.size()) {
    if (i == x.size()) return true;
    if (x.substr(i + 1) == y.substr(i + 1)) return true;
    return i + 1 < x.size() && x[i] == y[i + 1] && x[i + 1] == y[i] && x.substr(i + 2) == y.substr(i + 2);
  }
  return x.substr(i) == y.substr(i + 1);
}

int document_level(const Prepared& a, const Prepared& b) {
  if (!a.document || !b.document) return kMissing;
  if (a.document == b.document && a.doc() == b.doc()) return 0;
  return a.doc().size() >= 6 && one_edit_apart(a.doc(), b.doc()) ? 1 : 2;
}

inline void put(Pattern& p, Field f, int level) { p |= static_cast<Pattern>(level) << (3 * static_cast<int>(f)); }

}  // namespace

Pattern compare(const Prepared& a, const Prepared& b) {
  Pattern p = 0;
  put(p, Field::given_names, given_level(a, b));

  // Surnames may come swapped (or only the maternal one): take the better orientation.
  const std::string_view as1 = a.s1(), as2 = a.s2(), bs1 = b.s1(), bs2 = b.s2();
  int l11 = name_level(as1, a.ph_s1, bs1, b.ph_s1);
  int l22 = name_level(as2, a.ph_s2, bs2, b.ph_s2);
  if (!(l11 == 0 && (l22 == 0 || l22 == kMissing))) {
    const int l12 = name_level(as1, a.ph_s1, bs2, b.ph_s2);
    const int l21 = name_level(as2, a.ph_s2, bs1, b.ph_s1);
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
  put(p, Field::other_document, document_level(a, b));
  put(p, Field::phone, a.phone && b.phone ? (a.phone == b.phone ? 0 : 1) : kMissing);
  int addr = kMissing;
  const std::string_view aa = a.address(), ba = b.address();
  if (!aa.empty() && !ba.empty()) {
    if (aa == ba) addr = 0;
    else addr = jaro_winkler_floor(aa, ba, 0.90) >= 0.90 ? 1 : 2;
  }
  put(p, Field::address, addr);
  return p;
}

Keys blocking_keys(const Prepared& p, bool batch) {
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
  if (p.ph_given1 && p.ph_s1) {
    const uint32_t lo = std::min(p.ph_s1, p.ph_s2), hi = std::max(p.ph_s1, p.ph_s2);
    k[kFullNamePass] = key(kFullNamePass, p.ph_given1, lo, hi);
  }
  if (p.doc_head && p.year) k[kDocHeadPass] = key(kDocHeadPass, p.doc_head, p.year);
  if (p.doc_tail && p.year) k[kDocTailPass] = key(kDocTailPass, p.doc_tail, p.year);
  if (p.ph_given1 && p.ph_s1) k[kNamesPass] = key(kNamesPass, p.ph_given1, p.ph_s1);
  if (!batch) return k;
  if (p.doc_head && p.ph_given1) k[kDocHeadNamePass] = key(kDocHeadNamePass, p.doc_head, p.ph_given1);
  if (p.doc_tail && p.ph_given1) k[kDocTailNamePass] = key(kDocTailNamePass, p.doc_tail, p.ph_given1);
  // With the given name: the address alone made brothers and sisters, who often share it, candidates
  // in their thousands, and EM then weighed an address agreement as little more than a surname's.
  if (!p.address().empty() && p.ph_given1) k[kAddressPass] = key(kAddressPass, hash_string(p.address()), p.ph_given1);
  if (p.ph_s1 && p.year && p.month && p.day) {
    const uint32_t lo = std::min(p.ph_s1, p.ph_s2), hi = std::max(p.ph_s1, p.ph_s2);
    const uint32_t md = std::min(p.month, p.day) * 64u + std::max(p.month, p.day);
    k[kSurnamesDatePass] = key(kSurnamesDatePass, static_cast<uint64_t>(lo) << 32 | hi, p.year, md);
  }
  return k;
}

namespace {

// Appends up to `count` letters of a folded name to a base-27 number (space and digits count as
// 0, so "ana maria" and "anamaria" stay close).
uint64_t pack_letters(uint64_t acc, std::string_view s, int count) {
  int used = 0;
  for (size_t i = 0; i < s.size() && used < count; ++i) {
    const char c = s[i];
    if (c == ' ') continue;
    acc = acc * 27 + (c >= 'a' && c <= 'z' ? static_cast<uint64_t>(c - 'a' + 1) : 0);
    ++used;
  }
  for (; used < count; ++used) acc *= 27;
  return acc;
}

// 11 letters (27^11 < 2^53) then 11 bits of birth year: names first, the year breaks ties so that
// a common name's block is ordered by date.
uint64_t order_key(std::string_view first, int n_first, std::string_view second, const Prepared& p) {
  uint64_t k = pack_letters(0, first, n_first);
  k = pack_letters(k, second, 11 - n_first);
  const uint64_t year = p.year >= 1900 ? std::min<uint64_t>(p.year - 1900u, 2047u) : 0;
  return (k << 11 | year) + 1;
}

}  // namespace

uint64_t surname_order(const Prepared& p) { return p.s1().empty() ? 0 : order_key(p.s1(), 7, p.given(), p); }
uint64_t given_order(const Prepared& p) { return p.given().empty() ? 0 : order_key(p.given(), 7, p.s1(), p); }

uint64_t within_block_order(int pass, const Prepared& p) {
  const uint64_t date = static_cast<uint64_t>(p.year) << 9 | static_cast<uint64_t>(p.month) << 5 | p.day;
  switch (pass) {
    case kNameYearPass:
    case kNameComunaPass: return pack_letters(0, p.s2(), 8) << 21 | date;
    case kSurnamesPass: return pack_letters(0, p.given(), 8) << 21 | date;
    case kGivenDatePass: return pack_letters(0, p.s1(), 8) << 21 | date;
    case kFullNamePass: return date << 21 | (p.document & 0x1fffff);
    default: return pack_letters(0, p.s1(), 6) << 21 | date;
  }
}

bool has_second_order(int pass) {
  switch (pass) {
    case kNameYearPass:
    case kSurnamesPass:
    case kGivenDatePass:
    case kNameComunaPass:
    case kFullNamePass:
    case kSurnamesDatePass: return true;
    default: return false;
  }
}

uint64_t second_block_order(int pass, const Prepared& p) {
  const uint64_t date = static_cast<uint64_t>(p.year) << 9 | static_cast<uint64_t>(p.month) << 5 | p.day;
  const uint64_t address = hash_string(p.address()) & 0x3fffff, document = p.document & 0x1fffff;  // 0 = none
  switch (pass) {
    // The key holds at most the year: the first order puts a row whose second surname (or given
    // name) is missing or typed at the other end of the block from its pair; by date first they meet.
    case kNameYearPass:
    case kSurnamesPass:
    case kNameComunaPass: return date << 43 | address << 21 | document;
    // The key holds the date, or the first order is by date already: the address groups the rest.
    default: return address << 42 | date << 21 | document;
  }
}

namespace {
// One byte of a value, 0 only for "unknown" (value 0).
uint8_t tag_byte(uint64_t v) {
  if (!v) return 0;
  const auto b = static_cast<uint8_t>(mix64(v));
  return b ? b : 1;
}
}  // namespace

uint16_t block_tag(int pass, const Prepared& p) {
  // Day and month unordered (a swapped date keeps its tag); unknown unless both are known.
  const uint64_t md = p.month && p.day ? std::min<uint64_t>(p.month, p.day) * 64 + std::max<uint64_t>(p.month, p.day) : 0;
  auto tag = [](uint64_t a, uint64_t b) { return static_cast<uint16_t>(tag_byte(a) << 8 | tag_byte(b)); };
  switch (pass) {
    case kNameYearPass:
    case kNameComunaPass: return tag(p.ph_s2, md);
    case kSurnamesPass: return tag(p.ph_given1, md);
    case kGivenDatePass: return tag(p.ph_s1, p.ph_s2);
    case kFullNamePass: return tag(md, p.year);
    case kNamesPass: return tag(p.ph_s2, p.ph_given);
    default: return 0;
  }
}

}  // namespace eq::linkage::detail
