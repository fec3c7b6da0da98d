// Schema of the ministry's registries, their vocabularies and the partial-date arithmetic.
#include <cstdio>

#include "core/time.h"
#include "registries/module.h"

namespace eq::registries {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "registries", 1, "certified organisations with status history; agreements, obligations, documents, alerts",
      {"CREATE TABLE registries_orgs (id {{pk}}, name TEXT NOT NULL, rut TEXT NOT NULL UNIQUE, demo INTEGER NOT NULL)",
       // One record per organisation and program: a second one is a duplicate (409).
       "CREATE TABLE registries_certs (id {{pk}}, org_id {{bigint}} NOT NULL REFERENCES registries_orgs(id), "
       "program TEXT NOT NULL CHECK (program IN ('nch3262', 'sello_iguala', 'ipg')), status TEXT NOT NULL, "
       "certifier TEXT NOT NULL, edition TEXT NOT NULL, scope TEXT NOT NULL, issued_on TEXT NOT NULL, expires_on TEXT NOT NULL, "
       "updated_at {{bigint}} NOT NULL, demo INTEGER NOT NULL, UNIQUE (org_id, program))",
       "CREATE INDEX registries_certs_program ON registries_certs(program, status)",
       "CREATE TABLE registries_cert_history (id {{pk}}, cert_id {{bigint}} NOT NULL REFERENCES registries_certs(id), "
       "status TEXT NOT NULL, note TEXT NOT NULL, by_user {{bigint}}, by_name TEXT NOT NULL, at {{bigint}} NOT NULL)",
       "CREATE INDEX registries_cert_history_cert ON registries_cert_history(cert_id, at)",
       "CREATE TABLE registries_agreements (id {{pk}}, title TEXT NOT NULL, purpose TEXT NOT NULL, status TEXT NOT NULL, "
       "source TEXT NOT NULL, signed_on TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, "
       "updated_at {{bigint}} NOT NULL, demo INTEGER NOT NULL)",
       "CREATE TABLE registries_parties (id {{pk}}, agreement_id {{bigint}} NOT NULL REFERENCES registries_agreements(id), "
       "ord INTEGER NOT NULL, name TEXT NOT NULL)",
       "CREATE TABLE registries_obligations (id {{pk}}, agreement_id {{bigint}} NOT NULL REFERENCES registries_agreements(id), "
       "description TEXT NOT NULL, owner TEXT NOT NULL, due_on TEXT NOT NULL, "
       "status TEXT NOT NULL CHECK (status IN ('pendiente', 'cumplida', 'incumplida')), updated_at {{bigint}} NOT NULL)",
       "CREATE TABLE registries_documents (id {{pk}}, agreement_id {{bigint}} NOT NULL REFERENCES registries_agreements(id), "
       "title TEXT NOT NULL, url TEXT NOT NULL, kind TEXT NOT NULL)",
       // obligation_id 0 (not NULL) for alerts about the agreement, so the UNIQUE deduplicates them too.
       "CREATE TABLE registries_alerts (id {{pk}}, agreement_id {{bigint}} NOT NULL REFERENCES registries_agreements(id), "
       "obligation_id {{bigint}} NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL, raised_at {{bigint}} NOT NULL, "
       "UNIQUE (agreement_id, obligation_id, kind))"}));
  out.push_back(store::sql_migration(
      "registries", 2, "alerts before a certification expires",
      // expires_on in the key: a renewed certification (a new expiry) is alerted again.
      {"CREATE TABLE registries_cert_alerts (id {{pk}}, cert_id {{bigint}} NOT NULL REFERENCES registries_certs(id), "
       "kind TEXT NOT NULL, expires_on TEXT NOT NULL, message TEXT NOT NULL, raised_at {{bigint}} NOT NULL, "
       "UNIQUE (cert_id, kind, expires_on))"}));
  return out;
}

const Vocabulary& programs() {
  static const Vocabulary v = {{"nch3262", "Certificación NCh3262 (igualdad de género y conciliación)"},
                               {"sello_iguala", "Sello Iguala-Conciliación"},
                               {"ipg", "Iniciativa Paridad de Género (IPG Chile)"}};
  return v;
}
const Vocabulary& cert_statuses() {
  static const Vocabulary v = {{"en_proceso", "En proceso de certificación"},
                               {"certificada", "Certificada"},
                               {"suspendida", "Certificación suspendida"},
                               {"vencida", "Certificación vencida"},
                               {"otorgado", "Sello otorgado"},
                               {"en_proceso_firma", "En proceso de firma"},
                               {"adherida", "Adherida"},
                               {"retirada", "Retirada"}};
  return v;
}
const std::vector<std::string>& statuses_of(const std::string& program) {
  static const std::vector<std::string> nch = {"en_proceso", "certificada", "suspendida", "vencida", "retirada"};
  static const std::vector<std::string> sello = {"otorgado", "vencida", "retirada"};
  static const std::vector<std::string> ipg = {"en_proceso_firma", "adherida", "retirada"};
  static const std::vector<std::string> none;
  return program == "nch3262" ? nch : program == "sello_iguala" ? sello : program == "ipg" ? ipg : none;
}
const Vocabulary& agreement_statuses() {
  static const Vocabulary v = {{"en_elaboracion", "En elaboración"},
                               {"suscrito", "Suscrito"},
                               {"en_ejecucion", "En ejecución"},
                               {"terminado", "Terminado"}};
  return v;
}
const Vocabulary& obligation_statuses() {
  static const Vocabulary v = {{"pendiente", "Pendiente"}, {"cumplida", "Cumplida"}, {"incumplida", "Incumplida"}};
  return v;
}
const Vocabulary& alert_kinds() {
  static const Vocabulary v = {{"vence_60", "Vence en 60 días o menos"},
                               {"vence_30", "Vence en 30 días o menos"},
                               {"vencido", "Vencido sin cierre registrado"},
                               {"obligacion_atrasada", "Obligación con plazo vencido"}};
  return v;
}

std::string cert_alert_label(const std::string& kind) {
  if (kind == "vencida") return "Certificación vencida sin renovación registrada";
  if (kind.rfind("vence_", 0) == 0) return "Vence en " + kind.substr(6) + " días o menos";
  return kind;
}

bool in_force(const std::string& status) { return status == "certificada" || status == "otorgado"; }

bool precedes(const PartialDate& end, const PartialDate& start) {
  if (!end.known() || !start.known()) return false;
  if (end.year != start.year) return end.year < start.year;
  if (!end.month || !start.month || end.month != start.month) return end.month && start.month && end.month < start.month;
  return end.day && start.day && end.day < start.day;
}

int64_t last_day(const PartialDate& d) {
  const int m = d.month ? d.month : 12;
  const int day = d.day ? d.day : days_in_month(d.year, m);
  char iso[40];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", d.year, m, day);
  return parse_iso8601(iso, "").value_or(0) / 86400000LL;  // midnight UTC: whole days since 1970-01-01
}

int64_t day_of_ms(int64_t utc_ms) { return utc_ms / 86400000LL; }

std::string date_label(const std::string& stored) {
  static const char* kMonths[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                  "septiembre", "octubre", "noviembre", "diciembre"};
  const PartialDate d = read_partial_date(stored);
  if (!d.known()) return "sin información";
  if (!d.month) return std::to_string(d.year);
  if (!d.day) return std::string(kMonths[d.month - 1]) + " de " + std::to_string(d.year);
  return format_partial_date(d);
}

}  // namespace eq::registries
