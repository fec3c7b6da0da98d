// The network of care: the directory of Centros de la Mujer, Casas de Acogida (shelters) and CAVAS,
// each shelter's live capacity by unit type (with the time each figure was last confirmed), the
// referral of a woman to a place (offer → the house accepts or declines within a deadline → entry
// → exit with destination) and occupancy over time (daily snapshots).
//
// A shelter's address is the secret this module keeps: stored encrypted (declared in contract.cc),
// never in a public answer, the map or an export, and read inside only through care/access.h,
// audited. The module owns the care_* tables; it reaches the case registry only through Registry,
// an adapter the composition root writes (src/app/app.cc).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/crypto.h"
#include "core/vocabulary.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::care {

// kinds: centro (Centro de la Mujer), casa (Casa de Acogida), cavas (violencia sexual).
const Vocabulary& kinds();
const Vocabulary& services();
const Vocabulary& unit_types();         // mujer_sola, mujer_con_hijos, accesible
const Vocabulary& decline_reasons();    // why a house declines an offer
const Vocabulary& exit_destinations();  // where she went
const Vocabulary& placement_states();   // ofrecida, aceptada, rechazada, vencida, ingresada, egresada

// A place of the network. Public entries (centro, cavas) carry their address and position; a
// casa's address is only in `address` after access::may_read_address, never its position.
struct Place {
  int64_t id = 0;
  std::string kind, name, operator_name;
  std::optional<int64_t> institution_id;  // the institution whose staff run it (house staff accounts)
  std::string region_id, comuna_id;
  std::vector<std::string> services, languages;
  std::string hours, phone, admission;
  bool accessible = false, referral_only = false;
  int min_age = 18;             // women of this age and over
  int children_max_age = -1;    // children admitted when younger than this; -1: no children
  std::string address;          // public entries: as published; casa: decrypted only when allowed
  std::optional<double> lat, lon;
  bool demo = false;
  bool is_public() const { return kind != "casa"; }
};

struct Unit {
  int64_t place_id = 0;
  std::string unit_type;
  int places = 0, occupied = 0, blocked = 0;
  std::optional<int64_t> confirmed_at;
  std::optional<int64_t> confirmed_by;
  int available() const { return places - occupied - blocked; }
};

struct Placement {
  int64_t id = 0;
  int64_t place_id = 0;
  std::string unit_type;
  std::optional<int64_t> person_id;  // the registry's person, when referred from her file
  int64_t from_institution_id = 0, from_user_id = 0;
  int woman_age = 0;
  std::vector<int> children_ages;
  std::string aggressor_comuna_id;
  bool exclude_neighbours = false;
  std::string state = "ofrecida";
  int64_t offered_at = 0, answer_due_at = 0;
  std::optional<int64_t> answered_at, answered_by, entry_due_at, entered_at, exited_at;
  std::string decline_reason, exit_destination, note;
};

// Where the woman cannot be placed: her aggressor's comuna, and its neighbours when the order says so.
struct Exclusion {
  std::string comuna_id;
  bool neighbours = false;
};

// What a case worker asks for.
struct Need {
  int woman_age = 0;
  std::vector<int> children_ages;
  bool accessible = false;
  Exclusion exclusion;
  std::string region_id;  // preferred region (sorted first), may be empty
};

std::string unit_type_for(const Need& n);  // accesible > mujer_con_hijos > mujer_sola
// Why a place cannot take her ("" when it can, capacity aside): admission rules and the exclusion.
struct Refusal {
  std::string code, field, message;
};
std::optional<Refusal> refuse(const Place& p, const Need& n, const std::function<bool(const std::string&, const std::string&)>& adjacent);

// Settings (the composition root may change them).
struct Options {
  int stale_hours = 12;          // a house that has not confirmed its capacity for this long: alert, not offered
  int answer_seconds = 4 * 3600;   // the house answers an offer within (then the early-alert engine raises)
  int entry_seconds = 48 * 3600;   // she arrives within, once accepted
  int lapse_hours = 24;            // an offer still unanswered this long after it was made lapses (never before its deadline)
  int max_stay_days = 180;         // planned exit: this long after her entry (alerts on longer stays)
};

// The comunas' neighbours and positions, derived from data/territory/comunas.geojson: two comunas
// are neighbours when their boundaries share a vertex (coordinates rounded to 1e-4°, the file's
// precision). The position of a comuna is the mean of its boundary's vertices.
class Geography {
 public:
  static Result<std::shared_ptr<Geography>> load(const std::string& data_dir);
  bool adjacent(const std::string& a, const std::string& b) const;
  const std::set<std::string>& neighbours(const std::string& comuna) const;
  std::optional<std::pair<double, double>> centre(const std::string& comuna) const;  // lat, lon
  size_t size() const { return centre_.size(); }

 private:
  std::map<std::string, std::set<std::string>> neighbours_;
  std::map<std::string, std::pair<double, double>> centre_;
};

// A step of a referral whose deadline the early-alert engine watches (alerts module, through the
// adapter in src/app/app.cc). Only referrals made from her file (person_id) are watched: the engine
// is about persons of the case registry.
struct StepWatch {
  std::string key;   // "care_placement:<id>:answer|entry|exit"
  std::string step;  // answer | entry | exit
  int64_t person_id = 0;
  int64_t from_institution_id = 0;   // the referring case worker's
  std::optional<int64_t> house_institution_id;  // the institution running the house
  int64_t due_at = 0;
  std::string what;  // Spanish: "la derivación N° 12 a Casa de Acogida …"
};
struct Watcher {
  std::function<void(soci::session&, const StepWatch&)> watch;
  std::function<void(soci::session&, const std::string& key, const std::string& how, int64_t now)> done;
};
std::string step_key(int64_t placement_id, const std::string& step);
std::string duration_es(int seconds);  // "4 horas", "90 minutos", "2 segundos"

