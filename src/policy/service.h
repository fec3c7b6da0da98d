// The policy workflow behind the routes: each call opens its transaction, loads through the
// repository, applies the domain rules (rules.h) and object rules (access.h), writes, refreshes the
// stored figures (rollup.h) and audits in the same transaction — a refused call writes nothing —
// and answers with the API's JSON (json.h) or an export table (exports.h).
//   reports.cc  — submitting, evidence, validation; report lists, detail, files, «my items»
//   items.cc    — instruments and items: creation, changes, the instrument tree and item drill-down
//   periods.cc  — the reporting calendar: opening and reopening periods
//   figures.cc  — published figures: instruments, roll-ups by instrument/institution/region, history
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/log.h"
#include "auth/service.h"
#include "http/message.h"
#include "policy/access.h"
#include "policy/exports.h"
#include "policy/json.h"
#include "policy/repository.h"
#include "store/database.h"

namespace eq::policy {

class Service {
 public:
  Service(store::Database& db, std::shared_ptr<audit::Log> audit, std::shared_ptr<auth::Service> auth);

  // ------------------------------------------------------------ reports.cc
  struct SubmitReport {
    int64_t item_id = 0, period_id = 0;
    std::string status;
    std::optional<int64_t> progress;
    std::string narrative;
    // Evidence sent with the report: saved with it in one transaction, or nothing is saved.
    struct NewFile {
      std::string filename, content_type, bytes;
    };
    std::vector<NewFile> files;
  };
  struct Saved {
    Json body;
    bool created = false;  // a new report (201) or a new version of a returned one (200)
  };
  Result<Saved> submit_report(const http::Request& req, const SubmitReport& cmd);
  // The request's body is the file.
  Result<Json> upload_evidence(const http::Request& req, int64_t report_id, const std::string& filename);
  struct Review {
    std::string decision;  // validar | devolver
    std::string comments;
    int64_t version = 0;   // the version the analyst read; another one is current → 409 stale_version
  };
  Result<Json> review_report(const http::Request& req, int64_t report_id, const Review& cmd);
  // Lists: the filter is narrowed by the object rule (access.h list_scope) before it is read.
  Result<Json> reports(const http::Principal& who, ReportFilter f);
  Result<ExportTable> reports_export(const http::Principal& who, ReportFilter f);
  Result<Json> queue();  // reports waiting for validation, oldest first
  Result<Json> report(const http::Principal& who, int64_t id);
  struct File {
    std::string content_type, filename, sha256, bytes;
  };
  Result<File> evidence_file(const http::Principal& who, int64_t id);
  Result<Json> my_items(const http::Principal& who);

  // ------------------------------------------------------------ items.cc
  Result<Json> create_instrument(const http::Request& req, const Instrument& i);
  // `body` is the request's body, already checked against the route's schema.
  Result<Json> create_item(const http::Request& req, const Json& body);
  Result<Json> update_item(const http::Request& req, int64_t id, const Json& body);
  Result<Json> instrument(int64_t id);                            // public tree
  Result<Json> item(int64_t id, const http::Principal* who);      // drill-down; who = nullptr: public
  Result<Json> responsible_institutions();
  Result<ExportTable> items_export(int64_t instrument_id, std::optional<int64_t> under);

  // ------------------------------------------------------------ periods.cc
  struct NewPeriod {
    int64_t instrument_id = 0;
    std::string kind;
    int year = 0, semester = 0;
    std::string opens_on, closes_on;  // dd-mm-aaaa, empty: the default window
    int grace_days = 0;
  };
  Result<Json> create_period(const http::Request& req, const NewPeriod& cmd);
  Result<Json> reopen_period(const http::Request& req, int64_t id, const std::string& until, const std::string& reason);
  Result<ExportTable> periods_export(int64_t instrument_id);

