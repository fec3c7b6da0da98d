// HTTP handlers of policy tracking. Public routes show validated progress only; every change
// needs its permission, passes the object rules of rules.cc, and is audited in the same
// transaction as the change it records (a rejected request writes nothing).
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <variant>

#include "core/crypto.h"
#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "policy/import.h"
#include "policy/module.h"
#include "policy/repository.h"
#include "policy/xlsx.h"
#include "store/with_session.h"

namespace eq::policy {

namespace {

using http::Json;
using http::Request;
using http::Response;
using T = http::Field::Type;

const std::string kRead = "policy.read";
const std::string kReport = "policy.report";
const std::string kValidate = "policy.validate";
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr size_t kMaxFilesPerVersion = 10;

const char* kMethod =
    "Cálculo reproducible: un ítem sin subítems cuenta el avance (0–100) de su último reporte validado, o 0 si no tiene "
    "reporte validado («sin reporte»: sigue en el denominador). Un ítem con subítems vale Σ pesoᵢ × avanceᵢ / Σ pesoᵢ de sus "
    "subítems; el instrumento, lo mismo sobre sus ítems de primer nivel. Por institución y por región: promedio simple de "
    "los ítems sin subítems de los que son responsables. Solo cuentan reportes validados por el Ministerio.";

struct Context {
  store::Database& db;
  std::shared_ptr<audit::Log> audit;
  std::shared_ptr<auth::Service> auth;
};

using store::with_session;

double round1(double v) { return std::round(v * 10.0) / 10.0; }

Json opt_json(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }
template <typename V>
Json opt_json(const std::optional<V>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json figure_json(double progress, int64_t leaves, int64_t reported) {
  return {{"progress", round1(progress)},
          {"progress_text", format_percent(progress, 1)},
          {"leaves", leaves},
          {"reported", reported},
          {"sin_reporte", leaves - reported}};
}

std::string body_string(const Json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? std::string() : trim(it->get<std::string>());
}

struct Names {
  std::map<int64_t, std::string> users, institutions;
  std::string user(int64_t id) const {
    auto it = users.find(id);
    return it == users.end() ? std::string() : it->second;
  }
  std::string institution(int64_t id) const {
    auto it = institutions.find(id);
    return it == institutions.end() ? std::string() : it->second;
  }
};

Names names_of(Context& c, const std::set<int64_t>& users, const std::set<int64_t>& institutions) {
  Names n;
  if (users.empty() && institutions.empty()) return n;
  if (auto r = c.auth->display_names(users, institutions)) {
    n.users = r->first;
    n.institutions = r->second;
  }
  return n;
}

Json institutions_json(const std::vector<int64_t>& ids, const Names& n) {
  Json out = Json::array();
  for (auto id : ids) out.push_back({{"id", id}, {"name", n.institution(id)}});
  return out;
}

Json indicator_json(const Item& i) {
  if (i.indicator_name.empty() && !i.numerator && !i.denominator && !i.indicator_value && !i.baseline && !i.target) return nullptr;
  std::optional<double> computed;
  if (i.numerator && i.denominator && *i.denominator != 0) computed = *i.numerator / *i.denominator * (i.indicator_unit == "%" ? 100.0 : 1.0);
  else if (i.indicator_value) computed = i.indicator_value;
  Json j = {{"name", opt_json(i.indicator_name)}, {"unit", opt_json(i.indicator_unit)}, {"baseline", opt_json(i.baseline)},
            {"target", opt_json(i.target)}, {"value", opt_json(i.indicator_value)}, {"numerator", opt_json(i.numerator)},
            {"denominator", opt_json(i.denominator)}, {"computed", computed ? Json(round1(*computed)) : Json(nullptr)}};
  if (computed)
    j["computed_text"] = i.indicator_unit == "%" ? format_percent(*computed, 1)
                                                 : format_decimal(*computed, 1) + (i.indicator_unit.empty() ? "" : " " + i.indicator_unit);
  return j;
}

Json item_json(const Item& i, const Names& n) {
  Json j = {{"id", i.id},
            {"instrument_id", i.instrument_id},
            {"parent_id", opt_json(i.parent_id)},
            {"level", i.level},
            {"level_name", level_es(i.level)},
            {"code", opt_json(i.code)},
            {"title", i.title},
            {"weight", i.weight},
            {"position", i.position},
            {"start_year", opt_json(i.start_year)},
            {"end_year", opt_json(i.end_year)},
            {"status", i.status},
            {"region_id", opt_json(i.region_id)},
            {"institutions", institutions_json(i.institutions, n)},
            {"indicator", indicator_json(i)},
            {"source_note", opt_json(i.source_note)},
            {"is_leaf", i.is_leaf},
            {"validated_report_id", opt_json(i.current_report_id)},
            {"no_report", i.is_leaf && !i.current_progress}};
  j.update(figure_json(i.rolled_progress, i.leaves, i.reported));
  return j;
}

Json declared_json(const Declared& d) {
  std::string text = d.value_text;
  std::optional<double> computed;
  if (d.numerator && d.denominator && *d.denominator != 0) computed = *d.numerator / *d.denominator * (d.unit == "%" ? 100.0 : 1.0);
  else if (d.value) computed = d.value;
  if (text.empty() && computed) {
    bool whole = std::fabs(*computed - std::round(*computed)) < 1e-9;
    if (d.unit == "%") text = format_percent(*computed, whole && !d.numerator ? 0 : 1);
    else text = (whole && !d.numerator ? format_integer(static_cast<long long>(std::llround(*computed))) : format_decimal(*computed, 1)) +
                (d.unit.empty() ? "" : " " + d.unit);
  }
  return {{"id", d.id}, {"item_id", opt_json(d.item_id)}, {"label", d.label}, {"value", opt_json(d.value)},
          {"numerator", opt_json(d.numerator)}, {"denominator", opt_json(d.denominator)}, {"unit", opt_json(d.unit)},
          {"computed", computed ? Json(round1(*computed)) : Json(nullptr)}, {"text", text}, {"source", opt_json(d.source)}};
}

std::string state_name(const std::string& st) {
  if (st == "programado") return "Programado";
  if (st == "abierto") return "Abierto";
  if (st == "gracia") return "En plazo de gracia";
  if (st == "reabierto") return "Reabierto";
  return "Cerrado";
}

Json period_json(const Period& p, int64_t now) {
  auto st = period_state(p, now);
  Json j = {{"id", p.id}, {"instrument_id", p.instrument_id}, {"label", p.label}, {"kind", p.kind}, {"year", p.year},
            {"semester", p.semester ? Json(p.semester) : Json(nullptr)}, {"opens_on", format_date_cl(p.opens_at)},
            {"closes_on", format_date_cl(p.closes_at - kDayMs / 2)}, {"grace_days", p.grace_days},
            {"reopened_until", p.reopened_until ? Json(format_date_cl(*p.reopened_until - kDayMs / 2)) : Json(nullptr)},
            {"reopen_reason", opt_json(p.reopen_reason)}, {"state", st}, {"state_name", state_name(st)},
            {"accepts_reports", accepts_reports(st)}};
  return j;
}

Json version_json(const Version& v, const Names& n) {
  return {{"version", v.version},
          {"status", v.status},
          {"status_name", report_status_es(v.status)},
          {"progress", v.progress},
          {"narrative", v.narrative},
          {"late", v.late},
          {"submitted_by", n.user(v.submitted_by)},
          {"submitted_by_id", v.submitted_by},
          {"submitted_at", format_datetime_cl(v.submitted_at)},
          {"decision", opt_json(v.decision)},
          {"reviewed_by", v.reviewed_by ? Json(n.user(*v.reviewed_by)) : Json(nullptr)},
          {"reviewed_at", v.reviewed_at ? Json(format_datetime_cl(*v.reviewed_at)) : Json(nullptr)},
          {"review_comments", opt_json(v.review_comments)}};
}

Json evidence_json(const Evidence& e, bool downloadable) {
  Json j = {{"id", e.id}, {"version", e.version}, {"filename", e.filename}, {"content_type", e.content_type},
            {"size", e.size}, {"sha256", e.sha256}, {"uploaded_at", format_datetime_cl(e.uploaded_at)}};
  if (downloadable) j["url"] = "/api/v1/policy/evidence/" + std::to_string(e.id);
  return j;
}

std::string state_es(const std::string& st) {
  if (st == "enviado") return "Enviado, por validar";
  if (st == "devuelto") return "Devuelto con observaciones";
  if (st == "validado") return "Validado";
  return st;
}

Json row_json(const ReportRow& r, const Names& n) {
  return {{"id", r.report.id},
          {"item_id", r.report.item_id},
          {"item_title", r.item_title},
          {"item_code", opt_json(r.item_code)},
          {"instrument_id", r.instrument_id},
          {"instrument_name", r.instrument_name},
          {"period_id", r.report.period_id},
          {"period_label", r.period_label},
          {"institution_id", r.report.institution_id},
          {"institution_name", n.institution(r.report.institution_id)},
          {"state", r.report.state},
          {"state_name", state_es(r.report.state)},
          {"current", version_json(r.current, n)},
          {"validated_version", opt_json(r.report.validated_version)},
          {"validated_progress", opt_json(r.report.validated_progress)},
          {"updated_at", format_datetime_cl(r.report.updated_at)}};
}

// Object rule for reading a report: validators see all; the reporting institution sees its own;
// anyone with policy.read sees validated ones (only their validated version).
enum class Sight { none, validated_only, full };
Sight sight_of(const http::Principal& p, const Report& r) {
  if (p.can(kValidate) || p.institution_id == r.institution_id) return Sight::full;
  if (r.validated_version) return Sight::validated_only;
  return Sight::none;
}

Json report_detail(Context& c, soci::session& s, const Report& r, Sight sight, bool downloadable) {
  auto versions = Repository::versions(s, r.id);
  auto evidence = Repository::evidence_of(s, r.id);
  std::set<int64_t> users;
  for (const auto& v : versions) {
    users.insert(v.submitted_by);
    if (v.reviewed_by) users.insert(*v.reviewed_by);
  }
  auto n = names_of(c, users, {r.institution_id});
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
          {"state_name", state_es(r.state)},
          {"current_version", r.current_version},
          {"validated_version", opt_json(r.validated_version)},
          {"validated_progress", opt_json(r.validated_progress)},
          {"versions", vs},
          {"evidence", ev}};
}

Result<int64_t> body_id(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fail(Error::invalid(key, std::string("Indique «") + key + "».", "required"));
  return it->get<int64_t>();
}

// ---------------------------------------------------------------- reports

Result<Response> submit_report(Context& c, Request& req, const Json& body) {
  auto item_id = body_id(body, "item_id");
  if (!item_id) return fail(item_id.error());
  auto period_id = body_id(body, "period_id");
  if (!period_id) return fail(period_id.error());
  std::string status = body_string(body, "status");
  if (!is_report_status(status))
    return fail(Error::invalid("status", "El estado debe ser «no_iniciado», «en_proceso» o «terminado».", "invalid_status"));
  auto pit = body.find("progress");
  if (pit == body.end() || pit->is_null()) return fail(Error::invalid("progress", "Indique el avance (0 a 100).", "required"));
  int64_t progress = pit->get<int64_t>();
  if (progress < 0 || progress > 100)
    return fail(Error::invalid("progress", "El avance debe ser un número entero entre 0 y 100.", "out_of_range"));
  if (status == "no_iniciado" && progress != 0)
    return fail(Error::invalid("progress", "Un compromiso «no iniciado» tiene avance 0.", "inconsistent"));
  if (status == "terminado" && progress != 100)
    return fail(Error::invalid("progress", "Un compromiso «terminado» tiene avance 100.", "inconsistent"));
  if (status == "en_proceso" && (progress < 1 || progress > 99))
    return fail(Error::invalid("progress", "Un compromiso «en proceso» tiene un avance entre 1 y 99.", "inconsistent"));
  std::string narrative = body_string(body, "narrative");
  if (narrative.size() < 10)
    return fail(Error::invalid("narrative", "Describa lo realizado en el período (al menos 10 caracteres).", "required"));

  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto item = Repository::item(s, *item_id);
    if (!item) return fail(Error::invalid("item_id", "No existe un ítem con ese identificador.", "not_found"));
    if (auto ok = may_report(req.who(), {{item->institutions.begin(), item->institutions.end()}, item->region_id}); !ok)
      return fail(ok.error());
    if (!item->is_leaf)
      return fail(Error::invalid("item_id", "Se reporta sobre los compromisos o acciones, no sobre ítems que agrupan otros.", "not_leaf"));
    auto period = Repository::period(s, *period_id);
    if (!period || period->instrument_id != item->instrument_id)
      return fail(Error::invalid("period_id", "El período no existe o no pertenece al instrumento del ítem.", "not_found"));
    const auto now = now_ms();
    auto st = period_state(*period, now);
    if (!accepts_reports(st))
      return fail(Error::conflict("period_closed", "El período " + period->label + " no recibe reportes (" + state_name(st) +
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
                   ", avance " + std::to_string(progress);
    c.audit->append(s, entry);
    auto fresh = Repository::report(s, r.id);
    return Response::json(report_detail(c, s, *fresh, Sight::full, true), existing ? 200 : 201);
  });
}

Result<Response> upload_evidence(Context& c, Request& req, int64_t report_id) {
  std::string filename = trim(req.query_param("filename"));
  auto type = check_evidence(filename, req.header("content-type"), req.body);
  if (!type) return fail(type.error());
  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto r = Repository::report(s, report_id);
    if (!r || sight_of(req.who(), *r) == Sight::none) return fail(Error::not_found("No existe un reporte con ese identificador."));
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
    c.audit->append(s, entry);
    return Response::json(evidence_json(e, true), 201);
  });
}

