// Who may read or answer ONE WhatsApp conversation: the queue decides (channels::Intake::holder of
// the contact). Answering: only the operator holding it while it is active. Reading: she, or a
// supervisor of the line. Every route naming a conversation calls this; the service audits refusals.
#pragma once
#include <optional>
#include <string>

#include "channels/intake.h"
#include "core/error.h"
#include "http/message.h"

namespace eq::whatsapp {

enum class Use { read, answer };

Result<void> may(Use use, const http::Principal& who, const std::optional<channels::Holder>& holder);

}  // namespace eq::whatsapp
