// Workflow of the ministry's registries: each write is one transaction with its audit entry; a
// certification's every status (the first one included) lands in its history with who and when.
// The alert job raises each alert once (registries_alerts is unique per agreement, obligation and
// kind) and audits it.
#include "core/time.h"
#include "registries/access.h"
#include "registries/module.h"

namespace eq::registries {

// A refusal by the object rules: recorded (outside any transaction), then returned.
Error Service::refused(const http::Request& req, const std::string& action, const std::string& object, Error e) {
  if (auto ok = audit_.append(audit::Log::from(req, action, object, "denied")); !ok) return ok.error();
  return e;
}

namespace {
StatusChange change_by(const http::Request& req, const std::string& status, const std::string& note, int64_t at) {
  const auto& who = req.who();
  return {at, status, note, who.name + " (" + who.institution_name + ")", who.user_id};
}
}  // namespace

Result<int64_t> Service::create_certification(const http::Request& req, Certification c, const std::string& note) {
  if (!access::may_change(req.who())) return fail(refused(req, "registries.cert_create", "", Error::forbidden()));
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t now = now_ms();
    c.org.id = repo::org_by_rut(s, c.org.rut);
    if (c.org.id && repo::cert_of(s, c.org.id, c.program))
      return fail(Error::conflict("duplicate_certification",
                                  "Esta organización ya tiene un registro en «" + programs().label(c.program) +
                                      "»: cambie el estado de ese registro en lugar de crear otro.",
                                  "rut"));
    if (!c.org.id) c.org.id = repo::insert_org(s, c.org);
    c.updated_at = now;
    c.demo = false;
    c.id = repo::insert_cert(s, c);
    repo::insert_history(s, c.id, change_by(req, c.status, note, now));
    auto e = audit::Log::from(req, "registries.cert_create", "certificacion:" + std::to_string(c.id));
    e.detail = c.program + " " + c.status;
    audit_.append(s, e);
    return c.id;
  });
}

Result<void> Service::change_status(const http::Request& req, int64_t id, const std::string& status, const std::string& note) {
  if (!access::may_change(req.who()))
    return fail(refused(req, "registries.cert_status", "certificacion:" + std::to_string(id), Error::forbidden()));
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto c = repo::cert(s, id);
    if (!c) return fail(Error::not_found("No existe un registro con ese identificador."));
    const auto& allowed = statuses_of(c->program);
    if (std::find(allowed.begin(), allowed.end(), status) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return fail(Error::invalid("status", "«" + status + "» no es un estado de «" + programs().label(c->program) + "». Use: " + list + ".",
                                 "unknown_code"));
    }
    if (status == c->status) return fail(Error::conflict("same_status", "El registro ya está en ese estado.", "status"));
    const int64_t now = now_ms();
    repo::set_cert_status(s, id, status, now);
    repo::insert_history(s, id, change_by(req, status, note, now));
    auto e = audit::Log::from(req, "registries.cert_status", "certificacion:" + std::to_string(id));
    e.detail = c->status + " → " + status;
    audit_.append(s, e);
    return {};
  });
}

Result<int64_t> Service::create_agreement(const http::Request& req, const Agreement& in) {
  if (!access::may_change(req.who())) return fail(refused(req, "registries.agreement_create", "", Error::forbidden()));
  return db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    Agreement a = in;
    a.updated_at = now_ms();
    a.demo = false;
    const int64_t id = repo::insert_agreement(s, a);
    audit_.append(s, audit::Log::from(req, "registries.agreement_create", "convenio:" + std::to_string(id)));
    return id;
  });
}

Result<void> Service::change_obligation(const http::Request& req, int64_t agreement_id, int64_t obligation_id, const std::string& status) {
  if (!access::may_change(req.who()))  // every agreement is the ministry's: outside it, none exists (404)
    return fail(refused(req, "registries.obligation_status", "convenio:" + std::to_string(agreement_id),
                        Error::not_found("No existe un convenio con ese identificador.")));
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto a = repo::agreement(s, agreement_id);
    if (!a || !access::may_change_agreement(req.who(), *a)) return fail(Error::not_found("No existe un convenio con ese identificador."));
    auto o = repo::obligation(s, agreement_id, obligation_id);
    if (!o) return fail(Error::not_found("El convenio no tiene esa obligación."));
    repo::set_obligation_status(s, obligation_id, status, now_ms());
    auto e = audit::Log::from(req, "registries.obligation_status", "convenio:" + std::to_string(agreement_id));
    e.detail = "obligación " + std::to_string(obligation_id) + ": " + o->status + " → " + status;
    audit_.append(s, e);
    return {};
  });
}

