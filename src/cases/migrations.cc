// Schema of the case registry. Identifying data (identities, record details, emergency reasons) is
// stored only as ciphertext; exact look-ups go through blind indexes. Plain columns hold what the
// shared minimum and the statistics need, nothing that names a person.
#include "cases/module.h"

namespace eq::cases {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "cases", 1, "persons, identities, records",
      {// merged_into: a person folded into another by a link decision (reversible, see cases_links).
       "CREATE TABLE cases_persons (id {{pk}}, created_at {{bigint}} NOT NULL, created_by_institution_id {{bigint}} NOT NULL, "
       "merged_into {{bigint}} REFERENCES cases_persons(id))",
       // One row per way a person was identified by a record (or by hand): what linkage compares.
       "CREATE TABLE cases_identities (id {{pk}}, person_id {{bigint}} NOT NULL REFERENCES cases_persons(id), "
       "institution_id {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL, data_enc TEXT NOT NULL, run_idx TEXT, doc_idx TEXT)",
       "CREATE INDEX cases_identities_person ON cases_identities(person_id)",
       "CREATE INDEX cases_identities_run ON cases_identities(run_idx)",
       "CREATE INDEX cases_identities_doc ON cases_identities(doc_idx)",
       "CREATE TABLE cases_records (id {{pk}}, kind TEXT NOT NULL CHECK (kind IN ('contact', 'complaint', 'risk_assessment', "
       "'protective_order', 'order_breach', 'referral', 'shelter_entry', 'shelter_exit', 'closure')), "
       "institution_id {{bigint}} NOT NULL, comuna_id TEXT, author_user_id {{bigint}} NOT NULL, occurred_at {{bigint}} NOT NULL, "
       "recorded_at {{bigint}} NOT NULL, consent_statistics INTEGER NOT NULL, details_enc TEXT NOT NULL, "
       // Shared minimum and deadlines in clear (no names, no places).
       "risk_level TEXT, starts_at {{bigint}}, ends_at {{bigint}}, to_institution_id {{bigint}}, ack_due_at {{bigint}}, "
       "acknowledged_at {{bigint}}, first_contact_due_at {{bigint}}, first_contact_at {{bigint}})",
       "CREATE INDEX cases_records_institution ON cases_records(institution_id, occurred_at)",
       "CREATE INDEX cases_records_to ON cases_records(to_institution_id)",
       "CREATE TABLE cases_record_persons (record_id {{bigint}} NOT NULL REFERENCES cases_records(id), "
       "person_id {{bigint}} NOT NULL REFERENCES cases_persons(id), role TEXT NOT NULL CHECK (role IN ('victim', 'aggressor', 'child')), "
       "identity_id {{bigint}} REFERENCES cases_identities(id), PRIMARY KEY (record_id, person_id, role))",
       "CREATE INDEX cases_record_persons_person ON cases_record_persons(person_id)",
       // Same key, same body → the stored answer; same key, other body → conflict.
       "CREATE TABLE cases_idempotency (institution_id {{bigint}} NOT NULL, idem_key TEXT NOT NULL, request_hash TEXT NOT NULL, "
       "status INTEGER NOT NULL, response TEXT NOT NULL, created_at {{bigint}} NOT NULL, PRIMARY KEY (institution_id, idem_key))"}));
  out.push_back(store::sql_migration(
      "cases", 2, "linkage review and link log",
      {"CREATE TABLE cases_reviews (id {{pk}}, identity_id {{bigint}} NOT NULL REFERENCES cases_identities(id), "
       "person_id {{bigint}} NOT NULL REFERENCES cases_persons(id), candidate_person_id {{bigint}} NOT NULL REFERENCES cases_persons(id), "
       "weight_milli {{bigint}} NOT NULL, institution_id {{bigint}} NOT NULL, state TEXT NOT NULL CHECK (state IN ('pendiente', 'misma_persona', "
       "'distintas')), decided_by {{bigint}}, decided_at {{bigint}}, note TEXT, created_at {{bigint}} NOT NULL)",
       "CREATE INDEX cases_reviews_state ON cases_reviews(state, institution_id)",
       // Every change of which person an identity belongs to, so each can be undone.
       "CREATE TABLE cases_links (id {{pk}}, kind TEXT NOT NULL CHECK (kind IN ('auto', 'review', 'undo')), "
       "from_person_id {{bigint}} NOT NULL, to_person_id {{bigint}} NOT NULL, moved TEXT NOT NULL, weight_milli {{bigint}}, "
       "actor_user_id {{bigint}}, institution_id {{bigint}}, reason TEXT, undone_by {{bigint}}, created_at {{bigint}} NOT NULL)"}));
  out.push_back(store::sql_migration(
      "cases", 3, "need-to-know: emergency access, access log, notifications",
      {"CREATE TABLE cases_emergency_access (id {{pk}}, person_id {{bigint}} NOT NULL REFERENCES cases_persons(id), "
       "user_id {{bigint}} NOT NULL, institution_id {{bigint}} NOT NULL, reason_enc TEXT NOT NULL, granted_at {{bigint}} NOT NULL, "
       "expires_at {{bigint}} NOT NULL)",
       "CREATE INDEX cases_emergency_user ON cases_emergency_access(user_id, person_id)",
       "CREATE TABLE cases_access_log (id {{pk}}, person_id {{bigint}} NOT NULL, user_id {{bigint}} NOT NULL, "
       "institution_id {{bigint}} NOT NULL, at {{bigint}} NOT NULL, action TEXT NOT NULL, full_view INTEGER NOT NULL)",
       "CREATE INDEX cases_access_log_person ON cases_access_log(person_id, at)",
       "CREATE TABLE cases_notifications (id {{pk}}, institution_id {{bigint}} NOT NULL, person_id {{bigint}} NOT NULL, "
       "kind TEXT NOT NULL, message TEXT NOT NULL, created_at {{bigint}} NOT NULL, read_at {{bigint}})",
       "CREATE INDEX cases_notifications_inst ON cases_notifications(institution_id, created_at)"}));
  out.push_back(store::sql_migration(
      "cases", 4, "need-to-know under attack: how each record named each person; notifications about users",
      {// identity | served | referral | emergency | legacy (see access.h). Rows before this version keep
       // counting as serving, as they did.
       "ALTER TABLE cases_record_persons ADD COLUMN basis TEXT NOT NULL DEFAULT 'legacy'",
       // Bulk reading: the user the administrators are told about.
       "ALTER TABLE cases_notifications ADD COLUMN user_id {{bigint}}",
       "CREATE INDEX cases_access_log_user ON cases_access_log(user_id, at)"}));
  out.push_back(store::sql_migration(
      "cases", 5, "index of referrals still waiting for a first contact (the overdue-referrals gauge)",
      // A partial index: the gauge is read at every scrape and must not scan every record.
      {"CREATE INDEX cases_records_open_referrals ON cases_records(ack_due_at, first_contact_due_at) "
       "WHERE kind = 'referral' AND first_contact_at IS NULL"}));
  return out;
}

}  // namespace eq::cases
