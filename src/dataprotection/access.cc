// See access.h for the rules.
#include "dataprotection/access.h"

namespace eq::dataprotection::access {

bool may_handle(const http::Principal& who, const SubjectRequest&) { return who.can("dataprotection.manage"); }

bool may_compile_report(const http::Principal& who, const SubjectRequest& r) { return may_handle(who, r) && r.state != "denegada"; }

}  // namespace eq::dataprotection::access
