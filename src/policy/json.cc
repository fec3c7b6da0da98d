// Policy structs → the API's JSON (see json.h).
#include "policy/json.h"

#include <cmath>

#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"

namespace eq::policy {

namespace {
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
}  // namespace

std::string Names::user(int64_t id) const {
  auto it = users.find(id);
  return it == users.end() ? std::string() : it->second;
}
std::string Names::institution(int64_t id) const {
  auto it = institutions.find(id);
  return it == institutions.end() ? std::string() : it->second;
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }

Json opt_json(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json figure_json(double progress, int64_t leaves, int64_t reported) {
  return {{"progress", round1(progress)},
          {"progress_text", format_percent(progress, 1)},
          {"leaves", leaves},
          {"reported", reported},
          {"sin_reporte", leaves - reported}};
}

namespace {

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

}  // namespace

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


Json period_json(const Period& p, int64_t now) {
  auto st = period_state(p, now);
  Json j = {{"id", p.id}, {"instrument_id", p.instrument_id}, {"label", p.label}, {"kind", p.kind}, {"year", p.year},
            {"semester", p.semester ? Json(p.semester) : Json(nullptr)}, {"opens_on", format_date_cl(p.opens_at)},
            {"closes_on", format_date_cl(p.closes_at - kDayMs / 2)}, {"grace_days", p.grace_days},
            {"reopened_until", p.reopened_until ? Json(format_date_cl(*p.reopened_until - kDayMs / 2)) : Json(nullptr)},
            {"reopen_reason", opt_json(p.reopen_reason)}, {"state", st}, {"state_name", period_state_es(st)},
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
          {"state_name", report_state_es(r.report.state)},
          {"current", version_json(r.current, n)},
          {"current_version", r.report.current_version},
          {"validated_version", opt_json(r.report.validated_version)},
          {"validated_progress", opt_json(r.report.validated_progress)},
          {"updated_at", format_datetime_cl(r.report.updated_at)}};
}

// Object rule for reading a report: validators see all; the reporting institution sees its own;
// anyone with policy.read sees validated ones (only their validated version).
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
// ---------------------------------------------------------------- reading a request body

Result<int64_t> body_id(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fail(Error::invalid(key, std::string("Indique «") + key + "».", "required"));
  return it->get<int64_t>();
}

std::optional<double> body_double(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  return it->get<double>();
}

}  // namespace eq::policy
