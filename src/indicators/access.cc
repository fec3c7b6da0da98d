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
  if (indicator.status == "retirado")
    return fail(Error::conflict("retired_indicator",
                                "El indicador «" + indicator.name + "» está retirado: su serie se conserva, pero no recibe valores nuevos.",
                                "indicator"));
  return {};
}

bool edits_any_institution(const http::Principal& who) { return who.can("indicators.import"); }

Result<void> check_edit(const http::Principal& who, const Indicator& indicator) {
  if (edits_any_institution(who) || who.institution_id == indicator.steward_institution_id) return {};
  if (indicator.status == "borrador") return fail(Error::not_found("El indicador no existe."));
  return fail(Error{403, "not_steward",
                    "El indicador «" + indicator.name + "» lo define otra institución: solo su institución responsable (o el Ministerio) puede modificarlo.",
                    "indicator"});
}

Result<void> check_steward_choice(const http::Principal& who, int64_t institution_id) {
  if (edits_any_institution(who) || who.institution_id == institution_id) return {};
  return fail(Error{403, "not_steward", "Solo puede definir indicadores de los que su propia institución es responsable.",
                    "steward_institution_id"});
}

}  // namespace eq::indicators
