// Home-page items: a company or headhunter is led to the search; a woman to her profile, with a
// reminder when it is stale (the job marks it) and how many times companies viewed it.
#include "core/format_cl.h"
#include "core/time.h"
#include "directoras/module.h"

namespace eq::directoras {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  const auto& who = req.who();
  std::vector<nlohmann::json> out;
  if (!who.can("registries.directoras.search") && !who.can("registries.directoras.profile")) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    if (who.can("registries.directoras.search")) {
      const int64_t n = svc.repo().count(s, false);
      out.push_back({{"kind", "metric"}, {"title", "Registro de Directoras"},
                     {"detail", "Mujeres inscritas, capacitadas y disponibles para directorios. Busque por industria, especialidad, "
                                "estudios, región y experiencia en directorios."},
                     {"value", n}, {"link", "/directoras/buscar"}, {"severity", "info"}});
    }
    if (who.can("registries.directoras.profile")) {
      auto p = svc.repo().of_user(s, who.user_id);
      if (!p)
        out.push_back({{"kind", "task"}, {"title", "Inscríbase en el Registro de Directoras"},
                       {"detail", "Complete su perfil para que empresas y headhunters la encuentren."}, {"value", nullptr},
                       {"link", "/directoras/mi-perfil"}, {"severity", "warning"}});
      else if (svc.stale(*p, now_ms()))
        out.push_back({{"kind", "task"}, {"title", "Actualice su perfil del Registro de Directoras"},
                       {"detail", "Su perfil no se actualiza desde el " + format_date_cl(p->updated_at) +
                                      ": revíselo y guárdelo para confirmar que sigue disponible."},
                       {"value", nullptr}, {"link", "/directoras/mi-perfil"}, {"severity", "warning"}});
      else
        out.push_back({{"kind", "metric"}, {"title", "Consultas a su perfil"},
                       {"detail", "Empresas que vieron su perfil o sus datos de contacto. Vigente desde el " + format_date_cl(p->updated_at) + "."},
                       {"value", static_cast<int64_t>(svc.repo().views(s, p->id).size())}, {"link", "/directoras/mi-perfil"},
                       {"severity", "info"}});
    }
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::directoras
