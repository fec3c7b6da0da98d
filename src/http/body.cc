#include "http/body.h"

#include <charconv>

#include "http/fields.h"

namespace eq::http {

namespace {

const char* type_name_es(Field::Type t) {
  switch (t) {
    case Field::Type::string: return "un texto";
    case Field::Type::integer: return "un número entero";
    case Field::Type::number: return "un número";
    case Field::Type::boolean: return "verdadero o falso";
    case Field::Type::string_array: return "una lista de textos";
    case Field::Type::array: return "una lista";
    case Field::Type::object: return "un objeto";
  }
  return "";
}

Result<void> check_value(const Field& f, const Json& v) {
  if (v.is_null()) {
    if (f.nullable && !f.required) return {};
    return fail(Error::invalid(f.name, "El campo «" + f.name + "» no puede estar vacío.", "required"));
  }
  bool ok = false;
  switch (f.type) {
    case Field::Type::string: ok = v.is_string(); break;
    case Field::Type::integer: ok = v.is_number_integer(); break;
    case Field::Type::number: ok = v.is_number(); break;
    case Field::Type::boolean: ok = v.is_boolean(); break;
    case Field::Type::string_array:
      ok = v.is_array();
      if (ok)
        for (const auto& item : v) ok = ok && item.is_string() && utf8_length(item.get<std::string>()) <= 200;
      break;
    case Field::Type::array: ok = v.is_array(); break;
    case Field::Type::object: ok = v.is_object() && v.size() <= f.max_length; break;
  }
  if (!ok)
    return fail(invalid_type(f.name, type_name_es(f.type)));
  if (f.type == Field::Type::string) {
    const auto& s = v.get_ref<const std::string&>();
    if (utf8_length(s) > f.max_length)
      return fail(Error::invalid(f.name, "El campo «" + f.name + "» admite como máximo " +
                                             std::to_string(f.max_length) + " caracteres.", "too_long"));
    if (has_control_chars(s))
      return fail(Error::invalid(f.name, "El campo «" + f.name + "» contiene caracteres no permitidos.", "invalid_characters"));
  }
  if ((f.type == Field::Type::string_array || f.type == Field::Type::array) && v.size() > f.max_length)
    return fail(Error::invalid(f.name, "El campo «" + f.name + "» tiene demasiados elementos.", "too_long"));
  return {};
}

}  // namespace

int json_depth(std::string_view text, int stop_after) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > stop_after) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;  // unbalanced text is left for the parser to refuse
    }
  }
  return deepest;
}

Result<Json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    return fail(Error{413, "payload_too_large",
                      "El JSON es demasiado grande (máximo " + std::to_string(limits.max_bytes / 1024) + " KB).", {}});
  if (json_depth(text, limits.max_depth) > limits.max_depth)
    return fail(Error::bad_request("json_too_deep", "El JSON tiene demasiados niveles anidados (máximo " +
                                                        std::to_string(limits.max_depth) + ")."));
  Json doc = Json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded())
    return fail(Error::bad_request("malformed_json", "El cuerpo de la solicitud no es un JSON válido (revise la sintaxis y la codificación UTF-8)."));
  return doc;
}

Result<Json> json_object_body(const Request& req, const JsonLimits& limits) {
  if (req.header("content-type").rfind("application/json", 0) != 0)
    return fail(Error{415, "unsupported_media_type", "El cuerpo de la solicitud debe ser JSON (Content-Type: application/json).", {}});
  auto body = parse_json(req.body, limits);
  if (!body) return body;
  if (!body->is_object())
    return fail(Error::bad_request("malformed_json", "El cuerpo de la solicitud debe ser un objeto JSON."));
  return body;
}

Result<Json> parse_body(const Request& req, const Schema& schema) {
  auto parsed = json_object_body(req);
  if (!parsed) return parsed;
  Json body = std::move(*parsed);
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const auto& f : schema) known = known || f.name == it.key();
    if (!known)
      return fail(Error::invalid(it.key(), "El campo «" + it.key() + "» no es reconocido.", "unknown_field"));
  }
  for (const auto& f : schema) {
    auto it = body.find(f.name);
    if (it == body.end()) {
      if (f.required)
        return fail(Error::invalid(f.name, "Falta el campo obligatorio «" + f.name + "».", "required"));
      continue;
    }
    if (auto ok = check_value(f, *it); !ok) return fail(ok.error());
    if (f.required && it->is_string() && it->get_ref<const std::string&>().find_first_not_of(" \t\n\r") == std::string::npos)
      return fail(Error::invalid(f.name, "El campo «" + f.name + "» no puede estar vacío.", "required"));
  }
  return body;
}

Json schema_to_openapi(const Schema& schema) {
  Json props = Json::object();
  Json required = Json::array();
  for (const auto& f : schema) {
    Json p;
    switch (f.type) {
      case Field::Type::string: p = {{"type", "string"}, {"maxLength", f.max_length}}; break;
      case Field::Type::integer: p = {{"type", "integer"}}; break;
      case Field::Type::number: p = {{"type", "number"}}; break;
      case Field::Type::boolean: p = {{"type", "boolean"}}; break;
      case Field::Type::string_array: p = {{"type", "array"}, {"items", {{"type", "string"}}}, {"maxItems", f.max_length}}; break;
      case Field::Type::array: p = {{"type", "array"}, {"maxItems", f.max_length}}; break;
      case Field::Type::object: p = {{"type", "object"}}; break;
    }
    if (f.nullable) p["nullable"] = true;
    props[f.name] = p;
    if (f.required) required.push_back(f.name);
  }
  Json s = {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
  if (!required.empty()) s["required"] = required;
  return s;
}

Result<int64_t> query_int(const Request& req, const std::string& name, int64_t fallback, int64_t min, int64_t max) {
  auto it = req.query.find(name);
  if (it == req.query.end() || it->second.empty()) return fallback;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || p != it->second.data() + it->second.size() || v < min || v > max)
    return fail(Error::bad_request("invalid_parameter",
                                   "El parámetro «" + name + "» debe ser un número entre " + std::to_string(min) +
                                       " y " + std::to_string(max) + ".", name));
  return v;
}

Result<int64_t> path_id(const Request& req, const std::string& name) {
  auto it = req.params.find(name);
  int64_t v = 0;
  if (it != req.params.end()) {
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec == std::errc() && p == it->second.data() + it->second.size() && v > 0) return v;
  }
  return fail(Error::not_found());
}

}  // namespace eq::http