Result<Response> review_report(Context& c, Request& req, int64_t report_id, const Json& body) {
  std::string decision = body_string(body, "decision");
  if (decision != "validar" && decision != "devolver")
    return fail(Error::invalid("decision", "La decisión debe ser «validar» o «devolver».", "invalid_decision"));
  std::string comments = body_string(body, "comments");
  if (decision == "devolver" && comments.size() < 5)
    return fail(Error::invalid("comments", "Al devolver un reporte, escriba las observaciones para la institución.", "required"));
  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto r = Repository::report(s, report_id);
    if (!r) return fail(Error::not_found("No existe un reporte con ese identificador."));
    if (r->state != "enviado")
      return fail(Error::conflict("not_pending", "El reporte no está pendiente de validación (" + state_es(r->state) + ").", "report_id"));
    auto v = Repository::version(s, r->id, r->current_version);
    if (auto ok = may_review(req.who(), v->submitted_by); !ok) return fail(ok.error());
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
    if (decision == "validar") recompute_upwards(s, r->item_id);
    auto entry = audit::Log::from(req, decision == "validar" ? "policy.report_validate" : "policy.report_return",
                                  "policy_report:" + std::to_string(r->id));
    entry.detail = "versión " + std::to_string(v->version);
    c.audit->append(s, entry);
    return Response::json(report_detail(c, s, *r, Sight::full, true));
  });
}

