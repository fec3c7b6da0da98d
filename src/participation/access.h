// Object rules of citizens' participation: who may see or change THIS process, comment or question.
// Every route naming one asks here (the route table says only who may call at all).
//
//   reading        anyone, without a session: processes, the edition's text, visible comments and
//                  questions with their answers. A hidden post shows as hidden, without its text;
//                  e-mails are never shown to anyone (only the pseudonym the citizen chose).
//   reporting      a verified citizen, once per post, never her own post.
//   appealing      only the author of the hidden post, once.
//   ministry       processes, answers and moderation: an account of a ministry-type institution
//                  holding participation.manage (the same role in another public service: 403).
#pragma once
#include "participation/module.h"

namespace eq::participation::access {

bool may_manage(const http::Principal& who);
bool may_report(int64_t citizen_id, const Post& p);
bool may_appeal(int64_t citizen_id, const Post& p);

}  // namespace eq::participation::access
