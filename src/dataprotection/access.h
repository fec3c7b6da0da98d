// Object rules of the data-protection register: who may see or change THIS request. Every route
// that names a request asks here (the route table says only who may call at all).
//
//   a request    the ministry is the controller of the data its platform holds, so its
//                data-protection officers (dataprotection.manage, a role granted only in the
//                ministry) see and handle every request; nobody else, whatever else they may do:
//                a case worker who holds the victim's record does not learn that she asked.
//   the report   the same rule, and only while the request is open or answered (not after a
//                refusal: then the officer has no ground to compile the person's data).
#pragma once
#include "dataprotection/module.h"

namespace eq::dataprotection::access {

bool may_handle(const http::Principal& who, const SubjectRequest& r);
bool may_compile_report(const http::Principal& who, const SubjectRequest& r);

}  // namespace eq::dataprotection::access
