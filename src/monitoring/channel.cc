// Incidents raised by a help channel (issue 13): the silent chat's operator asks for the municipal
// security unit of the woman's comuna. The unit must see it where it sees every dispatch (its
// inbox and its live stream, access.h: only dispatches to its own institution), accept it and
// report on it as on any other; the control centre sees it on its console. So the request becomes
// an incident of origin "chat" (no device, no coordinates, no identity: her comuna, the urgency and
// the operator's note) dispatched to that unit at once.
#include <algorithm>

#include "core/time.h"
#include "monitoring/access.h"
#include "monitoring/service_impl.h"
#include "store/with_session.h"

namespace eq::monitoring {

Result<DispatchView> Service::raise_from_channel(const Caller& by, const ChannelAlert& cmd) {
  auto& I = *impl_;
  if (cmd.origin != "chat") return fail(Error::invalid("origin", "El canal de origen no es válido.", "invalid"));
  if (cmd.origin_ref.empty()) return fail(Error::invalid("origin_ref", "Falta la conversación de origen.", "required"));
  if (cmd.comuna_id.empty()) return fail(Error::invalid("comuna", "Falta la comuna de la derivación.", "required"));
  // Only an active municipal-security institution (the channel found it for her comuna).
  std::optional<Unit> unit;
  if (I.dir.dispatch_units)
    for (const auto& u : I.dir.dispatch_units())
      if (u.institution_id == cmd.institution_id && u.kind == "municipal") unit = u;
  if (!unit)
    return fail(Error::invalid("institution_id", "La unidad indicada no es una institución de seguridad municipal activa.", "invalid_unit"));
  // The id comes from the same counter as the engine's incidents (one instance owns it: module.h).
  // An instance that does not own the engine takes one from a range of its own (kForeignIncidents
  // upwards, read from the database in the transaction), so it can never collide with the owner's.
  int64_t id = 0;
  const bool foreign = !I.owner;
  if (!foreign) {
    std::lock_guard lock(I.mu);
    id = I.next_incident++;
  }
  int64_t dispatch_id = 0;
  auto done = I.db.transaction<DispatchView>([&](soci::session& s) -> Result<DispatchView> {
    if (auto open = I.open_channel_incident(s, cmd.origin, cmd.origin_ref))
      return fail(Error::conflict("already_dispatched",
                                  "Esta conversación ya tiene una derivación municipal en curso (alerta N° " + std::to_string(*open) + ").",
                                  "kind"));
    const int64_t now = now_ms();
    if (foreign) id = I.next_foreign_incident_id(s);
    I.insert_channel_incident(s, id, I.channel_order(s, cmd.origin), cmd, now);
    I.insert_action(s, id, "despacho",
                    "Derivación desde el chat silencioso a " + unit->name + (cmd.note.empty() ? "" : ": " + cmd.note), "", std::nullopt,
                    by.who.user_id);
    dispatch_id = I.insert_dispatch(s, id, *unit, cmd.note, by.who.user_id);
    I.mark_dispatched(s, id, by.who.user_id, now);
    auto e = entry_for(by, "monitoring.channel_dispatch", "monitoring_incident:" + std::to_string(id));
    e.detail = cmd.origin + ":" + cmd.origin_ref;
    I.audit.append(s, e);
    auto d = I.dispatch(s, dispatch_id);
    if (!d) return fail(Error::not_found(kNoDispatch));
    return *d;
  });
  if (!done) return done;
  I.publish_after({id}, {dispatch_id});
  return done;
}

Result<DispatchView> Service::channel_dispatch(int64_t dispatch_id) {
  auto& I = *impl_;
  return store::with_session<DispatchView>(I.db, [&](soci::session& s) -> Result<DispatchView> {
    auto d = I.dispatch(s, dispatch_id);
    // Only dispatches a channel raised: this is no way into the monitoring of court orders.
    if (!d || d->origin.empty()) return fail(Error::not_found(kNoDispatch));
    return *d;
  });
}

}  // namespace eq::monitoring
