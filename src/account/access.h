// Object rules of the public account, in one place. A regional milestone belongs to its region:
// only a SEREMI team of THAT region writes it (another region's milestone is refused and the
// refusal logged by the service). A published edition is nobody's to change.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "http/message.h"

namespace eq::account::access {

// May `p` create or change a milestone of `region_id`? 403 (field region_id) otherwise.
Result<void> may_write_milestone(const http::Principal& p, const std::string& region_id);
// May `p` read the milestones of `region_id` (empty: every region)? A regional account reads its
// own region; a national one (the ministry's analysts, who curate the account) every region.
Result<void> may_read_milestones(const http::Principal& p, const std::string& region_id);
// May the edition in `state` be changed? 409 published_account otherwise.
Result<void> may_change_edition(const std::string& state);
// May `p` decide which milestones enter the account? The ministry's national teams only (403).
Result<void> may_curate(const http::Principal& p);
// May the text of an edition in `state` under `review` be edited? A published one: 409 (publish a
// new version); one in review or approved: 409 in_review (the reviewer reads what was sent).
Result<void> may_edit_text(const std::string& state, const std::string& review);
// May `reviewer` decide on a version sent by `submitted_by`? Four eyes: never one's own (403).
Result<void> may_review(const std::optional<int64_t>& submitted_by, int64_t reviewer);

}  // namespace eq::account::access
