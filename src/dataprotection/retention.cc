// Retention purge (retention.h): the preview (a dry run), the run with its record and audit entry,
// the daily job, and their HTTP handlers. The modules count and delete (their adapters in
// src/app/app.cc); this file decides when, with which holds, and keeps the record.
#include "dataprotection/retention.h"

#include <map>
#include <set>

#include "core/format_cl.h"
#include "core/time.h"
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "http/body.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::dataprotection {

namespace {

using http::Json;
using http::Request;
using http::Response;

constexpr int64_t kDayMs = 86'400'000;

std::string object_of(int64_t id) { return "dataprotection_purge_run:" + std::to_string(id); }

Result<std::shared_ptr<const std::vector<Hold>>> holds_now(Service& svc, int64_t now) {
  auto active = store::with_session<std::vector<Hold>>(svc.db(), [&](soci::session& s) -> Result<std::vector<Hold>> {
    return active_holds(s, today_cl(now));
  });
  if (!active) return fail(active.error());
  return std::make_shared<const std::vector<Hold>>(std::move(*active));
}

// One pass over every kind: a dry run (count_due) or a run (purge_due), with the same holds.
Result<std::vector<KindResult>> pass(Service& svc, int64_t now, bool dry_run) {
  auto holds = holds_now(svc, now);
  if (!holds) return fail(holds.error());  // holds unreadable: nothing is counted or deleted
  std::vector<KindResult> out;
  for (const auto& r : svc.retentions()) {
    KindResult k;
    k.kind = r.kind;
    auto used = std::make_shared<std::set<int64_t>>();
    const auto& step = dry_run ? r.count_due : r.purge_due;
    if (auto t = step(now, held_by(*holds, r.kind.module, r.kind.kind, used)); t)
      k.tally = *t;
    else
      k.error = t.error().message;
    k.holds.assign(used->begin(), used->end());
    out.push_back(std::move(k));
  }
  return out;
}

Json kind_json(const KindResult& k) {
  return {{"module", k.kind.module},
          {"kind", k.kind.kind},
          {"label", k.kind.label},
          {"days", k.kind.days},
          {"counted_from", k.kind.counted_from},
          {"basis", k.kind.basis},
          {"protection_record", k.kind.protection_record},
          {"keeps", k.kind.keeps},
          {"option", k.kind.option},
          {"due", k.tally.due},
          {"purged", k.tally.purged},
          {"held", k.tally.held},
          {"exempt", k.tally.exempt},
          {"holds", k.holds},
          {"error", k.error}};
}

Json run_json(const PurgeRun& r) {
  Json kinds = Json::array();
  for (const auto& k : r.kinds) kinds.push_back(kind_json(k));
  const char* state_name = r.state == "running" ? "En curso" : r.state == "done" ? "Terminada" : "Con errores";
  return {{"id", r.id},
          {"started_at", iso8601_utc(r.started_at)},
          {"started", format_datetime_cl(r.started_at)},
          {"finished", r.finished_at ? Json(format_datetime_cl(*r.finished_at)) : Json(nullptr)},
          {"origin", r.trigger},
          {"origin_name", r.trigger == "job" ? "Diaria (automática)" : "Ejecutada por la encargada"},
          {"user_id", r.user_id},
          {"state", r.state},
          {"state_name", state_name},
          {"purged", r.purged},
          {"held", r.held},
          {"kinds", kinds}};
}

}  // namespace

std::string kinds_text(const std::vector<KindResult>& kinds) {
  Json out = Json::array();
  for (const auto& k : kinds) out.push_back(kind_json(k));
  return out.dump();
}

std::vector<KindResult> kinds_from(const std::string& text) {
  std::vector<KindResult> out;
  const auto j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    KindResult k;
    k.kind = {x.value("module", ""),  x.value("kind", ""),  x.value("label", ""), x.value("days", 0),
              x.value("counted_from", ""), x.value("basis", ""), x.value("protection_record", false), x.value("keeps", ""),
              x.value("option", "")};
    k.tally = {x.value("due", int64_t{0}), x.value("purged", int64_t{0}), x.value("held", int64_t{0}), x.value("exempt", int64_t{0})};
    k.holds = x.value("holds", std::vector<int64_t>{});
    k.error = x.value("error", "");
    out.push_back(std::move(k));
  }
  return out;
}

Result<std::vector<KindResult>> purge_preview(Service& svc, int64_t now) { return pass(svc, now, true); }

