// Telematic monitoring of protective orders, live (issue 6): the engine of engine.h hosted by a
// server. Orders, zones and devices are kept in the database and the engine is rebuilt from it at
// start; positions arrive over HTTP (OsmAnd, JSON batches) and MQTT; alerts are folded into
// incidents, committed before the device's request is acknowledged, and pushed to the control
// centre's console over WebSocket; operators log calls, dispatch the responsible unit (the comuna's
// municipal security unit in the pilot comunas, otherwise the police) and close with an outcome;
// units accept and report. Incidents and dispatches not taken in time escalate. Positions are kept
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
#include "http/live.h"
#include "http/router.h"
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
  // Resolves a registry record into the order it records, for `who` (404/403 from the registry's
  // object rules; 422 when the record is not a protective order).
  std::function<Result<CourtOrder>(int64_t record_id, const http::Principal& who)> court_order;
};

struct ServiceOptions {
  Config engine;
  int take_timeout_s = 60;        // an incident not taken by an operator within this escalates
  int accept_timeout_s = 120;     // a dispatch not accepted within this escalates (and goes to police)
  int retention_days = 180;       // positions older than this are purged, except around incidents
  int evidence_margin_min = 60;   // …within this of an incident of the device's order
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

  // Positions from one authenticated device. Returns after every position and alert is committed.
  Result<IngestSummary> ingest(const Credentials& who, std::vector<Position> positions, const std::string& client);

  // Periodic work: silence, escalations (call every second or so), retention purge (hourly).
  void tick(int64_t now_ms);
  Result<int64_t> purge_positions(int64_t now_ms);

  http::Hub& hub();
  const Stats& stats() const;  // engine counters (for /metrics)
  size_t device_count() const;

  // The monitored orders whose victim or aggressor is this registry person.
  // Not audited here: the registry audits the person view that includes them.
  Result<std::vector<PersonOrder>> orders_of_person(int64_t person_id);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> service);
// Items for the home page: open alerts (control centre), dispatches to accept (units).
Result<std::vector<http::Json>> home_items(Service& service, const http::Request& req);

// A demo order in Santiago with its zones and three devices (secrets documented in the README),
// a short history and an open incident; idempotent.
Result<void> load_demo(Service& service);

}  // namespace eq::monitoring
