// The network's items on home pages: house staff see offers waiting for an answer and whether their
// capacity needs confirming; case workers the state of their referrals to houses; the ministry the
// national board.
#include "care/access.h"
#include "care/module.h"
#include "core/time.h"

namespace eq::care {

Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req) {
  const auto& who = req.who();
  std::vector<nlohmann::json> out;
  if (!who.can("care.house") && !who.can("care.refer") && !who.can("care.board")) return out;
  auto lease = svc.db().lease();
  if (!lease) return fail(lease.error());
  try {
    auto& s = **lease;
    const int64_t now = now_ms();
    if (who.can("care.house")) {
      int waiting = 0, stale = 0;
      for (const auto& pl : svc.repo().placements(s, "institution", who.institution_id)) waiting += pl.state == "ofrecida";
      for (const auto& p : svc.repo().places(s, "casa", "", ""))
        if (access::staff_of(who, p))
          for (const auto& u : svc.repo().units(s, p.id))
            if (!u.confirmed_at || *u.confirmed_at + svc.options().stale_hours * 3600LL * 1000 <= now) {
              ++stale;
              break;
            }
      out.push_back({{"kind", waiting ? "task" : "metric"}, {"title", "Derivaciones por responder"},
                     {"detail", "Acepte o rechace con un motivo antes del plazo (" + duration_es(svc.options().answer_seconds) + ")."},
                     {"value", waiting}, {"link", "/red/casa"}, {"severity", waiting ? "warning" : "info"}});
      if (stale)
        out.push_back({{"kind", "task"}, {"title", "Confirme sus cupos"},
                       {"detail", "Sin confirmar en las últimas " + std::to_string(svc.options().stale_hours) + " horas: no se ofrecen."},
                       {"value", stale}, {"link", "/red/casa"}, {"severity", "critical"}});
    }
    if (who.can("care.refer")) {
      int open = 0;
      for (const auto& pl : svc.repo().placements(s, "from", who.institution_id))
        open += pl.state == "ofrecida" || pl.state == "aceptada";
      out.push_back({{"kind", "metric"}, {"title", "Buscar cupo en casa de acogida"},
                     {"detail", "Cupos confirmados en la red, fuera de la comuna del agresor."}, {"value", open},
                     {"link", "/red/cupo"}, {"severity", "info"}});
    }
    if (who.can("care.board"))
      out.push_back({{"kind", "metric"}, {"title", "Cupos de la red de casas de acogida"}, {"detail", "Tablero nacional por región."},
                     {"value", static_cast<int64_t>(svc.repo().places(s, "casa", "", "").size())}, {"link", "/red/tablero"},
                     {"severity", "info"}});
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

}  // namespace eq::care
