// HTTP handlers of the ministry's registries. Parse, ask registries/access.h about the object,
// work through the service (one transaction with its audit entry), answer.
#include <algorithm>
#include <map>

#include "core/rut.h"
#include "core/time.h"
#include "core/try.h"
#include "http/body.h"
#include "http/fields.h"
#include "registries/access.h"
#include "registries/module.h"
#include "store/with_session.h"

namespace eq::registries {

namespace {

using http::Json;
using http::Request;
using http::Response;
using store::with_session;

std::vector<std::string> ids(const Vocabulary& v) {
  std::vector<std::string> out;
  for (const auto& t : v.terms()) out.push_back(t.id);
  return out;
}

// A partial date of a form: "dd-mm-aaaa", "mm-aaaa", "aaaa" (or ISO); "" when unknown. Future
// dates are normal here (an agreement's end), so the parser's clock is set far ahead.
Result<std::string> date_field(http::FieldReader& in, const char* key) {
  EQ_TRY(text, in.text(key, {.max_chars = 20}));
  EQ_TRY(d, parse_birth_date(*text, now_ms() + 200LL * 365 * 86400000LL, in.name(key)));
  return format_partial_date(*d);
}

Json date_json(const std::string& stored) { return {{"value", stored}, {"label", date_label(stored)}}; }

Json cert_json(const Certification& c) {
  const auto rut = parse_rut(c.org.rut);
  return {{"id", c.id},
          {"organisation", {{"id", c.org.id}, {"name", c.org.name}, {"rut", rut ? format_rut(*rut) : c.org.rut}}},
          {"program", c.program},
          {"program_name", programs().label(c.program)},
          {"status", c.status},
          {"status_name", cert_statuses().label(c.status)},
          {"certifier", c.certifier.empty() ? "sin información" : c.certifier},
          {"edition", c.edition},
          {"scope", c.scope.empty() ? "sin información" : c.scope},
          {"issued_on", date_json(c.issued_on)},
          {"expires_on", date_json(c.expires_on)},
          {"updated", format_date_cl(c.updated_at)},
          {"demo", c.demo}};
}

Json history_json(const std::vector<StatusChange>& h, bool with_who) {
  Json out = Json::array();
  for (const auto& x : h) {
    Json j = {{"at", format_datetime_cl(x.at)}, {"status", x.status}, {"status_name", cert_statuses().label(x.status)}, {"note", x.note}};
    if (with_who) j["by"] = x.by_name;
    out.push_back(j);
  }
  return out;
}

// The seed's figures beside the register's counts (computed from its records).
Json summary_json(soci::session& s) {
  std::map<std::string, int64_t> n;
  Json counts = Json::array();
  for (const auto& [program, status, count] : repo::cert_counts(s)) {
    n[program + "/" + status] = count;
    counts.push_back({{"program", program}, {"status", status}, {"status_name", cert_statuses().label(status)}, {"count", count}});
  }
  return {{"counts", counts},
          {"seed",
           {{"source", kSeedSource},
            {"ipg_adhered", kSeedIpgAdhered},
            {"ipg_in_process", kSeedIpgInProcess},
            {"nch3262_certified", kSeedNch3262Certified},
            {"quotes",
             {"«Actualmente hay 62 empresas adheridas y 15 en proceso de firma.» (IPG Chile)",
              "«… llegando a 36 organizaciones certificadas a abril de 2021.» (NCh3262)"}}}},
          {"computed",
           {{"ipg_adhered", n["ipg/adherida"]}, {"ipg_in_process", n["ipg/en_proceso_firma"]}, {"nch3262_certified", n["nch3262/certificada"]}}}};
}

Json validity(const Agreement& a, int64_t today) {
  const PartialDate end = read_partial_date(a.ends_on);
  if (!end.known()) return {{"code", "sin_termino"}, {"label", "Sin fecha de término informada"}};
  const int64_t left = last_day(end) - today;
  if (left < 0) return {{"code", "vencido"}, {"label", "Vencido el " + date_label(a.ends_on)}, {"days_left", left}};
  return {{"code", "vigente"}, {"label", "Vigente hasta el " + date_label(a.ends_on)}, {"days_left", left}};
}

Json agreement_json(const Agreement& a, const std::vector<AgreementAlert>& alerts, int64_t today, bool full) {
  Json obligations = Json::array();
  int late = 0;
  for (const auto& o : a.obligations) {
    const PartialDate due = read_partial_date(o.due_on);
    const bool overdue = o.status == "pendiente" && due.known() && last_day(due) < today;
    late += overdue;
    obligations.push_back({{"id", o.id},
                           {"description", o.description},
                           {"owner", o.owner},
                           {"due_on", date_json(o.due_on)},
                           {"status", o.status},
                           {"status_name", obligation_statuses().label(o.status)},
                           {"overdue", overdue}});
  }
  Json al = Json::array();
  for (const auto& x : alerts)
    al.push_back({{"id", x.id}, {"kind", x.kind}, {"kind_name", alert_kinds().label(x.kind)}, {"message", x.message},
                  {"obligation_id", x.obligation_id}, {"raised_at", format_datetime_cl(x.raised_at)}});
  Json j = {{"id", a.id},
            {"title", a.title},
            {"purpose", a.purpose},
            {"parties", a.parties},
            {"status", a.status},
            {"status_name", agreement_statuses().label(a.status)},
            {"signed_on", date_json(a.signed_on)},
            {"starts_on", date_json(a.starts_on)},
            {"ends_on", date_json(a.ends_on)},
            {"validity", validity(a, today)},
            {"source", a.source},
            {"obligations_count", a.obligations.size()},
            {"obligations_overdue", late},
            {"alerts_count", alerts.size()},
            {"demo", a.demo}};
  if (full) {
    j["obligations"] = obligations;
    Json docs = Json::array();
    for (const auto& d : a.documents) docs.push_back({{"id", d.id}, {"title", d.title}, {"url", d.url}, {"kind", d.kind}});
    j["documents"] = docs;
    j["alerts"] = al;
  }
  return j;
}

// One obligation: on creation description and owner are required; on an edit (`whole` false) only
// the fields present change, and one at least must be.
Result<Obligation> read_obligation(http::FieldReader& o, const Json& body, bool whole) {
  Obligation ob;
  EQ_TRY(d, o.text("description", {.required = whole || body.contains("description"), .max_chars = 500}));
  ob.description = *d;
  EQ_TRY(owner, o.text("owner", {.required = whole || body.contains("owner"), .max_chars = 200}));
  ob.owner = *owner;
  EQ_TRY(due, date_field(o, "due_on"));
  ob.due_on = *due;
  EQ_TRY(st, o.one_of("status", !whole && body.contains("status"), ids(obligation_statuses())));
  ob.status = st->empty() ? "pendiente" : *st;
  if (auto ok = o.no_unknown(); !ok) return fail(ok.error());
  return ob;
}

// One document: a link, never an upload: only http(s) addresses (no javascript: or data: in an
// official's browser).
Result<Document> read_document(http::FieldReader& d) {
  Document doc;
  EQ_TRY(t, d.text("title", {.required = true, .max_chars = 200}));
  doc.title = *t;
  EQ_TRY(url, d.text("url", {.required = true, .max_chars = 500}));
  if (url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0)
    return fail(Error::invalid(d.name("url"), "El enlace debe comenzar con https:// o http://.", "invalid_url"));
  doc.url = *url;
  EQ_TRY(kind, d.text("kind", {.max_chars = 60}));
  doc.kind = kind->empty() ? "documento" : *kind;
  if (auto ok = d.no_unknown(); !ok) return fail(ok.error());
  return doc;
}

Json cert_alert_json(const CertAlert& x) {
  return {{"id", x.id},
          {"certification_id", x.cert_id},
          {"kind", x.kind},
          {"kind_name", cert_alert_label(x.kind)},
          {"expires_on", date_json(x.expires_on)},
          {"message", x.message},
          {"organisation", x.org_name},
          {"program", x.program},
          {"program_name", programs().label(x.program)},
          {"raised_at", format_datetime_cl(x.raised_at)}};
}

Result<Agreement> read_agreement(const Request& req) {
  EQ_TRY(body, http::json_object_body(req));
  http::FieldReader in(*body);
  Agreement a;
  EQ_TRY(title, in.text("title", {.required = true, .max_chars = 200}));
  a.title = *title;
  EQ_TRY(purpose, in.text("purpose", {.max_chars = 2000}));
  a.purpose = *purpose;
  EQ_TRY(status, in.one_of("status", true, ids(agreement_statuses())));
  a.status = *status;
  EQ_TRY(source, in.text("source", {.max_chars = 500}));
  a.source = *source;
  EQ_TRY(signed_on, date_field(in, "signed_on"));
  a.signed_on = *signed_on;
  EQ_TRY(starts_on, date_field(in, "starts_on"));
  a.starts_on = *starts_on;
  EQ_TRY(ends_on, date_field(in, "ends_on"));
  a.ends_on = *ends_on;
  // Validity starts at its start date, or at the signature when no start is given.
  const std::string& from = a.starts_on.empty() ? a.signed_on : a.starts_on;
  if (precedes(read_partial_date(a.ends_on), read_partial_date(from)))
    return fail(Error::invalid("ends_on",
                               "El término del convenio (" + date_label(a.ends_on) + ") es anterior a su " +
                                   (a.starts_on.empty() ? "firma" : "inicio") + " (" + date_label(from) + ").",
                               "end_before_start"));
  for (const char* key : {"parties", "obligations", "documents"}) {
    in.skip(key);
    if (body->contains(key) && !(*body)[key].is_null() && !(*body)[key].is_array()) return fail(http::invalid_type(key, "una lista"));
  }
  if (body->contains("parties") && (*body)["parties"].is_array())
    for (size_t i = 0; i < (*body)["parties"].size(); ++i) {
      const auto& p = (*body)["parties"][i];
      const std::string field = "parties[" + std::to_string(i) + "]";
      if (!p.is_string()) return fail(http::invalid_type(field, "un texto"));
      const std::string name = p.get<std::string>();
      if (name.empty() || http::utf8_length(name) > 200 || http::has_control_chars(name))
        return fail(Error::invalid(field, "Cada parte debe tener un nombre de 1 a 200 caracteres."));
      a.parties.push_back(name);
    }
  if (a.parties.size() < 2) return fail(Error::invalid("parties", "Un convenio tiene al menos dos partes.", "too_few"));
  if (a.parties.size() > 20) return fail(Error::invalid("parties", "Indique a lo más 20 partes.", "too_many"));
  auto list = [&](const char* key) { return body->contains(key) && (*body)[key].is_array() ? (*body)[key] : Json::array(); };
  const Json obligations = list("obligations"), documents = list("documents");
  if (obligations.size() > 100 || documents.size() > 100)
    return fail(Error::invalid(obligations.size() > 100 ? "obligations" : "documents", "Indique a lo más 100.", "too_many"));
  for (size_t i = 0; i < obligations.size(); ++i) {
    const std::string prefix = "obligations[" + std::to_string(i) + "]";
    if (!obligations[i].is_object()) return fail(http::invalid_type(prefix, "un objeto"));
    http::FieldReader o(obligations[i], prefix);
    EQ_TRY(ob, read_obligation(o, obligations[i], true));
    a.obligations.push_back(*ob);
  }
  for (size_t i = 0; i < documents.size(); ++i) {
    const std::string prefix = "documents[" + std::to_string(i) + "]";
    if (!documents[i].is_object()) return fail(http::invalid_type(prefix, "un objeto"));
    http::FieldReader d(documents[i], prefix);
    EQ_TRY(doc, read_document(d));
    a.documents.push_back(*doc);
  }
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  return a;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  router.add({"GET", "/api/v1/registries/public/vocabularies", http::kPublic, "Programas, estados y listas de los registros del Ministerio",
              "registries", [](Request&) -> Result<Response> {
                Json by_program = Json::object();
                for (const auto& p : programs().terms()) {
                  Json st = Json::array();
                  for (const auto& s : statuses_of(p.id)) st.push_back({{"id", s}, {"name", cert_statuses().label(s)}});
                  by_program[p.id] = st;
                }
                return Response::json({{"programs", http::vocabulary_json(programs())},
                                       {"statuses", by_program},
                                       {"editions", Json::array({"NCh3262:2012", "NCh3262:2021"})},
                                       {"agreement_statuses", http::vocabulary_json(agreement_statuses())},
                                       {"obligation_statuses", http::vocabulary_json(obligation_statuses())}});
              }});

  router.add({"GET", "/api/v1/registries/public/certifications", http::kPublic,
              "Organizaciones certificadas NCh3262, Sello Iguala-Conciliación y adherentes IPG Chile (filtros program, status, q)",
              "registries", [svc](Request& req) -> Result<Response> {
                CertFilter f;
                f.program = req.query_param("program");
                f.status = req.query_param("status");
                f.q = req.query_param("q");
                if (!f.program.empty() && !programs().contains(f.program))
                  return fail(Error::bad_request("invalid_parameter", "El programa indicado no existe. Use: " + programs().ids_text() + ".", "program"));
                if (!f.status.empty() && !cert_statuses().contains(f.status))
                  return fail(Error::bad_request("invalid_parameter", "El estado indicado no existe.", "status"));
                if (f.q.size() > 100) return fail(Error::bad_request("invalid_parameter", "La búsqueda admite como máximo 100 caracteres.", "q"));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& c : repo::certs(s, f)) items.push_back(cert_json(c));
                  Json out = summary_json(s);
                  out["items"] = items;
                  out["total"] = items.size();
                  return Response::json(out);
                });
              }});

  router.add({"GET", "/api/v1/registries/public/certifications/{id}", http::kPublic,
              "Un registro de certificación o adhesión con su historial de estados", "registries", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto c = repo::cert(s, *id);
                  if (!c) return fail(Error::not_found("No existe un registro con ese identificador."));
                  Json j = cert_json(*c);
                  const auto* who = req.principal ? &*req.principal : nullptr;
                  j["history"] = history_json(repo::history(s, *id), access::may_see_who_changed(who));
                  j["editable"] = access::may_see_who_changed(who);
                  // Expiry alerts are the ministry's working data, not part of the public record.
                  if (access::may_see_who_changed(who)) {
                    Json al = Json::array();
                    for (const auto& x : repo::cert_alerts(s, *id)) al.push_back(cert_alert_json(x));
                    j["alerts"] = al;
                  }
                  return Response::json(j);
                });
              }});

  router.add({"POST", "/api/v1/registries/certifications", "registries.manage",
              "Registrar una organización en NCh3262, Sello Iguala-Conciliación o IPG Chile", "registries",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                Certification c;
                EQ_TRY(name, in.text("organisation_name", {.required = true, .max_chars = 200}));
                c.org.name = *name;
                EQ_TRY(rut_text, in.text("rut", {.required = true, .max_chars = 14}));
                EQ_TRY(rut, parse_rut(*rut_text, "rut"));
                c.org.rut = rut_canonical(*rut);
                EQ_TRY(program, in.one_of("program", true, ids(programs())));
                c.program = *program;
                EQ_TRY(status, in.one_of("status", true, statuses_of(c.program)));
                c.status = *status;
                EQ_TRY(certifier, in.text("certifier", {.max_chars = 200}));
                c.certifier = *certifier;
                EQ_TRY(edition, in.one_of("edition", c.program == "nch3262", {"NCh3262:2012", "NCh3262:2021"}));
                c.edition = *edition;
                EQ_TRY(scope, in.text("scope", {.max_chars = 1000}));
                c.scope = *scope;
                EQ_TRY(issued, date_field(in, "issued_on"));
                c.issued_on = *issued;
                EQ_TRY(expires, date_field(in, "expires_on"));
                c.expires_on = *expires;
                if (precedes(read_partial_date(c.expires_on), read_partial_date(c.issued_on)))
                  return fail(Error::invalid("expires_on", "El vencimiento (" + date_label(c.expires_on) + ") es anterior a la emisión (" +
                                                               date_label(c.issued_on) + ").",
                                             "end_before_start"));
                EQ_TRY(note, in.text("note", {.max_chars = 500}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(id, svc->create_certification(req, c, *note));
                return Response::json({{"id", *id}}, 201);
              }});

  router.add({"POST", "/api/v1/registries/certifications/{id}/status", "registries.manage",
              "Cambiar el estado de un registro (queda en su historial con quién y cuándo)", "registries",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(status, in.text("status", {.required = true, .max_chars = 40}));
                EQ_TRY(note, in.text("note", {.max_chars = 500}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(done, svc->change_status(req, *id, *status, *note));
                return Response::json({{"id", *id}, {"status", *status}});
              }});

  router.add({"GET", "/api/v1/registries/agreements", "registries.manage", "Convenios del Ministerio con su vigencia y alertas",
              "registries", [svc](Request& req) -> Result<Response> {
                if (!access::may_change(req.who())) return fail(Error::forbidden());
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  const int64_t today = day_of_ms(now_ms());
                  std::map<int64_t, std::vector<AgreementAlert>> by;
                  for (auto& x : repo::alerts(s, std::nullopt)) by[x.agreement_id].push_back(x);
                  Json items = Json::array();
                  for (const auto& a : repo::agreements(s))
                    if (access::may_view_agreement(req.who(), a)) items.push_back(agreement_json(a, by[a.id], today, false));
                  return Response::json({{"items", items}});
                });
              }});

  router.add({"GET", "/api/v1/registries/agreements/{id}", "registries.manage",
              "Un convenio: partes, vigencia, obligaciones, documentos y alertas", "registries", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  auto a = repo::agreement(s, *id);
                  if (!a || !access::may_view_agreement(req.who(), *a)) return fail(Error::not_found("No existe un convenio con ese identificador."));
                  return Response::json(agreement_json(*a, repo::alerts(s, *id), day_of_ms(now_ms()), true));
                });
              }});

  router.add({"POST", "/api/v1/registries/agreements", "registries.manage",
              "Registrar un convenio con sus partes, vigencia, obligaciones y documentos (enlaces)", "registries",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(a, read_agreement(req));
                EQ_TRY(id, svc->create_agreement(req, *a));
                return Response::json({{"id", *id}}, 201);
              }});

  router.add({"PUT", "/api/v1/registries/agreements/{id}/obligations/{obligation}", "registries.manage",
              "Cambiar el estado de una obligación de un convenio", "registries", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(oid, http::path_id(req, "obligation"));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                // Only the status: the list's quick change (kept as it was).
                if (body->size() == 1 && body->contains("status")) {
                  EQ_TRY(status, in.one_of("status", true, ids(obligation_statuses())));
                  EQ_TRY(done, svc->change_obligation(req, *id, *oid, *status));
                  return Response::json({{"id", *oid}, {"status", *status}});
                }
                EQ_TRY(edit, read_obligation(in, *body, false));
                std::vector<std::string> fields;
                for (const char* k : {"description", "owner", "due_on", "status"})
                  if (body->contains(k)) fields.push_back(k);
                if (fields.empty())
                  return fail(Error::invalid("description", "Indique qué cambia: descripción, responsable, plazo o estado.", "empty_edit"));
                edit->id = *oid;
                EQ_TRY(done, svc->edit_obligation(req, *id, *edit, fields));
                return Response::json({{"id", done->id}, {"description", done->description}, {"owner", done->owner},
                                       {"due_on", date_json(done->due_on)}, {"status", done->status}});
              }});

  router.add({"POST", "/api/v1/registries/agreements/{id}/obligations", "registries.manage",
              "Agregar una obligación a un convenio (descripción, responsable, plazo, estado)", "registries",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(o, read_obligation(in, *body, true));
                EQ_TRY(oid, svc->add_obligation(req, *id, *o));
                return Response::json({{"id", *oid}}, 201);
              }});

  router.add({"POST", "/api/v1/registries/agreements/{id}/documents", "registries.manage",
              "Adjuntar un documento (enlace https) a un convenio", "registries", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(d, read_document(in));
                EQ_TRY(did, svc->add_document(req, *id, *d));
                return Response::json({{"id", *did}}, 201);
              }});

  router.add({"DELETE", "/api/v1/registries/agreements/{id}/documents/{document}", "registries.manage",
              "Retirar un documento de un convenio", "registries", [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(did, http::path_id(req, "document"));
                EQ_TRY(done, svc->remove_document(req, *id, *did));
                return Response::json({{"id", *did}, {"removed", true}});
              }});

  router.add({"GET", "/api/v1/registries/certification-alerts", "registries.manage",
              "Certificaciones por vencer o vencidas (alertas a 90 y 30 días)", "registries", [svc](Request& req) -> Result<Response> {
                if (!access::may_change(req.who())) return fail(Error::forbidden());
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& x : repo::cert_alerts(s, std::nullopt)) items.push_back(cert_alert_json(x));
                  return Response::json({{"items", items}});
                });
              }});

  router.add({"PUT", "/api/v1/registries/certifications/{id}/validity", "registries.manage",
              "Renovar una certificación: nuevas fechas de emisión y vencimiento (queda en su historial)", "registries",
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(issued, date_field(in, "issued_on"));
                EQ_TRY(expires_text, in.text("expires_on", {.required = true, .max_chars = 20}));
                EQ_TRY(expires, date_field(in, "expires_on"));
                if (precedes(read_partial_date(*expires), read_partial_date(*issued)))
                  return fail(Error::invalid("expires_on", "El vencimiento (" + date_label(*expires) + ") es anterior a la emisión (" +
                                                               date_label(*issued) + ").",
                                             "end_before_start"));
                EQ_TRY(note, in.text("note", {.max_chars = 500}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(done, svc->renew_certification(req, *id, *issued, *expires, *note));
                return Response::json({{"id", *id}, {"expires_on", date_json(*expires)}});
              }});
}

}  // namespace eq::registries
