// Rules of the policy domain that need neither a database nor HTTP: vocabularies, the period
// calendar, what a report may say, evidence files and the PMG de Género quota. Unit tested directly.
// Who may see or change an object is in access.h; how reports become percentages in rollup.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/error.h"

namespace eq::policy {

// ---------------------------------------------------------------- vocabularies
bool is_instrument_kind(const std::string& k);  // plan, agenda, compromisos, pmg, agenda_regional, otro
bool is_level(const std::string& l);            // eje, meta, compromiso, accion, medida
bool is_item_status(const std::string& s);      // vigente, cumplido, no_cumplido, suspendido
bool is_report_status(const std::string& s);    // no_iniciado, en_proceso, terminado
std::string report_status_es(const std::string& s);
std::string level_es(const std::string& l);
std::string report_state_es(const std::string& st);  // enviado, devuelto, validado
std::string period_state_es(const std::string& st);  // programado, abierto, gracia, reabierto, cerrado

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

// ---------------------------------------------------------------- what a report says
// The declared status and the progress agree: no iniciado = 0, en proceso = 1–99, terminado = 100.
// `progress` absent → "required". Errors name the field.
Result<void> check_report_progress(const std::string& status, std::optional<int64_t> progress);

// ---------------------------------------------------------------- PMG de Género
// From 2021 a service commits at most 5 of the 8 measures of the gender indicator: a new «medida»
// under a PMG commitment starting in 2021 or later is refused when it already has 5. The error
// names `field` (the API's parent_id, the import's codigo_superior).
Result<void> check_pmg_quota(const std::string& instrument_kind, const std::string& level,
                             std::optional<int64_t> parent_start_year, int64_t parent_children, const std::string& field);

// ---------------------------------------------------------------- evidence
inline constexpr size_t kMaxEvidenceBytes = 1000 * 1000;  // the server's body limit is 1 MiB
inline constexpr size_t kMaxFilesPerVersion = 10;
// Checks name, declared type and the bytes (signature) agree and are allowed; returns the
// canonical content type. Errors name the field "file".
Result<std::string> check_evidence(const std::string& filename, const std::string& content_type, const std::string& bytes);

}  // namespace eq::policy
