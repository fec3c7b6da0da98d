// Reading the fields of a JSON object that a handler checks itself (a record's `details`, a
// person's identity inside a record, a rule's `params`, a risk assessment): what http::Schema
// cannot describe because it nests or depends on other fields. The body itself comes from
// http::json_object_body (Content-Type, bounded size and depth, an object); this reader then keeps
// issue 11's rule for every field: a value of the wrong type is a 422 `invalid_type` whose Spanish
// message names the field, never a 500 and never a silent default.
//
//   FieldReader in(body["details"], "details");
//   auto place = in.text("place", {.max_chars = 200});          // field "details.place"
//   auto n = in.integer("children", {.required = true, .min = 0, .max = 20});
//   if (auto ok = in.no_unknown(); !ok) …                      // a field nobody read is refused
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/vocabulary.h"
#include "http/message.h"

namespace eq::http {

struct TextRule {
  bool required = false;
  size_t max_chars = 200;  // UTF-8 characters, after trimming
};

struct IntegerRule {
  bool required = false;
  int64_t min = INT64_MIN, max = INT64_MAX;
};

class FieldReader {
 public:
  // `object` must outlive the reader. `prefix` names where it sits ("details", "persons[0].identity");
  // empty for a top-level body.
  explicit FieldReader(const Json& object, std::string prefix = {});

  // The field's name in errors: "details.place".
  std::string name(std::string_view key) const;

  // Absent, null or blank: "" (or `required`). A string is trimmed; control characters other than
  // tab and line breaks are refused.
  Result<std::string> text(const char* key, const TextRule& rule = {});
  // The string as sent (no trimming, no checks but its type), for values with rules of their own.
  Result<std::optional<std::string>> string(const char* key);
  // text() restricted to a fixed list of codes.
  Result<std::string> one_of(const char* key, bool required, const std::vector<std::string>& allowed);
  // Absent or null: nullopt (or `required`).
  Result<std::optional<int64_t>> integer(const char* key, const IntegerRule& rule = {});
  Result<std::optional<bool>> boolean(const char* key, bool required = false);
  // Marks a field as known without reading it (the caller reads it in its own way).
  void skip(const char* key) { seen_.insert(key); }

  // A field that no call above named: 422 `unknown_field`, so a typo never drops data silently.
  Result<void> no_unknown(const std::string& message = "Campo desconocido.") const;

 private:
  Error required_error(std::string_view key) const;
  Error type_error(std::string_view key, const char* what) const;

  const Json& j_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

// A string field that http::Schema has already checked (type, length): trimmed; "" when absent,
// null or not a string. For bodies whose shape the schema describes completely.
std::string body_text(const Json& body, const char* key);

// [{"id": …, "name": …}, …] in the vocabulary's order: how the API hands a list of codes and labels
// to screens (select options, badges), so they never keep a copy.
Json vocabulary_json(const Vocabulary& v);

// Spanish type errors shared with http::Schema: "El campo «x» debe ser un texto."
Error invalid_type(const std::string& field, const char* type_es);
size_t utf8_length(std::string_view s);
bool has_control_chars(std::string_view s);  // below 0x20 other than tab, CR and LF

}  // namespace eq::http
