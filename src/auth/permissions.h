// Object-level rules of the auth module, in one place: a route's permission says what kind of
// action the caller may take; these say on which accounts, institutions and tokens.
#pragma once
#include "auth/repository.h"
#include "http/message.h"

namespace eq::auth {

// The institution an account belongs to (or will belong to), as far as the grant rules care.
struct Place {
  int64_t id = 0;
  std::string type;
};

// May `p` see the accounts of `institution_id`? (own institution with users.manage, or every one
// with users.manage_all)
bool may_manage_users_of(const http::Principal& p, int64_t institution_id);
// May `p` hand out `role` to an account of `place`? The one rule, from the grants table in the
// catalogue: national roles only by a system administrator; an institution's administrator
// grants only the roles its own kind of institution holds, and only in its own institution.
// Also refuses a role that does not fit the institution's type (422), whoever asks.
Result<void> may_grant(const http::Principal& p, const std::string& role, const Place& place);
Result<void> may_grant(const http::Principal& p, const std::vector<std::string>& roles, const Place& place);
// May `p` change THIS account at all (rename, re-RUN, move, (de)activate, change its roles, reset
// its second factor)? Only if `p` could have granted every role it holds, in its institution:
// otherwise an institution's administrator could take over an account it could never create.
Result<void> may_change_account(const http::Principal& p, const User& u);
// May `p` create or change institutions (and so decide which kinds of roles their accounts may
// hold)? Only a system administrator; never an institution's own administrator.
Result<void> may_manage_institutions(const http::Principal& p);
// Changes to one's own roles or active flag are refused: escalation and lock-out both start there.
bool is_self(const http::Principal& p, int64_t user_id);
// Self-service (own password, own recovery codes) needs a signed-in person, not an API token.
Result<void> may_change_own_credentials(const http::Principal& p);

}  // namespace eq::auth
