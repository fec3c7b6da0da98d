// Orders, their zones and devices: created from the case registry's protective order or by hand,
// watched by the engine while in force, ended by the court. Each change is one transaction with
// its audit entry, taken under the engine's lock so the engine and the database never disagree.
#include <algorithm>
#include <cmath>

#include "core/time.h"
#include "monitoring/access.h"
#include "monitoring/service_impl.h"
#include "store/with_session.h"

namespace eq::monitoring {

namespace {

std::vector<std::string> warnings_for(const OrderRow& o, const std::vector<Zone>& zones) {
  Order eo;
  eo.id = o.id;
  eo.min_distance_m = o.min_distance_m;
  eo.approach_m = o.approach_m;
  OrderContext ctx;
  ctx.zones = zones;
  ctx.aggressor_home = o.aggressor_home;
  ctx.victim_home = o.victim_home;
  return order_warnings(eo, ctx);
}

std::string order_number(int64_t id) { return "N° " + std::to_string(id); }

}  // namespace

Result<std::vector<OrderView>> Service::orders(const Caller& by) {
  auto& I = *impl_;
  return store::with_session<std::vector<OrderView>>(I.db, [&](soci::session& s) -> Result<std::vector<OrderView>> {
    std::vector<OrderView> out;
    for (const auto& o : I.orders(s))
      if (access::read_order(by.who, o.id, kNoOrder)) out.push_back(I.order_view(s, o));
    I.audit.append(s, entry_for(by, "monitoring.orders_read", "monitoring_orders"));
    return out;
  });
}

Result<OrderView> Service::order(const Caller& by, int64_t id) {
  auto& I = *impl_;
  if (auto ok = access::read_order(by.who, id, kNoOrder); !ok) return fail(ok.error());
  return store::with_session<OrderView>(I.db, [&](soci::session& s) -> Result<OrderView> {
    auto o = I.order(s, id);
    if (!o) return fail(Error::not_found(kNoOrder));
    I.audit.append(s, entry_for(by, "monitoring.order_read", "monitoring_order:" + std::to_string(id)));
    auto v = I.order_view(s, *o);
    v.warnings = warnings_for(*o, v.zones);
    return v;
  });
}

Result<CourtOrder> Service::court_order(const Caller& by, int64_t record_id) {
  auto& I = *impl_;
  if (!I.dir.court_order)
    return fail(Error::conflict("registry_unavailable", "El registro de causas no está disponible en esta instalación.", "record_id"));
  auto c = I.dir.court_order(record_id, by.who);
  if (!c) return fail(c.error());
  return c;
}

Result<OrderView> Service::create_order(const Caller& by, NewOrder cmd) {
  auto& I = *impl_;
  OrderRow o;
  o.label = cmd.label;
  o.court = cmd.court;
  o.comuna_id = cmd.comuna_id;
  o.victim_name = cmd.victim_name;
  o.aggressor_name = cmd.aggressor_name;
  o.victim_phone = cmd.victim_phone;
  o.aggressor_phone = cmd.aggressor_phone;
  o.victim_home = cmd.victim_home;
  o.aggressor_home = cmd.aggressor_home;
  o.starts_at = cmd.starts_at.value_or(now_ms());
  o.ends_at = cmd.ends_at;
  if (cmd.record_id) {
    // The registry's order is the order: its court, dates, distance, comuna and persons.
    auto c = court_order(by, *cmd.record_id);
    if (!c) return fail(c.error());
    o.record_id = c->record_id;
    o.victim_person_id = c->victim_person_id;
    o.aggressor_person_id = c->aggressor_person_id;
    o.victim_name = c->victim_name;
    o.aggressor_name = c->aggressor_name;
    o.court = c->court;
    if (!c->comuna_id.empty()) o.comuna_id = c->comuna_id;
    if (c->distance_m) cmd.min_distance_m = static_cast<double>(*c->distance_m);
    o.starts_at = c->starts_at ? c->starts_at : o.starts_at;
    o.ends_at = c->ends_at;
    if (o.label.empty()) o.label = "Medida del registro N° " + std::to_string(c->record_id);
    if (o.victim_name.empty() || o.aggressor_name.empty())
      return fail(Error::invalid("record_id", "La medida del registro no tiene víctima y agresor identificados.", "incomplete_record"));
  }
  if (o.comuna_id.empty() || !I.dir.comuna_exists || !I.dir.comuna_exists(o.comuna_id))
    return fail(Error::invalid("comuna_id", "Indique el código de una comuna existente, por ejemplo 13101 (Santiago).", "invalid_comuna"));
  if (!cmd.min_distance_m || !std::isfinite(*cmd.min_distance_m) || *cmd.min_distance_m < 50 || *cmd.min_distance_m > 10000)
    return fail(Error::invalid("min_distance_m", "La distancia mínima debe estar entre 50 y 10.000 metros.", cmd.min_distance_m ? "out_of_range" : "required"));
  o.min_distance_m = *cmd.min_distance_m;
  o.approach_m = std::max(o.min_distance_m * 2, I.opt.engine.approach_m);
  if (cmd.approach_m) {
    if (*cmd.approach_m <= o.min_distance_m)
      return fail(Error::invalid("approach_m", "La distancia de aviso debe ser mayor que la distancia mínima.", "out_of_range"));
    o.approach_m = *cmd.approach_m;
  }
  if (o.ends_at && *o.ends_at <= o.starts_at)
    return fail(Error::invalid("ends_on", "El término debe ser posterior al inicio.", "invalid_date"));
  // Engine lock before the database, the order ingest takes them in.
  std::lock_guard lock(I.mu);
  auto created = I.db.transaction<OrderView>([&](soci::session& s) -> Result<OrderView> {
    if (o.record_id)
      if (auto existing = I.order_of_record(s, *o.record_id))
        return fail(Error::conflict("record_already_monitored",
                                    "Esa medida del registro ya tiene un monitoreo: la medida de monitoreo " + order_number(*existing) +
                                        ". Ábrala en vez de crear otra.",
                                    "record_id"));
    o.id = I.insert_order(s, o, by.who.user_id);
    o.status = "vigente";
    I.audit.append(s, entry_for(by, "monitoring.order_create", "monitoring_order:" + std::to_string(o.id)));
    // Added inside the transaction: a refusal of the engine rolls the row back.
    if (auto ok = I.add_to_engine(o, {}); !ok) return fail(ok.error());
    auto v = I.order_view(s, o);
    v.warnings = warnings_for(o, {});
    return v;
  });
  if (created) I.changed();
  return created;
}

Result<ZoneAdded> Service::add_zone(const Caller& by, NewZone cmd) {
  auto& I = *impl_;
  if (auto ok = access::change_order(by.who, cmd.order_id, kNoOrder); !ok) return fail(ok.error());
  Zone& z = cmd.zone;
  z.order_id = cmd.order_id;
  std::lock_guard lock(I.mu);
  auto added = I.db.transaction<ZoneAdded>([&](soci::session& s) -> Result<ZoneAdded> {
    auto o = I.order(s, cmd.order_id);
    if (!o) return fail(Error::not_found(kNoOrder));
    if (o->status == "terminada") return fail(Error::conflict("order_ended", "La medida está terminada: no se le agregan zonas.", "order_id"));
    z.id = I.insert_zone(s, z);
    auto all = I.zones(s, cmd.order_id);
    I.audit.append(s, entry_for(by, "monitoring.zone_create", "monitoring_order:" + std::to_string(cmd.order_id)));
    // The engine has the last word on the geometry (a self-intersecting polygon…): its refusal
    // rolls the row back, so the database never holds a zone the engine does not watch.
    if (auto ok = I.engine.add_zone(z); !ok) return fail(ok.error());
    I.order_labels[z.order_id].zones[z.id] = z.label;
    return ZoneAdded{z, warnings_for(*o, all)};
  });
  if (added) I.changed();
  return added;
}

// The court lifts the order, or it is replaced: zones and distances stop being watched, its
// devices are retired (their positions are refused from now on) and the row keeps why and who.
Result<OrderView> Service::end_order(const Caller& by, const EndOrder& cmd) {
  auto& I = *impl_;
  if (auto ok = access::change_order(by.who, cmd.order_id, kNoOrder); !ok) return fail(ok.error());
  std::vector<std::string> retired;
  std::lock_guard lock(I.mu);
  auto ended = I.db.transaction<OrderView>([&](soci::session& s) -> Result<OrderView> {
    auto o = I.order(s, cmd.order_id);
    if (!o) return fail(Error::not_found(kNoOrder));
    if (o->status == "terminada") return fail(Error::conflict("order_ended", "La medida ya está terminada.", "status"));
    // Never before it starts (an order ended before its first day is in force 1 ms, i.e. never),
    // never after a term it already had.
    int64_t at = std::max(now_ms(), o->starts_at + 1);
    if (o->ends_at) at = std::min(at, *o->ends_at);
    I.end_order(s, cmd.order_id, at, cmd.reason, by.who.user_id);
    retired = I.retire_devices(s, cmd.order_id);
    I.audit.append(s, entry_for(by, "monitoring.order_end", "monitoring_order:" + std::to_string(cmd.order_id)));
    if (auto ok = I.engine.end_order(cmd.order_id, at); !ok) return fail(ok.error());
    o->status = "terminada";
    o->ends_at = at;
    o->ended_reason = cmd.reason;
    return I.order_view(s, *o);
  });
  if (!ended) return ended;
  for (const auto& d : retired) I.devices.erase(d);
  I.changed();
  return ended;
}

Result<DeviceAdded> Service::add_device(const Caller& by, const NewDevice& cmd) {
  auto& I = *impl_;
  if (auto ok = access::change_order(by.who, cmd.order_id, kNoOrder); !ok) return fail(ok.error());
  Device d;
  d.id = cmd.device_id;
  d.kind = cmd.kind;
  d.order_id = cmd.order_id;
  const std::string secret = crypto::random_token(24);
  auto created = I.register_device(d, secret, entry_for(by, "monitoring.device_create", "monitoring_order:" + std::to_string(cmd.order_id)));
  if (!created) return fail(created.error());
  return DeviceAdded{*created, secret};
}

Result<DeviceView> Service::Impl::register_device(Device d, const std::string& secret, const audit::Entry& entry) {
  d.person_id = is_aggressor(d.kind) ? aggressor_person(d.order_id) : victim_person(d.order_id);
  const std::string hash = crypto::sha256_hex(secret);
  // Engine lock before the database, as ingest and end_order: an order cannot end between this
  // device's row and its entry in memory.
  std::lock_guard lock(mu);
  auto created = db.transaction<DeviceView>([&](soci::session& s) -> Result<DeviceView> {
    auto o = order(s, d.order_id);
    if (!o) return fail(Error::not_found(kNoOrder));
    if (o->status == "terminada")
      return fail(Error::conflict("order_ended", "La medida está terminada: no se le agregan dispositivos.", "order_id"));
    if (device_exists(s, d.id)) return fail(Error::conflict("duplicate_device", "Ya existe un dispositivo con ese identificador.", "device_id"));
    insert_device(s, d, hash);
    audit.append(s, entry);
    if (auto ok = engine.add_device(d); !ok) return fail(ok.error());
    return DeviceView{d.id, d.kind, true, std::nullopt};
  });
  if (!created) return created;
  auto& info = devices[d.id];
  info.secret_hash = hash;
  info.order_id = d.order_id;
  info.kind = d.kind;
  info.handle = static_cast<uint32_t>(engine.device_handle(d.id));
  device_kinds[d.id] = to_string(d.kind);
  changed();
  return created;
}

Result<Track> Service::trail(const Caller& by, int64_t order_id, int minutes) {
  auto& I = *impl_;
  if (auto ok = access::read_order(by.who, order_id, kNoOrder); !ok) return fail(ok.error());
  return store::with_session<Track>(I.db, [&](soci::session& s) -> Result<Track> {
    if (!I.order(s, order_id)) return fail(Error::not_found(kNoOrder));
    I.audit.append(s, entry_for(by, "monitoring.trail_read", "monitoring_order:" + std::to_string(order_id)));
    const int64_t now = now_ms();
    return I.track(s, order_id, now - minutes * 60'000LL, now + 60'000);
  });
}

Result<std::vector<PersonOrder>> Service::orders_of_person(int64_t person_id) {
  auto& I = *impl_;
  return store::with_session<std::vector<PersonOrder>>(I.db, [&](soci::session& s) -> Result<std::vector<PersonOrder>> {
    std::vector<PersonOrder> out;
    for (const auto& o : I.orders_of_person(s, person_id)) {
      PersonOrder p;
      p.order_id = o.id;
      p.record_id = o.record_id.value_or(0);
      p.role = o.victim_person_id == person_id ? "victim" : "aggressor";
      p.status = o.status;
      p.starts_at = o.starts_at;
      p.ends_at = o.ends_at;
      p.incidents = I.incidents_of_order(s, o.id, 20);
      out.push_back(std::move(p));
    }
    return out;
  });
}

}  // namespace eq::monitoring
