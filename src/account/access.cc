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
                                "Esta edición de la cuenta pública ya está publicada y no se modifica: cree una nueva edición.", {}));
  return {};
}

}  // namespace eq::account::access
