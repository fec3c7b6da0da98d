// Schema of the data-protection register, its vocabularies and the deadline calendar.
#include <cstdio>

#include "core/civil_days.h"
#include "core/rut.h"
#include "core/time.h"
#include "dataprotection/module.h"

namespace eq::dataprotection {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "dataprotection", 1, "data-subject requests (Ley 21.719) and their history",
      {// rut_enc, name_enc, detail_enc, response_enc: ciphertext (declared in encrypted_fields());
       // rut_bidx: blind index, to find a person's earlier requests without decrypting.
       // Dates are civil days "YYYY-MM-DD": the legal deadline counts calendar days.
       "CREATE TABLE dataprotection_requests (id {{pk}}, kind TEXT NOT NULL CHECK (kind IN ('acceso', 'rectificacion', "
       "'supresion', 'oposicion', 'portabilidad', 'bloqueo')), rut_enc TEXT NOT NULL, rut_bidx TEXT NOT NULL, "
       "name_enc TEXT NOT NULL, detail_enc TEXT NOT NULL, received_on TEXT NOT NULL, deadline_on TEXT NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('recibida', 'en_analisis', 'prorrogada', 'respondida', 'denegada')), "
       "extension_reason TEXT NOT NULL, exception_code TEXT NOT NULL, response_enc TEXT NOT NULL, "
       "created_by {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL, updated_at {{bigint}} NOT NULL, "
       "overdue_flagged_at {{bigint}})",
       "CREATE INDEX dataprotection_requests_state ON dataprotection_requests(state, deadline_on)",
       "CREATE INDEX dataprotection_requests_rut ON dataprotection_requests(rut_bidx)",
       "CREATE TABLE dataprotection_events (id {{pk}}, request_id {{bigint}} NOT NULL REFERENCES dataprotection_requests(id), "
       "at {{bigint}} NOT NULL, user_id {{bigint}} NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, note_enc TEXT NOT NULL)",
       "CREATE INDEX dataprotection_events_request ON dataprotection_events(request_id, at)"}));
  out.push_back(store::sql_migration(
      "dataprotection", 2, "breach register and its notifications",
      {// Categories and counts, never names: the register itself holds no personal data.
       "CREATE TABLE dataprotection_breaches (id {{pk}}, detected_at {{bigint}} NOT NULL, nature TEXT NOT NULL, "
       "data_categories TEXT NOT NULL, subjects TEXT NOT NULL, subjects_affected {{bigint}} NOT NULL, consequences TEXT NOT NULL, "
       "measures TEXT NOT NULL, agency_notified_at {{bigint}}, agency_note TEXT NOT NULL, subjects_notified_at {{bigint}}, "
       "subjects_note TEXT NOT NULL, created_by {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL)",
       "CREATE INDEX dataprotection_breaches_detected ON dataprotection_breaches(detected_at)"}));
  out.push_back(store::sql_migration(
      "dataprotection", 3, "legal holds that stop retention purges",
      {// A hold names a person (internal id) or one record (module, kind, record id); never a name.
       // from_on/until_on are civil days; an empty until_on holds until released.
       "CREATE TABLE dp_legal_holds (id {{pk}}, person_id TEXT NOT NULL, module TEXT NOT NULL, kind TEXT NOT NULL, "
       "record_id TEXT NOT NULL, reason TEXT NOT NULL, from_on TEXT NOT NULL, until_on TEXT NOT NULL, "
       "created_by {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL, released_at {{bigint}}, released_by {{bigint}})",
       "CREATE INDEX dp_legal_holds_person ON dp_legal_holds(person_id)",
       "CREATE INDEX dp_legal_holds_record ON dp_legal_holds(module, kind, record_id)"}));
  out.push_back(store::sql_migration(
      "dataprotection", 4, "retention purge runs",
      {// kinds: JSON, per kind of data what went, what holds kept, what the module kept, errors.
       // One run at a time on the whole database (several instances): the partial unique index.
       "CREATE TABLE dp_purge_runs (id {{pk}}, started_at {{bigint}} NOT NULL, finished_at {{bigint}}, origin TEXT NOT NULL "
       "CHECK (origin IN ('job', 'manual')), user_id {{bigint}} NOT NULL, state TEXT NOT NULL CHECK (state IN ('running', 'done', "
       "'failed')), kinds TEXT NOT NULL, purged {{bigint}} NOT NULL, held {{bigint}} NOT NULL)",
       "CREATE UNIQUE INDEX dp_purge_runs_one_running ON dp_purge_runs(state) WHERE state = 'running'",
       "CREATE INDEX dp_purge_runs_started ON dp_purge_runs(origin, started_at)"}));
  return out;
}

