// Where a position becomes an alert: a device's positions are authenticated, handed to the engine
// (engine.cc decides what each one means), the alerts it raises are folded into incidents, and
// everything is queued for the single writer, which commits many requests in one transaction
// (repository.cc, store_batches) and only then answers them and tells the consoles.
#include <algorithm>
#include <cmath>
#include <climits>
#include <iostream>
#include <set>

#include "core/log.h"
#include "core/time.h"
#include "http/stages.h"
#include "monitoring/service_impl.h"

namespace eq::monitoring {

namespace {

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

// A report without a GPS fix: the device is alive (time, battery) but its place is unknown; the
// console keeps showing the last fix with its age, never this report as a place.
std::string no_fix_message(const std::string& device_id, DeviceKind kind, int64_t order_id, const Fix& f) {
  http::Json j = {{"type", "position"}, {"device_id", device_id}, {"kind", to_string(kind)}, {"order_id", order_id},
                  {"no_fix", true}, {"report_at", f.at},
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


}  // namespace

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
    in.place_at = a.place_at;
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


Result<void> Service::Impl::authenticate(const std::string& device_id, const std::optional<std::string>& secret_hash,
                                         const Credentials& who, const std::string& client) {
  // The secret is checked before any limit: a device with its own secret (a panic press above
  // all) is never refused because someone else failed from the same address or with its id.
  // Checking first gives a guesser nothing: a secret is 24 random bytes.
  if (secret_hash && crypto::equal_constant_time(*secret_hash, crypto::sha256_hex(who.secret))) return {};
  ++auth_failures;
  // Unknown ids are counted per address (they name no device to count against), wrong
  // secrets per device; the same answer either way, since ids are guessable.
  const bool allowed = secret_hash ? device_failures.allow("device|" + device_id) : unknown_failures.allow("address|" + client);
  if (!allowed) return fail(Error{429, "rate_limited", "Demasiados intentos fallidos con ese dispositivo. Espere un momento.", "key"});
  return fail(Error{401, "device_unauthenticated", "Dispositivo no reconocido o clave incorrecta.", "key"});
}

Result<void> Service::Impl::evaluate(DeviceInfo& info, const std::string& device_id, std::vector<Position>& positions,
                                     std::vector<std::string>& sealed, std::vector<std::string>& sealed_report, int64_t now,
                                     Batch& batch, IngestSummary& sum) {
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
    auto lease = db.lease();
    if (!lease) return fail(lease.error());
    try {
      stored_before = stored_instants(**lease, device_id, oldest, newest);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  const bool watched = hub->size() > 0;
  std::vector<Alert> alerts;
  for (size_t i : order) {
    Fix f = positions[i].fix;
    if (f.received_at == 0) f.received_at = now;
    if (f.at == 0) f.at = f.received_at;
    PositionRow row{device_id, f, "", std::move(sealed[i]), std::move(sealed_report[i])};
    if (recently_stored(info.recent, f.at) || stored_before.count(f.at)) {
      ++sum.duplicates;
      continue;  // stored already (a resend): neither stored again nor evaluated again
    }
    alerts.clear();
    Outcome out = engine.ingest(info.handle, f, alerts);
    switch (out.status) {
      case Status::accepted:
        ++sum.accepted;
        row.status = "accepted";
        if (watched)
          batch.position_messages.push_back(f.has_fix ? position_message(device_id, info.kind, info.order_id, f)
                                                      : no_fix_message(device_id, info.kind, info.order_id, f));
        break;
      case Status::stale: ++sum.stale; row.status = "stale"; break;
      case Status::duplicate: ++sum.duplicates; continue;
      case Status::rejected:
        ++sum.rejected;
        sum.errors.push_back(rejection_json(i, out.reason, opt.engine));
        continue;  // counted by the engine, not stored
    }
    remember_instant(info.recent, f.at);
    batch.positions.push_back(std::move(row));
    for (const auto& a : alerts) fold(a, batch);
    sum.alerts += static_cast<int>(alerts.size());
  }
  return {};
}

namespace {
struct InFlight {
  Service::Impl& I;
  explicit InFlight(Service::Impl& i) : I(i) { I.enter(); }
  ~InFlight() { I.leave(); }
};

// Each fix is sealed on the caller's thread and before the engine's lock, so neither the engine
// nor the single writer pays for the encryption of everyone's positions.
void seal_all(Service::Impl& I, const std::vector<Position>& positions, std::vector<std::string>& sealed,
              std::vector<std::string>& sealed_report) {
  sealed.assign(positions.size(), {});
  sealed_report.assign(positions.size(), {});
  for (size_t i = 0; i < positions.size(); ++i) {
    if (const Fix& f = positions[i].fix; f.has_fix && std::isfinite(f.lat) && std::isfinite(f.lon)) sealed[i] = I.seal_point(f.lat, f.lon);
    if (!positions[i].report.empty()) sealed_report[i] = I.seal(positions[i].report);  // cell towers and Wi-Fi locate too
  }
}

// Not durable: forget the instants so the device's retry is stored, not taken as a duplicate.
void forget_instants(Service::Impl& I, const std::string& device_id, const Batch& batch) {
  std::lock_guard lock(I.mu);
  auto it = I.devices.find(device_id);
  if (it == I.devices.end()) return;
  auto& recent = it->second.recent;
  for (const auto& p : batch.positions) recent.erase(std::remove(recent.begin(), recent.end(), p.fix.at), recent.end());
}

// Requests whose answer waits for a commit (ingest_then, on the owner or queued for the inbox on
// another instance): beyond this many a device is told to retry (503) instead of the server holding
// its positions in memory while the database is stalled. 2.000 requests is 20 s of the
// 5.000 positions/s target in batches of 50.
constexpr int kMaxAwaitingCommit = 2000;

// A non-owner's request: sealed here, on the request's thread, and handed to the writer, which
// answers it after the commit (write_inbox); counted among those awaiting a commit meanwhile.
void to_inbox(Service::Impl& I, const Credentials& who, std::vector<Position>& positions, const std::string& client,
              std::function<void(Result<IngestSummary>)>& done) {
  QueuedRequest r;
  r.bodies.reserve(positions.size());
  for (const auto& p : positions) r.bodies.push_back(I.inbox_body(p));
  r.who = who;
  r.positions = std::move(positions);
  r.client = client;
  r.now = now_ms();
  ++I.awaiting_commit;
  r.done = [&I, done = std::move(done)](Result<IngestSummary> out) {
    --I.awaiting_commit;
    done(std::move(out));
  };
  I.queue_positions(std::move(r));
}

// Both entry points: `bounded` refuses new work beyond kMaxAwaitingCommit (the deferred HTTP
// answer); the synchronous caller (MQTT, demo, CLI) is bounded by its own thread already.
void ingest_into(Service::Impl& I, const Credentials& who, std::vector<Position> positions, const std::string& client,
                 std::function<void(Result<IngestSummary>)> done, bool bounded) {
  IngestSummary sum;
  if (positions.empty()) return done(sum);
  if (positions.size() > 1000)
    return done(fail(Error::invalid("positions", "Se aceptan como máximo 1.000 posiciones por envío.", "too_many")));
  if (bounded && I.awaiting_commit.load() >= kMaxAwaitingCommit)
    return done(fail(Error::unavailable("El servidor está guardando más posiciones de las que puede; reenvíe el lote en unos segundos.")));
  if (!I.owner) return to_inbox(I, who, positions, client, done);
  const int64_t now = now_ms();
  // Held until the commit (a take-over's reload waits for every evaluation to be durable).
  auto flight = std::make_shared<InFlight>(I);
  if (!I.owner) return to_inbox(I, who, positions, client, done);  // lost while waiting for a reload
  auto batch = std::make_shared<Batch>();
  std::vector<std::string> sealed, sealed_report;
  seal_all(I, positions, sealed, sealed_report);
  auto evaluated = [&]() -> Result<bool> {
    std::lock_guard lock(I.mu);
    auto dev = I.devices.find(who.device_id);
    const bool known = dev != I.devices.end();
    if (auto ok = I.authenticate(who.device_id, known ? std::optional<std::string>(dev->second.secret_hash) : std::nullopt, who, client);
        !ok)
      return fail(ok.error());
    if (auto ok = I.evaluate(dev->second, who.device_id, positions, sealed, sealed_report, now, *batch, sum); !ok) return fail(ok.error());
    if (batch->positions.empty()) return false;
    ++I.awaiting_commit;
    // The batch's own pointer, not a shared one (no cycle): the writer holds the batch while it calls this.
    batch->then = [&I, flight, sum, device = who.device_id, b = batch.get(), done = std::move(done)](const Result<void>& ok) mutable {
      if (!ok) forget_instants(I, device, *b);
      flight.reset();
      --I.awaiting_commit;
      done(ok ? Result<IngestSummary>(std::move(sum)) : Result<IngestSummary>(fail(ok.error())));
    };
    // Enqueued under mu, so batches reach the writer in the order the engine saw them.
    (void)I.enqueue(batch);
    return true;
  }();
  if (!evaluated) return done(fail(evaluated.error()));
  if (!*evaluated) return done(sum);
}
}  // namespace

Result<IngestSummary> Service::ingest(const Credentials& who, std::vector<Position> positions, const std::string& client) {
  std::promise<Result<IngestSummary>> answered;
  auto out = answered.get_future();
  ingest_into(*impl_, who, std::move(positions), client, [&answered](Result<IngestSummary> r) { answered.set_value(std::move(r)); }, false);
  return out.get();
}

void Service::ingest_then(const Credentials& who, std::vector<Position> positions, const std::string& client,
                          std::function<void(Result<IngestSummary>)> done) {
  ingest_into(*impl_, who, std::move(positions), client, std::move(done), true);
}

// An instance that does not own the engine: the device's request is authenticated against the
// database (devices registered on any instance), written to the inbox and acknowledged only after
// that commit. The writer thread does it for every request waiting, in one transaction
// (write_inbox), so no server thread waits for PostgreSQL and a thousand requests cost one commit.
// The owner evaluates the rows (drain_once); a resend is kept once by the inbox's key (device,
// device time) and is a duplicate for the owner if already evaluated.
void Service::Impl::queue_positions(QueuedRequest r) {
  {
    std::lock_guard lock(qmu);
    inbox_queue.push_back(std::move(r));
  }
  qcv.notify_one();
}

void Service::Impl::write_inbox(std::vector<QueuedRequest>& requests) {
  // A wrong key refuses its own request only: the others in the same transaction are written.
  std::vector<std::optional<Error>> refused(requests.size());
  std::string channel, wake;
  {
    std::lock_guard lock(drain_mu);
    if (inbox_payload) {
      channel = inbox_channel;
      wake = inbox_payload();
    }
  }
  auto ok = db.transaction<void>([&](soci::session& s) -> Result<void> {
    InboxRows rows;
    for (size_t i = 0; i < requests.size(); ++i) {
      auto& r = requests[i];
      if (auto a = authenticate(r.who.device_id, device_secret_hash(s, r.who.device_id), r.who, r.client); !a) {
        refused[i] = a.error();
        continue;
      }
      inbox_add(rows, r.who.device_id, r.positions, r.bodies, r.now);
    }
    // The owner evaluates them now, not at its next poll: woken by this transaction's commit.
    if (!rows.dev.empty() && !wake.empty()) inbox_notify(s, channel, wake);
    inbox_insert(s, rows);
    return {};
  });
  const auto committed = std::chrono::steady_clock::now();
  for (size_t i = 0; i < requests.size(); ++i) {
    auto& r = requests[i];
    if (ok && !refused[i]) http::observe_stage(http::Stage::inbox_written, committed - r.read, r.positions.size());
    if (!ok) r.done(fail(ok.error()));
    else if (refused[i]) r.done(fail(*refused[i]));
    else {
      IngestSummary sum;
      sum.accepted = static_cast<int>(r.positions.size());
      r.done(std::move(sum));
    }
  }
}

// The rows of one inbox turn. The turn's batches go through the same writer as the owner's direct
// requests, and a direct batch queued behind them waits for their commit: small turns bound that
// wait (250 rows: about one direct transaction's worth), and the drainer takes the next turn at
// once while the inbox is not empty, so throughput is many small commits, not fewer big ones.
// Interleaving (committing direct batches ahead of queued turns) was not chosen: an incident is
// written as an upsert of its latest state, so batches must commit in the order the engine made
// them, or an older state of an incident could overwrite a newer one.
constexpr size_t kDrainTurn = 250;

// The owner: one turn over the inbox, oldest first, each device's rows evaluated like a request of
// its own and deleted in the commit that stores them (so a crash evaluates them again, and the
// instants already stored make that a duplicate, never a second alert).
//
// The turn does not wait for its commit (issue 20: the queued path's tail was rows arriving
// during a commit, which waited for it, then for a take, then for a commit of their own). Like a
// direct request, its batches are handed to the writer and released by it: the rows stay in
// `draining` until then, so the next turn (at the next wake-up) skips them, and rows queued
// meanwhile join the writer's next group commit beside the direct batches. A failed commit
// forgets the batch's instants and releases its rows, which the next turn takes again.
Result<size_t> Service::Impl::drain_once() {
  std::vector<InboxRow> rows;
  {
    std::set<int64_t> skip;
    {
      std::lock_guard lock(draining_mu);
      skip = draining;
    }
    // A backlog (a take-over, a stalled database) is not read ever further ahead of the writer.
    if (skip.size() >= 4 * kDrainTurn) return size_t{0};
    auto lease = db.lease();
    if (!lease) return fail(lease.error());
    try {
      rows = inbox_take(**lease, kDrainTurn, skip);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  {
    // A row released while this take ran may come back (its commit ended after the take's
    // snapshot): the engine finds its instant stored and counts a duplicate; nothing is stored twice.
    std::lock_guard lock(draining_mu);
    for (const auto& r : rows) draining.insert(r.id);
  }
  if (rows.empty()) return size_t{0};
  // Request read on the non-owner → taken here (milliseconds: the row's received_at, wall clock).
  const int64_t taken = now_ms();
  for (const auto& r : rows)
    if (r.position.fix.received_at > 0)
      http::observe_stage(http::Stage::inbox_taken, std::chrono::milliseconds(std::max<int64_t>(0, taken - r.position.fix.received_at)));
  std::map<std::string, std::vector<const InboxRow*>> by_device;
  for (const auto& r : rows) by_device[r.position.device_id].push_back(&r);
  // Rows not handed to the writer (this turn stops early, or a device to reload): taken again later.
  std::set<int64_t> handed;
  auto release_rest = [&] {
    std::lock_guard lock(draining_mu);
    for (const auto& r : rows)
      if (!handed.count(r.id)) draining.erase(r.id);
  };
  // Held until the commit (a take-over's reload waits for every evaluation to be durable).
  auto flight = std::make_shared<InFlight>(*this);
  if (!owner) {
    release_rest();
    return size_t{0};
  }
  // Called by the writer after the commit: the rows leave `draining` (deleted, or to be taken again).
  auto hand = [&](const std::string& device_id, std::shared_ptr<Batch> batch) {
    for (int64_t id : batch->inbox_ids) handed.insert(id);
    batch->then = [this, flight, device_id, b = batch.get()](const Result<void>& ok) {
      if (!ok) {
        spdlog::error("monitoring: inbox: {}", ok.error().message);
        forget_instants(*this, device_id, *b);
      }
      std::lock_guard lock(draining_mu);
      for (int64_t id : b->inbox_ids) draining.erase(id);
    };
    (void)enqueue(std::move(batch));
  };
  std::vector<std::pair<std::string, std::shared_ptr<Batch>>> unknown;
  size_t handed_rows = 0;
  for (auto& [device_id, list] : by_device) {
    std::vector<Position> positions;
    for (const auto* r : list) positions.push_back(r->position);
    std::vector<std::string> sealed, sealed_report;
    seal_all(*this, positions, sealed, sealed_report);
    auto batch = std::make_shared<Batch>();
    for (const auto* r : list) batch->inbox_ids.push_back(r->id);
    IngestSummary sum;
    std::lock_guard lock(mu);
    auto dev = devices.find(device_id);
    if (dev == devices.end()) {
      unknown.push_back({device_id, batch});
      continue;
    }
    if (auto ok = evaluate(dev->second, device_id, positions, sealed, sealed_report, now_ms(), *batch, sum); !ok) {
      release_rest();
      return fail(ok.error());
    }
    // Enqueued under mu, so batches reach the writer in the order the engine saw them.
    hand(device_id, batch);
    handed_rows += list.size();
  }
  // A device this engine does not know: registered on another instance after this one loaded
  // (reload, keep its rows), or retired since it was queued (its rows are dropped, as the owner
  // refuses a retired device's positions).
  for (auto& [device_id, batch] : unknown) {
    std::optional<std::string> active;
    if (auto lease = db.lease()) {
      try {
        active = device_secret_hash(**lease, device_id);
      } catch (const std::exception& e) {
        release_rest();
        return fail(store::database_error(e));
      }
    } else {
      release_rest();
      return fail(lease.error());
    }
    if (active) {
      reload_wanted = true;
    } else {
      spdlog::warn("monitoring: {} queued positions of a retired device dropped", batch->inbox_ids.size());
      std::lock_guard lock(mu);
      hand(device_id, batch);
      handed_rows += batch->inbox_ids.size();
    }
  }
  release_rest();
  return handed_rows;
}

void Service::Impl::write_loop() {
  for (;;) {
    std::vector<std::shared_ptr<Batch>> batches;
    std::vector<QueuedRequest> requests;
    {
      std::unique_lock lock(qmu);
      qcv.wait(lock, [&] { return stopping || !queue.empty() || !inbox_queue.empty(); });
      if (queue.empty() && inbox_queue.empty() && stopping) return;
      // Everything queued meanwhile goes in one transaction: one commit for many requests.
      while (!queue.empty() && batches.size() < 512) {
        batches.push_back(std::move(queue.front()));
        queue.pop_front();
      }
      while (!inbox_queue.empty() && requests.size() < 512) {
        requests.push_back(std::move(inbox_queue.front()));
        inbox_queue.pop_front();
      }
    }
    // A non-owner's requests (an owner has some only around a take-over): their own transaction.
    if (!requests.empty()) write_inbox(requests);
    if (batches.empty()) continue;
    const auto taken = std::chrono::steady_clock::now();
    auto ok = commit(batches);
    const auto committed = std::chrono::steady_clock::now();
    for (auto& b : batches) {
      const Result<void> r = ok ? Result<void>() : Result<void>(fail(ok.error()));
      if (b->then) b->then(r);
      b->done.set_value(r);
    }
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
    for (auto& b : batches) {
      if (b->position_messages.empty()) continue;
      http::observe_stage(http::Stage::received_to_committed, committed - b->received, b->position_messages.size());
      http::observe_stage(http::Stage::writer_wait, taken - b->received, b->position_messages.size());
      http::observe_stage(http::Stage::writer_commit, committed - taken, b->position_messages.size());
      for (auto& m : b->position_messages) {
        hub->publish("position", std::move(m));
        http::observe_stage(http::Stage::committed_to_published, std::chrono::steady_clock::now() - committed);
      }
    }
  }
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
  if (in.place_at) v.place_at = in.place_at;
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


}  // namespace eq::monitoring
