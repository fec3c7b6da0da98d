// HTTP handlers of the legislative agenda. Reading is public (it is public information in
// Congress's own records); every change needs «legislative.manage» and is audited in the same
// transaction as the change.
#include <algorithm>
#include <map>

#include "core/text.h"
#include "core/time.h"
#include "http/fields.h"
#include "legislative/module.h"
#include "store/query.h"
#include "store/with_session.h"

namespace eq::legislative {

namespace {

using http::Json;
using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kManage = "legislative.manage";

Json opt_json(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json day_json(const std::optional<int64_t>& ms) { return ms ? Json(format_date_cl(*ms)) : Json(nullptr); }

Json urgency_json(const std::optional<CurrentUrgency>& u, Day today) {
  if (!u) return nullptr;
  Json j = {{"type", urgency_id(u->type)},
            {"name", urgency_name_es(u->type)},
            {"days", urgency_days(u->type)},
            {"since", u->since ? Json(format_day(*u->since)) : Json(nullptr)},
            {"deadline", u->deadline ? Json(format_day(*u->deadline)) : Json(nullptr)}};
  auto left = days_left(*u, today);
  j["days_left"] = left ? Json(*left) : Json(nullptr);
  return j;
}

Json bill_json(const Bill& b, const std::optional<CurrentUrgency>& u, Day today) {
  return {{"id", b.id},
          {"boletin", b.boletin ? Json(*b.boletin) : Json(nullptr)},
          {"title", b.title},
          {"kind", opt_json(b.kind)},
          {"origin_chamber", opt_json(b.origin_chamber)},
          {"entered_at", b.entered_at ? Json(*b.entered_at) : Json(nullptr)},
          {"entered_on", day_json(b.entered_at)},
          {"stage", b.stage},
          {"stage_name", stage_name_es(b.stage)},
          {"committee", opt_json(b.committee)},
          {"law_number", b.law_number ? Json(*b.law_number) : Json(nullptr)},
          {"published_at", b.published_at ? Json(*b.published_at) : Json(nullptr)},
          {"published_on", day_json(b.published_at)},
          {"urgency", urgency_json(u, today)}};
}

Json event_json(const Event& e) {
  Json j = {{"id", e.id}, {"kind", e.kind}, {"at", e.at ? Json(*e.at) : Json(nullptr)}, {"date", day_json(e.at)},
            {"stage", opt_json(e.stage)}, {"from_stage", opt_json(e.from_stage)}, {"committee", opt_json(e.committee)},
            {"urgency", opt_json(e.urgency)}, {"note", opt_json(e.note)}};
  if (!e.stage.empty()) j["stage_name"] = stage_name_es(e.stage);
  if (auto t = urgency_from_id(e.urgency)) j["urgency_name"] = urgency_name_es(*t);
  return j;
}

using store::with_session;

// A "dd-mm-aaaa" day of the agenda: exists, not in the future.
Result<int64_t> past_day(const std::string& text, const std::string& field) {
  auto ms = parse_date_cl(text, field);
  if (!ms) return fail(ms.error());
  if (days_since_epoch(chile_day(*ms)) > days_since_epoch(chile_day(now_ms())))
    return fail(Error::invalid(field, "La fecha no puede ser posterior a hoy.", "invalid_date"));
  return *ms;
}

Json detail(soci::session& s, const Bill& b) {
  auto events = Repository::timeline(s, b.id);
  Json j = bill_json(b, urgency_of(b, events), chile_day(now_ms()));
  Json tl = Json::array();
  for (const auto& e : events) tl.push_back(event_json(e));
  j["timeline"] = tl;
  return j;
}

struct Context {
  store::Database& db;
  std::shared_ptr<audit::Log> audit;
};

Result<Response> create_bill(Context& c, Request& req, const Json& body) {
  Bill b;
  std::string boletin = http::body_text(body, "boletin");
  if (!valid_boletin(boletin))
    return fail(Error::invalid("boletin", "El boletín debe tener el formato número-comisión, por ejemplo 13541-07.", "invalid_boletin"));
  b.boletin = boletin;
  b.title = http::body_text(body, "title");
  b.kind = http::body_text(body, "kind");
  if (b.kind != "mensaje" && b.kind != "mocion")
    return fail(Error::invalid("kind", "El origen debe ser «mensaje» (del Ejecutivo) o «mocion» (parlamentaria).", "invalid_kind"));
  b.origin_chamber = http::body_text(body, "origin_chamber");
  if (b.origin_chamber != "camara" && b.origin_chamber != "senado")
    return fail(Error::invalid("origin_chamber", "La cámara de origen debe ser «camara» o «senado».", "invalid_chamber"));
  auto entered = past_day(http::body_text(body, "entered_on"), "entered_on");
  if (!entered) return fail(entered.error());
  b.entered_at = *entered;
  b.stage = http::body_text(body, "stage");
  if (b.stage.empty()) b.stage = "primer_tramite";
  if (!is_stage(b.stage))
    return fail(Error::invalid("stage", "La etapa indicada no existe.", "unknown_stage"));
  if (b.stage == "publicada" || b.stage == "archivada")
    return fail(Error::invalid("stage", "Un proyecto nuevo no puede registrarse publicado ni archivado; registre su ingreso y luego su avance.",
                               "invalid_transition"));
  b.committee = http::body_text(body, "committee");

  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    if (Repository::bill_id_by_boletin(s, boletin))
      return fail(Error::conflict("duplicate_boletin", "Ya existe un proyecto con el boletín N° " + boletin + ".", "boletin"));
    b.id = Repository::insert_bill(s, b);
    Event e;
    e.bill_id = b.id;
    e.at = b.entered_at;
    e.kind = "stage";
    e.stage = b.stage;
    e.committee = b.committee;
    e.note = "Ingreso del proyecto";
    Repository::insert_event(s, e, req.who().user_id);
    c.audit->append(s, audit::Log::from(req, "legislative.bill_create", "legislative_bill:" + std::to_string(b.id),
                                        "ok"));
    return Response::json(detail(s, b), 201);
  });
}

Result<Response> add_event(Context& c, Request& req, int64_t id, const Json& body) {
  Event e;
  e.bill_id = id;
  e.kind = http::body_text(body, "kind");
  static const std::vector<std::string> kinds = {"stage", "urgency_set", "urgency_renewed", "urgency_withdrawn", "note"};
  if (std::find(kinds.begin(), kinds.end(), e.kind) == kinds.end())
    return fail(Error::invalid("kind", "El tipo de movimiento debe ser stage, urgency_set, urgency_renewed, urgency_withdrawn o note.",
                               "invalid_kind"));
  const bool is_urgency = e.kind.rfind("urgency_", 0) == 0;
  std::string date = http::body_text(body, "date");
  if (date.empty() && is_urgency)
    return fail(Error::invalid("date", "Indique el día en que se dio cuenta de la urgencia en la Sala (DD-MM-AAAA).", "required"));
  if (!date.empty()) {
    auto at = past_day(date, "date");
    if (!at) return fail(at.error());
    e.at = *at;
  } else {
    e.at = parse_date_cl(format_date_cl(now_ms()), "date").value_or(now_ms());
  }
  e.note = http::body_text(body, "note");
  e.urgency = http::body_text(body, "urgency");
  if (!e.urgency.empty() && !urgency_from_id(e.urgency))
    return fail(Error::invalid("urgency", "La urgencia debe ser «simple» (30 días), «suma» (15 días) o «discusion_inmediata» (6 días).",
                               "invalid_urgency"));

  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto bill = Repository::bill(s, id);
    if (!bill) return fail(Error::not_found("No existe un proyecto con ese identificador."));
    if (bill->entered_at && e.at && days_since_epoch(chile_day(*e.at)) < days_since_epoch(chile_day(*bill->entered_at)))
      return fail(Error::invalid("date", "La fecha no puede ser anterior al ingreso del proyecto (" +
                                             format_date_cl(*bill->entered_at) + ").", "invalid_date"));
    auto events = Repository::timeline(s, id);
    auto current = urgency_of(*bill, events);
    std::string action, detail_text;

    if (e.kind == "note") {
      if (e.note.empty()) return fail(Error::invalid("note", "Escriba la nota.", "required"));
      action = "legislative.note";
    } else if (e.kind == "stage") {
      std::string to = http::body_text(body, "stage");
      if (to.empty()) return fail(Error::invalid("stage", "Indique la etapa a la que avanza el proyecto.", "required"));
      if (auto ok = check_transition(bill->stage, to); !ok) return fail(ok.error());
      Bill next = *bill;
      next.stage = to;
      next.committee = http::body_text(body, "committee");
      if (to == "publicada") {
        auto law = normalize_law_number(http::body_text(body, "law_number"));
        if (!law)
          return fail(Error::invalid("law_number", "Indique el número de la ley, por ejemplo «N° 21.212».", "invalid_law_number"));
        std::string published = http::body_text(body, "published_on");
        if (published.empty())
          return fail(Error::invalid("published_on", "Indique la fecha de publicación en el Diario Oficial (DD-MM-AAAA).", "required"));
        auto pub = past_day(published, "published_on");
        if (!pub) return fail(pub.error());
        if (auto other = Repository::bill_id_by_law(s, *law); other && *other != id)
          return fail(Error::conflict("duplicate_law", "La Ley N° " + *law + " ya está registrada en otro proyecto.", "law_number"));
        next.law_number = *law;
        next.published_at = *pub;
        e.at = *pub;
      } else if (!http::body_text(body, "law_number").empty() || !http::body_text(body, "published_on").empty()) {
        return fail(Error::invalid("law_number", "El número de ley y la fecha de publicación solo se indican al publicar.", "not_allowed"));
      }
      e.from_stage = bill->stage;
      e.stage = to;
      e.committee = next.committee;
      Repository::update_stage(s, next);
      action = "legislative.stage_change";
      detail_text = bill->stage + " -> " + to;
    } else {
      if (!in_congress(bill->stage))
        return fail(Error::invalid("kind", "Las urgencias solo rigen mientras el proyecto está en el Congreso (" +
                                               stage_name_es(bill->stage) + ").", "not_in_congress"));
      if (e.kind == "urgency_set") {
        if (e.urgency.empty())
          return fail(Error::invalid("urgency", "Indique la urgencia: simple, suma o discusion_inmediata.", "required"));
        action = "legislative.urgency_set";
      } else {
        if (!current)
          return fail(Error::invalid("kind", std::string("El proyecto no tiene una urgencia vigente que ") +
                                                 (e.kind == "urgency_renewed" ? "renovar." : "retirar."), "no_urgency"));
        if (current->since && e.at && days_since_epoch(chile_day(*e.at)) < days_since_epoch(*current->since))
          return fail(Error::invalid("date", "La fecha no puede ser anterior a la de la urgencia vigente (" +
                                                 format_day(*current->since) + ").", "invalid_date"));
        if (e.kind == "urgency_renewed") {
          if (e.urgency.empty()) e.urgency = urgency_id(current->type);
          action = "legislative.urgency_renew";
        } else {
          if (!e.urgency.empty())
            return fail(Error::invalid("urgency", "Al retirar una urgencia no se indica su tipo.", "not_allowed"));
          e.urgency = urgency_id(current->type);  // which one was withdrawn, for the timeline
          action = "legislative.urgency_withdraw";
        }
      }
      detail_text = e.urgency;
    }
    if (e.kind != "stage" && (!http::body_text(body, "stage").empty() || !http::body_text(body, "law_number").empty() ||
                              !http::body_text(body, "published_on").empty() || !http::body_text(body, "committee").empty()))
      return fail(Error::invalid("kind", "Los campos de etapa solo se indican en un movimiento de etapa.", "not_allowed"));
    if (!is_urgency && !e.urgency.empty())
      return fail(Error::invalid("urgency", "La urgencia solo se indica en movimientos de urgencia.", "not_allowed"));

    e.id = Repository::insert_event(s, e, req.who().user_id);
    auto entry = audit::Log::from(req, action, "legislative_bill:" + std::to_string(id));
    entry.detail = detail_text;
    c.audit->append(s, entry);
    auto fresh = Repository::bill(s, id);
    return Response::json(detail(s, *fresh), 201);
  });
}

}  // namespace

