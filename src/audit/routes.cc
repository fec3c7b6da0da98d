#include "audit/routes.h"

#include "audit/actions.h"

#include "core/time.h"

namespace eq::audit {

namespace {

using http::Json;
using http::Request;
using http::Response;

// <input type="date"> sends YYYY-MM-DD; the day is a Chilean calendar day.
Result<int64_t> day_start(const std::string& ymd, const std::string& field) {
  if (ymd.size() != 10 || ymd[4] != '-' || ymd[7] != '-')
    return fail(Error::bad_request("invalid_date", "La fecha debe tener el formato AAAA-MM-DD.", field));
  auto r = parse_date_cl(ymd.substr(8, 2) + "-" + ymd.substr(5, 2) + "-" + ymd.substr(0, 4), field);
  if (!r) return fail(Error::bad_request("invalid_date", r.error().message, field));
  return r;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Log> log, NameResolver names) {
  router.add({"GET", "/api/v1/audit", "audit.read", "Registro de auditoría, más reciente primero", "audit",
              [log, names](Request& req) -> Result<Response> {
                Filter f;
                if (!req.query_param("actor").empty()) {
                  auto a = http::query_int(req, "actor", 0, 1, INT64_MAX);
                  if (!a) return fail(a.error());
                  f.actor_user_id = *a;
                }
                f.action_prefix = req.query_param("action");
                if (f.action_prefix.size() > 60) return fail(Error::bad_request("invalid_parameter", "La acción es demasiado larga.", "action"));
                f.outcome = req.query_param("outcome");
                if (!f.outcome.empty() && f.outcome != "ok" && f.outcome != "denied" && f.outcome != "failed" && f.outcome != "error")
                  return fail(Error::bad_request("invalid_parameter", "El resultado debe ser ok, denied, failed o error.", "outcome"));
                if (auto from = req.query_param("from"); !from.empty()) {
                  auto d = day_start(from, "from");
                  if (!d) return fail(d.error());
                  f.from_ms = *d;
                }
                if (auto to = req.query_param("to"); !to.empty()) {
                  auto d = day_start(to, "to");
                  if (!d) return fail(d.error());
                  f.to_ms = *d + 24LL * 3600 * 1000;  // inclusive of that whole day
                }
                auto limit = http::query_int(req, "limit", 50, 1, 200);
                if (!limit) return fail(limit.error());
                f.limit = static_cast<int>(*limit);
                if (!req.query_param("before").empty()) {
                  auto b = http::query_int(req, "before", 0, 1, INT64_MAX);
                  if (!b) return fail(b.error());
                  f.before_seq = *b;
                }
                auto rows = log->list(f);
                if (!rows) return fail(rows.error());
                std::set<int64_t> users, insts;
                for (const auto& e : *rows) {
                  if (e.actor_user_id) users.insert(*e.actor_user_id);
                  if (e.actor_institution_id) insts.insert(*e.actor_institution_id);
                }
                auto resolved = names(users, insts);
                if (!resolved) return fail(resolved.error());
                auto& [user_names, inst_names] = *resolved;
                Json items = Json::array();
                for (const auto& e : *rows) {
                  auto ref = [](std::optional<int64_t> id, const std::map<int64_t, std::string>& n) -> Json {
                    if (!id) return nullptr;
                    auto it = n.find(*id);
                    return {{"id", *id}, {"name", it == n.end() ? "" : it->second}};
                  };
                  items.push_back({{"seq", e.seq},
                                   {"at", iso8601_utc(e.at)},
                                   {"actor", ref(e.actor_user_id, user_names)},
                                   {"institution", ref(e.actor_institution_id, inst_names)},
                                   {"action", e.action},
                                   {"action_es", action_label(e.action).value_or("")},
                                   {"object", e.object},
                                   {"client_ip", e.client_ip},
                                   {"outcome", e.outcome},
                                   {"detail", e.detail},
                                   {"hash", e.hash}});
                }
                Json next = rows->size() == static_cast<size_t>(f.limit) && !rows->empty() ? Json(rows->back().seq) : Json(nullptr);
                // Who looked at the log is itself part of the log.
                if (auto ok = log->append(Log::from(req, "audit.read", "")); !ok) return fail(ok.error());
                return Response::json({{"items", items}, {"next_before", next}});
              }});

  // The labels the browser shows and filters by: served, so the web keeps no copy of the codes.
  router.add({"GET", "/api/v1/audit/actions", "audit.read", "Acciones del registro de auditoría con su nombre en español", "audit",
              [](Request&) -> Result<Response> {
                Json items = Json::array();
                for (const auto& a : action_labels())
                  items.push_back({{"code", std::string(a.code)}, {"label", std::string(a.label)}, {"group", std::string(a.group)}});
                return Response::json({{"items", items}});
              }});

  router.add({"GET", "/api/v1/audit/verify", "audit.read", "Verificar la cadena de hashes del registro de auditoría", "audit",
              [log](Request& req) -> Result<Response> {
                auto v = log->verify();
                if (!v) return fail(v.error());
                if (auto ok = log->append(Log::from(req, "audit.verify", "", v->ok ? "ok" : "error")); !ok) return fail(ok.error());
                Json out = {{"ok", v->ok}, {"count", v->count}};
                if (v->first_broken_seq) out["first_broken_seq"] = *v->first_broken_seq;
                return Response::json(out);
              }});
}

}  // namespace eq::audit
