// The help channels on the home page: the operator's console (with what waits in the queue), the
// supervisor's view, the daily statistics and the statistics over time.
#include "channels/module.h"

namespace eq::channels {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  const auto& p = req.who();
  std::vector<nlohmann::json> out;
  // Statistics over time (history.h): the 1455's supervisors and the ministry's analysts.
  const nlohmann::json over_time = {{"kind", "task"},
                                    {"title", "Estadística de los canales de ayuda"},
                                    {"detail", "Contactos por canal, mes, región y resultado; variación anual; CSV y XLSX."},
                                    {"link", "/canales/historial"}};
  if (!p.can("channels.answer")) {
    if (p.can("channels.statistics")) out.push_back(over_time);
    return out;
  }
  Actor a{p.user_id, p.institution_id, p.can("channels.supervise"), req.client_ip};
  auto q = svc.queue(a);
  if (!q) return fail(q.error());
  int64_t urgent = 0;
  for (const auto& c : *q) urgent += c.urgent ? 1 : 0;
  const auto waiting = static_cast<int64_t>(q->size());
  out.push_back({{"kind", waiting ? "task" : "metric"},
                 {"title", "Consola de atención 1455"},
                 {"detail", urgent ? "Hay contactos urgentes esperando: póngase disponible para recibirlos."
                                   : "Llamadas y chats en una sola cola; póngase disponible para recibirlos."},
                 {"value", waiting},
                 {"link", "/canales"},
                 {"severity", urgent ? "critical" : (waiting ? "warning" : "info")}});
  if (auto cbs = svc.callbacks(a, true); cbs && !cbs->empty())
    out.push_back({{"kind", "task"}, {"title", "Llamadas por devolver"}, {"detail", "Llamadas abandonadas antes de ser atendidas."},
                   {"value", static_cast<int64_t>(cbs->size())}, {"link", "/canales#devoluciones"}, {"severity", "warning"}});
  if (a.supervisor) {
    out.push_back({{"kind", "task"}, {"title", "Supervisión de la línea"}, {"detail", "Cola en vivo, operadoras, reasignación y bloqueos."},
                   {"link", "/canales/supervision"}});
    out.push_back({{"kind", "task"}, {"title", "Estadística diaria de atención"},
                   {"detail", "Contactos por canal, resultado y hora; abandono y tiempos de espera."}, {"link", "/canales/estadistica"}});
  }
  if (p.can("channels.statistics")) out.push_back(over_time);
  return out;
}

}  // namespace eq::channels
