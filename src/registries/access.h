// Object rules of the ministry's registries: who may see or change THIS certification or
// agreement. Every route that names one asks here (the route table says only who may call at all).
//
//   certifications   public: anyone, without a session, sees every record and its status history
//                    (dates and statuses); who made each change is shown only to the ministry.
//   changes          a certification or an agreement is the ministry's own object: only an
//                    account of a ministry-type institution holding registries.manage creates or
//                    changes one (an analyst of another public service with the same role: 403).
//   agreements       read by the same ministry accounts (they carry obligations and alerts that
//                    are the ministry's working data, not open data).
#pragma once
#include "registries/module.h"

namespace eq::registries::access {

bool may_see_who_changed(const http::Principal* who);
bool may_change(const http::Principal& who);
bool may_view_agreement(const http::Principal& who, const Agreement& a);
bool may_change_agreement(const http::Principal& who, const Agreement& a);

}  // namespace eq::registries::access
