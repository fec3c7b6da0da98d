// Normalisation of one Identity into the comparison-ready Prepared form: folding, nicknames,
// surname particles, RUN, dates, comuna, phone, document and address spellings.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <unordered_map>

#include "core/rut.h"
#include "core/text.h"
#include "linkage/internal.h"

namespace eq::linkage {

std::string canonical_run(const std::string& typed) {
  auto r = parse_rut(typed);
  return r ? rut_canonical(*r) : std::string();
}

namespace detail {
namespace {

// Hypocorisms used in Chile, keyed by the folded nickname. A few depend on sex ("dani" is Daniel
// or Daniela); the second value is the male form. Compound expansions ("cote" → "maria jose")
// keep the given-name comparison able to find the compound name.
struct Nick {
  const char* nickname;
  const char* female;
  const char* male;
};
constexpr Nick kNicknames[] = {
    {"pancha", "francisca", nullptr},  {"panchita", "francisca", nullptr}, {"fran", "francisca", "francisco"},
    {"cote", "maria jose", nullptr},   {"pepa", "josefa", nullptr},        {"chelo", "consuelo", nullptr},
    {"coni", "constanza", nullptr},    {"javi", "javiera", "javier"},      {"vale", "valentina", nullptr},
    {"cata", "catalina", nullptr},     {"juanita", "juana", nullptr},      {"maite", "maria teresa", nullptr},
    {"mayte", "maria teresa", nullptr}, {"lucho", nullptr, "luis"},        {"pancho", nullptr, "francisco"},
    {"pepe", nullptr, "jose"},         {"nacho", nullptr, "ignacio"},      {"memo", nullptr, "guillermo"},
    {"pili", "pilar", nullptr},        {"maca", "macarena", nullptr},      {"fena", "fernanda", "fernando"},
    {"cami", "camila", nullptr},       {"dani", "daniela", "daniel"},      {"pato", "patricia", "patricio"},
    {"chabela", "isabel", nullptr},    {"isa", "isabel", nullptr},         {"meche", "mercedes", nullptr},
    {"lupe", "guadalupe", nullptr},    {"sole", "soledad", nullptr},       {"anto", "antonia", "antonio"},
    {"seba", nullptr, "sebastian"},     {"nico", "nicole", "nicolas"},
    {"gonza", nullptr, "gonzalo"},     {"rodri", nullptr, "rodrigo"},      {"nati", "natalia", nullptr},
    {"feli", "felipa", "felipe"},      {"cristi", "cristina", "cristian"}, {"titi", "cristina", nullptr},
    {"mane", nullptr, "manuel"},       {"manolo", nullptr, "manuel"},      {"chema", nullptr, "jose maria"},
    {"pepita", "josefa", nullptr},     {"moni", "monica", nullptr},        {"caro", "carolina", nullptr},
    {"marce", "marcela", "marcelo"},   {"ale", "alejandra", "alejandro"},  {"vicho", nullptr, "vicente"},
    {"tomi", nullptr, "tomas"},        {"benja", nullptr, "benjamin"},     {"mati", "matilde", "matias"},
    {"chalo", nullptr, "gonzalo"},     {"quique", nullptr, "enrique"},     {"kike", nullptr, "enrique"},
    {"paco", nullptr, "francisco"},    {"rafa", "rafaela", "rafael"},      {"juanjo", nullptr, "juan jose"},
};

const std::unordered_map<std::string_view, const Nick*>& nickname_map() {
  static const auto* m = [] {
    auto* out = new std::unordered_map<std::string_view, const Nick*>();
    for (const auto& n : kNicknames) out->emplace(n.nickname, &n);
    return out;
  }();
  return *m;
}

// Particles that some records write and others drop ("Fuente" / "de la Fuente").
bool is_particle(std::string_view t) {
  return t == "de" || t == "del" || t == "la" || t == "las" || t == "los" || t == "y" || t == "da" || t == "di";
}

std::string drop_particles(const std::string& folded) {
  std::string out;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string::npos) j = folded.size();
    std::string_view tok(folded.data() + i, j - i);
    if (!is_particle(tok)) {
      if (!out.empty()) out.push_back(' ');
      out.append(tok);
    }
    i = j + 1;
  }
  return out.empty() ? folded : out;
}

// Street-type spellings collapse to one token; "n°"/"#"/"numero" go away.
std::string normalize_address(std::string_view raw) {
  static const std::unordered_map<std::string_view, std::string_view> kAbbrev = {
      {"avenida", "av"}, {"avda", "av"},     {"av", "av"},      {"pasaje", "pje"}, {"psje", "pje"},
      {"pje", "pje"},    {"calle", ""},      {"departamento", "dp"}, {"depto", "dp"}, {"dpto", "dp"},
      {"dep", "dp"},     {"n", ""},          {"no", ""},        {"nro", ""},       {"numero", ""},
      {"poblacion", "pob"}, {"pobl", "pob"}, {"villa", "vi"},   {"block", "bl"},   {"casa", ""}};
  const std::string folded = fold_name(raw);
  std::string out;
  size_t i = 0;
  while (i < folded.size()) {
    size_t j = folded.find(' ', i);
    if (j == std::string::npos) j = folded.size();
    std::string_view tok(folded.data() + i, j - i);
    auto it = kAbbrev.find(tok);
    if (it != kAbbrev.end()) tok = it->second;
    if (!tok.empty()) {
      if (!out.empty()) out.push_back(' ');
      out.append(tok);
    }
    i = j + 1;
  }
  return out;
}

// A few locality names spelled out instead of codes; others are hashed, which still compares
// equal to the same spelling.
const std::unordered_map<std::string, uint32_t>& comuna_names() {
  static const auto* m = new std::unordered_map<std::string, uint32_t>{
      {"santiago", 13101},      {"santiago centro", 13101}, {"cerrillos", 13102},     {"cerro navia", 13103},
      {"conchali", 13104},      {"el bosque", 13105},       {"estacion central", 13106}, {"huechuraba", 13107},
      {"independencia", 13108}, {"la cisterna", 13109},     {"la florida", 13110},    {"la granja", 13111},
      {"la pintana", 13112},    {"la reina", 13113},        {"las condes", 13114},    {"lo espejo", 13116},
      {"lo prado", 13117},      {"macul", 13118},           {"maipu", 13119},         {"nunoa", 13120},
      {"pedro aguirre cerda", 13121}, {"penalolen", 13122}, {"providencia", 13123},   {"pudahuel", 13124},
      {"quilicura", 13125},     {"quinta normal", 13126},   {"recoleta", 13127},      {"renca", 13128},
      {"san joaquin", 13129},   {"san miguel", 13130},      {"vitacura", 13132},      {"puente alto", 13201},
      {"san bernardo", 13401},  {"valparaiso", 5101},       {"vina del mar", 5109},   {"concepcion", 8101},
      {"talcahuano", 8110},     {"temuco", 9101},           {"antofagasta", 2101},    {"iquique", 1101},
      {"arica", 15101},         {"la serena", 4101},        {"coquimbo", 4102},       {"rancagua", 6101},
      {"talca", 7101},          {"puerto montt", 10101},    {"punta arenas", 12101},  {"copiapo", 3101},
      {"valdivia", 14101},      {"coyhaique", 11101},       {"chillan", 16101}};
  return *m;
}

uint32_t normalize_comuna(std::string_view raw) {
  const std::string t = trim(raw);
  if (t.empty()) return 0;
  if (t.size() <= 5 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    uint32_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }
  const std::string f = fold_name(t);
  if (f.empty()) return 0;
  auto it = comuna_names().find(f);
  if (it != comuna_names().end()) return it->second;
  return static_cast<uint32_t>(hash_string(f)) | 0x80000000u;  // above every official code
}

uint32_t normalize_phone(std::string_view raw) {
  char digits[32];
  size_t n = 0;
  for (char c : raw)
    if (c >= '0' && c <= '9' && n < sizeof digits) digits[n++] = c;
  if (n < 7) return 0;
  const size_t from = n > 8 ? n - 8 : 0;
  uint32_t v = 0;
  for (size_t i = from; i < n; ++i) v = v * 10 + static_cast<uint32_t>(digits[i] - '0');
  return v == 0 ? 0 : v;
}

std::string document_text(std::string_view raw) {
  std::string s;
  for (char c : raw) {
    if (c >= 'a' && c <= 'z') s.push_back(static_cast<char>(c - 'a' + 'A'));
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) s.push_back(c);
  }
  return s;
}

