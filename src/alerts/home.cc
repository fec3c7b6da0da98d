// Alerts on the home page of whoever answers them: new ones, critical ones, escalated ones.
#include "alerts/module.h"

namespace eq::alerts {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  const auto& p = req.who();
  std::vector<nlohmann::json> out;
  if (!p.can("alerts.respond")) return out;
  const int64_t viewer = p.can("alerts.handle") ? 0 : p.institution_id;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto count = [&](ListFilter f) {
      f.per_page = 1;
      return svc.list(**lease, viewer, f).total;
    };
    ListFilter fresh;
    fresh.state = "nueva";
    ListFilter critical = fresh;
    critical.severity = "critica";
    ListFilter escalated = fresh;
    escalated.escalated = true;
    const int64_t n_critical = count(critical), n_escalated = count(escalated), n_new = count(fresh);
    if (n_critical > 0)
      out.push_back({{"kind", "task"}, {"title", "Alertas críticas sin tomar"}, {"detail", "Riesgo vital, incumplimientos de medidas o falta de seguimiento: tómelas primero."},
                     {"value", n_critical}, {"link", "/alertas?severidad=critica&estado=nueva"}, {"severity", "critical"}});
    if (n_escalated > 0)
      out.push_back({{"kind", "task"}, {"title", "Alertas escaladas"}, {"detail", "No se tomaron en el plazo de su regla."},
                     {"value", n_escalated}, {"link", "/alertas?escaladas=true&estado=nueva"}, {"severity", "critical"}});
    out.push_back({{"kind", n_new ? "task" : "metric"}, {"title", "Alertas nuevas"},
                   {"detail", viewer ? "De su institución o de personas que atiende." : "De todo el país (centro de control)."},
                   {"value", n_new}, {"link", "/alertas"}, {"severity", n_new ? "warning" : "info"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::alerts
