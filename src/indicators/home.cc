// Home-page items: stewards see their SEG indicators with a period due and missing; analysts the
// companies' report.
#include "core/time.h"
#include "indicators/module.h"
#include "indicators/service.h"

namespace eq::indicators {

Result<std::vector<http::Json>> home_items(Service& svc, const http::Request& req) {
  const auto& p = req.who();
  std::vector<http::Json> out;
  if (p.can("indicators.steward")) {
    auto mine = svc.steward_indicators(req);
    if (!mine) return fail(mine.error());
    int64_t overdue = 0, indicators = 0;
    std::string first;
    for (const auto& i : (*mine)["items"]) {
      if (i["origin"] != "upload") continue;
      ++indicators;
      if (i["overdue"].get<int64_t>() > 0) {
        overdue += i["overdue"].get<int64_t>();
        if (first.empty()) first = i["name"].get<std::string>();
      }
    }
    if (indicators > 0)
      out.push_back({{"kind", overdue ? "task" : "metric"},
                     {"title", "Indicadores de género por informar"},
                     {"detail", overdue ? "Períodos vencidos sin valor, por ejemplo en «" + first + "». Cárguelos para el Sistema de Indicadores de Género."
                                        : "Su institución está al día con el Sistema de Indicadores de Género."},
                     {"value", overdue},
                     {"link", "/indicadores/mis-indicadores"},
                     {"severity", overdue ? "warning" : "info"}});
  }
  if (p.can("indicators.import")) {
    auto report = svc.public_report();
    if (!report) return fail(report.error());
    auto j = http::Json::parse(*report);
    std::string years;
    for (const auto& y : j["years"]) years += (years.empty() ? "" : ", ") + std::to_string(y.get<int>());
    out.push_back({{"kind", "metric"},
                   {"title", "Indicadores de género en las empresas"},
                   {"detail", years.empty() ? "Importe las declaraciones de las empresas a la CMF." : "Años cargados: " + years + "."},
                   {"value", j["years"].size()},
                   {"link", "/indicadores/importar"},
                   {"severity", "info"}});
  }
  return out;
}

}  // namespace eq::indicators
