// Schema of the public account.
#include "account/module.h"

namespace eq::account {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "account", 1, "editions, their sections and the regional milestones",
      {// A published edition keeps the document it published (snapshot) and its SHA-256; nothing
       // in this module updates a row whose state is 'publicada' (service + access.h).
       "CREATE TABLE account_editions (id {{pk}}, period TEXT NOT NULL, title TEXT NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('borrador', 'publicada')), demo INTEGER NOT NULL, "
       "from_at {{bigint}} NOT NULL, to_at {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL, created_by {{bigint}}, "
       "published_at {{bigint}}, published_by {{bigint}}, snapshot TEXT, sha256 TEXT)",
       "CREATE TABLE account_sections (edition_id {{bigint}} NOT NULL REFERENCES account_editions(id), "
       "section TEXT NOT NULL, body TEXT NOT NULL, updated_at {{bigint}} NOT NULL, updated_by {{bigint}}, "
       "PRIMARY KEY (edition_id, section))",
       "CREATE TABLE account_milestones (id {{pk}}, region_id TEXT NOT NULL, period TEXT NOT NULL, day {{bigint}}, "
       "date_text TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, results TEXT NOT NULL, "
       "demo INTEGER NOT NULL, created_by {{bigint}}, created_at {{bigint}} NOT NULL, updated_at {{bigint}} NOT NULL)",
       "CREATE INDEX account_milestones_period ON account_milestones(period, region_id, id)"}));
  out.push_back(store::sql_migration(
      "account", 2, "numbered versions with review; milestones' axis, comunas, evidence and the ministry's curation",
      {// An edition of a period is published as version 1, 2, …: a published version is never
       // changed, a new version copies its text and goes through review again. review: '' (being
       // written), en_revision, devuelta (with the reviewer's observations) or aprobada.
       "ALTER TABLE account_editions ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
       "ALTER TABLE account_editions ADD COLUMN previous_id {{bigint}}",
       "ALTER TABLE account_editions ADD COLUMN review TEXT NOT NULL DEFAULT ''",
       "ALTER TABLE account_editions ADD COLUMN review_note TEXT NOT NULL DEFAULT ''",
       "ALTER TABLE account_editions ADD COLUMN submitted_by {{bigint}}",
       "ALTER TABLE account_editions ADD COLUMN reviewed_by {{bigint}}",
       "ALTER TABLE account_editions ADD COLUMN reviewed_at {{bigint}}",
       // Milestones recorded before curation existed were already in the account: 'incluido'.
       // New ones wait for the ministry ('pendiente').
       "ALTER TABLE account_milestones ADD COLUMN axis TEXT NOT NULL DEFAULT ''",
       "ALTER TABLE account_milestones ADD COLUMN comunas TEXT NOT NULL DEFAULT ''",
       "ALTER TABLE account_milestones ADD COLUMN evidence TEXT NOT NULL DEFAULT ''",
       "ALTER TABLE account_milestones ADD COLUMN curation TEXT NOT NULL DEFAULT 'incluido'",
       "ALTER TABLE account_milestones ADD COLUMN curation_reason TEXT NOT NULL DEFAULT ''",
       "ALTER TABLE account_milestones ADD COLUMN curated_by {{bigint}}",
       "ALTER TABLE account_milestones ADD COLUMN curated_at {{bigint}}"}));
  return out;
}

}  // namespace eq::account
