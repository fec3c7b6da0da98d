// The indicators module's SQL (SQLite and PostgreSQL); no other module reads ind_* tables.
#pragma once
#include <soci/soci.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "indicators/rules.h"

namespace eq::indicators {

// A SEG catalogue indicator (DHIS2-like: numerator and denominator, factor, decimals, period type).
struct Indicator {
  int64_t id = 0;
  std::string code, name, definition, numerator, denominator, unit;
  double factor = 100;
  int decimals = 1;
  std::string periodicity = "anual";
  std::string source;
  int64_t steward_institution_id = 0;
  std::string disaggregations;  // "sexo,region,edad" (any subset, comma-separated)
  std::string origin = "upload";  // "upload" or "platform:<key>"
  int first_year = 2015;
  int grace_days = 90;  // days after a period ends before its value is due
  bool demo = false;
  std::string status = "publicado";  // "borrador" | "publicado" | "retirado"
  int version = 1;
  std::optional<int64_t> modified_at;  // when a published definition last changed
  int64_t created_at = 0;
};

// One saved definition of an indicator (the JSON of its fields), for the history.
struct IndicatorVersion {
  int version = 0;
  std::string status, body;
  std::optional<int64_t> changed_by;
  int64_t changed_at = 0;
};

struct Value {
  std::string period, disaggregation;  // disaggregation "" = total; "sexo=mujer", "region=13", "edad=15-29"
  double value = 0;
  std::optional<double> numerator, denominator;
  std::optional<int64_t> uploaded_by;
  int64_t uploaded_at = 0;
};

struct Reminder {
  int64_t indicator_id = 0;
  std::string period;
  int64_t due_at = 0, sent_at = 0;
};

class Repository {
 public:
  static int64_t insert_import(soci::session& s, int year, const std::string& kind, int64_t total, int64_t imported, int64_t warnings,
                               bool demo, std::optional<int64_t> actor);
  // (rut, rule) already stored for a year.
  static std::set<std::pair<std::string, std::string>> filed_keys(soci::session& s, int year);
  static void insert_filings(soci::session& s, int64_t import_id, const std::vector<Filing>& filings);
  // Every filing (year = 0) or those of one year.
  static std::vector<Filing> filings(soci::session& s, int year = 0);
  static int64_t count_filings(soci::session& s);

  static void publish(soci::session& s, const std::string& name, const std::string& body, int64_t now);
  static std::optional<std::string> published(soci::session& s, const std::string& name);

  static std::vector<Indicator> indicators(soci::session& s);
  static std::optional<Indicator> indicator(soci::session& s, int64_t id);
  static std::optional<int64_t> indicator_id(soci::session& s, const std::string& code);
  static int64_t insert_indicator(soci::session& s, const Indicator& i, int64_t now);
  // Writes every field of `i` (by id), its status, version and modified_at.
  static void update_indicator(soci::session& s, const Indicator& i, int64_t now);
  static void insert_version(soci::session& s, int64_t indicator_id, const IndicatorVersion& v);
  static std::vector<IndicatorVersion> versions(soci::session& s, int64_t indicator_id);
  static int64_t count_values(soci::session& s, int64_t indicator_id);

  static std::vector<Value> values(soci::session& s, int64_t indicator_id);
  // Replaces the value of (indicator, period, disaggregation) when there is one.
  static void put_value(soci::session& s, int64_t indicator_id, const Value& v);

  static bool has_reminder(soci::session& s, int64_t indicator_id, const std::string& period);
  static void insert_reminder(soci::session& s, const Reminder& r);
  static std::vector<Reminder> reminders(soci::session& s);
};

}  // namespace eq::indicators
