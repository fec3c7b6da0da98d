// The case registry's domain types, shared with the modules that consume case events (risk
// assessment, early alerts). Plain data: no IO, no SQL. The registry (src/cases) owns the tables;
// other modules see records only through these types.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "risk/levels.h"

namespace eq::cases {

// Kinds of record an institution adds about the persons it serves.
//   contact          attention or contact (1455 call, centre visit, chat…)
//   complaint        denuncia
//   risk_assessment  details: see risk::Assessment JSON (level, computed_level, reassess_due_at…)
//   protective_order details: court, type, distance_m, places[], starts_at, ends_at (ms), active
//   order_breach     details: order_record_id, description
//   referral         details: to_institution_id, consent, ack_due_at, first_contact_due_at,
//                    acknowledged_at (null until acknowledged), first_contact_at (null until done)
//   shelter_entry, shelter_exit, closure
inline const std::vector<std::string>& record_kinds() {
  static const std::vector<std::string> k = {"contact",      "complaint",     "risk_assessment", "protective_order",
                                             "order_breach", "referral",      "shelter_entry",   "shelter_exit",
                                             "closure"};
  return k;
}

// Roles a person has in a record.
inline const std::vector<std::string>& person_roles() {
  static const std::vector<std::string> r = {"victim", "aggressor", "child"};
  return r;
}

// Risk levels in increasing order; the risk module owns them (risk/levels.h).
inline const std::vector<std::string>& risk_levels() { return risk::levels(); }
// Position in risk_levels(), -1 when unknown.
inline int risk_rank(const std::string& level) { return risk::rank(level); }

struct PersonRef {
  int64_t person_id = 0;
  std::string role;  // one of person_roles()
};

struct Record {
  int64_t id = 0;
  std::string kind;  // one of record_kinds()
  int64_t institution_id = 0;
  std::string comuna_id;  // where it happened or was attended (official code), may be empty
  int64_t author_user_id = 0;
  int64_t occurred_at = 0;  // UTC ms
  int64_t recorded_at = 0;  // UTC ms
  bool consent_statistics = false;
  std::vector<PersonRef> persons;
  nlohmann::json details = nlohmann::json::object();
};

// Everything the registry knows about one person, in the order it happened (occurred_at, id):
// every record in which the person appears in any role, with all the persons of each record.
struct History {
  int64_t person_id = 0;
  std::string comuna_id;  // the person's registered comuna, may be empty
  std::vector<Record> records;
};

}  // namespace eq::cases
