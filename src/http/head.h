// Checks on a request's head that need no Beast: kept apart from server.cc so they are unit tested
// and fuzzed on their own.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eq::http {

std::string lower_trim(std::string_view v);

// The request head checks a lenient parser lets through, so that no proxy in front of us and this
// server can disagree about where a request ends (request smuggling): both Transfer-Encoding and
// Content-Length, a Transfer-Encoding other than exactly "chunked", Content-Length given twice,
// HTTP/1.1 without exactly one Host. Headers as (lower-case name, value) in arrival order. Returns
// the Spanish reason, or nullopt when the head is acceptable.
std::optional<std::string> head_problem(unsigned version, const std::vector<std::pair<std::string, std::string>>& headers);

// Whether a response to this request is on HTTPS: --behind-tls, or a trusted proxy saying so.
bool secure_request(bool behind_tls, const std::vector<std::string>& trusted_proxies, const std::string& client_ip,
                    const std::string& forwarded_proto);

// Adds "; Secure" to Set-Cookie values that lack it and the HSTS header.
void apply_tls_headers(std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace eq::http
