// Monitoring on the home page: open alerts for the control centre, pending dispatches for a unit.
#include "monitoring/service_impl.h"
#include "store/query.h"

namespace eq::monitoring {

Result<std::vector<http::Json>> home_items(Service& service, const http::Request& req) {
  const auto& p = req.who();
  std::vector<http::Json> out;
  if (!p.can("alerts.handle") && !p.can("dispatch.receive")) return out;
  auto& I = service.impl();
  auto lease = I.db.lease();
  if (!lease) return fail(lease.error());
  try {
    auto count = [&](const std::string& sql, int64_t institution) {
      store::Query q(sql);
      if (institution) q.bind("i", static_cast<long long>(institution));
      return q.scalar(**lease).value_or(0);
    };
    if (p.can("alerts.handle")) {
      const auto critical = count("SELECT COUNT(*) FROM monitoring_incidents WHERE state = 'nueva' AND severity = 'critical'", 0);
      const auto fresh = count("SELECT COUNT(*) FROM monitoring_incidents WHERE state = 'nueva'", 0);
      const auto open = count("SELECT COUNT(*) FROM monitoring_incidents WHERE state <> 'cerrada'", 0);
      if (critical > 0)
        out.push_back({{"kind", "task"}, {"title", "Monitoreo: alertas críticas sin tomar"},
                       {"detail", "Botón de pánico, quebrantamiento de distancia o brazalete manipulado."},
                       {"value", critical}, {"link", "/monitoreo"}, {"severity", "critical"}});
      out.push_back({{"kind", fresh ? "task" : "metric"}, {"title", "Monitoreo: alertas abiertas"},
                     {"detail", std::to_string(fresh) + " sin tomar; órdenes de alejamiento y brazaletes de emergencia."},
                     {"value", open}, {"link", "/monitoreo"}, {"severity", fresh ? "warning" : "info"}});
    }
    if (p.can("dispatch.receive")) {
      const auto pending = count("SELECT COUNT(*) FROM monitoring_dispatches WHERE institution_id = :i AND state = 'enviado'", p.institution_id);
      const auto active = count("SELECT COUNT(*) FROM monitoring_dispatches WHERE institution_id = :i AND state <> 'cerrado'", p.institution_id);
      out.push_back({{"kind", pending ? "task" : "metric"}, {"title", "Despachos por aceptar"},
                     {"detail", std::to_string(active) + " despachos en curso para su unidad."},
                     {"value", pending}, {"link", "/monitoreo/unidad"}, {"severity", pending ? "critical" : "info"}});
    }
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::monitoring
