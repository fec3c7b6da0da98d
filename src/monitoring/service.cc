// The engine hosted live: start-up from the database, the live streams, silence and escalation
// sweeps, retention. Ingest (positions → alerts → incidents, group commit) is in ingest.cc; the
// workflows of the API in orders.cc, incidents.cc and dispatch.cc.
#include <algorithm>
#include <cmath>
#include <climits>
#include <set>

#include "core/log.h"
#include "core/time.h"
#include "monitoring/service_impl.h"

namespace eq::monitoring {


std::string holder_of(DeviceKind k) { return is_aggressor(k) ? "agresor" : "victima"; }

audit::Entry entry_for(const Caller& by, std::string action, std::string object) {
  audit::Entry e;
  if (by.who.user_id) {
    e.actor_user_id = by.who.user_id;
    e.actor_institution_id = by.who.institution_id;
  }
  e.action = std::move(action);
  e.object = std::move(object);
  e.client_ip = by.client_ip;
  e.outcome = "ok";
  return e;
}

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, Directory directory, ServiceOptions options)
    : impl_(std::make_unique<Impl>(db, keys, audit, std::move(directory), options)) {}

Service::~Service() { stop(); }

http::Hub& Service::hub() { return *impl_->hub; }
std::shared_ptr<http::Hub> Service::hub_ptr() { return impl_->hub; }

void Service::device_denied(const std::string& client_ip, const std::string& device_id) {
  Caller nobody;
  nobody.client_ip = client_ip;
  audit::Entry e = entry_for(nobody, "monitoring.device_denied", "monitoring_device");
  e.outcome = "denied";
  e.detail = device_id.substr(0, 64);
  (void)impl_->audit.append(e);
}

Result<std::shared_ptr<void>> Service::stream_opened(const Caller& by, const std::string& action) {
  auto& I = *impl_;
  if (auto ok = I.audit.append(entry_for(by, action + "_open", "monitoring_stream")); !ok) return fail(ok.error());
  auto closed = entry_for(by, action + "_close", "monitoring_stream");
  // The log outlives the service (the composition root owns both); the guard writes the closing
  // entry when the server drops the stream's filter (closed by either side, revoked, stopping).
  return std::shared_ptr<void>(nullptr, [log = &I.audit, closed](void*) mutable { (void)log->append(closed); });
}
const Stats& Service::stats() const { return impl_->engine.stats(); }
size_t Service::device_count() const { return impl_->engine.device_count(); }

Result<void> Service::Impl::add_to_engine(const OrderRow& o, const std::vector<Zone>& zs) {
  Order eo;
  eo.id = o.id;
  eo.min_distance_m = o.min_distance_m;
  eo.approach_m = o.approach_m;
  eo.starts_at = o.starts_at;
  eo.ends_at = o.ends_at.value_or(0);
  if (auto ok = engine.add_order(eo); !ok) return ok;
  order_comuna[o.id] = o.comuna_id;
  order_labels[o.id].label = o.label;
  for (const auto& z : zs) {
    if (auto ok = engine.add_zone(z); !ok) return ok;
    order_labels[o.id].zones[z.id] = z.label;
  }
  return {};
}

Result<void> Service::start() {
  auto& I = *impl_;
  if (auto sealed = I.db.transaction<void>([&](soci::session& s) -> Result<void> {
        I.seal_legacy(s);
        return {};
      });
      !sealed)
    return sealed;
  if (auto ok = I.load(); !ok) return ok;
  I.writer = std::thread([&I] { I.write_loop(); });
  I.drainer = std::thread([&I] { I.drain_loop(); });
  return {};
}

