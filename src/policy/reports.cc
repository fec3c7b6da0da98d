// The reporting workflow: a focal point submits a report (a new version when it was returned),
// attaches evidence, an analyst validates or returns it; validation refreshes the stored figures
// (rollup.cc) in the same transaction. And the reads of reports: lists, detail, files, «my items».
#include <algorithm>

#include "core/crypto.h"
#include "core/time.h"
#include "policy/rollup.h"
#include "policy/rules.h"
#include "policy/service.h"
#include "store/with_session.h"

namespace eq::policy {

Json Service::report_detail(soci::session& s, const Report& r, Sight sight, bool downloadable) {
  auto versions = Repository::versions(s, r.id);
  auto evidence = Repository::evidence_of(s, r.id);
  std::set<int64_t> users;
  for (const auto& v : versions) {
    users.insert(v.submitted_by);
    if (v.reviewed_by) users.insert(*v.reviewed_by);
  }
  auto n = names(users, {r.institution_id});
  auto item = Repository::item(s, r.item_id);
  auto period = Repository::period(s, r.period_id);
  Json vs = Json::array(), ev = Json::array();
  for (const auto& v : versions) {
    if (sight == Sight::validated_only && (!r.validated_version || v.version != *r.validated_version)) continue;
    vs.push_back(version_json(v, n));
  }
  for (const auto& e : evidence) {
    if (sight == Sight::validated_only && (!r.validated_version || e.version > *r.validated_version)) continue;
    ev.push_back(evidence_json(e, downloadable));
  }
  return {{"id", r.id},
          {"item", item ? Json({{"id", item->id}, {"title", item->title}, {"code", opt_json(item->code)}, {"instrument_id", item->instrument_id}})
                        : Json(nullptr)},
          {"period", period ? period_json(*period, now_ms()) : Json(nullptr)},
          {"institution_id", r.institution_id},
          {"institution_name", n.institution(r.institution_id)},
          {"state", r.state},
          {"state_name", report_state_es(r.state)},
          {"current_version", r.current_version},
          {"validated_version", opt_json(r.validated_version)},
          {"validated_progress", opt_json(r.validated_progress)},
          {"versions", vs},
          {"evidence", ev}};
}

Result<Service::Saved> Service::submit_report(const http::Request& req, const SubmitReport& cmd) {
  if (auto ok = check_report_progress(cmd.status, cmd.progress); !ok) return fail(ok.error());
  const int64_t progress = *cmd.progress;
  const std::string& status = cmd.status;
  const std::string& narrative = cmd.narrative;
  if (narrative.size() < 10)
    return fail(Error::invalid("narrative", "Describa lo realizado en el período (al menos 10 caracteres).", "required"));
  // Every file is checked before anything is written: a rejected file leaves no report behind.
  if (cmd.files.size() > kMaxFilesPerVersion)
    return fail(Error::invalid("evidence", "Cada versión admite como máximo 10 archivos.", "too_many_files"));
  std::vector<std::string> types;
  size_t total = 0;
  for (size_t k = 0; k < cmd.files.size(); ++k) {
    auto type = check_evidence(cmd.files[k].filename, cmd.files[k].content_type, cmd.files[k].bytes);
    if (!type) {
      auto e = type.error();
      e.field = "evidence[" + std::to_string(k) + "]";
      e.message = "«" + cmd.files[k].filename + "»: " + e.message + " No se guardó el reporte.";
      return fail(e);
    }
    types.push_back(*type);
    total += cmd.files[k].bytes.size();
  }
  if (total > kMaxEvidenceBytes)
    return fail(Error::invalid("evidence", "Los archivos suman más de 1 MB: envíe los demás después, uno por uno.", "file_too_large"));

  return db_.transaction<Saved>([&](soci::session& s) -> Result<Saved> {
    auto item = Repository::item(s, cmd.item_id);
    if (!item) return fail(Error::invalid("item_id", "No existe un ítem con ese identificador.", "not_found"));
    if (auto ok = may_report(req.who(), {{item->institutions.begin(), item->institutions.end()}, item->region_id}); !ok)
      return fail(ok.error());
    if (!item->is_leaf)
      return fail(Error::invalid("item_id", "Se reporta sobre los compromisos o acciones, no sobre ítems que agrupan otros.", "not_leaf"));
    auto period = Repository::period(s, cmd.period_id);
    if (!period || period->instrument_id != item->instrument_id)
      return fail(Error::invalid("period_id", "El período no existe o no pertenece al instrumento del ítem.", "not_found"));
    const auto now = now_ms();
    auto st = period_state(*period, now);
    if (!accepts_reports(st))
      return fail(Error::conflict("period_closed", "El período " + period->label + " no recibe reportes (" + period_state_es(st) +
                                                       "). Solicite su reapertura a un/a analista del Ministerio.", "period_id"));
    auto existing = Repository::report_for(s, item->id, period->id);
    if (existing && existing->state == "validado")
      return fail(Error::conflict("already_validated", "El reporte de este ítem para el período " + period->label + " ya fue validado.",
                                  "period_id"));
    // A version waiting for validation is what the validator is reading: it is not replaced under
    // them. Once returned with observations, a new version may be sent.
    if (existing && existing->state == "enviado")
      return fail(Error::conflict("pending_validation", "El reporte de este ítem para el período " + period->label +
                                                            " está pendiente de validación y no puede reemplazarse. "
                                                            "Podrá enviar una nueva versión si el Ministerio lo devuelve con observaciones.",
                                  "period_id"));
    Report r;
    if (existing) {
      r = *existing;
      r.current_version += 1;
    } else {
      r.item_id = item->id;
      r.period_id = period->id;
      r.current_version = 1;
    }
    r.institution_id = req.who().institution_id;
    r.state = "enviado";
    if (existing) Repository::update_report(s, r);
    else r.id = Repository::insert_report(s, r);
    Version v;
    v.report_id = r.id;
    v.version = r.current_version;
    v.status = status;
    v.progress = progress;
    v.narrative = narrative;
    v.late = is_late(st);
    v.submitted_by = req.who().user_id;
    v.submitted_at = now;
    Repository::insert_version(s, v);
    auto entry = audit::Log::from(req, existing ? "policy.report_resubmit" : "policy.report_submit", "policy_report:" + std::to_string(r.id));
    entry.detail = "item " + std::to_string(item->id) + ", período " + period->label + ", versión " + std::to_string(v.version) +
                   ", avance " + std::to_string(progress) + ", " + std::to_string(cmd.files.size()) + " archivo(s)";
    audit_->append(s, entry);
    for (size_t k = 0; k < cmd.files.size(); ++k) {
      Evidence e;
      e.report_id = r.id;
      e.version = v.version;
      e.filename = cmd.files[k].filename;
      e.content_type = types[k];
      e.size = static_cast<int64_t>(cmd.files[k].bytes.size());
      e.sha256 = crypto::sha256_hex(cmd.files[k].bytes);
      e.uploaded_by = req.who().user_id;
      e.uploaded_at = now;
      e.id = Repository::insert_evidence(s, e, cmd.files[k].bytes);
      auto ev = audit::Log::from(req, "policy.evidence_upload", "policy_report:" + std::to_string(r.id));
      ev.detail = "sha256 " + e.sha256 + ", " + std::to_string(e.size) + " bytes";
      audit_->append(s, ev);
    }
    auto fresh = Repository::report(s, r.id);
    return Saved{report_detail(s, *fresh, Sight::full, true), !existing};
  });
}

Result<Json> Service::upload_evidence(const http::Request& req, int64_t report_id, const std::string& filename) {
  auto type = check_evidence(filename, req.header("content-type"), req.body);
  if (!type) return fail(type.error());
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto r = Repository::report(s, report_id);
    if (!r || sight_of(req.who(), r->institution_id, r->validated_version.has_value()) == Sight::none) return fail(Error::not_found("No existe un reporte con ese identificador."));
    auto item = Repository::item(s, r->item_id);
    if (auto ok = may_report(req.who(), {{item->institutions.begin(), item->institutions.end()}, item->region_id}); !ok)
      return fail(ok.error());
    if (r->state != "enviado")
      return fail(Error::conflict("not_editable", r->state == "validado"
                                                      ? "El reporte ya fue validado: no se le agregan archivos."
                                                      : "El reporte fue devuelto: envíe una nueva versión antes de agregar archivos.",
                                  "file"));
    auto existing = Repository::evidence_of(s, r->id);
    size_t in_version = std::count_if(existing.begin(), existing.end(), [&](const Evidence& e) { return e.version == r->current_version; });
    if (in_version >= kMaxFilesPerVersion)
      return fail(Error::conflict("too_many_files", "Cada versión admite como máximo 10 archivos.", "file"));
    Evidence e;
    e.report_id = r->id;
    e.version = r->current_version;
    e.filename = filename;
    e.content_type = *type;
    e.size = static_cast<int64_t>(req.body.size());
    e.sha256 = crypto::sha256_hex(req.body);
    e.uploaded_by = req.who().user_id;
    e.uploaded_at = now_ms();
    e.id = Repository::insert_evidence(s, e, req.body);
    auto entry = audit::Log::from(req, "policy.evidence_upload", "policy_report:" + std::to_string(r->id));
    entry.detail = "sha256 " + e.sha256 + ", " + std::to_string(e.size) + " bytes";
    audit_->append(s, entry);
    return evidence_json(e, true);
  });
}

