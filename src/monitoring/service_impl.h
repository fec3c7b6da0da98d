// Inside the monitoring service: shared by service.cc (start, jobs), ingest.cc (positions → alerts
// → incidents, group commit), orders.cc, incidents.cc, dispatch.cc (the workflows), repository.cc
// (all SQL), json.cc (structs → API JSON), evidence.cc and demo.cc. Not for other modules, nor
// for routes.cc, which sees only module.h and commands.h.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "http/rate_limit.h"
#include "monitoring/json.h"
#include "monitoring/module.h"
#include "store/database.h"
#include "store/row.h"

namespace eq::monitoring {

inline std::string outcome_es(const std::string& id) { return outcome_labels().label(id); }
inline std::string action_es(const std::string& kind) { return action_labels().label(kind); }
inline std::string dispatch_state_es(const std::string& s) { return dispatch_state_labels().label(s); }
bool is_outcome(const std::string& id);
std::string holder_of(DeviceKind k);  // "victima" | "agresor"
AlertType alert_type_from(const std::string& s);  // stored text → enum (to_string's inverse)
Severity severity_from(const std::string& s);
std::optional<LatLon> parse_point(const std::string& plain);  // "lat,lon" → point; nullopt if not one


constexpr size_t kRecentPerDevice = 256;  // instants remembered per device for duplicate detection
inline void remember_instant(std::deque<int64_t>& recent, int64_t at) {
  recent.push_back(at);
  if (recent.size() > kRecentPerDevice) recent.pop_front();
}

// Incident ids from kForeignIncidents up are taken by instances that do not own the engine (a help
// channel's dispatch raised there); the owner's counter stays below.
constexpr int64_t kForeignIncidents = 1'000'000'000;

constexpr const char* kNoOrder = "No existe una medida con ese identificador.";
constexpr const char* kNoIncident = "No existe una alerta con ese identificador.";
constexpr const char* kNoDispatch = "No existe un despacho con ese identificador.";
// The type of an incident a help channel raised (no device alert: not an AlertType).
constexpr const char* kChannelIncidentType = "chat_silencioso";
// Its Spanish label, or the device alert's.
std::string incident_type_label(const std::string& type);
audit::Entry entry_for(const Caller& by, std::string action, std::string object);

// evidence.cc: the signed, hash-chained document of one incident, and the key that verifies it.
http::Json evidence_document(Service::Impl& I, soci::session& s, int64_t incident_id);
std::string export_public_key(const crypto::Keys& keys);

// A nullable column as JSON (null when NULL).
inline http::Json double_or_null(const soci::row& r, size_t i) {
  return store::is_null(r, i) ? http::Json(nullptr) : http::Json(store::get_double(r, i));
}
inline http::Json int_or_null(const soci::row& r, size_t i) {
  return store::is_null(r, i) ? http::Json(nullptr) : http::Json(store::get_int(r, i));
}
inline http::Json bool_or_null(const soci::row& r, size_t i) {
  return store::is_null(r, i) ? http::Json(nullptr) : http::Json(store::get_bool(r, i));
}
inline http::Json text_or_null(const soci::row& r, size_t i) {
  return store::is_null(r, i) ? http::Json(nullptr) : http::Json(store::get_str(r, i));
}

// Engine person ids: the orders' parties are not case-registry persons here (the registry is read
// through its own interface), so each order's victim and aggressor get a local number.
inline int64_t victim_person(int64_t order_id) { return -(order_id * 2); }
inline int64_t aggressor_person(int64_t order_id) { return -(order_id * 2 + 1); }

struct PositionRow {
  std::string device_id;
  Fix fix;
  std::string status;   // accepted | stale | duplicate | rejected
  std::string loc_enc;  // the fix sealed by the request's own thread (empty: sealed at commit)
  std::string report_enc;  // Position::report sealed (empty: nothing besides the fix)
};

struct IncidentRow {
  int64_t id = 0, order_id = 0, zone_id = 0, victim_person_id = 0;
  AlertType type{};
  Severity severity{};
  std::string device_id, fold_key, comuna_id;
  int64_t first_at = 0, last_at = 0;
  int count = 0;
  double lat = NAN, lon = NAN, distance_m = NAN;
  int battery = -1;
  int64_t place_at = 0;  // lat/lon are the last known place, fixed then (the device had no GPS); 0: current
  // What operators and units made of it, as they last committed it: the live message ingest
  // publishes is built from this row, not read back from the database.
  std::string state = "nueva";
  bool escalated = false;
  std::optional<std::string> taken_by;
  std::optional<DispatchView> dispatch;
};

struct AlertRow {
  int64_t incident_id = 0;
  Alert alert;
};

// One unit of group commit: what one ingest call (or one silence sweep) must make durable.
struct Batch {
  std::vector<PositionRow> positions;
  std::vector<AlertRow> alerts;
  std::map<int64_t, IncidentRow> incidents;
  std::vector<std::string> position_messages;  // published after the commit
  // When the request (or the inbox turn) that made this batch began: the first stage's start
  // (http/stages.h).
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  std::vector<int64_t> inbox_ids;  // monitoring_inbox rows this batch evaluated: deleted in the same commit
  std::promise<Result<void>> done;
  // Called by the writer after the commit, beside `done` (Service::ingest_then): nothing waits.
  std::function<void(const Result<void>&)> then;
};

// A non-owner's device request waiting for the writer to put it in monitoring_inbox (ingest.cc,
// write_inbox): authenticated and inserted there with every other request waiting, in one
// transaction, and answered (`done`) after that commit.
struct QueuedRequest {
  Credentials who;
  std::vector<Position> positions;
  std::string client;
  std::vector<std::string> bodies;  // the positions sealed (Impl::inbox_body), by the request's thread
  int64_t now = 0;
  std::chrono::steady_clock::time_point read = std::chrono::steady_clock::now();  // http/stages.h, inbox_written
  std::function<void(Result<IngestSummary>)> done;
};

// The module's own files (demo.cc, evidence, tests) reach the service's inside through here.
struct Internals {
  static Service::Impl& of(Service& s) { return *s.impl_; }
};

struct Service::Impl {
  store::Database& db;
  const crypto::Keys& keys;
  audit::Log& audit;
  Directory dir;
  ServiceOptions opt;
  std::shared_ptr<http::Hub> hub = std::make_shared<http::Hub>();

