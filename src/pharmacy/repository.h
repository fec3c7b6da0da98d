// Every SQL statement of «Mascarilla 19» (SQLite and PostgreSQL alike).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "pharmacy/module.h"

namespace eq::pharmacy::repo {

struct StoredReport : Report {
  std::string alias, phone, safe_contact, asked_for;  // ciphertext
};

int64_t insert_enrolment(soci::session& s, const Enrolment& e);
std::optional<Enrolment> enrolment(soci::session& s, int64_t id);
std::optional<Enrolment> enrolment_of_institution(soci::session& s, int64_t institution_id);
std::optional<int64_t> enrolment_by_name(soci::session& s, const std::string& name, const std::string& comuna_code);
std::vector<Enrolment> enrolments(soci::session& s);
// The enrolment screen: filtered list (with each pharmacy's activations ever), edits, status, trainings.
std::vector<Enrolment> find_enrolments(soci::session& s, const EnrolmentFilter& f, int limit);
std::vector<std::string> chains(soci::session& s);
void update_enrolment(soci::session& s, const Enrolment& e);
// Moves the status from `from` to `to` only if it is still `from` (false otherwise: nothing written).
bool set_status(soci::session& s, int64_t id, const std::string& from, const std::string& to, const std::string& reason, int64_t at);
int64_t insert_training(soci::session& s, int64_t enrolment_id, const Training& t, bool demo);
std::vector<Training> trainings(soci::session& s, int64_t enrolment_id);
int64_t count_reports_of(soci::session& s, int64_t enrolment_id);

int64_t insert_report(soci::session& s, const StoredReport& r, std::optional<int64_t> user_id);
void set_contact(soci::session& s, int64_t id, const std::string& contact_id);
// Moves the status forward only (a late "active" never undoes "contacted").
bool advance(soci::session& s, const std::string& ref, const std::string& state, int64_t at);
std::optional<StoredReport> report(soci::session& s, const std::string& ref);
std::vector<Report> reports_of(soci::session& s, int64_t enrolment_id, int limit);
std::vector<Report> open_reports(soci::session& s, int limit);
std::vector<StoredReport> without_contact(soci::session& s, int limit);
// Activations per region and comuna in [from, to), and how many of them SernamEG contacted.
struct Activations {
  std::map<std::string, int64_t> by_region, by_comuna;
  int64_t total = 0, contacted = 0;
};
Activations activations(soci::session& s, int64_t from, int64_t to);
int64_t count_demo_reports(soci::session& s);
// Open reports (not contacted, not demo) due for their next escalation at `now`: level 0 past
// due_at, level 1 escalated more than `second_after` ago.
std::vector<Report> due_for_escalation(soci::session& s, int64_t now, int64_t second_after, int limit);
// Moves a report from level `from` to from + 1, only if it is still open at that level (so a
// report escalates once per level, whichever instance's job gets there first).
bool escalate(soci::session& s, int64_t id, int from, int64_t at);
std::vector<Report> escalated_reports(soci::session& s, int limit);

}  // namespace eq::pharmacy::repo
