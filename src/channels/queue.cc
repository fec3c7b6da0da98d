#include "channels/queue.h"

#include <algorithm>
#include <map>

namespace eq::channels {

bool queue_before(const Waiting& a, const Waiting& b) {
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.created_at != b.created_at) return a.created_at < b.created_at;
  return a.id < b.id;
}

namespace {
bool has_skill(const Seat& s, const std::string& channel) {
  // A «Mascarilla 19» activation is answered by calling her back: operators of the phone line take it.
  const std::string& skill = channel == "pharmacy" ? std::string("phone") : channel;
  return std::find(s.skills.begin(), s.skills.end(), skill) != s.skills.end();
}
int load(const Seat& s) { return 100 * (s.calls + s.offered_calls) + s.chats + s.offered_chats; }
}  // namespace

bool can_take(const Seat& s, const std::string& channel) {
  if (!s.available || !has_skill(s, channel)) return false;
  if (s.calls + s.offered_calls > 0) return false;
  const int chats = s.chats + s.offered_chats;
  if (channel == "phone") return chats == 0;
  return chats < s.max_chats;  // chat and the text channels share the chat capacity
}

std::vector<std::pair<int64_t, int64_t>> plan_offers(std::vector<Waiting> waiting, std::vector<Seat>& seats) {
  std::vector<std::pair<int64_t, int64_t>> out;
  std::sort(waiting.begin(), waiting.end(), queue_before);
  // Whether anyone is free for a channel, remembered until an offer fills a seat: once nobody
  // is free, the rest of the queue costs one look-up per contact.
  std::map<std::string, bool> free;
  auto is_free = [&](const std::string& ch) {
    auto it = free.find(ch);
    if (it == free.end())
      it = free.emplace(ch, std::any_of(seats.begin(), seats.end(), [&](const Seat& s) { return can_take(s, ch); })).first;
    return it->second;
  };
  for (const auto& w : waiting) {
    if (!is_free(w.channel)) continue;
    Seat* best = nullptr;
    Seat* fallback = nullptr;  // the one it was last offered to, when nobody else is free
    for (auto& s : seats) {
      if (!can_take(s, w.channel)) continue;
      if (w.last_offered_to && *w.last_offered_to == s.user_id) {
        fallback = &s;
        continue;
      }
      if (!best || load(s) < load(*best) || (load(s) == load(*best) && s.user_id < best->user_id)) best = &s;
    }
    if (!best) best = fallback;
    if (!best) {
      free[w.channel] = false;
      continue;
    }
    if (w.channel == "phone") ++best->offered_calls;
    else ++best->offered_chats;
    out.emplace_back(w.id, best->user_id);
    if (!can_take(*best, w.channel)) free.clear();
  }
  return out;
}

}  // namespace eq::channels
