// Self-service: a person changes her own password and makes new recovery codes. Recovery codes
// themselves (made at enrolment and here, spent at the second step) live here too.

#include <algorithm>

#include "auth/permissions.h"
#include "auth/service.h"
#include "core/text.h"
#include "core/time.h"

namespace eq::auth {

namespace {

constexpr size_t kRecoveryCodeBytes = 10;  // 80 bits: no guessing within any number of attempts
constexpr size_t kSaltBytes = 16;

std::string normalise_recovery_code(const std::string& typed) {
  std::string out;
  for (char ch : typed)
    if (std::isalnum(static_cast<unsigned char>(ch))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

std::string keyed_hash(const std::string& salt, const std::string& code) {
  return crypto::hmac_sha256_hex(salt, code);
}

// "v2$<salt hex>$<HMAC-SHA256 keyed by the salt, hex>": a per-code salt, so equal codes never
// share a hash and no table of precomputed hashes helps.
std::string hash_recovery_code(const std::string& normalised) {
  std::string salt = crypto::random_bytes(kSaltBytes);
  return "v2$" + crypto::hex(salt) + "$" + keyed_hash(salt, normalised);
}

std::optional<std::string> unhex(const std::string& h) {
  if (h.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) {
    auto v = [](char c) -> int { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; };
    int a = v(h[i]), b = v(h[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out.push_back(static_cast<char>(a * 16 + b));
  }
  return out;
}

bool recovery_code_matches(const std::string& stored, const std::string& normalised) {
  if (stored.rfind("v2$", 0) != 0) return false;
  auto dollar = stored.find('$', 3);
  if (dollar == std::string::npos) return false;
  auto salt = unhex(stored.substr(3, dollar - 3));
  if (!salt) return false;
  return crypto::equal_constant_time(keyed_hash(*salt, normalised), stored.substr(dollar + 1));
}

bool digits_only(const std::string& s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

Result<void> check_new_password(const std::string& password, const std::string& email, const std::string& name) {
  auto field = [](Result<void> r) -> Result<void> {
    if (r) return r;
    Error e = r.error();
    e.field = "new_password";
    return fail(e);
  };
  if (auto ok = field(check_password_strength(password)); !ok) return ok;
  bool letter = false, digit = false, other = false;
  for (unsigned char c : password) {
    if (std::isalpha(c) || c >= 0x80) letter = true;
    else if (std::isdigit(c)) digit = true;
    else other = true;
  }
  if (int(letter) + int(digit) + int(other) < 2)
    return fail(Error::invalid("new_password", "La contraseña debe combinar letras con números o símbolos.", "weak_password"));
  std::string pw = lower(password);
  std::string local = lower(email.substr(0, email.find('@')));
  if (local.size() >= 4 && pw.find(local) != std::string::npos)
    return fail(Error::invalid("new_password", "La contraseña no puede contener su correo.", "weak_password"));
  std::string names = lower(name) + " ";
  for (size_t start = 0, sp; (sp = names.find(' ', start)) != std::string::npos; start = sp + 1) {
    std::string part = names.substr(start, sp - start);
    if (part.size() >= 4 && pw.find(part) != std::string::npos)
      return fail(Error::invalid("new_password", "La contraseña no puede contener su nombre.", "weak_password"));
  }
  for (const char* common : {"contraseña", "contrasena", "password", "equidad", "1234567890", "0987654321", "qwertyuiop", "abcdefghij"})
    if (pw.find(common) != std::string::npos)
      return fail(Error::invalid("new_password", "La contraseña es demasiado fácil de adivinar (contiene «" + std::string(common) + "»).",
                                 "weak_password"));
  return {};
}

std::vector<std::string> Service::new_recovery_codes(soci::session& s, int64_t user_id) {
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < 10; ++i) {
    std::string raw = crypto::hex(crypto::random_bytes(kRecoveryCodeBytes));  // 20 hex digits
    codes.push_back(raw.substr(0, 5) + "-" + raw.substr(5, 5) + "-" + raw.substr(10, 5) + "-" + raw.substr(15));
    hashes.push_back(hash_recovery_code(raw));
  }
  repo_.replace_recovery_codes(s, user_id, hashes);
  return codes;
}

bool Service::use_recovery_code(soci::session& s, int64_t user_id, const std::string& typed, int64_t now) {
  std::string normalised = normalise_recovery_code(typed);
  if (normalised.size() != kRecoveryCodeBytes * 2) return false;
  for (const auto& c : repo_.unused_recovery_codes(s, user_id))
    if (recovery_code_matches(c.code_hash, normalised)) return repo_.mark_recovery_code_used(s, c.id, now);
  return false;
}

bool Service::check_totp(soci::session& s, const User& u, const std::string& code, int64_t now, bool* reused) {
  if (reused) *reused = false;
  if (code.size() != 6 || !digits_only(code) || !u.totp_enabled) return false;
  auto secret = keys_.decrypt(u.totp_secret_enc);
  if (!secret) return false;
  int64_t counter = crypto::totp_counter(now);
  for (int64_t d : {0, -1, 1}) {
    if (crypto::equal_constant_time(crypto::totp_code(*secret, counter + d), code)) {
      // Each code works once: a code seen on a shoulder or in a proxy log is already spent.
      bool ok = repo_.advance_totp_counter(s, u.id, counter + d);
      if (!ok && reused) *reused = true;
      return ok;
    }
  }
  return false;
}

Result<void> Service::change_own_password(const http::Request& req, const std::string& current, const std::string& next) {
  const auto& p = req.who();
  if (auto ok = may_change_own_credentials(p); !ok) return ok;
  if (current.empty()) return fail(Error::invalid("current_password", "Ingrese su contraseña actual.", "required"));
  if (auto ok = check_new_password(next, p.email, p.name); !ok) return ok;
  if (next == current)
    return fail(Error::invalid("new_password", "La contraseña nueva debe ser distinta de la actual.", "same_password"));
  std::string hash = crypto::hash_password(next);
  int64_t now = now_ms();
  // 0: changed; 1: wrong current password (the failure is committed, the caller gets an error).
  auto outcome = db_.transaction<int>([&](soci::session& s) -> Result<int> {
    auto u = repo_.user(s, p.user_id);
    if (!u || !u->may_sign_in()) return fail(Error::unauthenticated());
    // Guessing the password through a stolen session is throttled like guessing it at the login.
    if (int64_t until = blocked_until(s, req, u->email, &*u, now); until > now)
      return fail(Error{429, "locked", "Demasiados intentos fallidos. Espere unos minutos antes de intentar nuevamente.", "current_password"});
    if (!crypto::verify_password(u->password_hash, current)) {
      count_failure(s, req, u->email, &*u, now);
      auto e = audit::Log::from(req, "user.password_change", "user:" + std::to_string(u->id), "failed");
      e.detail = "contraseña actual incorrecta";
      audit_.append(s, e);
      return 1;
    }
    repo_.set_password(s, u->id, hash);
    // Whoever else holds a session of this account (a stolen cookie, a forgotten computer) is out.
    int n = repo_.revoke_other_sessions_of(s, u->id, p.session_id, now);
    auto e = audit::Log::from(req, "user.password_change", "user:" + std::to_string(u->id));
    e.detail = std::to_string(n) + " otras sesiones cerradas";
    audit_.append(s, e);
    return 0;
  });
  if (!outcome) return fail(outcome.error());
  if (*outcome == 1) return fail(Error::invalid("current_password", "La contraseña actual no es correcta.", "invalid_password"));
  return {};
}

Result<std::vector<std::string>> Service::regenerate_recovery_codes(const http::Request& req, const std::string& password,
                                                                    const std::string& code) {
  const auto& p = req.who();
  if (auto ok = may_change_own_credentials(p); !ok) return fail(ok.error());
  if (password.empty()) return fail(Error::invalid("password", "Ingrese su contraseña.", "required"));
  if (code.empty()) return fail(Error::invalid("code", "Ingrese el código de seis dígitos de su aplicación.", "required"));
  int64_t now = now_ms();
  std::vector<std::string> codes;
  // 0: done; 1: wrong password; 2: wrong code; 3: code already used.
  auto outcome = db_.transaction<int>([&](soci::session& s) -> Result<int> {
    auto u = repo_.user(s, p.user_id);
    if (!u || !u->may_sign_in()) return fail(Error::unauthenticated());
    if (!u->totp_enabled)
      return fail(Error::conflict("totp_not_enabled", "Su cuenta no usa verificación en dos pasos: no tiene códigos de recuperación.", {}));
    if (int64_t until = blocked_until(s, req, u->email, &*u, now); until > now)
      return fail(Error{429, "locked", "Demasiados intentos fallidos. Espere unos minutos antes de intentar nuevamente.", "password"});
    int result = 0;
    bool reused = false;
    if (!crypto::verify_password(u->password_hash, password)) result = 1;
    else if (!check_totp(s, *u, code, now, &reused)) result = reused ? 3 : 2;
    if (result) {
      count_failure(s, req, u->email, &*u, now);
      auto e = audit::Log::from(req, "auth.recovery_codes", "user:" + std::to_string(u->id), "failed");
      e.detail = result == 1 ? "contraseña incorrecta" : "código incorrecto";
      audit_.append(s, e);
      return result;
    }
    codes = new_recovery_codes(s, u->id);
    auto e = audit::Log::from(req, "auth.recovery_codes", "user:" + std::to_string(u->id));
    e.detail = "códigos de recuperación nuevos; los anteriores dejaron de servir";
    audit_.append(s, e);
    return 0;
  });
  if (!outcome) return fail(outcome.error());
  if (*outcome == 1) return fail(Error::invalid("password", "La contraseña no es correcta.", "invalid_password"));
  if (*outcome == 3)
    return fail(Error::invalid("code", "Ese código ya fue utilizado. Espere el siguiente código de su aplicación.", "totp_reused"));
  if (*outcome == 2) return fail(Error::invalid("code", "El código no es válido. Revise su aplicación e intente nuevamente.", "invalid_code"));
  return codes;
}

Result<int> Service::recovery_codes_left(const http::Request& req) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.recovery_codes_left(**lease, req.who().user_id);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::auth
