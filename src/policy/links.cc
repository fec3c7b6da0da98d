// Bills linked to the Agenda Mujer commitments they fulfil. The link table belongs to this
// module; bills are read only through the legislative module's public Repository functions.
// Links are public information (bills and the Agenda are public); linking needs policy.validate.
#include "core/text.h"
#include "core/time.h"
#include "legislative/module.h"
#include "policy/import.h"
#include "policy/repository.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::policy {

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::get_int;
using store::Query;

const char* kAgendaMujer = "agenda-mujer";

std::vector<int64_t> bills_of_item(soci::session& s, int64_t item_id) {
  std::vector<int64_t> out;
  Query("SELECT bill_id FROM policy_bill_links WHERE item_id = :i ORDER BY created_at, bill_id")
      .bind("i", static_cast<long long>(item_id))
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

std::vector<int64_t> items_of_bill(soci::session& s, int64_t bill_id) {
  std::vector<int64_t> out;
  Query("SELECT item_id FROM policy_bill_links WHERE bill_id = :b ORDER BY item_id")
      .bind("b", static_cast<long long>(bill_id))
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

Json bill_json(const legislative::Bill& b) {
  return {{"id", b.id},
          {"boletin", b.boletin ? Json(*b.boletin) : Json(nullptr)},
          {"title", b.title},
          {"stage", b.stage},
          {"stage_name", legislative::stage_name_es(b.stage)},
          {"law_number", b.law_number ? Json(*b.law_number) : Json(nullptr)}};
}

Json bills_json(soci::session& s, int64_t item_id) {
  Json out = Json::array();
  for (auto id : bills_of_item(s, item_id))
    if (auto b = legislative::Repository::bill(s, id)) out.push_back(bill_json(*b));
  return out;
}

template <typename R>
Result<R> read(store::Database& db, const std::function<Result<R>(soci::session&)>& fn) {
  auto lease = db.lease();
  if (!lease) return fail(lease.error());
  try {
    return fn(**lease);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

// The bill named by the body: {"bill_id": n} or {"boletin": "NNNNN-NN"} or {"law_number": "21.212"}.
Result<legislative::Bill> bill_from_body(soci::session& s, const Json& body) {
  std::optional<int64_t> id;
  if (auto it = body.find("bill_id"); it != body.end() && !it->is_null()) {
    id = it->get<int64_t>();
  } else if (auto b = body.find("boletin"); b != body.end() && !b->is_null()) {
    std::string boletin = trim(b->get<std::string>());
    if (!legislative::valid_boletin(boletin))
      return fail(Error::invalid("boletin", "El boletín debe tener la forma NNNNN-NN (por ejemplo, 11077-07).", "invalid_boletin"));
    id = legislative::Repository::bill_id_by_boletin(s, boletin);
    if (!id) return fail(Error::invalid("boletin", "No hay un proyecto con el boletín " + boletin + " en la agenda legislativa.", "not_found"));
  } else if (auto l = body.find("law_number"); l != body.end() && !l->is_null()) {
    std::string text = trim(l->get<std::string>());
    if (text.size() > 4 && (text.rfind("Ley ", 0) == 0 || text.rfind("ley ", 0) == 0)) text = trim(text.substr(4));
    auto law = legislative::normalize_law_number(text);
    if (!law) return fail(Error::invalid("law_number", "El número de ley debe tener la forma 21.212.", "invalid_law_number"));
    id = legislative::Repository::bill_id_by_law(s, *law);
    if (!id) return fail(Error::invalid("law_number", "No hay una ley N° " + *law + " en la agenda legislativa.", "not_found"));
  } else {
    return fail(Error::invalid("boletin", "Indique el boletín del proyecto (o «bill_id»).", "required"));
  }
  auto bill = legislative::Repository::bill(s, *id);
  if (!bill) return fail(Error::invalid("bill_id", "No existe un proyecto con ese identificador.", "not_found"));
  return *bill;
}

// Only commitments of the Agenda Mujer (any level of its tree) are linked to bills.
Result<Item> agenda_item(soci::session& s, int64_t item_id) {
  auto item = Repository::item(s, item_id);
  if (!item) return fail(Error::not_found("No existe un ítem con ese identificador."));
  auto ins = Repository::instrument(s, item->instrument_id);
  if (!ins || ins->code != kAgendaMujer)
    return fail(Error::invalid("item_id", "Solo los compromisos de la Agenda Mujer se vinculan a proyectos de ley.", "not_agenda_mujer"));
  return *item;
}

}  // namespace

void register_link_routes(http::Router& router, std::shared_ptr<ImportContext> ctx) {
  const std::string tag = "policy";
  router.add({"GET", "/api/v1/policy/public/items/{id}/bills", http::kPublic,
              "Proyectos de ley vinculados a un compromiso de la Agenda Mujer", tag, [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                return read<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  if (!Repository::item(s, *id)) return fail(Error::not_found("No existe un ítem con ese identificador."));
                  return Response::json({{"items", bills_json(s, *id)}});
                });
              }});
  router.add({"GET", "/api/v1/policy/public/bills/{id}/items", http::kPublic,
              "Compromisos de la Agenda Mujer que un proyecto de ley cumple", tag, [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un proyecto con ese identificador."));
                return read<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  if (!legislative::Repository::bill(s, *id)) return fail(Error::not_found("No existe un proyecto con ese identificador."));
                  Json out = Json::array();
                  for (auto item_id : items_of_bill(s, *id)) {
                    auto i = Repository::item(s, item_id);
                    if (!i) continue;
                    auto ins = Repository::instrument(s, i->instrument_id);
                    out.push_back({{"id", i->id}, {"code", i->code.empty() ? Json(nullptr) : Json(i->code)}, {"title", i->title},
                                   {"level_name", level_es(i->level)}, {"instrument_id", i->instrument_id},
                                   {"instrument_name", ins ? ins->name : ""}});
                  }
                  return Response::json({{"items", out}});
                });
              }});
  http::Schema link = {{"bill_id", http::Field::Type::integer}, {"boletin", http::Field::Type::string, false, 20},
                       {"law_number", http::Field::Type::string, false, 20}};
  router.add({"POST", "/api/v1/policy/items/{id}/bills", "policy.validate",
              "Vincular un proyecto de ley (boletín, bill_id o law_number) a un compromiso de la Agenda Mujer", tag,
              [ctx, link](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                auto body = http::parse_body(req, link);
                if (!body) return fail(body.error());
                return ctx->db.transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto item = agenda_item(s, *id);
                  if (!item) return fail(item.error());
                  auto bill = bill_from_body(s, *body);
                  if (!bill) return fail(bill.error());
                  for (auto existing : bills_of_item(s, *id))
                    if (existing == bill->id)
                      return fail(Error::conflict("already_linked", "El proyecto ya está vinculado a este compromiso.", "boletin"));
                  Query("INSERT INTO policy_bill_links(item_id, bill_id, created_by, created_at) VALUES(:i, :b, :u, :t)")
                      .bind("i", static_cast<long long>(*id))
                      .bind("b", static_cast<long long>(bill->id))
                      .bind("u", static_cast<long long>(req.who().user_id))
                      .bind("t", static_cast<long long>(now_ms()))
                      .exec(s);
                  auto entry = audit::Log::from(req, "policy.bill_link", "policy_item:" + std::to_string(*id));
                  entry.detail = "proyecto " + std::to_string(bill->id) + (bill->boletin ? " (boletín " + *bill->boletin + ")" : "");
                  ctx->audit->append(s, entry);
                  return Response::json({{"items", bills_json(s, *id)}}, 201);
                });
              },
              link});
  router.add({"DELETE", "/api/v1/policy/items/{id}/bills/{bill_id}", "policy.validate",
              "Desvincular un proyecto de ley de un compromiso de la Agenda Mujer", tag, [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                auto bill_id = http::path_id(req, "bill_id");
                if (!id || !bill_id) return fail(Error::not_found("No existe ese vínculo."));
                return ctx->db.transaction<Response>([&](soci::session& s) -> Result<Response> {
                  auto n = Query("DELETE FROM policy_bill_links WHERE item_id = :i AND bill_id = :b")
                               .bind("i", static_cast<long long>(*id))
                               .bind("b", static_cast<long long>(*bill_id))
                               .exec(s);
                  if (n == 0) return fail(Error::not_found("No existe ese vínculo."));
                  auto entry = audit::Log::from(req, "policy.bill_unlink", "policy_item:" + std::to_string(*id));
                  entry.detail = "proyecto " + std::to_string(*bill_id);
                  ctx->audit->append(s, entry);
                  return Response::json({{"items", bills_json(s, *id)}});
                });
              }});
}

}  // namespace eq::policy