Result<void> Service::Impl::load() {
  auto lease = db.lease();
  if (!lease) return fail(lease.error());
  soci::session& s = **lease;
  auto& I = *this;
  try {
    std::lock_guard lock(I.mu);
    I.engine = Engine(I.opt.engine);
    I.devices.clear();
    I.order_comuna.clear();
    I.order_labels.clear();
    I.open.clear();
    for (const auto& o : I.orders(s))
      if (auto ok = I.add_to_engine(o, I.zones(s, o.id)); !ok) return ok;
    auto devs = I.active_devices(s);
    for (const auto& [hash, d] : devs) {
      if (auto ok = I.engine.add_device(d); !ok) return ok;
      auto& info = I.devices[d.id];
      info.secret_hash = hash;
      info.order_id = d.order_id;
      info.kind = d.kind;
      info.handle = static_cast<uint32_t>(I.engine.device_handle(d.id));
    }
    // Retired devices keep their kind for the messages of incidents they raised.
    I.device_kinds = I.all_device_kinds(s);
    // Each device's recent instants (duplicates after a restart) and its last position: fed to the
    // engine to restore zone and distance state; the alerts that raises were committed long ago.
    std::vector<Alert> discarded;
    for (auto& [id, info] : I.devices) {
      // Only the newest fix is opened (one decryption per device): the others give their instants.
      auto last = I.recent_positions(s, id, kRecentPerDevice);
      for (auto it = last.rbegin(); it != last.rend(); ++it) remember_instant(info.recent, it->fix.at);
      for (const auto& p : last)
        if (p.fix.has_fix) {
          Fix f = p.fix;
          auto at = parse_point(I.open_text(p.loc_enc));
          if (!at) break;
          f.lat = at->lat;
          f.lon = at->lon;
          f.alarms = alarm_none;
          (void)I.engine.ingest(info.handle, f, discarded);
          break;
        }
    }
    for (auto& in : I.open_incidents(s)) I.open[in.fold_key] = std::move(in);
    for (auto& [key, in] : I.open)
      if (auto v = I.incident(s, in.id)) {
        in.state = v->state;
        in.escalated = v->escalated;
        in.taken_by = v->taken_by;
        in.dispatch = v->dispatch;
      }
    I.next_incident = I.next_incident_id(s);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return {};
}

void Service::Impl::enter() {
  std::unique_lock lock(gate_mu);
  gate_cv.wait(lock, [&] { return !reloading; });
  ++in_flight;
}

void Service::Impl::leave() {
  {
    std::lock_guard lock(gate_mu);
    --in_flight;
  }
  gate_cv.notify_all();
}

Result<void> Service::Impl::reload() {
  {
    // New evaluations wait; those in flight finish (their batches commit) before the rebuild.
    std::unique_lock lock(gate_mu);
    gate_cv.wait(lock, [&] { return !reloading; });
    reloading = true;
    gate_cv.wait(lock, [&] { return in_flight == 0; });
  }
  // The writer may still hold a silence sweep's batch: an empty one behind it marks the end.
  auto barrier = std::make_shared<Batch>();
  auto flushed = enqueue(barrier);
  (void)flushed.get();
  auto ok = load();
  {
    std::lock_guard lock(gate_mu);
    reloading = false;
  }
  gate_cv.notify_all();
  return ok;
}

Result<void> Service::set_owner(bool owner) {
  auto& I = *impl_;
  if (!owner) {
    I.owner = false;
    return {};
  }
  if (I.owner) return {};
  // Whatever the previous owner committed (positions, incidents, orders) is the state taken over.
  if (auto ok = I.reload(); !ok) return ok;
  I.owner = true;
  return {};
}

bool Service::owner() const { return impl_->owner; }

void Service::relayed(const std::string& topic, std::string message) {
  auto& I = *impl_;
  if (topic == kInboxWake) {  // not a console message: the drainer's wake-up
    if (I.owner) I.wake_drainer();
    return;
  }
  if (topic == "incident" && I.owner) {
    int64_t id = 0;
    try {
      id = http::Json::parse(message).at("incident").at("id").get<int64_t>();
    } catch (const std::exception&) {
    }
    bool known = false;
    {
      std::lock_guard lock(I.mu);
      for (const auto& [key, in] : I.open) known = known || in.id == id;
    }
    if (known)
      if (auto lease = I.db.lease()) try {
          if (auto v = I.incident(**lease, id)) {
            if (v->state == "cerrada") I.forget_incident(id);
            else I.remember(*v);
          }
        } catch (const std::exception& e) {
          spdlog::error("monitoring: relayed incident: {}", e.what());
        }
  }
  I.hub->publish(topic, std::move(message));
}
void Service::reload_later() { impl_->reload_wanted = true; }

void Service::Impl::drain_loop() {
  while (!drain_stop) {
    size_t n = 0;
    if (owner) {
      if (reload_wanted.exchange(false))
        if (auto ok = reload(); !ok) spdlog::error("monitoring: reload: {}", ok.error().message);
      auto done = drain_once();
      if (!done) spdlog::error("monitoring: inbox: {}", done.error().message);
      else n = *done;
    }
    // Busy: straight on; idle (nothing new: rows of turns still committing are not taken again):
    // until a non-owner's wake-up, or 20 ms at most (a lost NOTIFY, a failed commit's rows, or one
    // instance alone with rows a previous owner left).
    if (n == 0) {
      std::unique_lock lock(drain_mu);
      drain_cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return drain_wake || drain_stop.load(); });
      drain_wake = false;
    }
  }
}

