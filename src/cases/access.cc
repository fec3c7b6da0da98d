// The case registry's object rules (see access.h for what they mean). Pure decisions plus the few
// look-ups they need through the repository; no writes here.
#include "cases/access.h"

#include <algorithm>
#include <map>
#include <set>

#include "cases/module.h"
#include "core/text.h"

namespace eq::cases::access {

using Json = nlohmann::json;

PersonAccess person(soci::session& s, const Repository& repo, const Viewer& v, int64_t person_id, int64_t now, const Limits& l) {
  PersonAccess a;
  a.person_id = person_id;
  a.serving = repo.institutions_serving(s, person_id);
  a.serves = std::find(a.serving.begin(), a.serving.end(), v.institution_id) != a.serving.end();
  a.emergency_until = repo.emergency_until(s, person_id, v.user_id, now);
  if (!a.full_identity()) {
    a.found_by_search = repo.searched_since(s, person_id, v.user_id, now - l.search_ticket_ms);
    a.own_records = repo.has_own_record(s, person_id, v.institution_id);
  }
  return a;
}

Result<std::string> attach_basis(soci::session& s, const Repository& repo, const Viewer& v, int64_t person_id, bool emergency,
                                 const std::string& field, int64_t now) {
  (void)now;
  auto serving = repo.institutions_serving(s, person_id);
  const bool serves = std::find(serving.begin(), serving.end(), v.institution_id) != serving.end();
  // Serving only through a referral still waiting for acknowledgement does not let it write yet.
  if (serves && repo.serves_by_own_record(s, person_id, v.institution_id)) return kServed;
  if (repo.referral_accepted(s, person_id, v.institution_id)) return kReferral;
  // Follow-ups of a probable match stay on the same footing (never more than the match gave).
  if (repo.has_own_record(s, person_id, v.institution_id, kLinked)) return kLinked;
  if (emergency) return kEmergency;
  if (serves)
    return fail(Error{403, "referral_not_acknowledged",
                      "Esta persona le fue derivada y la derivación aún no tiene acuse de recibo. Acuse recibo en la bandeja de "
                      "derivaciones antes de agregar registros, o indique un motivo de emergencia.",
                      field});
  return fail(Error{403, "need_to_know",
                    "Su institución no atiende a esta persona. Para agregar un registro, identifíquela con sus datos (RUN, documento "
                    "o nombres y fecha de nacimiento), pida que se la deriven, o indique un motivo de emergencia "
                    "(emergency_reason): quedará registrado y se notificará a las instituciones que la atienden.",
                    field});
}

Result<void> basis_allows(const std::string& kind, const std::string& basis, const std::string& field) {
  if (kind == "referral" && (basis == kEmergency || basis == kLinked))
    return fail(Error{403, "need_to_know",
                      "Solo puede derivar a una mujer que su institución atiende; un acceso de emergencia no permite compartir sus "
                      "datos con otra institución.",
                      field});
  return {};
}

bool record_full(const Viewer& v, const Record& r, bool emergency) {
  if (r.institution_id == v.institution_id || emergency) return true;
  return r.kind == "referral" && r.details.value("to_institution_id", int64_t{0}) == v.institution_id;
}

std::string court_order_basis(const Viewer& v, bool manages_monitoring, const Record& r, bool emergency) {
  if (manages_monitoring && r.kind == "protective_order") {
    const std::string type = r.details.value("order_type", std::string());
    if (type == "vigilancia_telematica" || type == "prohibicion_acercamiento") return "monitoring";
  }
  if (!record_full(v, r, emergency)) return {};
  return r.institution_id == v.institution_id ? kServed : emergency ? kEmergency : kReferral;
}

bool sees_monitoring_incidents(const Viewer& v, const PersonAccess& a) { return a.full_identity() || v.control_centre; }

Json identity_view(const PersonIdentity& p, bool full) {
  Json j = to_json(p);
  j["name"] = display_name(p);
  if (!full) {
    // The shared minimum: enough to tell her apart from a namesake, nothing to find her or call her.
    for (const char* k : {"run", "run_valid", "document_type", "other_document", "nationality", "phone", "other_phones", "address"})
      j.erase(k);
    j["contact_masked"] = true;
  }
  return j;
}

bool enough_identifying_input(const PersonIdentity& q) {
  if (q.run_valid || !q.other_document.empty()) return true;
  return !q.given_names.empty() && !q.surname1.empty() && q.birth_year > 0;
}

bool search_hit_shown(bool serves, bool enough_input, const std::string& match_level) {
  if (serves) return true;
  return enough_input && (match_level == "exacta" || match_level == "probable");
}

namespace {

// Next code point of UTF-8 text (invalid bytes count as one U+FFFD each).
char32_t next_cp(const std::string& s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k <= n; ++k) {
    if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) >> 6) != 2) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  i += n + 1;
  return cp;
}