// What the module needs from others; the composition root fills it (src/app/app.cc).
struct Registry {
  // 404 when the caller may not open the person's file in the case registry (audited there).
  std::function<Result<void>(const http::Request&, int64_t person_id)> check_person;
  std::function<std::map<int64_t, std::string>(const std::set<int64_t>&)> institution_names;
  std::function<std::vector<std::pair<std::string, std::string>>()> regions;  // id, name
  std::function<std::string(const std::string& comuna_id)> comuna_name;
  std::function<Result<std::string>(const std::string& sheet, const std::vector<std::string>& header,
                                    const std::vector<std::vector<std::variant<std::string, double>>>& rows)>
      xlsx;
  // The early-alert engine watching each step's deadline; empty: not watched (unit tests).
  Watcher steps;
};

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();

// The module's SQL.
class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}
  int64_t insert_place(soci::session& s, const Place& p, int64_t now) const;
  // Without the casa addresses (decrypted only by address()).
  std::vector<Place> places(soci::session& s, const std::string& kind, const std::string& region, const std::string& comuna) const;
  std::optional<Place> place(soci::session& s, int64_t id) const;
  std::string address(soci::session& s, int64_t id) const;
  std::vector<Unit> units(soci::session& s, std::optional<int64_t> place_id) const;
  void upsert_unit(soci::session& s, const Unit& u) const;
  // Houses with at least one unit of `unit_type` available and confirmed at or after `fresh_since`.
  std::vector<std::pair<Place, Unit>> available(soci::session& s, const std::string& unit_type, int64_t fresh_since) const;

  int64_t insert_placement(soci::session& s, const Placement& p) const;
  void update_placement(soci::session& s, const Placement& p) const;
  std::optional<Placement> placement(soci::session& s, int64_t id) const;
  std::vector<Placement> placements(soci::session& s, const std::string& where, int64_t arg) const;
  std::vector<Placement> placements_between(soci::session& s, int64_t from, int64_t to) const;

  void snapshot(soci::session& s, int64_t day, const Unit& u) const;  // day: days since epoch (Chile)
  // Many (day, unit) rows at once, in multi-row statements (demo data, imports).
  void snapshots_bulk(soci::session& s, const std::vector<std::pair<int64_t, Unit>>& rows) const;
  struct Snapshot {
    int64_t day = 0, place_id = 0;
    std::string unit_type;
    int places = 0, occupied = 0, blocked = 0;
  };
  std::vector<Snapshot> snapshots(soci::session& s, int64_t from_day, int64_t to_day) const;

  // Deadline alerts of the network (stale capacity, overdue answers/entries/exits); one per key.
  bool raise(soci::session& s, const std::string& kind, int64_t place_id, std::optional<int64_t> placement_id, int64_t due_at,
             const std::string& text, int64_t now) const;
  void resolve(soci::session& s, const std::string& kind, int64_t place_id, std::optional<int64_t> placement_id, int64_t now) const;
  struct Alert {
    int64_t id = 0;
    std::string kind;
    int64_t place_id = 0;
    std::optional<int64_t> placement_id;
    int64_t due_at = 0, raised_at = 0;
    std::string text;
  };
  std::vector<Alert> open_alerts(soci::session& s) const;

 private:
  const crypto::Keys& keys_;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<Geography> geo, Registry registry,
          Options options = {});

  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }
  const Repository& repo() const { return repo_; }
  const Geography& geo() const { return *geo_; }
  const Registry& registry() const { return registry_; }
  const Options& options() const { return options_; }

  // Available places for a need, nationwide, best first (preferred region, most places available).
  // Houses whose confirmation is stale are left out ("empty is not available"), the excluded and
  // those whose rules do not admit her are returned apart with the reason.
  nlohmann::json find(soci::session& s, const Need& n, int64_t now) const;
  // Periodic: today's snapshot, stale confirmations and overdue steps as alerts.
  Result<int> sweep(int64_t now);

 private:
  store::Database& db_;
  audit::Log& audit_;
  Repository repo_;
  std::shared_ptr<Geography> geo_;
  Registry registry_;
  Options options_;
};

int64_t chile_day_of(int64_t utc_ms);  // days since 1970-01-01 of the Chilean calendar day

void register_routes(http::Router& router, std::shared_ptr<Service> service);

// Demo network: the seed's counts (public account 2020–2021) spread over the regions.
struct SeedCounts {
  int casas = 44, centros = 111, cavas = 3;
};
inline constexpr SeedCounts kSeed{};  // «44 Casas de Acogida, 111 Centros de la Mujer, y los 3 Centros de … Violencia Sexual»
// The generated directory (no ids), deterministic.
std::vector<Place> demo_places(const std::vector<std::string>& region_ids,
                               const std::function<std::vector<std::string>(const std::string& region)>& comunas_of,
                               const std::function<std::string(const std::string&)>& comuna_name);
// The first casa of Valparaíso and of Los Lagos are run by the demo house staff's institutions.
Result<void> load_demo(Service& svc, std::optional<int64_t> house_institution_id, std::optional<int64_t> second_house_institution_id,
                       int64_t referrer_institution_id, int64_t referrer_user_id,
                       const std::function<std::vector<std::string>(const std::string& region)>& comunas_of);

// Items for the caller's home page.
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::care