void Service::Impl::wake_drainer() {
  {
    std::lock_guard lock(drain_mu);
    drain_wake = true;
  }
  drain_cv.notify_one();
}

void Service::set_inbox_notify(std::string channel, std::function<std::string()> payload) {
  std::lock_guard lock(impl_->drain_mu);
  impl_->inbox_channel = std::move(channel);
  impl_->inbox_payload = std::move(payload);
}

void Service::stop() {
  auto& I = *impl_;
  I.drain_stop = true;
  I.wake_drainer();
  if (I.drainer.joinable()) I.drainer.join();
  {
    std::lock_guard lock(I.qmu);
    I.stopping = true;
  }
  I.qcv.notify_all();
  if (I.writer.joinable()) I.writer.join();
}

void Service::Impl::publish_incident(soci::session& s, int64_t id) {
  auto v = incident(s, id);
  if (!v) return;
  remember(*v);
  hub->publish("incident", http::Json({{"type", "incident"}, {"incident", monitoring::incident_json(*v)}}).dump());
}

void Service::Impl::publish_after(const std::vector<int64_t>& incidents, const std::vector<int64_t>& dispatches) {
  auto lease = db.lease();
  if (!lease) return;
  try {
    for (int64_t id : incidents) publish_incident(**lease, id);
    for (int64_t id : dispatches) publish_dispatch(**lease, id);
  } catch (const std::exception& e) {
    spdlog::error("monitoring: publish: {}", e.what());
  }
}

void Service::Impl::publish_dispatch(soci::session& s, int64_t id) {
  auto d = dispatch(s, id);
  if (!d) return;
  hub->publish("dispatch:" + std::to_string(d->institution_id), http::Json({{"type", "dispatch"}, {"dispatch", monitoring::dispatch_json(*d)}}).dump());
  if (!d->origin.empty() && dir.channel_dispatch_changed) dir.channel_dispatch_changed(*d);
}