// ---------------------------------------------------------------- instruments, items, periods

Result<std::vector<int64_t>> institution_ids(Context& c, const Json& body) {
  std::vector<int64_t> out;
  auto it = body.find("institution_ids");
  if (it == body.end() || it->is_null()) return out;
  for (const auto& v : *it) {
    const auto& text = v.get_ref<const std::string&>();
    if (text.empty() || text.size() > 18 || !std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return fail(Error::invalid("institution_ids", "Los identificadores de institución deben ser números.", "invalid_id"));
    out.push_back(std::stoll(text));
  }
  std::set<int64_t> ids(out.begin(), out.end());
  auto names = c.auth->display_names({}, ids);
  if (!names) return fail(names.error());
  for (auto id : ids)
    if (!names->second.count(id))
      return fail(Error::invalid("institution_ids", "No existe la institución " + std::to_string(id) + ".", "not_found"));
  return out;
}

std::optional<double> body_double(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  return it->get<double>();
}

Result<void> apply_item_fields(Context& c, Item& i, const Json& body, bool creating) {
  if (body.contains("title")) {
    i.title = body_string(body, "title");
    if (i.title.empty()) return fail(Error::invalid("title", "Escriba el título del ítem.", "required"));
  } else if (creating) {
    return fail(Error::invalid("title", "Escriba el título del ítem.", "required"));
  }
  if (body.contains("code")) i.code = body_string(body, "code");
  if (body.contains("weight") && !body["weight"].is_null()) {
    double w = body["weight"].get<double>();
    if (!(w > 0) || w > 1000) return fail(Error::invalid("weight", "El peso debe ser mayor que 0 y como máximo 1000.", "out_of_range"));
    i.weight = w;
  }
  if (body.contains("status")) {
    i.status = body_string(body, "status");
    if (!is_item_status(i.status))
      return fail(Error::invalid("status", "El estado debe ser vigente, cumplido, no_cumplido o suspendido.", "invalid_status"));
  }
  if (body.contains("region_id")) i.region_id = body_string(body, "region_id");
  for (auto [key, field] : {std::pair{"indicator_name", &i.indicator_name}, std::pair{"indicator_unit", &i.indicator_unit},
                            std::pair{"source_note", &i.source_note}})
    if (body.contains(key)) *field = body_string(body, key);
  for (auto [key, field] : {std::pair{"baseline", &i.baseline}, std::pair{"target", &i.target}, std::pair{"indicator_value", &i.indicator_value},
                            std::pair{"numerator", &i.numerator}, std::pair{"denominator", &i.denominator}})
    if (body.contains(key)) *field = body_double(body, key);
  if (i.denominator && *i.denominator == 0)
    return fail(Error::invalid("denominator", "El denominador no puede ser 0.", "out_of_range"));
  for (auto [key, field] : {std::pair{"start_year", &i.start_year}, std::pair{"end_year", &i.end_year}})
    if (body.contains(key)) {
      auto v = body[key];
      *field = v.is_null() ? std::nullopt : std::optional<int64_t>(v.get<int64_t>());
      if (*field && (**field < 2000 || **field > 2100)) return fail(Error::invalid(key, "El año debe estar entre 2000 y 2100.", "invalid_year"));
    }
  if (i.start_year && i.end_year && *i.end_year < *i.start_year)
    return fail(Error::invalid("end_year", "El año de término no puede ser anterior al de inicio.", "invalid_year"));
  if (body.contains("institution_ids")) {
    auto ids = institution_ids(c, body);
    if (!ids) return fail(ids.error());
    i.institutions = *ids;
  }
  return {};
}

Result<Response> create_item(Context& c, Request& req, const Json& body) {
  Item i;
  auto ins = body_id(body, "instrument_id");
  if (!ins) return fail(ins.error());
  i.instrument_id = *ins;
  i.level = body_string(body, "level");
  if (!is_level(i.level))
    return fail(Error::invalid("level", "El nivel debe ser eje, meta, compromiso, accion o medida.", "invalid_level"));
  if (body.contains("parent_id") && !body["parent_id"].is_null()) i.parent_id = body["parent_id"].get<int64_t>();
  if (auto ok = apply_item_fields(c, i, body, true); !ok) return fail(ok.error());
  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto instrument = Repository::instrument(s, i.instrument_id);
    if (!instrument) return fail(Error::invalid("instrument_id", "No existe el instrumento indicado.", "not_found"));
    if (i.parent_id) {
      auto parent = Repository::item(s, *i.parent_id);
      if (!parent || parent->instrument_id != i.instrument_id)
        return fail(Error::invalid("parent_id", "El ítem superior no existe o pertenece a otro instrumento.", "not_found"));
      if (Repository::count_reports_of_item(s, parent->id) > 0)
        return fail(Error::conflict("parent_has_reports", "El ítem superior ya tiene reportes: no se le pueden agregar subítems.", "parent_id"));
      // PMG de Género: from 2021 a service commits at most 5 of the 8 measures.
      if (instrument->kind == "pmg" && i.level == "medida" && parent->start_year.value_or(0) >= 2021 &&
          Repository::count_children(s, parent->id) >= 5)
        return fail(Error::invalid("parent_id", "Desde 2021 un servicio compromete como máximo 5 de las 8 medidas del indicador de género.",
                                   "too_many_measures"));
      if (i.region_id.empty()) i.region_id = parent->region_id;
    }
    i.position = i.parent_id ? Repository::count_children(s, *i.parent_id) : 0;
    i.id = Repository::insert_item(s, i);
    recompute_upwards(s, i.id);
    c.audit->append(s, audit::Log::from(req, "policy.item_create", "policy_item:" + std::to_string(i.id)));
    auto fresh = Repository::item(s, i.id);
    std::set<int64_t> insts(fresh->institutions.begin(), fresh->institutions.end());
    return Response::json(item_json(*fresh, names_of(c, {}, insts)), 201);
  });
}

Result<Response> update_item(Context& c, Request& req, int64_t id, const Json& body) {
  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto i = Repository::item(s, id);
    if (!i) return fail(Error::not_found("No existe un ítem con ese identificador."));
    const double old_weight = i->weight;
    auto before = i->institutions;
    if (auto ok = apply_item_fields(c, *i, body, false); !ok) return fail(ok.error());
    Repository::update_item(s, *i);
    if (i->institutions != before) Repository::set_institutions(s, id, i->institutions);
    if (i->weight != old_weight) recompute_upwards(s, id);
    auto entry = audit::Log::from(req, "policy.item_update", "policy_item:" + std::to_string(id));
    if (i->weight != old_weight) entry.detail = "peso " + format_decimal(old_weight, 2) + " -> " + format_decimal(i->weight, 2);
    c.audit->append(s, entry);
    auto fresh = Repository::item(s, id);
    std::set<int64_t> insts(fresh->institutions.begin(), fresh->institutions.end());
    return Response::json(item_json(*fresh, names_of(c, {}, insts)));
  });
}

