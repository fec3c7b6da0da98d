// The ministry's studies catalogue (issue 18, item 6): the studies, surveys, evaluations and reports
// of the División de Estudios y Capacitación en Género, with their key findings, method, partners,
// regions and files, published as a public catalogue.
//
// A study is the ministry's own object. Its staff (permission studies.edit, a ministry account)
// writes drafts, publishes them and withdraws them; the public (no login) sees published and
// withdrawn studies only (a withdrawn study keeps its page with the reason). A draft does not exist
// for anyone else (404). Object rules: studies/access.h.
//
// Findings of a published study are never rewritten silently: every edit after publication needs a
// reason and is kept as a revision (who, when, the findings before and after), shown on its page.
//
// Files (PDF or data files) are uploaded as the raw request body, checked (size cap, declared type
// against extension against content), stored once per content by SHA-256 and shown with it.
// No column holds personal data: the people named are staff (by user id) in revisions.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/partial_date.h"
#include "core/vocabulary.h"
#include "http/router.h"
#include "store/database.h"
#include "store/migrations.h"
#include "territory/module.h"

namespace eq::studies {

inline constexpr const char* kSeedSource = "Cuenta Pública 2020–2021 del Ministerio de la Mujer y la Equidad de Género";
// Files: the server's body limit is 1 MiB; a study's PDF larger than this is linked, not uploaded.
inline constexpr size_t kMaxFileBytes = 1000 * 1000;
inline constexpr size_t kMaxFilesPerStudy = 20;

const Vocabulary& kinds();     // estudio, encuesta, evaluacion, informe, documento_trabajo
const Vocabulary& themes();    // autonomia_economica, violencia, participacion_politica, salud, covid19, …
const Vocabulary& statuses();  // borrador, publicado, retirado
const Vocabulary& units();     // porcentaje, puntos_porcentuales, personas, organizaciones, numero

std::vector<store::Migration> migrations();

struct Finding {
  int64_t id = 0;
  std::string text;             // one sentence
  std::optional<double> figure;  // with `decimals` shown ("35,0 %")
  int decimals = 0;
  std::string unit;             // a code of units(); "" with no figure
  std::string source;           // where the figure is quoted from (the seed's sentence), optional
};
// "35,0 %", "700 personas", "20,7 puntos porcentuales"; "" without a figure.
std::string figure_label(const Finding& f);

struct Method {
  std::string technique, universe;
  std::optional<int64_t> sample_size;
  std::optional<double> margin_error;  // percentage points, for a survey
};

struct File {
  int64_t id = 0, study_id = 0;
  std::string title, filename, content_type, sha256;
  int64_t size = 0, uploaded_at = 0, uploaded_by = 0;
};

// An edit of a published study (or its publication / withdrawal): who, when, why, and the
// findings before and after as JSON.
struct Revision {
  int64_t id = 0, study_id = 0, version = 0, at = 0, by_user = 0;
  std::string by_name, action, reason;
  nlohmann::json before, after;
};

struct Study {
  int64_t id = 0;
  std::string title, kind, summary, executor, status = "borrador", withdrawn_reason, source;
  int64_t year = 0;
  std::string fieldwork_start, fieldwork_end;  // partial dates as stored ("11-2020"), "" unknown
  std::vector<std::string> themes, partners, regions;  // regions: territory ids; empty = national
  Method method;
  std::vector<Finding> findings;
  std::vector<File> files;  // filled on a single read
  int64_t version = 1, published_at = 0, updated_at = 0;
  bool demo = false;
};

struct Filter {
  std::string q, theme, kind, region, partner;
  std::optional<int64_t> year;
  bool public_only = true;  // published and withdrawn; false: drafts too (staff)
};

// Whether `end` ends before `start` begins (each the widest span it can mean).
bool ends_before(const PartialDate& start, const PartialDate& end);
// "noviembre de 2020", "25-11-2020", "2020", "sin información".
std::string date_label(const std::string& stored);
// Checks a file: name, not empty, at most kMaxFileBytes, an allowed extension whose declared type
// and content agree. Returns the content type stored.
Result<std::string> check_file(const std::string& filename, const std::string& content_type, const std::string& bytes);
// The folded text searched (title, summary, findings): accent- and case-insensitive.
std::string search_text(const Study& s);

namespace repo {
int64_t insert_study(soci::session& s, const Study& x, int64_t at);
void update_study(soci::session& s, const Study& x, int64_t at);  // fields and findings (not status)
void set_status(soci::session& s, int64_t id, const std::string& status, const std::string& reason, int64_t at);
std::optional<Study> study(soci::session& s, int64_t id);  // with findings and files
std::vector<Study> studies(soci::session& s, const Filter& f);  // with findings
int64_t insert_file(soci::session& s, const File& f, const std::string& bytes);
std::optional<File> file(soci::session& s, int64_t id);
std::optional<std::string> blob(soci::session& s, const std::string& sha256);
void delete_file(soci::session& s, int64_t id);
void insert_revision(soci::session& s, const Revision& r);
std::vector<Revision> revisions(soci::session& s, int64_t study_id);
int64_t count_demo(soci::session& s);
}  // namespace repo

class Service {
 public:
  // `regions`: Chile's regions (territory), the codes a study may cover.
  Service(store::Database& db, audit::Log& audit, std::vector<territory::Region> regions)
      : db_(db), audit_(audit), regions_(std::move(regions)) {}
  store::Database& db() { return db_; }
  const std::vector<territory::Region>& regions() const { return regions_; }
  std::string region_name(const std::string& id) const;

  // Staff reads (drafts included) are audited; the public reads published studies only.
  Result<Study> read(const http::Request& req, int64_t id);
  Result<std::vector<Revision>> history(int64_t id);
  Result<int64_t> create(const http::Request& req, Study x);
  // A published study needs `reason` (422 otherwise); the change is kept as a revision.
  Result<Study> edit(const http::Request& req, int64_t id, Study x, const std::string& reason);
  // 409 `already_published` for a published study, 409 `withdrawn` for a withdrawn one.
  Result<Study> publish(const http::Request& req, int64_t id);
  // 409 `not_published` unless published; the reason is kept on its page.
  Result<Study> withdraw(const http::Request& req, int64_t id, const std::string& reason);
  Result<File> add_file(const http::Request& req, int64_t id, const std::string& title, const std::string& filename);
  Result<void> remove_file(const http::Request& req, int64_t id, int64_t file_id);
  // A file and its bytes: 404 unless the study is visible to `who` (nullptr: anonymous).
  Result<std::pair<File, std::string>> download(const http::Request& req, int64_t file_id);
  // Demo: the seed's studies and surveys, with the facts the seed gives. Idempotent.
  Result<void> load_demo();

 private:
  Error refused(const http::Request& req, const std::string& action, int64_t id);
  store::Database& db_;
  audit::Log& audit_;
  std::vector<territory::Region> regions_;
};

// The seed's studies, as the demo enters them (also read by the test that checks them against the seed).
std::vector<Study> seed_studies();

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::studies
