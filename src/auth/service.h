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
  int free_failures = 4;  // failed logins before the back-off starts
  int64_t max_lock_ms = 15LL * 60 * 1000;
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

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<territory::Service> territory,
          Policy policy = {})
      : db_(db), keys_(keys), repo_(keys), audit_(audit), territory_(std::move(territory)), policy_(policy) {}

  // --- who is calling
  Result<std::optional<http::Principal>> authenticate(http::Request& req);

  // --- login
  Result<LoginStep> login(const http::Request& req, const std::string& email, const std::string& password);
  Result<LoginStep> login_totp(const http::Request& req, const std::string& challenge, const std::string& code,
                               const std::string& recovery_code);
  Result<LoginStep> login_enrol(const http::Request& req, const std::string& challenge, const std::string& code);
  Result<void> logout(const http::Request& req, bool everywhere);
  Result<std::vector<Session>> my_sessions(const http::Request& req);
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
  Result<std::pair<int64_t, std::string>> add_token_console(const std::string& name, const std::string& email,
                                                            const std::vector<std::string>& scopes);
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
  bool unknown_email_locked(const std::string& email, int64_t now, bool failed);

  store::Database& db_;
  const crypto::Keys& keys_;
  Repository repo_;
  audit::Log& audit_;
  std::shared_ptr<territory::Service> territory_;
  std::vector<HomeSource> home_sources_;
  Policy policy_;
  std::mutex unknown_mu_;
  std::map<std::string, std::pair<int, int64_t>> unknown_failures_;  // email → (failures, locked until)
};

// Field checks shared by HTTP and the command line.
Result<std::string> normalise_email(const std::string& email);
Result<void> check_password_strength(const std::string& password);

}  // namespace eq::auth
