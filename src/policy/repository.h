// The module's SQL, returning structs; no other module reads policy_* tables. No rule is decided
// here: figures are computed in rollup.cc, object rules in access.cc.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <map>
#include <utility>

#include <soci/soci.h>

#include "policy/rollup.h"

namespace eq::policy {

struct Instrument {
  int64_t id = 0;
  std::string code, name, kind;
  std::optional<int64_t> start_year, end_year;
  std::string description, source;
  double rolled_progress = 0;
  int64_t leaves = 0, reported = 0;
};

struct Item {
  int64_t id = 0;
  int64_t instrument_id = 0;
  std::optional<int64_t> parent_id;
  std::string level, code, title;
  double weight = 1;
  int64_t position = 0;
  std::optional<int64_t> start_year, end_year;
  std::string status = "vigente";
  std::string region_id;
  std::string indicator_name, indicator_unit;
  std::optional<double> baseline, target, indicator_value, numerator, denominator;
  std::string source_note;
  bool is_leaf = true;
  std::optional<int64_t> current_report_id;
  std::optional<double> current_progress;
  double rolled_progress = 0;
  int64_t leaves = 1, reported = 0;
  std::vector<int64_t> institutions;
};

struct Report {
  int64_t id = 0, item_id = 0, period_id = 0, institution_id = 0;
  std::string state;
  int64_t current_version = 0;
  std::optional<int64_t> validated_version;
  std::optional<double> validated_progress;
  int64_t created_at = 0, updated_at = 0;
};

struct Version {
  int64_t id = 0, report_id = 0, version = 0;
  std::string status;
  int64_t progress = 0;
  std::string narrative;
  bool late = false;
  int64_t submitted_by = 0, submitted_at = 0;
  std::string decision;
  std::optional<int64_t> reviewed_by, reviewed_at;
  std::string review_comments;
};

struct Evidence {
  int64_t id = 0, report_id = 0, version = 0;
  std::string filename, content_type;
  int64_t size = 0;
  std::string sha256;
  int64_t uploaded_by = 0, uploaded_at = 0;
};

struct Declared {
  int64_t id = 0, instrument_id = 0;
  std::optional<int64_t> item_id;
  std::string label;
  std::optional<double> value, numerator, denominator;
  std::string unit, value_text, source;
  std::string metric;     // how the platform computes it from the records (seed_check.h); empty: not computed
  std::string agreement;  // exacto | mas_de: how the stated and the computed figure are compared
};
// A PMG technical-assistance session (meeting, workshop, working day, videoconference).
struct Assistance {
  int64_t id = 0, instrument_id = 0;
  int64_t held_on = 0;  // first instant of the day (America/Santiago)
  std::string kind, topic, participants;
  bool illustrative = false;  // demo rows the seed only counts
};
// A PMG service's outcome for its year, decided by the ministry's reviewer.
struct Outcome {
  int64_t item_id = 0;
  std::string outcome;  // cumple | no_cumple
  std::string reason;
  std::optional<int64_t> decided_by;
  int64_t decided_at = 0;
};

// A PMG filing of a service for its year (pmg_review.cc): one per stage, through review rounds.
struct Filing {
  int64_t id = 0, service_item_id = 0, institution_id = 0;
  std::string stage;  // programa | avance | cumplimiento
  std::string state;  // enviado | en_revision | observado | corregido | aprobado | rechazado
  int64_t round = 1;
  std::string narrative, evidence;
  std::optional<int64_t> filed_by;
  int64_t filed_at = 0, waiting_since = 0;  // waiting_since: when it last reached the reviewer (or the focal point)
  std::optional<int64_t> reviewer_id, decided_by, decided_at;
  std::string decision_note;
  bool demo = false;
  int64_t updated_at = 0;
};
// The reviewer's observation on a filing's round, about one commitment (or the whole filing), and
// the focal point's answer.
struct Observation {
  int64_t id = 0, filing_id = 0, round = 1;
  std::optional<int64_t> item_id;
  std::string text;
  std::optional<int64_t> written_by;
  int64_t written_at = 0;
  std::string answer;
  std::optional<int64_t> answered_by, answered_at;
};
// A row of the reviewer's queue: the filing with its service's name and year.
struct FilingRow {
  Filing filing;
  std::string service_title, service_code;
  std::optional<int64_t> year;
};

struct ReportFilter {
  std::string state;
  std::optional<int64_t> item_id, period_id, institution_id, instrument_id;
  bool only_validated = false;
  int limit = 500;
};

// A report row with what lists show beside it.
struct ReportRow {
  Report report;
  std::string item_title, item_code, period_label, instrument_name;
  int64_t instrument_id = 0;
  Version current;
};

class Repository {
 public:
  static std::vector<Instrument> instruments(soci::session& s);
  static std::optional<Instrument> instrument(soci::session& s, int64_t id);
  static std::optional<int64_t> instrument_id_by_code(soci::session& s, const std::string& code);
  static int64_t insert_instrument(soci::session& s, const Instrument& i);

  static std::vector<Item> items_of(soci::session& s, int64_t instrument_id, bool with_institutions = true);
  static std::optional<Item> item(soci::session& s, int64_t id);
  static std::vector<Item> children(soci::session& s, int64_t parent_id);
  static int64_t insert_item(soci::session& s, const Item& i);
  static void update_item(soci::session& s, const Item& i);  // descriptive fields, weight, status, indicator
  static void set_institutions(soci::session& s, int64_t item_id, const std::vector<int64_t>& institutions, bool fresh = false);
  static std::vector<int64_t> institutions_of(soci::session& s, int64_t item_id);
  static std::map<int64_t, std::vector<int64_t>> institutions_of_children(soci::session& s, int64_t parent_id);
  static int64_t count_children(soci::session& s, int64_t parent_id);
  static int64_t count_reports_of_item(soci::session& s, int64_t item_id);

