// «Mascarilla 19» on the home page: the pharmacy's form (its role promises it), and for SernamEG's
// line the activations still waiting for a call, overdue ones first.
#include <algorithm>

#include "core/time.h"
#include "pharmacy/access.h"

namespace eq::pharmacy {

Result<std::vector<http::Json>> home_items(Service& svc, const http::Request& req) {
  const auto& p = req.who();
  std::vector<http::Json> out;
  if (p.can(kReport)) {
    auto own = svc.enrolment_of(p.institution_id);
    if (!own) return fail(own.error());
    out.push_back({{"kind", "task"},
                   {"title", "Reportar una activación de «Mascarilla 19»"},
                   {"detail", *own ? "Si una mujer dijo «Mascarilla 19» en su farmacia, complete el formulario de un minuto: SernamEG la contactará."
                                   : "Su farmacia aún no está inscrita: pida a SernamEG su inscripción."},
                   {"value", nullptr},
                   {"link", "/farmacia"},
                   {"severity", "info"}});
  }
  if (p.can(kFollow)) {
    auto open = svc.followups(req);
    if (!open) return fail(open.error());
    const int64_t now = now_ms();
    int64_t overdue = 0;
    for (const auto& r : *open) overdue += (r.state == "waiting" && now > r.due_at) ? 1 : 0;
    if (!open->empty())
      out.push_back({{"kind", "task"},
                     {"title", "Activaciones «Mascarilla 19» por contactar"},
                     {"detail", overdue ? "Hay activaciones con el plazo de contacto vencido: llámelas primero."
                                        : "Mujeres que pidieron ayuda en una farmacia y esperan el llamado de SernamEG."},
                     {"value", static_cast<int64_t>(open->size())},
                     {"link", "/farmacia/seguimiento"},
                     {"severity", overdue ? "critical" : "warning"}});
  }
  if (p.can(kSupervise)) {
    // Escalations: reports past their deadline without closure, the supervision's to resolve.
    auto esc = svc.escalated(req);
    if (!esc) return fail(esc.error());
    if (!esc->empty()) {
      const int64_t now = now_ms();
      int64_t second = 0, oldest_due = now;
      for (const auto& r : *esc) {
        second += r.escalation >= 2 ? 1 : 0;
        oldest_due = std::min(oldest_due, r.due_at);
      }
      std::string detail = "Sin cierre pasado el plazo de contacto; la más atrasada, vencida hace " + duration_text(now - oldest_due) + ".";
      if (second) detail += " " + std::to_string(second) + (second == 1 ? " ya está" : " ya están") + " en el segundo nivel.";
      out.push_back({{"kind", "task"},
                     {"title", "Activaciones «Mascarilla 19» escaladas"},
                     {"detail", detail},
                     {"value", static_cast<int64_t>(esc->size())},
                     {"link", "/farmacia/seguimiento"},
                     {"severity", "critical"}});
    }
  }
  return out;
}

}  // namespace eq::pharmacy
