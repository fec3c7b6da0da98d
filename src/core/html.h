// Escaping text for HTML (element content and quoted attribute values): the printable pages the
// server renders itself (monitoring's evidence, the public account) show stored text, never markup.
#pragma once
#include <string>
#include <string_view>

namespace eq {

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace eq
