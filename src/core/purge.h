// What a retention purge tells the data-protection officer, and the question it asks before
// deleting anything: is this record under a legal hold? Modules purge their own tables (their SQL
// stays theirs); the data-protection module (src/dataprotection/retention.h) runs them all, and
// the composition root (src/app/app.cc) answers the hold question from dp_legal_holds.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"

namespace eq {

// One kind of data, one run (or one dry run).
struct PurgeTally {
  int64_t due = 0;     // past its period and not kept: deleted by a run, would be by a dry run
  int64_t purged = 0;  // deleted (0 in a dry run)
  int64_t held = 0;    // past its period, kept because a legal hold names it or its person
  int64_t exempt = 0;  // past its period, kept by the module's own rule (evidence, still in use)
};

// Whether the record `record_id` (as the module names it) or one of the registry persons it
// concerns is under an active legal hold. Must not be called inside a module's transaction when it
// reads the database (the composition root takes its answer from a snapshot read beforehand).
using PurgeHeld = std::function<bool(const std::string& record_id, const std::vector<int64_t>& person_ids)>;

// Builds the predicate for the module's kind at the start of a purge (one read of the holds). A
// module's own job asks this before purging; empty: no hold can apply (no data-protection module).
// An error means the holds could not be read: the purge must not run.
using PurgeHolds = std::function<Result<PurgeHeld>(const std::string& kind)>;

}  // namespace eq
