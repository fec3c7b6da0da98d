// See access.h for the rules.
#include "outreach/access.h"

namespace eq::outreach::access {

bool may_manage(const http::Principal& who) { return who.can("outreach.manage"); }

bool may_change(const http::Principal& who, int64_t owner_institution) {
  return may_manage(who) && who.institution_id == owner_institution;
}

}  // namespace eq::outreach::access