// Runs `work` on agreement `agreement_id` inside one transaction, for a ministry editor only: outside
// the ministry no agreement exists (404, refusal audited), as for the obligation's status.
template <class T, class Work>
Result<T> Service::on_agreement(const http::Request& req, const std::string& action, int64_t agreement_id, Work work) {
  const std::string object = "convenio:" + std::to_string(agreement_id);
  if (!access::may_change(req.who())) return fail(refused(req, action, object, Error::not_found("No existe un convenio con ese identificador.")));
  return db_.transaction<T>([&](soci::session& s) -> Result<T> {
    auto a = repo::agreement(s, agreement_id);
    if (!a || !access::may_change_agreement(req.who(), *a)) return fail(Error::not_found("No existe un convenio con ese identificador."));
    auto e = audit::Log::from(req, action, object);
    auto out = work(s, *a, e.detail);
    if (!out) return out;
    repo::touch_agreement(s, agreement_id, now_ms());
    audit_.append(s, e);
    return out;
  });
}

Result<int64_t> Service::add_obligation(const http::Request& req, int64_t agreement_id, const Obligation& o) {
  return on_agreement<int64_t>(req, "registries.obligation_create", agreement_id,
                               [&](soci::session& s, const Agreement&, std::string& detail) -> Result<int64_t> {
                                 const int64_t id = repo::insert_obligation(s, agreement_id, o, now_ms());
                                 detail = "obligación " + std::to_string(id) + " (" + o.status + ")";
                                 return id;
                               });
}

Result<Obligation> Service::edit_obligation(const http::Request& req, int64_t agreement_id, const Obligation& edit,
                                            const std::vector<std::string>& fields) {
  return on_agreement<Obligation>(
      req, "registries.obligation_edit", agreement_id, [&](soci::session& s, const Agreement&, std::string& detail) -> Result<Obligation> {
        auto o = repo::obligation(s, agreement_id, edit.id);
        if (!o) return fail(Error::not_found("El convenio no tiene esa obligación."));
        Obligation next = *o;
        detail = "obligación " + std::to_string(edit.id) + ":";
        for (const auto& f : fields) {
          if (f == "description") next.description = edit.description;
          if (f == "owner") next.owner = edit.owner;
          if (f == "due_on") next.due_on = edit.due_on;
          if (f == "status") next.status = edit.status;
          detail += " " + f;
        }
        if (next.status != o->status) detail += " (" + o->status + " → " + next.status + ")";
        repo::update_obligation(s, next, now_ms());
        return next;
      });
}

Result<int64_t> Service::add_document(const http::Request& req, int64_t agreement_id, const Document& d) {
  return on_agreement<int64_t>(req, "registries.document_add", agreement_id,
                               [&](soci::session& s, const Agreement& a, std::string& detail) -> Result<int64_t> {
                                 if (a.documents.size() >= 100)
                                   return fail(Error::conflict("too_many_documents", "El convenio ya tiene 100 documentos: retire alguno antes.", "url"));
                                 const int64_t id = repo::insert_document(s, agreement_id, d);
                                 detail = "documento " + std::to_string(id) + ": " + d.title;
                                 return id;
                               });
}

Result<void> Service::remove_document(const http::Request& req, int64_t agreement_id, int64_t document_id) {
  return on_agreement<void>(req, "registries.document_remove", agreement_id,
                            [&](soci::session& s, const Agreement&, std::string& detail) -> Result<void> {
                              auto d = repo::document(s, agreement_id, document_id);
                              if (!d) return fail(Error::not_found("El convenio no tiene ese documento."));
                              repo::delete_document(s, document_id);
                              detail = "documento " + std::to_string(document_id) + ": " + d->title + " (" + d->url + ")";
                              return {};
                            });
}

