#include "core/url.h"

#include <cctype>

namespace eq {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string url_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<FormField> parse_form(std::string_view text, bool plus_as_space) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::vector<FormField> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) amp = text.size();
    const std::string_view pair = text.substr(i, amp - i);
    i = amp + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) out.push_back({url_decode(pair, plus_as_space), {}, false});
    else out.push_back({url_decode(pair.substr(0, eq), plus_as_space), url_decode(pair.substr(eq + 1), plus_as_space), true});
  }
  return out;
}

std::optional<std::string> form_value(std::string_view text, std::string_view name, bool ignore_case) {
  auto same = [&](const std::string& key) {
    if (key.size() != name.size()) return false;
    for (size_t i = 0; i < key.size(); ++i) {
      const auto a = static_cast<unsigned char>(key[i]), b = static_cast<unsigned char>(name[i]);
      if (ignore_case ? std::tolower(a) != std::tolower(b) : a != b) return false;
    }
    return true;
  };
  std::optional<std::string> found;
  for (auto& f : parse_form(text))
    if (f.has_value && same(f.key)) found = std::move(f.value);
  return found;
}

}  // namespace eq
