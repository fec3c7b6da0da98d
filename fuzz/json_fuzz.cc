// Bounded JSON parsing and body validation: every client JSON passes here first.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/body.h"

using namespace eq::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto doc = parse_json(text)) {
    // What the server does with an accepted body: dump it back (answers, logs, audit details).
    (void)doc->dump(-1, ' ', false, Json::error_handler_t::replace);
    if (json_depth(text, 1000) > kJsonLimits.max_depth) __builtin_trap();  // the bound must hold
  }
  using T = Field::Type;
  static const Schema schema = {{"s", T::string, true, 20}, {"i", T::integer}, {"n", T::number}, {"b", T::boolean},
                                {"sa", T::string_array, false, 3}, {"a", T::array, false, 3}, {"o", T::object, false, 3},
                                {"z", T::string, false, 10, true}};
  Request req;
  req.headers["content-type"] = "application/json";
  req.body = text;
  (void)parse_body(req, schema);
  (void)json_object_body(req);
  return 0;
}
