// Validation of JSON request bodies at the edge. Policy for unknown fields: rejected (422), so a
// typo in a field name never silently drops data.
#pragma once
#include <string>
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

Result<Json> parse_body(const Request& req, const Schema& schema);
Json schema_to_openapi(const Schema& schema);

// Query-string helpers with Spanish errors.
Result<int64_t> query_int(const Request& req, const std::string& name, int64_t fallback, int64_t min, int64_t max);
Result<int64_t> path_id(const Request& req, const std::string& name = "id");

}  // namespace eq::http
