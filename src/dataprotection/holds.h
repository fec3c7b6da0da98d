// Legal holds (issue 20 item 4): a court, the Fiscalía or the ministry's own legal duty may require
// keeping a person's data, or one record of a module, past its retention period. While a hold is
// active (not released, and today within from..until) no purge may delete what it names.
// Holds name people by internal id and records by module/kind/id: no identifying text is stored.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dataprotection/module.h"

namespace eq::dataprotection {

struct Hold {
  int64_t id = 0;
  std::string person_id;                  // a person's internal id, or empty
  std::string module, kind, record_id;    // one record, or empty (then person_id is set)
  std::string reason;
  std::string from_on, until_on;          // civil days "YYYY-MM-DD"; until_on empty: until released
  int64_t created_by = 0, created_at = 0;
  std::optional<int64_t> released_at, released_by;
};

// "2026-12-01" → "01-12-2026" (es-CL), and back from the way people write dates in Chile
// ("01-12-2026" → "2026-12-01"; anything else is returned as given, to be validated by civil_days).
std::string cl(const std::string& iso);
std::string iso_from_cl(const std::string& text);

// Whether `h` holds on civil day `today`.
bool hold_active(const Hold& h, const std::string& today);

// The holds a purge asks: for one module's kind, whether a record id or one of the registry persons
// it concerns is named by an active hold. `used` (optional) collects the ids of the holds that kept
// something.
PurgeHeld held_by(std::shared_ptr<const std::vector<Hold>> active, const std::string& module, const std::string& kind,
                  std::shared_ptr<std::set<int64_t>> used = nullptr);
std::vector<Hold> active_holds(soci::session& s, const std::string& today);
// One read of the holds active now, as the predicate of module/kind (a module's own purge job).
Result<PurgeHeld> held_for(store::Database& db, int64_t now, const std::string& module, const std::string& kind);

// SQL of dp_legal_holds (in repository.cc with the module's other statements).
int64_t insert_hold(soci::session& s, const Hold& h);
std::optional<Hold> find_hold(soci::session& s, int64_t id);
std::vector<Hold> list_holds(soci::session& s);
void release_hold(soci::session& s, int64_t id, int64_t at, int64_t by);

// Workflow: each change commits with its audit entry.
Result<Hold> create_hold(Service& svc, const http::Request& req, Hold h);
Result<Hold> release_hold(Service& svc, const http::Request& req, int64_t id);

void register_hold_routes(http::Router& router, std::shared_ptr<Service> svc);

}  // namespace eq::dataprotection