Result<Response> create_period(Context& c, Request& req, const Json& body) {
  Period p;
  auto ins = body_id(body, "instrument_id");
  if (!ins) return fail(ins.error());
  p.instrument_id = *ins;
  p.kind = body_string(body, "kind");
  p.year = static_cast<int>(body.value("year", 0LL));
  p.semester = body.contains("semester") && !body["semester"].is_null() ? static_cast<int>(body["semester"].get<int64_t>()) : 0;
  auto label = period_label(p.kind, p.year, p.semester);
  if (!label) return fail(label.error());
  p.label = *label;
  auto [opens, closes] = default_window(p.kind, p.year, p.semester);
  std::string opens_on = body_string(body, "opens_on"), closes_on = body_string(body, "closes_on");
  if (!opens_on.empty()) {
    auto d = parse_date_cl(opens_on, "opens_on");
    if (!d) return fail(d.error());
    opens = *d;
  }
  if (!closes_on.empty()) {
    auto d = parse_date_cl(closes_on, "closes_on");
    if (!d) return fail(d.error());
    auto next = parse_date_cl(format_date_cl(*d + kDayMs + 3LL * 3600 * 1000), "closes_on");
    closes = *next;
  }
  if (closes <= opens) return fail(Error::invalid("closes_on", "El cierre debe ser posterior a la apertura.", "invalid_date"));
  p.grace_days = static_cast<int>(body.value("grace_days", 0LL));
  if (p.grace_days < 0 || p.grace_days > 90)
    return fail(Error::invalid("grace_days", "El plazo de gracia debe estar entre 0 y 90 días.", "out_of_range"));
  p.opens_at = opens;
  p.closes_at = closes;
  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    if (!Repository::instrument(s, p.instrument_id))
      return fail(Error::invalid("instrument_id", "No existe el instrumento indicado.", "not_found"));
    for (const auto& other : Repository::periods(s, p.instrument_id))
      if (other.label == p.label)
        return fail(Error::conflict("duplicate_period", "El instrumento ya tiene el período " + p.label + ".", "year"));
    p.id = Repository::insert_period(s, p);
    c.audit->append(s, audit::Log::from(req, "policy.period_create", "policy_period:" + std::to_string(p.id)));
    return Response::json(period_json(p, now_ms()), 201);
  });
}

Result<Response> reopen_period(Context& c, Request& req, int64_t id, const Json& body) {
  auto until_day = parse_date_cl(body_string(body, "until"), "until");
  if (!until_day) return fail(until_day.error());
  std::string reason = body_string(body, "reason");
  if (reason.size() < 5) return fail(Error::invalid("reason", "Indique el motivo de la reapertura.", "required"));
  const auto now = now_ms();
  auto until = parse_date_cl(format_date_cl(*until_day + kDayMs + 3LL * 3600 * 1000), "until");
  if (*until <= now) return fail(Error::invalid("until", "La reapertura debe terminar hoy o después.", "invalid_date"));
  if (*until - now > 60 * kDayMs) return fail(Error::invalid("until", "Una reapertura dura como máximo 60 días.", "out_of_range"));
  return c.db.transaction<Response>([&](soci::session& s) -> Result<Response> {
    auto p = Repository::period(s, id);
    if (!p) return fail(Error::not_found("No existe un período con ese identificador."));
    if (now < p->closes_at)
      return fail(Error::conflict("not_closed", "El período aún no ha cerrado: no hace falta reabrirlo.", "until"));
    Repository::reopen(s, id, *until, reason);
    auto entry = audit::Log::from(req, "policy.period_reopen", "policy_period:" + std::to_string(id));
    entry.detail = "hasta " + format_date_cl(*until_day);
    c.audit->append(s, entry);
    return Response::json(period_json(*Repository::period(s, id), now));
  });
}

// ---------------------------------------------------------------- reading

Json instrument_summary(const Instrument& i, const std::vector<Declared>& figures) {
  Json figs = Json::array();
  for (const auto& f : figures)
    if (f.instrument_id == i.id) figs.push_back(declared_json(f));
  Json j = {{"id", i.id}, {"code", i.code}, {"name", i.name}, {"kind", i.kind}, {"start_year", opt_json(i.start_year)},
            {"end_year", opt_json(i.end_year)}, {"description", opt_json(i.description)}, {"source", opt_json(i.source)},
            {"declared", figs}};
  j.update(figure_json(i.rolled_progress, i.leaves, i.reported));
  return j;
}

Json instrument_detail(Context& c, soci::session& s, const Instrument& ins) {
  auto items = Repository::items_of(s, ins.id);
  std::set<int64_t> insts;
  for (const auto& i : items) insts.insert(i.institutions.begin(), i.institutions.end());
  auto n = names_of(c, {}, insts);
  Json list = Json::array();
  for (const auto& i : items) list.push_back(item_json(i, n));
  Json periods = Json::array();
  const auto now = now_ms();
  for (const auto& p : Repository::periods(s, ins.id)) periods.push_back(period_json(p, now));
  Json j = instrument_summary(ins, Repository::figures(s, ins.id));
  j["items"] = list;
  j["periods"] = periods;
  j["method"] = kMethod;
  return j;
}

Json item_drilldown(Context& c, soci::session& s, const Item& item, const http::Principal* who) {
  auto kids = Repository::children(s, item.id);
  std::vector<Item> ancestors;
  for (auto at = item.parent_id; at;) {
    auto a = Repository::item(s, *at);
    if (!a) break;
    ancestors.insert(ancestors.begin(), *a);
    at = a->parent_id;
  }
  std::set<int64_t> insts(item.institutions.begin(), item.institutions.end());
  Json reports = Json::array();
  std::vector<ReportRow> rows;
  if (who) {
    ReportFilter f;
    f.item_id = item.id;
    rows = Repository::reports(s, f);
  } else {
    rows = Repository::validated_reports_of_items(s, {item.id});
  }
  for (const auto& r : rows) insts.insert(r.report.institution_id);
  auto n = names_of(c, {}, insts);
  for (const auto& r : rows) {
    Sight sight = who ? sight_of(*who, r.report) : (r.report.validated_version ? Sight::validated_only : Sight::none);
    if (sight == Sight::none) continue;
    reports.push_back(report_detail(c, s, r.report, sight, who != nullptr));
  }
  // Leaves below the children, so each child's figure can be traced to its reports.
  Json children = Json::array();
  auto kid_institutions = Repository::institutions_of_children(s, item.id);
  for (auto& k : kids) {
    k.institutions = kid_institutions[k.id];
    for (auto id : k.institutions) n.institutions.emplace(id, "");
  }
  std::set<int64_t> missing;
  for (auto& [id, name] : n.institutions)
    if (name.empty()) missing.insert(id);
  if (!missing.empty()) {
    auto more = names_of(c, {}, missing);
    for (auto& [id, name] : more.institutions) n.institutions[id] = name;
  }
  for (const auto& k : kids) children.push_back(item_json(k, n));
  Json path = Json::array();
  for (const auto& a : ancestors) path.push_back({{"id", a.id}, {"title", a.title}, {"level_name", level_es(a.level)}});
  auto ins = Repository::instrument(s, item.instrument_id);
  Json j = item_json(item, n);
  j["instrument"] = {{"id", ins->id}, {"name", ins->name}, {"code", ins->code}};
  j["path"] = path;
  j["children"] = children;
  j["reports"] = reports;
  j["method"] = kMethod;
  Json declared = Json::array();
  for (const auto& d : Repository::figures(s, item.instrument_id))
    if (d.item_id && *d.item_id == item.id) declared.push_back(declared_json(d));
  j["declared"] = declared;
  if (who) {
    j["can_report"] = item.is_leaf && static_cast<bool>(may_report(*who, {{item.institutions.begin(), item.institutions.end()}, item.region_id}));
    Json periods = Json::array();
    for (const auto& p : Repository::periods(s, item.instrument_id)) periods.push_back(period_json(p, now_ms()));
    j["periods"] = periods;
  }
  return j;
}

