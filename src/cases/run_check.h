// A RUN typed for a new person must be a RUN: a wrong check digit is almost always a typing
// mistake, and one that is kept creates a second file for a woman the registry already knows
// (a RUN that does not verify is never an exact key). So saving refuses it, with the field, unless
// whoever enters it says she was told that number and cannot check it ("RUN informado sin
// verificar"): then it is kept as typed, as an attribute for matching only (identity.h).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "cases/identity.h"
#include "core/error.h"

namespace eq::cases {

// The key, beside role and identity in each persons[i] of a new record, that marks a RUN as
// informed but not verifiable.
inline constexpr const char* kRunUnverified = "run_unverified";

// `entry` is persons[i]; `field` is "persons[i]". Refuses (422, field "persons[i].identity.run")
// a RUN that does not verify unless entry.run_unverified is true; refuses a run_unverified that is
// not a boolean.
Result<void> check_entered_run(const PersonIdentity& id, const nlohmann::json& entry, const std::string& field);

}  // namespace eq::cases
