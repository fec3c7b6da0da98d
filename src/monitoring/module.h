// Telematic monitoring of protective orders, live (issue 6): the engine of engine.h hosted by a
// server. Orders, zones and devices are kept in the database and the engine is rebuilt from it at
// start; positions arrive over HTTP (OsmAnd, JSON batches) and MQTT; alerts are folded into
// incidents, committed before the device's request is acknowledged, and pushed to the control
// centre's console over WebSocket; operators log calls, dispatch a unit (by default the comuna's
// municipal security unit in the pilot comunas, otherwise the police; or any police or municipal
// unit they choose, re-dispatching when needed) and close with an outcome; units accept and report.
// An order is the case registry's protective order (record and persons linked) or one entered by
// hand.
//
// Files: routes.cc parses requests into the commands of commands.h and answers their results as
// json.cc shapes them; the service's workflows are in orders.cc, incidents.cc and dispatch.cc;
// ingest.cc is where a position becomes an alert (engine.cc decides, ingest.cc folds and commits);
// repository.cc holds every monitoring_* statement; access.cc the object rules. Incidents and dispatches not taken in time escalate. Positions are kept
// for a retention period (purged by a job) except around incidents, and an incident can be exported
// as a hash-chained, Ed25519-signed document a court can verify.
//
// Permissions: «monitoring.manage» (orders, zones, devices), «alerts.handle» (console, incidents,
// dispatch), «dispatch.receive» (a unit's own dispatches). Devices authenticate with their own
// secret (shown once when the device is registered; only its SHA-256 is stored).
//
// One instance owns the engine: it allocates incident ids itself, so it must be the only server
// writing monitoring_* tables (DESIGN.md: "only one instance owns it at a time").
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/log.h"
#include "core/crypto.h"
#include "core/purge.h"
#include "http/live.h"
#include "http/router.h"
#include "monitoring/commands.h"
#include "monitoring/engine.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::monitoring {

std::vector<store::Migration> migrations();
// Every encrypted column of the module, for key rotation, the start-up key check and backups.
store::EncryptedFields encrypted_fields();

struct Credentials {
  std::string device_id;
  std::string secret;
};

// What one ingest call did. Errors name the position (index in the request) and the field.
struct IngestSummary {
  int accepted = 0, stale = 0, duplicates = 0, rejected = 0;
  int alerts = 0;
  std::vector<http::Json> errors;  // {"index", "field", "code", "message"}
};

// Who serves an incident: the institution a dispatch goes to.
struct Unit {
  int64_t institution_id = 0;
  std::string name;
  std::string kind;  // "municipal" | "police"
};

// A court's protective order as the case registry holds it (the registry decides who may read it).
struct CourtOrder {
  int64_t record_id = 0;
  int64_t victim_person_id = 0;
  std::string victim_name;
  int64_t aggressor_person_id = 0;
  std::string aggressor_name;
  std::string court, order_type, comuna_id;
  std::optional<int64_t> distance_m;
  int64_t starts_at = 0;
  std::optional<int64_t> ends_at;
};

// A monitored order as a person's timeline in the registry shows it.
struct PersonOrder {
  int64_t order_id = 0;
  int64_t record_id = 0;
  std::string role;   // "victim" | "aggressor"
  std::string status; // vigente | terminada
  int64_t starts_at = 0;
  std::optional<int64_t> ends_at;
  struct Incident { int64_t id = 0; int64_t first_at = 0; std::string type, severity, state, outcome; };
  std::vector<Incident> incidents;  // newest first, at most 20; no coordinates
};

