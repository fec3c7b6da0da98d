// Home-page items: the ministry's team (participation.manage) is led to the consultation with the
// questions still waiting for an answer and the posts hidden by reports as the figures to act on.
#include "participation/access.h"
#include "participation/module.h"

namespace eq::participation {

Result<std::vector<Json>> home_items(Service& svc, const http::Request& req) {
  std::vector<Json> out;
  if (!access::may_manage(req.who())) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    for (const auto& p : Repository::processes(s)) {
      int64_t pending = 0, hidden = 0;
      for (const char* kind : {"comentario", "pregunta"})
        for (const auto& x : Repository::posts(s, p.id, kind, true)) {
          pending += x.kind == "pregunta" && x.state != "retirado" && !x.answered_at;
          hidden += x.state == "oculto";
        }
      out.push_back({{"kind", pending || hidden ? "task" : "metric"},
                     {"title", "Participación ciudadana: " + p.title},
                     {"detail", "Fase: " + std::string(phase_label(p.phase)) + ". Preguntas sin respuesta: " + std::to_string(pending) +
                                    "; mensajes ocultos por reportes: " + std::to_string(hidden) + "."},
                     {"value", pending},
                     {"link", "/participacion/" + std::to_string(p.id)},
                     {"severity", hidden ? "warning" : "info"}});
    }
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::participation
