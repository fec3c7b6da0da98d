// Cuenta Pública Participativa (Ley 20.500; art. 72 of Ley 18.575): the ministry's public account,
// compiled from the platform's live data. An analyst drafts an edition for a period (editable text
// per section; every figure pulled live and shown with its source and time), then publishes it: the
// whole document is snapshotted and hashed (SHA-256), so a later change of the live data never
// alters what citizens read. SEREMI teams record their region's milestones (hitos), which fill the
// regional section. Citizens read the published editions without a session, on the web and on a
// printable page.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "account/pdf.h"
#include "account/sources.h"
#include "audit/log.h"
#include "http/router.h"
#include "store/database.h"
#include "store/migrations.h"

namespace eq::account {

// The sections of an edition, in the seed's order: key, Spanish title, whether it carries live figures.
struct SectionKind {
  const char* key;
  const char* title;
};
const std::vector<SectionKind>& section_kinds();
bool is_section(const std::string& key);

struct Edition {
  int64_t id = 0;
  std::string period;  // "2020-2021"
  std::string title;
  std::string state;   // borrador | publicada
  bool demo = false;
  int64_t from = 0, to = 0;  // the period's first instant and the instant after its last day (UTC ms)
  int64_t created_at = 0, created_by = 0;
  std::optional<int64_t> published_at, published_by;
  std::string snapshot;  // the published document (JSON text), exactly as hashed
  std::string sha256;
  int64_t version = 1;
  std::optional<int64_t> previous_id;  // the published version this one revises
  std::string review;                  // "" | en_revision | devuelta | aprobada
  std::string review_note;             // the reviewer's observations
  std::optional<int64_t> submitted_by, reviewed_by, reviewed_at;
};

struct Milestone {
  int64_t id = 0;
  std::string region_id, period;
  std::optional<int64_t> day;  // first instant of the Chilean day, when the date is known
  std::string date_text;       // as written ("Marzo 2021", "Año 2020") when no exact day is known
  std::string title, description, results;
  bool demo = false;
  int64_t created_by = 0, updated_at = 0;
  std::string axis;      // eje de la Agenda Mujer
  std::string comunas;   // comunas reached, as written
  std::string evidence;  // where the evidence is (link or document reference)
  std::string curation = "pendiente";  // pendiente | incluido | excluido (the ministry decides)
  std::string curation_reason;
};

std::vector<store::Migration> migrations();

// The module's SQL; no other module reads account_* tables.
class Repository {
 public:
  static std::vector<Edition> editions(soci::session& s, bool published_only);
  static std::optional<Edition> edition(soci::session& s, int64_t id);
  static int64_t insert_edition(soci::session& s, const Edition& e);
  static void publish(soci::session& s, int64_t id, int64_t at, int64_t by, const std::string& snapshot, const std::string& sha256);
  static std::map<std::string, std::string> sections(soci::session& s, int64_t edition_id);
  static void put_section(soci::session& s, int64_t edition_id, const std::string& key, const std::string& text, int64_t by);
  static void set_review(soci::session& s, const Edition& e);
  static int64_t next_version(soci::session& s, const std::string& period);
  static void curate(soci::session& s, int64_t id, const std::string& curation, const std::string& reason, int64_t by);
  static std::vector<Milestone> milestones(soci::session& s, const std::string& period, const std::string& region_id);
  static std::optional<Milestone> milestone(soci::session& s, int64_t id);
  static int64_t insert_milestone(soci::session& s, const Milestone& m);
  static void update_milestone(soci::session& s, const Milestone& m);
  // Whether the demo milestones and the demo edition are there (each loaded once).
  static std::pair<bool, bool> has_demo(soci::session& s);
};

class Service {
 public:
  Service(store::Database& db, std::shared_ptr<audit::Log> audit, Sources sources);

  struct NewEdition {
    std::string period, title, from_on, to_on;  // from_on/to_on dd-mm-aaaa
    bool demo = false;
  };
  Result<Json> create_edition(const http::Request* req, const NewEdition& cmd);
  Result<Json> editions(bool published_only);
  // A draft compiled from live data; a published edition as it was frozen.
  Result<Json> edition(int64_t id, bool published_only);
  Result<Json> put_section(const http::Request& req, int64_t id, const std::string& key, const std::string& text);
  Result<Json> publish(const http::Request* req, int64_t id);
  // Review: the drafter sends a draft to review; another editor approves it or returns it with
  // observations; only an approved draft is published. A published version is revised by a new
  // version (a draft copying its text).
  Result<Json> submit(const http::Request& req, int64_t id);
  Result<Json> review(const http::Request& req, int64_t id, const std::string& decision, const std::string& observations);
  Result<Json> new_version(const http::Request& req, int64_t id);
  // The ministry includes or excludes a regional milestone from the account (a reason to exclude).
  Result<Json> curate(const http::Request& req, int64_t id, const std::string& decision, const std::string& reason);
  // The printable page of a published edition.
  Result<std::string> print(int64_t id);
  // The PDF of a published edition (pdf.h). A published document never changes, so each edition
  // is rendered once and kept: a public route must not let anyone spend a render per request.
  Result<std::shared_ptr<const Pdf>> pdf(int64_t id);

  struct MilestoneInput {
    std::string region_id, period, date, title, description, results, axis, comunas, evidence;
  };
  // A refusal (another region) is audited like a refused change.
  Result<Json> milestones(const http::Request& req, const std::string& period, const std::string& region_id);
  Result<Json> create_milestone(const http::Request& req, const MilestoneInput& in);
  Result<Json> update_milestone(const http::Request& req, int64_t id, const MilestoneInput& in);

  // Demo: the seed's regional tables (seed_tables.h) and one edition compiled and published from
  // the demo history. Idempotent.
  Result<void> load_demo(const std::string& data_dir);

  store::Database& db() { return db_; }

 private:
  Result<Json> live(const Edition& e, int64_t now);
  Json compile(soci::session& s, const Edition& e, const Json& live, int64_t now);
  Result<void> load_demo_milestones(const std::string& data_dir);
  Result<void> load_demo_edition();
  Result<Json> transition(const http::Request& req, int64_t id, const std::string& action,
                          const std::function<Result<void>(Edition&)>& change);
  Result<void> refuse(const http::Request& req, const std::string& action, const std::string& object, const Error& why);

  store::Database& db_;
  std::shared_ptr<audit::Log> audit_;
  Sources sources_;
  std::mutex pdf_mutex_;
  std::map<int64_t, std::shared_ptr<const Pdf>> pdfs_;
};

// Renders a published document (the frozen JSON) as a self-contained HTML page laid out for print.
std::string print_html(const Json& document, const std::string& sha256);

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<Json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::account
