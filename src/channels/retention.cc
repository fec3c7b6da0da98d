// Retention of the help channels' contacts (issue 20 item 4): a contact closed or abandoned longer
// ago than the configured days (--channels-retention-days) keeps only what the statistics count
// (channel, dates, region, outcome, risk screen); what she said, her number, the orientation and
// the notes are erased, unless a legal hold names the contact or her registry person. The
// data-protection module runs it (src/dataprotection/retention.h).
#include "channels/module.h"
#include "channels/repository.h"
#include "core/time.h"

namespace eq::channels {

Result<PurgeTally> Service::purge_contacts(int64_t now, int days, const PurgeHeld& held, bool dry_run) {
  const int64_t cutoff = now - static_cast<int64_t>(days) * 86'400'000;
  return db_.transaction<PurgeTally>([&](soci::session& s) -> Result<PurgeTally> {
    Repository repo(keys_);
    PurgeTally t;
    for (const auto& [id, person] : repo.contacts_to_minimise(s, cutoff)) {
      if (held && held(std::to_string(id), person ? std::vector<int64_t>{*person} : std::vector<int64_t>{})) {
        ++t.held;
        continue;
      }
      ++t.due;
      if (!dry_run) t.purged += repo.minimise_contact(s, id, cutoff);
    }
    if (dry_run) return t;
    audit::Entry e;
    e.action = "channels.purge_contacts";
    e.object = "channels_contacts";
    e.outcome = "ok";
    e.detail = std::to_string(t.purged) + " contactos cerrados antes de " + iso8601_utc(cutoff) + " sin relato, número ni notas" +
               (t.held ? "; " + std::to_string(t.held) + " retenidos por orden legal" : "");
    audit_.append(s, e);
    return t;
  });
}

}  // namespace eq::channels