  static std::vector<Period> periods(soci::session& s, int64_t instrument_id);
  static std::optional<Period> period(soci::session& s, int64_t id);
  static int64_t insert_period(soci::session& s, const Period& p);
  static void reopen(soci::session& s, int64_t id, int64_t until, const std::string& reason);

  static std::optional<Report> report(soci::session& s, int64_t id);
  static std::optional<Report> report_for(soci::session& s, int64_t item_id, int64_t period_id);
  static int64_t insert_report(soci::session& s, const Report& r);
  static void update_report(soci::session& s, const Report& r);
  static std::vector<Version> versions(soci::session& s, int64_t report_id);
  static std::optional<Version> version(soci::session& s, int64_t report_id, int64_t version);
  static int64_t insert_version(soci::session& s, const Version& v);
  static void review_version(soci::session& s, const Version& v);
  static std::vector<ReportRow> reports(soci::session& s, const ReportFilter& f);
  // Reports of the given items with a validated version, newest period first.
  static std::vector<ReportRow> validated_reports_of_items(soci::session& s, const std::vector<int64_t>& item_ids);

  static std::vector<Evidence> evidence_of(soci::session& s, int64_t report_id);
  static std::optional<Evidence> evidence(soci::session& s, int64_t id);
  static int64_t insert_evidence(soci::session& s, const Evidence& e, const std::string& bytes);
  static std::optional<std::string> blob(soci::session& s, const std::string& sha256);

  static std::vector<Declared> figures(soci::session& s, std::optional<int64_t> instrument_id);
  static int64_t insert_figure(soci::session& s, const Declared& f, int64_t position);
  // Whether the instrument's reports include the demo's generated history (marked by the demo when
  // it generates them), so every screen showing its figures can say they are demo data.
  static bool has_demo_reports(soci::session& s, int64_t instrument_id);
  static void mark_demo_history(soci::session& s, int64_t instrument_id);
  // Links an Agenda Mujer item to a bill of the legislative agenda (idempotent).
  static void link_bill(soci::session& s, int64_t item_id, int64_t bill_id, int64_t by);
  static std::vector<Assistance> assistance(soci::session& s, int64_t instrument_id);
  static int64_t insert_assistance(soci::session& s, const Assistance& a, std::optional<int64_t> by);
  static std::map<int64_t, Outcome> outcomes(soci::session& s, int64_t instrument_id);  // by item id
  // Writes the outcome and the item's status (cumplido / no_cumplido) together.
  static void save_outcome(soci::session& s, const Outcome& o);

  // PMG filings and their review rounds (pmg_review.cc).
  static std::vector<Filing> filings_of(soci::session& s, int64_t service_item_id);
  static std::optional<Filing> filing(soci::session& s, int64_t id);
  static int64_t insert_filing(soci::session& s, const Filing& f);
  static void update_filing(soci::session& s, const Filing& f);  // state, round, texts, review fields
  // Filings waiting for the reviewer (enviado, en_revision, corregido), longest waiting first.
  static std::vector<FilingRow> filing_queue(soci::session& s, int limit);
  // Count of filings per (year, stage, state) of a PMG instrument (the public summary).
  struct FilingCount {
    int64_t year = 0;
    std::string stage, state;
    int64_t n = 0;
  };
  static std::vector<FilingCount> filing_counts(soci::session& s, int64_t instrument_id);
  // PMG service items (level compromiso of «pmg» instruments) an institution is responsible for.
  static std::vector<Item> pmg_services_of(soci::session& s, int64_t institution_id);
  static std::vector<Observation> observations(soci::session& s, int64_t filing_id);
  static std::optional<Observation> observation(soci::session& s, int64_t id);
  static int64_t insert_observation(soci::session& s, const Observation& o);
  static void answer_observation(soci::session& s, int64_t id, const std::string& answer, std::optional<int64_t> by, int64_t at);

  // What refresh_figures (rollup.cc) reads and writes; nothing else writes the stored figures.
  // Reports with a validated version, oldest period closing first.
  static std::vector<ValidatedReport> validated_reports(soci::session& s, int64_t instrument_id);
  // Stored leaf flag and progress of each responsibility row, by item.
  static std::map<int64_t, std::vector<std::pair<bool, std::optional<double>>>> responsibility_figures(soci::session& s,
                                                                                                       int64_t instrument_id);
  static void store_item_figure(soci::session& s, int64_t item_id, const policy::Figure& f, bool leaf,
                                std::optional<int64_t> report_id, std::optional<double> current);
  static void store_responsibility_figure(soci::session& s, int64_t item_id, bool leaf, std::optional<double> current);
  static void store_instrument_figure(soci::session& s, int64_t instrument_id, const policy::Figure& f);

  // Leaves per institution / per region (stored figures): count, reported, sum of validated progress.
  struct GroupSums {
    std::string key;  // institution id or region id
    int64_t leaves = 0, reported = 0;
    double sum_validated = 0;
  };
  static std::vector<GroupSums> by_institution(soci::session& s);
  static std::vector<GroupSums> by_region(soci::session& s);
};

double get_num(const soci::row& r, size_t i);
std::optional<double> get_opt_num(const soci::row& r, size_t i);

}  // namespace eq::policy
