// Monitoring on the home page: open alerts for the control centre, pending dispatches for a unit.
#include "monitoring/module.h"

namespace eq::monitoring {

Result<std::vector<http::Json>> home_items(Service& service, const http::Request& req) {
  const auto& p = req.who();
  std::vector<http::Json> out;
  if (!p.can("alerts.handle") && !p.can("dispatch.receive")) return out;
  auto c = service.home_counts(p);
  if (!c) return fail(c.error());
  if (p.can("alerts.handle")) {
    if (c->critical > 0)
      out.push_back({{"kind", "task"}, {"title", "Monitoreo: alertas críticas sin tomar"},
                     {"detail", "Botón de pánico, quebrantamiento de distancia o brazalete manipulado."},
                     {"value", c->critical}, {"link", "/monitoreo"}, {"severity", "critical"}});
    out.push_back({{"kind", c->fresh ? "task" : "metric"}, {"title", "Monitoreo: alertas abiertas"},
                   {"detail", std::to_string(c->fresh) + " sin tomar; órdenes de alejamiento y brazaletes de emergencia."},
                   {"value", c->open}, {"link", "/monitoreo"}, {"severity", c->fresh ? "warning" : "info"}});
  }
  if (p.can("dispatch.receive")) {
    out.push_back({{"kind", c->pending ? "task" : "metric"}, {"title", "Despachos por aceptar"},
                   {"detail", std::to_string(c->active) + " despachos en curso para su unidad."},
                   {"value", c->pending}, {"link", "/monitoreo/unidad"}, {"severity", c->pending ? "critical" : "info"}});
  }
  return out;
}

}  // namespace eq::monitoring
