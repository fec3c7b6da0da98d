// Gender indicators: the companies' report from their filings to the CMF (import with a per-row
// report, indicators per company, sector, size and year, a year-over-year report over a balanced
// panel with written findings) and the catalogue of the Sistema de Indicadores de Género (SEG):
// indicators with their definition and steward, series uploaded by stewards or computed from the
// platform's own modules, and a reminder to the steward when a period is due.
//
// Permissions: «indicators.import» (analysts) imports filings and reads company-level figures;
// «indicators.steward» (stewards of a SEG indicator) uploads the series of their own institution's
// indicators; «indicators.catalogue.edit» (stewards, the ministry's analysts) creates and edits
// catalogue definitions (editor.cc: borrador / publicado / retirado, versions; object rule in
// access.h: own institution, or any for the ministry). The report and the published catalogue are
// public (aggregates only: company names and company-level figures are not published).
//
// Where things are: routes.cc (HTTP) → service.h (workflow, transactions, audit; import.cc,
// catalogue.cc) → repository.h (SQL). Pure rules (validation, indicators, report, findings,
// periods) in rules.h; object rules in access.h; JSON and exports in report_json.cc.
#pragma once
#include <memory>
#include <vector>

#include "audit/log.h"
#include "http/router.h"
#include "indicators/sources.h"
#include "kernel/module.h"
#include "store/migrations.h"

namespace eq::indicators {

class Service;

std::vector<store::Migration> migrations();
void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<http::Json>> home_items(Service& svc, const http::Request& req);
// Synthetic filings of 460 organisations for 2019 and 2020 and the SEG catalogue; idempotent.
Result<void> load_demo(Service& svc, const kernel::FindDemoAccount& find);
// The demo's synthetic filings of one year (2019 or 2020) as the rows of an import file, header
// first: generated (fixed seed), not typed, and imported through the same path as a real file.
std::vector<std::vector<std::string>> demo_filing_records(int year);
inline constexpr int kDemoOrganisations = 460;  // the seed: 460 organisations filed in 2020

// Records a reminder for every uploaded indicator whose last closed period is due and missing.
Result<void> remind_due(Service& svc, int64_t now);

}  // namespace eq::indicators