// What the monitoring module needs from the rest of the system, filled in by the composition root.
struct Directory {
  // The unit responsible for a comuna (municipal security in the pilot comunas, else police).
  std::function<std::optional<Unit>(const std::string& comuna_id)> responsible_unit;
  // The police, when a municipal unit does not accept in time.
  std::function<std::optional<Unit>()> police_unit;
  // The comuna a coordinate lies in.
  std::function<std::optional<std::string>(double lat, double lon)> comuna_of;
  std::function<bool(const std::string& comuna_id)> comuna_exists;
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>& user_ids)> user_names;
  // Every active police or municipal-security institution an operator may dispatch (any order).
  std::function<std::vector<Unit>()> dispatch_units;
  // Resolves a registry record into the order it records, for `who` (404/403 from the registry's
  // object rules; 422 when the record is not a protective order).
  std::function<Result<CourtOrder>(int64_t record_id, const http::Principal& who)> court_order;
  // Told after every committed change of a dispatch raised by a help channel (origin set), so the
  // channel's operator sees the unit's progress live. May be empty.
  std::function<void(const DispatchView&)> channel_dispatch_changed;
  // Told after a committed change of orders, zones or devices made on an instance that does not
  // own the engine, so the owner rebuilds its engine from the database (app/cluster.h). May be empty.
  std::function<void()> engine_changed;
};