  // Engine and what ingest needs beside it; all under mu.
  std::mutex mu;
  Engine engine;
  struct DeviceInfo {
    std::string secret_hash;
    int64_t order_id = 0;
    DeviceKind kind{};
    uint32_t handle = 0;
    std::deque<int64_t> recent;  // device instants already stored, newest last (bounded)
  };
  std::unordered_map<std::string, DeviceInfo> devices;
  std::map<int64_t, std::string> order_comuna;
  // What a live incident message says beside the incident row: kept in memory so the writer builds
  // it from what it committed, without reading the database back.
  struct OrderLabels {
    std::string label;
    std::map<int64_t, std::string> zones;
  };
  std::map<int64_t, OrderLabels> order_labels;
  std::unordered_map<std::string, std::string> device_kinds;
  std::unordered_map<std::string, IncidentRow> open;  // fold key → open incident
  int64_t next_incident = 1;

  // Writer thread (group commit).
  std::mutex qmu;
  std::condition_variable qcv;
  std::deque<std::shared_ptr<Batch>> queue;
  std::deque<QueuedRequest> inbox_queue;  // a non-owner's requests for the inbox (under qmu)
  bool stopping = false;
  std::thread writer;
  std::atomic<uint64_t> commits{0}, auth_failures{0};

  // Several instances on one PostgreSQL (app/cluster.h): only the owner evaluates positions. The
  // others queue each device request in monitoring_inbox and acknowledge after that commit; the
  // owner's drainer evaluates the queue and deletes the rows in the commit that stores them.
  std::atomic<bool> owner{true};
  // A reload (take-over, or an order changed on another instance) waits for every evaluation in
  // flight and holds new ones back, so the engine is never rebuilt under an uncommitted batch.
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  int in_flight = 0;
  std::atomic<int> awaiting_commit{0};  // deferred HTTP answers not yet committed (ingest.cc)
  bool reloading = false;
  void enter();
  void leave();
  std::thread drainer;
  std::atomic<bool> drain_stop{false};
  std::atomic<bool> reload_wanted{false};
  // The drainer sleeps on drain_cv between turns; a relayed inbox_wake (or stop) wakes it at once.
  std::mutex drain_mu;
  std::condition_variable drain_cv;
  bool drain_wake = false;
  std::string inbox_channel;                   // under drain_mu
  std::function<std::string()> inbox_payload;  // under drain_mu; empty: one instance, nobody to wake
  // Inbox rows evaluated and waiting for their commit (drain_once takes the next turn without
  // waiting for it): skipped by the next takes, released by the writer after the commit.
  std::mutex draining_mu;
  std::set<int64_t> draining;
  void wake_drainer();
  // Clears and rebuilds the engine and what ingest keeps beside it from the database (start, take-over).
  Result<void> load();
  Result<void> reload();
  void drain_loop();
  Result<size_t> drain_once();
  // Under mu: the engine's verdict on one device's positions, into the batch and the summary.
  Result<void> evaluate(DeviceInfo& info, const std::string& device_id, std::vector<Position>& positions,
                        std::vector<std::string>& sealed, std::vector<std::string>& sealed_report, int64_t now, Batch& batch,
                        IngestSummary& sum);
  // A non-owner's ingest: handed to the writer, which authenticates it against the database and
  // queues it durably with every other request waiting, then calls `done` (ingest.cc).
  void queue_positions(QueuedRequest r);
  void write_inbox(std::vector<QueuedRequest>& requests);  // the writer's one transaction for them
  Result<void> authenticate(const std::string& device_id, const std::optional<std::string>& secret_hash, const Credentials& who,
                            const std::string& client);
  // After a committed change of orders, zones or devices on a non-owner: the owner reloads.
  void changed() {
    if (!owner && dir.engine_changed) dir.engine_changed();
  }
  // Failed device authentications, throttled per device id (a wrong secret for a known device) and
  // per client address only for ids that are no device: behind NAT every bracelet shares one
  // address, so an address-wide limit would let anyone silence them all. A device presenting its
  // own secret is never throttled (see ingest).
  http::RateLimiter device_failures{20, 30};
  http::RateLimiter unknown_failures{20, 30};