struct GroupRow {
  std::string key, name;
  int64_t leaves = 0, reported = 0;
  double progress = 0;
};

Result<std::vector<GroupRow>> rollup_rows(Context& c, const std::string& by) {
  return with_session<std::vector<GroupRow>>(c.db, [&](soci::session& s) -> Result<std::vector<GroupRow>> {
    std::vector<GroupRow> out;
    if (by == "instrument") {
      for (const auto& i : Repository::instruments(s))
        out.push_back({std::to_string(i.id), i.name, i.leaves, i.reported, i.rolled_progress});
      return out;
    }
    auto groups = by == "region" ? Repository::by_region(s) : Repository::by_institution(s);
    std::set<int64_t> ids;
    if (by == "institution")
      for (const auto& g : groups) ids.insert(std::stoll(g.key));
    auto n = names_of(c, {}, ids);
    for (const auto& g : groups) {
      GroupRow r{g.key, by == "institution" ? n.institution(std::stoll(g.key)) : g.key, g.leaves, g.reported,
                 g.leaves ? g.sum_progress / static_cast<double>(g.leaves) : 0.0};
      out.push_back(r);
    }
    std::sort(out.begin(), out.end(), [](const GroupRow& a, const GroupRow& b) { return a.name < b.name; });
    return out;
  });
}

// One exported list, written as CSV (RFC 4180, UTF-8 with BOM, machine headers, es-CL decimals) or as
// a one-sheet XLSX (readable headers, numbers as numbers). Every list export goes through here.
struct Column {
  std::string csv, xlsx;
  int decimals = 0;  // how the CSV writes a number of this column
};
struct Table {
  std::string file, sheet;  // file name without extension
  std::vector<Column> columns;
  std::vector<std::vector<XlsxCell>> rows;
};

XlsxCell opt_cell(const std::optional<double>& v) { return v ? XlsxCell(*v) : XlsxCell(std::string()); }

Result<Response> table_response(const Table& t, bool xlsx) {
  Response r;
  if (xlsx) {
    std::vector<std::string> header;
    for (const auto& c : t.columns) header.push_back(c.xlsx);
    auto bytes = xlsx_sheet(t.sheet, header, t.rows);
    if (!bytes) return fail(bytes.error());
    r.content_type = kXlsxType;
    r.body = std::move(*bytes);
    r.compressible = false;
  } else {
    r.content_type = "text/csv; charset=utf-8";
    r.body = kCsvBom;
    std::vector<std::string> fields;
    for (const auto& c : t.columns) fields.push_back(c.csv);
    r.body += csv_row(fields);
    for (const auto& row : t.rows) {
      fields.clear();
      for (size_t k = 0; k < row.size(); ++k) {
        if (const auto* text = std::get_if<std::string>(&row[k])) {
          fields.push_back(*text);
          continue;
        }
        double v = std::get<double>(row[k]);
        int d = k < t.columns.size() ? t.columns[k].decimals : 0;
        fields.push_back(d ? format_decimal(v, d) : std::to_string(std::llround(v)));
      }
      r.body += csv_row(fields);
    }
  }
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + t.file + (xlsx ? ".xlsx" : ".csv") + "\""});
  return r;
}

enum class Format { json, csv, xlsx };

Result<Response> rollup_response(Context& c, Request& req, Format format) {
  std::string by = req.query_param("by", "instrument");
  if (by != "instrument" && by != "institution" && by != "region")
    return fail(Error::bad_request("invalid_parameter", "«by» debe ser instrument, institution o region.", "by"));
  auto rows = rollup_rows(c, by);
  if (!rows) return fail(rows.error());
  if (format != Format::json) {
    Table t{"avance-por-" + by, "Avance",
            {{by == "instrument" ? "instrumento" : by == "region" ? "region" : "institucion",
              by == "instrument" ? "Instrumento" : by == "region" ? "Región" : "Institución"},
             {"id", "Id"},
             {"avance_pct", "Avance (%)", 1},
             {"items_considerados", "Ítems considerados"},
             {"con_reporte_validado", "Con reporte validado"},
             {"sin_reporte", "Sin reporte"}},
            {}};
    for (const auto& g : *rows)
      t.rows.push_back({g.name, g.key, round1(g.progress), static_cast<double>(g.leaves), static_cast<double>(g.reported),
                        static_cast<double>(g.leaves - g.reported)});
    return table_response(t, format == Format::xlsx);
  }
  Json items = Json::array();
  for (const auto& g : *rows) {
    Json j = {{"key", g.key}, {"name", g.name}};
    j.update(figure_json(g.progress, g.leaves, g.reported));
    items.push_back(j);
  }
  return Response::json({{"by", by}, {"items", items}, {"method", kMethod}});
}

ReportFilter report_filter(const Request& req, const http::Principal& p, Result<void>& error) {
  ReportFilter f;
  f.state = req.query_param("state");
  if (!f.state.empty() && f.state != "enviado" && f.state != "devuelto" && f.state != "validado")
    error = fail(Error::bad_request("invalid_parameter", "«state» debe ser enviado, devuelto o validado.", "state"));
  for (auto [key, field] : {std::pair{"item_id", &f.item_id}, std::pair{"period_id", &f.period_id},
                            std::pair{"instrument_id", &f.instrument_id}, std::pair{"institution_id", &f.institution_id}}) {
    std::string v = req.query_param(key);
    if (v.empty()) continue;
    if (v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      error = fail(Error::bad_request("invalid_parameter", std::string("«") + key + "» debe ser un número.", key));
      continue;
    }
    *field = std::stoll(v);
  }
  // Object rule: without policy.validate, a user lists their own institution's reports.
  if (!p.can(kValidate)) f.institution_id = p.institution_id;
  f.limit = 5000;
  return f;
}

