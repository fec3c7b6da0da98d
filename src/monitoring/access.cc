#include "monitoring/access.h"

#include "store/query.h"

namespace eq::monitoring::access {

namespace {

Result<void> missing_for(const char* missing) { return fail(Error::not_found(missing)); }

bool control_centre(const http::Principal& who) { return who.can(kHandle) || who.can(kManage); }

}  // namespace

Result<void> read_order(const http::Principal& who, int64_t, const char* missing) {
  // Orders name the victim, her phone and her home: the control centre only, which is national.
  if (control_centre(who)) return {};
  return missing_for(missing);
}

Result<void> change_order(const http::Principal& who, int64_t, const char* missing) {
  if (who.can(kManage)) return {};
  return missing_for(missing);
}

Result<void> read_incident(soci::session& s, const http::Principal& who, int64_t incident_id, const char* missing) {
  if (who.can(kHandle)) return {};
  if (who.can(kUnit) && who.institution_id) {
    auto n = store::Query("SELECT COUNT(*) FROM monitoring_dispatches WHERE incident_id = :i AND institution_id = :u")
                 .bind("i", static_cast<long long>(incident_id))
                 .bind("u", static_cast<long long>(who.institution_id))
                 .scalar(s);
    if (n && *n > 0) return {};
  }
  return missing_for(missing);
}

Result<void> act_on_incident(const http::Principal& who, int64_t, const char* missing) {
  // Taking, calling, noting, closing and dispatching are the control centre's; a unit reports on
  // its dispatch instead (update_dispatch).
  if (who.can(kHandle)) return {};
  return missing_for(missing);
}

Result<void> export_incident(const http::Principal& who, int64_t, const char* missing) {
  // Evidence carries every position around the incident: the control centre only.
  if (who.can(kHandle)) return {};
  return missing_for(missing);
}

Result<void> read_dispatch(const http::Principal& who, int64_t institution_id, const char* missing) {
  if (who.can(kHandle)) return {};
  if (who.can(kUnit) && who.institution_id && who.institution_id == institution_id) return {};
  return missing_for(missing);
}

Result<void> update_dispatch(const http::Principal& who, int64_t institution_id, const char* missing) {
  // Only the unit it was sent to reports its progress; the control centre follows it.
  if (who.can(kUnit) && who.institution_id && who.institution_id == institution_id) return {};
  return missing_for(missing);
}

int64_t dispatch_inbox(const http::Principal& who) { return who.can(kUnit) ? who.institution_id : -1; }

Result<http::Hub::Filter> console_stream(const http::Principal& who) {
  if (!who.can(kHandle)) return fail(Error{403, "forbidden", "Solo el centro de control recibe la consola en vivo.", {}});
  // The control centre follows every incident, position and dispatch.
  return http::Hub::Filter([](const std::string&) { return true; });
}

Result<http::Hub::Filter> unit_stream(const http::Principal& who) {
  if (!who.can(kUnit) || !who.institution_id)
    return fail(Error{403, "forbidden", "Solo una unidad con institución recibe sus despachos en vivo.", {}});
  const std::string mine = "dispatch:" + std::to_string(who.institution_id);
  return http::Hub::Filter([mine](const std::string& topic) { return topic == mine; });
}

}  // namespace eq::monitoring::access