  Impl(store::Database& d, const crypto::Keys& k, audit::Log& a, Directory di, ServiceOptions o)
      : db(d), keys(k), audit(a), dir(std::move(di)), opt(o), engine(o.engine) {}

  // service.cc, ingest.cc
  void fold(const Alert& a, Batch& b);
  void write_loop();
  Result<void> commit(std::vector<std::shared_ptr<Batch>>& batches);
  std::future<Result<void>> enqueue(std::shared_ptr<Batch> b);
  Result<void> add_to_engine(const OrderRow& o, const std::vector<Zone>& zones);  // under mu
  // Stores the device (only the secret's SHA-256) and hands it to the engine.
  Result<DeviceView> register_device(Device d, const std::string& secret, const audit::Entry& entry);
  void forget_incident(int64_t id);  // an operator closed it: the next alert opens a new one
  void remember(const IncidentView& v);  // an operator's or unit's committed change, for ingest's messages
  // The live message of an incident as ingest committed it (no database read).
  std::string incident_message(const IncidentRow& in);
  void publish_incident(soci::session& s, int64_t id);
  void publish_dispatch(soci::session& s, int64_t id);
  void publish_after(const std::vector<int64_t>& incidents, const std::vector<int64_t>& dispatches);

  // repository.cc: all monitoring_* SQL; returns structs.
  std::string seal(const std::string& plain) const { return keys.encrypt(plain); }
  std::optional<std::string> seal_opt(const std::string& plain) const {
    return plain.empty() ? std::nullopt : std::optional<std::string>(seal(plain));
  }
  std::string open_text(const std::string& sealed) const { return sealed.empty() ? std::string() : keys.decrypt(sealed).value_or(""); }
  // A coordinate pair as ciphertext of "lat,lon" (exact round trip), and back; nullopt for NULL.
  std::string seal_point(double lat, double lon) const;
  std::optional<LatLon> open_point(const soci::row& r, size_t i) const;
  // Rows written before the module encrypted coordinates and notes (migration 3) are sealed now.
  void seal_legacy(soci::session& s);
  int64_t insert_order(soci::session& s, const OrderRow& o, int64_t user_id);
  std::optional<OrderRow> order(soci::session& s, int64_t id);
  std::vector<OrderRow> orders(soci::session& s);
  std::optional<int64_t> order_of_record(soci::session& s, int64_t record_id);
  std::vector<OrderRow> orders_of_person(soci::session& s, int64_t person_id);
  void end_order(soci::session& s, int64_t order_id, int64_t at, const std::string& reason, int64_t user_id);
  std::vector<std::string> retire_devices(soci::session& s, int64_t order_id);  // ids of the devices retired
  std::vector<Zone> zones(soci::session& s, int64_t order_id);
  int64_t insert_zone(soci::session& s, const Zone& z);
  std::vector<DeviceView> devices_of(soci::session& s, int64_t order_id);
  bool device_exists(soci::session& s, const std::string& device_id);
  void insert_device(soci::session& s, const Device& d, const std::string& secret_hash);
  OrderView order_view(soci::session& s, const OrderRow& o);
  std::optional<IncidentView> incident(soci::session& s, int64_t id);
  std::vector<int64_t> incident_ids(soci::session& s, const std::string& state_filter, int limit);
  std::vector<PersonOrder::Incident> incidents_of_order(soci::session& s, int64_t order_id, int limit);
  std::string incident_state(soci::session& s, int64_t id);  // "" when none
  void take_incident(soci::session& s, int64_t id, int64_t user_id, int64_t now);
  void close_incident(soci::session& s, int64_t id, const std::string& outcome, int64_t user_id, int64_t now);
  void mark_dispatched(soci::session& s, int64_t id, int64_t user_id, int64_t now);
  std::vector<AlertView> alerts_of(soci::session& s, int64_t incident_id);
  std::vector<ActionView> actions_of(soci::session& s, int64_t incident_id);
  std::optional<DispatchView> dispatch(soci::session& s, int64_t id);
  std::vector<int64_t> dispatch_ids_of_incident(soci::session& s, int64_t incident_id);
  std::vector<int64_t> dispatch_ids_of_unit(soci::session& s, int64_t institution_id);
  void cancel_dispatch(soci::session& s, int64_t id, int64_t user_id, int64_t now);
  void advance_dispatch(soci::session& s, int64_t id, const std::string& to, const std::string& outcome, int64_t user_id, int64_t now);
  std::vector<DeviceOnMap> devices_on_map(soci::session& s);
  HomeCounts home_counts(soci::session& s, const http::Principal& who);
  PeriodTotals period_totals(soci::session& s, int64_t from, int64_t to);
  Track track(soci::session& s, int64_t order_id, int64_t from, int64_t to);
  void insert_action(soci::session& s, int64_t incident, const std::string& kind, const std::string& note,
                     const std::string& outcome, std::optional<bool> reached, std::optional<int64_t> user);
  int64_t insert_dispatch(soci::session& s, int64_t incident, const Unit& u, const std::string& note, std::optional<int64_t> user);
  std::vector<std::pair<std::string, Device>> active_devices(soci::session& s);  // (secret hash, device)
  std::unordered_map<std::string, std::string> all_device_kinds(soci::session& s);
  std::vector<PositionRow> recent_positions(soci::session& s, const std::string& device_id, size_t limit);  // newest first
  std::vector<IncidentRow> open_incidents(soci::session& s);
  int64_t next_incident_id(soci::session& s);  // the owner's counter: below kForeignIncidents
  int64_t next_foreign_incident_id(soci::session& s);
  // Help channels (channel.cc): the channel's own order row (made on first use), its open incident
  // for a conversation, and a new incident of that origin.
  int64_t channel_order(soci::session& s, const std::string& origin);
  std::optional<int64_t> open_channel_incident(soci::session& s, const std::string& origin, const std::string& ref);
  void insert_channel_incident(soci::session& s, int64_t id, int64_t order_id, const ChannelAlert& a, int64_t now);
  std::set<int64_t> stored_instants(soci::session& s, const std::string& device_id, int64_t from, int64_t to);
  // The inbox of a non-owner instance (repository.cc).
  std::optional<std::string> device_secret_hash(soci::session& s, const std::string& device_id);  // active devices only
  // One position as an inbox row's sealed body (sealed by the request's own thread, not the writer).
  std::string inbox_body(const Position& p) const;
  struct InboxRows {
    std::vector<std::string> dev, body;
    std::vector<long long> at, rec;
  };
  // One request's positions (and their sealed bodies, moved) appended to the rows of one INSERT.
  static void inbox_add(InboxRows& rows, const std::string& device_id, const std::vector<Position>& positions,
                        std::vector<std::string>& bodies, int64_t now);
  void inbox_insert(soci::session& s, InboxRows& rows);
  // The owner's wake-up, sent with the transaction's commit (module.h, set_inbox_notify).
  void inbox_notify(soci::session& s, const std::string& channel, const std::string& payload);
  struct InboxRow {
    int64_t id = 0;
    Position position;
  };
  // Oldest first, at most `limit` rows not in `skip` (rows of turns still committing: not opened again).
  std::vector<InboxRow> inbox_take(soci::session& s, size_t limit, const std::set<int64_t>& skip);
  void inbox_delete(soci::session& s, const std::vector<int64_t>& ids);
  int64_t escalations_due(soci::session& s, int64_t take_before, int64_t accept_before);
  std::vector<int64_t> escalate_untaken(soci::session& s, int64_t before);  // marked escalated
  struct LateDispatch {
    int64_t id = 0, incident_id = 0;
    std::string unit_kind;
  };
  std::vector<LateDispatch> escalate_unaccepted(soci::session& s, int64_t before);  // marked escalated
  // Per order with positions older than cutoff: how many, how many are evidence (around one of
  // its incidents, within margin), and the registry persons it concerns.
  struct DueOrder {
    int64_t order_id = 0, total = 0, evidence = 0;
    std::vector<int64_t> persons;
  };
  std::vector<DueOrder> positions_due(soci::session& s, int64_t cutoff, int64_t margin);
  int64_t orphan_positions_due(soci::session& s, int64_t cutoff);  // of devices no longer known
  int64_t purge_positions(soci::session& s, int64_t cutoff, int64_t margin, int64_t order_id);  // except evidence
  int64_t purge_orphan_positions(soci::session& s, int64_t cutoff);
  std::string comuna_for(double lat, double lon, int64_t order_id);

  // The JSON of evidence.cc (and of the tests): the API's shapes read from the database.
  http::Json incident_json(soci::session& s, int64_t id);
  http::Json dispatch_json(soci::session& s, int64_t id);
  http::Json track_json(soci::session& s, int64_t order_id, int64_t from, int64_t to);
};

}  // namespace eq::monitoring
