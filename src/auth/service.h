// Identity: who the caller is (sessions, second factor, API tokens) and the account rules that
// decide who may manage whom. HTTP handlers in routes.cc only parse, call this, and answer.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/log.h"
#include "auth/catalogue.h"
#include "auth/repository.h"
#include "http/message.h"
#include "territory/module.h"

namespace eq::auth {

struct Policy {
  int64_t idle_timeout_ms = 30LL * 60 * 1000;
  int64_t absolute_timeout_ms = 12LL * 60 * 60 * 1000;
  int64_t challenge_ttl_ms = 5LL * 60 * 1000;
  // Failed sign-ins are throttled where they come from, so that an attacker cannot lock a person
  // out by failing on purpose (see Throttle below):
  int free_failures = 4;           // per (e-mail, address): failures before that pair backs off
  int address_free_failures = 10;  // per address, over every e-mail (password spraying)
  // Per account, over every address (a guesser spread over many addresses, or guessing the second
  // factor): much higher, and never applied to an address the account has signed in from before.
  int account_free_failures = 25;
  int64_t max_lock_ms = 15LL * 60 * 1000;
  int64_t failure_memory_ms = 24LL * 60 * 60 * 1000;  // a quiet day forgets a (pair, address) count
  bool secure_cookies = false;
};

// What a login step answers: either a session, or the next step.
struct LoginStep {
  std::string next;  // "done", "totp", "enrol"
  std::string challenge;
  std::string secret;       // base32, only for "enrol"
  std::string otpauth_uri;  // only for "enrol"
  std::string session_token;
  http::Principal principal;
  std::vector<std::string> recovery_codes;  // only right after enrolment
};

struct NewUser {
  std::string name, email, run, password, region_id, comuna_id;
  int64_t institution_id = 0;
  std::vector<std::string> roles;
};

struct UserChanges {
  std::optional<std::string> name, run, region_id, comuna_id;
  std::optional<bool> active;
  std::optional<std::vector<std::string>> roles;
};

struct InstitutionChanges {
  std::optional<std::string> name, region_id, comuna_id;
  std::optional<bool> active;
};

// Failure counters in memory, by key ("p|e-mail|address", "a|address", "e|e-mail" for e-mails
// that have no account): back-off doubles from one minute once the free failures are spent, up to
// the cap. Memory, not the database, because they are written on every failure from anyone (an
// unauthenticated write to the database per guess would be a cheap way to fill it), and a restart
// only gives a guesser a few more free attempts.
class Throttle {
 public:
  explicit Throttle(const Policy& policy) : policy_(policy) {}
  int64_t blocked_until(const std::string& key, int64_t now);
  int64_t fail(const std::string& key, int free_failures, int64_t now);  // returns blocked-until, 0 if not blocked
  void clear(const std::string& key);

 private:
  struct Count {
    int failures = 0;
    int64_t until = 0, last = 0;
  };
  const Policy& policy_;
  std::mutex mu_;
  std::map<std::string, Count> counts_;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<territory::Service> territory,
          Policy policy = {})
      : db_(db), keys_(keys), repo_(keys), audit_(audit), territory_(std::move(territory)), policy_(policy), throttle_(policy_) {}

  // --- who is calling
  Result<std::optional<http::Principal>> authenticate(http::Request& req);

  // --- login
  Result<LoginStep> login(const http::Request& req, const std::string& email, const std::string& password);
  Result<LoginStep> login_totp(const http::Request& req, const std::string& challenge, const std::string& code,
                               const std::string& recovery_code);
  Result<LoginStep> login_enrol(const http::Request& req, const std::string& challenge, const std::string& code);
  Result<void> logout(const http::Request& req, bool everywhere);
  Result<std::vector<Session>> my_sessions(const http::Request& req);

  // --- self-service (self.cc): one's own password and recovery codes
  // The current password is required; every other session of the account ends.
  Result<void> change_own_password(const http::Request& req, const std::string& current, const std::string& next);
  // Needs the password and a current TOTP code; the old codes stop working. Returns the new ones.
  Result<std::vector<std::string>> regenerate_recovery_codes(const http::Request& req, const std::string& password,
                                                             const std::string& code);
  Result<int> recovery_codes_left(const http::Request& req);
  Result<void> revoke_my_session(const http::Request& req, int64_t session_id);
  std::string session_cookie(const std::string& token) const;
  std::string clear_cookie() const;

