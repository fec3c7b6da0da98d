// Schema of «Mascarilla 19»: enrolled pharmacies and the activations they report. Her alias, phone,
// how to reach her and what she asked for are encrypted; the pharmacy's own data are not personal.
#include "pharmacy/module.h"

namespace eq::pharmacy {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "pharmacy", 1, "enrolled pharmacies, activation reports",
      {"CREATE TABLE pharmacy_enrolments (id {{pk}}, institution_id {{bigint}} UNIQUE, name TEXT NOT NULL, chain TEXT, "
       "comuna_code TEXT NOT NULL, region_code TEXT NOT NULL, contact TEXT, trained_at {{bigint}}, enrolled_at {{bigint}} NOT NULL, "
       "demo INTEGER NOT NULL DEFAULT 0)",
       "CREATE INDEX pharmacy_enrolments_region ON pharmacy_enrolments(region_code, comuna_code)",
       "CREATE TABLE pharmacy_reports (id {{pk}}, ref TEXT NOT NULL UNIQUE, enrolment_id {{bigint}} NOT NULL REFERENCES pharmacy_enrolments(id), "
       "user_id {{bigint}}, alias TEXT, phone TEXT, safe_contact TEXT, asked_for TEXT, in_danger INTEGER NOT NULL, "
       "comuna_code TEXT NOT NULL, region_code TEXT NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('waiting', 'in_contact', 'contacted')), contact_id TEXT, "
       "at {{bigint}} NOT NULL, due_at {{bigint}} NOT NULL, contacted_at {{bigint}}, demo INTEGER NOT NULL DEFAULT 0)",
       "CREATE INDEX pharmacy_reports_enrolment ON pharmacy_reports(enrolment_id, at)",
       "CREATE INDEX pharmacy_reports_state ON pharmacy_reports(state, due_at)",
       "CREATE INDEX pharmacy_reports_at ON pharmacy_reports(at)"}));
  out.push_back(store::sql_migration("pharmacy", 2, "escalation of overdue activation reports",
                                     {"ALTER TABLE pharmacy_reports ADD COLUMN escalation INTEGER NOT NULL DEFAULT 0",
                                      "ALTER TABLE pharmacy_reports ADD COLUMN escalated_at {{bigint}}",
                                      "CREATE INDEX pharmacy_reports_escalation ON pharmacy_reports(escalation, state)"}));
  out.push_back(store::sql_migration("pharmacy", 3, "enrolled pharmacies' address, phone and RUT",
                                     {"ALTER TABLE pharmacy_enrolments ADD COLUMN address TEXT", "ALTER TABLE pharmacy_enrolments ADD COLUMN phone TEXT",
                                      "ALTER TABLE pharmacy_enrolments ADD COLUMN rut TEXT"}));
  // Several trainings per pharmacy (new staff, refreshers); the one recorded at enrolment becomes the
  // first. Suspension: a suspended pharmacy's reports are refused with the reason.
  out.push_back(store::sql_migration(
      "pharmacy", 4, "trainings of a pharmacy's staff; suspension of an enrolment",
      {"CREATE TABLE pharmacy_trainings (id {{pk}}, enrolment_id {{bigint}} NOT NULL REFERENCES pharmacy_enrolments(id), trained_at {{bigint}} NOT NULL, "
       "staff INTEGER, note TEXT, recorded_at {{bigint}} NOT NULL, demo INTEGER NOT NULL DEFAULT 0)",
       "CREATE INDEX pharmacy_trainings_enrolment ON pharmacy_trainings(enrolment_id, trained_at)",
       "INSERT INTO pharmacy_trainings (enrolment_id, trained_at, recorded_at, demo) SELECT id, trained_at, enrolled_at, demo FROM pharmacy_enrolments "
       "WHERE trained_at IS NOT NULL",
       "ALTER TABLE pharmacy_enrolments ADD COLUMN status TEXT NOT NULL DEFAULT 'active'",
       "ALTER TABLE pharmacy_enrolments ADD COLUMN status_reason TEXT",
       "ALTER TABLE pharmacy_enrolments ADD COLUMN status_at {{bigint}}",
       "CREATE INDEX pharmacy_enrolments_status ON pharmacy_enrolments(status, chain)"}));
  return out;
}

store::EncryptedFields encrypted_fields() {
  return {
      {"pharmacy_reports", {{"id"}}, "alias", {}, "nombre o alias de quien activó «Mascarilla 19»"},
      {"pharmacy_reports", {{"id"}}, "phone", {}, "teléfonos de quienes activaron «Mascarilla 19»"},
      {"pharmacy_reports", {{"id"}}, "safe_contact", {}, "cómo y cuándo contactar con seguridad (Mascarilla 19)"},
      {"pharmacy_reports", {{"id"}}, "asked_for", {}, "lo que pidió en la farmacia (Mascarilla 19)"},
  };
}

}  // namespace eq::pharmacy
