// See access.h for the rules.
#include "registries/access.h"

namespace eq::registries::access {

namespace {
bool ministry(const http::Principal& who) { return who.institution_type == "ministry"; }
}  // namespace

bool may_see_who_changed(const http::Principal* who) { return who && may_change(*who); }

bool may_change(const http::Principal& who) { return who.can("registries.manage") && ministry(who); }

bool may_view_agreement(const http::Principal& who, const Agreement& a) {
  (void)a;  // every agreement is the ministry's; no agreement is narrower than that today
  return may_change(who);
}

bool may_change_agreement(const http::Principal& who, const Agreement& a) { return may_view_agreement(who, a); }

}  // namespace eq::registries::access
