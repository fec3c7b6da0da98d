// Object rules of outreach: who may see or change THIS course, session, campaign or talk. Every
// route that names one asks here (the route table says only who may call at all).
//
//   public        anyone, without a session: courses with their sessions' dates and aggregate
//                 participants, campaigns, talks with their free seats, and a certificate by its
//                 code (her name and the talk: what a certificate is for).
//   change        a course, a session, a campaign or a talk belongs to the institution of the
//                 account that created it; only that institution's staff (outreach.manage) adds
//                 sessions to its course, records a session's participants, or marks attendance.
//                 Another institution's trainer gets 404 (the object does not exist for her), and
//                 the refusal is audited.
//   registrants   a talk's registrations (names and e-mails) are read only by the talk's
//                 institution, every read audited.
#pragma once
#include "outreach/module.h"

namespace eq::outreach::access {

bool may_manage(const http::Principal& who);
bool may_change(const http::Principal& who, int64_t owner_institution);

}  // namespace eq::outreach::access
