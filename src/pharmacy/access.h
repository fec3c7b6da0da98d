// Who may see ONE «Mascarilla 19» report (every route and home item naming a report calls this).
// The pharmacy that reported it sees its status; SernamEG's line (channels.answer) sees it to
// follow it up. Another pharmacy gets the same 404 as for a report that does not exist, and the
// service audits the attempt.
#pragma once
#include "core/error.h"
#include "http/message.h"
#include "pharmacy/module.h"

namespace eq::pharmacy {

inline const std::string kReport = "channels.pharmacy_report";
inline const std::string kFollow = "channels.answer";
inline const std::string kSupervise = "channels.supervise";

Result<void> may_read(const http::Principal& who, const Report& report);
// A pharmacy reports only for its own enrolment (`claimed`: the enrolment the form names, if any).
// A suspended pharmacy may not report: the refusal says why and what to do for her instead.
Result<void> may_report(const http::Principal& who, const std::optional<Enrolment>& own, std::optional<int64_t> claimed);
// Who may see and change ONE enrolment (its trainings, its status).
Result<void> may_manage(const http::Principal& who);

}  // namespace eq::pharmacy
