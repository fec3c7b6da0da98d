// See access.h for the rules.
#include "participation/access.h"

namespace eq::participation::access {

bool may_manage(const http::Principal& who) { return who.can("participation.manage") && who.institution_type == "ministry"; }

bool may_report(int64_t citizen_id, const Post& p) { return citizen_id != p.citizen_id; }

bool may_appeal(int64_t citizen_id, const Post& p) { return citizen_id == p.citizen_id; }

}  // namespace eq::participation::access
