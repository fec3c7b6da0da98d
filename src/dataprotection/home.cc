// Home-page items of the data-protection officer: the open requests (overdue ones as a warning)
// and the record of processing activities.
#include "core/time.h"
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "dataprotection/retention.h"

namespace eq::dataprotection {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  std::vector<nlohmann::json> out;
  if (!req.who().can("dataprotection.manage")) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    const auto today = today_cl(now_ms());
    int64_t open = 0, late = 0;
    for (const auto& r : svc.repo().list(**lease, "")) {
      if (is_final(r.state)) continue;
      ++open;
      if (overdue(r.deadline_on, today)) ++late;
    }
    if (late > 0)
      out.push_back({{"kind", "task"}, {"title", "Solicitudes de datos personales vencidas"},
                     {"detail", "Pasaron su plazo legal (30 días corridos, o 60 con prórroga) sin respuesta: respóndalas hoy."},
                     {"value", late}, {"link", "/datos-personales/solicitudes?vencidas=1"}, {"severity", "danger"}});
    out.push_back({{"kind", "metric"}, {"title", "Solicitudes de derechos en trámite (Ley 21.719)"},
                   {"detail", "Acceso, rectificación, supresión, oposición, portabilidad y bloqueo, con su plazo legal."},
                   {"value", open}, {"link", "/datos-personales/solicitudes"}, {"severity", "info"}});
    int64_t breaches = 0, late_breaches = 0;
    const int64_t now = now_ms();
    for (const auto& b : svc.repo().breaches(**lease)) {
      ++breaches;
      if (breach_notice_overdue(b, now)) ++late_breaches;
    }
    if (late_breaches > 0)
      out.push_back({{"kind", "task"}, {"title", "Brechas sin notificar a la Agencia"},
                     {"detail", "Pasaron más de 72 horas desde su detección sin notificación registrada: la ley exige notificar sin "
                                "dilaciones indebidas."},
                     {"value", late_breaches}, {"link", "/datos-personales/brechas"}, {"severity", "danger"}});
    out.push_back({{"kind", "metric"}, {"title", "Registro de brechas de seguridad"},
                   {"detail", "Brechas registradas, con su notificación a la Agencia de Protección de Datos Personales y a los titulares."},
                   {"value", breaches}, {"link", "/datos-personales/brechas"}, {"severity", "info"}});
    int64_t holds = 0;
    for (const auto& h : list_holds(**lease)) holds += hold_active(h, today);
    out.push_back({{"kind", "metric"}, {"title", "Retenciones legales vigentes"},
                   {"detail", "Datos que ninguna purga elimina mientras la retención esté vigente (orden judicial, Fiscalía, obligación legal)."},
                   {"value", holds}, {"link", "/datos-personales/retenciones"}, {"severity", "info"}});
    const auto runs = list_runs(**lease, 1);
    const bool failed = !runs.empty() && runs.front().state == "failed";
    out.push_back({{"kind", "task"}, {"title", failed ? "La última purga terminó con errores" : "Plazos de conservación y purgas"},
                   {"detail", "Cuánto se conserva cada tipo de dato, lo vencido hoy y las purgas diarias, con lo que retuvo cada retención."},
                   {"value", nullptr}, {"link", "/datos-personales/conservacion"}, {"severity", failed ? "danger" : "info"}});
    out.push_back({{"kind", "task"}, {"title", "Registro de actividades de tratamiento"},
                   {"detail", "Qué datos personales guarda cada módulo y cómo se protegen, generado del contrato de los módulos."},
                   {"value", nullptr}, {"link", "/datos-personales/registro"}, {"severity", "info"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::dataprotection
