// HTTP handlers of the public account. Citizens read published editions without a session (JSON
// and the printable page); analysts («account.edit») draft, edit and publish; SEREMI teams
// («account.milestones») record their own region's milestones (object rule: access.h).
#include "account/module.h"
#include "http/fields.h"

namespace eq::account {

namespace {

using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kEdit = "account.edit";
const std::string kMilestones = "account.milestones";
const char* kNoEdition = "No existe una edición de la cuenta pública con ese identificador.";
const std::string tag = "account";

Result<Response> json(Result<Json> r, int status = 200) {
  if (!r) return fail(r.error());
  return Response::json(*r, status);
}

Service::MilestoneInput milestone_input(const Json& body) {
  return {http::body_text(body, "region_id"), http::body_text(body, "period"),      http::body_text(body, "date"),
          http::body_text(body, "title"),     http::body_text(body, "description"), http::body_text(body, "results"),
          http::body_text(body, "axis"),      http::body_text(body, "comunas"),     http::body_text(body, "evidence")};
}

// A handler of a route naming an edition: a malformed id is an unknown edition (404).
template <class F>
auto on_edition(F answer) {
  return [answer](Request& req) -> Result<Response> {
    auto id = http::path_id(req);
    if (!id) return fail(Error::not_found(kNoEdition));
    return answer(req, *id);
  };
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // ---------------------------------------------------------------- public
  router.add({"GET", "/api/v1/account/public/editions", http::kPublic, "Ediciones publicadas de la Cuenta Pública Participativa", tag,
              [svc](Request&) { return json(svc->editions(true)); }});
  router.add({"GET", "/api/v1/account/public/editions/{id}", http::kPublic,
              "Una edición publicada: el documento congelado al publicarse y su huella SHA-256", tag, [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNoEdition));
                return json(svc->edition(*id, true));
              }});
  // The two files of a published edition: the printable page and the PDF.
  auto file = [svc](const char* type, const char* ext, auto render) {
    return on_edition([svc, type, ext, render](Request&, int64_t id) -> Result<Response> {
      auto body = render(*svc, id);
      if (!body) return fail(body.error());
      Response r;
      r.content_type = type;
      r.body = std::move(*body);
      r.headers.emplace_back("Content-Disposition", "inline; filename=\"cuenta-publica-" + std::to_string(id) + "." + ext + "\"");
      return r;
    });
  };
  router.add({"GET", "/api/v1/account/public/editions/{id}/print", http::kPublic,
              "Versión imprimible (HTML para imprimir o guardar como PDF) de una edición publicada", tag,
              file("text/html; charset=utf-8", "html", [](Service& s, int64_t id) { return s.print(id); })});
  router.add({"GET", "/api/v1/account/public/editions/{id}/pdf", http::kPublic,
              "PDF de una edición publicada (índice, marcadores, tablas y gráficos; «Página N de M»)", tag,
              file("application/pdf", "pdf", [](Service& s, int64_t id) -> Result<std::string> {
                auto pdf = s.pdf(id);
                if (!pdf) return fail(pdf.error());
                return (*pdf)->bytes;
              })});

