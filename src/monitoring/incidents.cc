// The control centre's side of an incident: the console, the lists, one incident with everything
// around it, and the operator's steps (take, calls, notes, close with an outcome).
#include <set>

#include "core/time.h"
#include "monitoring/access.h"
#include "monitoring/service_impl.h"
#include "store/with_session.h"

namespace eq::monitoring {

Result<Console> Service::console(const Caller& by) {
  auto& I = *impl_;
  return store::with_session<Console>(I.db, [&](soci::session& s) -> Result<Console> {
    Console c;
    for (int64_t id : I.incident_ids(s, "open", 500))
      if (access::read_incident(s, by.who, id, kNoIncident))
        if (auto v = I.incident(s, id)) c.incidents.push_back(std::move(*v));
    c.devices = I.devices_on_map(s);
    c.stats = stats();
    c.device_count = device_count();
    I.audit.append(s, entry_for(by, "monitoring.console_read", "monitoring_incidents"));
    c.now = now_ms();
    return c;
  });
}

Result<std::vector<IncidentView>> Service::incidents(const Caller& by, const std::string& state) {
  auto& I = *impl_;
  if (state != "open" && state != "closed" && state != "all")
    return fail(Error::bad_request("invalid_parameter", "El estado debe ser open, closed o all.", "state"));
  return store::with_session<std::vector<IncidentView>>(I.db, [&](soci::session& s) -> Result<std::vector<IncidentView>> {
    std::vector<IncidentView> out;
    for (int64_t id : I.incident_ids(s, state, 500))
      if (access::read_incident(s, by.who, id, kNoIncident))
        if (auto v = I.incident(s, id)) out.push_back(std::move(*v));
    I.audit.append(s, entry_for(by, "monitoring.incidents_read", "monitoring_incidents"));
    return out;
  });
}

Result<IncidentDetail> Service::incident(const Caller& by, int64_t id) {
  auto& I = *impl_;
  return store::with_session<IncidentDetail>(I.db, [&](soci::session& s) -> Result<IncidentDetail> {
    if (auto ok = access::read_incident(s, by.who, id, kNoIncident); !ok) return fail(ok.error());
    auto inc = I.incident(s, id);
    if (!inc) return fail(Error::not_found(kNoIncident));
    IncidentDetail d;
    d.incident = std::move(*inc);
    if (auto o = I.order(s, d.incident.order_id)) d.order = I.order_view(s, *o);
    d.alerts = I.alerts_of(s, id);
    d.actions = I.actions_of(s, id);
    std::set<int64_t> users;  // one look-up for all the names
    for (const auto& a : d.actions)
      if (a.user_id) users.insert(*a.user_id);
    auto names = users.empty() || !I.dir.user_names ? std::map<int64_t, std::string>() : I.dir.user_names(users);
    for (auto& a : d.actions)
      if (a.user_id && names.count(*a.user_id)) a.user_name = names[*a.user_id];
    for (int64_t dispatch_id : I.dispatch_ids_of_incident(s, id))
      if (auto dv = I.dispatch(s, dispatch_id))
        if (access::read_dispatch(by.who, dv->institution_id, kNoDispatch)) d.dispatches.push_back(std::move(*dv));
    const int64_t margin = 30 * 60'000;
    I.audit.append(s, entry_for(by, "monitoring.incident_read", "monitoring_incident:" + std::to_string(id)));
    d.track = I.track(s, d.incident.order_id, d.incident.first_at - margin, d.incident.last_at + margin);
    return d;
  });
}

Result<IncidentView> Service::act(const Caller& by, const IncidentStep& cmd) {
  auto& I = *impl_;
  const std::string& kind = cmd.kind;
  static const std::set<std::string> kinds = {"tomar", "llamada_victima", "llamada_agresor", "nota", "cerrar"};
  if (!kinds.count(kind))
    return fail(Error::invalid("kind", "La acción debe ser tomar, llamada_victima, llamada_agresor, nota o cerrar.", "invalid_kind"));
  if (kind == "nota" && cmd.note.empty()) return fail(Error::invalid("note", "Escriba la nota.", "required"));
  if ((kind == "llamada_victima" || kind == "llamada_agresor") && !cmd.reached)
    return fail(Error::invalid("reached", "Indique si la persona contestó.", "required"));
  if (kind == "cerrar" && !is_outcome(cmd.outcome))
    return fail(Error::invalid("outcome", "Indique el resultado: " + outcome_labels().ids_text() + ".",
                               "required"));
  if (kind != "cerrar" && !cmd.outcome.empty()) return fail(Error::invalid("outcome", "El resultado solo se indica al cerrar.", "not_allowed"));
  if (auto ok = access::act_on_incident(by.who, cmd.incident_id, kNoIncident); !ok) return fail(ok.error());
  const int64_t id = cmd.incident_id;
  auto done = I.db.transaction<IncidentView>([&](soci::session& s) -> Result<IncidentView> {
    const std::string state = I.incident_state(s, id);
    if (state.empty()) return fail(Error::not_found(kNoIncident));
    if (state == "cerrada") return fail(Error::conflict("closed", "La alerta ya está cerrada.", "kind"));
    const int64_t now = now_ms();
    if (kind == "tomar") {
      if (state != "nueva") return fail(Error::conflict("already_taken", "La alerta ya fue tomada.", "kind"));
      I.take_incident(s, id, by.who.user_id, now);
    } else if (kind == "cerrar") {
      I.close_incident(s, id, cmd.outcome, by.who.user_id, now);
    } else if (state == "nueva") {
      I.take_incident(s, id, by.who.user_id, now);  // acting on an alert is taking it
    }
    I.insert_action(s, id, kind, cmd.note, cmd.outcome, cmd.reached, by.who.user_id);
    I.audit.append(s, entry_for(by, "monitoring.incident_" + kind, "monitoring_incident:" + std::to_string(id)));
    auto v = I.incident(s, id);
    if (!v) return fail(Error::not_found(kNoIncident));
    return *v;
  });
  if (!done) return done;
  if (kind == "cerrar")
    I.forget_incident(id);
  else
    I.remember(*done);
  I.hub->publish("incident", http::Json({{"type", "incident"}, {"incident", incident_json(*done)}}).dump());
  return done;
}

Result<http::Json> Service::evidence(const Caller& by, int64_t incident_id) {
  auto& I = *impl_;
  if (auto ok = access::export_incident(by.who, incident_id, kNoIncident); !ok) return fail(ok.error());
  return store::with_session<http::Json>(I.db, [&](soci::session& s) -> Result<http::Json> {
    auto doc = evidence_document(I, s, incident_id);
    if (doc.is_null()) return fail(Error::not_found(kNoIncident));
    I.audit.append(s, entry_for(by, "monitoring.evidence_export", "monitoring_incident:" + std::to_string(incident_id)));
    return doc;
  });
}

std::string Service::export_key() const { return export_public_key(impl_->keys); }

Result<HomeCounts> Service::home_counts(const http::Principal& who) {
  auto& I = *impl_;
  return store::with_session<HomeCounts>(I.db, [&](soci::session& s) -> Result<HomeCounts> { return I.home_counts(s, who); });
}

Result<PeriodTotals> Service::period_totals(int64_t from, int64_t to) {
  auto& I = *impl_;
  return store::with_session<PeriodTotals>(I.db, [&](soci::session& s) -> Result<PeriodTotals> { return I.period_totals(s, from, to); });
}

}  // namespace eq::monitoring