struct ServiceOptions {
  Config engine;
  int take_timeout_s = 60;        // an incident not taken by an operator within this escalates
  int accept_timeout_s = 120;     // a dispatch not accepted within this escalates (and goes to police)
  int retention_days = 180;       // positions older than this are purged, except around incidents
  int evidence_margin_min = 60;   // …within this of an incident of the device's order
  // Legal holds (data protection): the hourly purge asks it for the kind "positions" and keeps
  // the positions of an order it names (record id: the order id) or whose victim or aggressor it
  // names (registry person ids). Empty: no hold applies.
  PurgeHolds holds;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, Directory directory, ServiceOptions options);
  ~Service();

  // Rebuilds the engine from the database: orders in force, zones, devices, each device's last
  // position (state only, alerts discarded: they were committed when they happened), open
  // incidents for folding, and the instants already stored (so a resent position is a duplicate).
  Result<void> start();
  // Stops the writer thread after committing what is queued.
  void stop();
  // Several instances on one PostgreSQL: only the owner evaluates positions (the others queue them
  // durably for it). Becoming the owner rebuilds the engine from the database, so the state another
  // instance left is taken over; losing it stops evaluation. True by default (one instance).
  Result<void> set_owner(bool owner);
  bool owner() const;
  // Another instance changed orders, zones or devices: rebuilt at the drainer's next turn.
  void reload_later();
  // A live message another instance published (app/cluster.h): published to this instance's
  // streams (the composition root keeps it from being sent back); an incident an operator changed there is read again here, so the owner's next
  // message about it (a repeat alert) carries the operator's state, and a closed one is forgotten.
  void relayed(const std::string& topic, std::string message);
  // The wake-up of the owner's drainer ("inbox_wake" in relayed()): a non-owner sends it with
  // NOTIFY on `channel` inside the transaction that writes its inbox rows (`payload` gives the
  // cluster's envelope, app/cluster.h), so PostgreSQL delivers it exactly when they are visible:
  // no second transaction and no hand-off to the relay's sender thread on the queued path, and a
  // queued position waits for one NOTIFY instead of the drainer's next 20 ms poll.
  static constexpr const char* kInboxWake = "inbox_wake";
  void set_inbox_notify(std::string channel, std::function<std::string()> payload);

  // Positions from one authenticated device. Returns after every position and alert is committed.
  Result<IngestSummary> ingest(const Credentials& who, std::vector<Position> positions, const std::string& client);
  // The same without holding the caller's thread for the commit: `done` is called once, by the
  // single writer right after the commit that made the positions durable (or on this thread when
  // nothing is to be committed, or on an error). HTTP routes use it so that a slow commit (a WAL
  // flush) never holds the server's few worker threads, which also write the console's stream.
  void ingest_then(const Credentials& who, std::vector<Position> positions, const std::string& client,
                   std::function<void(Result<IngestSummary>)> done);

  // Periodic work: silence, escalations (call every second or so), retention purge (hourly).
  void tick(int64_t now_ms);
  Result<int64_t> purge_positions(int64_t now_ms);  // with the holds of ServiceOptions::holds
  // Positions past the retention, except evidence (exempt) and what `held` names (by order id,
  // victim and aggressor person ids). dry_run: counts only, nothing deleted, not audited.
  Result<PurgeTally> purge_positions(int64_t now_ms, const PurgeHeld& held, bool dry_run);

  http::Hub& hub();
  const Stats& stats() const;  // engine counters (for /metrics)
  size_t device_count() const;

  // The workflows behind the API (orders.cc, incidents.cc, dispatch.cc). Each checks the object
  // rules of access.h for `by`, writes in one transaction with its audit entry, then tells the
  // engine and the live streams. Errors are Spanish and name the field.
  Result<std::vector<OrderView>> orders(const Caller& by);
  Result<OrderView> order(const Caller& by, int64_t order_id);
  Result<OrderView> create_order(const Caller& by, NewOrder cmd);
  Result<ZoneAdded> add_zone(const Caller& by, NewZone cmd);
  Result<OrderView> end_order(const Caller& by, const EndOrder& cmd);
  Result<DeviceAdded> add_device(const Caller& by, const NewDevice& cmd);
  Result<Track> trail(const Caller& by, int64_t order_id, int minutes);
  // A registry record resolved for the order form (nothing is written).
  Result<CourtOrder> court_order(const Caller& by, int64_t record_id);

  Result<Console> console(const Caller& by);
  Result<std::vector<IncidentView>> incidents(const Caller& by, const std::string& state);  // open | closed | all
  Result<IncidentDetail> incident(const Caller& by, int64_t incident_id);
  Result<IncidentView> act(const Caller& by, const IncidentStep& cmd);
  Result<std::vector<UnitChoice>> units_for(const Caller& by, int64_t incident_id);
  Result<DispatchView> dispatch(const Caller& by, const DispatchStep& cmd);
  Result<std::vector<DispatchView>> unit_dispatches(const Caller& by);
  Result<DispatchView> unit_step(const Caller& by, const UnitStep& cmd);
  // A help channel's request (channel.cc): an incident of that origin dispatched to the unit.
  // 409 when that conversation already has an open one, 422 when the unit is no active one.
  Result<DispatchView> raise_from_channel(const Caller& by, const ChannelAlert& cmd);
  // Where such a dispatch stands, for the channel's own screen (the channel audits that read).
  Result<DispatchView> channel_dispatch(int64_t dispatch_id);
  Result<http::Json> evidence(const Caller& by, int64_t incident_id);  // signed document (evidence.h)
  std::string export_key() const;                                      // its public key
  Result<HomeCounts> home_counts(const http::Principal& who);
  // Counts of [from, to) for the public account (no person, order or place).
  Result<PeriodTotals> period_totals(int64_t from, int64_t to);

  // A device refused at the HTTP door: audited with the address (MQTT refusals are counted only).
  void device_denied(const std::string& client_ip, const std::string& device_id);
  // A live stream opened: audited now, and again when the returned guard's last copy goes.
  Result<std::shared_ptr<void>> stream_opened(const Caller& by, const std::string& action);
  std::shared_ptr<http::Hub> hub_ptr();

  // The monitored orders whose victim or aggressor is this registry person.
  // Not audited here: the registry audits the person view that includes them.
  Result<std::vector<PersonOrder>> orders_of_person(int64_t person_id);

  struct Impl;

 private:
  friend struct Internals;  // service_impl.h: the module's own files (demo, evidence) and its tests
  std::unique_ptr<Impl> impl_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> service);
// Items for the home page: open alerts (control centre), dispatches to accept (units).
Result<std::vector<http::Json>> home_items(Service& service, const http::Request& req);

// A demo order in Santiago with its zones and three devices (secrets documented in the README),
// a short history and an open incident; idempotent.
Result<void> load_demo(Service& service);

}  // namespace eq::monitoring
