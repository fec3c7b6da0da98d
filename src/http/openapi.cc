// The API description, generated from the route table itself.
#include <set>

#include "http/router.h"

namespace eq::http {

Json Router::openapi() const {
  Json paths = Json::object();
  Json error_schema = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"required", {"code", "message"}},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}, {"field", {{"type", "string"}}}}}}}}}};
  for (const auto& r : routes_) {
    Json op = {{"summary", r.summary},
               {"tags", {r.tag}},
               {"operationId", r.method + " " + r.pattern},
               {"x-permission", r.permission},
               {"responses",
                {{"200", {{"description", "OK"}}},
                 {"default", {{"description", "Error"}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}}}};
    if (r.permission != kPublic) {
      op["security"] = Json::array({{{"session", Json::array()}}, {{"token", Json::array()}}});
      op["responses"]["401"] = {{"description", "Sin sesión"}};
      if (r.permission != kAuthenticated) op["responses"]["403"] = {{"description", "Sin el permiso " + r.permission}};
    } else {
      op["security"] = Json::array();
    }
    if (r.rate_limited) op["responses"]["429"] = {{"description", "Demasiadas solicitudes"}};
    Json params = Json::array();
    size_t pos = 0;
    while ((pos = r.pattern.find('{', pos)) != std::string::npos) {
      size_t end = r.pattern.find('}', pos);
      params.push_back({{"name", r.pattern.substr(pos + 1, end - pos - 1)}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
      pos = end;
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.body.empty())
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", schema_to_openapi(r.body)}}}}}};
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(tolower(c));
    paths[r.pattern][method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info", {{"title", "Equidad API"}, {"version", EQ_VERSION},
                    {"description", "API del sistema de información del Ministerio de la Mujer y la Equidad de Género."}}},
          {"servers", Json::array({{{"url", "/"}}})},
          {"paths", paths},
          {"components",
           {{"schemas", {{"Error", error_schema}}},
            {"securitySchemes",
             {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "eq_session"}}},
              {"token", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace eq::http
