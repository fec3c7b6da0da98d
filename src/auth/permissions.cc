#include "auth/permissions.h"

#include "auth/catalogue.h"

namespace eq::auth {

namespace {
bool may_grant_by_privilege(const http::Principal& p, const Grant& g, int64_t institution_id) {
  if (p.can("users.manage_all")) return true;
  return g.granted_by == Granter::institution_admin && p.can("users.manage") && p.institution_id == institution_id;
}

Error cannot_grant(const Role& r) {
  return Error{403, "forbidden",
               "No puede asignar el rol «" + r.name + "»: solo la administración del sistema puede asignarlo, o la administración de la "
               "propia institución si corresponde a su tipo de institución.",
               "roles"};
}
}  // namespace

bool may_manage_users_of(const http::Principal& p, int64_t institution_id) {
  if (p.can("users.manage_all")) return true;
  return p.can("users.manage") && p.institution_id == institution_id;
}

Result<void> may_grant(const http::Principal& p, const std::string& id, const Place& place) {
  const Role* r = find_role(id);
  const Grant* g = find_grant(id);
  if (!r || !g) return fail(Error::invalid("roles", "El rol «" + id + "» no existe.", "unknown_role"));
  if (!may_grant_by_privilege(p, *g, place.id)) return fail(cannot_grant(*r));
  if (!role_fits_institution_type(id, place.type)) {
    const InstitutionType* t = find_institution_type(place.type);
    return fail(Error::invalid("roles", "El rol «" + r->name + "» no corresponde a una institución de tipo «" + (t ? t->label : place.type) + "».",
                               "role_institution_mismatch"));
  }
  return {};
}

Result<void> may_grant(const http::Principal& p, const std::vector<std::string>& roles, const Place& place) {
  // Privilege first for every role (a 403 says more than a 422 about a role one could never grant).
  for (const auto& id : roles) {
    const Role* r = find_role(id);
    const Grant* g = find_grant(id);
    if (!r || !g) return fail(Error::invalid("roles", "El rol «" + id + "» no existe.", "unknown_role"));
    if (!may_grant_by_privilege(p, *g, place.id)) return fail(cannot_grant(*r));
  }
  for (const auto& id : roles)
    if (auto ok = may_grant(p, id, place); !ok) return ok;
  return {};
}

Result<void> may_change_account(const http::Principal& p, const User& u) {
  // Another institution's account is "not found", not "forbidden": its existence is not ours to learn.
  if (!may_manage_users_of(p, u.institution_id)) return fail(Error::not_found("La cuenta no existe."));
  // Only the privilege counts here, not the type fit: a system administrator must be able to fix
  // an account whose role no longer fits its institution.
  for (const auto& id : u.roles) {
    const Grant* g = find_grant(id);
    if (!g || !may_grant_by_privilege(p, *g, u.institution_id))
      return fail(Error{403, "forbidden",
                        "Esta cuenta tiene roles que usted no puede asignar; solo la administración del sistema puede modificarla.", {}});
  }
  return {};
}

Result<void> may_manage_institutions(const http::Principal& p) {
  if (!p.can("institutions.manage")) return fail(Error::forbidden());
  return {};
}

bool is_self(const http::Principal& p, int64_t user_id) { return p.user_id == user_id; }

Result<void> may_change_own_credentials(const http::Principal& p) {
  if (p.session_id == 0 || p.user_id == 0)
    return fail(Error{403, "forbidden", "Solo la persona, con su sesión abierta, puede cambiar su contraseña o sus códigos de recuperación; "
                                        "un token de acceso no puede hacerlo.", {}});
  return {};
}

}  // namespace eq::auth
