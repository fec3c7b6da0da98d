#include "http/message.h"

namespace eq::http {

std::string Request::cookie(const std::string& name) const {
  std::string all = header("cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    auto eq = part.find('=');
    if (eq != std::string::npos && part.compare(0, eq, name) == 0) return part.substr(eq + 1);
    pos = end + 1;
  }
  return {};
}

Response Response::error(const Error& e) {
  Json err = {{"code", e.code}, {"message", e.message}};
  if (!e.field.empty()) err["field"] = e.field;
  Response r = json({{"error", err}}, e.status);
  if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Cookie realm=\"equidad\"");
  return r;
}

}  // namespace eq::http