Result<PurgeRun> run_purge(Service& svc, const http::Request* req, int64_t now) {
  PurgeRun run;
  run.trigger = req ? "manual" : "job";
  run.user_id = req ? req->who().user_id : 0;
  run.started_at = now;
  auto busy = [&] {
    return Error::conflict("purge_running", "Ya hay una purga en curso: espere a que termine y revise su registro en «Purgas».");
  };
  auto refused = [&](Error e) -> Result<PurgeRun> {
    if (req) (void)svc.audit().append(audit::Log::from(*req, "dataprotection.purge_run", "dataprotection_purge_runs", "failed"));
    return fail(std::move(e));
  };
  auto started = svc.db().transaction<std::optional<int64_t>>(
      [&](soci::session& s) -> Result<std::optional<int64_t>> { return start_run(s, run.trigger, run.user_id, now); });
  if (!started) {
    // Another instance started its run at the same moment: the unique index refused this one.
    auto other = store::with_session<bool>(svc.db(), [](soci::session& s) -> Result<bool> { return run_in_progress(s); });
    if (other && *other) return refused(busy());
    return fail(started.error());
  }
  if (!*started) return refused(busy());
  run.id = **started;

  auto kinds = pass(svc, now, false);
  run.state = "done";
  if (kinds) {
    run.kinds = std::move(*kinds);
  } else {
    run.state = "failed";
    KindResult k;
    k.error = kinds.error().message;
    run.kinds.push_back(std::move(k));
  }
  for (const auto& k : run.kinds) {
    run.purged += k.tally.purged;
    run.held += k.tally.held;
    if (!k.error.empty()) run.state = "failed";
  }
  run.finished_at = now_ms();
  auto saved = svc.db().transaction<bool>([&](soci::session& s) -> Result<bool> {
    finish_run(s, run);
    audit::Entry e;
    if (req) e = audit::Log::from(*req, "dataprotection.purge_run", object_of(run.id));
    e.action = "dataprotection.purge_run";
    e.object = object_of(run.id);
    e.outcome = run.state == "done" ? "ok" : "error";
    e.detail = std::to_string(run.purged) + " eliminados, " + std::to_string(run.held) + " retenidos por orden legal";
    for (const auto& k : run.kinds)
      if (!k.kind.kind.empty()) e.detail += "; " + k.kind.module + "/" + k.kind.kind + ": " + std::to_string(k.tally.purged);
    svc.audit().append(s, e);
    return true;
  });
  if (!saved) return fail(saved.error());
  return run;
}

Result<void> purge_job(Service& svc, int64_t now) {
  auto last = store::with_session<std::optional<int64_t>>(
      svc.db(), [](soci::session& s) -> Result<std::optional<int64_t>> { return last_job_run(s); });
  if (!last) return fail(last.error());
  if (*last && now - **last < kDayMs) return {};
  auto run = run_purge(svc, nullptr, now);
  if (!run && run.error().code == "purge_running") return {};  // the officer's run is under way: the next hour looks again
  if (!run) return fail(run.error());
  return {};
}

void register_purge_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/dataprotection/purge/preview", "dataprotection.manage",
              "Purga en seco: por tipo de dato, su plazo y base legal, lo que una purga ahora eliminaría y lo que retienen las "
              "retenciones legales vigentes",
              "dataprotection", [svc](Request&) -> Result<Response> {
                const int64_t now = now_ms();
                auto kinds = purge_preview(*svc, now);
                if (!kinds) return fail(kinds.error());
                return store::with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  std::map<int64_t, Hold> by_id;
                  for (const auto& h : active_holds(s, today_cl(now))) by_id[h.id] = h;
                  Json items = Json::array();
                  int64_t due = 0, held = 0, exempt = 0;
                  for (const auto& k : *kinds) {
                    auto j = kind_json(k);
                    Json holds = Json::array();
                    for (auto id : k.holds)
                      if (auto h = by_id.find(id); h != by_id.end())
                        holds.push_back({{"id", id}, {"reason", h->second.reason}, {"until", h->second.until_on.empty() ? "hasta su liberación"
                                                                                                                           : cl(h->second.until_on)}});
                    j["holds"] = holds;
                    items.push_back(j);
                    due += k.tally.due;
                    held += k.tally.held;
                    exempt += k.tally.exempt;
                  }
                  return Response::json({{"today", cl(today_cl(now))},
                                         {"kinds", items},
                                         {"due", due},
                                         {"held", held},
                                         {"exempt", exempt},
                                         {"active_holds", by_id.size()},
                                         {"running", run_in_progress(s)}});
                });
              }});
  router.add({"GET", "/api/v1/dataprotection/purge/runs", "dataprotection.manage",
              "Registro de purgas: cuándo, quién o el trabajo diario, qué se eliminó por tipo de dato y qué retuvieron las retenciones",
              "dataprotection", [svc](Request&) -> Result<Response> {
                return store::with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& r : list_runs(s, 100)) items.push_back(run_json(r));
                  return Response::json({{"items", items}});
                });
              }});
  router.add({"POST", "/api/v1/dataprotection/purge/runs", "dataprotection.manage",
              "Ejecutar ahora la purga de todos los tipos de dato (auditada; 409 si ya hay una en curso)", "dataprotection",
              [svc](Request& req) -> Result<Response> {
                if (!req.body.empty()) {
                  auto body = http::json_object_body(req);
                  if (!body) return fail(body.error());
                  http::FieldReader in(*body);
                  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                }
                auto run = run_purge(*svc, &req, now_ms());
                if (!run) return fail(run.error());
                return Response::json({{"run", run_json(*run)}}, 201);
              }});
}

}  // namespace eq::dataprotection
