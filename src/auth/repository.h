// The auth module's SQL; nothing outside src/auth reads auth_* tables. Every function runs on the
// session it is given, so callers compose them inside one transaction.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "store/migrations.h"

namespace eq::auth {

std::vector<store::Migration> migrations();

struct Institution {
  int64_t id = 0;
  std::string name, type, region_id, comuna_id;
  bool active = true;
};

struct User {
  int64_t id = 0;
  std::string email, name;
  std::string run;  // decrypted canonical "12345678-5", empty when none
  int64_t institution_id = 0;
  std::string institution_name, institution_type;
  bool institution_active = true;
  std::vector<std::string> roles;
  std::string region_id, comuna_id;
  bool active = true;
  std::string password_hash;
  std::string totp_secret_enc;
  bool totp_enabled = false;
  int64_t totp_last_counter = 0;
  int failed_logins = 0;
  int64_t locked_until = 0;
  std::optional<int64_t> last_login_at;

  // An account works only while both it and its institution are active.
  bool may_sign_in() const { return active && institution_active; }
};

struct Session {
  int64_t id = 0, user_id = 0;
  std::string csrf_token, client_ip, user_agent;
  int64_t created_at = 0, last_seen_at = 0, expires_at = 0;
  bool revoked = false;
};

struct Challenge {
  int64_t id = 0, user_id = 0;
  std::string kind;  // "totp" or "enrol"
  std::string secret_enc;
  int attempts = 0;
  int64_t expires_at = 0;
  bool used = false;
};

struct ApiToken {
  int64_t id = 0, user_id = 0;
  std::string name, scopes;
  int64_t created_at = 0;
  bool revoked = false;
  int64_t expires_at = 0;  // every token ends; the command line sets it (default 90 days)
};

struct RecoveryCode {
  int64_t id = 0;
  std::string code_hash;  // "v2$<salt hex>$<HMAC-SHA256(salt, code) hex>"
};

struct UserFilter {
  std::string query;  // name or e-mail fragment
  std::optional<int64_t> institution_id;
  std::string role;
};

class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}

  // Key rotation: every ciphertext and blind index of the module re-made under `to`; returns rows.
  int64_t rekey(soci::session& s, const crypto::Keys& to) const;

  std::vector<Institution> institutions(soci::session& s, const std::string& q, const std::string& type,
                                        const std::string& region);
  std::optional<Institution> institution(soci::session& s, int64_t id);
  int64_t insert_institution(soci::session& s, const Institution& i);
  void update_institution(soci::session& s, const Institution& i);

  std::vector<User> users(soci::session& s, const UserFilter& f);
  std::optional<User> user(soci::session& s, int64_t id);
  std::optional<User> user_by_email(soci::session& s, const std::string& email);
  bool run_taken(soci::session& s, const std::string& canonical_run, int64_t except_user);
  int64_t insert_user(soci::session& s, const User& u);
  void update_user(soci::session& s, const User& u);  // name, scope, active, roles
  void set_password(soci::session& s, int64_t user_id, const std::string& hash);
  void record_failure(soci::session& s, int64_t user_id, int failed, int64_t locked_until);
  void record_login(soci::session& s, int64_t user_id, int64_t at);
  void set_totp(soci::session& s, int64_t user_id, const std::string& secret_enc, bool enabled, int64_t last_counter);
  // Moves the last accepted TOTP step forward; false if `counter` was already used (replay).
  bool advance_totp_counter(soci::session& s, int64_t user_id, int64_t counter);

  int64_t insert_session(soci::session& s, int64_t user_id, const std::string& token_hash, const std::string& csrf,
                         const std::string& ip, const std::string& ua, int64_t now, int64_t expires_at);
  std::optional<Session> session_by_token(soci::session& s, const std::string& token_hash);
  std::vector<Session> sessions_of(soci::session& s, int64_t user_id);
  void touch_session(soci::session& s, int64_t id, int64_t now);
  bool revoke_session(soci::session& s, int64_t id, int64_t user_id, int64_t now);
  int revoke_sessions_of(soci::session& s, int64_t user_id, int64_t now);
  int revoke_other_sessions_of(soci::session& s, int64_t user_id, int64_t keep_session_id, int64_t now);
  // Has this account ever signed in from this address? (its sessions remember the address)
  bool has_signed_in_from(soci::session& s, int64_t user_id, const std::string& ip);

  int64_t insert_challenge(soci::session& s, int64_t user_id, const std::string& token_hash, const std::string& kind,
                           const std::string& secret_enc, int64_t expires_at);
  std::optional<Challenge> challenge_by_token(soci::session& s, const std::string& token_hash);
  void challenge_attempt(soci::session& s, int64_t id, bool used);

  void replace_recovery_codes(soci::session& s, int64_t user_id, const std::vector<std::string>& hashes);
  std::vector<RecoveryCode> unused_recovery_codes(soci::session& s, int64_t user_id);
  bool mark_recovery_code_used(soci::session& s, int64_t code_id, int64_t now);  // false if already used
  int recovery_codes_left(soci::session& s, int64_t user_id);

  int64_t insert_token(soci::session& s, const ApiToken& t, const std::string& token_hash);
  std::optional<ApiToken> token_by_hash(soci::session& s, const std::string& token_hash);
  std::vector<ApiToken> tokens(soci::session& s);
  bool revoke_token(soci::session& s, int64_t id, int64_t now);

  // Display names for ids seen elsewhere (audit entries).
  std::map<int64_t, std::string> names(soci::session& s, const char* table, const std::set<int64_t>& ids);

  // Counts for the administrators' home page.
  int64_t count(soci::session& s, const std::string& what, std::optional<int64_t> institution_id, int64_t now);

 private:
  User user_from(const soci::row& r);
  void load_roles(soci::session& s, User& u);
  const crypto::Keys& keys_;
};

}  // namespace eq::auth