Result<Json> Service::review_report(const http::Request& req, int64_t report_id, const Review& cmd) {
  const std::string& decision = cmd.decision;
  if (decision != "validar" && decision != "devolver")
    return fail(Error::invalid("decision", "La decisión debe ser «validar» o «devolver».", "invalid_decision"));
  const std::string& comments = cmd.comments;
  if (decision == "devolver" && comments.size() < 5)
    return fail(Error::invalid("comments", "Al devolver un reporte, escriba las observaciones para la institución.", "required"));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto r = Repository::report(s, report_id);
    if (!r) return fail(Error::not_found("No existe un reporte con ese identificador."));
    if (r->state != "enviado")
      return fail(Error::conflict("not_pending", "El reporte no está pendiente de validación (" + report_state_es(r->state) + ").", "report_id"));
    auto v = Repository::version(s, r->id, r->current_version);
    if (auto ok = may_review(req.who(), v->submitted_by); !ok) return fail(ok.error());
    // The analyst decides on the version they read; if another one is current now, they re-read.
    if (cmd.version != r->current_version)
      return fail(Error::conflict("stale_version", "Usted revisó la versión " + std::to_string(cmd.version) +
                                                       ", pero la versión vigente del reporte es la " + std::to_string(r->current_version) +
                                                       ". Vuelva a abrir el reporte antes de decidir.",
                                  "version"));
    v->decision = decision == "validar" ? "validado" : "devuelto";
    v->reviewed_by = req.who().user_id;
    v->reviewed_at = now_ms();
    v->review_comments = comments;
    Repository::review_version(s, *v);
    r->state = v->decision;
    if (decision == "validar") {
      r->validated_version = v->version;
      r->validated_progress = static_cast<double>(v->progress);
    }
    Repository::update_report(s, *r);
    if (decision == "validar") refresh_figures(s, Repository::item(s, r->item_id)->instrument_id);
    auto entry = audit::Log::from(req, decision == "validar" ? "policy.report_validate" : "policy.report_return",
                                  "policy_report:" + std::to_string(r->id));
    entry.detail = "versión " + std::to_string(v->version);
    audit_->append(s, entry);
    return report_detail(s, *r, Sight::full, true);
  });
}