bool invisible(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0xA0 || c == 0xAD || c == 0x034F || c == 0x061C ||
         c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5 || c == 0x180E || (c >= 0x2000 && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0x3164 || c == 0xFEFF ||
         c == 0xFFA0 || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFFF0 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE0FFF) ||
         (c >= 0x0300 && c <= 0x036F);  // combining marks alone carry no letter
}

bool letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

void put_utf8(std::string& out, char32_t c) {
  if (c < 0x80) out += static_cast<char>(c);
  else if (c < 0x800) out += static_cast<char>(0xC0 | (c >> 6)), out += static_cast<char>(0x80 | (c & 0x3F));
  else if (c < 0x10000)
    out += static_cast<char>(0xE0 | (c >> 12)), out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
        out += static_cast<char>(0x80 | (c & 0x3F));
  else
    out += static_cast<char>(0xF0 | (c >> 18)), out += static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F)), out += static_cast<char>(0x80 | (c & 0x3F));
}

}  // namespace

Result<std::string> emergency_reason(const std::string& raw, const std::string& field) {
  if (raw.size() > 4000) return fail(Error::invalid(field, "El motivo admite como máximo 1000 caracteres.", "too_long"));
  // Invisible characters become one plain space, so "a\u200Bb" cannot pass for words.
  std::string clean;
  size_t visible = 0, letters = 0;
  bool space = false;
  for (size_t i = 0; i < raw.size();) {
    const char32_t c = next_cp(raw, i);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || invisible(c)) {
      space = !clean.empty();
      continue;
    }
    if (space) clean += ' ', space = false;
    put_utf8(clean, c);
    ++visible;
    if (letter(c)) ++letters;
  }
  if (visible < 20 || letters < 10)
    return fail(Error::invalid(field,
                               "Describa el motivo de la emergencia con palabras (al menos 20 caracteres visibles, 10 de ellos "
                               "letras): quedará registrado y se notificará.",
                               "too_short"));
  if (visible > 1000) return fail(Error::invalid(field, "El motivo admite como máximo 1000 caracteres.", "too_long"));
  return clean;
}

bool over_bulk_limit(soci::session& s, const Repository& repo, const Viewer& v, int64_t person_id, int64_t now, const Limits& l) {
  const auto seen = repo.persons_read_since(s, v.user_id, now - l.bulk_window_ms);
  if (seen.count(person_id)) return false;  // reading her again is not reading more persons
  return static_cast<int>(seen.size()) >= l.bulk_persons;
}

namespace {
std::string upper_ascii(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}
}  // namespace

std::string review_merge_basis(soci::session& s, const Repository& repo, const Viewer& v, int64_t from, int64_t to) {
  const auto serving = repo.institutions_serving(s, to);
  if (serving.empty() || std::find(serving.begin(), serving.end(), v.institution_id) != serving.end()) return {};
  // Her keys, compared here only (the reviewer never sees them): a valid RUN or a document.
  std::set<std::string> runs, documents;
  for (const auto& i : repo.identities_of(s, to)) {
    if (i.identity.run_valid) runs.insert(i.identity.run);
    if (!i.identity.other_document.empty()) documents.insert(upper_ascii(i.identity.other_document));
  }
  for (const auto& i : repo.identities_of(s, from)) {
    if (i.institution_id != v.institution_id) continue;  // what the reviewer's institution typed, not someone else's
    if (i.identity.run_valid && runs.count(i.identity.run)) return {};
    if (!i.identity.other_document.empty() && documents.count(upper_ascii(i.identity.other_document))) return {};
  }
  return kLinked;
}

bool owns_review(const Viewer& v, const Review& r) { return r.institution_id == v.institution_id; }
bool owns_link(const Viewer& v, std::optional<int64_t> link_institution) {
  return link_institution && *link_institution == v.institution_id;
}
bool is_referral_recipient(const Viewer& v, const Record& r) {
  return r.kind == "referral" && r.details.value("to_institution_id", int64_t{0}) == v.institution_id;
}
bool may_read_access_log(const PersonAccess& a) { return a.serves; }

std::string current_risk_level(const std::vector<Record>& records) {
  std::map<int64_t, std::string> latest;  // institution → level of its latest assessment
  for (const auto& r : records)
    if (r.kind == "risk_assessment") {
      const std::string level = r.details.value("level", std::string());
      if (risk_rank(level) >= 0) latest[r.institution_id] = level;
    }
  std::string out;
  for (const auto& [inst, level] : latest)
    if (risk_rank(level) > risk_rank(out)) out = level;
  return out;
}

std::vector<std::pair<int64_t, bool>> cases_by_institution(const std::vector<Record>& records) {
  std::map<int64_t, bool> open;
  for (const auto& r : records) open[r.institution_id] = r.kind != "closure";
  return {open.begin(), open.end()};
}

}  // namespace eq::cases::access
