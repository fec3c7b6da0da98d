// The indicators module's workflow: filings import (import.cc), the report (report.cc), the SEG
// catalogue and its series (catalogue.cc). Transactions and audit live here; SQL in repository.h.
#pragma once
#include <memory>
#include <string>

#include "audit/log.h"
#include "http/message.h"
#include "indicators/repository.h"
#include "indicators/rules.h"
#include "indicators/sources.h"
#include "policy/exports.h"
#include "store/database.h"

namespace eq::indicators {

using http::Json;

// CSV and XLSX downloads go through the policy module's one table writer (policy/exports.h).
using ExportTable = policy::ExportTable;

// The report as published (public page, exports): figures rounded to one decimal, as the text says them.
Json report_json(const Report& r, bool demo);

class Service {
 public:
  Service(store::Database& db, std::shared_ptr<audit::Log> audit, std::shared_ptr<const PlatformSources> sources)
      : db_(db), audit_(std::move(audit)), sources_(std::move(sources)) {}
  store::Database& db() { return db_; }
  audit::Log& audit() { return *audit_; }

  // ---- import.cc
  struct ImportOutcome {
    int status = 200;  // 200 imported (or checked, dry run), 422 rejected: nothing written
    Json body;
  };
  // `bytes` is CSV (RFC 4180, UTF-8) or XLSX (`xlsx`); the whole file in one transaction or nothing.
  Result<ImportOutcome> import_filings(const http::Request& req, int year, const std::string& bytes, bool xlsx, bool dry_run);
  // Same, for the demo (no request; written as the given user).
  Result<ImportOutcome> import_rows(std::optional<int64_t> actor, std::optional<int64_t> actor_institution, int year,
                                    const std::vector<std::vector<std::string>>& records, const std::string& kind, bool demo,
                                    bool dry_run, const std::string& client_ip);
  // Company-level figures of a year (analysts): names and figures not published.
  Result<Json> company_figures(const http::Request& req, int year);

  // ---- report.cc
  // Every indicator recomputed from every filing (what the benchmark times).
  Result<Report> compute_report();
  // Recomputes and stores the published report inside the caller's transaction.
  void refresh_report(soci::session& s);
  // The published report (JSON text), computed once and stored: the public page reads one row.
  Result<std::string> public_report();
  Result<ExportTable> report_table();

  // ---- catalogue.cc
  Result<Json> catalogue();
  Result<Json> indicator_detail(int64_t id);
  Result<Json> steward_indicators(const http::Request& req);
  Result<Json> upload_values(const http::Request& req, int64_t id, const Json& body);
  int64_t add_indicator(soci::session& s, const Indicator& i);
  // Reminders for periods due and missing (job); returns how many were recorded.
  Result<int> remind_due(int64_t now);

  // ---- editor.cc: the catalogue editor (indicators.catalogue.edit; object rules in access.h)
  // Institutions the caller may name as steward, the platform's computable sources, the lists.
  Result<Json> editor_options(const http::Request& req);
  // Indicators the caller may edit, every status.
  Result<Json> editor_list(const http::Request& req);
  Result<Json> editor_detail(const http::Request& req, int64_t id);
  // Creates (no id) or replaces the definition of an indicator; 422/409 per field, 403/404 audited.
  Result<Json> save_indicator(const http::Request& req, std::optional<int64_t> id, const Json& body);
  // (key, Spanish label) of every series the platform computes.
  std::vector<std::pair<std::string, std::string>> computable_sources() const;

 private:
  Result<std::vector<std::pair<std::string, double>>> computed_series(soci::session& s, const Indicator& i);
  Json indicator_json(soci::session& s, const Indicator& i, const std::map<int64_t, std::string>& names, int64_t now);
  std::map<int64_t, std::string> names(const std::set<int64_t>& ids);
  // Names of the steward institutions of `list`.
  std::map<int64_t, std::string> steward_names(const std::vector<Indicator>& list);
  Result<Indicator> parse_definition(const http::Principal& who, const Json& body, Indicator base);
  Json editor_json(soci::session& s, const Indicator& i);

  store::Database& db_;
  std::shared_ptr<audit::Log> audit_;
  std::shared_ptr<const PlatformSources> sources_;
};

}  // namespace eq::indicators
