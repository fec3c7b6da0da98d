#include "auth/repository.h"

#include <algorithm>

#include "core/text.h"
#include "core/time.h"
#include "http/live.h"
#include "store/query.h"

namespace eq::auth {

using store::get_bool;
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;

namespace {

std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

Institution institution_from(const soci::row& r) {
  return {get_int(r, 0), get_str(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4), get_bool(r, 5)};
}

const char* kInstitutionColumns = "SELECT id, name, type, region_id, comuna_id, active FROM auth_institutions";
const char* kUserColumns =
    "SELECT u.id, u.email, u.name, u.run_enc, u.institution_id, i.name, i.type, u.region_id, u.comuna_id, u.active, "
    "u.password_hash, u.totp_secret_enc, u.totp_enabled, u.totp_last_counter, u.failed_logins, u.locked_until, "
    "u.last_login_at, i.active FROM auth_users u JOIN auth_institutions i ON i.id = u.institution_id";
const char* kSessionColumns =
    "SELECT id, user_id, csrf_token, client_ip, user_agent, created_at, last_seen_at, expires_at, revoked_at FROM auth_sessions";

Session session_from(const soci::row& r) {
  return {get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4),
          get_int(r, 5), get_int(r, 6), get_int(r, 7), !store::is_null(r, 8)};
}

}  // namespace

std::vector<Institution> Repository::institutions(soci::session& s, const std::string& q, const std::string& type,
                                                  const std::string& region) {
  Query query(kInstitutionColumns + std::string(" WHERE 1=1"));
  if (!q.empty()) query.sql(" AND name_folded LIKE :q ESCAPE '\\'").bind("q", store::contains_pattern(fold_for_search(q)));
  if (!type.empty()) query.sql(" AND type = :type").bind("type", type);
  if (!region.empty()) query.sql(" AND region_id = :region").bind("region", region);
  query.sql(" ORDER BY name LIMIT 500");
  std::vector<Institution> out;
  query.each(s, [&](const soci::row& r) { out.push_back(institution_from(r)); });
  return out;
}

std::optional<Institution> Repository::institution(soci::session& s, int64_t id) {
  std::optional<Institution> out;
  Query(kInstitutionColumns + std::string(" WHERE id = :id")).bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    out = institution_from(r);
  });
  return out;
}

int64_t Repository::insert_institution(soci::session& s, const Institution& i) {
  return *Query("INSERT INTO auth_institutions(name, name_folded, type, region_id, comuna_id, active, created_at) "
                "VALUES(:name, :folded, :type, :region, :comuna, :active, :now) RETURNING id")
              .bind("name", i.name)
              .bind("folded", fold_for_search(i.name))
              .bind("type", i.type)
              .bind_opt("region", opt(i.region_id))
              .bind_opt("comuna", opt(i.comuna_id))
              .bind("active", i.active ? 1LL : 0LL)
              .bind("now", static_cast<long long>(now_ms()))
              .scalar(s);
}

void Repository::update_institution(soci::session& s, const Institution& i) {
  Query("UPDATE auth_institutions SET name = :name, name_folded = :folded, region_id = :region, comuna_id = :comuna, "
        "active = :active WHERE id = :id")
      .bind("name", i.name)
      .bind("folded", fold_for_search(i.name))
      .bind_opt("region", opt(i.region_id))
      .bind_opt("comuna", opt(i.comuna_id))
      .bind("active", i.active ? 1LL : 0LL)
      .bind("id", static_cast<long long>(i.id))
      .exec(s);
}

User Repository::user_from(const soci::row& r) {
  User u;
  u.id = get_int(r, 0);
  u.email = get_str(r, 1);
  u.name = get_str(r, 2);
  if (auto run = get_str(r, 3); !run.empty()) u.run = keys_.decrypt(run).value_or("");
  u.institution_id = get_int(r, 4);
  u.institution_name = get_str(r, 5);
  u.institution_type = get_str(r, 6);
  u.region_id = get_str(r, 7);
  u.comuna_id = get_str(r, 8);
  u.active = get_bool(r, 9);
  u.password_hash = get_str(r, 10);
  u.totp_secret_enc = get_str(r, 11);
  u.totp_enabled = get_bool(r, 12);
  u.totp_last_counter = get_int(r, 13);
  u.failed_logins = static_cast<int>(get_int(r, 14));
  u.locked_until = get_int(r, 15);
  u.last_login_at = get_opt_int(r, 16);
  u.institution_active = get_bool(r, 17);
  return u;
}

