#include "account/access.h"

namespace eq::account::access {

Result<void> may_write_milestone(const http::Principal& p, const std::string& region_id) {
  // The region comes from the account (set by whoever manages it), never from the request.
  if (p.institution_type != "seremi" || p.region_id.empty())
    return fail(Error{403, "forbidden", "Solo un equipo SEREMI registra hitos, y solo los de su región.", "region_id"});
  if (p.region_id != region_id)
    return fail(Error{403, "forbidden", "Solo puede registrar o modificar hitos de su propia región.", "region_id"});
  return {};
}

Result<void> may_read_milestones(const http::Principal& p, const std::string& region_id) {
  if (p.region_id.empty()) return {};
  if (region_id != p.region_id)
    return fail(Error{403, "forbidden", "Solo puede consultar los hitos de su propia región.", "region_id"});
  return {};
}

Result<void> may_change_edition(const std::string& state) {
  if (state == "publicada")
    return fail(Error::conflict("published_account",
                                "Esta versión de la cuenta pública ya está publicada y no se modifica: publique una nueva versión.", {}));
  return {};
}

Result<void> may_curate(const http::Principal& p) {
  if (!p.region_id.empty())
    return fail(Error{403, "forbidden", "Solo el Ministerio, a nivel nacional, decide qué hitos entran en la cuenta pública.", {}});
  return {};
}

Result<void> may_review(const std::optional<int64_t>& submitted_by, int64_t reviewer) {
  if (submitted_by && *submitted_by == reviewer)
    return fail(Error{403, "forbidden", "Otra persona del equipo debe revisar la versión que usted envió.", {}});
  return {};
}

Result<void> may_edit_text(const std::string& state, const std::string& review) {
  if (auto ok = may_change_edition(state); !ok) return ok;
  if (review == "en_revision" || review == "aprobada")
    return fail(Error::conflict("in_review", "Esta versión está en revisión o aprobada: no se edita hasta que la devuelvan.", {}));
  return {};
}

}  // namespace eq::account::access
