#include "channels/access.h"

namespace eq::channels::access {

namespace {
const char* kNotFound = "No existe un contacto con ese identificador.";
bool open_state(const Contact& c) { return c.state == "waiting" || c.state == "offered"; }
}  // namespace

View view(const Contact& c, const Actor& a) {
  if (c.holder_user_id && *c.holder_user_id == a.user_id) return View::full;
  if (c.state == "offered" && c.offered_to && *c.offered_to == a.user_id) return View::full;
  if (a.supervisor) {
    if (!c.holder_institution_id || *c.holder_institution_id == a.institution_id) return View::full;
    return View::none;
  }
  if (open_state(c)) return View::queue;
  return View::none;
}

Result<void> may_edit(const Contact& c, const Actor& a) {
  if (view(c, a) == View::none) return fail(Error::not_found(kNotFound));
  if (c.state == "closed" || c.state == "abandoned")
    return fail(Error::conflict("contact_closed", "El contacto está cerrado y ya no se puede modificar."));
  if (c.state != "active" || !c.holder_user_id || *c.holder_user_id != a.user_id)
    return fail(Error{403, "not_holder", "Solo la operadora que atiende este contacto puede modificarlo; tómelo primero.", {}});
  return {};
}

Result<void> may_supervise(const Contact& c, const Actor& a) {
  if (!a.supervisor || view(c, a) != View::full) return fail(Error::not_found(kNotFound));
  return {};
}

}  // namespace eq::channels::access