void Repository::load_roles(soci::session& s, User& u) {
  u.roles.clear();
  Query("SELECT role FROM auth_user_roles WHERE user_id = :id ORDER BY role")
      .bind("id", static_cast<long long>(u.id))
      .each(s, [&](const soci::row& r) { u.roles.push_back(get_str(r, 0)); });
}

std::vector<User> Repository::users(soci::session& s, const UserFilter& f) {
  Query q(kUserColumns + std::string(" WHERE 1=1"));
  if (!f.query.empty())
    q.sql(" AND u.search_folded LIKE :q ESCAPE '\\'").bind("q", store::contains_pattern(fold_for_search(f.query)));
  if (f.institution_id) q.sql(" AND u.institution_id = :inst").bind("inst", static_cast<long long>(*f.institution_id));
  if (!f.role.empty())
    q.sql(" AND EXISTS (SELECT 1 FROM auth_user_roles r WHERE r.user_id = u.id AND r.role = :role)").bind("role", f.role);
  q.sql(" ORDER BY u.name LIMIT 500");
  std::vector<User> out;
  q.each(s, [&](const soci::row& r) { out.push_back(user_from(r)); });
  for (auto& u : out) load_roles(s, u);
  return out;
}

std::optional<User> Repository::user(soci::session& s, int64_t id) {
  std::optional<User> out;
  Query(kUserColumns + std::string(" WHERE u.id = :id")).bind("id", static_cast<long long>(id)).each(s, [&](const soci::row& r) {
    out = user_from(r);
  });
  if (out) load_roles(s, *out);
  return out;
}

std::optional<User> Repository::user_by_email(soci::session& s, const std::string& email) {
  std::optional<User> out;
  Query(kUserColumns + std::string(" WHERE u.email = :email")).bind("email", email).each(s, [&](const soci::row& r) {
    out = user_from(r);
  });
  if (out) load_roles(s, *out);
  return out;
}

bool Repository::run_taken(soci::session& s, const std::string& canonical_run, int64_t except_user) {
  return Query("SELECT COUNT(*) FROM auth_users WHERE run_bidx = :b AND id <> :id")
             .bind("b", keys_.blind_index(canonical_run))
             .bind("id", static_cast<long long>(except_user))
             .scalar(s)
             .value_or(0) > 0;
}

int64_t Repository::insert_user(soci::session& s, const User& u) {
  std::optional<std::string> run_enc, run_bidx;
  if (!u.run.empty()) {
    run_enc = keys_.encrypt(u.run);
    run_bidx = keys_.blind_index(u.run);
  }
  long long now = now_ms();
  int64_t id = *Query("INSERT INTO auth_users(email, name, search_folded, run_enc, run_bidx, institution_id, region_id, comuna_id, "
                      "password_hash, active, totp_secret_enc, totp_enabled, created_at) VALUES(:email, :name, :folded, :run_enc, "
                      ":run_bidx, :inst, :region, :comuna, :pw, :active, :totp, :totp_on, :now) RETURNING id")
                    .bind("email", u.email)
                    .bind("folded", fold_for_search(u.name + " " + u.email))
                    .bind("name", u.name)
                    .bind_opt("run_enc", run_enc)
                    .bind_opt("run_bidx", run_bidx)
                    .bind("inst", static_cast<long long>(u.institution_id))
                    .bind_opt("region", opt(u.region_id))
                    .bind_opt("comuna", opt(u.comuna_id))
                    .bind("pw", u.password_hash)
                    .bind("active", u.active ? 1LL : 0LL)
                    .bind_opt("totp", opt(u.totp_secret_enc))
                    .bind("totp_on", u.totp_enabled ? 1LL : 0LL)
                    .bind("now", now)
                    .scalar(s);
  for (const auto& role : u.roles)
    Query("INSERT INTO auth_user_roles(user_id, role) VALUES(:id, :role)").bind("id", static_cast<long long>(id)).bind("role", role).exec(s);
  return id;
}

