// Dispatch: the operator sends a unit to an incident (the comuna's responsible unit unless she
// chooses another police or municipal-security institution), may re-dispatch to another unit
// (the dispatch in course is cancelled and its unit told), and the unit moves its dispatch
// forward. Escalation of dispatches nobody accepts is in service.cc (tick).
#include <algorithm>

#include "core/time.h"
#include "monitoring/access.h"
#include "monitoring/service_impl.h"
#include "store/with_session.h"

namespace eq::monitoring {

namespace {

const std::vector<std::string> kUnitOrder = {"enviado", "aceptado", "en_camino", "en_sitio", "cerrado"};

bool in_course(const std::optional<DispatchView>& d) { return d && d->state != "cerrado" && d->state != "anulado"; }

// The units an operator may choose for a comuna: the responsible one first, then every other
// active police or municipal-security institution, each once.
std::vector<UnitChoice> choices(const Directory& dir, const std::string& comuna) {
  std::vector<UnitChoice> out;
  if (dir.responsible_unit)
    if (auto u = dir.responsible_unit(comuna)) out.push_back({u->institution_id, u->name, u->kind, true});
  if (dir.dispatch_units)
    for (const auto& u : dir.dispatch_units())
      if (std::none_of(out.begin(), out.end(), [&](const UnitChoice& c) { return c.institution_id == u.institution_id; }))
        out.push_back({u.institution_id, u.name, u.kind, false});
  return out;
}

}  // namespace

Result<std::vector<UnitChoice>> Service::units_for(const Caller& by, int64_t incident_id) {
  auto& I = *impl_;
  if (auto ok = access::act_on_incident(by.who, incident_id, kNoIncident); !ok) return fail(ok.error());
  return store::with_session<std::vector<UnitChoice>>(I.db, [&](soci::session& s) -> Result<std::vector<UnitChoice>> {
    auto inc = I.incident(s, incident_id);
    if (!inc) return fail(Error::not_found(kNoIncident));
    return choices(I.dir, inc->comuna_id);
  });
}

Result<DispatchView> Service::dispatch(const Caller& by, const DispatchStep& cmd) {
  auto& I = *impl_;
  const int64_t id = cmd.incident_id;
  if (auto ok = access::act_on_incident(by.who, id, kNoIncident); !ok) return fail(ok.error());
  int64_t dispatch_id = 0;
  std::optional<int64_t> cancelled;
  auto done = I.db.transaction<DispatchView>([&](soci::session& s) -> Result<DispatchView> {
    auto inc = I.incident(s, id);
    if (!inc) return fail(Error::not_found(kNoIncident));
    if (inc->state == "cerrada") return fail(Error::conflict("closed", "La alerta ya está cerrada.", "incident"));
    const auto units = choices(I.dir, inc->comuna_id);
    std::optional<UnitChoice> unit;
    if (cmd.institution_id) {
      for (const auto& u : units)
        if (u.institution_id == *cmd.institution_id) unit = u;
      if (!unit)
        return fail(Error::invalid("institution_id",
                                   "La unidad elegida no es una institución policial ni de seguridad municipal activa.", "invalid_unit"));
    } else if (!units.empty() && units.front().responsible) {
      unit = units.front();
    }
    if (!unit) return fail(Error::conflict("no_unit", "No hay una unidad registrada para la comuna de la alerta.", "incident"));
    const int64_t now = now_ms();
    if (in_course(inc->dispatch)) {
      if (!cmd.redispatch)
        return fail(Error::conflict("already_dispatched", "Ya hay una unidad despachada a esta alerta: " + inc->dispatch->unit_name + ".",
                                    "incident"));
      if (inc->dispatch->institution_id == unit->institution_id)
        return fail(Error::conflict("same_unit", "La alerta ya está despachada a " + unit->name + ": elija otra unidad para redespachar.",
                                    "institution_id"));
      // The unit in course is relieved: its dispatch is cancelled (kept, shown as such) and told.
      I.cancel_dispatch(s, inc->dispatch->id, by.who.user_id, now);
      cancelled = inc->dispatch->id;
      I.insert_action(s, id, "redespacho",
                      "Se anula el despacho a " + inc->dispatch->unit_name + " y se despacha a " + unit->name +
                          (cmd.note.empty() ? "" : ": " + cmd.note),
                      "", std::nullopt, by.who.user_id);
      I.audit.append(s, entry_for(by, "monitoring.redispatch", "monitoring_dispatch:" + std::to_string(*cancelled)));
    } else {
      I.insert_action(s, id, "despacho", "Despacho a " + unit->name + (cmd.note.empty() ? "" : ": " + cmd.note), "", std::nullopt,
                      by.who.user_id);
    }
    dispatch_id = I.insert_dispatch(s, id, Unit{unit->institution_id, unit->name, unit->kind}, cmd.note, by.who.user_id);
    I.mark_dispatched(s, id, by.who.user_id, now);
    I.audit.append(s, entry_for(by, "monitoring.dispatch", "monitoring_incident:" + std::to_string(id)));
    auto d = I.dispatch(s, dispatch_id);
    if (!d) return fail(Error::not_found(kNoDispatch));
    return *d;
  });
  if (!done) return done;
  std::vector<int64_t> dispatches;
  if (cancelled) dispatches.push_back(*cancelled);
  dispatches.push_back(dispatch_id);
  I.publish_after({id}, dispatches);
  return done;
}

Result<std::vector<DispatchView>> Service::unit_dispatches(const Caller& by) {
  auto& I = *impl_;
  return store::with_session<std::vector<DispatchView>>(I.db, [&](soci::session& s) -> Result<std::vector<DispatchView>> {
    std::vector<DispatchView> out;
    for (int64_t id : I.dispatch_ids_of_unit(s, access::dispatch_inbox(by.who)))
      if (auto d = I.dispatch(s, id))
        if (access::read_dispatch(by.who, d->institution_id, kNoDispatch)) out.push_back(std::move(*d));
    I.audit.append(s, entry_for(by, "monitoring.dispatches_read", "monitoring_dispatches"));
    return out;
  });
}

Result<DispatchView> Service::unit_step(const Caller& by, const UnitStep& cmd) {
  auto& I = *impl_;
  const std::string& to = cmd.state;
  auto pos = std::find(kUnitOrder.begin(), kUnitOrder.end(), to);
  if (to == "enviado" || pos == kUnitOrder.end())
    return fail(Error::invalid("state", "El estado debe ser aceptado, en_camino, en_sitio o cerrado.", "invalid_state"));
  if (to == "cerrado" && !is_outcome(cmd.outcome)) return fail(Error::invalid("outcome", "Indique el resultado de la atención.", "required"));
  if (to != "cerrado" && !cmd.outcome.empty()) return fail(Error::invalid("outcome", "El resultado solo se indica al cerrar.", "not_allowed"));
  int64_t incident = 0;
  bool refused = false;
  auto done = I.db.transaction<DispatchView>([&](soci::session& s) -> Result<DispatchView> {
    auto d = I.dispatch(s, cmd.dispatch_id);
    if (!d) return fail(Error::not_found(kNoDispatch));
    if (auto ok = access::update_dispatch(by.who, d->institution_id, kNoDispatch); !ok) {
      refused = true;
      return fail(ok.error());
    }
    if (d->state == "anulado")
      return fail(Error::conflict("dispatch_cancelled", "El despacho fue anulado: la central despachó la alerta a otra unidad.", "state"));
    auto from = std::find(kUnitOrder.begin(), kUnitOrder.end(), d->state);
    if (pos <= from)
      return fail(Error::invalid("state", "El despacho ya está «" + dispatch_state_es(*from) + "»; los estados solo avanzan.", "invalid_transition"));
    incident = d->incident_id;
    I.advance_dispatch(s, cmd.dispatch_id, to, cmd.outcome, by.who.user_id, now_ms());
    I.insert_action(s, incident, "unidad", d->unit_name + ": " + dispatch_state_es(to) + (cmd.note.empty() ? "" : ". " + cmd.note),
                    cmd.outcome, std::nullopt, by.who.user_id);
    I.audit.append(s, entry_for(by, "monitoring.dispatch_" + to, "monitoring_dispatch:" + std::to_string(cmd.dispatch_id)));
    auto after = I.dispatch(s, cmd.dispatch_id);
    if (!after) return fail(Error::not_found(kNoDispatch));
    return *after;
  });
  if (!done) {
    // Another unit reaching for this dispatch: answered as missing, and kept in the log.
    if (refused) {
      auto e = entry_for(by, "monitoring.dispatch_denied", "monitoring_dispatch:" + std::to_string(cmd.dispatch_id));
      e.outcome = "denied";
      (void)I.audit.append(e);
    }
    return done;
  }
  I.publish_after({incident}, {cmd.dispatch_id});
  return done;
}

}  // namespace eq::monitoring
