// The engine hosted live: start-up from the database, device authentication, ingest with group
// commit (a request is answered only after its positions and alerts are durable), folding of
// alerts into incidents, silence and escalation sweeps, retention.
#include <algorithm>
#include <cmath>
#include <climits>
#include <iostream>
#include <set>

#include "core/time.h"
#include "monitoring/service_impl.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::monitoring {

using store::get_double;
using store::get_int;
using store::get_opt_double;
using store::get_str;
using store::Query;

namespace {

constexpr size_t kRecentPerDevice = 256;  // instants remembered per device for duplicate detection

std::string fold_key(const Alert& a) {
  return std::string(to_string(a.type)) + "|" + a.device_id + "|" + std::to_string(a.order_id) + "|" +
         std::to_string(a.zone_id) + "|" + std::to_string(a.victim_person_id);
}

std::string position_message(const std::string& device_id, DeviceKind kind, int64_t order_id, const Fix& f) {
  http::Json j = {{"type", "position"}, {"device_id", device_id}, {"kind", to_string(kind)}, {"order_id", order_id},
                  {"lat", f.lat}, {"lon", f.lon}, {"at", f.at},
                  {"battery", f.battery_pct >= 0 ? http::Json(f.battery_pct) : http::Json(nullptr)}};
  return j.dump();
}

http::Json rejection_json(size_t index, Reject r, const Config& c) {
  std::string field = "lat", message;
  switch (r) {
    case Reject::bad_coordinates: message = "Coordenadas inválidas (fuera de rango, vacías o 0,0)."; break;
    case Reject::bad_timestamp:
      field = "timestamp";
      message = "La hora del dispositivo es anterior al año 2000 o está más de " + std::to_string(c.max_future_ms / 60'000) +
                " minutos en el futuro (revise su reloj).";
      break;
    case Reject::absurd_speed:
      message = "La posición implica una velocidad de más de " + std::to_string(static_cast<int>(c.max_speed_kmh)) +
                " km/h desde la anterior: se descarta como error del GPS.";
      break;
    case Reject::unknown_device: field = "id"; message = std::string(reason_es(r)); break;
  }
  return {{"index", index}, {"field", field}, {"code", std::string(to_string(r))}, {"message", message}};
}

bool recently_stored(const std::deque<int64_t>& recent, int64_t at) {
  return std::find(recent.rbegin(), recent.rend(), at) != recent.rend();
}

void remember(std::deque<int64_t>& recent, int64_t at) {
  recent.push_back(at);
  if (recent.size() > kRecentPerDevice) recent.pop_front();
}

}  // namespace

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
  auto lease = I.db.lease();
  if (!lease) return fail(lease.error());
  soci::session& s = **lease;
  try {
    std::lock_guard lock(I.mu);
    for (const auto& o : I.orders(s))
      if (auto ok = I.add_to_engine(o, I.zones(s, o.id)); !ok) return ok;
    std::vector<std::pair<std::string, Device>> devs;
    Query("SELECT device_id, order_id, kind, secret_hash FROM monitoring_devices WHERE active = 1 ORDER BY id")
        .each(s, [&](const soci::row& r) {
          Device d;
          d.id = get_str(r, 0);
          d.order_id = get_int(r, 1);
          d.kind = parse_device_kind(get_str(r, 2), "kind").value_or(DeviceKind::victim_mobile);
          d.person_id = is_aggressor(d.kind) ? aggressor_person(d.order_id) : victim_person(d.order_id);
          devs.emplace_back(get_str(r, 3), d);
        });
    for (const auto& [hash, d] : devs) {
      if (auto ok = I.engine.add_device(d); !ok) return ok;
      auto& info = I.devices[d.id];
      info.secret_hash = hash;
      info.order_id = d.order_id;
      info.kind = d.kind;
      info.handle = static_cast<uint32_t>(I.engine.device_handle(d.id));
    }
    // Retired devices keep their kind for the messages of incidents they raised.
    Query("SELECT device_id, kind FROM monitoring_devices").each(s, [&](const soci::row& r) { I.device_kinds[get_str(r, 0)] = get_str(r, 1); });
    // Each device's recent instants (duplicates after a restart) and its last position: fed to the
    // engine to restore zone and distance state; the alerts that raises were committed long ago.
    std::vector<Alert> discarded;
    for (auto& [id, info] : I.devices) {
      std::vector<PositionRow> last;
      // Only the newest fix is opened (one decryption per device): the others give their instants.
      Query("SELECT at, received_at, loc_enc, battery FROM monitoring_positions WHERE device_id = :d "
            "ORDER BY at DESC LIMIT " + std::to_string(kRecentPerDevice))
          .bind("d", id)
          .each(s, [&](const soci::row& r) {
            PositionRow p;
            p.fix.at = get_int(r, 0);
            p.fix.received_at = get_int(r, 1);
            p.fix.has_fix = !store::is_null(r, 2);
            p.loc_enc = p.fix.has_fix ? get_str(r, 2) : std::string();  // opened below, for the newest only
            p.fix.battery_pct = store::is_null(r, 3) ? -1 : static_cast<int16_t>(get_int(r, 3));
            last.push_back(p);
          });
      for (auto it = last.rbegin(); it != last.rend(); ++it) remember(info.recent, it->fix.at);
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
    Query("SELECT id, order_id, type, severity, device_id, zone_id, victim_person_id, fold_key, first_at, last_at, count, "
          "loc_enc, distance_m, battery, comuna_id FROM monitoring_incidents WHERE state <> 'cerrada'")
        .each(s, [&](const soci::row& r) {
          IncidentRow in;
          in.id = get_int(r, 0);
          in.order_id = get_int(r, 1);
          in.type = alert_type_from(get_str(r, 2));
          in.severity = severity_from(get_str(r, 3));
          in.device_id = get_str(r, 4);
          in.zone_id = get_int(r, 5);
          in.victim_person_id = get_int(r, 6);
          in.fold_key = get_str(r, 7);
          in.first_at = get_int(r, 8);
          in.last_at = get_int(r, 9);
          in.count = static_cast<int>(get_int(r, 10));
          if (auto at = I.open_point(r, 11)) {
            in.lat = at->lat;
            in.lon = at->lon;
          }
          in.distance_m = get_opt_double(r, 12).value_or(NAN);
          in.battery = store::is_null(r, 13) ? -1 : static_cast<int>(get_int(r, 13));
          in.comuna_id = get_str(r, 14);
          I.open[in.fold_key] = in;
        });
    for (auto& [key, in] : I.open)
      if (auto v = I.incident(s, in.id)) {
        in.state = v->state;
        in.escalated = v->escalated;
        in.taken_by = v->taken_by;
        in.dispatch = v->dispatch;
      }
    I.next_incident = Query("SELECT COALESCE(MAX(id), 0) + 1 FROM monitoring_incidents").scalar(s).value_or(1);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  I.writer = std::thread([&I] { I.write_loop(); });
  return {};
}

void Service::stop() {
  auto& I = *impl_;
  {
    std::lock_guard lock(I.qmu);
    I.stopping = true;
  }
  I.qcv.notify_all();
  if (I.writer.joinable()) I.writer.join();
}

std::string Service::Impl::comuna_for(double lat, double lon, int64_t order_id) {
  if (std::isfinite(lat) && std::isfinite(lon) && dir.comuna_of)
    if (auto c = dir.comuna_of(lat, lon)) return *c;
  auto it = order_comuna.find(order_id);
  return it == order_comuna.end() ? std::string() : it->second;
}

// Under mu. A repeat within the fold window of an open incident updates it (count, last place);
// otherwise a new incident opens. Every raised alert is kept as evidence either way.
void Service::Impl::fold(const Alert& a, Batch& b) {
  const std::string key = fold_key(a);
  auto it = open.find(key);
  if (it == open.end() || a.at - it->second.last_at > opt.engine.fold_window_ms) {
    IncidentRow in;
    in.id = next_incident++;
    in.order_id = a.order_id;
    in.type = a.type;
    in.severity = a.severity;
    in.device_id = a.device_id;
    in.zone_id = a.zone_id;
    in.victim_person_id = a.victim_person_id;
    in.fold_key = key;
    in.first_at = a.at;
    in.comuna_id = comuna_for(a.lat, a.lon, a.order_id);
    it = open.insert_or_assign(key, in).first;
  }
  auto& in = it->second;
  in.last_at = std::max(in.last_at, a.at);
  in.count += 1;
  if (std::isfinite(a.lat)) {
    in.lat = a.lat;
    in.lon = a.lon;
  }
  if (std::isfinite(a.distance_m) && !(a.distance_m >= in.distance_m)) in.distance_m = a.distance_m;
  if (a.battery_pct >= 0) in.battery = a.battery_pct;
  b.incidents[in.id] = in;  // written as an upsert: new or updated alike
  b.alerts.push_back({in.id, a});
}

void Service::Impl::forget_incident(int64_t id) {
  std::lock_guard lock(mu);
  for (auto it = open.begin(); it != open.end(); ++it)
    if (it->second.id == id) {
      open.erase(it);
      return;
    }
}

std::future<Result<void>> Service::Impl::enqueue(std::shared_ptr<Batch> b) {
  auto f = b->done.get_future();
  {
    std::lock_guard lock(qmu);
    queue.push_back(std::move(b));
  }
  qcv.notify_one();
  return f;
}

Result<IngestSummary> Service::ingest(const Credentials& who, std::vector<Position> positions, const std::string& client) {
  auto& I = *impl_;
  IngestSummary sum;
  if (positions.empty()) return sum;
  if (positions.size() > 1000)
    return fail(Error::invalid("positions", "Se aceptan como máximo 1.000 posiciones por envío.", "too_many"));
  const int64_t now = now_ms();
  auto batch = std::make_shared<Batch>();
  std::future<Result<void>> committed;
  // Each fix is sealed here, on the request's thread and before the engine's lock, so neither the
  // engine nor the single writer pays for the encryption of everyone's positions.
  std::vector<std::string> sealed(positions.size());
  for (size_t i = 0; i < positions.size(); ++i)
    if (const Fix& f = positions[i].fix; f.has_fix && std::isfinite(f.lat) && std::isfinite(f.lon)) sealed[i] = I.seal_point(f.lat, f.lon);
  {
    std::lock_guard lock(I.mu);
    auto dev = I.devices.find(who.device_id);
    // The secret is checked before any limit: a device with its own secret (a panic press above
    // all) is never refused because someone else failed from the same address or with its id.
    // Checking first gives a guesser nothing: a secret is 24 random bytes.
    const bool known = dev != I.devices.end();
    if (!known || !crypto::equal_constant_time(dev->second.secret_hash, crypto::sha256_hex(who.secret))) {
      ++I.auth_failures;
      // Unknown ids are counted per address (they name no device to count against), wrong
      // secrets per device; the same answer either way, since ids are guessable.
      const bool allowed = known ? I.device_failures.allow("device|" + who.device_id) : I.unknown_failures.allow("address|" + client);
      if (!allowed) return fail(Error{429, "rate_limited", "Demasiados intentos fallidos con ese dispositivo. Espere un momento.", "key"});
      return fail(Error{401, "device_unauthenticated", "Dispositivo no reconocido o clave incorrecta.", "key"});
    }
    auto& info = dev->second;
    // Device time order: a tracker emptying its buffer after a tunnel is evaluated in the order
    // things happened, so buffered fixes are evaluated rather than discarded as stale.
    std::vector<size_t> order(positions.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return positions[a].fix.at < positions[b].fix.at; });
    // Instants older than those remembered may still be stored (a resend of an old buffer): one
    // look-up for the whole request, so a resent alarm is a duplicate and not a second alert.
    std::set<int64_t> stored_before;
    int64_t oldest = INT64_MAX, newest = INT64_MIN;
    for (const auto& p : positions)
      if (info.recent.size() >= kRecentPerDevice && p.fix.at != 0 && p.fix.at < info.recent.front()) {
        oldest = std::min(oldest, p.fix.at);
        newest = std::max(newest, p.fix.at);
      }
    if (oldest <= newest) {
      auto lease = I.db.lease();
      if (!lease) return fail(lease.error());
      try {
        Query("SELECT at FROM monitoring_positions WHERE device_id = :d AND at >= :lo AND at <= :hi")
            .bind("d", who.device_id)
            .bind("lo", static_cast<long long>(oldest))
            .bind("hi", static_cast<long long>(newest))
            .each(**lease, [&](const soci::row& r) { stored_before.insert(get_int(r, 0)); });
      } catch (const std::exception& e) {
        return fail(store::database_error(e));
      }
    }
    const bool watched = I.hub->size() > 0;
    std::vector<Alert> alerts;
    for (size_t i : order) {
      Fix f = positions[i].fix;
      if (f.received_at == 0) f.received_at = now;
      if (f.at == 0) f.at = f.received_at;
      PositionRow row{who.device_id, f, "", std::move(sealed[i])};
      if (recently_stored(info.recent, f.at) || stored_before.count(f.at)) {
        ++sum.duplicates;
        continue;  // stored already (a resend): neither stored again nor evaluated again
      }
      alerts.clear();
      Outcome out = I.engine.ingest(info.handle, f, alerts);
      switch (out.status) {
        case Status::accepted:
          ++sum.accepted;
          row.status = "accepted";
          if (f.has_fix && watched) batch->position_messages.push_back(position_message(who.device_id, info.kind, info.order_id, f));
          break;
        case Status::stale: ++sum.stale; row.status = "stale"; break;
        case Status::duplicate: ++sum.duplicates; continue;
        case Status::rejected:
          ++sum.rejected;
          sum.errors.push_back(rejection_json(i, out.reason, I.opt.engine));
          continue;  // counted by the engine, not stored
      }
      remember(info.recent, f.at);
      batch->positions.push_back(std::move(row));
      for (const auto& a : alerts) I.fold(a, *batch);
      sum.alerts += static_cast<int>(alerts.size());
    }
    if (batch->positions.empty()) return sum;
    // Enqueued under mu, so batches reach the writer in the order the engine saw them.
    committed = I.enqueue(batch);
  }
  auto ok = committed.get();
  if (!ok) {
    // Not durable: forget the instants so the device's retry is stored, not taken as a duplicate.
    std::lock_guard lock(I.mu);
    auto& recent = I.devices[who.device_id].recent;
    for (const auto& p : batch->positions) recent.erase(std::remove(recent.begin(), recent.end(), p.fix.at), recent.end());
    return fail(ok.error());
  }
  return sum;
}

void Service::Impl::write_loop() {
  for (;;) {
    std::vector<std::shared_ptr<Batch>> batches;
    {
      std::unique_lock lock(qmu);
      qcv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty() && stopping) return;
      // Everything queued meanwhile goes in one transaction: one commit for many requests.
      while (!queue.empty() && batches.size() < 512) {
        batches.push_back(std::move(queue.front()));
        queue.pop_front();
      }
    }
    auto ok = commit(batches);
    for (auto& b : batches) b->done.set_value(ok ? Result<void>() : Result<void>(fail(ok.error())));
    if (!ok) continue;
    ++commits;
    // Published only once durable: the console never shows an alert the database could lose.
    // Alerts go out before the positions of the same commit, which may be thousands.
    // Built from the rows just committed (the last state of each incident in this commit).
    if (hub->size() > 0) {
      std::map<int64_t, const IncidentRow*> touched;
      for (auto& b : batches)
        for (const auto& [id, in] : b->incidents) touched[id] = &in;
      for (const auto& [id, in] : touched) hub->publish("incident", incident_message(*in));
    }
    for (auto& b : batches)
      for (auto& m : b->position_messages) hub->publish("position", std::move(m));
  }
}