void Repository::update_user(soci::session& s, const User& u) {
  std::optional<std::string> run_enc, run_bidx;
  if (!u.run.empty()) {
    run_enc = keys_.encrypt(u.run);
    run_bidx = keys_.blind_index(u.run);
  }
  Query("UPDATE auth_users SET name = :name, search_folded = :folded, run_enc = :run_enc, run_bidx = :run_bidx, "
        "region_id = :region, comuna_id = :comuna, active = :active WHERE id = :id")
      .bind("name", u.name)
      .bind("folded", fold_for_search(u.name + " " + u.email))
      .bind_opt("run_enc", run_enc)
      .bind_opt("run_bidx", run_bidx)
      .bind_opt("region", opt(u.region_id))
      .bind_opt("comuna", opt(u.comuna_id))
      .bind("active", u.active ? 1LL : 0LL)
      .bind("id", static_cast<long long>(u.id))
      .exec(s);
  Query("DELETE FROM auth_user_roles WHERE user_id = :id").bind("id", static_cast<long long>(u.id)).exec(s);
  for (const auto& role : u.roles)
    Query("INSERT INTO auth_user_roles(user_id, role) VALUES(:id, :role)").bind("id", static_cast<long long>(u.id)).bind("role", role).exec(s);
}

void Repository::set_password(soci::session& s, int64_t user_id, const std::string& hash) {
  Query("UPDATE auth_users SET password_hash = :h, failed_logins = 0, locked_until = 0 WHERE id = :id")
      .bind("h", hash)
      .bind("id", static_cast<long long>(user_id))
      .exec(s);
}

void Repository::record_failure(soci::session& s, int64_t user_id, int failed, int64_t locked_until) {
  Query("UPDATE auth_users SET failed_logins = :f, locked_until = :l WHERE id = :id")
      .bind("f", static_cast<long long>(failed))
      .bind("l", static_cast<long long>(locked_until))
      .bind("id", static_cast<long long>(user_id))
      .exec(s);
}

void Repository::record_login(soci::session& s, int64_t user_id, int64_t at) {
  Query("UPDATE auth_users SET failed_logins = 0, locked_until = 0, last_login_at = :at WHERE id = :id")
      .bind("at", static_cast<long long>(at))
      .bind("id", static_cast<long long>(user_id))
      .exec(s);
}

void Repository::set_totp(soci::session& s, int64_t user_id, const std::string& secret_enc, bool enabled, int64_t last_counter) {
  Query("UPDATE auth_users SET totp_secret_enc = :sec, totp_enabled = :on, totp_last_counter = :c WHERE id = :id")
      .bind_opt("sec", opt(secret_enc))
      .bind("on", enabled ? 1LL : 0LL)
      .bind("c", static_cast<long long>(last_counter))
      .bind("id", static_cast<long long>(user_id))
      .exec(s);
}

bool Repository::advance_totp_counter(soci::session& s, int64_t user_id, int64_t counter) {
  // Conditional update: of two requests racing with the same code, exactly one moves the counter.
  return Query("UPDATE auth_users SET totp_last_counter = :c WHERE id = :id AND totp_last_counter < :c2")
             .bind("c", static_cast<long long>(counter))
             .bind("c2", static_cast<long long>(counter))
             .bind("id", static_cast<long long>(user_id))
             .exec(s) == 1;
}

int64_t Repository::insert_session(soci::session& s, int64_t user_id, const std::string& token_hash, const std::string& csrf,
                                   const std::string& ip, const std::string& ua, int64_t now, int64_t expires_at) {
  return *Query("INSERT INTO auth_sessions(user_id, token_hash, csrf_token, client_ip, user_agent, created_at, last_seen_at, "
                "expires_at) VALUES(:u, :t, :c, :ip, :ua, :now, :now2, :exp) RETURNING id")
              .bind("u", static_cast<long long>(user_id))
              .bind("t", token_hash)
              .bind("c", csrf)
              .bind("ip", ip)
              .bind("ua", ua.substr(0, 300))
              .bind("now", static_cast<long long>(now))
              .bind("now2", static_cast<long long>(now))
              .bind("exp", static_cast<long long>(expires_at))
              .scalar(s);
}

std::optional<Session> Repository::session_by_token(soci::session& s, const std::string& token_hash) {
  std::optional<Session> out;
  Query(kSessionColumns + std::string(" WHERE token_hash = :t")).bind("t", token_hash).each(s, [&](const soci::row& r) {
    out = session_from(r);
  });
  return out;
}

std::vector<Session> Repository::sessions_of(soci::session& s, int64_t user_id) {
  std::vector<Session> out;
  Query(kSessionColumns + std::string(" WHERE user_id = :u AND revoked_at IS NULL ORDER BY last_seen_at DESC"))
      .bind("u", static_cast<long long>(user_id))
      .each(s, [&](const soci::row& r) { out.push_back(session_from(r)); });
  return out;
}

