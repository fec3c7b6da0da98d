// Object rules of the help channels, in one place: who sees which contact, and who may change it.
// Every route and stream naming a contact asks here.
//  - Any operator («channels.answer») sees the waiting queue's minimum (channel, urgency, wait),
//    the line being one national queue.
//  - The operator it is offered to or who holds it sees it whole; only the holder changes it.
//  - Supervisors («channels.supervise») see whole the contacts not yet taken and those held by
//    their own institution; a contact held by another institution does not exist for them.
#pragma once
#include "channels/module.h"

namespace eq::channels::access {

enum class View { none, queue, full };

View view(const Contact& c, const Actor& a);
// 404 when the caller may not see it, 403 when she sees it but does not hold it, 409 when closed.
Result<void> may_edit(const Contact& c, const Actor& a);
// Supervisors act (reassign, block) on contacts they see whole.
Result<void> may_supervise(const Contact& c, const Actor& a);

}  // namespace eq::channels::access
