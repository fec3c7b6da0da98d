// Object rules of the studies catalogue: who may see or change THIS study. Every route that names a
// study or one of its files asks here (the route table says only who may call at all).
//
//   public     anyone, without a session, sees a published or a withdrawn study (a withdrawn one
//              keeps its page with the reason) and downloads its files.
//   drafts     a draft exists only for the ministry's studies staff: to anyone else (anonymous, an
//              account without studies.edit, an account of another institution) it is 404, never
//              403, so a draft's id says nothing.
//   change     only an account of a ministry-type institution holding studies.edit creates,
//              edits, publishes or withdraws a study, or adds and removes its files.
//   who        who made each revision is shown to that staff only; the public sees when and why.
#pragma once
#include "studies/module.h"

namespace eq::studies::access {

// The signed-in caller, or nullptr on a public route without a session.
const http::Principal* caller(const http::Request& req);

bool may_edit(const http::Principal* who);
bool may_view(const http::Principal* who, const Study& s);
bool may_see_who(const http::Principal* who);

}  // namespace eq::studies::access
