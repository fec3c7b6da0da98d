// Object rules of telematic monitoring: who may see or change THIS order, incident, dispatch or
// stream. The route table already refused callers without the permission; these rules decide, for
// a caller who has it, which objects it reaches. Every route and stream that names an object asks
// here; no handler decides it inline.
//
//   - orders, their zones, devices and trails: the control centre (monitoring.manage to change,
//     alerts.handle or monitoring.manage to read); national roles, every order;
//   - incidents: the control centre (alerts.handle), every incident; a unit (dispatch.receive)
//     only an incident dispatched to its own institution;
//   - dispatches: the control centre, every one; a unit only those sent to its institution;
//   - streams: the console's stream carries every incident and position (control centre only);
//     a unit's stream carries only dispatches to its institution.
//
// An object the caller may not reach is answered as missing (404): its existence is not the
// caller's business.
#pragma once
#include <cstdint>
#include <string>

#include "core/error.h"
#include "http/live.h"
#include "http/message.h"

namespace soci {
class session;
}

namespace eq::monitoring {

namespace access {

inline const std::string kManage = "monitoring.manage";
inline const std::string kHandle = "alerts.handle";
inline const std::string kUnit = "dispatch.receive";

// Orders (with their zones, devices and trails).
Result<void> read_order(const http::Principal& who, int64_t order_id, const char* missing);
Result<void> change_order(const http::Principal& who, int64_t order_id, const char* missing);

// Incidents: `s` finds where it was dispatched when the caller is a unit.
Result<void> read_incident(soci::session& s, const http::Principal& who, int64_t incident_id, const char* missing);
Result<void> act_on_incident(const http::Principal& who, int64_t incident_id, const char* missing);
Result<void> export_incident(const http::Principal& who, int64_t incident_id, const char* missing);

// Dispatches: `institution_id` is the unit the dispatch was sent to.
Result<void> read_dispatch(const http::Principal& who, int64_t institution_id, const char* missing);
Result<void> update_dispatch(const http::Principal& who, int64_t institution_id, const char* missing);
// The institution whose dispatches a unit lists: its own.
int64_t dispatch_inbox(const http::Principal& who);

// Which published topics each stream may carry to this caller.
Result<http::Hub::Filter> console_stream(const http::Principal& who);
Result<http::Hub::Filter> unit_stream(const http::Principal& who);

}  // namespace access

}  // namespace eq::monitoring
