#include "pharmacy/access.h"

namespace eq::pharmacy {

Result<void> may_read(const http::Principal& who, const Report& report) {
  if (who.can(kFollow)) return {};
  if (who.can(kReport) && report.institution_id && *report.institution_id == who.institution_id) return {};
  return fail(Error::not_found("El reporte no existe."));
}

Result<void> may_report(const http::Principal& who, const std::optional<Enrolment>& own, std::optional<int64_t> claimed) {
  if (!who.can(kReport)) return fail(Error::forbidden());
  if (!own)
    return fail(Error{403, "not_enrolled",
                      "Su farmacia no está inscrita en «Mascarilla 19». Pida a SernamEG su inscripción; mientras tanto, si ella está en "
                      "peligro llame al 133 y, si no, entréguele el Fono 1455.",
                      {}});
  if (claimed && *claimed != own->id)
    return fail(Error{403, "other_pharmacy", "Solo puede reportar activaciones de su propia farmacia.", "pharmacy_id"});
  if (own->status == "suspended")
    return fail(Error{403, "pharmacy_suspended",
                      "Su farmacia está suspendida de «Mascarilla 19»" + (own->status_reason.empty() ? std::string(".") : " (" + own->status_reason + ").") +
                          " No puede reportar mientras SernamEG no la reactive. Si ella está en peligro llame ahora al 133; si no, entréguele el "
                          "Fono 1455 (gratuito, todos los días).",
                      {}});
  return {};
}

Result<void> may_manage(const http::Principal& who) {
  // Enrolment is national: SernamEG's supervision manages pharmacies of any region (the route table
  // asks the same permission; this is the object rule every enrolment route calls).
  if (!who.can(kSupervise)) return fail(Error::forbidden());
  return {};
}

}  // namespace eq::pharmacy
