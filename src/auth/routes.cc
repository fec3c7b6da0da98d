// HTTP handlers of the auth module: parse, call the service, answer. No rules live here.
#include "auth/routes.h"

#include "core/rut.h"
#include "core/time.h"

namespace eq::auth {

namespace {

using http::Field;
using http::Json;
using http::Request;
using http::Response;
using T = http::Field::Type;

Json institution_json(const Institution& i) {
  const InstitutionType* t = find_institution_type(i.type);
  return {{"id", i.id},
          {"name", i.name},
          {"type", i.type},
          {"type_label", t ? t->label : i.type},
          {"region_id", i.region_id.empty() ? Json(nullptr) : Json(i.region_id)},
          {"comuna_id", i.comuna_id.empty() ? Json(nullptr) : Json(i.comuna_id)},
          {"active", i.active}};
}

Json run_json(const std::string& canonical) {
  if (canonical.empty()) return nullptr;
  auto r = parse_rut(canonical);
  return r ? Json(format_rut(*r)) : Json(nullptr);
}

Json user_json(const User& u) {
  int64_t now = now_ms();
  return {{"id", u.id},
          {"name", u.name},
          {"email", u.email},
          {"run", run_json(u.run)},
          {"institution", {{"id", u.institution_id}, {"name", u.institution_name}, {"type", u.institution_type}}},
          {"roles", u.roles},
          {"region_id", u.region_id.empty() ? Json(nullptr) : Json(u.region_id)},
          {"comuna_id", u.comuna_id.empty() ? Json(nullptr) : Json(u.comuna_id)},
          {"active", u.active},
          {"totp_enabled", u.totp_enabled},
          {"locked_until", u.locked_until > now ? Json(iso8601_utc(u.locked_until)) : Json(nullptr)},
          {"last_login_at", u.last_login_at ? Json(iso8601_utc(*u.last_login_at)) : Json(nullptr)}};
}

Json session_json(const http::Principal& p, const std::string& run) {
  return {{"csrf_token", p.csrf_token},
          {"user",
           {{"id", p.user_id},
            {"name", p.name},
            {"email", p.email},
            {"run", run_json(run)},
            {"institution", {{"id", p.institution_id}, {"name", p.institution_name}, {"type", p.institution_type}}},
            {"roles", p.roles},
            {"permissions", p.permissions},
            {"region_id", p.region_id.empty() ? Json(nullptr) : Json(p.region_id)},
            {"comuna_id", p.comuna_id.empty() ? Json(nullptr) : Json(p.comuna_id)},
            {"totp_enabled", p.totp_enabled}}}};
}

Response step_response(Service& svc, const LoginStep& step) {
  Json body = {{"next", step.next}};
  if (step.next == "done") {
    body["session"] = session_json(step.principal, "");
    if (!step.recovery_codes.empty()) body["recovery_codes"] = step.recovery_codes;
  } else {
    body["challenge"] = step.challenge;
    if (step.next == "enrol") {
      body["secret"] = step.secret;
      body["otpauth_uri"] = step.otpauth_uri;
    }
  }
  Response r = Response::json(body);
  if (step.next == "done") r.headers.emplace_back("Set-Cookie", svc.session_cookie(step.session_token));
  return r;
}

std::optional<std::string> opt_string(const Json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end()) return std::nullopt;
  return it->is_null() ? std::string() : it->get<std::string>();
}

std::vector<std::string> strings(const Json& arr) {
  std::vector<std::string> out;
  for (const auto& x : arr) out.push_back(x.get<std::string>());
  return out;
}

}  // namespace