// ---------------------------------------------------------------- instruments, items, periods

// ---------------------------------------------------------------- reading

Result<Json> Service::reports(const http::Principal& who, ReportFilter f) {
  if (auto scope = list_scope(who)) f.institution_id = *scope;
  return report_list(f);
}

Result<Json> Service::report_list(const ReportFilter& f) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto rows = Repository::reports(s, f);
    std::set<int64_t> users, insts;
    for (const auto& r : rows) {
      users.insert(r.current.submitted_by);
      if (r.current.reviewed_by) users.insert(*r.current.reviewed_by);
      insts.insert(r.report.institution_id);
    }
    auto n = names(users, insts);
    Json items = Json::array();
    for (const auto& r : rows) items.push_back(row_json(r, n));
    return Json{{"items", items}};
  });
}

Result<ExportTable> Service::reports_export(const http::Principal& who, ReportFilter f) {
  if (auto scope = list_scope(who)) f.institution_id = *scope;
  return store::with_session<ExportTable>(db_, [&](soci::session& s) -> Result<ExportTable> {
    auto rows = Repository::reports(s, f);
    std::set<int64_t> insts;
    for (const auto& r : rows) insts.insert(r.report.institution_id);
    return reports_table(rows, names({}, insts));
  });
}

// Each waiting report with the version to validate and that version's evidence beside it.
Result<Json> Service::queue() {
  ReportFilter f;
  f.state = "enviado";
  auto list = report_list(f);
  if (!list) return list;
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json out = *list;
    for (auto& row : out["items"]) {
      const int64_t id = row["id"].get<int64_t>(), version = row["current_version"].get<int64_t>();
      Json ev = Json::array();
      for (const auto& e : Repository::evidence_of(s, id))
        if (e.version == version) ev.push_back(evidence_json(e, true));
      row["evidence"] = ev;
    }
    return out;
  });
}