void Repository::touch_session(soci::session& s, int64_t id, int64_t now) {
  Query("UPDATE auth_sessions SET last_seen_at = :now WHERE id = :id")
      .bind("now", static_cast<long long>(now))
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

bool Repository::revoke_session(soci::session& s, int64_t id, int64_t user_id, int64_t now) {
  ++http::revocation_epoch();
  return Query("UPDATE auth_sessions SET revoked_at = :now WHERE id = :id AND user_id = :u AND revoked_at IS NULL")
      .bind("now", static_cast<long long>(now))
      .bind("id", static_cast<long long>(id))
      .bind("u", static_cast<long long>(user_id))
      .exec(s) > 0;
}

int Repository::revoke_sessions_of(soci::session& s, int64_t user_id, int64_t now) {
  ++http::revocation_epoch();
  return static_cast<int>(Query("UPDATE auth_sessions SET revoked_at = :now WHERE user_id = :u AND revoked_at IS NULL")
                              .bind("now", static_cast<long long>(now))
                              .bind("u", static_cast<long long>(user_id))
                              .exec(s));
}

int Repository::revoke_other_sessions_of(soci::session& s, int64_t user_id, int64_t keep_session_id, int64_t now) {
  ++http::revocation_epoch();
  return static_cast<int>(Query("UPDATE auth_sessions SET revoked_at = :now WHERE user_id = :u AND id <> :keep AND revoked_at IS NULL")
                              .bind("now", static_cast<long long>(now))
                              .bind("u", static_cast<long long>(user_id))
                              .bind("keep", static_cast<long long>(keep_session_id))
                              .exec(s));
}

bool Repository::has_signed_in_from(soci::session& s, int64_t user_id, const std::string& ip) {
  return Query("SELECT COUNT(*) FROM auth_sessions WHERE user_id = :u AND client_ip = :ip")
             .bind("u", static_cast<long long>(user_id))
             .bind("ip", ip)
             .scalar(s)
             .value_or(0) > 0;
}

int64_t Repository::insert_challenge(soci::session& s, int64_t user_id, const std::string& token_hash, const std::string& kind,
                                     const std::string& secret_enc, int64_t expires_at) {
  return *Query("INSERT INTO auth_challenges(user_id, token_hash, kind, secret_enc, expires_at) VALUES(:u, :t, :k, :s, :e) RETURNING id")
              .bind("u", static_cast<long long>(user_id))
              .bind("t", token_hash)
              .bind("k", kind)
              .bind_opt("s", opt(secret_enc))
              .bind("e", static_cast<long long>(expires_at))
              .scalar(s);
}

std::optional<Challenge> Repository::challenge_by_token(soci::session& s, const std::string& token_hash) {
  std::optional<Challenge> out;
  Query("SELECT id, user_id, kind, secret_enc, attempts, expires_at, used FROM auth_challenges WHERE token_hash = :t")
      .bind("t", token_hash)
      .each(s, [&](const soci::row& r) {
        out = Challenge{get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), static_cast<int>(get_int(r, 4)),
                        get_int(r, 5), get_bool(r, 6)};
      });
  return out;
}

void Repository::challenge_attempt(soci::session& s, int64_t id, bool used) {
  Query("UPDATE auth_challenges SET attempts = attempts + 1, used = :used WHERE id = :id")
      .bind("used", used ? 1LL : 0LL)
      .bind("id", static_cast<long long>(id))
      .exec(s);
}

void Repository::replace_recovery_codes(soci::session& s, int64_t user_id, const std::vector<std::string>& hashes) {
  Query("DELETE FROM auth_recovery_codes WHERE user_id = :u").bind("u", static_cast<long long>(user_id)).exec(s);
  for (const auto& h : hashes)
    Query("INSERT INTO auth_recovery_codes(user_id, code_hash) VALUES(:u, :h)").bind("u", static_cast<long long>(user_id)).bind("h", h).exec(s);
}

std::vector<RecoveryCode> Repository::unused_recovery_codes(soci::session& s, int64_t user_id) {
  std::vector<RecoveryCode> out;
  Query("SELECT id, code_hash FROM auth_recovery_codes WHERE user_id = :u AND used_at IS NULL ORDER BY id")
      .bind("u", static_cast<long long>(user_id))
      .each(s, [&](const soci::row& r) { out.push_back({get_int(r, 0), get_str(r, 1)}); });
  return out;
}

