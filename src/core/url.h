// URL text: percent-decoding, and the key=value pairs of application/x-www-form-urlencoded text
// (query strings, HTML form bodies, device parameters in OsmAnd URLs and MQTT payloads, the
// options of a database URL). One decoder and one splitter, so every caller agrees on what
// "a=1&b" and "%2B" mean. In core because the store reads database URLs below the HTTP layer.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eq {

// Percent-decoding (RFC 3986 §2.1): "%C3%91" → "Ñ"; a '%' not followed by two hex digits stays as
// it is. With plus_as_space, '+' is a space, as in query strings and form bodies; paths and URL
// user-info keep '+'.
std::string url_decode(std::string_view s, bool plus_as_space);

struct FormField {
  std::string key, value;  // both decoded
  bool has_value = false;  // "a=" has an (empty) value; "a" alone has none
};

// The pairs in order, repeats included. Empty pairs ("a=1&&b=2") are skipped, and so are CR/LF at
// the end (a line of a text protocol). The text is what follows the '?', not the whole target: a
// '?' inside a value is data. plus_as_space: see url_decode (libpq's URL options keep '+').
std::vector<FormField> parse_form(std::string_view text, bool plus_as_space = true);

// The value of the last field called `name` (last wins, as for every repeated parameter), or
// nullopt when there is none with a value. `ignore_case` for device protocols that do not fix it.
std::optional<std::string> form_value(std::string_view text, std::string_view name, bool ignore_case = false);

}  // namespace eq
