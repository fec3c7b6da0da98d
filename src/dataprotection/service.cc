// Workflow of the data-protection register: receipt, the state machine with its deadline and
// causal, the person's data report, the RoPA and the overdue job. Each change commits with its
// event and its audit entry; a refusal is audited after the rollback, in its own transaction.
#include <algorithm>

#include "core/rut.h"
#include "core/time.h"
#include "dataprotection/access.h"
#include "dataprotection/module.h"

namespace eq::dataprotection {

namespace {
std::string object_of(int64_t id) { return "dataprotection_request:" + std::to_string(id); }
}  // namespace

Result<SubjectRequest> Service::create(const http::Request& req, SubjectRequest r) {
  return db_.transaction<SubjectRequest>([&](soci::session& s) -> Result<SubjectRequest> {
    r.state = "recibida";
    r.deadline_on = deadline(r.received_on, false);
    r.created_by = req.who().user_id;
    r.created_at = r.updated_at = now_ms();
    r.id = repo_.insert(s, r);
    repo_.insert_event(s, r.id, {r.created_at, r.created_by, "", "recibida", ""});
    auto e = audit::Log::from(req, "dataprotection.request_create", object_of(r.id));
    e.detail = kinds().label(r.kind);
    audit_.append(s, e);
    return r;
  });
}

Result<SubjectRequest> Service::step(const http::Request& req, int64_t id, const std::string& action, const std::string& text,
                              const std::string& exception_code) {
  auto out = db_.transaction<SubjectRequest>([&](soci::session& s) -> Result<SubjectRequest> {
    auto r = repo_.find(s, id);
    if (!r || !access::may_handle(req.who(), *r)) return fail(Error::not_found("La solicitud no existe."));
    const std::string from = r->state;
    auto wrong_state = [&] {
      return Error::conflict("wrong_state", "La solicitud está «" + states().label(from) + "»: no admite «" + action + "».", "action");
    };
    if (action == "analizar") {
      if (from != "recibida") return fail(wrong_state());
      r->state = "en_analisis";
    } else if (action == "prorrogar") {
      // The law allows one extension, by the same period, with its reasons given to the requester.
      if (from != "recibida" && from != "en_analisis") return fail(wrong_state());
      if (!r->extension_reason.empty())
        return fail(Error::conflict("already_extended", "El plazo ya se prorrogó una vez; la ley no admite una segunda prórroga.", "action"));
      if (text.empty())
        return fail(Error::invalid("reason", "Indique el motivo de la prórroga: la ley exige fundarla y comunicarla a quien la pidió.", "required"));
      r->extension_reason = text;
      r->deadline_on = deadline(r->received_on, true);
      r->state = "prorrogada";
    } else if (action == "responder") {
      if (from != "en_analisis" && from != "prorrogada") return fail(wrong_state());
      if (text.empty()) return fail(Error::invalid("response", "Escriba la respuesta que se comunica a quien la pidió.", "required"));
      r->response = text;
      r->state = "respondida";
    } else if (action == "denegar") {
      if (from != "en_analisis" && from != "prorrogada") return fail(wrong_state());
      if (exception_code.empty())
        return fail(Error::invalid("exception", "Una denegación debe indicar la causal legal que la funda. Use: " + exceptions().ids_text() + ".",
                                   "required"));
      if (!exceptions().contains(exception_code))
        return fail(Error::invalid("exception", "«" + exception_code + "» no es una causal válida. Use: " + exceptions().ids_text() + ".",
                                   "unknown_code"));
      if (text.empty())
        return fail(Error::invalid("response", "Explique a quien la pidió por qué se deniega y cómo reclamar ante la Agencia.", "required"));
      r->exception_code = exception_code;
      r->response = text;
      r->state = "denegada";
    } else {
      return fail(Error::invalid("action", "Use: analizar, prorrogar, responder o denegar.", "unknown_code"));
    }
    r->updated_at = now_ms();
    repo_.update(s, *r);
    repo_.insert_event(s, id, {r->updated_at, req.who().user_id, from, r->state, text});
    auto e = audit::Log::from(req, "dataprotection.request_" + action, object_of(id));
    e.detail = states().label(from) + " → " + states().label(r->state) + (r->exception_code.empty() ? "" : " (" + r->exception_code + ")");
    audit_.append(s, e);
    return *r;
  });
  if (!out && out.error().status == 404)  // after the rollback
    if (auto ok = audit_.append(audit::Log::from(req, "dataprotection.request_step", object_of(id), "denied"));
        !ok)
      return fail(ok.error());
  return out;
}

Result<std::pair<SubjectRequest, std::vector<Event>>> Service::read(const http::Request& req, int64_t id) {
  using Found = std::pair<SubjectRequest, std::vector<Event>>;
  auto out = db_.transaction<Found>([&](soci::session& s) -> Result<Found> {
    auto r = repo_.find(s, id);
    if (!r || !access::may_handle(req.who(), *r)) return fail(Error::not_found("La solicitud no existe."));
    audit_.append(s, audit::Log::from(req, "dataprotection.request_read", object_of(id)));
    return Found{*r, repo_.events(s, id)};
  });
  if (!out && out.error().status == 404)
    if (auto ok = audit_.append(audit::Log::from(req, "dataprotection.request_read", object_of(id), "denied")); !ok) return fail(ok.error());
  return out;
}

Result<nlohmann::json> Service::report(const http::Request& req, int64_t id, bool download) {
  // Read the request (and decide) before calling the modules: the sources open sessions of their own.
  SubjectRequest r;
  {
    auto found = db_.transaction<std::optional<SubjectRequest>>([&](soci::session& s) -> Result<std::optional<SubjectRequest>> { return repo_.find(s, id); });
    if (!found) return fail(found.error());
    if (!*found || !access::may_compile_report(req.who(), **found)) {
      if (auto ok = audit_.append(audit::Log::from(req, "dataprotection.report_read", object_of(id), "denied")); !ok) return fail(ok.error());
      return fail(Error::not_found("La solicitud no existe o fue denegada: no corresponde reunir los datos de la persona."));
    }
    r = **found;
  }
  nlohmann::json sections = nlohmann::json::array();
  int64_t total = 0;
  for (const auto& src : sources_) {
    auto got = src.describe(r.rut);
    if (!got) return fail(got.error());
    for (const auto& sec : *got) {
      total += static_cast<int64_t>(sec.items.size());
      sections.push_back({{"module", sec.module}, {"title", sec.title}, {"summary", sec.summary}, {"items", sec.items}});
    }
  }
  auto e = audit::Log::from(req, download ? "dataprotection.report_download" : "dataprotection.report_read", object_of(id));
  e.detail = std::to_string(sections.size()) + " secciones";
  if (auto ok = audit_.append(e); !ok) return fail(ok.error());
  return nlohmann::json{{"request_id", r.id},
                        {"requester", r.requester_name},
                        {"rut", r.rut},
                        {"generated_at", iso8601_utc(now_ms())},
                        {"law", "Ley 19.628 sobre protección de los datos personales, reformada por la Ley 21.719 (vigente desde el 01-12-2026)"},
                        {"controller", "Ministerio de la Mujer y la Equidad de Género"},
                        {"sections", sections},
                        {"items", total}};
}

nlohmann::json Service::ropa() const {
  nlohmann::json activities = nlohmann::json::array();
  std::string current;
  for (const auto& f : inventory_ ? inventory_() : std::vector<DeclaredField>{}) {
    if (f.module != current) {
      activities.push_back({{"module", f.module}, {"fields", nlohmann::json::array()}});
      current = f.module;
    }
    activities.back()["fields"].push_back({{"table", f.table},
                                           {"column", f.column},
                                           {"what", f.what},
                                           {"blind_index", f.blind_index},
                                           {"protection", f.blind_index ? "cifrado en reposo, con índice ciego para búsquedas exactas"
                                                                        : "cifrado en reposo"}});
  }
  nlohmann::json retention = nlohmann::json::array();
  for (const auto& r : retentions_)
    retention.push_back({{"module", r.kind.module},
                         {"kind", r.kind.kind},
                         {"data", r.kind.label},
                         {"days", r.kind.days},
                         {"counted_from", r.kind.counted_from},
                         {"basis", r.kind.basis},
                         {"protection_record", r.kind.protection_record},
                         {"keeps", r.kind.keeps},
                         {"option", r.kind.option}});
  return {{"controller", "Ministerio de la Mujer y la Equidad de Género"},
          {"law", "Registro de actividades de tratamiento (Ley 19.628 reformada por la Ley 21.719)"},
          {"source", "Generado del contrato de cada módulo (columnas cifradas declaradas en src/<módulo>/contract.cc) y de los plazos de "
                     "conservación que cada módulo declara (src/dataprotection/retention.h)"},
          {"retention", retention},
          {"retention_declared", !retention.empty()},
          {"retention_note", "Cada tipo de dato con plazo se purga una vez al día (y cuando la encargada lo pide), salvo lo que una "
                             "retención legal vigente nombra y lo que el módulo conserva como evidencia. Los plazos son los de la "
                             "configuración de este servidor. Una retención sobre una persona alcanza también sus conversaciones del chat y de "
                             "WhatsApp cuando la operadora la identificó en el contacto de la cola («Identificar»); una conversación "
                             "anónima no tiene vínculo con el registro y se retiene nombrándola (su referencia)."},
          {"activities", activities}};
}

Result<Breach> Service::create_breach(const http::Request& req, Breach b) {
  return db_.transaction<Breach>([&](soci::session& s) -> Result<Breach> {
    b.created_by = req.who().user_id;
    b.created_at = now_ms();
    b.id = repo_.insert_breach(s, b);
    auto e = audit::Log::from(req, "dataprotection.breach_create", "dataprotection_breach:" + std::to_string(b.id));
    e.detail = std::to_string(b.subjects_affected) + " titulares afectados (estimado)";
    audit_.append(s, e);
    return b;
  });
}

Result<Breach> Service::notify_breach(const http::Request& req, int64_t id, const std::string& to, const std::string& note) {
  return db_.transaction<Breach>([&](soci::session& s) -> Result<Breach> {
    auto b = repo_.find_breach(s, id);
    if (!b || !req.who().can("dataprotection.manage")) return fail(Error::not_found("La brecha no existe."));
    const bool done = to == "agencia" ? b->agency_notified_at.has_value() : b->subjects_notified_at.has_value();
    if (done)
      return fail(Error::conflict("already_notified", to == "agencia" ? "La notificación a la Agencia ya está registrada."
                                                                      : "La comunicación a los titulares ya está registrada.", "to"));
    const int64_t at = now_ms();
    repo_.notify_breach(s, id, to, at, note);
    audit_.append(s, audit::Log::from(req, "dataprotection.breach_notify_" + to, "dataprotection_breach:" + std::to_string(id)));
    return *repo_.find_breach(s, id);
  });
}

Result<void> Service::load_demo(int64_t user_id, int64_t now) {
  auto ok = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
           if (!repo_.list(s, "").empty()) return true;
           // Received on the law's first day or later, never in the future.
           const auto today = civil_days(today_cl(now)).value_or(0);
           const auto first = civil_days("2026-12-01").value_or(0);
           struct Demo {
             const char* kind;
             long number;  // the RUT's number; the check digit is computed
             const char* name;
             int days_ago;
             const char* action;  // the step taken, "" none
             const char* exception;
           };
           const Demo demos[] = {{"acceso", 15'482'317, "Solicitante de demostración 1", 5, "responder", ""},
                                 {"supresion", 16'903'554, "Solicitante de demostración 2", 3, "denegar", "proteccion_victima"},
                                 {"portabilidad", 18'220'471, "Solicitante de demostración 3", 1, "analizar", ""}};
           for (const auto& d : demos) {
             SubjectRequest r;
             r.kind = d.kind;
             r.rut = std::to_string(d.number) + "-" + rut_check_digit(d.number);
             r.requester_name = d.name;
             r.detail = std::string("Solicitud de demostración (datos generados): ") + kinds().label(d.kind) + " de sus datos.";
             r.received_on = civil_date(std::max(first, today - d.days_ago));
             r.deadline_on = deadline(r.received_on, false);
             r.created_by = user_id;
             r.created_at = r.updated_at = now;
             r.id = repo_.insert(s, r);
             repo_.insert_event(s, r.id, {now, user_id, "", "recibida", ""});
             const std::string action = d.action;
             if (action.empty()) continue;
             std::string to = action == "analizar" ? "en_analisis" : action == "responder" ? "respondida" : "denegada";
             if (action != "analizar") repo_.insert_event(s, r.id, {now, user_id, "recibida", "en_analisis", ""});
             r.state = to;
             r.exception_code = d.exception;
             if (action == "responder") r.response = "Demostración: se entregó copia de sus datos.";
             if (action == "denegar") r.response = "Demostración: el registro es necesario para su protección mientras la medida esté vigente.";
             repo_.update(s, r);
             repo_.insert_event(s, r.id, {now, user_id, action == "analizar" ? "recibida" : "en_analisis", to, r.response});
           }
           return true;
         });
  if (!ok) return fail(ok.error());
  return {};
}

Result<int> Service::flag_overdue(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    const auto ids = repo_.overdue_unflagged(s, today_cl(now));
    for (auto id : ids) {
      repo_.flag_overdue(s, id, now);
      audit::Entry e;
      e.action = "dataprotection.request_overdue";
      e.object = object_of(id);
      e.outcome = "ok";
      audit_.append(s, e);
    }
    return static_cast<int>(ids.size());
  });
}

}  // namespace eq::dataprotection