  // --- accounts (object rules live in permissions.cc)
  Result<std::vector<User>> list_users(const http::Request& req, UserFilter filter);
  Result<User> get_user(const http::Request& req, int64_t id);
  Result<User> create_user(const http::Request& req, const NewUser& u);
  Result<User> update_user(const http::Request& req, int64_t id, const UserChanges& c);
  Result<User> reset_totp(const http::Request& req, int64_t id);

  Result<std::vector<Institution>> list_institutions(const std::string& q, const std::string& type, const std::string& region);
  Result<Institution> create_institution(const http::Request& req, Institution i);
  Result<Institution> update_institution(const http::Request& req, int64_t id, const InstitutionChanges& c);

  // --- for the command line and demo data (no caller: the operator at the console)
  Result<int64_t> add_user_console(const NewUser& u, bool totp_enabled = false, const std::string& totp_secret_b32 = {});
  Result<void> set_password_console(const std::string& email, const std::string& password);
  Result<void> set_active_console(const std::string& email, bool active);
  Result<void> set_totp_console(const std::string& email, const std::string& totp_secret_b32);
  Result<std::pair<int64_t, std::string>> add_token_console(const std::string& name, const std::string& email,
                                                            const std::vector<std::string>& scopes, int expires_days = 90);
  Result<void> revoke_token_console(int64_t id);
  Result<std::vector<ApiToken>> tokens_console();
  Result<int64_t> ensure_institution(const Institution& i);
  Result<std::optional<User>> find_user(const std::string& email);

  // Names of users and institutions, for audit entries.
  Result<std::pair<std::map<int64_t, std::string>, std::map<int64_t, std::string>>> display_names(
      const std::set<int64_t>& users, const std::set<int64_t>& institutions);

  // --- home page figures
  Result<http::Json> home(const http::Request& req);
  // Other modules add their own items to the home page ({kind, title, detail, value, link,
  // severity}) without auth knowing their tables; the composition root registers them.
  using HomeSource = std::function<Result<std::vector<http::Json>>(const http::Request&)>;
  void add_home_source(HomeSource source) { home_sources_.push_back(std::move(source)); }

  audit::Log& audit() { return audit_; }
  store::Database& db() { return db_; }

 private:
  http::Principal principal_of(const User& u) const;
  int64_t register_failure(soci::session& s, const User& u, int64_t now);  // returns locked-until, 0 if not locked
  Result<LoginStep> finish_login(soci::session& s, const http::Request& req, const User& u, int64_t now);
  Result<void> validate_scope(const std::string& region_id, const std::string& comuna_id);
  Result<void> validate_new_user(const NewUser& u);
  // Ten new recovery codes (80 bits each, stored salted and keyed), replacing the old ones.
  std::vector<std::string> new_recovery_codes(soci::session& s, int64_t user_id);
  // Spends one unused recovery code of the account; false if none matches.
  bool use_recovery_code(soci::session& s, int64_t user_id, const std::string& typed, int64_t now);
  // A current TOTP code of `u` (each step once); false otherwise.
  bool check_totp(soci::session& s, const User& u, const std::string& code, int64_t now, bool* reused = nullptr);
  // When the caller at req.client_ip may try `email` again (0 = now); `u` is its account, if any.
  // `by_address` (optional) tells whether the address's own count (many e-mails) is what holds it back.
  int64_t blocked_until(soci::session& s, const http::Request& req, const std::string& email, const User* u, int64_t now,
                        bool* by_address = nullptr);
  // Counts one failed password or code of `email` from req.client_ip; `u` is its account, if any.
  void count_failure(soci::session& s, const http::Request& req, const std::string& email, const User* u, int64_t now);

  store::Database& db_;
  const crypto::Keys& keys_;
  Repository repo_;
  audit::Log& audit_;
  std::shared_ptr<territory::Service> territory_;
  std::vector<HomeSource> home_sources_;
  Policy policy_;
  Throttle throttle_;
};

// Field checks shared by HTTP and the command line.
Result<std::string> normalise_email(const std::string& email);
Result<void> check_password_strength(const std::string& password);
// Stricter rules for a password a person chooses for herself (field "new_password").
Result<void> check_new_password(const std::string& password, const std::string& email, const std::string& name);

}  // namespace eq::auth
