// The request and response a handler sees: plain data, no Boost.Beast, so modules compile fast.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace eq::http {

using Json = nlohmann::json;

// Who is calling, resolved from a session cookie or an API token by the auth module.
struct Principal {
  int64_t user_id = 0;
  int64_t institution_id = 0;
  std::string name;
  std::string email;
  std::string institution_name;
  std::string institution_type;
  std::vector<std::string> roles;
  std::set<std::string> permissions;
  std::string region_id;  // empty when the user has national scope
  std::string comuna_id;
  int64_t session_id = 0;  // 0 for API tokens
  int64_t token_id = 0;    // 0 for sessions
  std::string csrf_token;
  bool totp_enabled = false;

  bool can(const std::string& permission) const { return permissions.count(permission) > 0; }
};

struct Request {
  std::string method;
  std::string target;  // raw path + query
  std::string path;    // decoded path without query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> params;   // from the route pattern
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string client_ip;
  std::string route;  // the matched pattern, for logs and metrics
  std::optional<Principal> principal;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string cookie(const std::string& name) const;
  std::string query_param(const std::string& name, const std::string& fallback = {}) const {
    auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
  }
  const Principal& who() const { return *principal; }
};

struct Upgrade;  // http/live.h

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool compressible = true;
  // Set by a route that accepts a WebSocket upgrade of this request (status 101).
  std::shared_ptr<Upgrade> upgrade;

  static Response json(const Json& value, int status = 200) {
    Response r;
    r.status = status;
    r.body = value.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
  }
  static Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  static Response error(const Error& e);
};

}  // namespace eq::http
