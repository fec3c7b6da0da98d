// Schema of the councils module, its vocabularies, day arithmetic and the quorum.
#include <cstdio>

#include "core/civil_days.h"
#include "core/time.h"
#include "councils/module.h"

namespace eq::councils {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "councils", 1, "councils and intersectoral tables: members, sessions, attendance, agreements with follow-up",
      {"CREATE TABLE councils_bodies (id {{pk}}, kind TEXT NOT NULL CHECK (kind IN ('cosoc', 'consejo_asesor', 'mesa')), "
       "name TEXT NOT NULL, legal_basis TEXT NOT NULL, description TEXT NOT NULL, region_id TEXT NOT NULL, since TEXT NOT NULL, "
       "demo INTEGER NOT NULL)",
       // No contact columns: a member's e-mail or phone is not kept here (the body is public).
       "CREATE TABLE councils_members (id {{pk}}, body_id {{bigint}} NOT NULL REFERENCES councils_bodies(id), name TEXT NOT NULL, "
       "organisation TEXT NOT NULL, role TEXT NOT NULL, term_from TEXT NOT NULL, term_until TEXT NOT NULL, demo INTEGER NOT NULL)",
       "CREATE INDEX councils_members_body ON councils_members(body_id)",
       "CREATE TABLE councils_sessions (id {{pk}}, body_id {{bigint}} NOT NULL REFERENCES councils_bodies(id), held_on TEXT NOT NULL, "
       "kind TEXT NOT NULL, modality TEXT NOT NULL, place TEXT NOT NULL, minutes TEXT NOT NULL, minutes_published_at {{bigint}}, "
       "demo INTEGER NOT NULL)",
       "CREATE INDEX councils_sessions_body ON councils_sessions(body_id, held_on)",
       "CREATE TABLE councils_topics (id {{pk}}, session_id {{bigint}} NOT NULL REFERENCES councils_sessions(id), ord INTEGER NOT NULL, "
       "text TEXT NOT NULL)",
       "CREATE TABLE councils_attendance (session_id {{bigint}} NOT NULL REFERENCES councils_sessions(id), "
       "member_id {{bigint}} NOT NULL REFERENCES councils_members(id), "
       "status TEXT NOT NULL CHECK (status IN ('presente', 'ausente', 'excusado')), PRIMARY KEY (session_id, member_id))",
       "CREATE TABLE councils_agreements (id {{pk}}, body_id {{bigint}} NOT NULL REFERENCES councils_bodies(id), "
       "session_id {{bigint}} NOT NULL REFERENCES councils_sessions(id), text TEXT NOT NULL, owner TEXT NOT NULL, due_on TEXT NOT NULL, "
       "status TEXT NOT NULL CHECK (status IN ('pendiente', 'en_curso', 'cumplido', 'descartado')), updated_at {{bigint}} NOT NULL, "
       "demo INTEGER NOT NULL)",
       "CREATE INDEX councils_agreements_body ON councils_agreements(body_id)",
       "CREATE TABLE councils_updates (id {{pk}}, agreement_id {{bigint}} NOT NULL REFERENCES councils_agreements(id), "
       "at {{bigint}} NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL, by_name TEXT NOT NULL)"}));
  return out;
}

const Vocabulary& body_kinds() {
  static const Vocabulary v = {{"cosoc", "Consejo de la Sociedad Civil (Ley 20.500)"},
                               {"consejo_asesor", "Consejo Asesor (Ley 20.820)"},
                               {"mesa", "Mesa intersectorial"}};
  return v;
}
const Vocabulary& member_roles() {
  static const Vocabulary v = {{"presidenta", "Presidencia"},
                               {"vicepresidenta", "Vicepresidencia"},
                               {"consejera", "Consejera o consejero"},
                               {"integrante", "Integrante"},
                               {"secretaria_tecnica", "Secretaría técnica"}};
  return v;
}
const Vocabulary& modalities() {
  static const Vocabulary v = {{"presencial", "Presencial"}, {"remota", "Remota"}, {"mixta", "Mixta"}};
  return v;
}
const Vocabulary& session_kinds() {
  static const Vocabulary v = {{"ordinaria", "Ordinaria"}, {"extraordinaria", "Extraordinaria"}};
  return v;
}
const Vocabulary& attendance_codes() {
  static const Vocabulary v = {{"presente", "Presente"}, {"ausente", "Ausente"}, {"excusado", "Excusada o excusado"}};
  return v;
}
const Vocabulary& agreement_statuses() {
  static const Vocabulary v = {{"pendiente", "Pendiente"}, {"en_curso", "En curso"}, {"cumplido", "Cumplido"}, {"descartado", "Descartado"}};
  return v;
}

std::optional<std::string> parse_day(const std::string& text) {
  int a = 0, b = 0, c = 0;
  char s1 = 0, s2 = 0, rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c%d%c", &a, &s1, &b, &s2, &c, &rest) != 5) return std::nullopt;
  if (s1 != s2 || (s1 != '-' && s1 != '/')) return std::nullopt;
  int y = a, m = b, d = c;
  if (a < 100) y = c, d = a;  // dd-mm-aaaa
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  // A day that does not exist (31-02) comes back as another one: refused.
  const CivilDay back = civil_from_days(days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)));
  if (back.month != static_cast<unsigned>(m) || back.day != static_cast<unsigned>(d)) return std::nullopt;
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", y, m, d);
  return std::string(out);
}

std::string day_label(const std::string& iso) {
  if (iso.size() != 10) return iso;
  return iso.substr(8, 2) + "-" + iso.substr(5, 2) + "-" + iso.substr(0, 4);
}

std::string today_iso(int64_t now) { return parse_day(format_date_cl(now)).value_or(""); }

Quorum quorum_of(const Session& x, const std::vector<Member>& members) {
  Quorum q;
  for (const auto& m : members) {
    if (!m.active_on(x.held_on)) continue;
    ++q.members;
    std::string status;
    for (const auto& a : x.attendance)
      if (a.member_id == m.id) status = a.status;
    if (status == "presente") ++q.present;
    else if (status == "ausente") ++q.absent;
    else if (status == "excusado") ++q.excused;
    else ++q.unrecorded;
  }
  q.needed = q.members / 2 + 1;  // absolute majority of the members in office
  return q;
}

}  // namespace eq::councils
