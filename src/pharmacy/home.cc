// «Mascarilla 19» on the home page: the pharmacy's form (its role promises it), and for SernamEG's
// line the activations still waiting for a call, overdue ones first.
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
  return out;
}

}  // namespace eq::pharmacy