bool Repository::mark_recovery_code_used(soci::session& s, int64_t code_id, int64_t now) {
  return Query("UPDATE auth_recovery_codes SET used_at = :now WHERE id = :id AND used_at IS NULL")
             .bind("now", static_cast<long long>(now))
             .bind("id", static_cast<long long>(code_id))
             .exec(s) > 0;
}

int Repository::recovery_codes_left(soci::session& s, int64_t user_id) {
  return static_cast<int>(Query("SELECT COUNT(*) FROM auth_recovery_codes WHERE user_id = :u AND used_at IS NULL")
                              .bind("u", static_cast<long long>(user_id))
                              .scalar(s)
                              .value_or(0));
}

int64_t Repository::insert_token(soci::session& s, const ApiToken& t, const std::string& token_hash) {
  return *Query("INSERT INTO auth_api_tokens(name, user_id, token_hash, scopes, created_at, expires_at) "
                "VALUES(:n, :u, :h, :s, :c, :e) RETURNING id")
              .bind("n", t.name)
              .bind("u", static_cast<long long>(t.user_id))
              .bind("h", token_hash)
              .bind("s", t.scopes)
              .bind("c", static_cast<long long>(t.created_at))
              .bind("e", static_cast<long long>(t.expires_at))
              .scalar(s);
}

std::optional<ApiToken> Repository::token_by_hash(soci::session& s, const std::string& token_hash) {
  std::optional<ApiToken> out;
  Query("SELECT id, user_id, name, scopes, created_at, revoked_at, expires_at FROM auth_api_tokens WHERE token_hash = :h")
      .bind("h", token_hash)
      .each(s, [&](const soci::row& r) {
        out = ApiToken{get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), get_int(r, 4), !store::is_null(r, 5), get_int(r, 6)};
      });
  return out;
}

std::vector<ApiToken> Repository::tokens(soci::session& s) {
  std::vector<ApiToken> out;
  Query("SELECT id, user_id, name, scopes, created_at, revoked_at, expires_at FROM auth_api_tokens ORDER BY id").each(s, [&](const soci::row& r) {
    out.push_back(ApiToken{get_int(r, 0), get_int(r, 1), get_str(r, 2), get_str(r, 3), get_int(r, 4), !store::is_null(r, 5), get_int(r, 6)});
  });
  return out;
}

bool Repository::revoke_token(soci::session& s, int64_t id, int64_t now) {
  ++http::revocation_epoch();
  return Query("UPDATE auth_api_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
             .bind("now", static_cast<long long>(now))
             .bind("id", static_cast<long long>(id))
             .exec(s) > 0;
}

std::map<int64_t, std::string> Repository::names(soci::session& s, const char* table, const std::set<int64_t>& ids) {
  std::map<int64_t, std::string> out;
  if (ids.empty()) return out;
  // Ids are integers from our own rows, so they are written into the IN list directly.
  std::string list;
  for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  Query(std::string("SELECT id, name FROM ") + table + " WHERE id IN (" + list + ")").each(s, [&](const soci::row& r) {
    out[get_int(r, 0)] = get_str(r, 1);
  });
  return out;
}

int64_t Repository::count(soci::session& s, const std::string& what, std::optional<int64_t> institution_id, int64_t now) {
  Query q("");
  if (what == "locked") q.sql("SELECT COUNT(*) FROM auth_users WHERE locked_until > :now").bind("now", static_cast<long long>(now));
  else if (what == "active_users") q.sql("SELECT COUNT(*) FROM auth_users WHERE active = 1");
  else if (what == "disabled_users") q.sql("SELECT COUNT(*) FROM auth_users WHERE active = 0");
  else if (what == "institutions") q.sql("SELECT COUNT(*) FROM auth_institutions WHERE active = 1");
  else if (what == "open_sessions")
    q.sql("SELECT COUNT(*) FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id WHERE s.revoked_at IS NULL AND s.expires_at > :now")
        .bind("now", static_cast<long long>(now));
  else return 0;
  if (institution_id) {
    // The institution filter applies to the user-based counts.
    if (what == "open_sessions") q.sql(" AND u.institution_id = :inst");
    else q.sql(" AND institution_id = :inst");
    q.bind("inst", static_cast<long long>(*institution_id));
  }
  return q.scalar(s).value_or(0);
}

}  // namespace eq::auth
