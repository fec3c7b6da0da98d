// Object rules of the case registry, in one place: who may see or change THIS person, record,
// review, referral, link or alert. Every route and service path that names one of them asks here;
// no handler or workflow decides it inline. What the rules mean, for people:
//
// SERVING. An institution serves a woman when one of its records names her on a basis of its own:
//   identity   it typed identifying data that matched her (exact RUN, a probable match, or she was new),
//   served     it named her by number while it already served her,
//   referral   another institution that served her referred her to it (she consented); a referral
//              received counts as serving from the moment it arrives (the inbox already carries her
//              name and phone), but records by number need the referral acknowledged (accepted),
//   legacy     records written before the basis was stored (as before: authorship).
// A record linked to her only by a probable match (names and a birth date, no RUN or document)
// while other institutions serve her has basis LINKED: the institution keeps its own records and
// may open her file, but as the shared minimum (no RUN, phone or address), until it identifies her
// by RUN or document, a reviewer merges, or she is referred to it; the serving ones are told.
// A record attached under EMERGENCY access (a stated reason of real words, 4 h, audited, every
// serving institution notified) never makes its institution serve her: once the access ends, the
// institution sees its own records in full and her only as the shared minimum.
//
// SEEING HER. Serving, or an emergency access of this user in force: full identity (phone, address).
// Otherwise she is reached only through a search with enough identifying data (a valid RUN, a
// document, or given names + first surname + birth year), which shows the shared minimum (names,
// birth date, sex, comuna) and lets this user open her file, still masked, for an hour. Opening a
// number one may not see answers 404 like a number that does not exist, and is logged on her
// access log. Opening many distinct persons in a short time is throttled (429) and the
// institution's administrators are notified.
//
// RECORDS. In full to their own institution, to the institution a referral is addressed to, and
// under an emergency access; to others as the shared minimum (kind, date, institution, risk level,
// an order's dates, a referral's state).
//
// RISK AND CLOSURE. Her current risk level is the highest of each institution's latest assessment,
// so another institution's later assessment never lowers a level set by one that serves her; a
// closure closes only its own institution's case.
//
// REVIEWS. A review shows the reviewer's own identity in full and the candidate only as the
// reviewer's institution may see her; every read lands on both persons' access logs. Deciding
// "misma_persona" merges the reviewer's person into hers, but when other institutions serve her and
// the reviewer's institution did not identify her by a valid RUN or a document of hers, its records
// about her become LINKED (shared minimum only, the serving ones told), exactly like an automatic
// probable match: otherwise a vague record sent to review, then "same person", would unmask her.
//
// ALERTS. The same visibility as the alerts API (alerts/access.h), asked through AlertFeed.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cases/identity.h"
#include "cases/model.h"
#include "core/error.h"

namespace soci {
class session;
}

