// See access.h for the rules.
#include "directoras/access.h"

namespace eq::directoras::access {

bool is_owner(const http::Principal& who, const Profile& p) { return p.user_id && *p.user_id == who.user_id; }

bool may_edit(const http::Principal& who, const Profile& p) {
  return who.can("registries.directoras.profile") && is_owner(who, p);
}

bool may_view(const http::Principal& who, const Profile& p, bool traced) {
  if (is_owner(who, p)) return true;
  return who.can("registries.directoras.search") && traced;
}

bool may_read_contact(const http::Principal& who, const Profile& p, bool traced) {
  if (is_owner(who, p)) return true;
  return may_view(who, p, traced) && p.contactable;
}

}  // namespace eq::directoras::access