bool breach_notice_overdue(const Breach& b, int64_t now) { return !b.agency_notified_at && now - b.detected_at > kBreachNoticeTargetMs; }

store::EncryptedFields encrypted_fields() {
  auto rut_index = [](const std::string& plain) -> std::optional<std::string> {
    auto r = parse_rut(plain);
    if (!r) return std::nullopt;
    return "rut:" + rut_canonical(*r);
  };
  return {{"dataprotection_requests", {{"id"}}, "rut_enc", {{"rut_bidx", rut_index}}, "RUT de quienes ejercen derechos ARCOP"},
          {"dataprotection_requests", {{"id"}}, "name_enc", {}, "nombres de quienes ejercen derechos ARCOP"},
          {"dataprotection_requests", {{"id"}}, "detail_enc", {}, "detalle de las solicitudes de derechos ARCOP"},
          {"dataprotection_requests", {{"id"}}, "response_enc", {}, "respuestas a las solicitudes de derechos ARCOP"},
          {"dataprotection_events", {{"id"}}, "note_enc", {}, "notas del trámite de las solicitudes ARCOP"}};
}

const Vocabulary& kinds() {
  static const Vocabulary v = {{"acceso", "Acceso"},
                               {"rectificacion", "Rectificación"},
                               {"supresion", "Supresión"},
                               {"oposicion", "Oposición"},
                               {"portabilidad", "Portabilidad"},
                               {"bloqueo", "Bloqueo temporal"}};
  return v;
}

const Vocabulary& states() {
  static const Vocabulary v = {{"recibida", "Recibida"},
                               {"en_analisis", "En análisis"},
                               {"prorrogada", "Prorrogada"},
                               {"respondida", "Respondida"},
                               {"denegada", "Denegada con causal"}};
  return v;
}

// The grounds this ministry meets when the data are criminal or protection records of violence.
const Vocabulary& exceptions() {
  static const Vocabulary v = {
      {"proteccion_victima", "Los datos son necesarios para proteger a una víctima de violencia (medida de protección o riesgo vigente)"},
      {"orden_judicial", "Un tribunal o el Ministerio Público los requiere en una causa en curso"},
      {"investigacion_penal", "Atender la solicitud afectaría la investigación o persecución de un delito"},
      {"obligacion_legal", "Una ley obliga a conservarlos (cumplimiento de una obligación legal del responsable)"},
      {"funcion_publica", "Tratamiento necesario para una función pública que la ley encomienda al Ministerio"},
      {"derechos_terceros", "Afectaría los derechos de otra persona (p. ej., la víctima cuando pide el agresor)"},
      {"fines_estadisticos", "Tratamiento con fines estadísticos o históricos, con los datos disociados"}};
  return v;
}

// ---------------------------------------------------------------- the deadline calendar
namespace {
bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
}  // namespace

std::optional<int64_t> civil_days(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (d > month_days[m - 1] + (m == 2 && leap(y) ? 1 : 0)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string civil_date(int64_t days) {
  const auto c = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

std::string deadline(const std::string& received_on, bool extended) {
  const auto d = civil_days(received_on);
  if (!d) return {};
  return civil_date(*d + kDeadlineDays + (extended ? kExtensionDays : 0));
}

std::string today_cl(int64_t now) {
  const auto dmy = format_date_cl(now);  // "24-11-2026"
  return dmy.substr(6, 4) + "-" + dmy.substr(3, 2) + "-" + dmy.substr(0, 2);
}

bool is_final(const std::string& state) { return state == "respondida" || state == "denegada"; }

bool overdue(const std::string& deadline_on, const std::string& today) { return today > deadline_on; }

}  // namespace eq::dataprotection
