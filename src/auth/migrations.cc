#include "auth/repository.h"
#include "core/text.h"
#include "core/time.h"
#include "store/row.h"

namespace eq::auth {

std::vector<store::Migration> migrations() {
  return {store::sql_migration(
      "auth", 1, "institutions, users, roles, sessions, second factor, API tokens",
      {"CREATE TABLE auth_institutions (id {{pk}}, name TEXT NOT NULL, type TEXT NOT NULL, region_id TEXT, comuna_id TEXT, "
       "active INTEGER NOT NULL DEFAULT 1, created_at {{bigint}} NOT NULL)",
       "CREATE UNIQUE INDEX auth_institutions_name ON auth_institutions(name)",
       // run_enc: XChaCha20-Poly1305 ciphertext; run_bidx: keyed blind index for exact look-ups.
       "CREATE TABLE auth_users (id {{pk}}, email TEXT NOT NULL, name TEXT NOT NULL, run_enc TEXT, run_bidx TEXT, "
       "institution_id {{bigint}} NOT NULL REFERENCES auth_institutions(id), region_id TEXT, comuna_id TEXT, "
       "password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, totp_secret_enc TEXT, "
       "totp_enabled INTEGER NOT NULL DEFAULT 0, totp_last_counter {{bigint}} NOT NULL DEFAULT 0, "
       "failed_logins INTEGER NOT NULL DEFAULT 0, locked_until {{bigint}} NOT NULL DEFAULT 0, last_login_at {{bigint}}, "
       "created_at {{bigint}} NOT NULL)",
       "CREATE UNIQUE INDEX auth_users_email ON auth_users(email)",
       "CREATE UNIQUE INDEX auth_users_run ON auth_users(run_bidx)",
       "CREATE INDEX auth_users_institution ON auth_users(institution_id)",
       "CREATE TABLE auth_user_roles (user_id {{bigint}} NOT NULL REFERENCES auth_users(id), role TEXT NOT NULL, "
       "PRIMARY KEY (user_id, role))",
       "CREATE TABLE auth_sessions (id {{pk}}, user_id {{bigint}} NOT NULL REFERENCES auth_users(id), token_hash TEXT NOT NULL, "
       "csrf_token TEXT NOT NULL, client_ip TEXT NOT NULL, user_agent TEXT NOT NULL, created_at {{bigint}} NOT NULL, "
       "last_seen_at {{bigint}} NOT NULL, expires_at {{bigint}} NOT NULL, revoked_at {{bigint}})",
       "CREATE UNIQUE INDEX auth_sessions_token ON auth_sessions(token_hash)",
       "CREATE INDEX auth_sessions_user ON auth_sessions(user_id)",
       // Between the password and the second factor: short-lived, single use, few attempts.
       "CREATE TABLE auth_challenges (id {{pk}}, user_id {{bigint}} NOT NULL REFERENCES auth_users(id), token_hash TEXT NOT NULL, "
       "kind TEXT NOT NULL, secret_enc TEXT, attempts INTEGER NOT NULL DEFAULT 0, expires_at {{bigint}} NOT NULL, "
       "used INTEGER NOT NULL DEFAULT 0)",
       "CREATE UNIQUE INDEX auth_challenges_token ON auth_challenges(token_hash)",
       "CREATE TABLE auth_recovery_codes (id {{pk}}, user_id {{bigint}} NOT NULL REFERENCES auth_users(id), "
       "code_hash TEXT NOT NULL, used_at {{bigint}})",
       "CREATE INDEX auth_recovery_user ON auth_recovery_codes(user_id)",
       "CREATE TABLE auth_api_tokens (id {{pk}}, name TEXT NOT NULL, user_id {{bigint}} NOT NULL REFERENCES auth_users(id), "
       "token_hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at {{bigint}} NOT NULL, last_used_at {{bigint}}, revoked_at {{bigint}})",
       "CREATE UNIQUE INDEX auth_api_tokens_hash ON auth_api_tokens(token_hash)"}),
          // Searches ignore case and accents ("nunez" finds "Núñez"): folded copies of the searched text.
          {"auth", 2, "folded search text", [](soci::session& s, const store::MigrationContext&) {
             s << "ALTER TABLE auth_institutions ADD COLUMN name_folded TEXT NOT NULL DEFAULT ''";
             s << "ALTER TABLE auth_users ADD COLUMN search_folded TEXT NOT NULL DEFAULT ''";
             std::vector<std::pair<long long, std::string>> rows;
             soci::rowset<soci::row> insts = s.prepare << "SELECT id, name FROM auth_institutions";
             for (const auto& r : insts) rows.emplace_back(store::get_int(r, 0), store::get_str(r, 1));
             for (auto& [id, name] : rows)
               s << "UPDATE auth_institutions SET name_folded = :f WHERE id = :id", soci::use(fold_for_search(name)), soci::use(id);
             rows.clear();
             soci::rowset<soci::row> users = s.prepare << "SELECT id, name, email FROM auth_users";
             for (const auto& r : users) rows.emplace_back(store::get_int(r, 0), store::get_str(r, 1) + " " + store::get_str(r, 2));
             for (auto& [id, text] : rows)
               s << "UPDATE auth_users SET search_folded = :f WHERE id = :id", soci::use(fold_for_search(text)), soci::use(id);
           }},
          // Recovery codes of 32 bits hashed without salt could be found by trying every code: they
          // are dropped (people make new ones from "Mi cuenta"); new ones have 80 bits and a salt.
          // API tokens get an end; those made before end 90 days after this migration.
          {"auth", 3, "salted recovery codes, token expiry", [](soci::session& s, const store::MigrationContext&) {
             s << "DELETE FROM auth_recovery_codes WHERE code_hash NOT LIKE 'v2$%'";
             s << "ALTER TABLE auth_api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0";
             long long until = now_ms() + 90LL * 24 * 60 * 60 * 1000;
             s << "UPDATE auth_api_tokens SET expires_at = :e", soci::use(until);
           }}};
}

}  // namespace eq::auth