Result<void> Service::Impl::commit(std::vector<std::shared_ptr<Batch>>& batches) {
  const long long now = now_ms();
  // Bulk-bound statements: prepared once per commit, executed for every row, built before the
  // transaction (positions come sealed from ingest: one AEAD per row).
  std::vector<std::string> dev;
  std::vector<long long> at, rec, alarms, battery;
  std::vector<std::string> loc;
  std::vector<double> speed, acc;
  std::vector<soci::indicator> loc_i, speed_i, acc_i, bat_i;
  std::vector<std::string> status;
  for (auto& b : batches)
    for (const auto& p : b->positions) {
      const Fix& f = p.fix;
      dev.push_back(p.device_id);
      at.push_back(f.at);
      rec.push_back(f.received_at);
      loc.push_back(!f.has_fix ? std::string() : !p.loc_enc.empty() ? p.loc_enc : seal_point(f.lat, f.lon));
      loc_i.push_back(f.has_fix ? soci::i_ok : soci::i_null);
      speed.push_back(std::isfinite(f.speed_kmh) ? f.speed_kmh : 0.0);
      speed_i.push_back(std::isfinite(f.speed_kmh) ? soci::i_ok : soci::i_null);
      acc.push_back(std::isfinite(f.accuracy_m) ? f.accuracy_m : 0.0);
      acc_i.push_back(std::isfinite(f.accuracy_m) ? soci::i_ok : soci::i_null);
      battery.push_back(f.battery_pct);
      bat_i.push_back(f.battery_pct >= 0 ? soci::i_ok : soci::i_null);
      alarms.push_back(f.alarms);
      status.push_back(p.status);
    }
  return db.transaction<void>([&](soci::session& s) -> Result<void> {
    if (!dev.empty()) {
      s << "INSERT INTO monitoring_positions(device_id, at, received_at, loc_enc, speed_kmh, accuracy_m, battery, alarms, status) "
           "VALUES(:d, :at, :rec, :loc, :speed, :acc, :bat, :alarms, :status) ON CONFLICT (device_id, at) DO NOTHING",
          soci::use(dev), soci::use(at), soci::use(rec), soci::use(loc, loc_i), soci::use(speed, speed_i),
          soci::use(acc, acc_i), soci::use(battery, bat_i), soci::use(alarms), soci::use(status);
    }
    for (auto& b : batches) {
      for (const auto& [id, in] : b->incidents) {
        auto q = Query(
            "INSERT INTO monitoring_incidents(id, order_id, type, severity, device_id, zone_id, victim_person_id, fold_key, "
            "first_at, last_at, count, loc_enc, distance_m, battery, comuna_id, state, created_at) VALUES(:id, :o, :type, :sev, "
            ":dev, :zone, :victim, :key, :first, :last, :count, :loc, :dist, :bat, :comuna, 'nueva', :now) "
            "ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at, count = excluded.count, loc_enc = excluded.loc_enc, "
            "distance_m = excluded.distance_m, battery = excluded.battery");
        q.bind("id", static_cast<long long>(id))
            .bind("o", static_cast<long long>(in.order_id))
            .bind("type", std::string(to_string(in.type)))
            .bind("sev", std::string(to_string(in.severity)))
            .bind("dev", in.device_id)
            .bind_opt("zone", in.zone_id ? std::optional<long long>(in.zone_id) : std::nullopt)
            .bind_opt("victim", in.victim_person_id ? std::optional<long long>(in.victim_person_id) : std::nullopt)
            .bind("key", in.fold_key)
            .bind("first", static_cast<long long>(in.first_at))
            .bind("last", static_cast<long long>(in.last_at))
            .bind("count", static_cast<long long>(in.count))
            .bind_opt("loc", std::isfinite(in.lat) && std::isfinite(in.lon) ? std::optional<std::string>(seal_point(in.lat, in.lon))
                                                                           : std::nullopt)
            .bind_opt_double("dist", std::isfinite(in.distance_m) ? std::optional<double>(in.distance_m) : std::nullopt)
            .bind_opt("bat", in.battery >= 0 ? std::optional<long long>(in.battery) : std::nullopt)
            .bind("comuna", in.comuna_id)
            .bind("now", now)
            .exec(s);
      }
      for (const auto& ar : b->alerts) {
        const Alert& a = ar.alert;
        Query("INSERT INTO monitoring_alerts(incident_id, type, device_id, at, loc_enc, distance_m, battery, committed_at) "
              "VALUES(:i, :type, :dev, :at, :loc, :dist, :bat, :now)")
            .bind("i", static_cast<long long>(ar.incident_id))
            .bind("type", std::string(to_string(a.type)))
            .bind("dev", a.device_id)
            .bind("at", static_cast<long long>(a.at))
            .bind_opt("loc", std::isfinite(a.lat) && std::isfinite(a.lon) ? std::optional<std::string>(seal_point(a.lat, a.lon))
                                                                         : std::nullopt)
            .bind_opt_double("dist", std::isfinite(a.distance_m) ? std::optional<double>(a.distance_m) : std::nullopt)
            .bind_opt("bat", a.battery_pct >= 0 ? std::optional<long long>(a.battery_pct) : std::nullopt)
            .bind("now", now)
            .exec(s);
      }
    }
    return {};
  });
}

