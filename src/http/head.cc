#include "http/head.h"

#include <cctype>

namespace eq::http {

std::string lower_trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string out(v);
  for (auto& c : out) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::string> head_problem(unsigned version, const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::string> lengths, encodings, hosts;
  for (const auto& [name, value] : headers) {
    if (name == "content-length") lengths.push_back(lower_trim(value));
    else if (name == "transfer-encoding") encodings.push_back(lower_trim(value));
    else if (name == "host") hosts.push_back(value);
  }
  if (!encodings.empty() && !lengths.empty())
    return "La solicitud HTTP indica a la vez Transfer-Encoding y Content-Length.";
  if (encodings.size() > 1 || (encodings.size() == 1 && encodings[0] != "chunked"))
    return "La solicitud HTTP solo admite «Transfer-Encoding: chunked».";
  if (lengths.size() > 1) return "La solicitud HTTP indica Content-Length más de una vez.";
  if (version >= 11 && hosts.size() != 1) return "Una solicitud HTTP/1.1 debe indicar exactamente un encabezado Host.";
  return std::nullopt;
}

bool secure_request(bool behind_tls, const std::vector<std::string>& trusted_proxies, const std::string& client_ip,
                    const std::string& forwarded_proto) {
  if (behind_tls) return true;
  if (forwarded_proto.empty()) return false;
  // Several proxies append theirs: the first value is what the client used.
  if (lower_trim(std::string_view(forwarded_proto).substr(0, forwarded_proto.find(','))) != "https") return false;
  for (const auto& p : trusted_proxies)
    if (p == client_ip) return true;
  return false;
}

void apply_tls_headers(std::vector<std::pair<std::string, std::string>>& headers) {
  for (auto& [name, value] : headers)
    if (lower_trim(name) == "set-cookie" && lower_trim(value).find("; secure") == std::string::npos) value += "; Secure";
  headers.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

}  // namespace eq::http
