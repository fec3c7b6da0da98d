// Object-level rules of the auth module, in one place: a route's permission says what kind of
// action the caller may take; these say on which accounts and institutions.
#pragma once
#include "auth/repository.h"
#include "http/message.h"

namespace eq::auth {

// May `p` see or manage accounts of `institution_id`? (own institution, or every one with users.manage_all)
bool may_manage_users_of(const http::Principal& p, int64_t institution_id);
// May `p` hand out `roles`? System administrators grant any role; an institution's administrator
// grants the roles of its own teams, never those with reach over every institution.
Result<void> may_grant(const http::Principal& p, const std::vector<std::string>& roles);
// Changes to one's own roles or active flag are refused: escalation and lock-out both start there.
bool is_self(const http::Principal& p, int64_t user_id);

}  // namespace eq::auth
