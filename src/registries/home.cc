// Home-page items: the ministry's editors are led to the certified organisations and to the
// agreements, with the open alerts of the agreements as the figure to act on.
#include "registries/access.h"
#include "registries/module.h"

namespace eq::registries {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  std::vector<nlohmann::json> out;
  if (!access::may_change(req.who())) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    int64_t certified = 0;
    for (const auto& [program, status, n] : repo::cert_counts(s))
      if (status == "certificada" || status == "adherida" || status == "otorgado") certified += n;
    out.push_back({{"kind", "metric"}, {"title", "Organizaciones certificadas y adherentes"},
                   {"detail", "NCh3262, Sello Iguala-Conciliación e IPG Chile: registros vigentes. Registre organizaciones y cambios de estado."},
                   {"value", certified}, {"link", "/registros/certificaciones"}, {"severity", "info"}});
    const auto expiring = repo::cert_alerts(s, std::nullopt);
    if (!expiring.empty())
      out.push_back({{"kind", "task"}, {"title", "Certificaciones por vencer o vencidas"},
                     {"detail", "NCh3262 y Sello Iguala-Conciliación a 90 y 30 días de su vencimiento, o vencidas sin renovación registrada."},
                     {"value", static_cast<int64_t>(expiring.size())}, {"link", "/registros/certificaciones"}, {"severity", "warning"}});
    const auto alerts = repo::alerts(s, std::nullopt);
    out.push_back({{"kind", alerts.empty() ? "metric" : "task"}, {"title", "Convenios: alertas de vencimiento y obligaciones"},
                   {"detail", "Convenios por vencer (60 y 30 días), vencidos sin cierre y obligaciones con plazo vencido."},
                   {"value", static_cast<int64_t>(alerts.size())}, {"link", "/registros/convenios"},
                   {"severity", alerts.empty() ? "info" : "warning"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::registries
