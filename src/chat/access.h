// Who may read or write ONE conversation (every operator route naming a conversation calls these).
// Writing: only the operator the queue says holds the contact now (channels::Intake::holder), and
// only while it is active. Reading: that operator, or a supervisor (channels.supervise). Anyone
// else is refused — the service audits the refusal.
#pragma once
#include <optional>
#include <string>

#include "channels/intake.h"
#include "core/error.h"
#include "http/message.h"

namespace eq::chat {

inline const std::string kSupervise = "channels.supervise";

Result<void> may_write(const http::Principal& who, const std::optional<channels::Holder>& holder);
Result<void> may_read(const http::Principal& who, const std::optional<channels::Holder>& holder);

}  // namespace eq::chat