  // ---------------------------------------------------------------- editor
  router.add({"GET", "/api/v1/account/editions", kEdit, "Ediciones de la cuenta pública (borradores y publicadas)", tag,
              [svc](Request&) { return json(svc->editions(false)); }});
  http::Schema new_edition = {{"period", T::string, true, 9},
                              {"title", T::string, true, 300},
                              {"from_on", T::string, true, 10},
                              {"to_on", T::string, true, 10}};
  router.add({"POST", "/api/v1/account/editions", kEdit, "Crear el borrador de una edición para un período", tag,
              [svc, new_edition](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_edition);
                if (!body) return fail(body.error());
                Service::NewEdition cmd{http::body_text(*body, "period"), http::body_text(*body, "title"),
                                        http::body_text(*body, "from_on"), http::body_text(*body, "to_on"), false};
                return json(svc->create_edition(&req, cmd), 201);
              },
              new_edition});
  router.add({"GET", "/api/v1/account/editions/{id}", kEdit,
              "Una edición: un borrador compilado ahora desde los datos vivos; una publicada tal como se publicó", tag,
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNoEdition));
                return json(svc->edition(*id, false));
              }});
  http::Schema section = {{"text", T::string, true, 20000}};
  router.add({"PUT", "/api/v1/account/editions/{id}/sections/{key}", kEdit,
              "Texto editorial de una sección de un borrador (una edición publicada no se modifica)", tag,
              [svc, section](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNoEdition));
                auto body = http::parse_body(req, section);
                if (!body) return fail(body.error());
                return json(svc->put_section(req, *id, req.params["key"], http::body_text(*body, "text")));
              },
              section});
  router.add({"POST", "/api/v1/account/editions/{id}/publish", kEdit,
              "Publicar un borrador: congela sus cifras y textos y calcula su huella SHA-256", tag, [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found(kNoEdition));
                return json(svc->publish(&req, *id));
              }});
  router.add({"POST", "/api/v1/account/editions/{id}/submit", kEdit, "Enviar una versión en borrador a revisión", tag,
              on_edition([svc](Request& req, int64_t id) { return json(svc->submit(req, id)); })});
  http::Schema review = {{"decision", T::string, true, 20}, {"observations", T::string, false, 4000}};
  router.add({"POST", "/api/v1/account/editions/{id}/review", kEdit,
              "Revisar una versión enviada: aprobarla o devolverla con observaciones (otra persona que quien la envió)", tag,
              on_edition([svc, review](Request& req, int64_t id) -> Result<Response> {
                auto body = http::parse_body(req, review);
                if (!body) return fail(body.error());
                return json(svc->review(req, id, http::body_text(*body, "decision"), http::body_text(*body, "observations")));
              }),
              review});
  router.add({"POST", "/api/v1/account/editions/{id}/versions", kEdit,
              "Nueva versión de una edición publicada: un borrador con su texto, que vuelve a revisión", tag,
              on_edition([svc](Request& req, int64_t id) { return json(svc->new_version(req, id), 201); })});

  // ---------------------------------------------------------------- regional milestones
  router.add({"GET", "/api/v1/account/milestones", kMilestones,
              "Hitos regionales (period, region_id); un equipo SEREMI consulta los de su región", tag, [svc](Request& req) -> Result<Response> {
                if (req.query_param("region_id").size() > 2)
                  return fail(Error::bad_request("invalid_parameter", "El código de región no es válido.", "region_id"));
                return json(svc->milestones(req, req.query_param("period"), req.query_param("region_id")));
              }});
  http::Schema milestone = {{"region_id", T::string, false, 2},  {"period", T::string, true, 9},
                            {"date", T::string, false, 10},      {"title", T::string, true, 500},
                            {"description", T::string, true, 4000}, {"results", T::string, false, 4000},
                            {"axis", T::string, false, 200},        {"comunas", T::string, false, 1000},
                            {"evidence", T::string, false, 1000}};
  router.add({"POST", "/api/v1/account/milestones", kMilestones, "Registrar un hito de su región (hito o acción, descripción, resultados)",
              tag,
              [svc, milestone](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, milestone);
                if (!body) return fail(body.error());
                return json(svc->create_milestone(req, milestone_input(*body)), 201);
              },
              milestone});
  router.add({"PUT", "/api/v1/account/milestones/{id}", kMilestones, "Modificar un hito de su región", tag,
              [svc, milestone](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un hito con ese identificador."));
                auto body = http::parse_body(req, milestone);
                if (!body) return fail(body.error());
                return json(svc->update_milestone(req, *id, milestone_input(*body)));
              },
              milestone});
  http::Schema curation = {{"decision", T::string, true, 20}, {"reason", T::string, false, 2000}};
  router.add({"PUT", "/api/v1/account/milestones/{id}/curation", kEdit,
              "El Ministerio incluye o excluye (con motivo) un hito regional de la cuenta pública", tag,
              [svc, curation](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un hito con ese identificador."));
                auto body = http::parse_body(req, curation);
                if (!body) return fail(body.error());
                return json(svc->curate(req, *id, http::body_text(*body, "decision"), http::body_text(*body, "reason")));
              },
              curation});
}

}  // namespace eq::account