Table reports_table(const std::vector<ReportRow>& rows, const Names& n) {
  Table t{"reportes", "Reportes",
          {{"reporte", "Reporte"}, {"instrumento", "Instrumento"}, {"item", "Ítem"}, {"codigo", "Código"}, {"periodo", "Período"},
           {"institucion", "Institución"}, {"estado", "Estado"}, {"version", "Versión"}, {"estado_avance", "Estado de avance"},
           {"avance", "Avance (%)"}, {"avance_validado", "Avance validado (%)"}, {"enviado", "Enviado"}, {"narrativa", "Narrativa"}},
          {}};
  for (const auto& x : rows)
    t.rows.push_back({static_cast<double>(x.report.id), x.instrument_name, x.item_title, x.item_code, x.period_label,
                      n.institution(x.report.institution_id), state_es(x.report.state), static_cast<double>(x.current.version),
                      report_status_es(x.current.status), static_cast<double>(x.current.progress), opt_cell(x.report.validated_progress),
                      format_datetime_cl(x.current.submitted_at), x.current.narrative});
  return t;
}

// The items of an instrument (or of the subtree under one item) in tree order, with their published
// weights, indicator and validated figures.
Table items_table(Context& c, soci::session& s, const Instrument& ins, std::optional<int64_t> under) {
  auto items = Repository::items_of(s, ins.id);
  std::map<std::optional<int64_t>, std::vector<const Item*>> kids;
  std::map<int64_t, const Item*> by_id;
  std::set<int64_t> insts;
  for (const auto& i : items) {
    kids[i.parent_id].push_back(&i);
    by_id[i.id] = &i;
    insts.insert(i.institutions.begin(), i.institutions.end());
  }
  auto n = names_of(c, {}, insts);
  Table t{under ? "items-" + ins.code + "-" + std::to_string(*under) : "items-" + ins.code, "Ítems",
          {{"id", "Id"}, {"instrumento", "Instrumento"}, {"nivel", "Nivel"}, {"codigo", "Código"}, {"titulo", "Título"},
           {"item_superior", "Ítem superior"}, {"peso", "Peso", 2}, {"estado", "Estado"}, {"instituciones", "Instituciones responsables"},
           {"region", "Región (código)"}, {"indicador", "Indicador"}, {"unidad", "Unidad"}, {"linea_base", "Línea base", 2},
           {"meta", "Meta", 2}, {"avance_pct", "Avance validado (%)", 1}, {"items_considerados", "Ítems considerados"},
           {"con_reporte_validado", "Con reporte validado"}, {"sin_reporte", "Sin reporte"}},
          {}};
  std::function<void(std::optional<int64_t>)> walk = [&](std::optional<int64_t> parent) {
    for (const Item* i : kids[parent]) {
      std::string names;
      for (auto id : i->institutions) names += (names.empty() ? "" : "; ") + n.institution(id);
      t.rows.push_back({static_cast<double>(i->id), ins.name, level_es(i->level), i->code, i->title,
                        i->parent_id ? XlsxCell(static_cast<double>(*i->parent_id)) : XlsxCell(std::string()), i->weight, i->status,
                        names, i->region_id, i->indicator_name, i->indicator_unit, opt_cell(i->baseline), opt_cell(i->target),
                        round1(i->rolled_progress), static_cast<double>(i->leaves), static_cast<double>(i->reported),
                        static_cast<double>(i->leaves - i->reported)});
      walk(i->id);
    }
  };
  if (under) {
    if (by_id.count(*under)) walk(*under);
  } else {
    walk(std::nullopt);
  }
  return t;
}

Table periods_table(const Instrument& ins, const std::vector<Period>& periods) {
  Table t{"periodos-" + ins.code, "Períodos",
          {{"periodo", "Período"}, {"tipo", "Tipo"}, {"apertura", "Apertura"}, {"cierre", "Cierre"}, {"dias_gracia", "Días de gracia"},
           {"reabierto_hasta", "Reabierto hasta"}, {"motivo_reapertura", "Motivo de la reapertura"}, {"estado", "Estado"}},
          {}};
  const auto now = now_ms();
  for (const auto& p : periods) {
    Json j = period_json(p, now);
    t.rows.push_back({p.label, p.kind, j["opens_on"].get<std::string>(), j["closes_on"].get<std::string>(),
                      static_cast<double>(p.grace_days), j["reopened_until"].is_null() ? std::string() : j["reopened_until"].get<std::string>(),
                      p.reopen_reason, j["state_name"].get<std::string>()});
  }
  return t;
}

}  // namespace