void Service::tick(int64_t now) {
  auto& I = *impl_;
  // Silence: the engine's sweep, folded and committed like any other alert.
  {
    I.enter();
    struct Leave {
      Service::Impl& I;
      ~Leave() { I.leave(); }
    } leave{I};
    auto batch = std::make_shared<Batch>();
    std::vector<Alert> alerts;
    std::future<Result<void>> committed;
    {
      std::lock_guard lock(I.mu);
      I.engine.tick(now, alerts);
      for (const auto& a : alerts) I.fold(a, *batch);
      if (!batch->incidents.empty()) committed = I.enqueue(batch);
    }
    if (committed.valid()) (void)committed.get();
  }
  // Escalations: incidents nobody took, dispatches nobody accepted. A plain read first, so the
  // write lock is taken only when there is something to escalate.
  const long long take_before = now - I.opt.take_timeout_s * 1000LL, accept_before = now - I.opt.accept_timeout_s * 1000LL;
  {
    auto lease = I.db.lease();
    if (!lease) return;
    try {
      if (I.escalations_due(**lease, take_before, accept_before) == 0) return;
    } catch (const std::exception& e) {
      spdlog::error("monitoring: escalation sweep: {}", e.what());
      return;
    }
  }
  auto escalated = I.db.transaction<std::pair<std::vector<int64_t>, std::vector<int64_t>>>(
      [&](soci::session& s) -> Result<std::pair<std::vector<int64_t>, std::vector<int64_t>>> {
        std::vector<int64_t> incidents = I.escalate_untaken(s, take_before), dispatches;
        for (int64_t id : incidents) {
          I.insert_action(s, id, "escalada", "Nadie tomó la alerta dentro de " + std::to_string(I.opt.take_timeout_s) + " s.", "",
                          std::nullopt, std::nullopt);
        }
        for (const auto& [id, incident, kind] : I.escalate_unaccepted(s, accept_before)) {
          dispatches.push_back(id);
          std::string note = "La unidad no aceptó el despacho dentro de " + std::to_string(I.opt.accept_timeout_s) + " s.";
          // A municipal unit that does not answer: the police are sent as well.
          if (kind == "municipal" && I.dir.police_unit)
            if (auto police = I.dir.police_unit()) {
              dispatches.push_back(I.insert_dispatch(s, incident, *police, "Despacho automático: " + note, std::nullopt));
              note += " Se despachó a " + police->name + ".";
            }
          I.insert_action(s, incident, "escalada", note, "", std::nullopt, std::nullopt);
          incidents.push_back(incident);
        }
        if (!incidents.empty() || !dispatches.empty()) {
          audit::Entry e;
          e.action = "monitoring.escalate";
          e.object = "monitoring_incidents";
          e.outcome = "ok";
          e.detail = std::to_string(incidents.size()) + " alertas, " + std::to_string(dispatches.size()) + " despachos";
          I.audit.append(s, e);
        }
        return std::make_pair(incidents, dispatches);
      });
  if (!escalated) {
    spdlog::error("monitoring: escalation sweep: {}", escalated.error().message);
    return;
  }
  if (escalated->first.empty() && escalated->second.empty()) return;
  I.publish_after(escalated->first, escalated->second);
}

Result<int64_t> Service::purge_positions(int64_t now) {
  PurgeHeld held;
  if (impl_->opt.holds) {
    auto h = impl_->opt.holds("positions");
    if (!h) return fail(h.error());  // holds unreadable: nothing is deleted
    held = *h;
  }
  auto t = purge_positions(now, held, false);
  if (!t) return fail(t.error());
  return t->purged;
}

Result<PurgeTally> Service::purge_positions(int64_t now, const PurgeHeld& held, bool dry_run) {
  auto& I = *impl_;
  const long long cutoff = now - static_cast<long long>(I.opt.retention_days) * 86'400'000LL;
  const long long margin = static_cast<long long>(I.opt.evidence_margin_min) * 60'000LL;
  return I.db.transaction<PurgeTally>([&](soci::session& s) -> Result<PurgeTally> {
    PurgeTally t;
    for (const auto& d : I.positions_due(s, cutoff, margin)) {
      t.exempt += d.evidence;
      const int64_t due = d.total - d.evidence;
      if (due == 0) continue;
      if (held && held(std::to_string(d.order_id), d.persons)) {
        t.held += due;
        continue;
      }
      t.due += due;
      if (!dry_run) t.purged += I.purge_positions(s, cutoff, margin, d.order_id);
    }
    const int64_t orphans = I.orphan_positions_due(s, cutoff);
    t.due += orphans;
    if (!dry_run && orphans > 0) t.purged += I.purge_orphan_positions(s, cutoff);
    if (dry_run) return t;
    audit::Entry e;
    e.action = "monitoring.purge_positions";
    e.object = "monitoring_positions";
    e.outcome = "ok";
    e.detail = std::to_string(t.purged) + " posiciones anteriores a " + iso8601_utc(cutoff) +
               (t.held ? "; " + std::to_string(t.held) + " retenidas por orden legal" : "");
    I.audit.append(s, e);
    return t;
  });
}

}  // namespace eq::monitoring
