// The queue's rules, pure (no database, no clock): the order contacts wait in, who may take what,
// and which free operator each waiting contact is offered to. The service loads the queue and the
// operators, asks plan_offers(), and writes the offers; the benchmark calls it with 500 operators
// and thousands of contacts waiting.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eq::channels {

struct Waiting {
  int64_t id = 0;
  std::string channel;  // "phone" | "chat" | …
  int priority = 0;     // higher first
  int64_t created_at = 0;
  std::optional<int64_t> last_offered_to;  // not offered again to her while someone else is free
};

struct Seat {
  int64_t user_id = 0;
  bool available = false;            // presence "disponible"
  std::vector<std::string> skills;   // channels she answers
  int max_chats = 3;
  int calls = 0, chats = 0;          // held now (active)
  int offered_calls = 0, offered_chats = 0;
};

// Urgent first, then assessed risk, then who waited longest (then id, so the order is total).
bool queue_before(const Waiting& a, const Waiting& b);
// A call takes a whole operator; chats take a fraction, up to max_chats; an operator on a call gets
// no chats and an operator with chats gets no call.
bool can_take(const Seat& s, const std::string& channel);
// (contact id, user id) offers for the contacts in `waiting` (any order), at most one per contact,
// each to the least loaded free operator with the skill (one who was just offered it only when
// nobody else is free). `seats` is updated as offers are made.
std::vector<std::pair<int64_t, int64_t>> plan_offers(std::vector<Waiting> waiting, std::vector<Seat>& seats);

}  // namespace eq::channels