uint64_t nonzero_hash(std::string_view s) {
  if (s.empty()) return 0;
  const uint64_t h = hash_string(s);
  return h == 0 ? 1 : h;
}

// The RUN body of what was typed, whether or not the check digit is right: "12.345.678-4" → 12345678.
// Without a dash the last character is taken as the check digit, as in "123456784".
void parse_run(std::string_view raw, uint32_t& number, bool& valid) {
  number = 0;
  valid = false;
  if (raw.empty()) return;
  if (auto r = parse_rut(raw)) {
    number = static_cast<uint32_t>(r->number);
    valid = true;
    return;
  }
  std::string_view body = raw;
  const size_t dash = raw.rfind('-');
  if (dash != std::string_view::npos) {
    body = raw.substr(0, dash);
  } else {
    std::string_view t = raw;
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    if (t.size() < 2) return;
    body = t.substr(0, t.size() - 1);
  }
  uint64_t v = 0;
  int digits = 0;
  for (char c : body) {
    if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<uint64_t>(c - '0');
      if (++digits > 9) return;
    } else if (c != '.' && c != ' ') {
      return;
    }
  }
  if (v == 0 || v > 99'999'999) return;
  number = static_cast<uint32_t>(v);
}

std::string_view first_token(std::string_view s) {
  const size_t sp = s.find(' ');
  return sp == std::string_view::npos ? s : s.substr(0, sp);
}

}  // namespace