void register_routes(http::Router& router, std::shared_ptr<Service> svc) {
  // --- session
  router.add({"POST", "/api/v1/auth/login", http::kPublic, "Ingreso con correo y contraseña (primer paso)", "auth",
              [svc](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, {{"email", T::string, true, 200}, {"password", T::string, true, 200}});
                if (!body) return fail(body.error());
                auto step = svc->login(req, (*body)["email"], (*body)["password"]);
                if (!step && (step.error().code == "locked" || step.error().code == "rate_limited")) {
                  Response r = Response::error(step.error());
                  r.headers.emplace_back("Retry-After", "60");
                  return r;
                }
                if (!step) return fail(step.error());
                return step_response(*svc, *step);
              },
              {{"email", T::string, true, 200}, {"password", T::string, true, 200}}, true, true});

  http::Schema totp_schema = {{"challenge", T::string, true, 100}, {"code", T::string, false, 10}, {"recovery_code", T::string, false, 40}};
  router.add({"POST", "/api/v1/auth/login/totp", http::kPublic, "Segundo paso: código TOTP o código de recuperación", "auth",
              [svc, totp_schema](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, totp_schema);
                if (!body) return fail(body.error());
                std::string code = body->value("code", ""), recovery = body->value("recovery_code", "");
                if (code.empty() && recovery.empty())
                  return fail(Error::invalid("code", "Ingrese el código de seis dígitos de su aplicación.", "required"));
                auto step = svc->login_totp(req, (*body)["challenge"], code, recovery);
                if (!step) return fail(step.error());
                return step_response(*svc, *step);
              },
              totp_schema, true, true});

  http::Schema enrol_schema = {{"challenge", T::string, true, 100}, {"code", T::string, true, 10}};
  router.add({"POST", "/api/v1/auth/login/enrol", http::kPublic, "Activar la verificación en dos pasos durante el ingreso", "auth",
              [svc, enrol_schema](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, enrol_schema);
                if (!body) return fail(body.error());
                auto step = svc->login_enrol(req, (*body)["challenge"], (*body)["code"]);
                if (!step) return fail(step.error());
                return step_response(*svc, *step);
              },
              enrol_schema, true, true});

  router.add({"GET", "/api/v1/auth/session", http::kAuthenticated, "Sesión actual, permisos y token CSRF", "auth",
              [svc](Request& req) -> Result<Response> {
                std::string run;
                if (auto u = svc->find_user(req.who().email); u && *u) run = (**u).run;
                return Response::json(session_json(req.who(), run));
              }});

  router.add({"POST", "/api/v1/auth/logout", http::kAuthenticated, "Cerrar esta sesión", "auth", [svc](Request& req) -> Result<Response> {
                if (req.who().session_id == 0) return fail(Error::bad_request("not_a_session", "Los tokens de acceso no tienen sesión que cerrar."));
                if (auto ok = svc->logout(req, false); !ok) return fail(ok.error());
                Response r = Response::no_content();
                r.headers.emplace_back("Set-Cookie", svc->clear_cookie());
                return r;
              }});

  router.add({"POST", "/api/v1/auth/logout-all", http::kAuthenticated, "Cerrar todas mis sesiones en todos los dispositivos", "auth",
              [svc](Request& req) -> Result<Response> {
                if (auto ok = svc->logout(req, true); !ok) return fail(ok.error());
                Response r = Response::no_content();
                r.headers.emplace_back("Set-Cookie", svc->clear_cookie());
                return r;
              }});

  router.add({"GET", "/api/v1/auth/sessions", http::kAuthenticated, "Mis sesiones abiertas", "auth", [svc](Request& req) -> Result<Response> {
                auto list = svc->my_sessions(req);
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& s : *list)
                  items.push_back({{"id", s.id},
                                   {"created_at", iso8601_utc(s.created_at)},
                                   {"last_seen_at", iso8601_utc(s.last_seen_at)},
                                   {"client_ip", s.client_ip},
                                   {"user_agent", s.user_agent},
                                   {"current", s.id == req.who().session_id}});
                return Response::json({{"items", items}});
              }});

  router.add({"DELETE", "/api/v1/auth/sessions/{id}", http::kAuthenticated, "Cerrar una de mis sesiones", "auth",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                if (auto ok = svc->revoke_my_session(req, *id); !ok) return fail(ok.error());
                return Response::no_content();
              }});

  // --- self-service: one's own password and recovery codes
  http::Schema password_schema = {{"current_password", T::string, true, 200}, {"new_password", T::string, true, 200}};
  router.add({"POST", "/api/v1/me/password", http::kAuthenticated,
              "Cambiar mi contraseña (requiere la actual; cierra mis otras sesiones)", "auth",
              [svc, password_schema](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, password_schema);
                if (!body) return fail(body.error());
                if (auto ok = svc->change_own_password(req, (*body)["current_password"], (*body)["new_password"]); !ok) return fail(ok.error());
                return Response::no_content();
              },
              password_schema});

  router.add({"GET", "/api/v1/me/recovery-codes", http::kAuthenticated, "Cuántos de mis códigos de recuperación quedan sin usar", "auth",
              [svc](Request& req) -> Result<Response> {
                auto left = svc->recovery_codes_left(req);
                if (!left) return fail(left.error());
                return Response::json({{"remaining", *left}, {"totp_enabled", req.who().totp_enabled}});
              }});

  http::Schema regenerate_schema = {{"password", T::string, true, 200}, {"code", T::string, true, 10}};
  router.add({"POST", "/api/v1/me/recovery-codes", http::kAuthenticated,
              "Generar nuevos códigos de recuperación (requiere contraseña y código TOTP; los anteriores dejan de servir)", "auth",
              [svc, regenerate_schema](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, regenerate_schema);
                if (!body) return fail(body.error());
                auto codes = svc->regenerate_recovery_codes(req, (*body)["password"], (*body)["code"]);
                if (!codes) return fail(codes.error());
                return Response::json({{"recovery_codes", *codes}});
              },
              regenerate_schema});

  router.add({"GET", "/api/v1/me/home", http::kAuthenticated, "Lo que esta persona tiene que hacer hoy", "auth",
              [svc](Request& req) -> Result<Response> {
                auto home = svc->home(req);
                if (!home) return fail(home.error());
                return Response::json(*home);
              }});

  // --- roles and institutions
  router.add({"GET", "/api/v1/roles", "roles.read", "Roles y los permisos que otorgan", "auth", [](Request&) -> Result<Response> {
                Json items = Json::array();
                for (const auto& r : roles()) {
                  Json perms = Json::array();
                  for (const auto& id : r.permissions)
                    for (const auto& p : permissions())
                      if (p.id == id) perms.push_back({{"id", p.id}, {"description", p.description}});
                  // Who may grant it and where it may be held (the grants table), so forms offer only what would be accepted.
                  const Grant* g = find_grant(r.id);
                  Json types = Json::array();
                  for (const auto& t : institution_types())
                    if (role_fits_institution_type(r.id, t.id)) types.push_back(t.id);
                  items.push_back({{"id", r.id},
                                   {"name", r.name},
                                   {"summary", r.summary},
                                   {"requires_totp", r.requires_totp},
                                   {"permissions", perms},
                                   {"granted_by", g && g->granted_by == Granter::institution_admin ? "institution_admin" : "system_admin"},
                                   {"institution_types", types}});
                }
                return Response::json({{"items", items}});
              }});

  router.add({"GET", "/api/v1/institutions/types", "roles.read", "Tipos de institución", "auth", [](Request&) -> Result<Response> {
                Json items = Json::array();
                for (const auto& t : institution_types()) items.push_back({{"id", t.id}, {"label", t.label}});
                return Response::json({{"items", items}});
              }});

  router.add({"GET", "/api/v1/institutions", "roles.read", "Instituciones", "auth", [svc](Request& req) -> Result<Response> {
                std::string q = req.query_param("q");
                if (q.size() > 100) return fail(Error::bad_request("invalid_parameter", "La búsqueda admite como máximo 100 caracteres.", "q"));
                auto list = svc->list_institutions(q, req.query_param("type"), req.query_param("region"));
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& i : *list) items.push_back(institution_json(i));
                return Response::json({{"items", items}});
              }});

  http::Schema new_institution = {{"name", T::string, true, 200}, {"type", T::string, true, 40},
                                  {"region_id", T::string, false, 2, true}, {"comuna_id", T::string, false, 5, true}};
  router.add({"POST", "/api/v1/institutions", "institutions.manage", "Crear una institución", "auth",
              [svc, new_institution](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_institution);
                if (!body) return fail(body.error());
                Institution i;
                i.name = (*body)["name"];
                i.type = (*body)["type"];
                i.region_id = opt_string(*body, "region_id").value_or("");
                i.comuna_id = opt_string(*body, "comuna_id").value_or("");
                auto created = svc->create_institution(req, i);
                if (!created) return fail(created.error());
                return Response::json(institution_json(*created), 201);
              },
              new_institution});

  http::Schema institution_changes = {{"name", T::string, false, 200}, {"region_id", T::string, false, 2, true},
                                      {"comuna_id", T::string, false, 5, true}, {"active", T::boolean}};
  router.add({"PATCH", "/api/v1/institutions/{id}", "institutions.manage", "Modificar una institución", "auth",
              [svc, institution_changes](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto body = http::parse_body(req, institution_changes);
                if (!body) return fail(body.error());
                InstitutionChanges c;
                c.name = opt_string(*body, "name");
                c.region_id = opt_string(*body, "region_id");
                c.comuna_id = opt_string(*body, "comuna_id");
                if (body->contains("active")) c.active = (*body)["active"].get<bool>();
                auto updated = svc->update_institution(req, *id, c);
                if (!updated) return fail(updated.error());
                return Response::json(institution_json(*updated));
              },
              institution_changes});

  // --- accounts
  router.add({"GET", "/api/v1/users", "users.manage", "Cuentas (de su institución, o de todas con users.manage_all)", "auth",
              [svc](Request& req) -> Result<Response> {
                UserFilter f;
                f.query = req.query_param("q");
                if (f.query.size() > 100) return fail(Error::bad_request("invalid_parameter", "La búsqueda admite como máximo 100 caracteres.", "q"));
                f.role = req.query_param("role");
                if (!req.query_param("institution_id").empty()) {
                  auto inst = http::query_int(req, "institution_id", 0, 1, INT64_MAX);
                  if (!inst) return fail(inst.error());
                  f.institution_id = *inst;
                }
                auto list = svc->list_users(req, f);
                if (!list) return fail(list.error());
                Json items = Json::array();
                for (const auto& u : *list) items.push_back(user_json(u));
                return Response::json({{"items", items}});
              }});

  router.add({"GET", "/api/v1/users/{id}", "users.manage", "Una cuenta", "auth", [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto u = svc->get_user(req, *id);
                if (!u) return fail(u.error());
                return Response::json(user_json(*u));
              }});

  http::Schema new_user = {{"name", T::string, true, 200},         {"email", T::string, true, 200},
                           {"run", T::string, false, 20, true},    {"institution_id", T::integer, true},
                           {"roles", T::string_array, true, 10},   {"region_id", T::string, false, 2, true},
                           {"comuna_id", T::string, false, 5, true}, {"password", T::string, true, 128}};
  router.add({"POST", "/api/v1/users", "users.manage", "Crear una cuenta", "auth",
              [svc, new_user](Request& req) -> Result<Response> {
                auto body = http::parse_body(req, new_user);
                if (!body) return fail(body.error());
                NewUser u;
                u.name = (*body)["name"];
                u.email = (*body)["email"];
                u.run = opt_string(*body, "run").value_or("");
                u.institution_id = (*body)["institution_id"];
                u.roles = strings((*body)["roles"]);
                u.region_id = opt_string(*body, "region_id").value_or("");
                u.comuna_id = opt_string(*body, "comuna_id").value_or("");
                u.password = (*body)["password"];
                auto created = svc->create_user(req, u);
                if (!created) return fail(created.error());
                return Response::json(user_json(*created), 201);
              },
              new_user});

  http::Schema user_changes = {{"name", T::string, false, 200},         {"run", T::string, false, 20, true},
                               {"roles", T::string_array, false, 10},   {"active", T::boolean},
                               {"region_id", T::string, false, 2, true}, {"comuna_id", T::string, false, 5, true}};
  router.add({"PATCH", "/api/v1/users/{id}", "users.manage", "Modificar una cuenta", "auth",
              [svc, user_changes](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto body = http::parse_body(req, user_changes);
                if (!body) return fail(body.error());
                UserChanges c;
                c.name = opt_string(*body, "name");
                c.run = opt_string(*body, "run");
                c.region_id = opt_string(*body, "region_id");
                c.comuna_id = opt_string(*body, "comuna_id");
                if (body->contains("active")) c.active = (*body)["active"].get<bool>();
                if (body->contains("roles")) c.roles = strings((*body)["roles"]);
                auto updated = svc->update_user(req, *id, c);
                if (!updated) return fail(updated.error());
                return Response::json(user_json(*updated));
              },
              user_changes});

  router.add({"POST", "/api/v1/users/{id}/reset-totp", "users.manage", "Restablecer la verificación en dos pasos de una cuenta", "auth",
              [svc](Request& req) -> Result<Response> {
                auto id = http::path_id(req);
                if (!id) return fail(id.error());
                auto u = svc->reset_totp(req, *id);
                if (!u) return fail(u.error());
                return Response::json(user_json(*u));
              }});
}

}  // namespace eq::auth