  // ------------------------------------------------------------ figures.cc
  Result<Json> public_instruments();
  // by = instrument | institution | region (checked by the caller)
  Result<std::vector<FigureRow>> rollup(const std::string& by);
  Result<Json> history(std::optional<int64_t> instrument_id);
  // Every declared figure with the same figure computed from the records and whether they agree
  // (seed_check.h); what Cuenta Pública (issue 16) reads.
  Result<Json> seed_checks();

  // ------------------------------------------------------------ pmg.cc
  // Outcome of a PMG service (an item of a «pmg» instrument with measures below it) for its year.
  Result<Json> decide_outcome(const http::Request& req, int64_t item_id, const std::string& outcome, const std::string& reason);
  Result<Json> assistance(int64_t instrument_id);
  struct NewAssistance {
    int64_t instrument_id = 0;
    std::string held_on, kind, topic, participants;
  };
  Result<Json> add_assistance(const http::Request& req, const NewAssistance& cmd);
  // A SEREMI's own region: its agenda's items with their figures and each item's reports.
  Result<Json> regional(const http::Principal& who, const std::string& region_id);

  // ------------------------------------------------------------ pmg_review.cc
  // The PMG filings of a service and year through the ministry's technical review.
  struct NewFiling {
    std::string stage;  // programa | avance | cumplimiento
    std::string narrative, evidence;
  };
  Result<Json> file_pmg(const http::Request& req, int64_t service_item_id, const NewFiling& cmd);
  Result<Json> edit_filing(const http::Request& req, int64_t filing_id, const std::string& narrative, const std::string& evidence);
  Result<Json> start_review(const http::Request& req, int64_t filing_id);
  struct NewObservation {
    std::optional<int64_t> item_id;  // the commitment it is about; none: the whole filing
    std::string text;
  };
  Result<Json> observe_filing(const http::Request& req, int64_t filing_id, const std::vector<NewObservation>& list);
  Result<Json> answer_observation(const http::Request& req, int64_t observation_id, const std::string& answer);
  // Re-files an observed filing once every observation of the round is answered (next round).
  Result<Json> correct_filing(const http::Request& req, int64_t filing_id, const std::string& narrative, const std::string& evidence);
  Result<Json> decide_filing(const http::Request& req, int64_t filing_id, const std::string& decision, const std::string& note);
  Result<Json> pmg_service(const http::Request& req, int64_t service_item_id);  // a service's stages, filings, observations
  Result<Json> my_pmg(const http::Principal& who);                               // «Mi PMG»
  Result<Json> pmg_queue(const http::Principal& who);                            // the reviewer's queue
  Result<Json> pmg_workflow_summary(int64_t instrument_id);                      // public counts per year, stage, state

 private:
  Result<void> refuse_pmg(const http::Request& req, const std::string& action, const std::string& object, const Error& why);
  Result<Json> pmg_step(const http::Request& req, const std::string& action, const std::string& object,
                        const std::function<Result<Json>(soci::session&)>& step);
  Json filing_json(soci::session& s, const Filing& f, bool with_observations);
  Json service_workflow(soci::session& s, const Item& svc, const http::Principal& who);
  Names names(const std::set<int64_t>& users, const std::set<int64_t>& institutions);
  Result<Json> report_list(const ReportFilter& f);  // rows with the names beside them
  Json report_detail(soci::session& s, const Report& r, Sight sight, bool downloadable);
  Json instrument_detail(soci::session& s, const Instrument& ins);
  Json checked_figures(soci::session& s, const Instrument& ins, const std::vector<Declared>& all);
  Json item_drilldown(soci::session& s, const Item& item, const http::Principal* who);
  Result<std::vector<int64_t>> institution_ids(const Json& body);
  Result<void> apply_item_fields(Item& i, const Json& body, bool creating);

  store::Database& db_;
  std::shared_ptr<audit::Log> audit_;
  std::shared_ptr<auth::Service> auth_;
};

}  // namespace eq::policy
