#include "http/fields.h"

#include <algorithm>

#include "core/text.h"

namespace eq::http {

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool has_control_chars(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') return true;
  return false;
}

Error invalid_type(const std::string& field, const char* type_es) {
  return Error::invalid(field, "El campo «" + field + "» debe ser " + type_es + ".", "invalid_type");
}

Json vocabulary_json(const Vocabulary& v) {
  Json out = Json::array();
  for (const auto& t : v.terms()) out.push_back({{"id", t.id}, {"name", t.label}});
  return out;
}

FieldReader::FieldReader(const Json& object, std::string prefix) : j_(object), prefix_(std::move(prefix)) {}

std::string FieldReader::name(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

Error FieldReader::required_error(std::string_view key) const {
  return Error::invalid(name(key), "Este dato es obligatorio.", "required");
}

Error FieldReader::type_error(std::string_view key, const char* what) const { return invalid_type(name(key), what); }

Result<std::string> FieldReader::text(const char* key, const TextRule& rule) {
  seen_.insert(key);
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) {
    if (rule.required) return fail(required_error(key));
    return std::string();
  }
  if (!it->is_string()) return fail(type_error(key, "un texto"));
  std::string v = trim(it->get_ref<const std::string&>());
  if (v.empty() && rule.required) return fail(required_error(key));
  if (utf8_length(v) > rule.max_chars)
    return fail(Error::invalid(name(key), "Admite como máximo " + std::to_string(rule.max_chars) + " caracteres.", "too_long"));
  if (has_control_chars(v))
    return fail(Error::invalid(name(key), "El campo «" + name(key) + "» contiene caracteres no permitidos.", "invalid_characters"));
  return v;
}

Result<std::optional<std::string>> FieldReader::string(const char* key) {
  seen_.insert(key);
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return fail(type_error(key, "un texto"));
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::string> FieldReader::one_of(const char* key, bool required, const std::vector<std::string>& allowed) {
  auto v = text(key, {.required = required, .max_chars = 60});
  if (!v || v->empty()) return v;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return fail(Error::invalid(name(key), "Valor no permitido; use uno de: " + list + ".", "invalid_value"));
  }
  return v;
}

Result<std::optional<int64_t>> FieldReader::integer(const char* key, const IntegerRule& rule) {
  seen_.insert(key);
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) {
    if (rule.required) return fail(required_error(key));
    return std::optional<int64_t>();
  }
  if (!it->is_number_integer()) return fail(type_error(key, "un número entero"));
  // Unsigned values beyond int64 are integers to the parser but out of every range here.
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return fail(Error::invalid(name(key), "Debe estar entre " + std::to_string(rule.min) + " y " + std::to_string(rule.max) + ".",
                               "out_of_range"));
  const int64_t v = it->get<int64_t>();
  if (v < rule.min || v > rule.max)
    return fail(Error::invalid(name(key), "Debe estar entre " + std::to_string(rule.min) + " y " + std::to_string(rule.max) + ".",
                               "out_of_range"));
  return std::optional<int64_t>(v);
}

Result<std::optional<bool>> FieldReader::boolean(const char* key, bool required) {
  seen_.insert(key);
  auto it = j_.find(key);
  if (it == j_.end() || it->is_null()) {
    if (required) return fail(required_error(key));
    return std::optional<bool>();
  }
  if (!it->is_boolean()) return fail(type_error(key, "verdadero o falso"));
  return std::optional<bool>(it->get<bool>());
}

Result<void> FieldReader::no_unknown(const std::string& message) const {
  if (!j_.is_object()) return {};
  for (auto it = j_.begin(); it != j_.end(); ++it)
    if (!seen_.count(it.key())) return fail(Error::invalid(name(it.key()), message, "unknown_field"));
  return {};
}

std::string body_text(const Json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || !it->is_string() ? std::string() : trim(it->get_ref<const std::string&>());
}

}  // namespace eq::http
