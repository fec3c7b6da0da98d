// What each kind of record must carry, checked before anything is written. The details are kept
// encrypted; the few values other institutions may see (risk level, an order's dates, a referral's
// deadlines) are also copied into plain columns so the shared minimum never needs the ciphertext.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cases/model.h"
#include "core/error.h"

namespace eq::risk {
class Instrument;
}

namespace eq::cases {

// Referral deadlines (hours after the referral): acknowledgement and first contact with the woman.
// Shorter when the latest assessment is alto or vital.
struct ReferralDeadlines {
  int64_t ack_hours = 24, first_contact_hours = 72;
  int64_t ack_hours_high_risk = 4, first_contact_hours_high_risk = 24;
};

struct DetailsContext {
  int64_t now = 0;
  int64_t institution_id = 0;  // the author's
  const risk::Instrument* instrument = nullptr;
  std::function<bool(int64_t)> institution_exists;
  // The protective order a breach refers to, when it exists and concerns one of the record's persons.
  std::function<std::optional<Record>(int64_t)> order_of_persons;
  std::string latest_risk_level;  // of the record's victim, for referral deadlines
  ReferralDeadlines deadlines;
};

// Validates and normalises `details` for `r.kind` (r.persons and r.occurred_at already set);
// errors name the field as "details.<name>". Computes what the system decides (risk level,
// deadlines) so callers cannot set it.
Result<nlohmann::json> check_details(const Record& r, const nlohmann::json& details, const DetailsContext& ctx);

// Spanish names for screens and explanations.
std::string kind_name_es(const std::string& kind);
std::string role_name_es(const std::string& role);

// An order is active at `now` when it has started and not ended (and was not lifted).
bool order_active(const Record& order, int64_t now);

}  // namespace eq::cases
