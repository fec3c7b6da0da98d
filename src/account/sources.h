// What the public account reads from other modules. The account may not include them (see
// scripts/check_deps.sh): the composition root (src/app/app.cc, wire()) fills these functions from
// the legislative agenda, policy tracking and the help channels. Each answers the figures as they
// are NOW; the account stamps them with their source and time, and freezes them at publication.
#pragma once
#include <cstdint>
#include <functional>

#include "core/error.h"
#include "http/message.h"

namespace eq::account {

using Json = nlohmann::json;

struct Sources {
  // Bills and laws of the agenda: [{boletin, title, stage_name, law_number, published_on}].
  std::function<Result<Json>()> bills;
  // Policy instruments with their validated progress, their history by period and the seed's
  // declared figures checked against the records: [{code, name, progress_text, leaves, reported,
  // demo_data, periods: [{label, progress_text}], declared: [{label, text, computed_text, agrees}]}].
  std::function<Result<Json>()> instruments;
  // Contacts of the help channels (1455, silent chat, WhatsApp, Mascarilla 19) created in
  // [from, to): {total, answered, by_channel: [{id, name, count}]}. Counts only, no contact.
  std::function<Result<Json>(int64_t from, int64_t to)> channels;
  // Protection in [from, to): the case registry's records whose consent allows statistics (small
  // cells left out, as cases::Service::statistics publishes them) and telematic monitoring's orders,
  // alarms and dispatches (counts only): {rows: [{group, label, count (null: «<5»)}], note}.
  std::function<Result<Json>(int64_t from, int64_t to)> protection;
};

}  // namespace eq::account
