#include "chat/access.h"

namespace eq::chat {

namespace {
bool holds(const http::Principal& who, const std::optional<channels::Holder>& holder) {
  return holder && !holder->user_id.empty() && holder->user_id == std::to_string(who.user_id);
}
}  // namespace

// A conversation the queue does not know is answered 404, the same for every caller.
Result<void> may_write(const http::Principal& who, const std::optional<channels::Holder>& holder) {
  if (!holder) return fail(Error::not_found("La conversación no existe."));
  if (!holds(who, holder))
    return fail(Error{403, "not_holder", "Solo la orientadora que atiende esta conversación puede escribir en ella.", {}});
  if (holder->state != "active")
    return fail(Error::conflict("contact_not_active", "La conversación no está activa en la cola: tómela antes de escribir.", {}));
  return {};
}

Result<void> may_read(const http::Principal& who, const std::optional<channels::Holder>& holder) {
  if (!holder) return fail(Error::not_found("La conversación no existe."));
  if (holds(who, holder) || who.can(kSupervise)) return {};
  return fail(Error{403, "not_holder", "Esta conversación la atiende otra orientadora.", {}});
}

}  // namespace eq::chat
