// Accounts and institutions: validation, object rules, and an audit entry with every change.
#include <algorithm>

#include "auth/permissions.h"
#include "auth/service.h"
#include "core/rut.h"
#include "core/text.h"
#include "core/time.h"

namespace eq::auth {

Result<std::string> normalise_email(const std::string& in) {
  std::string email = trim(in);
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  auto at = email.find('@');
  bool ok = !email.empty() && email.size() <= 200 && at != std::string::npos && at > 0 && email.find('@', at + 1) == std::string::npos &&
            email.find('.', at) != std::string::npos && email.back() != '.' &&
            std::none_of(email.begin(), email.end(), [](unsigned char c) { return c <= ' ' || c == '<' || c == '>' || c == '"'; });
  if (!ok) return fail(Error::invalid("email", "El correo electrónico no es válido.", "invalid_email"));
  return email;
}

Result<void> check_password_strength(const std::string& password) {
  if (password.size() < 10)
    return fail(Error::invalid("password", "La contraseña debe tener al menos 10 caracteres.", "weak_password"));
  if (password.size() > 128) return fail(Error::invalid("password", "La contraseña admite como máximo 128 caracteres.", "too_long"));
  return {};
}

Result<void> Service::validate_scope(const std::string& region_id, const std::string& comuna_id) {
  if (!region_id.empty()) {
    auto r = territory_->region(region_id);
    if (!r) return fail(r.error());
    if (!*r) return fail(Error::invalid("region_id", "La región " + region_id + " no existe.", "unknown_region"));
  }
  if (!comuna_id.empty()) {
    auto c = territory_->comuna(comuna_id);
    if (!c) return fail(c.error());
    if (!*c) return fail(Error::invalid("comuna_id", "La comuna " + comuna_id + " no existe.", "unknown_comuna"));
    if (!region_id.empty() && (*c)->region_id != region_id)
      return fail(Error::invalid("comuna_id", "La comuna no pertenece a la región indicada.", "comuna_outside_region"));
  }
  return {};
}

Result<void> Service::validate_new_user(const NewUser& u) {
  if (trim(u.name).empty()) return fail(Error::invalid("name", "Ingrese el nombre.", "required"));
  if (u.roles.empty()) return fail(Error::invalid("roles", "Asigne al menos un rol.", "required"));
  for (const auto& r : u.roles)
    if (!find_role(r)) return fail(Error::invalid("roles", "El rol «" + r + "» no existe.", "unknown_role"));
  if (auto ok = check_password_strength(u.password); !ok) return ok;
  return validate_scope(u.region_id, u.comuna_id);
}

namespace {

Result<std::string> canonical_run(const std::string& run) {
  if (trim(run).empty()) return std::string();
  auto parsed = parse_rut(run, "run");
  if (!parsed) return fail(parsed.error());
  return rut_canonical(*parsed);
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

Result<std::vector<User>> Service::list_users(const http::Request& req, UserFilter filter) {
  const auto& p = req.who();
  if (!p.can("users.manage_all")) {
    if (filter.institution_id && *filter.institution_id != p.institution_id) return fail(Error::forbidden());
    filter.institution_id = p.institution_id;
  }
  std::vector<User> users;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      users = repo_.users(**lease, filter);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  // Account lists carry names and RUNs: reading them is recorded like any other personal data.
  auto e = audit::Log::from(req, "user.list", filter.institution_id ? "institution:" + std::to_string(*filter.institution_id) : "");
  e.detail = std::to_string(users.size()) + " cuentas";
  if (auto ok = audit_.append(e); !ok) return fail(ok.error());
  return users;
}

Result<User> Service::get_user(const http::Request& req, int64_t id) {
  return db_.transaction<User>([&](soci::session& s) -> Result<User> {
    auto u = repo_.user(s, id);
    // Another institution's account is "not found", not "forbidden": its existence is not ours to learn.
    if (!u || !may_manage_users_of(req.who(), u->institution_id)) return fail(Error::not_found("La cuenta no existe."));
    // An account carries a name and a RUN: reading it is recorded like any other personal data.
    audit_.append(s, audit::Log::from(req, "user.read", "user:" + std::to_string(id)));
    return *u;
  });
}

Result<User> Service::create_user(const http::Request& req, const NewUser& in) {
  const auto& p = req.who();
  auto email = normalise_email(in.email);
  if (!email) return fail(email.error());
  auto run = canonical_run(in.run);
  if (!run) return fail(run.error());
  if (auto ok = validate_new_user(in); !ok) return fail(ok.error());
  if (!may_manage_users_of(p, in.institution_id))
    return fail(Error{403, "forbidden", "Solo puede crear cuentas de su propia institución.", "institution_id"});
  std::string hash = crypto::hash_password(in.password);
  return db_.transaction<User>([&](soci::session& s) -> Result<User> {
    auto inst = repo_.institution(s, in.institution_id);
    if (!inst || !inst->active) return fail(Error::invalid("institution_id", "La institución no existe o está inactiva.", "unknown_institution"));
    if (auto ok = may_grant(p, in.roles, Place{inst->id, inst->type}); !ok) return fail(ok.error());
    if (repo_.user_by_email(s, *email)) return fail(Error::conflict("email_taken", "Ya existe una cuenta con ese correo.", "email"));
    if (!run->empty() && repo_.run_taken(s, *run, 0)) return fail(Error::conflict("run_taken", "Ya existe una cuenta con ese RUN.", "run"));
    User u;
    u.email = *email;
    u.name = trim(in.name);
    u.run = *run;
    u.institution_id = in.institution_id;
    u.roles = in.roles;
    u.region_id = in.region_id;
    u.comuna_id = in.comuna_id;
    u.password_hash = hash;
    u.id = repo_.insert_user(s, u);
    auto e = audit::Log::from(req, "user.create", "user:" + std::to_string(u.id));
    e.detail = "roles: " + join(u.roles);
    audit_.append(s, e);
    return *repo_.user(s, u.id);
  });
}

Result<User> Service::update_user(const http::Request& req, int64_t id, const UserChanges& c) {
  const auto& p = req.who();
  std::optional<std::string> run;
  if (c.run) {
    auto r = canonical_run(*c.run);
    if (!r) return fail(r.error());
    run = *r;
  }
  if (c.name && trim(*c.name).empty()) return fail(Error::invalid("name", "Ingrese el nombre.", "required"));
  if (c.roles && c.roles->empty()) return fail(Error::invalid("roles", "Asigne al menos un rol.", "required"));
  if (is_self(p, id) && (c.roles || c.active))
    return fail(Error{403, "forbidden", "No puede cambiar sus propios roles ni desactivar su propia cuenta.", c.roles ? "roles" : "active"});
  return db_.transaction<User>([&](soci::session& s) -> Result<User> {
    auto u = repo_.user(s, id);
    if (!u) return fail(Error::not_found("La cuenta no existe."));
    // Any change (name, RUN, scope, active, roles) needs the right to grant every role the account
    // holds: an institution's administrator cannot rename, re-RUN or deactivate an operator.
    if (auto ok = may_change_account(p, *u); !ok) return fail(ok.error());
    if (c.roles)
      if (auto ok = may_grant(p, *c.roles, Place{u->institution_id, u->institution_type}); !ok) return fail(ok.error());
    std::vector<std::string> changed;
    if (c.name) { u->name = trim(*c.name); changed.push_back("nombre"); }
    if (run) {
      if (!run->empty() && repo_.run_taken(s, *run, id)) return fail(Error::conflict("run_taken", "Ya existe una cuenta con ese RUN.", "run"));
      u->run = *run;
      changed.push_back("RUN");
    }
    if (c.region_id) { u->region_id = *c.region_id; changed.push_back("región"); }
    if (c.comuna_id) { u->comuna_id = *c.comuna_id; changed.push_back("comuna"); }
    if (auto ok = validate_scope(u->region_id, u->comuna_id); !ok) return fail(ok.error());
    if (c.active) { u->active = *c.active; changed.push_back(*c.active ? "activada" : "desactivada"); }
    if (c.roles) { u->roles = *c.roles; changed.push_back("roles: " + join(*c.roles)); }
    repo_.update_user(s, *u);
    if (c.active && !*c.active) repo_.revoke_sessions_of(s, id, now_ms());
    auto e = audit::Log::from(req, "user.update", "user:" + std::to_string(id));
    e.detail = join(changed);
    audit_.append(s, e);
    return *repo_.user(s, id);
  });
}

Result<User> Service::reset_totp(const http::Request& req, int64_t id) {
  const auto& p = req.who();
  return db_.transaction<User>([&](soci::session& s) -> Result<User> {
    auto u = repo_.user(s, id);
    if (!u) return fail(Error::not_found("La cuenta no existe."));
    if (auto ok = may_change_account(p, *u); !ok) return fail(ok.error());
    repo_.set_totp(s, id, "", false, 0);
    repo_.replace_recovery_codes(s, id, {});
    repo_.revoke_sessions_of(s, id, now_ms());
    audit_.append(s, audit::Log::from(req, "user.totp_reset", "user:" + std::to_string(id)));
    return *repo_.user(s, id);
  });
}

Result<std::vector<Institution>> Service::list_institutions(const std::string& q, const std::string& type, const std::string& region) {
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.institutions(**lease, trim(q), type, region);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

Result<Institution> Service::create_institution(const http::Request& req, Institution i) {
  if (auto ok = may_manage_institutions(req.who()); !ok) return fail(ok.error());
  i.name = trim(i.name);
  if (i.name.empty()) return fail(Error::invalid("name", "Ingrese el nombre de la institución.", "required"));
  if (!find_institution_type(i.type)) return fail(Error::invalid("type", "El tipo de institución no es válido.", "unknown_type"));
  if (auto ok = validate_scope(i.region_id, i.comuna_id); !ok) return fail(ok.error());
  return db_.transaction<Institution>([&](soci::session& s) -> Result<Institution> {
    i.active = true;
    i.id = repo_.insert_institution(s, i);
    audit_.append(s, audit::Log::from(req, "institution.create", "institution:" + std::to_string(i.id)));
    return i;
  });
}

Result<Institution> Service::update_institution(const http::Request& req, int64_t id, const InstitutionChanges& c) {
  if (auto ok = may_manage_institutions(req.who()); !ok) return fail(ok.error());
  return db_.transaction<Institution>([&](soci::session& s) -> Result<Institution> {
    auto i = repo_.institution(s, id);
    if (!i) return fail(Error::not_found("La institución no existe."));
    if (c.name) {
      if (trim(*c.name).empty()) return fail(Error::invalid("name", "Ingrese el nombre de la institución.", "required"));
      i->name = trim(*c.name);
    }
    if (c.region_id) i->region_id = *c.region_id;
    if (c.comuna_id) i->comuna_id = *c.comuna_id;
    if (c.active) i->active = *c.active;
    if (auto ok = validate_scope(i->region_id, i->comuna_id); !ok) return fail(ok.error());
    repo_.update_institution(s, *i);
    audit_.append(s, audit::Log::from(req, "institution.update", "institution:" + std::to_string(id)));
    return *i;
  });
}

}  // namespace eq::auth
