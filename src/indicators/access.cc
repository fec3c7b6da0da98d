#include "indicators/access.h"

namespace eq::indicators {

Result<void> check_upload(const http::Principal& who, const Indicator& indicator) {
  if (who.institution_id != indicator.steward_institution_id)
    return fail(Error{403, "not_steward",
                      "El indicador «" + indicator.name + "» lo informa otra institución: solo su institución responsable puede cargar su serie.",
                      "indicator"});
  if (indicator.origin != "upload")
    return fail(Error::conflict("computed_indicator",
                                "La serie de «" + indicator.name + "» se calcula desde la plataforma; no se carga a mano.", "indicator"));
  return {};
}

}  // namespace eq::indicators