uint64_t hash_string(std::string_view s) {
  // FNV-1a, then a finaliser: stable across runs and platforms, unlike std::hash.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return s.empty() ? 0 : (mix64(h) | 1);
}

std::string fold_name(std::string_view s) {
  const std::string f = fold_for_search(s);
  std::string out;
  out.reserve(f.size());
  bool space = false;
  for (char c : f) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    } else if (c == '\'' || static_cast<unsigned char>(c) >= 0x80) {
      // apostrophes join ("O'Higgins" = "Ohiggins"); letters outside the folding table are dropped
    } else {
      space = true;
    }
  }
  return out;
}

std::string expand_nickname(const std::string& folded, char sex) {
  if (folded.empty()) return folded;
  const std::string_view first = first_token(folded);
  auto it = nickname_map().find(first);
  if (it == nickname_map().end()) return folded;
  const Nick& n = *it->second;
  const char* full = sex == 'M' ? (n.male ? n.male : n.female) : (n.female ? n.female : n.male);
  if (sex == 0 && n.female && n.male) return folded;  // ambiguous without sex
  if (!full) return folded;
  std::string out = full;
  out.append(folded, first.size());
  return out;
}

Prepared prepare(const Identity& id) {
  Prepared p;
  p.sex = id.sex == 'f' ? 'F' : id.sex == 'm' ? 'M' : id.sex == 'x' ? 'X' : id.sex;
  if (p.sex != 'F' && p.sex != 'M' && p.sex != 'X') p.sex = 0;
  std::string given = expand_nickname(fold_name(id.given_names), p.sex);
  std::string s1 = drop_particles(fold_name(id.surname1));
  std::string s2 = drop_particles(fold_name(id.surname2));
  if (s1.empty()) std::swap(s1, s2);
  std::string address = normalize_address(id.address);
  std::string doc = document_text(id.other_document);
  // Lengths are 16 bits: a longer field (never a real name, address or document) is cut.
  auto cut = [](std::string& t) {
    if (t.size() > 0xffff) t.resize(0xffff);
    return static_cast<uint16_t>(t.size());
  };
  p.len_given = cut(given);
  p.len_s1 = cut(s1);
  p.len_s2 = cut(s2);
  p.len_address = cut(address);
  p.len_doc = cut(doc);
  p.text.reserve(given.size() + s1.size() + s2.size() + address.size() + doc.size());
  p.text.append(given).append(s1).append(s2).append(address).append(doc);
  p.ph_given1 = phonetic_hash(first_token(p.given()));
  p.ph_given = phonetic_hash(p.given());
  p.ph_s1 = phonetic_hash(p.s1());
  p.ph_s2 = phonetic_hash(p.s2());
  parse_run(id.run, p.run_number, p.run_valid);
  if (id.birth_year >= 1850 && id.birth_year <= 2200) {
    p.year = static_cast<uint16_t>(id.birth_year);
    if (id.birth_month >= 1 && id.birth_month <= 12) p.month = static_cast<uint8_t>(id.birth_month);
    if (id.birth_day >= 1 && id.birth_day <= 31) p.day = static_cast<uint8_t>(id.birth_day);
  }
  p.comuna = normalize_comuna(id.comuna);
  p.phone = normalize_phone(id.phone);
  p.document = nonzero_hash(p.doc());
  // Halves only for numbers long enough that a half still says something (≥ 6 characters).
  if (p.doc().size() >= 6) {
    const size_t half = p.doc().size() / 2;
    p.doc_head = nonzero_hash(p.doc().substr(0, half));
    p.doc_tail = nonzero_hash(p.doc().substr(half));
  }
  return p;
}

}  // namespace detail
}  // namespace eq::linkage
