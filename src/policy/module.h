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
// Where things are: routes.cc (HTTP: parse and answer) → service.h (the workflow: reports.cc,
// items.cc, periods.cc, figures.cc; transactions and audit) → repository.h (SQL). Domain rules in
// rules.h, object rules in access.h, and the roll-up — where a report becomes a percentage — in
// rollup.h/rollup.cc only. Struct → JSON in json.h, CSV/XLSX exports in exports.h.
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
#include "policy/access.h"
#include "policy/rollup.h"
#include "policy/rules.h"
#include "store/migrations.h"

namespace eq::policy {

std::vector<store::Migration> migrations();

void register_routes(http::Router& router, store::Database& db, std::shared_ptr<audit::Log> audit,
                     std::shared_ptr<auth::Service> auth);

// Home page items (auth::Service::add_home_source): focal points and SEREMI teams see their
// pending reports in the periods open now and the nearest deadline; analysts the reports waiting
// for validation.
Result<std::vector<http::Json>> home_items(store::Database& db, const http::Request& req);

// Instruments, items and figures named in the 2020–2021 public account; idempotent.
Result<void> load_demo(store::Database& db, audit::Log& audit, auth::Service& auth, const std::string& data_dir);

}  // namespace eq::policy
