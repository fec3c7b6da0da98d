// Sessions, the password step, the second factor and API tokens.
#include <algorithm>

#include "auth/service.h"
#include "core/time.h"

namespace eq::auth {

namespace {

const char* kCookie = "eq_session";
// Verifying against this keeps an unknown e-mail as slow as a wrong password.
const std::string& timing_equaliser_hash() {
  static const std::string h = crypto::hash_password("equidad-timing-equaliser");
  return h;
}

std::string user_agent_of(const http::Request& req) { return req.header("user-agent").substr(0, 300); }

Error invalid_credentials() {
  return {401, "invalid_credentials", "Correo o contraseña incorrectos.", {}};
}

Error locked(int64_t until, int64_t now, bool by_address = false) {
  int64_t minutes = std::max<int64_t>(1, (until - now + 59999) / 60000);
  std::string wait = std::to_string(minutes) + (minutes == 1 ? " minuto" : " minutos");
  // Many e-mails failing from one address: a limit on the address, not on any account.
  if (by_address)
    return {429, "rate_limited", "Demasiados intentos fallidos desde esta dirección. Espere " + wait + " antes de intentar nuevamente.", {}};
  return {429, "locked", "Demasiados intentos fallidos. Espere " + wait + " antes de intentar nuevamente.", {}};
}

bool digits_only(const std::string& s) { return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

}  // namespace

http::Principal Service::principal_of(const User& u) const {
  http::Principal p;
  p.user_id = u.id;
  p.institution_id = u.institution_id;
  p.name = u.name;
  p.email = u.email;
  p.institution_name = u.institution_name;
  p.institution_type = u.institution_type;
  p.roles = u.roles;
  p.permissions = permissions_of(u.roles);
  p.region_id = u.region_id;
  p.comuna_id = u.comuna_id;
  p.totp_enabled = u.totp_enabled;
  return p;
}

std::string Service::session_cookie(const std::string& token) const {
  return std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(policy_.absolute_timeout_ms / 1000) + (policy_.secure_cookies ? "; Secure" : "");
}

std::string Service::clear_cookie() const {
  return std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (policy_.secure_cookies ? "; Secure" : "");
}

Result<std::optional<http::Principal>> Service::authenticate(http::Request& req) {
  std::string bearer = req.header("authorization");
  // Basic credentials belong to devices (telematic monitoring), which authenticate on their own routes.
  if (bearer.rfind("Basic ", 0) == 0) bearer.clear();
  std::string token = req.cookie(kCookie);
  if (bearer.empty() && token.empty()) return std::optional<http::Principal>();
  int64_t now = now_ms();
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  soci::session& s = **lease;
  try {
    if (!bearer.empty()) {
      if (bearer.rfind("Bearer ", 0) != 0) return fail(Error::unauthenticated());
      auto t = repo_.token_by_hash(s, crypto::sha256_hex(bearer.substr(7)));
      if (!t || t->revoked) return fail({401, "invalid_token", "El token de acceso no es válido o fue revocado.", {}});
      // Every token ends: a token copied into a forgotten script or a leaked log stops working.
      if (t->expires_at <= now)
        return fail({401, "token_expired",
                     "El token de acceso venció el " + format_datetime_cl(t->expires_at) + ". Pida a la administración un token nuevo.", {}});
      auto u = repo_.user(s, t->user_id);
      if (!u || !u->may_sign_in()) return fail({401, "invalid_token", "El token de acceso no es válido o fue revocado.", {}});
      http::Principal p = principal_of(*u);
      // A token can do at most what its scopes name, and never more than its owner.
      std::set<std::string> scoped;
      std::string scopes = "," + t->scopes + ",";
      for (const auto& perm : p.permissions)
        if (scopes.find("," + perm + ",") != std::string::npos) scoped.insert(perm);
      p.permissions = std::move(scoped);
      p.token_id = t->id;
      return std::optional<http::Principal>(std::move(p));
    }
    auto sess = repo_.session_by_token(s, crypto::sha256_hex(token));
    auto expired = [&] { return fail(Error{401, "session_expired", "Su sesión expiró. Ingrese nuevamente.", {}}); };
    if (!sess || sess->revoked) return expired();
    if (now > sess->expires_at || now - sess->last_seen_at > policy_.idle_timeout_ms) return expired();
    if (sess->user_agent != user_agent_of(req)) {
      // The cookie turned up in another browser: treat it as stolen and end it for both.
      auto e = audit::Log::from(req, "auth.session_suspicious", "session:" + std::to_string(sess->id), "denied");
      e.actor_user_id = sess->user_id;
      e.detail = "cookie de sesión presentada por otro navegador";
      s << (db_.backend() == store::Backend::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
      try {
        repo_.revoke_session(s, sess->id, sess->user_id, now);
        audit_.append(s, e);
        s << "COMMIT";
      } catch (...) {
        s << "ROLLBACK";
        throw;
      }
      return fail(Error{401, "session_invalid", "Su sesión fue cerrada por seguridad. Ingrese nuevamente.", {}});
    }
    auto u = repo_.user(s, sess->user_id);
    if (!u || !u->may_sign_in()) return expired();
    // Write last-seen at most once a minute: reads should not all become writes.
    if (now - sess->last_seen_at > 60000) repo_.touch_session(s, sess->id, now);
    http::Principal p = principal_of(*u);
    p.session_id = sess->id;
    p.csrf_token = sess->csrf_token;
    return std::optional<http::Principal>(std::move(p));
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

int64_t Throttle::blocked_until(const std::string& key, int64_t now) {
  std::lock_guard lock(mu_);
  auto it = counts_.find(key);
  return it != counts_.end() && it->second.until > now ? it->second.until : 0;
}

int64_t Throttle::fail(const std::string& key, int free_failures, int64_t now) {
  std::lock_guard lock(mu_);
  if (counts_.size() > 200000) {
    // Bounded: forget what is neither blocking nor recent, and everything if that is not enough.
    for (auto it = counts_.begin(); it != counts_.end();)
      it = it->second.until <= now && now - it->second.last > 60000 ? counts_.erase(it) : std::next(it);
    if (counts_.size() > 200000) counts_.clear();
  }
  auto& c = counts_[key];
  if (c.last && now - c.last > policy_.failure_memory_ms) c = Count{};
  ++c.failures;
  c.last = now;
  if (c.failures > free_failures)
    c.until = now + std::min<int64_t>(policy_.max_lock_ms, 60000LL << std::min(c.failures - free_failures - 1, 10));
  return c.until > now ? c.until : 0;
}

void Throttle::clear(const std::string& key) {
  std::lock_guard lock(mu_);
  counts_.erase(key);
}

namespace {
std::string pair_key(const std::string& email, const std::string& ip) { return "p|" + email + "|" + ip; }
std::string address_key(const std::string& ip) { return "a|" + ip; }
std::string unknown_key(const std::string& email) { return "e|" + email; }
}  // namespace

int64_t Service::blocked_until(soci::session& s, const http::Request& req, const std::string& email, const User* u, int64_t now,
                               bool* by_address) {
  if (by_address) *by_address = false;
  // This (e-mail, address) pair: the guesser at this address, whoever else is failing elsewhere.
  int64_t until = throttle_.blocked_until(pair_key(email, req.client_ip), now);
  // An address that has signed this account in before is trusted past the wider limits, so a
  // person is never locked out from her usual place by failures at other addresses.
  if (u && repo_.has_signed_in_from(s, u->id, req.client_ip)) return until;
  // E-mails without an account count the same way, so the answers do not tell which exist.
  until = std::max(until, u ? (u->locked_until > now ? u->locked_until : 0) : throttle_.blocked_until(unknown_key(email), now));
  int64_t address = throttle_.blocked_until(address_key(req.client_ip), now);
  if (address > until) {
    if (by_address) *by_address = true;
    until = address;
  }
  return until;
}

void Service::count_failure(soci::session& s, const http::Request& req, const std::string& email, const User* u, int64_t now) {
  throttle_.fail(pair_key(email, req.client_ip), policy_.free_failures, now);
  throttle_.fail(address_key(req.client_ip), policy_.address_free_failures, now);
  if (u)
    register_failure(s, *u, now);
  else
    throttle_.fail(unknown_key(email), policy_.account_free_failures, now);
}

int64_t Service::register_failure(soci::session& s, const User& u, int64_t now) {
  int failed = u.failed_logins + 1;
  int64_t until = 0;
  // The account-wide lock (visible to administrators): only after many failures, from anywhere.
  if (failed > policy_.account_free_failures)
    until = now + std::min<int64_t>(policy_.max_lock_ms, 60000LL << std::min(failed - policy_.account_free_failures - 1, 10));
  repo_.record_failure(s, u.id, failed, until);
  return until;
}

Result<LoginStep> Service::finish_login(soci::session& s, const http::Request& req, const User& u, int64_t now) {
  LoginStep step;
  step.next = "done";
  step.session_token = crypto::random_token();
  std::string csrf = crypto::random_token(24);
  int64_t sid = repo_.insert_session(s, u.id, crypto::sha256_hex(step.session_token), csrf, req.client_ip, user_agent_of(req), now,
                                     now + policy_.absolute_timeout_ms);
  repo_.record_login(s, u.id, now);
  throttle_.clear(pair_key(u.email, req.client_ip));
  step.principal = principal_of(u);
  step.principal.session_id = sid;
  step.principal.csrf_token = csrf;
  auto e = audit::Log::from(req, "auth.login", "user:" + std::to_string(u.id));
  e.actor_user_id = u.id;
  e.actor_institution_id = u.institution_id;
  audit_.append(s, e);
  return step;
}

Result<LoginStep> Service::login(const http::Request& req, const std::string& email_in, const std::string& password) {
  int64_t now = now_ms();
  std::string email = email_in;
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  auto outcome = db_.transaction<LoginStep>([&](soci::session& s) -> Result<LoginStep> {
    auto u = repo_.user_by_email(s, email);
    bool by_address = false;
    if (int64_t until = blocked_until(s, req, email, u ? &*u : nullptr, now, &by_address); until > now) {
      // Refused before the password is looked at (and not counted): a throttled guesser learns nothing.
      crypto::verify_password(timing_equaliser_hash(), password);
      return fail(locked(until, now, by_address));
    }
    bool password_ok = u ? crypto::verify_password(u->password_hash, password)
                         : (crypto::verify_password(timing_equaliser_hash(), password), false);
    if (!u || !password_ok || !u->may_sign_in()) {
      count_failure(s, req, email, u ? &*u : nullptr, now);
      auto e = audit::Log::from(req, "auth.login", u ? "user:" + std::to_string(u->id) : "", "failed");
      e.detail = !u ? "credenciales inválidas" : !password_ok ? "contraseña incorrecta" : "cuenta o institución desactivada";
      audit_.append(s, e);
      // Committed (the failure counts), but the caller still gets an error.
      return LoginStep{"failed"};
    }
    if (u->totp_enabled || requires_totp(u->roles)) {
      LoginStep step;
      step.challenge = crypto::random_token();
      std::string secret_enc;
      if (u->totp_enabled) {
        step.next = "totp";
      } else {
        step.next = "enrol";
        std::string secret = crypto::random_bytes(20);
        step.secret = crypto::base32(secret);
        step.otpauth_uri = "otpauth://totp/Equidad:" + u->email + "?secret=" + step.secret + "&issuer=Equidad&digits=6&period=30";
        secret_enc = keys_.encrypt(secret);
      }
      repo_.insert_challenge(s, u->id, crypto::sha256_hex(step.challenge), step.next, secret_enc, now + policy_.challenge_ttl_ms);
      return step;
    }
    return finish_login(s, req, *u, now);
  });
  if (outcome && outcome->next == "failed") return fail(invalid_credentials());
  return outcome;
}

Result<LoginStep> Service::login_totp(const http::Request& req, const std::string& challenge, const std::string& code,
                                      const std::string& recovery_code) {
  int64_t now = now_ms();
  auto outcome = db_.transaction<LoginStep>([&](soci::session& s) -> Result<LoginStep> {
    auto c = repo_.challenge_by_token(s, crypto::sha256_hex(challenge));
    if (!c || c->used || c->kind != "totp" || c->expires_at < now || c->attempts >= 5)
      return fail(Error{401, "challenge_expired", "El ingreso expiró. Vuelva a ingresar su correo y contraseña.", {}});
    auto u = repo_.user(s, c->user_id);
    if (!u || !u->may_sign_in() || !u->totp_enabled) return fail(invalid_credentials());
    bool by_address = false;
    if (int64_t until = blocked_until(s, req, u->email, &*u, now, &by_address); until > now) return fail(locked(until, now, by_address));
    bool ok = false;
    std::string reason = "código incorrecto";
    if (!recovery_code.empty()) {
      ok = use_recovery_code(s, u->id, recovery_code, now);
      reason = ok ? "código de recuperación usado" : "código de recuperación inválido";
    } else {
      bool reused = false;
      ok = check_totp(s, *u, code, now, &reused);
      if (reused) reason = "código ya utilizado";
    }
    repo_.challenge_attempt(s, c->id, ok);
    if (!ok) {
      // Wrong codes count like wrong passwords (per address and, at a higher threshold, per
      // account): otherwise fresh challenges would allow guessing the six digits without end.
      count_failure(s, req, u->email, &*u, now);
      auto e = audit::Log::from(req, "auth.totp", "user:" + std::to_string(u->id), "failed");
      e.detail = reason;
      audit_.append(s, e);
      LoginStep failed;
      failed.next = reason == "código ya utilizado" ? "reused" : "failed";
      return failed;
    }
    return finish_login(s, req, *u, now);
  });
  if (outcome && outcome->next == "reused")
    return fail(Error::invalid("code", "Ese código ya fue utilizado. Espere el siguiente código de su aplicación.", "totp_reused"));
  if (outcome && outcome->next == "failed")
    return fail(Error::invalid(recovery_code.empty() ? "code" : "recovery_code", "El código no es válido. Revise su aplicación e intente nuevamente.", "invalid_code"));
  return outcome;
}

Result<LoginStep> Service::login_enrol(const http::Request& req, const std::string& challenge, const std::string& code) {
  int64_t now = now_ms();
  auto outcome = db_.transaction<LoginStep>([&](soci::session& s) -> Result<LoginStep> {
    auto c = repo_.challenge_by_token(s, crypto::sha256_hex(challenge));
    if (!c || c->used || c->kind != "enrol" || c->expires_at < now || c->attempts >= 5)
      return fail(Error{401, "challenge_expired", "El ingreso expiró. Vuelva a ingresar su correo y contraseña.", {}});
    auto u = repo_.user(s, c->user_id);
    if (!u || !u->may_sign_in()) return fail(invalid_credentials());
    auto secret = keys_.decrypt(c->secret_enc);
    int64_t counter = crypto::totp_counter(now);
    std::optional<int64_t> matched;
    if (secret && code.size() == 6 && digits_only(code))
      for (int64_t d : {0, -1, 1})
        if (crypto::equal_constant_time(crypto::totp_code(*secret, counter + d), code)) matched = counter + d;
    repo_.challenge_attempt(s, c->id, matched.has_value());
    if (!matched) {
      auto e = audit::Log::from(req, "auth.totp_enrol", "user:" + std::to_string(u->id), "failed");
      audit_.append(s, e);
      return LoginStep{"failed"};
    }
    repo_.set_totp(s, u->id, c->secret_enc, true, *matched);
    std::vector<std::string> codes = new_recovery_codes(s, u->id);
    auto e = audit::Log::from(req, "auth.totp_enrol", "user:" + std::to_string(u->id));
    e.actor_user_id = u->id;
    e.actor_institution_id = u->institution_id;
    audit_.append(s, e);
    u->totp_enabled = true;
    auto step = finish_login(s, req, *u, now);
    if (step) step->recovery_codes = codes;
    return step;
  });
  if (outcome && outcome->next == "failed")
    return fail(Error::invalid("code", "El código no coincide. Revise que la hora de su teléfono sea correcta e intente nuevamente.", "invalid_code"));
  return outcome;
}

Result<void> Service::logout(const http::Request& req, bool everywhere) {
  const auto& p = req.who();
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    int64_t now = now_ms();
    if (everywhere) {
      int n = repo_.revoke_sessions_of(s, p.user_id, now);
      auto e = audit::Log::from(req, "auth.logout_all", "user:" + std::to_string(p.user_id));
      e.detail = std::to_string(n) + " sesiones cerradas";
      audit_.append(s, e);
    } else {
      repo_.revoke_session(s, p.session_id, p.user_id, now);
      audit_.append(s, audit::Log::from(req, "auth.logout", "session:" + std::to_string(p.session_id)));
    }
    return {};
  });
}

Result<std::vector<Session>> Service::my_sessions(const http::Request& req) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    int64_t now = now_ms();
    auto all = repo_.sessions_of(**lease, req.who().user_id);
    std::vector<Session> live;
    for (auto& s : all)
      if (s.expires_at > now && now - s.last_seen_at <= policy_.idle_timeout_ms) live.push_back(std::move(s));
    return live;
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<void> Service::revoke_my_session(const http::Request& req, int64_t session_id) {
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    // Scoped to the caller's own sessions: another user's session id is simply "not found".
    if (!repo_.revoke_session(s, session_id, req.who().user_id, now_ms())) return fail(Error::not_found("La sesión no existe o ya fue cerrada."));
    audit_.append(s, audit::Log::from(req, "auth.session_revoke", "session:" + std::to_string(session_id)));
    return {};
  });
}

}  // namespace eq::auth
