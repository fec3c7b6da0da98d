#include "cases/records.h"
#include "core/try.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/text.h"
#include "core/time.h"
#include "http/fields.h"
#include "risk/instrument.h"

namespace eq::cases {

namespace {

using Json = nlohmann::json;
constexpr int64_t kHour = 3600LL * 1000;

// A day written dd-mm-aaaa, read as the first instant of that day in Chile.
Result<std::optional<int64_t>> day(http::FieldReader& in, const char* key, bool required) {
  auto v = in.text(key, {.required = required, .max_chars = 10});
  if (!v) return fail(v.error());
  if (v->empty()) return std::optional<int64_t>();
  auto ms = parse_date_cl(*v, in.name(key));
  if (!ms) return fail(ms.error());
  return std::optional<int64_t>(*ms);
}

int count_role(const Record& r, const std::string& role) {
  return static_cast<int>(std::count_if(r.persons.begin(), r.persons.end(), [&](const PersonRef& p) { return p.role == role; }));
}

}  // namespace

Result<Json> check_details(const Record& r, const Json& details_in, const DetailsContext& ctx) {
  const Json empty = Json::object();
  const Json& details = details_in.is_null() ? empty : details_in;
  if (!details.is_object()) return fail(Error::invalid("details", "Debe ser un objeto.", "invalid_type"));
  http::FieldReader in(details, "details");
  Json out = Json::object();
  const int victims = count_role(r, "victim"), aggressors = count_role(r, "aggressor");

  if (r.kind == "contact") {
    EQ_TRY(channel, in.one_of("channel", true, {"linea_1455", "chat_silencioso", "whatsapp", "presencial", "mascarilla_19",
                                             "municipal", "derivacion", "otro"}));
    EQ_TRY(summary, in.text("summary", {.required = false, .max_chars = 4000}));
    out = {{"channel", *channel}, {"summary", *summary}};
  } else if (r.kind == "complaint") {
    EQ_TRY(offence, in.text("offence", {.required = false, .max_chars = 200}));
    EQ_TRY(received_by, in.text("received_by", {.required = false, .max_chars = 200}));
    EQ_TRY(summary, in.text("summary", {.required = false, .max_chars = 4000}));
    out = {{"offence", *offence}, {"received_by", *received_by}, {"summary", *summary}};
  } else if (r.kind == "risk_assessment") {
    if (victims != 1)
      return fail(Error::invalid("persons", "Una evaluación de riesgo se refiere a una sola mujer (rol victim).", "invalid_persons"));
    if (!ctx.instrument) return fail(Error::unavailable("El instrumento de evaluación de riesgo no está cargado."));
    in.skip("answers");
    auto answers = details.contains("answers") ? details["answers"] : Json(nullptr);
    EQ_TRY(level, in.text("level", {.required = false, .max_chars = 10}));
    EQ_TRY(reason, in.text("raise_reason", {.required = false, .max_chars = 1000}));
    auto assessed = risk::assess(*ctx.instrument, answers, level->empty() ? std::nullopt : std::optional<std::string>(*level),
                                 *reason, r.occurred_at);
    if (!assessed) {
      Error e = assessed.error();
      if (!e.field.empty() && e.field.rfind("details.", 0) != 0) e.field = "details." + e.field;
      return fail(e);
    }
    out = *assessed;
  } else if (r.kind == "protective_order") {
    if (victims < 1 || aggressors < 1)
      return fail(Error::invalid("persons", "Una medida de protección indica a la mujer protegida (victim) y a la persona obligada (aggressor).",
                                 "invalid_persons"));
    EQ_TRY(court, in.text("court", {.required = true, .max_chars = 200}));
    EQ_TRY(type, in.one_of("order_type", true, {"prohibicion_acercamiento", "salida_hogar", "prohibicion_comunicacion",
                                             "vigilancia_telematica", "otra"}));
    const bool needs_distance = *type == "prohibicion_acercamiento" || *type == "vigilancia_telematica";
    EQ_TRY(distance, in.integer("distance_m", {.required = needs_distance, .min = 10, .max = 10000}));
    in.skip("places");
    Json places = Json::array();
    if (details.contains("places") && !details["places"].is_null()) {
      if (!details["places"].is_array() || details["places"].size() > 10)
        return fail(Error::invalid("details.places", "Indique hasta 10 lugares como lista de textos.", "invalid_type"));
      for (const auto& p : details["places"]) {
        if (!p.is_string() || trim(p.get<std::string>()).empty() || p.get<std::string>().size() > 200)
          return fail(Error::invalid("details.places", "Cada lugar es un texto de hasta 200 caracteres.", "invalid_value"));
        places.push_back(trim(p.get<std::string>()));
      }
    }
    EQ_TRY(starts, day(in, "starts_on", true));
    EQ_TRY(ends, day(in, "ends_on", false));
    if (*ends && **ends < **starts)
      return fail(Error::invalid("details.ends_on", "La medida no puede terminar antes de comenzar.", "invalid_date"));
    out = {{"court", *court}, {"order_type", *type}, {"distance_m", *distance ? Json(**distance) : Json(nullptr)},
           {"places", places}, {"starts_at", **starts},
           // Inclusive end day: the order holds until the end of that Chilean day.
           {"ends_at", *ends ? Json(**ends + 24 * kHour - 1) : Json(nullptr)}};
  } else if (r.kind == "order_breach") {
    EQ_TRY(order_id, in.integer("order_record_id", {.required = true, .min = 1, .max = INT64_MAX}));
    auto order = ctx.order_of_persons ? ctx.order_of_persons(**order_id) : std::nullopt;
    if (!order)
      return fail(Error::invalid("details.order_record_id",
                                 "No existe una medida de protección con ese número que concierna a estas personas.", "unknown_order"));
    EQ_TRY(description, in.text("description", {.required = true, .max_chars = 4000}));
    out = {{"order_record_id", **order_id}, {"description", *description}};
  } else if (r.kind == "referral") {
    if (victims != 1) return fail(Error::invalid("persons", "Una derivación se refiere a una sola mujer (rol victim).", "invalid_persons"));
    EQ_TRY(to, in.integer("to_institution_id", {.required = true, .min = 1, .max = INT64_MAX}));
    if (**to == ctx.institution_id)
      return fail(Error::invalid("details.to_institution_id", "No se puede derivar a la propia institución.", "invalid_value"));
    if (!ctx.institution_exists || !ctx.institution_exists(**to))
      return fail(Error::invalid("details.to_institution_id", "La institución de destino no existe o no está activa.", "unknown_institution"));
    in.skip("consent");
    if (!details.contains("consent") || !details["consent"].is_boolean() || !details["consent"].get<bool>())
      return fail(Error::invalid("details.consent",
                                 "La derivación requiere registrar el consentimiento de la mujer para compartir sus datos con la institución de destino.",
                                 "consent_required"));
    EQ_TRY(reason, in.text("reason", {.required = true, .max_chars = 2000}));
    const bool high = risk_rank(ctx.latest_risk_level) >= risk_rank("alto");
    const auto& d = ctx.deadlines;
    out = {{"to_institution_id", **to},
           {"consent", true},
           {"reason", *reason},
           {"ack_due_at", r.occurred_at + (high ? d.ack_hours_high_risk : d.ack_hours) * kHour},
           {"first_contact_due_at", r.occurred_at + (high ? d.first_contact_hours_high_risk : d.first_contact_hours) * kHour},
           {"acknowledged_at", nullptr},
           {"first_contact_at", nullptr}};
  } else if (r.kind == "shelter_entry" || r.kind == "shelter_exit") {
    EQ_TRY(shelter, in.text("shelter", {.required = true, .max_chars = 200}));
    EQ_TRY(note, in.text("note", {.required = false, .max_chars = 2000}));
    out = {{"shelter", *shelter}, {"note", *note}};
  } else if (r.kind == "closure") {
    EQ_TRY(reason, in.one_of("reason", true, {"egreso_favorable", "abandono", "derivada", "traslado", "fallecimiento", "otro"}));
    EQ_TRY(note, in.text("note", {.required = false, .max_chars = 2000}));
    out = {{"reason", *reason}, {"note", *note}};
  } else {
    return fail(Error::invalid("kind", "Tipo de registro desconocido.", "invalid_kind"));
  }
  if (auto ok = in.no_unknown("Campo desconocido para este tipo de registro."); !ok) return fail(ok.error());
  return out;
}

std::string kind_name_es(const std::string& kind) {
  static const std::map<std::string, std::string> names = {
      {"contact", "Contacto o atención"},    {"complaint", "Denuncia"},
      {"risk_assessment", "Evaluación de riesgo"}, {"protective_order", "Medida de protección"},
      {"order_breach", "Incumplimiento de medida"}, {"referral", "Derivación"},
      {"shelter_entry", "Ingreso a casa de acogida"}, {"shelter_exit", "Egreso de casa de acogida"},
      {"closure", "Cierre de caso"}};
  auto it = names.find(kind);
  return it == names.end() ? kind : it->second;
}

std::string role_name_es(const std::string& role) {
  if (role == "victim") return "Mujer atendida";
  if (role == "aggressor") return "Persona agresora";
  if (role == "child") return "Niña, niño o adolescente";
  return role;
}

bool order_active(const Record& order, int64_t now) {
  if (order.kind != "protective_order") return false;
  const auto& d = order.details;
  if (d.contains("starts_at") && d["starts_at"].is_number() && d["starts_at"].get<int64_t>() > now) return false;
  if (d.contains("ends_at") && d["ends_at"].is_number() && d["ends_at"].get<int64_t>() < now) return false;
  return true;
}

}  // namespace eq::cases
