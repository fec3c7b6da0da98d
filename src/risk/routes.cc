// The instrument as the web form needs it: items, answers with their weights, overrides and
// thresholds, so a professional sees why the form computed a level.
#include "http/router.h"
#include "risk/instrument.h"

namespace eq::risk {

void register_routes(http::Router& router, std::shared_ptr<const Instrument> instrument) {
  router.add({"GET", "/api/v1/risk/instrument", "cases.read",
              "Pauta de evaluación de riesgo vigente (ítems, respuestas, ponderaciones, niveles y plazos de reevaluación)", "risk",
              [instrument](http::Request&) -> Result<http::Response> {
                auto r = http::Response::json(instrument->document());
                // The form is configuration that changes only with a release of data/.
                r.headers.emplace_back("Cache-Control", "private, max-age=300");
                return r;
              }});
}

}  // namespace eq::risk
