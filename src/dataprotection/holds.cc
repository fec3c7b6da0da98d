// Legal holds: workflow (each change with its audit entry, in one transaction) and HTTP handlers.
#include "core/try.h"
#include "dataprotection/holds.h"

#include <algorithm>

#include "core/format_cl.h"
#include "core/time.h"
#include "dataprotection/retention.h"
#include "http/body.h"
#include "http/fields.h"
#include "store/with_session.h"

namespace eq::dataprotection {

namespace {

using http::Json;
using http::Request;
using http::Response;

std::string object_of(int64_t id) { return "dataprotection_hold:" + std::to_string(id); }

// Accepts "2026-12-01" or, as people write it in Chile, "01-12-2026".
Result<std::string> civil_field(http::FieldReader& in, const char* field, bool required) {
  EQ_TRY(text, in.text(field, {.required = required, .max_chars = 10}));
  const std::string iso = iso_from_cl(*text);
  if (iso.empty()) return iso;
  if (!civil_days(iso)) return fail(Error::invalid(field, "La fecha debe ser un día válido (ejemplo: 01-12-2026).", "invalid_date"));
  return iso;
}

Json hold_json(const Hold& h, const std::string& today) {
  auto at = [](const std::optional<int64_t>& v) { return v ? Json(format_datetime_cl(*v)) : Json(nullptr); };
  return {{"id", h.id},
          {"person_id", h.person_id},
          {"module", h.module},
          {"kind", h.kind},
          {"record_id", h.record_id},
          {"reason", h.reason},
          {"from_on", h.from_on},
          {"from", cl(h.from_on)},
          {"until_on", h.until_on},
          {"until", h.until_on.empty() ? "hasta su liberación" : cl(h.until_on)},
          {"created", format_datetime_cl(h.created_at)},
          {"released", at(h.released_at)},
          {"active", hold_active(h, today)}};
}

// `kinds`: the kinds of data this server purges. A hold naming anything else, or a person by
// anything but her registry number, would be stored and then never match: the officer would
// believe something is kept that no purge ever asks about.
Result<Hold> read_hold(const Request& req, const std::string& today, const Retentions& kinds) {
  EQ_TRY(body, http::json_object_body(req));
  http::FieldReader in(*body);
  Hold h;
  EQ_TRY(person, in.text("person_id", {.max_chars = 40}));
  EQ_TRY(module, in.text("module", {.max_chars = 40}));
  EQ_TRY(kind, in.text("kind", {.max_chars = 60}));
  EQ_TRY(record, in.text("record_id", {.max_chars = 40}));
  EQ_TRY(reason, in.text("reason", {.required = true, .max_chars = 1000}));
  EQ_TRY(from, civil_field(in, "from_on", false));
  EQ_TRY(until, civil_field(in, "until_on", false));
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  h.person_id = *person;
  h.module = *module;
  h.kind = *kind;
  h.record_id = *record;
  const bool names_record = !h.module.empty() || !h.kind.empty() || !h.record_id.empty();
  if (h.person_id.empty() && !names_record)
    return fail(Error::invalid("person_id", "Indique a quién (person_id) o qué registro (module, kind y record_id) retiene.", "required"));
  if (!h.person_id.empty() && names_record)
    return fail(Error::invalid("person_id", "Una retención nombra a una persona o un registro, no ambos.", "ambiguous"));
  if (names_record) {
    for (const auto& [field, v] : {std::pair<const char*, std::string>{"module", h.module}, {"kind", h.kind}, {"record_id", h.record_id}})
      if (v.empty()) return fail(Error::invalid(field, "Para retener un registro indique module, kind y record_id.", "required"));
    const bool known = std::any_of(kinds.begin(), kinds.end(), [&](const Retention& r) { return r.kind.module == h.module && r.kind.kind == h.kind; });
    if (!known) {
      std::string list;
      for (const auto& r : kinds) list += (list.empty() ? "" : ", ") + r.kind.module + "/" + r.kind.kind;
      return fail(Error::invalid("kind", "Ninguna purga de este servidor borra «" + h.module + "/" + h.kind + "»: los tipos de dato con plazo son " +
                                             (list.empty() ? "ninguno" : list) + ".",
                                 "unknown_kind"));
    }
  }
  if (!h.person_id.empty() &&
      (h.person_id.size() > 18 || h.person_id.find_first_not_of("0123456789") != std::string::npos || h.person_id.find_first_not_of('0') == std::string::npos))
    return fail(Error::invalid("person_id", "Indique el número de la persona en el registro de casos (solo dígitos).", "invalid_person_id"));
  h.reason = *reason;
  h.from_on = from->empty() ? today : *from;
  h.until_on = *until;
  if (!h.until_on.empty() && h.until_on < h.from_on)
    return fail(Error::invalid("until_on", "La fecha de término (" + cl(h.until_on) + ") es anterior a la de inicio (" + cl(h.from_on) + ").",
                               "before_from"));
  return h;
}

}  // namespace

std::string cl(const std::string& iso) { return iso.size() == 10 ? iso.substr(8, 2) + "-" + iso.substr(5, 2) + "-" + iso.substr(0, 4) : iso; }

std::string iso_from_cl(const std::string& text) {
  if (text.size() == 10 && text[2] == '-' && text[5] == '-') return text.substr(6, 4) + "-" + text.substr(3, 2) + "-" + text.substr(0, 2);
  return text;
}

bool hold_active(const Hold& h, const std::string& today) {
  return !h.released_at && h.from_on <= today && (h.until_on.empty() || today <= h.until_on);
}

PurgeHeld held_by(std::shared_ptr<const std::vector<Hold>> active, const std::string& module, const std::string& kind,
                  std::shared_ptr<std::set<int64_t>> used) {
  return [active = std::move(active), module, kind, used = std::move(used)](const std::string& record_id,
                                                                             const std::vector<int64_t>& person_ids) {
    bool held = false;
    for (const auto& h : *active) {
      bool names = false;
      if (!h.person_id.empty())
        names = std::any_of(person_ids.begin(), person_ids.end(), [&](int64_t p) { return std::to_string(p) == h.person_id; });
      else
        names = h.module == module && h.kind == kind && h.record_id == record_id;
      if (!names) continue;
      held = true;
      if (!used) break;
      used->insert(h.id);
    }
    return held;
  };
}

std::vector<Hold> active_holds(soci::session& s, const std::string& today) {
  std::vector<Hold> out;
  for (auto& h : list_holds(s))
    if (hold_active(h, today)) out.push_back(std::move(h));
  return out;
}

Result<PurgeHeld> held_for(store::Database& db, int64_t now, const std::string& module, const std::string& kind) {
  auto active = store::with_session<std::vector<Hold>>(db, [&](soci::session& s) -> Result<std::vector<Hold>> {
    return active_holds(s, today_cl(now));
  });
  if (!active) return fail(active.error());
  return held_by(std::make_shared<const std::vector<Hold>>(std::move(*active)), module, kind);
}

Result<Hold> create_hold(Service& svc, const http::Request& req, Hold h) {
  return svc.db().transaction<Hold>([&](soci::session& s) -> Result<Hold> {
    h.created_by = req.who().user_id;
    h.created_at = now_ms();
    h.id = insert_hold(s, h);
    auto e = audit::Log::from(req, "dataprotection.hold_create", object_of(h.id));
    e.detail = h.person_id.empty() ? h.module + "/" + h.kind + ":" + h.record_id : "persona:" + h.person_id;
    svc.audit().append(s, e);
    return h;
  });
}

Result<Hold> release_hold(Service& svc, const http::Request& req, int64_t id) {
  return svc.db().transaction<Hold>([&](soci::session& s) -> Result<Hold> {
    auto h = find_hold(s, id);
    if (!h) return fail(Error::not_found("La retención no existe."));
    if (h->released_at)
      return fail(Error::conflict("already_released", "La retención ya fue liberada el " + format_datetime_cl(*h->released_at) + ".", "id"));
    release_hold(s, id, now_ms(), req.who().user_id);
    svc.audit().append(s, audit::Log::from(req, "dataprotection.hold_release", object_of(id)));
    return *find_hold(s, id);
  });
}

void register_hold_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/dataprotection/holds", "dataprotection.manage",
              "Retenciones legales: personas o registros que ninguna purga puede borrar mientras estén vigentes", "dataprotection",
              [svc](Request&) -> Result<Response> {
                const auto today = today_cl(now_ms());
                return store::with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  int active = 0;
                  for (const auto& h : list_holds(s)) {
                    active += hold_active(h, today);
                    items.push_back(hold_json(h, today));
                  }
                  return Response::json({{"items", items}, {"active", active}});
                });
              }});
  router.add({"POST", "/api/v1/dataprotection/holds", "dataprotection.manage",
              "Registrar una retención legal (person_id, o module + kind + record_id; reason; from_on, until_on opcional)",
              "dataprotection", [svc](Request& req) -> Result<Response> {
                const auto today = today_cl(now_ms());
                EQ_TRY(h, read_hold(req, today, svc->retentions()));
                EQ_TRY(saved, create_hold(*svc, req, *h));
                return Response::json({{"hold", hold_json(*saved, today)}}, 201);
              }});
  router.add({"POST", "/api/v1/dataprotection/holds/{id}/release", "dataprotection.manage",
              "Liberar una retención legal (una sola vez)", "dataprotection", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(saved, release_hold(*svc, req, *id));
                return Response::json({{"hold", hold_json(*saved, today_cl(now_ms()))}});
              }});
}

}  // namespace eq::dataprotection