namespace eq::cases {

class Repository;
struct Review;

namespace access {

// Bases of a record's person (cases_record_persons.basis).
inline const std::string kIdentity = "identity", kServed = "served", kReferral = "referral", kEmergency = "emergency",
                         kLinked = "linked", kLegacy = "legacy";

struct Viewer {
  int64_t user_id = 0, institution_id = 0;
  bool control_centre = false;  // «alerts.handle»: sees every alert (not every identity)
};

struct Limits {
  int64_t search_ticket_ms = 60LL * 60 * 1000;  // a search hit opens her (masked) file for this long
  int bulk_persons = 60;                        // distinct persons one user may open …
  int64_t bulk_window_ms = 10LL * 60 * 1000;    // … within this window
};

struct PersonAccess {
  int64_t person_id = 0;
  std::vector<int64_t> serving;            // institutions that serve her
  bool serves = false;                     // the viewer's institution is one of them
  std::optional<int64_t> emergency_until;  // this user's emergency access in force
  bool found_by_search = false;            // this user found her by enough identifying data, recently
  bool own_records = false;                // the institution wrote about her (linked or in an emergency)
  bool full_identity() const { return serves || emergency_until.has_value(); }
  bool may_open() const { return full_identity() || found_by_search || own_records; }
};

// Everything the rules need to know about a viewer and a person.
PersonAccess person(soci::session& s, const Repository& repo, const Viewer& v, int64_t person_id, int64_t now, const Limits& l);

// May the viewer's institution name this person (by number) in a new record, and on which basis?
// `emergency` is true when the record carries a valid emergency reason or the user has an
// emergency access in force. Refusal: 403 need_to_know on `field`.
Result<std::string> attach_basis(soci::session& s, const Repository& repo, const Viewer& v, int64_t person_id, bool emergency,
                                 const std::string& field, int64_t now);

// A referral shares her data with another institution on her consent, given to one that serves
// her: never under an emergency access.
Result<void> basis_allows(const std::string& kind, const std::string& basis, const std::string& field);

// A record in full (details, author) or as the shared minimum.
bool record_full(const Viewer& v, const Record& r, bool emergency);

// Resolving a protective order for the monitoring centre (issue 12): with «monitoring.manage» the
// viewer may resolve a protective order the court gives the centre to watch (order_type
// vigilancia_telematica or prohibicion_acercamiento) — that order only, not her file; any other
// record, or a viewer without that permission, follows the ordinary rule of a record (record_full).
// Returns the basis of the read ("monitoring", "emergency", "served"), empty when refused.
std::string court_order_basis(const Viewer& v, bool manages_monitoring, const Record& r, bool emergency);
// Incidents of a monitored order beside her file: those who serve her (or hold an emergency access)
// and the control centre, never the shared minimum.
bool sees_monitoring_incidents(const Viewer& v, const PersonAccess& a);

// Identity as the viewer may see it: full, or the shared minimum (names, birth date, sex, comuna).
nlohmann::json identity_view(const PersonIdentity& p, bool full);

// Search: whether the query identifies someone well enough to show persons the viewer does not
// serve, and whether a hit of that strength is shown.
bool enough_identifying_input(const PersonIdentity& q);
bool search_hit_shown(bool serves, bool enough_input, const std::string& match_level);

// Emergency reasons: at least 20 visible characters of which 10 letters, once invisible characters
// (zero-width, NBSP and other spaces, soft hyphens, controls) are removed. Returns the cleaned text.
Result<std::string> emergency_reason(const std::string& raw, const std::string& field);

// Bulk reading: 429 when the user already opened `limits.bulk_persons` other persons in the window.
// `first_in_window` is set when this call is the one that crossed the limit (notify once).
bool over_bulk_limit(soci::session& s, const Repository& repo, const Viewer& v, int64_t person_id, int64_t now, const Limits& l);

// Deciding "misma_persona" on a review that merges `from` (the reviewer's person) into `to`: the
// basis the reviewer's records about her take, kLinked, or empty to keep theirs (the institution
// already serves her, nobody else does, or its own identities of `from` carry her valid RUN or
// document).
std::string review_merge_basis(soci::session& s, const Repository& repo, const Viewer& v, int64_t from, int64_t to);

// Reviews and links belong to the institution that made them.
bool owns_review(const Viewer& v, const Review& r);
bool owns_link(const Viewer& v, std::optional<int64_t> link_institution);
// Only the institution a referral is addressed to acknowledges it or records the first contact.
bool is_referral_recipient(const Viewer& v, const Record& r);
// Access log of a person: only the institutions that serve her.
bool may_read_access_log(const PersonAccess& a);

// Risk and closure across institutions (records in occurred_at order).
std::string current_risk_level(const std::vector<Record>& records);
// institution → open (false when that institution's latest record about her is a closure).
std::vector<std::pair<int64_t, bool>> cases_by_institution(const std::vector<Record>& records);

}  // namespace access
}  // namespace eq::cases
