// See access.h for the rules.
#include "councils/access.h"

namespace eq::councils::access {

bool may_manage(const http::Principal& who, const std::string& region_id) {
  if (!who.can("councils.manage")) return false;
  if (who.institution_type == "ministry") return true;
  return who.institution_type == "seremi" && !who.region_id.empty() && region_id == who.region_id;
}

bool may_read_draft_minutes(const http::Principal* who, const Body& b) { return who && may_manage(*who, b); }

}  // namespace eq::councils::access
