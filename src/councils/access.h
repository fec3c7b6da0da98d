// Object rules of the councils module: who may see or change THIS body (and so its members,
// sessions, attendance, minutes and agreements). Every route that names one asks here; the route
// table says only who may call at all (councils.manage).
//
//   read       public: every body, its members (name, organisation, role, term: no contact data is
//              held), sessions with attendance and quorum, agreements and their follow-up. Minutes
//              only once published (a draft is the secretariat's working text).
//   change     an account of a ministry-type institution holding councils.manage: every body,
//              national or regional.
//              A SEREMI team holding councils.manage: only the bodies of the region of its
//              account (the region comes from the account, never from the request); a national
//              body or another region's is refused (403).
#pragma once
#include "councils/module.h"

namespace eq::councils::access {

bool may_manage(const http::Principal& who, const std::string& region_id);
inline bool may_manage(const http::Principal& who, const Body& b) { return may_manage(who, b.region_id); }
// Whether `who` (nullptr: no session) sees the draft minutes of `b`'s sessions.
bool may_read_draft_minutes(const http::Principal* who, const Body& b);

}  // namespace eq::councils::access
