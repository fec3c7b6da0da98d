#include "whatsapp/access.h"

namespace eq::whatsapp {

Result<void> may(Use use, const http::Principal& who, const std::optional<channels::Holder>& holder) {
  // Unknown to the queue: 404 for everyone alike (nothing says whether it ever existed).
  if (!holder) return fail(Error::not_found("La conversación de WhatsApp no existe."));
  const bool mine = !holder->user_id.empty() && holder->user_id == std::to_string(who.user_id);
  if (use == Use::read) {
    if (mine || who.can("channels.supervise")) return {};
    return fail(Error{403, "not_holder", "Esta conversación de WhatsApp la atiende otra orientadora.", {}});
  }
  if (!mine) return fail(Error{403, "not_holder", "Solo la orientadora que atiende esta conversación puede responderla.", {}});
  if (holder->state != "active")
    return fail(Error::conflict("contact_not_active", "La conversación no está activa en la cola: tómela antes de responder.", {}));
  return {};
}

}  // namespace eq::whatsapp