Result<void> Service::renew_certification(const http::Request& req, int64_t id, const std::string& issued_on, const std::string& expires_on,
                                          const std::string& note) {
  if (!access::may_change(req.who()))
    return fail(refused(req, "registries.cert_renew", "certificacion:" + std::to_string(id), Error::forbidden()));
  return db_.transaction<void>([&](soci::session& s) -> Result<void> {
    auto c = repo::cert(s, id);
    if (!c) return fail(Error::not_found("No existe un registro con ese identificador."));
    if (c->program == "ipg")
      return fail(Error::invalid("expires_on", "La adhesión a IPG Chile no tiene vigencia que renovar.", "no_term"));
    // No new issue date given: the one on record stands (the renewal may not say it).
    const std::string issued = issued_on.empty() ? c->issued_on : issued_on;
    if (precedes(read_partial_date(expires_on), read_partial_date(issued)))
      return fail(Error::invalid("expires_on", "El vencimiento (" + date_label(expires_on) + ") es anterior a la emisión (" + date_label(issued) + ").",
                                 "end_before_start"));
    const int64_t now = now_ms();
    repo::set_cert_validity(s, id, issued, expires_on, now);
    repo::insert_history(s, id, change_by(req, c->status, note.empty() ? "Renovación: vigente hasta " + date_label(expires_on) : note, now));
    auto e = audit::Log::from(req, "registries.cert_renew", "certificacion:" + std::to_string(id));
    e.detail = c->expires_on + " → " + expires_on;
    audit_.append(s, e);
    return {};
  });
}

Result<int> Service::raise_cert_alerts(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    const int64_t today = day_of_ms(now);
    int raised = 0;
    for (const auto& c : repo::certs_with_expiry(s)) {
      const PartialDate end = read_partial_date(c.expires_on);
      if (!end.known()) continue;
      const int64_t left = last_day(end) - today;
      const std::string what = programs().label(c.program) + " de " + c.org.name;
      std::string kind, message;
      if (left < 0) {
        kind = "vencida";
        message = what + " venció el " + date_label(c.expires_on) +
                  " y sigue registrada como vigente: registre su renovación o cambie su estado.";
      } else {
        // The narrowest window reached, as for agreements: a skipped wider window is not raised late.
        std::optional<int> window;
        for (int d : options_.cert_expiry_days)
          if (left <= d && (!window || d < *window)) window = d;
        if (!window) continue;
        kind = "vence_" + std::to_string(*window);
        message = what + " vence el " + date_label(c.expires_on) + " (en " + std::to_string(left) + " días).";
      }
      if (!repo::raise_cert_alert(s, {0, c.id, kind, c.expires_on, message, now, "", ""})) continue;
      ++raised;
      audit::Entry e;
      e.action = "registries.cert_alert_raised";
      e.object = "certificacion:" + std::to_string(c.id);
      e.outcome = "ok";
      e.detail = kind + " " + c.expires_on;
      audit_.append(s, e);
    }
    return raised;
  });
}

Result<int> Service::raise_alerts(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    const int64_t today = day_of_ms(now);
    int raised = 0;
    auto raise = [&](const Agreement& a, int64_t obligation_id, const std::string& kind, const std::string& message) {
      if (!repo::raise_alert(s, {0, a.id, obligation_id, kind, message, now})) return;
      ++raised;
      audit::Entry e;
      e.action = "registries.alert_raised";
      e.object = "convenio:" + std::to_string(a.id);
      e.outcome = "ok";
      e.detail = kind;
      audit_.append(s, e);
    };
    for (const auto& a : repo::agreements(s)) {
      if (a.status == "terminado") continue;
      const PartialDate end = read_partial_date(a.ends_on);
      if (end.known()) {
        const int64_t left = last_day(end) - today;
        if (left < 0) {
          raise(a, 0, "vencido", "El convenio venció el " + date_label(a.ends_on) + " y no tiene cierre ni renovación registrados.");
        } else {
          // The narrowest window reached; the wider ones that were skipped are not raised late.
          std::optional<int> window;
          for (int d : options_.expiry_days)
            if (left <= d && (!window || d < *window)) window = d;
          if (window)
            raise(a, 0, "vence_" + std::to_string(*window),
                  "El convenio vence el " + date_label(a.ends_on) + " (en " + std::to_string(left) + " días).");
        }
      }
      for (const auto& o : a.obligations) {
        const PartialDate due = read_partial_date(o.due_on);
        if (o.status != "pendiente" || !due.known() || last_day(due) >= today) continue;
        raise(a, o.id, "obligacion_atrasada",
              "«" + o.description + "» (a cargo de " + o.owner + ") tenía plazo el " + date_label(o.due_on) + " y sigue pendiente.");
      }
    }
    return raised;
  });
}

}  // namespace eq::registries