void register_routes(http::Router& router, store::Database& db, std::shared_ptr<audit::Log> audit) {
  auto ctx = std::make_shared<Context>(Context{db, std::move(audit)});

  router.add({"GET", "/api/v1/legislative/bills", http::kPublic, "Agenda legislativa: proyectos de ley y leyes (filtros stage y q)",
              "legislative", [ctx](Request& req) -> Result<Response> {
                std::string stage = req.query_param("stage");
                if (!stage.empty() && !is_stage(stage))
                  return fail(Error::bad_request("invalid_parameter", "La etapa indicada no existe.", "stage"));
                std::string q = req.query_param("q");
                if (q.size() > 100)
                  return fail(Error::bad_request("invalid_parameter", "La búsqueda admite como máximo 100 caracteres.", "q"));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto bills = Repository::list(s, stage, q);
                  std::vector<int64_t> ids;
                  for (const auto& b : bills) ids.push_back(b.id);
                  auto events = bills.empty() ? std::vector<Event>() : Repository::urgency_events(s, ids);
                  const Day today = chile_day(now_ms());
                  Json items = Json::array();
                  for (const auto& b : bills) items.push_back(bill_json(b, urgency_of(b, events), today));
                  return Response::json({{"items", items}});
                });
              }});

  router.add({"GET", "/api/v1/legislative/bills/{id}", http::kPublic, "Un proyecto de ley con su tramitación", "legislative",
              [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un proyecto con ese identificador."));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto b = Repository::bill(s, *id);
                  if (!b) return fail(Error::not_found("No existe un proyecto con ese identificador."));
                  return Response::json(detail(s, *b));
                });
              }});

  router.add({"GET", "/api/v1/legislative/urgencies/due", http::kPublic,
              "Urgencias por vencer: plazo dentro de los próximos «days» días (30 si no se indica)", "legislative",
              [ctx](Request& req) -> Result<Response> {
                auto days = http::query_int(req, "days", 30, 0, 366);
                if (!days) return fail(days.error());
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto bills = Repository::list(s, "", "");
                  auto events = Repository::urgency_events(s, {});
                  const Day today = chile_day(now_ms());
                  const int64_t first = days_since_epoch(today), last = first + *days;
                  std::vector<std::pair<Bill, CurrentUrgency>> due;
                  for (const auto& b : bills) {
                    auto u = urgency_of(b, events);
                    if (!u || !u->deadline) continue;
                    const int64_t d = days_since_epoch(*u->deadline);
                    if (d >= first && d <= last) due.emplace_back(b, *u);
                  }
                  std::stable_sort(due.begin(), due.end(), [](const auto& a, const auto& b) {
                    return days_since_epoch(*a.second.deadline) < days_since_epoch(*b.second.deadline);
                  });
                  Json items = Json::array();
                  for (const auto& [b, u] : due) items.push_back(bill_json(b, u, today));
                  return Response::json({{"items", items}, {"today", format_day(today)}, {"days", *days}});
                });
              }});

  http::Schema new_bill = {{"boletin", T::string, true, 20},        {"title", T::string, true, 500},
                           {"kind", T::string, true, 20},           {"origin_chamber", T::string, true, 20},
                           {"entered_on", T::string, true, 10},     {"stage", T::string, false, 30},
                           {"committee", T::string, false, 200, true}};
  router.add({"POST", "/api/v1/legislative/bills", kManage, "Registrar un proyecto de ley en la agenda", "legislative",
              [ctx, new_bill](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_bill);
                if (!body) return fail(body.error());
                return create_bill(*ctx, req, *body);
              },
              new_bill});

  http::Schema new_event = {{"kind", T::string, true, 30},          {"date", T::string, false, 10},
                            {"stage", T::string, false, 30},        {"committee", T::string, false, 200, true},
                            {"urgency", T::string, false, 30},      {"law_number", T::string, false, 20},
                            {"published_on", T::string, false, 10}, {"note", T::string, false, 1000}};
  router.add({"POST", "/api/v1/legislative/bills/{id}/events", kManage,
              "Registrar un movimiento: etapa, urgencia (hacer presente, renovar, retirar) o nota", "legislative",
              [ctx, new_event](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un proyecto con ese identificador."));
                auto body = http::parse_body(req, new_event);
                if (!body) return fail(body.error());
                return add_event(*ctx, req, *id, *body);
              },
              new_event});
}

}  // namespace eq::legislative
