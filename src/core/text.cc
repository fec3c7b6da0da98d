#include "core/text.h"

#include <cctype>
#include <utility>

namespace eq {

std::string fold_for_search(std::string_view s) {
  // Two-byte UTF-8 sequences of Latin-1 letters used in Chilean names.
  static const std::pair<const char*, char> map[] = {
      {"á", 'a'}, {"é", 'e'}, {"í", 'i'}, {"ó", 'o'}, {"ú", 'u'}, {"ü", 'u'}, {"ñ", 'n'},
      {"Á", 'a'}, {"É", 'e'}, {"Í", 'i'}, {"Ó", 'o'}, {"Ú", 'u'}, {"Ü", 'u'}, {"Ñ", 'n'},
      {"à", 'a'}, {"è", 'e'}, {"ì", 'i'}, {"ò", 'o'}, {"ù", 'u'}, {"ç", 'c'}};
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    bool mapped = false;
    if (static_cast<unsigned char>(s[i]) >= 0xC0 && i + 1 < s.size()) {
      for (const auto& [from, to] : map) {
        if (s[i] == from[0] && s[i + 1] == from[1]) {
          out.push_back(to);
          i += 2;
          mapped = true;
          break;
        }
      }
    }
    if (mapped) continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
    ++i;
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

}  // namespace eq
