// HTTP handlers of citizens' participation. Public routes read without any account; public writes
// carry the citizen's token (from the e-mail code) and a solved proof-of-work challenge, and pass
// the per-address flood limit first (429 with Retry-After). Ministry routes need
// participation.manage; object rules in participation/access.h.
#include "core/time.h"
#include "core/try.h"
#include "http/body.h"
#include "http/fields.h"
#include "participation/access.h"
#include "participation/module.h"

namespace eq::participation {

namespace {

using http::Request;
using http::Response;

const std::string tag = "participation";
const std::string kManage = "participation.manage";

Result<Response> json(Result<Json> r, int status = 200) {
  if (!r) return fail(r.error());
  return Response::json(*r, status);
}

// The flood limit of the caller's address; a 429 names when to come back.
std::optional<Response> flooded(Service& svc, const Request& req) {
  const int64_t wait = svc.flood(req.client_ip, now_ms());
  if (!wait) return std::nullopt;
  Response r = Response::error({429, "rate_limited",
                                "Se enviaron demasiados mensajes desde esta dirección. Espere " + std::to_string(wait) +
                                    " segundos e intente nuevamente.",
                                {}});
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

Result<Service::Proof> read_proof(const Json& body, http::FieldReader& in) {
  in.skip("challenge");
  in.skip("counter");
  if (!body.contains("challenge") || !body["challenge"].is_object())
    return fail(Error::invalid("challenge", "Falta el desafío resuelto: pida uno en /api/v1/participation/public/challenge.", "missing_challenge"));
  http::FieldReader c(body["challenge"], "challenge");
  Service::Proof p;
  EQ_TRY(nonce, c.text("nonce", {.required = true, .max_chars = 64}));
  EQ_TRY(bits, c.integer("bits", {.required = true, .min = 1, .max = 64}));
  EQ_TRY(expires, c.integer("expires_at", {.required = true, .min = 0}));
  EQ_TRY(sig, c.text("sig", {.required = true, .max_chars = 128}));
  p.challenge = {*nonce, static_cast<int>(**bits), **expires, *sig};
  if (body.contains("counter") && body["counter"].is_number_unsigned())
    p.counter = std::to_string(body["counter"].get<uint64_t>());
  else if (body.contains("counter") && body["counter"].is_string())
    p.counter = body["counter"].get<std::string>();
  return p;
}

// The text exactly as sent (a quote must match the published text character for character).
Result<std::string> exact(http::FieldReader& in, const char* key, size_t max_chars) {
  EQ_TRY(v, in.string(key));
  if (!*v || (*v)->empty()) return fail(Error::invalid(key, "Este campo es obligatorio.", "required"));
  if (http::utf8_length(**v) > max_chars) return fail(Error::invalid(key, "Es demasiado largo (máximo " + std::to_string(max_chars) + " caracteres).", "too_long"));
  return **v;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // ---------------------------------------------------------------- public reading
  router.add({"GET", "/api/v1/participation/public/processes", http::kPublic, "Procesos de participación ciudadana de la cuenta pública", tag,
              [svc](Request&) { return json(svc->processes()); }});
  router.add({"GET", "/api/v1/participation/public/processes/{id}", http::kPublic,
              "Un proceso: su calendario, el texto publicado, comentarios anclados, preguntas y respuestas, cifra de respuestas a tiempo", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                return json(svc->process(*id, now_ms()));
              }});
  router.add({"GET", "/api/v1/participation/public/challenge", http::kPublic, "Desafío de prueba de trabajo (sin servicios externos)", tag,
              [svc](Request&) -> Result<Response> {
                Response r = Response::json(svc->challenge(now_ms()));
                r.headers.emplace_back("Cache-Control", "no-store");
                return r;
              }});

  // ---------------------------------------------------------------- e-mail verification
  router.add({"POST", "/api/v1/participation/public/verify", http::kPublic, "Pide un código de verificación por correo electrónico", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto r = flooded(*svc, req)) return *r;
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(email, in.text("email", {.required = true, .max_chars = 200}));
                EQ_TRY(name, in.text("pseudonym", {.max_chars = 40}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return json(svc->request_code(req, *email, *name, now_ms()), 202);
              }});
  router.add({"POST", "/api/v1/participation/public/verify/confirm", http::kPublic, "Confirma el correo con el código recibido", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto r = flooded(*svc, req)) return *r;
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(email, in.text("email", {.required = true, .max_chars = 200}));
                EQ_TRY(code, in.text("code", {.required = true, .max_chars = 12}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return json(svc->confirm_code(req, *email, *code, now_ms()));
              }});

  // ---------------------------------------------------------------- public writing
  router.add({"POST", "/api/v1/participation/public/processes/{id}/comments", http::kPublic,
              "Comentario sobre un pasaje citado del texto publicado (correo verificado y desafío resuelto)", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto r = flooded(*svc, req)) return *r;
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Service::NewComment c;
                EQ_TRY(token, in.text("token", {.max_chars = 100}));
                EQ_TRY(section, in.text("section_key", {.required = true, .max_chars = 60}));
                EQ_TRY(quote, exact(in, "quote", 1000));
                EQ_TRY(offset, in.integer("offset", {.required = true, .min = 0, .max = 10000000}));
                EQ_TRY(text, in.text("body", {.required = true, .max_chars = 2000}));
                EQ_TRY(proof, read_proof(*body, in));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                c.token = *token;
                c.section_key = *section;
                c.quote = *quote;
                c.offset = **offset;
                c.body = *text;
                c.proof = *proof;
                return json(svc->comment(req, *id, c, now_ms()), 201);
              }});
  router.add({"POST", "/api/v1/participation/public/processes/{id}/questions", http::kPublic,
              "Pregunta al Ministerio por tema y región (correo verificado y desafío resuelto)", tag,
              [svc](Request& req) -> Result<Response> {
                if (auto r = flooded(*svc, req)) return *r;
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                std::vector<std::string> topic_ids;
                for (const auto& t : topics()) topic_ids.push_back(t.first);
                Service::NewQuestion q;
                EQ_TRY(token, in.text("token", {.max_chars = 100}));
                EQ_TRY(topic, in.one_of("topic", true, topic_ids));
                EQ_TRY(region, in.text("region_id", {.max_chars = 4}));
                EQ_TRY(text, in.text("body", {.required = true, .max_chars = 2000}));
                EQ_TRY(proof, read_proof(*body, in));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                q.token = *token;
                q.topic = *topic;
                q.region_id = *region;
                q.body = *text;
                q.proof = *proof;
                return json(svc->ask(req, *id, q, now_ms()), 201);
              }});
  router.add({"POST", "/api/v1/participation/public/posts/{id}/report", http::kPublic,
              "Reporta un comentario o pregunta (spam, ofensivo, no corresponde)", tag, [svc](Request& req) -> Result<Response> {
                if (auto r = flooded(*svc, req)) return *r;
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(token, in.text("token", {.max_chars = 100}));
                EQ_TRY(reason, in.one_of("reason", true, {"spam", "ofensivo", "no_corresponde"}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return json(svc->report(req, *id, *token, *reason, now_ms()));
              }});
  router.add({"POST", "/api/v1/participation/public/posts/{id}/appeal", http::kPublic,
              "Apelación de quien escribió un mensaje oculto por reportes", tag, [svc](Request& req) -> Result<Response> {
                if (auto r = flooded(*svc, req)) return *r;
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(token, in.text("token", {.max_chars = 100}));
                EQ_TRY(text, in.text("text", {.required = true, .max_chars = 1000}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return json(svc->appeal(req, *id, *token, *text, now_ms()));
              }});

  // ---------------------------------------------------------------- ministry
  router.add({"POST", "/api/v1/participation/processes", kManage, "Abre un proceso de participación sobre una edición publicada", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Service::NewProcess p;
                EQ_TRY(period, in.text("period", {.required = true, .max_chars = 9}));
                EQ_TRY(title, in.text("title", {.required = true, .max_chars = 300}));
                // Instants as ISO 8601 (with zone) or a Chilean date "dd-mm-aaaa" (its first instant).
                auto instant = [&](const char* key) -> Result<int64_t> {
                  auto t = in.text(key, {.required = true, .max_chars = 40});
                  if (!t) return fail(t.error());
                  if (t->size() == 10 && (*t)[2] == '-') return parse_date_cl(*t, key);
                  return parse_iso8601(*t, key);
                };
                EQ_TRY(cf, instant("consult_from"));
                EQ_TRY(af, instant("answers_from"));
                EQ_TRY(ff, instant("final_from"));
                EQ_TRY(days, in.integer("answer_days", {.required = true, .min = 0, .max = 60}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                p.period = *period;
                p.title = *title;
                p.consult_from = *cf;
                p.answers_from = *af;
                p.final_from = *ff;
                p.answer_days = static_cast<int>(**days);
                return json(svc->create_process(req, p, now_ms()), 201);
              }});
  router.add({"POST", "/api/v1/participation/questions/{id}/answer", kManage, "Respuesta pública del Ministerio a una pregunta", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(text, in.text("text", {.required = true, .max_chars = 4000}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return json(svc->answer(req, *id, *text, now_ms()));
              }});
  router.add({"GET", "/api/v1/participation/processes/{id}/moderation", kManage, "Mensajes ocultos por reportes y sus apelaciones", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                return json(svc->moderation(req, *id));
              }});
  router.add({"POST", "/api/v1/participation/posts/{id}/moderate", kManage, "Restaura o confirma el retiro de un mensaje oculto", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(decision, in.one_of("decision", true, {"restaurar", "confirmar"}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                return json(svc->moderate(req, *id, *decision, now_ms()));
              }});
}

}  // namespace eq::participation
