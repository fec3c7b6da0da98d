// What the monitoring service is asked to do (typed commands, parsed by routes.cc from requests)
// and what it answers (typed results, turned into the API's JSON by json.cc). Neither side knows
// HTTP or SQL: the routes parse and answer, the service decides, the repository stores.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/vocabulary.h"
#include "http/message.h"
#include "monitoring/engine.h"

namespace eq::monitoring {

// Who asks: the object rules read the principal; the audit entry names the actor and address.
struct Caller {
  http::Principal who;
  std::string client_ip;
};

// ---------------------------------------------------------------- orders, zones, devices

// An order as stored (names and phones in clear: the repository seals and opens them).
struct OrderRow {
  int64_t id = 0;
  std::string label, court, comuna_id;
  std::string victim_name, victim_phone, aggressor_name, aggressor_phone;
  std::optional<LatLon> victim_home, aggressor_home;
  double min_distance_m = 0, approach_m = 0;
  int64_t starts_at = 0;
  std::optional<int64_t> ends_at;  // exclusive
  std::string status;              // vigente | terminada
  std::string ended_reason;        // set when ended before its term
  // The case registry's protective order this monitors and its persons (none for older orders).
  std::optional<int64_t> record_id, victim_person_id, aggressor_person_id;
};

// POST /orders. With record_id the court, dates, distance, comuna and names come from the
// registry (Directory::court_order) and the fields below that say so are ignored.
struct NewOrder {
  std::optional<int64_t> record_id;
  std::string label, court, comuna_id;                 // court, comuna: from the record when linked
  std::string victim_name, aggressor_name;             // from the record when linked
  std::string victim_phone, aggressor_phone;
  std::optional<double> min_distance_m, approach_m;    // min: from the record when it has one
  std::optional<int64_t> starts_at, ends_at;           // from the record when linked
  std::optional<LatLon> victim_home, aggressor_home;
};
struct NewZone {
  int64_t order_id = 0;
  Zone zone;
};
struct EndOrder {
  int64_t order_id = 0;
  std::string reason;
};
struct NewDevice {
  int64_t order_id = 0;
  std::string device_id;
  DeviceKind kind{};
};

struct LastFix {
  std::optional<LatLon> at;
  int64_t when = 0;
  std::optional<int64_t> battery;
};
// The device's last report, fix or not, with what it said besides its place (opened from
// report_enc: cell towers, Wi-Fi, charging, motion, extras), for later location.
struct LastReport {
  int64_t when = 0;
  bool no_fix = false;
  std::optional<int64_t> battery;
  std::string data;  // JSON object text, or empty
};
struct DeviceView {
  std::string device_id;
  DeviceKind kind{};
  bool active = true;
  std::optional<LastFix> last;
  std::optional<LastReport> last_report;
};
struct OrderView {
  OrderRow order;
  std::vector<Zone> zones;
  std::vector<DeviceView> devices;
  std::vector<std::string> warnings;  // order_warnings of the engine (only in single-order answers)
};
struct ZoneAdded {
  Zone zone;
  std::vector<std::string> warnings;
};
struct DeviceAdded {
  DeviceView device;
  std::string secret;  // shown once
};

// ---------------------------------------------------------------- incidents and dispatches

struct DispatchView {
  int64_t id = 0, incident_id = 0, institution_id = 0;
  std::string unit_name, unit_kind, state;  // state: enviado … cerrado, or "anulado" (re-dispatched)
  int64_t created_at = 0;
  std::optional<int64_t> accepted_at, en_route_at, on_site_at, closed_at, cancelled_at;
  std::string outcome, note;
  bool escalated = false;
  // The incident, as the unit going there needs it: whom to protect and from whom.
  std::string type, severity, comuna_id, order_label, victim_name, victim_phone, aggressor_name;
  std::optional<LatLon> at;
  // Raised by a help channel instead of a device: the channel ("chat") and its conversation.
  std::string origin, origin_ref;
};

struct IncidentView {
  int64_t id = 0, order_id = 0;
  std::string order_label, type, severity, device_id, device_kind, comuna_id, state, outcome;
  std::optional<int64_t> zone_id;
  std::string zone_label;
  int64_t first_at = 0, last_at = 0, count = 0;
  std::optional<LatLon> at;
  std::optional<int64_t> place_at;  // `at` is the last known place, fixed then (the report had no GPS)
  std::optional<double> distance_m;
  std::optional<int64_t> battery;
  bool escalated = false;
  std::optional<std::string> taken_by;       // the operator's name
  std::optional<DispatchView> dispatch;      // the latest one
  std::string origin;                        // "" (a device) | "chat" (a help channel)
};

struct AlertView {
  int64_t at = 0;
  std::string type;
  std::optional<LatLon> where;
  std::optional<double> distance_m;
  std::optional<int64_t> battery;
};
struct ActionView {
  int64_t at = 0;
  std::string kind, note, outcome;
  std::optional<bool> reached;
  std::optional<int64_t> user_id;
  std::optional<std::string> user_name;
};
struct TrackPoint {
  LatLon at;
  int64_t when = 0;
};
struct DeviceTrack {
  std::string device_id, kind;
  std::vector<TrackPoint> points;
};
using Track = std::vector<DeviceTrack>;

struct IncidentDetail {
  IncidentView incident;
  std::optional<OrderView> order;
  std::vector<AlertView> alerts;
  std::vector<ActionView> actions;
  std::vector<DispatchView> dispatches;
  Track track;
};

struct DeviceOnMap {
  std::string device_id, kind;
  int64_t order_id = 0;
  LatLon at;
  int64_t when = 0;                 // device time of the last fix (where `at` was true)
  std::optional<int64_t> battery;   // from the last report, fix or not
  int64_t report_at = 0;            // device time of the last report
  bool no_fix = false;              // the last report had no GPS fix: `at` is only the last known place
};
struct Console {
  int64_t now = 0;
  std::vector<IncidentView> incidents;
  std::vector<DeviceOnMap> devices;
  Stats stats;
  size_t device_count = 0;
};

// POST /incidents/{id}/actions: take, call the victim or the aggressor, note, close.
struct IncidentStep {
  int64_t incident_id = 0;
  std::string kind;  // tomar | llamada_victima | llamada_agresor | nota | cerrar
  std::string note, outcome;
  std::optional<bool> reached;
};
// POST /incidents/{id}/dispatch. No unit: the comuna's responsible unit. `redispatch`: the
// dispatch in course is cancelled and this one replaces it (otherwise a dispatch in course is 409).
struct DispatchStep {
  int64_t incident_id = 0;
  std::optional<int64_t> institution_id;
  std::string note;
  bool redispatch = false;
};
// POST /dispatches/{id}/status: the unit moves its dispatch forward.
struct UnitStep {
  int64_t dispatch_id = 0;
  std::string state;  // aceptado | en_camino | en_sitio | cerrado
  std::string outcome, note;
};

// A help channel asks for the municipal unit of her comuna (issue 13: the silent chat's
// escalation). The channel has already applied its own object rule (the operator holds the
// conversation); monitoring opens an incident of that origin and dispatches the unit at once. Only
// what the unit needs goes: her comuna, the urgency and the operator's note; never who she is.
struct ChannelAlert {
  std::string origin;      // "chat"
  std::string origin_ref;  // the conversation's reference
  std::string comuna_id;
  int64_t institution_id = 0;  // the municipal unit of her comuna
  bool urgent = false;
  std::string note;
};

// A unit the operator may send to an incident (the comuna's responsible one first).
struct UnitChoice {
  int64_t institution_id = 0;
  std::string name, kind;
  bool responsible = false;
};

struct HomeCounts {
  int64_t critical = 0, fresh = 0, open = 0;     // control centre
  int64_t pending = 0, active = 0;               // the caller's unit
};

// Counts of a period for the public account (no order, person or place): court orders monitored,
// incidents by type, dispatches. Help-channel incidents (origin set) are counted apart.
struct PeriodTotals {
  int64_t orders_started = 0, orders_in_force = 0, dispatches = 0, channel_incidents = 0;
  std::vector<std::pair<std::string, int64_t>> incidents_by_type;  // Spanish label → count, device alarms only
};

// The fixed lists with their Spanish labels (core/vocabulary.h), served by the API
// (GET /monitoring/labels): outcomes of an alert or a dispatch, actions, dispatch states; and the
// states of an incident (printed on the evidence page).
const Vocabulary& outcome_labels();
const Vocabulary& action_labels();
const Vocabulary& dispatch_state_labels();
const Vocabulary& incident_state_labels();

}  // namespace eq::monitoring
