// The SEG catalogue editor: the stewarding institution (or the ministry's analyst) creates and
// edits an indicator's definition. Every field is checked with a Spanish error naming it; a save
// is one transaction (the indicator, its new version, the audit entry) or nothing. Versions: every
// saved definition is kept; when a published definition changes, modified_at says when, and the
// public page shows the earlier published definitions.
#include <algorithm>
#include <cmath>
#include <ctime>
#include <regex>

#include "core/format_cl.h"
#include "core/text.h"
#include "core/time.h"
#include "indicators/access.h"
#include "indicators/service.h"
#include "store/with_session.h"

namespace eq::indicators {

namespace {

const std::vector<std::string> kPeriodicities = {"anual", "trimestral", "mensual"};
const std::vector<std::string> kDimensions = {"sexo", "region", "edad"};
const std::vector<std::string> kStatuses = {"borrador", "publicado", "retirado"};

// Names of the sources the platform computes; a key without a name here shows its key.
const std::map<std::string, std::string>& source_labels() {
  static const std::map<std::string, std::string> all = {
      {"empresas_directorio", "Reporte de empresas (esta plataforma): mujeres en directorios, todas las empresas elegibles"},
      {"policy_pmg_genero", "Seguimiento de políticas (esta plataforma): avance validado del PMG de Género"},
  };
  return all;
}

size_t utf8_length(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

int current_year() {
  const std::time_t t = static_cast<std::time_t>(now_ms() / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

// The definition as stored in a version (what a reader sees; not status, version or dates).
Json definition_json(const Indicator& i) {
  return {{"code", i.code},           {"name", i.name},
          {"definition", i.definition}, {"numerator", i.numerator},
          {"denominator", i.denominator}, {"unit", i.unit},
          {"factor", i.factor},       {"decimals", i.decimals},
          {"periodicity", i.periodicity}, {"source", i.source},
          {"steward_institution_id", i.steward_institution_id}, {"disaggregations", i.disaggregations},
          {"origin", i.origin},       {"first_year", i.first_year},
          {"grace_days", i.grace_days}};
}

Result<std::string> text_field(const Json& body, const std::string& field, const std::string& label, size_t max, bool required = true) {
  std::string v = body.contains(field) && body[field].is_string() ? trim(body[field].get<std::string>()) : "";
  if (v.empty() && required) return fail(Error::invalid(field, "Escriba " + label + ".", "required"));
  if (utf8_length(v) > max)
    return fail(Error::invalid(field, "«" + label + "» admite hasta " + format_integer(static_cast<int64_t>(max)) + " caracteres.", "too_long"));
  return v;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> Service::computable_sources() const {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> keys = {"empresas_directorio"};
  if (sources_)
    for (const auto& [k, fn] : sources_->series) keys.insert(k);
  for (const auto& k : keys) {
    auto it = source_labels().find(k);
    out.emplace_back(k, it == source_labels().end() ? k : it->second);
  }
  return out;
}

Result<Indicator> Service::parse_definition(const http::Principal& who, const Json& body, Indicator i) {
  // Code: letters, digits and hyphens, as the SEG spells them (SEG-TPL-M).
  auto code = text_field(body, "code", "el código", 40);
  if (!code) return fail(code.error());
  std::string up = *code;
  for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const std::regex code_re("^[A-Z0-9][A-Z0-9-]{1,39}$");
  if (!std::regex_match(up, code_re))
    return fail(Error::invalid("code", "El código admite letras sin tilde, dígitos y guiones (por ejemplo SEG-TPL-M), de 2 a 40 caracteres.",
                               "invalid_code"));
  i.code = up;
  struct Text {
    const char* field;
    const char* label;
    size_t max;
    std::string* out;
  };
  for (const Text& t : {Text{"name", "el nombre", 200, &i.name}, Text{"definition", "la definición", 2000, &i.definition},
                        Text{"numerator", "el numerador", 500, &i.numerator}, Text{"denominator", "el denominador", 500, &i.denominator},
                        Text{"unit", "la unidad (por ejemplo %)", 30, &i.unit}, Text{"source", "la fuente", 300, &i.source}}) {
    auto v = text_field(body, t.field, t.label, t.max);
    if (!v) return fail(v.error());
    *t.out = *v;
  }
  if (!body.contains("factor") || !body["factor"].is_number())
    return fail(Error::invalid("factor", "Indique el factor (100 para un porcentaje, 1 para un cociente).", "required"));
  i.factor = body["factor"].get<double>();
  if (!std::isfinite(i.factor) || i.factor <= 0 || i.factor > 1e6)
    return fail(Error::invalid("factor", "El factor debe ser mayor que 0 y como máximo 1.000.000.", "out_of_range"));
  if (!body.contains("decimals") || !body["decimals"].is_number_integer())
    return fail(Error::invalid("decimals", "Indique los decimales con que se publica (un entero de 0 a 4).", "required"));
  const auto dec = body["decimals"].get<int64_t>();
  if (dec < 0 || dec > 4)
    return fail(Error::invalid("decimals", "Los decimales van de 0 a 4; se recibió " + std::to_string(dec) + ".", "out_of_range"));
  i.decimals = static_cast<int>(dec);
  const std::string per = body.contains("periodicity") && body["periodicity"].is_string() ? body["periodicity"].get<std::string>() : "";
  if (std::find(kPeriodicities.begin(), kPeriodicities.end(), per) == kPeriodicities.end())
    return fail(Error::invalid("periodicity", "Periodicidad desconocida «" + per + "»: use anual, trimestral o mensual.", "unknown_periodicity"));
  i.periodicity = per;

  if (!body.contains("steward_institution_id") || !body["steward_institution_id"].is_number_integer())
    return fail(Error::invalid("steward_institution_id", "Elija la institución responsable del indicador.", "required"));
  const auto steward = body["steward_institution_id"].get<int64_t>();
  if (auto ok = check_steward_choice(who, steward); !ok) return fail(ok.error());
  if (steward != who.institution_id && names({steward}).count(steward) == 0)
    return fail(Error::invalid("steward_institution_id", "La institución responsable elegida no existe.", "unknown_institution"));
  i.steward_institution_id = steward;

  std::vector<std::string> dims;
  if (body.contains("disaggregations")) {
    if (!body["disaggregations"].is_array())
      return fail(Error::invalid("disaggregations", "Las desagregaciones son una lista (sexo, region, edad).", "invalid_type"));
    for (const auto& d : body["disaggregations"]) {
      const std::string v = d.is_string() ? d.get<std::string>() : "";
      if (std::find(kDimensions.begin(), kDimensions.end(), v) == kDimensions.end())
        return fail(Error::invalid("disaggregations", "Desagregación desconocida «" + v + "»: use sexo, region o edad.", "unknown_disaggregation"));
      if (std::find(dims.begin(), dims.end(), v) == dims.end()) dims.push_back(v);
    }
  }
  std::string joined;
  for (const auto& d : kDimensions)  // stored in one order, whatever order they came in
    if (std::find(dims.begin(), dims.end(), d) != dims.end()) joined += (joined.empty() ? "" : ",") + d;
  i.disaggregations = joined;

  const std::string origin = body.contains("origin") && body["origin"].is_string() ? body["origin"].get<std::string>() : "upload";
  if (origin != "upload") {
    const auto sources = computable_sources();
    const bool known = origin.rfind("platform:", 0) == 0 &&
                       std::any_of(sources.begin(), sources.end(), [&](const auto& s) { return "platform:" + s.first == origin; });
    if (!known)
      return fail(Error::invalid("origin", "Origen desconocido «" + origin + "»: la serie se carga («upload») o se calcula desde una fuente de la plataforma.",
                                 "unknown_source"));
  }
  i.origin = origin;

  const int this_year = current_year();
  if (!body.contains("first_year") || !body["first_year"].is_number_integer())
    return fail(Error::invalid("first_year", "Indique el primer año de la serie.", "required"));
  const auto fy = body["first_year"].get<int64_t>();
  if (fy < 1990 || fy > this_year)
    return fail(Error::invalid("first_year", "El primer año va de 1990 a " + std::to_string(this_year) + ".", "out_of_range"));
  i.first_year = static_cast<int>(fy);
  if (body.contains("grace_days")) {
    if (!body["grace_days"].is_number_integer() || body["grace_days"].get<int64_t>() < 0 || body["grace_days"].get<int64_t>() > 730)
      return fail(Error::invalid("grace_days", "El plazo para informar va de 0 a 730 días después del cierre del período.", "out_of_range"));
    i.grace_days = static_cast<int>(body["grace_days"].get<int64_t>());
  }
  const std::string status = body.contains("status") && body["status"].is_string() ? body["status"].get<std::string>() : "borrador";
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end())
    return fail(Error::invalid("status", "Estado desconocido «" + status + "»: borrador, publicado o retirado.", "unknown_status"));
  i.status = status;
  return i;
}

Result<Json> Service::editor_options(const http::Request& req) {
  const auto& who = req.who();
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    std::set<int64_t> ids = {who.institution_id};
    if (edits_any_institution(who))
      for (const auto& i : Repository::indicators(s)) ids.insert(i.steward_institution_id);
    auto n = names(ids);
    Json inst = Json::array();
    for (int64_t id : ids) inst.push_back({{"id", id}, {"name", n.count(id) ? n.at(id) : "Institución " + std::to_string(id)}});
    Json sources = Json::array();
    for (const auto& [k, label] : computable_sources()) sources.push_back({{"key", "platform:" + k}, {"label", label}});
    return Json{{"institutions", inst},
                {"own_institution_id", who.institution_id},
                {"edits_any_institution", edits_any_institution(who)},
                {"sources", sources},
                {"periodicities", kPeriodicities},
                {"disaggregations", kDimensions},
                {"statuses", kStatuses}};
  });
}

Result<Json> Service::editor_list(const http::Request& req) {
  const auto& who = req.who();
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto list = Repository::indicators(s);
    auto n = steward_names(list);
    Json items = Json::array();
    for (const auto& i : list) {
      if (!check_edit(who, i)) continue;
      auto steward = n.find(i.steward_institution_id);
      items.push_back({{"id", i.id},
                       {"code", i.code},
                       {"name", i.name},
                       {"status", i.status},
                       {"version", i.version},
                       {"periodicity", i.periodicity},
                       {"origin", i.origin == "upload" ? "upload" : "platform"},
                       {"steward", {{"id", i.steward_institution_id}, {"name", steward == n.end() ? "" : steward->second}}},
                       {"values", Repository::count_values(s, i.id)},
                       {"modified_on", i.modified_at ? Json(format_date_cl(*i.modified_at)) : Json(nullptr)}});
    }
    return Json{{"items", items}};
  });
}

Json Service::editor_json(soci::session& s, const Indicator& i) {
  Json j = indicator_json(s, i, names({i.steward_institution_id}), now_ms());
  j["origin_key"] = i.origin;
  j["disaggregation_ids"] = Json::array();
  for (const auto& d : j["disaggregations"]) j["disaggregation_ids"].push_back(d["id"]);
  Json versions = Json::array();
  for (const auto& v : Repository::versions(s, i.id)) {
    auto body = http::Json::parse(v.body, nullptr, false);
    versions.push_back({{"version", v.version}, {"status", v.status}, {"changed_on", format_date_cl(v.changed_at)}, {"definition", body}});
  }
  j["versions"] = versions;
  return j;
}

Result<Json> Service::editor_detail(const http::Request& req, int64_t id) {
  return store::with_session<Json>(db_, [&](soci::session& s) -> Result<Json> {
    auto i = Repository::indicator(s, id);
    if (!i) return fail(Error::not_found("El indicador no existe."));
    if (auto ok = check_edit(req.who(), *i); !ok) return fail(ok.error());
    return editor_json(s, *i);
  });
}

Result<Json> Service::save_indicator(const http::Request& req, std::optional<int64_t> id, const Json& body) {
  std::optional<audit::Entry> denied;  // recorded after the transaction rolls back
  const std::string action = id ? "indicators.indicator_update" : "indicators.indicator_create";
  auto out = db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    const int64_t now = now_ms();
    auto refuse = [&](const Error& e, const std::string& object) -> Result<Json> {
      if (e.status == 403 || e.status == 404) {
        denied = audit::Log::from(req, action, object, "denied");
        denied->detail = e.code;
      }
      return fail(e);
    };
    std::optional<Indicator> old;
    if (id) {
      old = Repository::indicator(s, *id);
      if (!old) return fail(Error::not_found("El indicador no existe."));
      if (auto ok = check_edit(req.who(), *old); !ok) return refuse(ok.error(), "indicator:" + std::to_string(*id));
    }
    auto parsed = parse_definition(req.who(), body, old ? *old : Indicator{});
    if (!parsed) return refuse(parsed.error(), id ? "indicator:" + std::to_string(*id) : "");
    Indicator i = *parsed;
    if (auto other = Repository::indicator_id(s, i.code); other && (!id || *other != *id))
      return fail(Error::conflict("duplicate_code", "Ya existe un indicador con el código «" + i.code + "».", "code"));
    if (!old) {
      if (i.status == "retirado")
        return fail(Error::invalid("status", "Un indicador nuevo se guarda como borrador o se publica; no nace retirado.", "invalid_status"));
      i.version = 1;
      i.demo = false;
      i.id = Repository::insert_indicator(s, i, now);
      Repository::insert_version(s, i.id, {1, i.status, definition_json(i).dump(), req.who().user_id, now});
      auto e = audit::Log::from(req, action, "indicator:" + std::to_string(i.id));
      e.detail = i.code + " (" + i.status + ")";
      audit_->append(s, e);
      return editor_json(s, i);
    }
    if (old->status != "borrador" && i.status == "borrador")
      return fail(Error::conflict("invalid_status", "Un indicador publicado no vuelve a borrador: modifíquelo (queda su historial) o retírelo.", "status"));
    if (old->status == "borrador" && i.status == "retirado")
      return fail(Error::conflict("invalid_status", "Un borrador no se retira: publíquelo o siga editándolo.", "status"));
    const int64_t stored = Repository::count_values(s, i.id);
    if (stored > 0 && i.periodicity != old->periodicity)
      return fail(Error::conflict("has_values", "El indicador tiene " + format_integer(stored) +
                                                    " valores cargados con periodicidad " + old->periodicity +
                                                    ": no se puede cambiar la periodicidad; cree un indicador nuevo.",
                                  "periodicity"));
    if (stored > 0 && i.origin != old->origin)
      return fail(Error::conflict("has_values", "El indicador tiene " + format_integer(stored) +
                                                    " valores cargados: su serie no puede pasar a calcularse desde la plataforma.",
                                  "origin"));
    const bool definition_changed = definition_json(i) != definition_json(*old);
    if (!definition_changed && i.status == old->status) return editor_json(s, *old);  // nothing to save
    // The first edit of an indicator created before versions existed keeps its original first.
    if (Repository::versions(s, i.id).empty())
      Repository::insert_version(s, i.id, {old->version, old->status, definition_json(*old).dump(), std::nullopt, old->created_at});
    i.version = old->version + 1;
    if (definition_changed && old->status != "borrador") i.modified_at = now;
    Repository::update_indicator(s, i, now);
    Repository::insert_version(s, i.id, {i.version, i.status, definition_json(i).dump(), req.who().user_id, now});
    auto e = audit::Log::from(req, action, "indicator:" + std::to_string(i.id));
    e.detail = i.code + " versión " + std::to_string(i.version) + (i.status != old->status ? " (" + old->status + " → " + i.status + ")" : "") +
               (definition_changed ? ", definición modificada" : "");
    audit_->append(s, e);
    return editor_json(s, i);
  });
  if (denied)
    if (auto ok = audit_->append(*denied); !ok) return fail(ok.error());
  return out;
}

}  // namespace eq::indicators
