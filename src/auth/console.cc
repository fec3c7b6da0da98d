// Account operations for the command line and the demo data: the operator at the console is the
// actor, recorded in the audit log as "consola".
#include "auth/service.h"
#include "core/rut.h"
#include "core/time.h"

namespace eq::auth {

namespace {
audit::Entry console_entry(std::string action, std::string object) {
  audit::Entry e;
  e.action = std::move(action);
  e.object = std::move(object);
  e.client_ip = "consola";
  e.outcome = "ok";
  return e;
}
}  // namespace

Result<int64_t> Service::ensure_institution(const Institution& i) {
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    for (const auto& existing : repo_.institutions(s, "", "", ""))
      if (existing.name == i.name) return existing.id;
    if (!find_institution_type(i.type)) return fail(Error::invalid("type", "El tipo de institución no es válido.", "unknown_type"));
    int64_t id = repo_.insert_institution(s, i);
    audit_.append(s, console_entry("institution.create", "institution:" + std::to_string(id)));
    return id;
  });
}

Result<std::optional<User>> Service::find_user(const std::string& email) {
  auto norm = normalise_email(email);
  if (!norm) return fail(norm.error());
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.user_by_email(**lease, *norm);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<int64_t> Service::add_user_console(const NewUser& in, bool totp_enabled, const std::string& totp_secret_b32) {
  auto email = normalise_email(in.email);
  if (!email) return fail(email.error());
  std::string run;
  if (!in.run.empty()) {
    auto parsed = parse_rut(in.run, "run");
    if (!parsed) return fail(parsed.error());
    run = rut_canonical(*parsed);
  }
  if (auto ok = validate_new_user(in); !ok) return fail(ok.error());
  std::string secret_enc;
  if (totp_enabled) {
    auto secret = crypto::from_base32(totp_secret_b32);
    if (!secret || secret->size() < 10) return fail(Error::invalid("totp_secret", "El secreto TOTP no es base32 válido.", "invalid"));
    secret_enc = keys_.encrypt(*secret);
  }
  std::string hash = crypto::hash_password(in.password);
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    if (!repo_.institution(s, in.institution_id))
      return fail(Error::invalid("institution", "La institución " + std::to_string(in.institution_id) + " no existe.", "unknown_institution"));
    if (repo_.user_by_email(s, *email)) return fail(Error::conflict("email_taken", "Ya existe una cuenta con ese correo.", "email"));
    if (!run.empty() && repo_.run_taken(s, run, 0)) return fail(Error::conflict("run_taken", "Ya existe una cuenta con ese RUN.", "run"));
    User u;
    u.email = *email;
    u.name = in.name;
    u.run = run;
    u.institution_id = in.institution_id;
    u.roles = in.roles;
    u.region_id = in.region_id;
    u.comuna_id = in.comuna_id;
    u.password_hash = hash;
    u.totp_secret_enc = secret_enc;
    u.totp_enabled = totp_enabled;
    int64_t id = repo_.insert_user(s, u);
    audit_.append(s, console_entry("user.create", "user:" + std::to_string(id)));
    return id;
  });
}

Result<void> Service::set_password_console(const std::string& email, const std::string& password) {
  if (auto ok = check_password_strength(password); !ok) return ok;
  auto u = find_user(email);
  if (!u) return fail(u.error());
  if (!*u) return fail(Error::not_found("No existe una cuenta con ese correo."));
  std::string hash = crypto::hash_password(password);
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    repo_.set_password(s, (*u)->id, hash);
    repo_.revoke_sessions_of(s, (*u)->id, now_ms());
    audit_.append(s, console_entry("user.password", "user:" + std::to_string((*u)->id)));
    return {};
  });
}

Result<void> Service::set_active_console(const std::string& email, bool active) {
  auto u = find_user(email);
  if (!u) return fail(u.error());
  if (!*u) return fail(Error::not_found("No existe una cuenta con ese correo."));
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    User changed = **u;
    changed.active = active;
    repo_.update_user(s, changed);
    if (!active) repo_.revoke_sessions_of(s, changed.id, now_ms());
    audit_.append(s, console_entry(active ? "user.enable" : "user.disable", "user:" + std::to_string(changed.id)));
    return {};
  });
}

Result<void> Service::set_totp_console(const std::string& email, const std::string& totp_secret_b32) {
  auto u = find_user(email);
  if (!u) return fail(u.error());
  if (!*u) return fail(Error::not_found("No existe una cuenta con ese correo."));
  auto secret = crypto::from_base32(totp_secret_b32);
  if (!secret || secret->size() < 10) return fail(Error::invalid("totp_secret", "El secreto TOTP no es base32 válido.", "invalid"));
  std::string secret_enc = keys_.encrypt(*secret);
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    repo_.set_totp(s, (*u)->id, secret_enc, true, 0);
    audit_.append(s, console_entry("user.totp_set", "user:" + std::to_string((*u)->id)));
    return {};
  });
}

Result<std::pair<int64_t, std::string>> Service::add_token_console(const std::string& name, const std::string& email,
                                                                   const std::vector<std::string>& scopes, int expires_days) {
  if (expires_days < 1 || expires_days > 730)
    return fail(Error::invalid("expires_days", "La vigencia del token debe ser de 1 a 730 días.", "out_of_range"));
  auto u = find_user(email);
  if (!u) return fail(u.error());
  if (!*u) return fail(Error::not_found("No existe una cuenta con ese correo."));
  auto granted = permissions_of((*u)->roles);
  std::string joined;
  for (const auto& sc : scopes) {
    if (!granted.count(sc))
      return fail(Error::invalid("scopes", "La cuenta no tiene el permiso «" + sc + "»; un token no puede tener más que su dueña.", "scope"));
    joined += (joined.empty() ? "" : ",") + sc;
  }
  if (joined.empty()) return fail(Error::invalid("scopes", "Indique al menos un permiso para el token.", "required"));
  std::string token = "eqt_" + crypto::random_token();
  return db_.transaction<std::pair<int64_t, std::string>>([&](soci::session& s) -> Result<std::pair<int64_t, std::string>> {
    ApiToken t;
    t.name = name;
    t.user_id = (*u)->id;
    t.scopes = joined;
    t.created_at = now_ms();
    t.expires_at = t.created_at + static_cast<int64_t>(expires_days) * 24 * 60 * 60 * 1000;
    int64_t id = repo_.insert_token(s, t, crypto::sha256_hex(token));
    auto e = console_entry("token.create", "token:" + std::to_string(id));
    e.detail = "vence el " + format_datetime_cl(t.expires_at);
    audit_.append(s, e);
    return std::make_pair(id, token);
  });
}

Result<void> Service::revoke_token_console(int64_t id) {
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (!repo_.revoke_token(s, id, now_ms())) return fail(Error::not_found("El token no existe o ya fue revocado."));
    audit_.append(s, console_entry("token.revoke", "token:" + std::to_string(id)));
    return {};
  });
}

Result<std::pair<std::map<int64_t, std::string>, std::map<int64_t, std::string>>> Service::display_names(
    const std::set<int64_t>& users, const std::set<int64_t>& institutions) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return std::make_pair(repo_.names(**lease, "auth_users", users), repo_.names(**lease, "auth_institutions", institutions));
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<std::vector<ApiToken>> Service::tokens_console() {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.tokens(**lease);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::auth
