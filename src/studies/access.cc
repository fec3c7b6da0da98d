// See access.h for the rules.
#include "studies/access.h"

namespace eq::studies::access {

const http::Principal* caller(const http::Request& req) { return req.principal ? &*req.principal : nullptr; }

bool may_edit(const http::Principal* who) { return who && who->can("studies.edit") && who->institution_type == "ministry"; }

bool may_view(const http::Principal* who, const Study& s) { return s.status != "borrador" || may_edit(who); }

bool may_see_who(const http::Principal* who) { return may_edit(who); }

}  // namespace eq::studies::access
