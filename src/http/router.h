// The route table: every route declares its permission (deny by default), and the OpenAPI document
// is generated from this same table so the two cannot drift.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/body.h"
#include "http/message.h"
#include "http/rate_limit.h"

namespace eq::http {

// Special permission values; anything else names a permission a role must grant.
inline const std::string kPublic = "public";                // anyone, no session needed
inline const std::string kAuthenticated = "authenticated";  // any signed-in user or token

using Handler = std::function<Result<Response>(Request&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/users/{id}"
  std::string permission;
  std::string summary;  // Spanish, shown in the API description
  std::string tag;      // module
  Handler handler;
  Schema body;                 // request body fields, empty when none
  bool rate_limited = false;   // public endpoint that must be throttled per client
  bool csrf_exempt = false;    // only for requests that create the session (login)
};

struct Hooks {
  // Resolves the caller from cookie or bearer token; nullopt = anonymous.
  std::function<Result<std::optional<Principal>>(Request&)> authenticate;
  // Records refusals (401/403/429) in the audit log.
  std::function<void(const Request&, const std::string& outcome)> on_denied;
};

class Router {
 public:
  Router();
  void add(Route route);  // throws std::logic_error for a route without permission or a duplicate
  void set_hooks(Hooks hooks) { hooks_ = std::move(hooks); }
  const std::vector<Route>& routes() const { return routes_; }

  // Runs the whole pipeline: match, throttle, authenticate, authorise, CSRF, handler.
  Response dispatch(Request& req) const;
  // For long-lived connections (WebSocket): whether the caller of an accepted request would still
  // be let in now (session not ended or expired, permission not withdrawn).
  bool still_authorized(Request req) const;
  Json openapi() const;

 private:
  struct Match {
    const Route* route = nullptr;
    bool path_known = false;
    std::string allow;  // methods the path answers, for 405
  };
  Match match(Request& req) const;

  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // routes_[i].pattern split at '/'
  Hooks hooks_;
  std::unique_ptr<RateLimiter> public_limiter_;
};

}  // namespace eq::http
