// Retention of the WhatsApp line (issue 20 item 4): a conversation nobody wrote in for the
// configured days (--whatsapp-retention-days) is deleted with its messages, once its queue contact
// is closed (an open contact is still someone's work: kept, counted as exempt), unless a legal
// hold names it or the registry person one of its queue contacts was identified as. The data-protection module runs it (src/dataprotection/retention.h).
#include "core/time.h"
#include "whatsapp/module.h"
#include "whatsapp/repository.h"

namespace eq::whatsapp {

Result<PurgeTally> Service::purge(int64_t now, int days, const PurgeHeld& held, bool dry_run) {
  const int64_t cutoff = now - static_cast<int64_t>(days) * 86'400'000;
  auto idle = db_.transaction<std::vector<repo::IdleConversation>>(
      [&](soci::session& s) -> Result<std::vector<repo::IdleConversation>> { return repo::idle_conversations(s, cutoff); });
  if (!idle) return fail(idle.error());
  // The queue is asked outside the transaction (it reads in a session of its own).
  PurgeTally t;
  std::vector<int64_t> go;
  for (const auto& c : *idle) {
    const std::string contact = c.ref + "." + std::to_string(c.session_n);
    auto holder = intake_.holder("whatsapp", contact);
    if (holder && holder->state != "closed" && holder->state != "abandoned") {
      ++t.exempt;
      continue;
    }
    // Each of the conversation's queue contacts (one per session) may have been identified as a
    // registry person: a hold on her keeps the whole conversation.
    std::vector<int64_t> persons;
    if (held)
      for (int64_t n = 1; n <= c.session_n; ++n)
        if (auto h = n == c.session_n ? holder : intake_.holder("whatsapp", c.ref + "." + std::to_string(n)); h && h->person_id)
          persons.push_back(*h->person_id);
    if (held && (held(c.ref, persons) || held(contact, persons))) {
      ++t.held;
      continue;
    }
    ++t.due;
    go.push_back(c.id);
  }
  if (dry_run) return t;
  return db_.transaction<PurgeTally>([&](soci::session& s) -> Result<PurgeTally> {
    for (int64_t id : go) t.purged += repo::delete_idle_conversation(s, id, cutoff);
    audit::Entry e;
    e.action = "whatsapp.purge";
    e.object = "whatsapp_conversations";
    e.outcome = "ok";
    e.detail = std::to_string(t.purged) + " conversaciones sin actividad desde " + iso8601_utc(cutoff) +
               (t.held ? "; " + std::to_string(t.held) + " retenidas por orden legal" : "");
    audit_.append(s, e);
    return t;
  });
}

}  // namespace eq::whatsapp
