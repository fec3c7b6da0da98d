// Validation of JSON request bodies at the edge. Policy for unknown fields: rejected (422), so a
// typo in a field name never silently drops data.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace eq::http {

struct Field {
  // array and object: checked for shape only (item count); the handler validates their content.
  enum class Type { string, integer, number, boolean, string_array, array, object };
  std::string name;
  Type type = Type::string;
  bool required = false;
  size_t max_length = 200;  // characters for strings, items for arrays
  bool nullable = false;    // explicit null clears an optional value
};

using Schema = std::vector<Field>;

// Every JSON text that comes from a client goes through parse_json, never straight to
// nlohmann::json::parse: a cheap pre-scan bounds size and nesting first, because a body nested
// 200,000 deep is parsed fine but overflows the stack when it is later copied, dumped or destroyed
// recursively, and takes the whole server (panic monitoring included) down with it.
struct JsonLimits {
  size_t max_bytes = 16 * 1024 * 1024;  // HTTP bodies are bounded first by --body-limit (1 MiB by default)
  int max_depth = 32;  // arrays and objects; the deepest legitimate body has 5
};
inline constexpr JsonLimits kJsonLimits{};
// 413 beyond max_bytes, 400 beyond max_depth or for malformed JSON (invalid UTF-8 included).
Result<Json> parse_json(std::string_view text, const JsonLimits& limits = kJsonLimits);
// Depth of the deepest [ or { outside strings, stopping early once `stop_after` is passed.
int json_depth(std::string_view text, int stop_after);
// Content-Type check, bounded parse, and "must be an object": for bodies whose fields the handler
// checks itself (nested records, batches).
Result<Json> json_object_body(const Request& req, const JsonLimits& limits = kJsonLimits);

Result<Json> parse_body(const Request& req, const Schema& schema);
Json schema_to_openapi(const Schema& schema);

// Query-string helpers with Spanish errors.
Result<int64_t> query_int(const Request& req, const std::string& name, int64_t fallback, int64_t min, int64_t max);
Result<int64_t> path_id(const Request& req, const std::string& name = "id");

}  // namespace eq::http
