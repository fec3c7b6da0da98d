#include "auth/permissions.h"

#include "auth/catalogue.h"

namespace eq::auth {

bool may_manage_users_of(const http::Principal& p, int64_t institution_id) {
  if (p.can("users.manage_all")) return true;
  return p.can("users.manage") && p.institution_id == institution_id;
}

Result<void> may_grant(const http::Principal& p, const std::vector<std::string>& roles) {
  for (const auto& id : roles) {
    const Role* r = find_role(id);
    if (!r) return fail(Error::invalid("roles", "El rol «" + id + "» no existe.", "unknown_role"));
    if (p.can("users.manage_all")) continue;
    // An institution's administrator staffs its own teams, but roles that reach beyond one
    // institution (system administration, the audit log) are granted only by system administrators.
    for (const auto& perm : r->permissions)
      if (perm == "users.manage_all" || perm == "institutions.manage" || perm == "audit.read" || !p.can("users.manage"))
        return fail(Error{403, "forbidden", "No puede asignar el rol «" + r->name + "»: solo la administración del sistema puede hacerlo.", "roles"});
  }
  return {};
}

bool is_self(const http::Principal& p, int64_t user_id) { return p.user_id == user_id; }

}  // namespace eq::auth
