#include "http/router.h"
#include "core/log.h"

#include <openssl/crypto.h>

#include <iostream>
#include <stdexcept>

#include "core/url.h"

namespace eq::http {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) parts.emplace_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return parts;
}

bool is_param(const std::string& segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

bool state_changing(const std::string& m) { return m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE"; }

}  // namespace

Router::Router() : public_limiter_(std::make_unique<RateLimiter>(20, 60)) {}

void Router::add(Route route) {
  if (route.permission.empty()) throw std::logic_error("route without permission: " + route.pattern);
  for (const auto& r : routes_)
    if (r.method == route.method && r.pattern == route.pattern)
      throw std::logic_error("duplicate route: " + route.method + " " + route.pattern);
  // Patterns are split once here, not on every request.
  segments_.push_back(split_path(route.pattern));
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Request& req) const {
  Match m;
  auto raw = split_path(req.path);
  std::vector<std::string> parts;
  parts.reserve(raw.size());
  for (const auto& p : raw) parts.push_back(url_decode(p, false));
  for (size_t k = 0; k < routes_.size(); ++k) {
    const auto& r = routes_[k];
    const auto& pattern = segments_[k];
    if (pattern.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i)
      ok = is_param(pattern[i]) || pattern[i] == parts[i];
    if (!ok) continue;
    m.path_known = true;
    m.allow += (m.allow.empty() ? "" : ", ") + r.method;
    if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
      // Parameters are decoded from their own segment, so "%2F" inside one never splits it.
      for (size_t i = 0; i < parts.size(); ++i)
        if (is_param(pattern[i])) req.params[pattern[i].substr(1, pattern[i].size() - 2)] = parts[i];
      m.route = &r;
      req.route = r.pattern;
      return m;
    }
  }
  return m;
}

bool Router::still_authorized(Request req) const {
  Match m = match(req);
  if (!m.route) return false;
  if (m.route->permission == kPublic) return true;
  if (!hooks_.authenticate) return false;
  auto who = hooks_.authenticate(req);
  if (!who || !*who) return false;
  return m.route->permission == kAuthenticated || (*who)->can(m.route->permission);
}

Response Router::dispatch(Request& req) const {
  Match m = match(req);
  if (!m.route) {
    req.route = m.path_known ? "(method)" : "(unmatched)";
    if (m.path_known) {
      Response r = Response::error({405, "method_not_allowed", "Método no permitido para este recurso.", {}});
      r.headers.emplace_back("Allow", m.allow);
      return r;
    }
    return Response::error(Error::not_found("La ruta solicitada no existe."));
  }
  const Route& route = *m.route;
  try {
    if (route.rate_limited && !public_limiter_->allow(route.pattern + "|" + req.client_ip)) {
      if (hooks_.on_denied) hooks_.on_denied(req, "rate_limited");
      Response r = Response::error({429, "rate_limited", "Demasiadas solicitudes. Espere un momento e intente nuevamente.", {}});
      r.headers.emplace_back("Retry-After", "60");
      return r;
    }
    if (hooks_.authenticate) {
      auto who = hooks_.authenticate(req);
      if (!who) {
        if (route.permission != kPublic) return Response::error(who.error());
      } else {
        req.principal = std::move(*who);
      }
    }
    if (route.permission != kPublic) {
      if (!req.principal) {
        if (hooks_.on_denied) hooks_.on_denied(req, "unauthenticated");
        return Response::error(Error::unauthenticated());
      }
      // A machine token can do at most what its scopes name; routes open to "any signed-in
      // user" are about a person's own sessions and account, which a token must not touch.
      bool token_on_personal_route = route.permission == kAuthenticated && req.principal->token_id != 0;
      if (token_on_personal_route || (route.permission != kAuthenticated && !req.principal->can(route.permission))) {
        if (hooks_.on_denied) hooks_.on_denied(req, "denied");
        return Response::error(Error::forbidden());
      }
    }
    // Cookie sessions must prove the request came from our own page; bearer tokens cannot be
    // sent by a browser on its own, so they need no CSRF token.
    if (state_changing(req.method) && !route.csrf_exempt && req.principal && req.principal->session_id != 0) {
      std::string sent = req.header("x-csrf-token");
      const std::string& want = req.principal->csrf_token;
      if (sent.size() != want.size() || want.empty() || CRYPTO_memcmp(sent.data(), want.data(), want.size()) != 0) {
        if (hooks_.on_denied) hooks_.on_denied(req, "csrf");
        return Response::error({403, "csrf", "La solicitud no incluye un token de seguridad válido. Recargue la página.", {}});
      }
    }
    auto result = route.handler(req);
    if (!result) return Response::error(result.error());
    return std::move(*result);
  } catch (const Json::out_of_range&) {
    // .at("field") on a body without it: a missing field, as wrong as a wrong type.
    spdlog::warn("json field missing in handler: {}", route.pattern);
    return Response::error(Error::wrong_type());
  } catch (const Json::type_error&) {
    // .get<std::string>() and friends on a value of another type: the body was wrong (422), and the
    // handler missed a check, which this line in the log points at.
    spdlog::warn("json type error in handler: {}", route.pattern);
    return Response::error(Error::wrong_type());
  } catch (const std::exception& e) {
    spdlog::error("handler threw: {}: {}", route.pattern, e.what());
    return Response::error(Error::internal());
  }
}

}  // namespace eq::http