std::string Service::Impl::incident_message(const IncidentRow& in) {
  IncidentView v;
  v.id = in.id;
  v.order_id = in.order_id;
  v.type = to_string(in.type);
  v.severity = to_string(in.severity);
  v.device_id = in.device_id;
  v.comuna_id = in.comuna_id;
  v.first_at = in.first_at;
  v.last_at = in.last_at;
  v.count = in.count;
  if (std::isfinite(in.lat) && std::isfinite(in.lon)) v.at = LatLon{in.lat, in.lon};
  if (std::isfinite(in.distance_m)) v.distance_m = in.distance_m;
  if (in.battery >= 0) v.battery = in.battery;
  v.state = in.state;
  v.escalated = in.escalated;
  v.taken_by = in.taken_by;
  v.dispatch = in.dispatch;
  {
    std::lock_guard lock(mu);  // labels and kinds change with orders, zones and devices
    if (auto o = order_labels.find(in.order_id); o != order_labels.end()) {
      v.order_label = o->second.label;
      if (in.zone_id)
        if (auto z = o->second.zones.find(in.zone_id); z != o->second.zones.end()) v.zone_label = z->second;
    }
    if (in.zone_id) v.zone_id = in.zone_id;
    if (auto k = device_kinds.find(in.device_id); k != device_kinds.end()) v.device_kind = k->second;
  }
  return http::Json({{"type", "incident"}, {"incident", monitoring::incident_json(v)}}).dump();
}

