// Object rules of policy tracking: who may report on, review, or read THIS item or report. Every
// route and read model that names an item or a report asks here; no handler decides it inline.
#pragma once
#include <cstdint>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace eq::policy {

struct ItemScope {
  std::set<int64_t> institutions;  // responsible institutions
  std::string region_id;
};
// A focal point (policy.report) reports on an item only if their institution is responsible for
// it; a user with a regional scope only on items of that region (or without region).
Result<void> may_report(const http::Principal& p, const ItemScope& item);
// An analyst may not validate or return a version they submitted themselves.
Result<void> may_review(const http::Principal& p, int64_t submitted_by);

// Reading a report: validators see all; the reporting institution sees its own; anyone with
// policy.read sees validated ones (only their validated version and the evidence up to it).
// The public (no principal) sees validated ones like a reader.
enum class Sight { none, validated_only, full };
Sight sight_of(const http::Principal& p, int64_t report_institution, bool validated);
Sight public_sight(bool validated);
// Listing reports: without policy.validate, only one's own institution's. Returns the institution
// the list is restricted to, if any.
std::optional<int64_t> list_scope(const http::Principal& p);

// The PMG filings of a service (pmg_review.cc). A focal point files and answers only for a service
// her institution is responsible for; anything else is answered as if it did not exist (404), and
// the caller audits the attempt.
Result<void> may_file_pmg(const http::Principal& p, const std::vector<int64_t>& service_institutions);
// A reviewer (policy.validate) never reviews a filing of her own institution's service.
Result<void> may_review_pmg(const http::Principal& p, int64_t filing_institution);
// Reading a service's PMG workflow: reviewers all; a focal point her own services only (else 404).
Result<void> may_read_pmg(const http::Principal& p, const std::vector<int64_t>& service_institutions);

}  // namespace eq::policy