void register_routes(http::Router& router, store::Database& db, std::shared_ptr<audit::Log> audit,
                     std::shared_ptr<auth::Service> auth) {
  auto ctx = std::make_shared<Context>(Context{db, std::move(audit), std::move(auth)});
  const std::string tag = "policy";
  auto extra = std::make_shared<ImportContext>(ImportContext{db, ctx->audit, ctx->auth});
  register_import_routes(router, extra);
  register_link_routes(router, extra);

  // ------------------------------------------------------------ public (validated data only)
  router.add({"GET", "/api/v1/policy/public/instruments", http::kPublic,
              "Instrumentos de política con su avance validado y las cifras de su fuente", tag, [ctx](Request&) -> Result<Response> {
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto figures = Repository::figures(s, std::nullopt);
                  Json items = Json::array();
                  for (const auto& i : Repository::instruments(s)) items.push_back(instrument_summary(i, figures));
                  return Response::json({{"items", items}, {"method", kMethod}});
                });
              }});
  router.add({"GET", "/api/v1/policy/public/instruments/{id}", http::kPublic,
              "Un instrumento: árbol de ítems con pesos publicados y avance validado, períodos", tag,
              [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto ins = Repository::instrument(s, *id);
                  if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                  return Response::json(instrument_detail(*ctx, s, *ins));
                });
              }});
  router.add({"GET", "/api/v1/policy/public/items/{id}", http::kPublic,
              "Detalle de una cifra: subítems y reportes validados que la sustentan", tag, [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto item = Repository::item(s, *id);
                  if (!item) return fail(Error::not_found("No existe un ítem con ese identificador."));
                  return Response::json(item_drilldown(*ctx, s, *item, nullptr));
                });
              }});
  router.add({"GET", "/api/v1/policy/public/rollup", http::kPublic,
              "Avance validado por instrumento, institución o región (by=instrument|institution|region)", tag,
              [ctx](Request& req) { return rollup_response(*ctx, req, Format::json); }});
  router.add({"GET", "/api/v1/policy/public/history", http::kPublic,
              "Avance validado de cada instrumento al cierre de cada período de reporte ya abierto (instrument=id opcional)", tag,
              [ctx](Request& req) -> Result<Response> {
                std::optional<int64_t> only;
                if (auto v = req.query_param("instrument"); !v.empty()) {
                  if (v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
                    return fail(Error::bad_request("invalid_parameter", "«instrument» debe ser un número.", "instrument"));
                  only = std::stoll(v);
                }
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  for (const auto& i : Repository::instruments(s)) {
                    if (only && i.id != *only) continue;
                    Json periods = Json::array();
                    const int64_t now = now_ms();
                    for (const auto& h : Repository::history(s, i.id)) {
                      if (h.period.opens_at > now) continue;  // not yet open: no point in time to show
                      Json p = {{"period_id", h.period.id}, {"label", h.period.label}, {"kind", h.period.kind}};
                      p.update(figure_json(h.figure.progress, h.figure.leaves, h.figure.reported));
                      periods.push_back(p);
                    }
                    items.push_back({{"id", i.id}, {"code", i.code}, {"name", i.name}, {"periods", periods}});
                  }
                  return Response::json({{"items", items}, {"method", kMethod}});
                });
              }});
  router.add({"GET", "/api/v1/policy/public/rollup.csv", http::kPublic, "Avance validado en CSV (RFC 4180, UTF-8 con BOM)", tag,
              [ctx](Request& req) { return rollup_response(*ctx, req, Format::csv); }});
  router.add({"GET", "/api/v1/policy/public/rollup.xlsx", http::kPublic, "Avance validado en XLSX (una hoja)", tag,
              [ctx](Request& req) { return rollup_response(*ctx, req, Format::xlsx); }});
  for (bool xlsx : {false, true}) {
    const std::string ext = xlsx ? ".xlsx" : ".csv";
    const std::string as = xlsx ? " en XLSX (una hoja)" : " en CSV (RFC 4180, UTF-8 con BOM)";
    router.add({"GET", "/api/v1/policy/public/instruments/{id}/items" + ext, http::kPublic,
                "Ítems de un instrumento con pesos, indicador y avance validado" + as + " (under=id: solo el subárbol de ese ítem)", tag,
                [ctx, xlsx](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                  std::optional<int64_t> under;
                  if (auto v = req.query_param("under"); !v.empty()) {
                    if (v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
                      return fail(Error::bad_request("invalid_parameter", "«under» debe ser un número.", "under"));
                    under = std::stoll(v);
                  }
                  return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                    auto ins = Repository::instrument(s, *id);
                    if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                    if (under) {
                      auto it = Repository::item(s, *under);
                      if (!it || it->instrument_id != ins->id)
                        return fail(Error::bad_request("invalid_parameter", "El ítem indicado no pertenece a este instrumento.", "under"));
                    }
                    return table_response(items_table(*ctx, s, *ins, under), xlsx);
                  });
                }});
    router.add({"GET", "/api/v1/policy/public/instruments/{id}/periods" + ext, http::kPublic,
                "Períodos de reporte de un instrumento" + as, tag, [xlsx, ctx](Request& req) -> Result<Response> {
                  auto id = http::path_id(req);
                  if (!id) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                  return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                    auto ins = Repository::instrument(s, *id);
                    if (!ins) return fail(Error::not_found("No existe un instrumento con ese identificador."));
                    return table_response(periods_table(*ins, Repository::periods(s, ins->id)), xlsx);
                  });
                }});
  }

  // ------------------------------------------------------------ reading with a session
  router.add({"GET", "/api/v1/policy/items/{id}", kRead,
              "Detalle de un ítem con todos sus reportes visibles para quien consulta, versiones y evidencias", tag,
              [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto item = Repository::item(s, *id);
                  if (!item) return fail(Error::not_found("No existe un ítem con ese identificador."));
                  return Response::json(item_drilldown(*ctx, s, *item, &req.who()));
                });
              }});
  // What the item form offers as responsible institutions: every active public body, through the
  // auth module's interface (its tables are its own). Pharmacies and companies report nothing here.
  router.add({"GET", "/api/v1/policy/institutions", kValidate, "Instituciones que pueden ser responsables de un ítem", tag,
              [ctx](Request&) -> Result<Response> {
                auto all = ctx->auth->list_institutions("", "", "");
                if (!all) return fail(all.error());
                Json items = Json::array();
                for (const auto& i : *all)
                  if (i.active && i.type != "pharmacy" && i.type != "company")
                    items.push_back({{"id", i.id}, {"name", i.name}, {"type", i.type}, {"region_id", i.region_id.empty() ? Json(nullptr) : Json(i.region_id)}});
                return Response::json({{"items", items}});
              }});
  router.add({"GET", "/api/v1/policy/my", kReport,
              "Mis ítems por reportar: compromisos de mi institución con sus períodos abiertos y el estado de cada reporte", tag,
              [ctx](Request& req) -> Result<Response> {
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  const auto& who = req.who();
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
                                  {"report_state_name", it == by.end() ? Json("Sin reporte") : Json(state_es(it->second.report.state))},
                                  {"review_comments", it == by.end() ? Json(nullptr) : opt_json(it->second.current.review_comments)}};
                        out.push_back(j);
                      }
                    }
                  }
                  return Response::json({{"items", out}});
                });
              }});
  router.add({"GET", "/api/v1/policy/reports", kRead,
              "Reportes (filtros state, item_id, period_id, instrument_id, institution_id); sin «policy.validate», solo los de su institución",
              tag, [ctx](Request& req) -> Result<Response> {
                Result<void> error;
                auto f = report_filter(req, req.who(), error);
                if (!error) return fail(error.error());
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto rows = Repository::reports(s, f);
                  std::set<int64_t> users, insts;
                  for (const auto& r : rows) {
                    users.insert(r.current.submitted_by);
                    if (r.current.reviewed_by) users.insert(*r.current.reviewed_by);
                    insts.insert(r.report.institution_id);
                  }
                  auto n = names_of(*ctx, users, insts);
                  Json items = Json::array();
                  for (const auto& r : rows) items.push_back(row_json(r, n));
                  return Response::json({{"items", items}});
                });
              }});
  for (bool xlsx : {false, true})
    router.add({"GET", xlsx ? "/api/v1/policy/reports.xlsx" : "/api/v1/policy/reports.csv", kRead,
                xlsx ? "Reportes en XLSX (una hoja), mismos filtros" : "Reportes en CSV (RFC 4180, UTF-8 con BOM), mismos filtros", tag,
                [ctx, xlsx](Request& req) -> Result<Response> {
                  Result<void> error;
                  auto f = report_filter(req, req.who(), error);
                  if (!error) return fail(error.error());
                  return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                    auto rows = Repository::reports(s, f);
                    std::set<int64_t> insts;
                    for (const auto& r : rows) insts.insert(r.report.institution_id);
                    return table_response(reports_table(rows, names_of(*ctx, {}, insts)), xlsx);
                  });
                }});
  router.add({"GET", "/api/v1/policy/reports/{id}", kRead, "Un reporte con sus versiones y evidencias", tag,
              [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un reporte con ese identificador."));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto r = Repository::report(s, *id);
                  Sight sight = r ? sight_of(req.who(), *r) : Sight::none;
                  if (sight == Sight::none) return fail(Error::not_found("No existe un reporte con ese identificador."));
                  return Response::json(report_detail(*ctx, s, *r, sight, true));
                });
              }});
  router.add({"GET", "/api/v1/policy/evidence/{id}", kRead, "Descargar un archivo de evidencia", tag,
              [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe ese archivo."));
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  auto e = Repository::evidence(s, *id);
                  auto r = e ? Repository::report(s, e->report_id) : std::nullopt;
                  Sight sight = r ? sight_of(req.who(), *r) : Sight::none;
                  if (sight == Sight::none || (sight == Sight::validated_only && e->version > r->validated_version.value_or(0)))
                    return fail(Error::not_found("No existe ese archivo."));
                  auto bytes = Repository::blob(s, e->sha256);
                  if (!bytes || crypto::sha256_hex(*bytes) != e->sha256) return fail(Error::internal());
                  Response res;
                  res.content_type = e->content_type;
                  res.body = *bytes;
                  res.compressible = false;
                  std::string safe;
                  for (char ch : e->filename) safe += (ch == '"' || ch == '\\') ? '_' : ch;
                  res.headers.push_back({"Content-Disposition", "attachment; filename=\"" + safe + "\""});
                  res.headers.push_back({"X-Content-SHA256", e->sha256});
                  return res;
                });
              }});

  // ------------------------------------------------------------ reporting
  http::Schema submit = {{"item_id", T::integer, true}, {"period_id", T::integer, true}, {"status", T::string, true, 20},
                         {"progress", T::integer, true}, {"narrative", T::string, true, 5000}};
  router.add({"POST", "/api/v1/policy/reports", kReport,
              "Enviar el reporte de un ítem para un período (o una nueva versión si fue devuelto)", tag,
              [ctx, submit](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, submit);
                if (!body) return fail(body.error());
                return submit_report(*ctx, req, *body);
              },
              submit});
  router.add({"POST", "/api/v1/policy/reports/{id}/evidence", kReport,
              "Adjuntar un archivo de evidencia (cuerpo: el archivo; ?filename=; PDF, PNG, JPG, DOCX, XLSX, CSV o TXT; máx. 1 MB)", tag,
              [ctx](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un reporte con ese identificador."));
                return upload_evidence(*ctx, req, *id);
              }});

  // ------------------------------------------------------------ validation and management
  router.add({"GET", "/api/v1/policy/queue", kValidate, "Cola de validación: reportes enviados, los más antiguos primero", tag,
              [ctx](Request&) -> Result<Response> {
                return with_session<Response>(ctx->db, [&](soci::session& s) -> Result<Response> {
                  ReportFilter f;
                  f.state = "enviado";
                  auto rows = Repository::reports(s, f);
                  std::set<int64_t> users, insts;
                  for (const auto& r : rows) {
                    users.insert(r.current.submitted_by);
                    insts.insert(r.report.institution_id);
                  }
                  auto n = names_of(*ctx, users, insts);
                  Json items = Json::array();
                  for (const auto& r : rows) items.push_back(row_json(r, n));
                  return Response::json({{"items", items}});
                });
              }});
  http::Schema review = {{"decision", T::string, true, 20}, {"comments", T::string, false, 2000}};
  router.add({"POST", "/api/v1/policy/reports/{id}/review", kValidate,
              "Validar o devolver con observaciones un reporte (no el propio)", tag,
              [ctx, review](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un reporte con ese identificador."));
                auto body = http::parse_body(req, review);
                if (!body) return fail(body.error());
                return review_report(*ctx, req, *id, *body);
              },
              review});
  http::Schema new_instrument = {{"code", T::string, true, 60},         {"name", T::string, true, 300},
                                 {"kind", T::string, true, 30},         {"start_year", T::integer},
                                 {"end_year", T::integer},              {"description", T::string, false, 3000},
                                 {"source", T::string, false, 1000}};
  router.add({"POST", "/api/v1/policy/instruments", kValidate, "Registrar un instrumento de política", tag,
              [ctx, new_instrument](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_instrument);
                if (!body) return fail(body.error());
                Instrument i;
                i.code = body_string(*body, "code");
                i.name = body_string(*body, "name");
                i.kind = body_string(*body, "kind");
                if (i.code.empty() || !std::all_of(i.code.begin(), i.code.end(), [](char ch) {
                      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
                    }))
                  return fail(Error::invalid("code", "El código admite minúsculas, dígitos y guiones.", "invalid_code"));
                if (i.name.empty()) return fail(Error::invalid("name", "Escriba el nombre del instrumento.", "required"));
                if (!is_instrument_kind(i.kind))
                  return fail(Error::invalid("kind", "El tipo debe ser plan, agenda, compromisos, pmg, agenda_regional u otro.", "invalid_kind"));
                if (body->contains("start_year")) i.start_year = (*body)["start_year"].get<int64_t>();
                if (body->contains("end_year")) i.end_year = (*body)["end_year"].get<int64_t>();
                i.description = body_string(*body, "description");
                i.source = body_string(*body, "source");
                return ctx->db.transaction<Response>([&](soci::session& s) -> Result<Response> {
                  if (Repository::instrument_id_by_code(s, i.code))
                    return fail(Error::conflict("duplicate_code", "Ya existe un instrumento con ese código.", "code"));
                  i.id = Repository::insert_instrument(s, i);
                  ctx->audit->append(s, audit::Log::from(req, "policy.instrument_create", "policy_instrument:" + std::to_string(i.id)));
                  return Response::json(instrument_summary(i, {}), 201);
                });
              },
              new_instrument});
  http::Schema item_fields = {{"instrument_id", T::integer}, {"parent_id", T::integer, false, 0, true},
                              {"level", T::string, false, 20}, {"code", T::string, false, 40},
                              {"title", T::string, false, 1000}, {"weight", T::number},
                              {"status", T::string, false, 20}, {"region_id", T::string, false, 2, true},
                              {"start_year", T::integer, false, 0, true}, {"end_year", T::integer, false, 0, true},
                              {"indicator_name", T::string, false, 300, true}, {"indicator_unit", T::string, false, 60, true},
                              {"baseline", T::number, false, 0, true}, {"target", T::number, false, 0, true},
                              {"indicator_value", T::number, false, 0, true}, {"numerator", T::number, false, 0, true},
                              {"denominator", T::number, false, 0, true}, {"source_note", T::string, false, 1000, true},
                              {"institution_ids", T::string_array, false, 50}};
  router.add({"POST", "/api/v1/policy/items", kValidate, "Agregar un ítem (eje, meta, compromiso, acción o medida) a un instrumento", tag,
              [ctx, item_fields](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, item_fields);
                if (!body) return fail(body.error());
                return create_item(*ctx, req, *body);
              },
              item_fields});
  auto patch_fields = item_fields;
  patch_fields.erase(std::remove_if(patch_fields.begin(), patch_fields.end(),
                                    [](const http::Field& f) { return f.name == "instrument_id" || f.name == "parent_id" || f.name == "level"; }),
                     patch_fields.end());
  router.add({"PATCH", "/api/v1/policy/items/{id}", kValidate,
              "Modificar un ítem: título, peso (se recalcula el avance), estado, responsables, indicador", tag,
              [ctx, patch_fields](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un ítem con ese identificador."));
                auto body = http::parse_body(req, patch_fields);
                if (!body) return fail(body.error());
                return update_item(*ctx, req, *id, *body);
              },
              patch_fields});
  http::Schema new_period = {{"instrument_id", T::integer, true}, {"kind", T::string, true, 20}, {"year", T::integer, true},
                             {"semester", T::integer, false, 0, true}, {"opens_on", T::string, false, 10},
                             {"closes_on", T::string, false, 10}, {"grace_days", T::integer}};
  router.add({"POST", "/api/v1/policy/periods", kValidate,
              "Abrir un período de reporte (semestre o año) con su calendario y plazo de gracia", tag,
              [ctx, new_period](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_period);
                if (!body) return fail(body.error());
                return create_period(*ctx, req, *body);
              },
              new_period});
  http::Schema reopen = {{"until", T::string, true, 10}, {"reason", T::string, true, 500}};
  router.add({"POST", "/api/v1/policy/periods/{id}/reopen", kValidate, "Reabrir un período cerrado hasta una fecha, con motivo", tag,
              [ctx, reopen](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(Error::not_found("No existe un período con ese identificador."));
                auto body = http::parse_body(req, reopen);
                if (!body) return fail(body.error());
                return reopen_period(*ctx, req, *id, *body);
              },
              reopen});
}

}  // namespace eq::policy
