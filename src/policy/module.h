// Policy tracking: the instruments through which the State commits to gender equality (Plan
// Nacional de Igualdad, Agenda Mujer, Compromisos Ministeriales, PMG de Género, agendas
// regionales…) as trees of items, the reporting periods of a calendar, the reports focal points
// submit per item and period (every version kept, with evidence files), their validation by the
// Ministry's analysts, and roll-ups computed from validated reports only.
//
// Permissions: «policy.read» to read everything, «policy.report» to report on the items of one's
// own institution, «policy.validate» to validate reports and manage instruments, items, weights
// and periods. Validated progress is public (kPublic routes under /api/v1/policy/public/).
//
// Roll-up rule (published with every figure): a leaf counts its latest validated report's
// progress (0–100), or 0 when it has none ("sin reporte", never dropped from the denominator); a
// parent's progress is the weighted mean of its children, Σ wᵢ·pᵢ / Σ wᵢ; an instrument's is the
// weighted mean of its top-level items. Figures by institution and by region are the plain mean
// of the leaves they are responsible for (sin reporte = 0).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit/log.h"
#include "auth/service.h"
#include "http/router.h"
#include "store/migrations.h"

namespace eq::policy {

// ---------------------------------------------------------------- vocabularies
bool is_instrument_kind(const std::string& k);  // plan, agenda, compromisos, pmg, agenda_regional, otro
bool is_level(const std::string& l);            // eje, meta, compromiso, accion, medida
bool is_item_status(const std::string& s);      // vigente, cumplido, no_cumplido, suspendido
bool is_report_status(const std::string& s);    // no_iniciado, en_proceso, terminado
std::string report_status_es(const std::string& s);
std::string level_es(const std::string& l);

// ---------------------------------------------------------------- period calendar
struct Period {
  int64_t id = 0;
  int64_t instrument_id = 0;
  std::string label;  // "2020-S1", "2020"
  std::string kind;   // semestre | anual
  int year = 0;
  int semester = 0;     // 1 or 2 for semestre, 0 for anual
  int64_t opens_at = 0;   // first instant of the opening day (America/Santiago)
  int64_t closes_at = 0;  // first instant of the day after the closing day
  int grace_days = 0;
  std::optional<int64_t> reopened_until;  // first instant of the day after the last reopened day
  std::string reopen_reason;
};

// programado (before opening), abierto, gracia (after closing, within the grace days), reabierto
// (an analyst reopened it), cerrado.
std::string period_state(const Period& p, int64_t now);
bool accepts_reports(const std::string& state);  // abierto, gracia, reabierto
bool is_late(const std::string& state);          // gracia, reabierto: accepted, marked late
// The window in which a period is reported, from the seed's calendar for regional agendas (semester
// report in August, annual report in January of the following year): semester 1 → 1–31 August;
// semester 2 and the year → 1–31 January of the next year. Returns {opens_at, closes_at}.
std::pair<int64_t, int64_t> default_window(const std::string& kind, int year, int semester);
// "2020-S1" / "2020"; validates kind, year 2000–2100 and semester.
Result<std::string> period_label(const std::string& kind, int year, int semester);

// ---------------------------------------------------------------- roll-up arithmetic
struct Figure {
  double weight = 1;
  double progress = 0;  // 0–100
  int64_t leaves = 1;
  int64_t reported = 0;  // leaves with a validated report
};
// A leaf: its validated progress, or 0 and "sin reporte".
Figure leaf_figure(double weight, std::optional<double> validated_progress);
// A parent from its children: weighted mean of progress, sums of leaves and reported leaves.
// No children → 0 progress, 0 leaves.
Figure parent_figure(double weight, const std::vector<Figure>& children);

struct TreeNode {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  double weight = 1;
  std::optional<double> validated_progress;  // leaves only
};
// Every node's figure, children before parents; roots are nodes without a parent (the instrument
// figure is parent_figure over the roots).
std::map<int64_t, Figure> rollup_tree(const std::vector<TreeNode>& nodes);

// ---------------------------------------------------------------- evidence
inline constexpr size_t kMaxEvidenceBytes = 1000 * 1000;  // the server's body limit is 1 MiB
// Checks name, declared type and the bytes (signature) agree and are allowed; returns the
// canonical content type. Errors name the field "file".
Result<std::string> check_evidence(const std::string& filename, const std::string& content_type, const std::string& bytes);

// ---------------------------------------------------------------- object rules
struct ItemScope {
  std::set<int64_t> institutions;  // responsible institutions
  std::string region_id;
};
// A focal point (policy.report) reports on an item only if their institution is responsible for
// it; a user with a regional scope only on items of that region (or without region).
Result<void> may_report(const http::Principal& p, const ItemScope& item);
// An analyst may not validate or return a version they submitted themselves.
Result<void> may_review(const http::Principal& p, int64_t submitted_by);

// ---------------------------------------------------------------- CSV (RFC 4180, UTF-8 BOM)
std::string csv_field(const std::string& s);
std::string csv_row(const std::vector<std::string>& fields);  // ends with CRLF
inline const char* kCsvBom = "\xEF\xBB\xBF";

std::vector<store::Migration> migrations();

// Recomputes every stored figure of an instrument (items and instrument) from validated reports.
void recompute_instrument(soci::session& s, int64_t instrument_id);
// After a leaf's validated figure or a weight changed: recomputes its ancestors and the instrument.
void recompute_upwards(soci::session& s, int64_t item_id);

void register_routes(http::Router& router, store::Database& db, std::shared_ptr<audit::Log> audit,
                     std::shared_ptr<auth::Service> auth);

// Home page items (auth::Service::add_home_source): focal points and SEREMI teams see their
// pending reports in the periods open now and the nearest deadline; analysts the reports waiting
// for validation.
Result<std::vector<http::Json>> home_items(store::Database& db, const http::Request& req);

// Instruments, items and figures named in the 2020–2021 public account; idempotent.
Result<void> load_demo(store::Database& db, audit::Log& audit, auth::Service& auth);

}  // namespace eq::policy