Result<Json> Service::report(const http::Principal& who, int64_t id) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto r = Repository::report(s, id);
    Sight sight = r ? sight_of(who, r->institution_id, r->validated_version.has_value()) : Sight::none;
    if (sight == Sight::none) return fail(Error::not_found("No existe un reporte con ese identificador."));
    return report_detail(s, *r, sight, true);
  });
}

Result<Service::File> Service::evidence_file(const http::Principal& who, int64_t id) {
  return store::with_session<File>(db_, [&](soci::session& s) -> Result<File> {
    auto e = Repository::evidence(s, id);
    auto r = e ? Repository::report(s, e->report_id) : std::nullopt;
    Sight sight = r ? sight_of(who, r->institution_id, r->validated_version.has_value()) : Sight::none;
    if (sight == Sight::none || (sight == Sight::validated_only && e->version > r->validated_version.value_or(0)))
      return fail(Error::not_found("No existe ese archivo."));
    auto bytes = Repository::blob(s, e->sha256);
    if (!bytes || crypto::sha256_hex(*bytes) != e->sha256) return fail(Error::internal());
    return File{e->content_type, e->filename, e->sha256, std::move(*bytes)};
  });
}

Result<Json> Service::my_items(const http::Principal& who) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    Json out = Json::array();
    const auto now = now_ms();
    for (const auto& ins : Repository::instruments(s)) {
      std::vector<Item> mine;
      for (auto& i : Repository::items_of(s, ins.id))
        if (i.is_leaf && may_report(who, {{i.institutions.begin(), i.institutions.end()}, i.region_id})) mine.push_back(i);
      if (mine.empty()) continue;
      auto periods = Repository::periods(s, ins.id);
      ReportFilter f;
      f.instrument_id = ins.id;
      f.limit = 100000;
      std::map<std::pair<int64_t, int64_t>, ReportRow> by;
      for (auto& r : Repository::reports(s, f)) by[{r.report.item_id, r.report.period_id}] = r;
      for (const auto& i : mine) {
        for (const auto& p : periods) {
          auto st = period_state(p, now);
          auto it = by.find({i.id, p.id});
          if (st == "programado" && it == by.end()) continue;
          if (st == "cerrado" && it == by.end()) continue;
          Json j = {{"item_id", i.id}, {"item_title", i.title}, {"item_code", opt_json(i.code)},
                    {"instrument_id", ins.id}, {"instrument_name", ins.name}, {"period", period_json(p, now)},
                    {"report_id", it == by.end() ? Json(nullptr) : Json(it->second.report.id)},
                    {"report_state", it == by.end() ? Json(nullptr) : Json(it->second.report.state)},
                    {"report_state_name", it == by.end() ? Json("Sin reporte") : Json(report_state_es(it->second.report.state))},
                    {"review_comments", it == by.end() ? Json(nullptr) : opt_json(it->second.current.review_comments)}};
          out.push_back(j);
        }
      }
    }
    return Json{{"items", out}};
  });
}

}  // namespace eq::policy