void Service::Impl::remember(const IncidentView& v) {
  std::lock_guard lock(mu);
  for (auto& [key, in] : open)
    if (in.id == v.id) {
      in.state = v.state;
      in.escalated = v.escalated;
      in.taken_by = v.taken_by;
      in.dispatch = v.dispatch;
      return;
    }
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
    std::cerr << "monitoring: publish: " << e.what() << std::endl;
  }
}

void Service::Impl::publish_dispatch(soci::session& s, int64_t id) {
  auto d = dispatch(s, id);
  if (!d) return;
  hub->publish("dispatch:" + std::to_string(d->institution_id), http::Json({{"type", "dispatch"}, {"dispatch", monitoring::dispatch_json(*d)}}).dump());
}

void Service::tick(int64_t now) {
  auto& I = *impl_;
  // Silence: the engine's sweep, folded and committed like any other alert.
  {
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
      auto n = Query("SELECT (SELECT COUNT(*) FROM monitoring_incidents WHERE state = 'nueva' AND escalated = 0 AND created_at < :t) + "
                     "(SELECT COUNT(*) FROM monitoring_dispatches WHERE state = 'enviado' AND escalated = 0 AND created_at < :a)")
                   .bind("t", take_before)
                   .bind("a", accept_before)
                   .scalar(**lease);
      if (!n || *n == 0) return;
    } catch (const std::exception& e) {
      std::cerr << "monitoring: escalation sweep: " << e.what() << std::endl;
      return;
    }
  }
  auto escalated = I.db.transaction<std::pair<std::vector<int64_t>, std::vector<int64_t>>>(
      [&](soci::session& s) -> Result<std::pair<std::vector<int64_t>, std::vector<int64_t>>> {
        std::vector<int64_t> incidents, dispatches;
        Query("SELECT id FROM monitoring_incidents WHERE state = 'nueva' AND escalated = 0 AND created_at < :t")
            .bind("t", take_before)
            .each(s, [&](const soci::row& r) { incidents.push_back(get_int(r, 0)); });
        for (int64_t id : incidents) {
          Query("UPDATE monitoring_incidents SET escalated = 1 WHERE id = :id").bind("id", static_cast<long long>(id)).exec(s);
          I.insert_action(s, id, "escalada", "Nadie tomó la alerta dentro de " + std::to_string(I.opt.take_timeout_s) + " s.", "",
                          std::nullopt, std::nullopt);
        }
        std::vector<std::tuple<int64_t, int64_t, std::string>> late;
        Query("SELECT id, incident_id, unit_kind FROM monitoring_dispatches WHERE state = 'enviado' AND escalated = 0 AND created_at < :t")
            .bind("t", accept_before)
            .each(s, [&](const soci::row& r) { late.emplace_back(get_int(r, 0), get_int(r, 1), get_str(r, 2)); });
        for (const auto& [id, incident, kind] : late) {
          Query("UPDATE monitoring_dispatches SET escalated = 1 WHERE id = :id").bind("id", static_cast<long long>(id)).exec(s);
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
    std::cerr << "monitoring: escalation sweep: " << escalated.error().message << std::endl;
    return;
  }
  if (escalated->first.empty() && escalated->second.empty()) return;
  I.publish_after(escalated->first, escalated->second);
}

Result<int64_t> Service::purge_positions(int64_t now) {
  auto& I = *impl_;
  const long long cutoff = now - static_cast<long long>(I.opt.retention_days) * 86'400'000LL;
  const long long margin = static_cast<long long>(I.opt.evidence_margin_min) * 60'000LL;
  return I.db.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    // Positions around an incident of the device's order are evidence and stay.
    auto n = Query("DELETE FROM monitoring_positions WHERE received_at < :cutoff AND NOT EXISTS ("
                   "SELECT 1 FROM monitoring_devices d JOIN monitoring_incidents i ON i.order_id = d.order_id "
                   "WHERE d.device_id = monitoring_positions.device_id AND monitoring_positions.at >= i.first_at - :m1 "
                   "AND monitoring_positions.at <= i.last_at + :m2)")
                 .bind("cutoff", cutoff)
                 .bind("m1", margin)
                 .bind("m2", margin)
                 .exec(s);
    audit::Entry e;
    e.action = "monitoring.purge_positions";
    e.object = "monitoring_positions";
    e.outcome = "ok";
    e.detail = std::to_string(n) + " posiciones anteriores a " + iso8601_utc(cutoff);
    I.audit.append(s, e);
    return static_cast<int64_t>(n);
  });
}

}  // namespace eq::monitoring
