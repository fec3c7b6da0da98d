// HTTP handlers of the studies catalogue. Parse, ask the service (which asks studies/access.h about
// the object), answer. The public catalogue needs no account; the editor's routes need studies.edit.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "core/try.h"
#include "http/body.h"
#include "http/fields.h"
#include "store/with_session.h"
#include "studies/access.h"
#include "studies/module.h"

namespace eq::studies {

namespace {

using http::Json, http::Request, http::Response, store::with_session;
const auto principal = access::caller;

// ------------------------------------------------------------------ answers

Json vocab_item(const Vocabulary& v, const std::string& id) { return {{"id", id}, {"name", v.label(id)}}; }

std::string size_label(int64_t bytes) {
  if (bytes < 1000) return format_integer(bytes) + " bytes";
  return format_decimal(static_cast<double>(bytes) / 1000.0, 1) + " kB";
}

Json finding_json(const Finding& f) {
  return {{"text", f.text},
          {"figure", f.figure ? Json(*f.figure) : Json(nullptr)},
          {"decimals", f.decimals},
          {"unit", f.unit},
          {"figure_label", figure_label(f)},
          {"source", f.source}};
}

Json study_json(const Service& svc, const Study& x, bool full) {
  Json themes = Json::array(), regions = Json::array(), findings = Json::array();
  for (const auto& t : x.themes) themes.push_back(vocab_item(studies::themes(), t));
  for (const auto& r : x.regions) regions.push_back({{"id", r}, {"name", svc.region_name(r)}});
  for (const auto& f : x.findings) findings.push_back(finding_json(f));
  Json j = {{"id", x.id},
            {"title", x.title},
            {"kind", vocab_item(kinds(), x.kind)},
            {"year", x.year},
            {"themes", themes},
            {"partners", x.partners},
            {"executor", x.executor},
            {"regions", regions},
            {"national", x.regions.empty()},
            {"summary", x.summary},
            {"status", vocab_item(statuses(), x.status)},
            {"withdrawn_reason", x.withdrawn_reason},
            {"version", x.version},
            {"published_on", x.published_at ? Json(format_date_cl(x.published_at)) : Json(nullptr)},
            {"updated_on", format_date_cl(x.updated_at)},
            {"link", "/estudios/" + std::to_string(x.id)},
            {"findings", findings},
            {"source", x.source},
            {"demo", x.demo}};
  if (!full) return j;
  j["fieldwork"] = {{"start", {{"value", x.fieldwork_start}, {"label", date_label(x.fieldwork_start)}}},
                    {"end", {{"value", x.fieldwork_end}, {"label", date_label(x.fieldwork_end)}}}};
  const auto& m = x.method;
  j["method"] = {{"technique", m.technique},
                 {"universe", m.universe},
                 {"sample_size", m.sample_size ? Json(*m.sample_size) : Json(nullptr)},
                 {"sample_label", m.sample_size ? Json(format_integer(*m.sample_size)) : Json(nullptr)},
                 {"margin_error", m.margin_error ? Json(*m.margin_error) : Json(nullptr)},
                 {"margin_label", m.margin_error ? Json("±" + format_decimal(*m.margin_error, 1) + " puntos porcentuales") : Json(nullptr)}};
  Json files = Json::array();
  for (const auto& f : x.files)
    files.push_back({{"id", f.id},
                     {"title", f.title},
                     {"filename", f.filename},
                     {"content_type", f.content_type},
                     {"size", f.size},
                     {"size_label", size_label(f.size)},
                     {"sha256", f.sha256},
                     {"uploaded_on", format_date_cl(f.uploaded_at)},
                     {"url", "/api/v1/studies/public/files/" + std::to_string(f.id)}});
  j["files"] = files;
  return j;
}

std::string action_label(const std::string& a) {
  static const std::map<std::string, std::string> labels = {{"publicacion", "Publicación"},
                                                            {"edicion", "Modificación después de publicado"},
                                                            {"retiro", "Retiro"},
                                                            {"archivo_agregado", "Archivo agregado"},
                                                            {"archivo_retirado", "Archivo retirado"}};
  auto it = labels.find(a);
  return it == labels.end() ? a : it->second;
}

Json revisions_json(const std::vector<Revision>& list, bool who) {
  Json out = Json::array();
  for (const auto& r : list) {
    Json j = {{"version", r.version}, {"action", r.action},  {"action_label", action_label(r.action)}, {"reason", r.reason},
              {"at", format_datetime_cl(r.at)}, {"before", r.before}, {"after", r.after}};
    j["by"] = who ? Json(r.by_name) : Json(nullptr);
    out.push_back(j);
  }
  return out;
}

Json vocabularies(const Service& svc) {
  Json regions = Json::array();
  for (const auto& r : svc.regions()) regions.push_back({{"id", r.id}, {"name", r.name}});
  return {{"kinds", http::vocabulary_json(kinds())},
          {"themes", http::vocabulary_json(themes())},
          {"units", http::vocabulary_json(units())},
          {"statuses", http::vocabulary_json(statuses())},
          {"regions", regions}};
}

// Counts of each theme, kind, year, region and partner among `list` (the screen's filters).
Json facets(const Service& svc, const std::vector<Study>& list) {
  std::map<std::string, int64_t> theme, kind, region, partner;
  std::map<int64_t, int64_t> year;
  for (const auto& x : list) {
    for (const auto& t : x.themes) ++theme[t];
    ++kind[x.kind];
    ++year[x.year];
    for (const auto& r : x.regions) ++region[r];
    for (const auto& p : x.partners) ++partner[p];
  }
  auto from_vocab = [](const Vocabulary& v, const std::map<std::string, int64_t>& n) {
    Json out = Json::array();
    for (const auto& t : v.terms())
      if (n.count(t.id)) out.push_back({{"id", t.id}, {"name", t.label}, {"count", n.at(t.id)}});
    return out;
  };
  Json years = Json::array(), regions = Json::array(), partners = Json::array();
  for (auto it = year.rbegin(); it != year.rend(); ++it) years.push_back({{"id", it->first}, {"name", std::to_string(it->first)}, {"count", it->second}});
  for (const auto& r : svc.regions())
    if (region.count(r.id)) regions.push_back({{"id", r.id}, {"name", r.name}, {"count", region[r.id]}});
  for (const auto& [name, n] : partner) partners.push_back({{"id", name}, {"name", name}, {"count", n}});
  return {{"themes", from_vocab(themes(), theme)}, {"kinds", from_vocab(kinds(), kind)}, {"years", years}, {"regions", regions}, {"partners", partners}};
}

// ------------------------------------------------------------------ parsing

bool known_region(const Service& svc, const std::string& id) {
  return std::any_of(svc.regions().begin(), svc.regions().end(), [&](const territory::Region& r) { return r.id == id; });
}

// The catalogue's filters from the query string: an unknown code is a 422 naming the parameter.
Result<Filter> read_filter(const Service& svc, const Request& req) {
  Filter f;
  f.q = trim(req.query_param("q"));
  if (http::utf8_length(f.q) > 200) return fail(Error::bad_request("invalid_parameter", "La búsqueda admite a lo más 200 caracteres.", "q"));
  f.theme = req.query_param("theme");
  if (!f.theme.empty() && !themes().contains(f.theme))
    return fail(Error::bad_request("invalid_parameter", "El tema indicado no existe. Use: " + themes().ids_text() + ".", "theme"));
  f.kind = req.query_param("kind");
  if (!f.kind.empty() && !kinds().contains(f.kind))
    return fail(Error::bad_request("invalid_parameter", "El tipo de estudio indicado no existe. Use: " + kinds().ids_text() + ".", "kind"));
  f.region = req.query_param("region");
  if (!f.region.empty() && !known_region(svc, f.region)) return fail(Error::bad_request("invalid_parameter", "La región indicada no existe.", "region"));
  f.partner = trim(req.query_param("partner"));
  const std::string year = req.query_param("year");
  if (!year.empty()) {
    if (year.size() != 4 || !std::all_of(year.begin(), year.end(), [](unsigned char c) { return std::isdigit(c); }))
      return fail(Error::bad_request("invalid_parameter", "Indique el año con cuatro dígitos.", "year"));
    f.year = std::stoll(year);
  }
  return f;
}

// A list of strings (`max` at most, each `max_chars`); absent: empty.
Result<std::vector<std::string>> strings(const Json& body, const char* key, size_t max, size_t max_chars) {
  std::vector<std::string> out;
  if (!body.contains(key) || body[key].is_null()) return out;
  if (!body[key].is_array()) return fail(http::invalid_type(key, "una lista"));
  if (body[key].size() > max) return fail(Error::invalid(key, "Indique a lo más " + std::to_string(max) + " elementos.", "too_many"));
  for (size_t i = 0; i < body[key].size(); ++i) {
    const std::string field = std::string(key) + "[" + std::to_string(i) + "]";
    const Json& v = body[key][i];
    if (!v.is_string()) return fail(http::invalid_type(field, "un texto"));
    const std::string t = trim(v.get<std::string>());
    if (t.empty()) return fail(Error::invalid(field, "El elemento está vacío.", "required"));
    if (http::utf8_length(t) > max_chars || http::has_control_chars(t))
      return fail(Error::invalid(field, "Texto no válido (máximo " + std::to_string(max_chars) + " caracteres).", "invalid_text"));
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

Result<std::optional<double>> number(const Json& obj, const char* key, const std::string& field, double min, double max) {
  if (!obj.contains(key) || obj[key].is_null()) return std::optional<double>{};
  if (!obj[key].is_number()) return fail(http::invalid_type(field, "un número"));
  const double v = obj[key].get<double>();
  if (v < min || v > max)
    return fail(Error::invalid(field, "El valor debe estar entre " + format_decimal(min, 0) + " y " + format_decimal(max, 0) + ".", "out_of_range"));
  return std::optional<double>{v};
}

// A partial date of fieldwork ("dd-mm-aaaa", "mm-aaaa", "aaaa"); "" when unknown. Fieldwork may be
// planned ahead, so the parser's clock is set five years on.
Result<std::string> partial_date(http::FieldReader& in, const char* key) {
  EQ_TRY(text, in.text(key, {.max_chars = 20}));
  EQ_TRY(d, parse_birth_date(*text, now_ms() + 5LL * 365 * 86400000LL, in.name(key)));
  return format_partial_date(*d);
}

Result<std::vector<Finding>> read_findings(const Json& body) {
  std::vector<Finding> out;
  if (!body.contains("findings") || body["findings"].is_null()) return out;
  if (!body["findings"].is_array()) return fail(http::invalid_type("findings", "una lista"));
  const Json& list = body["findings"];
  if (list.size() > 50) return fail(Error::invalid("findings", "Indique a lo más 50 hallazgos.", "too_many"));
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string prefix = "findings[" + std::to_string(i) + "]";
    if (!list[i].is_object()) return fail(http::invalid_type(prefix, "un objeto"));
    http::FieldReader r(list[i], prefix);
    Finding f;
    EQ_TRY(text, r.text("text", {.required = true, .max_chars = 600}));
    f.text = *text;
    r.skip("figure");
    EQ_TRY(figure, number(list[i], "figure", prefix + ".figure", -1e12, 1e12));
    f.figure = *figure;
    EQ_TRY(decimals, r.integer("decimals", {.min = 0, .max = 3}));
    f.decimals = static_cast<int>(decimals->value_or(0));
    EQ_TRY(unit, r.text("unit", {.required = f.figure.has_value(), .max_chars = 40}));
    if (!unit->empty() && !units().contains(*unit))
      return fail(Error::invalid(r.name("unit"), "La unidad indicada no existe. Use: " + units().ids_text() + ".", "unknown_code"));
    f.unit = f.figure ? *unit : "";
    EQ_TRY(source, r.text("source", {.max_chars = 1000}));
    f.source = *source;
    if (auto ok = r.no_unknown(); !ok) return fail(ok.error());
    out.push_back(f);
  }
  return out;
}

// The editor's form: the whole study (a PUT replaces it) and, for a published one, the reason.
Result<std::pair<Study, std::string>> read_study(const Service& svc, const Request& req) {
  EQ_TRY(body, http::json_object_body(req));
  http::FieldReader in(*body);
  Study x;
  EQ_TRY(title, in.text("title", {.required = true, .max_chars = 300}));
  x.title = *title;
  EQ_TRY(kind, in.text("kind", {.required = true, .max_chars = 40}));
  if (!kinds().contains(*kind)) return fail(Error::invalid("kind", "El tipo de estudio indicado no existe. Use: " + kinds().ids_text() + ".", "unknown_code"));
  x.kind = *kind;
  EQ_TRY(year, in.integer("year", {.required = true, .min = 1990, .max = 2100}));
  x.year = **year;
  EQ_TRY(start, partial_date(in, "fieldwork_start"));
  EQ_TRY(end, partial_date(in, "fieldwork_end"));
  if (ends_before(read_partial_date(*start), read_partial_date(*end)))
    return fail(Error::invalid("fieldwork_end",
                               "El término del trabajo de campo (" + date_label(*end) + ") es anterior a su inicio (" + date_label(*start) + ").",
                               "end_before_start"));
  x.fieldwork_start = *start;
  x.fieldwork_end = *end;
  in.skip("themes");
  EQ_TRY(theme_list, strings(*body, "themes", 10, 40));
  if (theme_list->empty()) return fail(Error::invalid("themes", "Indique al menos un tema: " + themes().ids_text() + ".", "required"));
  for (size_t i = 0; i < theme_list->size(); ++i)
    if (!themes().contains((*theme_list)[i]))
      return fail(Error::invalid("themes[" + std::to_string(i) + "]", "El tema «" + (*theme_list)[i] + "» no existe. Use: " + themes().ids_text() + ".",
                                 "unknown_code"));
  x.themes = *theme_list;
  EQ_TRY(summary, in.text("summary", {.max_chars = 4000}));
  x.summary = *summary;
  EQ_TRY(executor, in.text("executor", {.max_chars = 300}));
  x.executor = *executor;
  in.skip("partners");
  EQ_TRY(partners, strings(*body, "partners", 20, 200));
  x.partners = *partners;
  in.skip("regions");
  EQ_TRY(regions, strings(*body, "regions", 16, 10));
  for (size_t i = 0; i < regions->size(); ++i)
    if (!known_region(svc, (*regions)[i]))
      return fail(Error::invalid("regions[" + std::to_string(i) + "]", "La región indicada no existe.", "unknown_code"));
  x.regions = *regions;
  in.skip("method");
  if (body->contains("method") && !(*body)["method"].is_null()) {
    const Json& m = (*body)["method"];
    if (!m.is_object()) return fail(http::invalid_type("method", "un objeto"));
    http::FieldReader mr(m, "method");
    EQ_TRY(technique, mr.text("technique", {.max_chars = 500}));
    x.method.technique = *technique;
    EQ_TRY(universe, mr.text("universe", {.max_chars = 500}));
    x.method.universe = *universe;
    EQ_TRY(sample, mr.integer("sample_size", {.min = 1, .max = 100000000}));
    x.method.sample_size = *sample;
    mr.skip("margin_error");
    EQ_TRY(margin, number(m, "margin_error", "method.margin_error", 0, 100));
    x.method.margin_error = *margin;
    if (auto ok = mr.no_unknown(); !ok) return fail(ok.error());
  }
  in.skip("findings");
  EQ_TRY(findings, read_findings(*body));
  x.findings = *findings;
  EQ_TRY(reason, in.text("reason", {.max_chars = 1000}));
  if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
  return std::pair<Study, std::string>{x, *reason};
}

Result<Response> study_answer(Service& svc, const Request& req, const Study& x, int status = 200) {
  EQ_TRY(revs, svc.history(x.id));
  Json j = study_json(svc, x, true);
  j["revisions"] = revisions_json(*revs, access::may_see_who(principal(req)));
  return Response::json(j, status);
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  const std::string tag = "studies";
  // ------------------------------------------------------------------ public
  router.add({"GET", "/api/v1/studies/public/studies", http::kPublic,
              "Catálogo público de estudios y encuestas: búsqueda (sin acentos) y filtros por tema, tipo, año, región y contraparte", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(filter, read_filter(*svc, req));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  const auto list = repo::studies(s, *filter);
                  Json items = Json::array();
                  for (const auto& x : list) items.push_back(study_json(*svc, x, false));
                  return Response::json({{"items", items}, {"facets", facets(*svc, list)}, {"vocabularies", vocabularies(*svc)}});
                });
              }});
  router.add({"GET", "/api/v1/studies/public/studies/{id}", http::kPublic,
              "Un estudio publicado (o retirado, con su motivo): hallazgos, método, contrapartes, archivos y versiones", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(x, svc->read(req, *id));
                // A draft is reached here only by its staff; to them it says so, the public never sees it.
                return study_answer(*svc, req, *x);
              }});
  router.add({"GET", "/api/v1/studies/public/files/{id}", http::kPublic, "Descargar un archivo de un estudio publicado", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(file, svc->download(req, *id));
                Response res;
                res.content_type = file->first.content_type;
                res.body = std::move(file->second);
                res.compressible = false;
                std::string safe;
                for (char ch : file->first.filename) safe += (ch == '"' || ch == '\\') ? '_' : ch;
                res.headers.push_back({"Content-Disposition", "attachment; filename=\"" + safe + "\""});
                res.headers.push_back({"X-Content-SHA256", file->first.sha256});
                return res;
              }});

  // ------------------------------------------------------------------ editor
  router.add({"GET", "/api/v1/studies/editor/studies", "studies.edit", "Estudios del Ministerio, borradores incluidos", tag,
              [svc](Request& req) -> Result<Response> {
                if (!access::may_edit(principal(req))) return fail(Error::forbidden());
                EQ_TRY(filter, read_filter(*svc, req));
                filter->public_only = false;
                const std::string status = req.query_param("status");
                if (!status.empty() && !statuses().contains(status))
                  return fail(Error::bad_request("invalid_parameter", "El estado indicado no existe. Use: " + statuses().ids_text() + ".", "status"));
                return with_session<Response>(svc->db(), [&](soci::session& s) -> Result<Response> {
                  Json items = Json::array();
                  std::map<std::string, int64_t> by_status;
                  for (const auto& x : repo::studies(s, *filter)) {
                    ++by_status[x.status];
                    if (status.empty() || x.status == status) items.push_back(study_json(*svc, x, false));
                  }
                  return Response::json({{"items", items}, {"by_status", by_status}, {"vocabularies", vocabularies(*svc)}});
                });
              }});
  router.add({"GET", "/api/v1/studies/editor/studies/{id}", "studies.edit", "Un estudio (también un borrador) con sus versiones y quién las hizo", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(x, svc->read(req, *id));
                return study_answer(*svc, req, *x);
              }});
  router.add({"POST", "/api/v1/studies/editor/studies", "studies.edit", "Registrar un estudio (queda como borrador)", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(form, read_study(*svc, req));
                EQ_TRY(id, svc->create(req, form->first));
                EQ_TRY(x, svc->read(req, *id));
                return study_answer(*svc, req, *x, 201);
              }});
  router.add({"PUT", "/api/v1/studies/editor/studies/{id}", "studies.edit",
              "Modificar un estudio (uno publicado exige el motivo y queda registrado como nueva versión)", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(form, read_study(*svc, req));
                EQ_TRY(x, svc->edit(req, *id, form->first, form->second));
                return study_answer(*svc, req, *x);
              }});
  router.add({"POST", "/api/v1/studies/editor/studies/{id}/publish", "studies.edit", "Publicar un borrador en el catálogo público", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(x, svc->publish(req, *id));
                return study_answer(*svc, req, *x);
              }});
  router.add({"POST", "/api/v1/studies/editor/studies/{id}/withdraw", "studies.edit",
              "Retirar un estudio publicado (su página se mantiene con el motivo)", tag, [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(body, http::json_object_body(req));
                http::FieldReader in(*body);
                EQ_TRY(reason, in.text("reason", {.required = true, .max_chars = 1000}));
                if (auto ok = in.no_unknown(); !ok) return fail(ok.error());
                EQ_TRY(x, svc->withdraw(req, *id, *reason));
                return study_answer(*svc, req, *x);
              }});
  router.add({"POST", "/api/v1/studies/editor/studies/{id}/files", "studies.edit",
              "Adjuntar un archivo (cuerpo: el archivo; ?filename=&title=; PDF, CSV, XLSX u ODS; máx. 1 MB)", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                const std::string title = trim(req.query_param("title"));
                if (http::utf8_length(title) > 300 || http::has_control_chars(title))
                  return fail(Error::invalid("title", "El título del archivo admite a lo más 300 caracteres.", "invalid_text"));
                EQ_TRY(f, svc->add_file(req, *id, title, trim(req.query_param("filename"))));
                return Response::json({{"id", f->id}, {"filename", f->filename}, {"sha256", f->sha256}, {"size", f->size},
                                       {"content_type", f->content_type}, {"url", "/api/v1/studies/public/files/" + std::to_string(f->id)}},
                                      201);
              }});
  router.add({"DELETE", "/api/v1/studies/editor/studies/{id}/files/{file}", "studies.edit", "Quitar un archivo de un estudio", tag,
              [svc](Request& req) -> Result<Response> {
                EQ_TRY(id, http::path_id(req));
                EQ_TRY(file, http::path_id(req, "file"));
                EQ_TRY(ok, svc->remove_file(req, *id, *file));
                return Response::json({{"removed", *file}});
              }});
}

}  // namespace eq::studies
