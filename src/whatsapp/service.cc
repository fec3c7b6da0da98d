// The WhatsApp line's workflow. Meta's batch is committed in one transaction (messages by wamid
// once, statuses by (wamid, status) once) before the webhook answers 200; the queue contacts are
// opened after the commit (another module's transaction), and a job retries those that could not
// be opened. Replies are rows of the outbox committed before anything is sent; the send job claims
// a row ("sending"), posts it to the Graph API, and records the returned wamid with "sent" in one
// transaction, so a 2xx is never followed by a second send of the same row.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <thread>
#include <mutex>
#include <map>
#include <set>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "core/time.h"
#include "whatsapp/access.h"
#include "whatsapp/media.h"
#include "whatsapp/module.h"
#include "whatsapp/repository.h"

namespace eq::whatsapp {

namespace {

audit::Entry line_entry(std::string action, const std::string& ref, std::string detail = {}) {
  audit::Entry e;  // Meta's side: no account, and her number is never written to the log
  e.action = std::move(action);
  e.object = "whatsapp:" + ref;
  e.outcome = "ok";
  e.detail = std::move(detail);
  return e;
}

audit::Entry op_entry(const http::Request& req, std::string action, const std::string& ref, std::string outcome = "ok") {
  return audit::Log::from(req, std::move(action), "whatsapp:" + ref, std::move(outcome));
}

// The queue's external_ref is "<conversation ref>.<session>": a new contact each time she writes
// again after the previous one was closed, all on one conversation.
std::string contact_ref(const repo::ConvRow& c) { return c.ref + "." + std::to_string(c.session_n); }
std::string conversation_part(const std::string& ref) { return ref.substr(0, ref.find('.')); }

int rank_of(const std::string& status) {
  if (status == "sent") return 1;
  if (status == "delivered") return 2;
  if (status == "read") return 3;
  if (status == "failed") return 9;
  return -1;  // another status Meta may add: recorded, never applied
}

std::string failure_es(int64_t code, const std::string& title) {
  if (code == 131047)
    return "No se entregó: pasaron más de 24 horas desde su último mensaje (WhatsApp 131047). Envíe una plantilla aprobada.";
  return "WhatsApp no entregó el mensaje" + (code ? " (código " + std::to_string(code) + ")" : std::string()) +
         (title.empty() ? "" : ": " + title);
}

Message to_message(const repo::MsgRow& r, const crypto::Keys& keys) {
  Message m;
  m.id = r.id;
  m.direction = r.direction;
  m.type = r.type;
  m.text = keys.decrypt(r.body).value_or("");
  m.at = r.at;
  m.state = r.state;
  m.error_code = r.error_code;
  if (r.state == "failed") m.error = failure_es(r.error_code, r.error_title);
  if (r.state == "uncertain")
    m.error = "No se sabe si llegó: el envío se interrumpió después de salir hacia WhatsApp. No se reenvía solo, para no "
              "escribirle dos veces; si WhatsApp confirma la entrega se mostrará aquí, si no, escríbalo de nuevo usted.";
  return m;
}

}  // namespace

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, channels::Intake& intake, Options options)
    : db_(db),
      keys_(keys),
      audit_(audit),
      intake_(intake),
      options_(std::move(options)),
      limits_(options_.send_rate),
      inbox_(std::make_shared<Inbox>()) {}

bool SendLimits::take(const std::string& number, int64_t now, int64_t* retry_at) {
  std::lock_guard lock(mu_);
  auto& b = buckets_[number];
  const double burst = std::max(1.0, rate_);
  if (b.tokens < 0) {  // first use: a full bucket
    b.tokens = burst;
    b.at = now;
  }
  if (now < b.paused_until) {
    *retry_at = b.paused_until;
    return false;
  }
  b.tokens = std::min(burst, b.tokens + static_cast<double>(std::max<int64_t>(0, now - b.at)) * rate_ / 1000.0);
  b.at = std::max(b.at, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  *retry_at = now + static_cast<int64_t>((1.0 - b.tokens) * 1000.0 / rate_) + 1;
  return false;
}

void SendLimits::pause(const std::string& number, int64_t until) {
  std::lock_guard lock(mu_);
  auto& b = buckets_[number];
  b.paused_until = std::max(b.paused_until, until);
}

struct Service::Counts {
  int messages = 0, duplicates = 0, unsupported = 0, statuses = 0, applied = 0, unknown = 0;
  // Conversations that got a new message: their row as read in the transaction and her newest
  // text of this batch (the contact's opening), so the queue step reads nothing again.
  std::map<int64_t, std::pair<repo::ConvRow, std::string>> touched;
  // Its messages' audit entries, appended at the end of the transaction: on PostgreSQL an append
  // takes the chain's advisory lock until the commit, so the later it comes the less the lanes
  // (below) wait for one another.
  std::vector<audit::Entry> audit;
  std::set<int64_t> changed;  // conversations whose panes are told after the commit (live)
};

// One delivery waiting for the inbox thread.
struct Service::Pending {
  std::string raw;
  Batch batch;
  Done done;
};

// A delivery spread over the lanes (already answered): its inbox row leaves when its last share is
// processed.
struct Service::Fanned {
  int64_t inbox_id = 0;
  size_t bytes = 0;  // its raw body's size, counted against the bound until it is processed
  std::mutex mu;
  int left = 0;
  bool failed = false;
};

// An accepted delivery waiting for SQLite's processing thread.
struct Service::Accepted {
  Batch batch;
  int64_t inbox_id = 0;
  size_t bytes = 0;
};

// A delivery's share for one lane: its messages of the lane's conversations, its statuses of the
// lane's wamids.
struct Service::Share {
  Batch batch;
  std::shared_ptr<Fanned> of;
};

// One processing thread and what waits for it (PostgreSQL only; see "The inbox").
struct Service::Lane {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Share> waiting;
  bool stopping = false;
  std::thread thread;
};

namespace {
// SQLite has one write lock. The accept commit (what Meta's 200 waits for) goes first: the
// processing thread starts a slice only when the inbox thread is not waiting to commit, so an
// accept waits at most one slice, never a queue of them (SQLite's own busy handler polls with
// sleeps and is not fair).
class WriteTurn {
 public:
  void take_accept() {
    std::unique_lock lock(mu_);
    accept_wants_ = true;
    cv_.wait(lock, [&] { return !busy_; });
    busy_ = true;
    accept_wants_ = false;
  }
  void take_process() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !busy_ && !accept_wants_; });
    busy_ = true;
  }
  void give() {
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false, accept_wants_ = false;
};
}  // namespace

struct Service::Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Pending> waiting;
  size_t bytes = 0;  // raw bytes waiting: bounded, beyond it Meta is told to retry (503)
  bool stopping = false;
  std::once_flag started;
  std::thread thread;
  std::vector<std::unique_ptr<Lane>> lanes;  // empty: the inbox thread processes too (SQLite)
  std::vector<int64_t> finished;  // inbox rows every lane has processed: deleted by the inbox thread
  // Taken from `waiting` and not processed yet (being committed, answered, in a lane or in `work`):
  // still counted against the bound, so answering at the accept does not make the backlog endless.
  size_t inflight = 0, inflight_bytes = 0;
  // SQLite: accepted deliveries for the processing thread, and the write lock's turn.
  std::deque<Accepted> work;
  std::condition_variable work_cv;
  bool work_stopping = false;
  std::thread worker;
  WriteTurn turn;
};

namespace {
// Deliveries per transaction: big enough that a commit's cost is shared, small enough that the
// first of a group is not kept waiting for the last.
constexpr size_t kMaxGroup = 400;
// Processing threads on PostgreSQL (at most; two sessions of the pool stay for everything else).
constexpr size_t kLanes = 4;
// Processing threads run 5 nice levels below the rest of the server (Linux: per thread). When
// the CPU is short, the accept path (HTTP workers, the inbox thread) is served first: Meta gets
// its 200 (or a quick 503 once the bound is reached) while the backlog waits, instead of every
// answer waiting behind the processing. With CPU to spare it changes nothing.
void lower_priority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0) (void)::setpriority(PRIO_PROCESS, tid, std::min(now + 5, 19));
}
// SQLite: deliveries per processing transaction. The accept commit may wait for one slice: 48
// deliveries (a quarter messages at Meta's mix) hold the write lock a few ms.
constexpr size_t kSlice = 48;
// A row still in the inbox this long after it was received was not processed by the thread that
// accepted it (its processing failed, or another instance stopped): the periodic drain takes it.
constexpr int64_t kLeftoverMs = 30'000;
}  // namespace

// A group's messages with a few multi-row statements instead of four or five round trips each: her
// conversations by blind index (one lookup), the missing ones inserted together and read back, the
// messages inserted together (a wamid already stored is not returned: a redelivery), then each
// touched conversation's window moved in one statement. What each message changes is decided in
// arrival order, as one by one: the first copy of a wamid wins, her conversation's newest time,
// first number and last line are what one-by-one updates would have left.
void Service::store_messages(soci::session& s, const std::vector<const Batch*>& batches, bool queue, int64_t now, std::vector<Counts>& counts) {
  struct Item {
    size_t batch;
    const Inbound* in;
    std::string index;
  };
  std::vector<Item> items;
  for (size_t i = 0; i < batches.size(); ++i)
    for (const auto& in : batches[i]->messages) items.push_back({i, &in, keys_.blind_index(in.user_key)});
  if (items.empty()) return;
  std::vector<std::string> indexes;
  for (const auto& it : items) indexes.push_back(it.index);
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  auto convs = repo::conversations_by_indexes(s, indexes);
  if (convs.size() < indexes.size()) {
    std::vector<repo::NewConversation> fresh;
    std::set<std::string> planned;
    for (const auto& it : items) {
      if (convs.count(it.index) || !planned.insert(it.index).second) continue;
      const Inbound& in = *it.in;
      // Blocks and repeat contacts: her number hashed as the phone line hashes it; without a
      // number (a username-only user), her business-scoped id.
      const std::string caller = in.wa_id.empty() ? intake_.caller_hash("address", "whatsapp:" + in.user_key)
                                                  : intake_.caller_hash("number", in.wa_id);
      fresh.push_back({crypto::random_token(12), keys_.encrypt(in.user_key), it.index,
                       in.wa_id.empty() ? std::nullopt : std::optional<std::string>(keys_.encrypt(in.wa_id)), in.phone_number_id, caller});
    }
    repo::insert_conversations(s, fresh, now);
    std::vector<std::string> missing(planned.begin(), planned.end());
    for (auto& [index, row] : repo::conversations_by_indexes(s, missing)) convs[index] = std::move(row);
    if (convs.size() < indexes.size()) throw std::runtime_error("whatsapp: conversation missing after its insert");  // rolls the group back
  }
  std::vector<repo::NewInbound> rows;
  std::set<std::string> wamids;
  for (const auto& it : items) {
    const Inbound& in = *it.in;
    if (!wamids.insert(in.wamid).second) continue;  // a second copy in this group: a duplicate below
    rows.push_back({convs.at(it.index).id, in.wamid, in.type.empty() ? "desconocido" : in.type.substr(0, 40), keys_.encrypt(in.text), in.at_ms});
  }
  auto inserted = repo::insert_inbound_many(s, rows);
  std::map<int64_t, repo::InboundNote> notes;  // by conversation id
  std::vector<int64_t> note_order;
  for (const auto& it : items) {
    const Inbound& in = *it.in;
    Counts& c = counts[it.batch];
    const repo::ConvRow& conv = convs.at(it.index);
    auto row = inserted.find(in.wamid);
    if (row == inserted.end()) {
      ++c.duplicates;  // Meta's redelivery (or a second copy in this group): already here, nothing changes
      continue;
    }
    const int64_t message_id = row->second;
    inserted.erase(row);  // a later copy of the same wamid is a duplicate
    auto [note, first] = notes.try_emplace(conv.id, repo::InboundNote{conv.id, in.at_ms, std::nullopt, ""});
    if (first) note_order.push_back(conv.id);
    note->second.at = std::max(note->second.at, in.at_ms);
    if (!note->second.wa_id && !in.wa_id.empty()) note->second.wa_id = keys_.encrypt(in.wa_id);
    if (!in.phone_number_id.empty()) note->second.phone_number_id = in.phone_number_id;
    note_media(s, keys_, conv.id, message_id, in, now);  // an image or audio: downloaded later by the media job (media.cc)
    c.audit.push_back(line_entry("whatsapp.message", conv.ref, in.supported ? in.type : "no soportado: " + in.type.substr(0, 40)));
    ++c.messages;
    c.changed.insert(conv.id);
    if (!in.supported) ++c.unsupported;
    if (queue)
      c.touched[conv.id] = {conv, in.text};
    else
      repo::set_contact(s, conv.id, conv.session_n, "");
  }
  std::vector<repo::InboundNote> ordered;
  for (int64_t id : note_order) ordered.push_back(std::move(notes.at(id)));
  repo::note_inbound_many(s, ordered);
}

// A group's statuses with a few multi-row statements instead of two round trips each: the
// messages they name (one lookup), the pairs already recorded (one lookup), then, applied in
// memory in arrival order exactly as one by one, one INSERT per 40 new statuses and one UPDATE per
// message whose state moved (to its final state).
void Service::store_statuses(soci::session& s, const std::vector<const Batch*>& batches, int64_t now, std::vector<Counts>& counts) {
  std::vector<std::string> wamids;
  for (const Batch* b : batches)
    for (const auto& st : b->statuses) wamids.push_back(st.wamid);
  if (wamids.empty()) return;
  std::sort(wamids.begin(), wamids.end());
  wamids.erase(std::unique(wamids.begin(), wamids.end()), wamids.end());
  auto targets = repo::status_targets(s, wamids);
  auto recorded = repo::statuses_recorded(s, wamids);
  std::vector<repo::NewStatus> rows;
  std::map<int64_t, const Status*> moved;  // message id → the status it ends in
  for (size_t i = 0; i < batches.size(); ++i) {
    Counts& c = counts[i];
    for (const auto& st : batches[i]->statuses) {
      ++c.statuses;
      auto msg = targets.find(st.wamid);
      if (msg == targets.end() && !st.callback.empty()) {
        // The status names the attempt this server sent (biz_opaque_callback_data): Graph accepted
        // a reply whose 2xx this server never recorded (it stopped mid-send, or the answer was
        // lost, or the 2xx is still being recorded). Now it is known, and nothing is sent again.
        if (auto mine = repo::message_by_attempt(s, st.callback); mine && mine->direction == "out" && mine->wamid.empty()) {
          const bool was_uncertain = mine->state == "uncertain";
          if (repo::resolve_attempt(s, mine->id, st.wamid, st.at_ms) && was_uncertain) {
            auto conv = repo::conversation_by_id(s, mine->conversation_id);
            audit_.append(s, line_entry("whatsapp.resolved", conv ? conv->ref : std::string("?"), st.status));
          }
          if (auto t = repo::status_target(s, st.wamid)) msg = targets.emplace(st.wamid, *t).first;
        }
      }
      const bool known = msg != targets.end() && msg->second.direction == "out";
      const int rank = rank_of(st.status);
      // Order by progress, not arrival: a late "sent" or "delivered" never moves a "read" back;
      // "failed" (e.g. 131047 outside the window, reported after "sent") ends a message not yet read.
      bool applied = false;
      if (known && rank > 0)
        applied = st.status == "failed" ? msg->second.state_rank < 3 : rank > msg->second.state_rank && msg->second.state_rank != 9;
      if (!recorded.emplace(st.wamid, st.status).second) continue;  // the same status redelivered
      rows.push_back({&st, known, applied});
      if (!known) ++c.unknown;
      if (applied) {
        msg->second.state_rank = rank;  // what the next status of this group is ranked against
        moved[msg->second.id] = &st;
        c.changed.insert(msg->second.conversation_id);
        ++c.applied;
      }
    }
  }
  repo::insert_statuses(s, rows, now);
  for (const auto& [id, st] : moved)
    repo::apply_status(s, id, st->status, rank_of(st->status), st->at_ms, st->error_code, st->error_title);
}

void Service::store_group(soci::session& s, const std::vector<const Batch*>& batches, bool queue, int64_t now, std::vector<Counts>& counts) {
  store_messages(s, batches, queue, now, counts);
  store_statuses(s, batches, now, counts);
  for (auto& c : counts) {
    for (const auto& e : c.audit) audit_.append(s, e);
    c.audit.clear();
  }
}

std::vector<Result<Service::Counts>> Service::process(const std::vector<const Batch*>& batches, const std::vector<int64_t>& inbox_ids,
                                                     bool queue, int64_t now, bool relaxed, bool take_turn) {
  std::vector<Result<Counts>> out;
  struct Turn {  // SQLite's processing thread: the write lock only when no accept waits for it
    WriteTurn* t;
    explicit Turn(WriteTurn* w) : t(w) {
      if (t) t->take_process();
    }
    ~Turn() {
      if (t) t->give();
    }
  };
  std::optional<Turn> turn;
  turn.emplace(take_turn ? &inbox_->turn : nullptr);
  auto all = db_.transaction<std::vector<Counts>>([&](soci::session& s) -> Result<std::vector<Counts>> {
    if (relaxed) repo::relaxed_commit(s);
    std::vector<Counts> counts(batches.size());
    store_group(s, batches, queue, now, counts);
    std::vector<int64_t> done;
    for (int64_t id : inbox_ids)
      if (id) done.push_back(id);
    repo::inbox_done_many(s, done);
    return counts;
  });
  if (all) {
    for (auto& c : *all) out.emplace_back(std::move(c));
  } else {
    // One delivery's failure must not fail the others: each alone. One that fails stays in the
    // inbox (already answered 200: it is accepted) and the periodic drain retries it.
    for (size_t i = 0; i < batches.size(); ++i)
      out.push_back(db_.transaction<Counts>([&](soci::session& s) -> Result<Counts> {
        if (relaxed) repo::relaxed_commit(s);
        std::vector<Counts> c(1);
        store_group(s, {batches[i]}, queue, now, c);
        if (inbox_ids[i]) repo::inbox_done(s, inbox_ids[i]);
        return std::move(c[0]);
      }));
  }
  turn.reset();  // the queue step below is other modules' short transactions: not held
  // After the commit, and outside it: the queue is another module's transaction. Each touched
  // conversation once for the whole group (the newest row read, her newest text as the opening).
  std::map<int64_t, std::pair<repo::ConvRow, std::string>> touched;
  for (auto& r : out)
    if (r)
      for (auto& entry : r->touched) touched[entry.first] = entry.second;
  queue_step(touched);
  for (auto& r : out)
    if (r)
      for (int64_t id : r->changed) changed(id);
  return out;
}

void Service::changed(int64_t conversation_id) { hub_->publish("whatsapp:" + std::to_string(conversation_id), R"({"type":"changed"})"); }

Result<std::string> Service::watch(const http::Request& req, const std::string& ref) {
  auto conv = load(ref);
  if (!conv) return fail(conv.error());
  if (auto ok = may(Use::read, req.who(), intake_.holder("whatsapp", ref)); !ok) {
    (void)audit_.append(op_entry(req, "whatsapp.denied", conversation_part(ref), "denied"));
    return fail(ok.error());
  }
  if (auto ok = audit_.append(op_entry(req, "whatsapp.watch", conversation_part(ref))); !ok) return fail(ok.error());
  return "whatsapp:" + std::to_string(conv->id);
}

void Service::queue_step(std::map<int64_t, std::pair<repo::ConvRow, std::string>>& touched) {
  // A failure leaves the conversation pending for the job; Meta's delivery is already answered.
  // Named references, not structured bindings: clang 14 cannot capture those in the lambda below.
  for (auto& entry : touched) {
    repo::ConvRow& c = entry.second.first;
    const std::string& opening = entry.second.second;
    if (!c.needs_contact) {
      auto h = intake_.holder("whatsapp", contact_ref(c));
      if (h && h->state != "closed") continue;  // the contact she is in goes on
      // The last contact was closed: her new message is a new contact of the same conversation.
      if (!db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
            repo::set_needs_contact(s, c.id, c.session_n + 1);
            return true;
          }))
        continue;
      c.session_n += 1;
      c.needs_contact = true;
    }
    (void)open_contact(c, opening);
  }
}

namespace {
http::Json counts_json(int messages, int duplicates, int unsupported, int statuses, int applied, int unknown) {
  return http::Json{{"ok", true},          {"messages", messages},        {"duplicates", duplicates}, {"unsupported", unsupported},
                    {"statuses", statuses}, {"statuses_applied", applied}, {"statuses_unknown", unknown}};
}
}  // namespace

Result<http::Json> Service::receive(const Batch& batch, int64_t now, bool queue) {
  // Without the inbox: the demo's record (and callers that hold the batch only in memory).
  auto out = process({&batch}, {0}, queue, now);
  if (!out[0]) return fail(out[0].error());
  const Counts& c = *out[0];
  return counts_json(c.messages, c.duplicates, c.unsupported, c.statuses, c.applied, c.unknown);
}

// ---- The inbox ----------------------------------------------------------------------------
// Meta's upper tier is 4.000 deliveries a second, and Meta asks for the 200 as soon as a delivery
// is safely received. A delivery is **accepted** once its raw body (encrypted) is committed to
// whatsapp_inbox: ONE thread commits every delivery waiting in ONE transaction and answers each
// right after that commit. The answer therefore waits for one short commit, not for the
// processing backlog. Processing follows from the inbox: SQLite's processing thread in slices of
// kSlice deliveries (each slice one transaction that also deletes its inbox rows), PostgreSQL's
// lanes in parallel. The HTTP worker threads wait for none of it (the route answers later,
// http/live.h Upgrade::later). A crash after the commit loses nothing: the next start processes the
// inbox, and a message already processed is a duplicate (wamid UNIQUE, (wamid, status) UNIQUE), so
// nothing is applied twice.

namespace {
http::Json accepted_json(const Batch& b) {
  // Only what is known at the accept: what the delivery carries. Whether each message is new or a
  // duplicate, and whether each status is applied, is decided by the processing after the answer.
  return http::Json{{"ok", true}, {"accepted", true},
                    {"received", {{"messages", b.messages.size()}, {"statuses", b.statuses.size()}}}};
}
}  // namespace

void Service::accept(std::string raw, Batch batch, Done done) {
  start();
  {
    std::lock_guard lock(inbox_->mu);
    // Bounded (InboxSettings; by default 20.000 deliveries or 64 MiB, counting those waiting for
    // the accept commit and those accepted and not processed yet: five seconds of Meta's upper
    // tier, 4.000 deliveries of ~1 KB, far below what would hurt the memory).
    const size_t count = inbox_->waiting.size() + inbox_->inflight;
    const size_t bytes = inbox_->bytes + inbox_->inflight_bytes;
    if (!inbox_->stopping && inbox_->thread.joinable() && count < options_.inbox.max_waiting &&
        bytes + raw.size() <= options_.inbox.max_waiting_bytes) {
      inbox_->bytes += raw.size();
      inbox_->waiting.push_back({std::move(raw), std::move(batch), std::move(done)});
      inbox_->cv.notify_one();
      return;
    }
  }
  // Full (or stopping): Meta retries a delivery not answered 200, for days.
  done(fail(Error::unavailable("La línea de WhatsApp está recibiendo más de lo que puede guardar; WhatsApp reintentará la entrega.")));
}

void Service::start() {
  // Started by the first delivery or the first job tick (only a serving process has either), once.
  std::call_once(inbox_->started, [this] {
    std::lock_guard lock(inbox_->mu);
    if (inbox_->stopping) return;
    // PostgreSQL: the inbox thread only accepts (one round trip per group) and lanes process, each
    // on its own session, in parallel. SQLite has one write lock: lanes would only queue for it, so
    // one processing thread takes turns with the inbox thread (WriteTurn).
    // Two sessions stay for the inbox thread and everything else (requests, jobs).
    if (db_.backend() == store::Backend::postgresql) {
      const size_t n = std::min<size_t>(kLanes, db_.pool_size() > 2 ? db_.pool_size() - 2 : 0);
      for (size_t i = 0; n > 1 && i < n; ++i) inbox_->lanes.push_back(std::make_unique<Lane>());
      for (auto& lane : inbox_->lanes) lane->thread = std::thread([this, l = lane.get()] { run_lane(*l); });
    }
    if (inbox_->lanes.empty()) inbox_->worker = std::thread([this] { run_worker(); });
    inbox_->thread = std::thread([this] { run_inbox(); });
  });
}

void Service::stop() {
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->stopping = true;
  }
  inbox_->cv.notify_all();
  if (inbox_->thread.joinable()) inbox_->thread.join();
  // The inbox thread handed everything accepted to the lanes or the worker: they finish it, then
  // stop (what they cannot finish stays in the inbox for the next start).
  for (auto& lane : inbox_->lanes) {
    {
      std::lock_guard lock(lane->mu);
      lane->stopping = true;
    }
    lane->cv.notify_all();
    if (lane->thread.joinable()) lane->thread.join();
  }
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->work_stopping = true;
  }
  inbox_->work_cv.notify_all();
  if (inbox_->worker.joinable()) inbox_->worker.join();
  flush_finished();
}

Service::~Service() { stop(); }

void Service::run_inbox() {
  // What a stopped server accepted and never processed: before anything new.
  if (auto n = drain_inbox(now_ms() + 1); n && *n > 0) spdlog::warn("whatsapp: {} deliveries left in the inbox were processed", *n);
  int64_t next_drain = now_ms() + kLeftoverMs;
  int64_t next_report = 0;
  size_t reported = 0;
  std::unique_lock lock(inbox_->mu);
  for (;;) {
    // The backlog (accepted, not processed yet) in the log once a second while there is one, and
    // once more when it is gone: what an operator (and bench/whatsapp) reads to see whether
    // processing keeps up with Meta.
    if (const int64_t t = now_ms(); t >= next_report && (inbox_->inflight > 0 || reported > 0)) {
      reported = inbox_->inflight;
      spdlog::info("whatsapp: inbox backlog {} deliveries accepted and not processed", reported);
      next_report = t + 1000;
    }
    inbox_->cv.wait_for(lock, std::chrono::seconds(1),
                        [&] { return inbox_->stopping || !inbox_->waiting.empty() || !inbox_->finished.empty(); });
    if (inbox_->waiting.empty()) {
      if (!inbox_->finished.empty()) {  // nothing to accept: the processed rows leave the inbox now
        lock.unlock();
        flush_finished();
        lock.lock();
      }
      if (inbox_->stopping) return;
    } else {
      std::vector<Pending> group;
      while (!inbox_->waiting.empty() && group.size() < kMaxGroup) {
        const size_t n = inbox_->waiting.front().raw.size();
        inbox_->bytes -= n;
        inbox_->inflight_bytes += n;
        ++inbox_->inflight;
        group.push_back(std::move(inbox_->waiting.front()));
        inbox_->waiting.pop_front();
      }
      lock.unlock();
      accept_group(group);
      lock.lock();
    }
    // The periodic drain only when nothing accepted is still queued in memory: then a row older
    // than kLeftoverMs is a leftover (a failed processing, a stopped instance), not a backlog.
    if (now_ms() >= next_drain && inbox_->inflight == 0) {
      lock.unlock();
      (void)drain_inbox(now_ms() - kLeftoverMs);
      next_drain = now_ms() + kLeftoverMs / 3;
      lock.lock();
    }
  }
}

void Service::processed(size_t deliveries, size_t bytes) {
  std::lock_guard lock(inbox_->mu);
  inbox_->inflight -= std::min(inbox_->inflight, deliveries);
  inbox_->inflight_bytes -= std::min(inbox_->inflight_bytes, bytes);
}

void Service::flush_finished() {
  std::vector<int64_t> ids;
  {
    std::lock_guard lock(inbox_->mu);
    ids.swap(inbox_->finished);
  }
  if (ids.empty()) return;
  // If this fails the rows stay: the drain processes them again after kLeftoverMs and finds
  // duplicates only (nothing is applied or audited twice).
  (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    repo::inbox_done_many(s, ids);
    return true;
  });
}

void Service::accept_group(std::vector<Pending>& group) {
  const bool sqlite = inbox_->lanes.empty();
  size_t bytes = 0;
  for (const auto& p : group) bytes += p.raw.size();
  std::vector<int64_t> ids;
  // Rows the lanes finished since the last group leave the inbox in the same transaction.
  std::vector<int64_t> finished;
  {
    std::lock_guard lock(inbox_->mu);
    finished.swap(inbox_->finished);
  }
  auto refuse = [&] {
    for (auto& p : group) p.done(fail(Error::unavailable("No se pudo guardar la entrega; WhatsApp la reintentará.")));
    processed(group.size(), bytes);
  };
  std::vector<std::string> bodies;  // encrypted before the write lock is taken
  bodies.reserve(group.size());
  for (const auto& p : group) bodies.push_back(keys_.encrypt(p.raw));
  if (sqlite) inbox_->turn.take_accept();
  try {
    auto committed = db_.transaction<std::vector<int64_t>>([&](soci::session& s) -> Result<std::vector<int64_t>> {
      repo::inbox_done_many(s, finished);
      return repo::inbox_put_many(s, bodies, now_ms());
    });
    if (sqlite) inbox_->turn.give();
    if (!committed) {
      spdlog::warn("whatsapp: {} deliveries could not be stored in the inbox: {}", group.size(), committed.error().message);
      return refuse();
    }
    ids = std::move(*committed);
  } catch (const std::exception& e) {
    if (sqlite) inbox_->turn.give();
    spdlog::error("whatsapp: inbox commit failed: {}", e.what());
    return refuse();
  }
  // Accepted: durable from here on, so Meta gets its 200 now.
  for (auto& p : group) {
    p.done(accepted_json(p.batch));
    p.done = nullptr;
  }
  if (options_.inbox.test_hold_ms > 0) {  // fault injection: serve --demo --whatsapp-test-hold-ms only
    spdlog::warn("whatsapp: {} deliveries in the inbox; processing held {} ms (--whatsapp-test-hold-ms)", group.size(),
                 options_.inbox.test_hold_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.inbox.test_hold_ms));
  }
  if (!sqlite) return fan_out(group, ids);
  {
    std::lock_guard lock(inbox_->mu);
    for (size_t i = 0; i < group.size(); ++i) inbox_->work.push_back({std::move(group[i].batch), ids[i], group[i].raw.size()});
  }
  inbox_->work_cv.notify_one();
}

void Service::run_worker() {
  lower_priority();
  std::unique_lock lock(inbox_->mu);
  for (;;) {
    inbox_->work_cv.wait(lock, [&] { return inbox_->work_stopping || !inbox_->work.empty(); });
    if (inbox_->work.empty()) return;  // stopping, and everything handed to it is processed
    std::vector<Accepted> slice;
    while (!inbox_->work.empty() && slice.size() < kSlice) {
      slice.push_back(std::move(inbox_->work.front()));
      inbox_->work.pop_front();
    }
    lock.unlock();
    std::vector<const Batch*> batches;
    std::vector<int64_t> ids;
    size_t bytes = 0;
    for (const auto& a : slice) {
      batches.push_back(&a.batch);
      ids.push_back(a.inbox_id);
      bytes += a.bytes;
    }
    try {
      // A delivery whose processing fails stays in the inbox (accepted all the same): the drain
      // processes it again after kLeftoverMs.
      (void)process(batches, ids, true, now_ms(), false, true);
    } catch (const std::exception& e) {
      spdlog::error("whatsapp: processing of {} accepted deliveries failed: {}", slice.size(), e.what());
    }
    processed(slice.size(), bytes);
    lock.lock();
  }
}

// ---- Lanes (PostgreSQL) -------------------------------------------------------------------
// Each lane owns a hash partition: the conversations whose user key hashes to it (so her messages
// are processed in arrival order, by one thread, and her conversation row is never written by two
// lanes at once) and the statuses whose wamid hashes to it (so the statuses of one message are
// ranked in arrival order, by one thread). A delivery (already answered) is split into its shares;
// its inbox row is deleted only when the last one is processed, by the inbox thread, in a
// synchronous commit after the lanes' own (relaxed) ones: see WHATSAPP.md.

void Service::fan_out(std::vector<Pending>& group, const std::vector<int64_t>& ids) {
  const size_t n = inbox_->lanes.size();
  std::vector<std::vector<Share>> shares(n);
  for (size_t i = 0; i < group.size(); ++i) {
    auto d = std::make_shared<Fanned>();
    d->inbox_id = ids[i];
    d->bytes = group[i].raw.size();
    std::vector<Batch> parts(n);
    for (auto& m : group[i].batch.messages) {
      const size_t k = std::hash<std::string>{}(m.user_key) % n;
      parts[k].messages.push_back(std::move(m));
    }
    for (auto& st : group[i].batch.statuses) {
      const size_t k = std::hash<std::string>{}(st.wamid) % n;
      parts[k].statuses.push_back(std::move(st));
    }
    for (size_t k = 0; k < n; ++k)
      if (!parts[k].messages.empty() || !parts[k].statuses.empty()) ++d->left;
    if (d->left == 0) {  // nothing to process (another subscribed field)
      complete(d);
      continue;
    }
    for (size_t k = 0; k < n; ++k)
      if (!parts[k].messages.empty() || !parts[k].statuses.empty()) shares[k].push_back({std::move(parts[k]), d});
  }
  for (size_t k = 0; k < n; ++k) {
    if (shares[k].empty()) continue;
    Lane& lane = *inbox_->lanes[k];
    {
      std::lock_guard lock(lane.mu);
      for (auto& sh : shares[k]) lane.waiting.push_back(std::move(sh));
    }
    lane.cv.notify_one();
  }
}

void Service::run_lane(Lane& lane) {
  lower_priority();
  std::unique_lock lock(lane.mu);
  for (;;) {
    lane.cv.wait(lock, [&] { return lane.stopping || !lane.waiting.empty(); });
    if (lane.waiting.empty()) return;  // stopping, and everything handed to it is processed
    std::vector<Share> group;
    while (!lane.waiting.empty() && group.size() < kMaxGroup) {
      group.push_back(std::move(lane.waiting.front()));
      lane.waiting.pop_front();
    }
    lock.unlock();
    std::vector<const Batch*> batches;
    for (const auto& sh : group) batches.push_back(&sh.batch);
    std::vector<Result<Counts>> out;
    try {
      out = process(batches, std::vector<int64_t>(group.size(), 0), true, now_ms(), true);
    } catch (const std::exception& e) {
      spdlog::error("whatsapp: processing of {} accepted deliveries' shares failed: {}", group.size(), e.what());
    }
    for (size_t i = 0; i < group.size(); ++i) {
      Fanned& d = *group[i].of;
      bool last = false;
      {
        std::lock_guard dl(d.mu);
        if (i >= out.size() || !out[i]) d.failed = true;
        last = --d.left == 0;
      }
      if (last) complete(group[i].of);
    }
    lock.lock();
  }
}

void Service::complete(const std::shared_ptr<Fanned>& d) {
  processed(1, d->bytes);
  // Not wholly processed: the row stays in the inbox and the drain processes the whole delivery
  // again (the shares already committed are duplicates).
  if (d->failed) return;
  if (options_.inbox.test_hold_delete_ms > 0) {  // fault injection: serve --demo --whatsapp-test-hold-delete-ms only
    spdlog::warn("whatsapp: delivery processed (inbox row {}); its inbox row's delete held {} ms (--whatsapp-test-hold-delete-ms)",
                 d->inbox_id, options_.inbox.test_hold_delete_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.inbox.test_hold_delete_ms));
  }
  {
    std::lock_guard lock(inbox_->mu);
    inbox_->finished.push_back(d->inbox_id);
  }
  inbox_->cv.notify_one();
}

Result<Service::InboxState> Service::inbox_state() {
  InboxState out;
  {
    std::lock_guard lock(inbox_->mu);
    out.waiting = static_cast<int64_t>(inbox_->waiting.size());
    out.processing = static_cast<int64_t>(inbox_->inflight);
  }
  auto lease = db_.lease();  // a read: no transaction (on SQLite that would take the write lock)
  if (!lease) return fail(lease.error());
  try {
    out.stored = repo::inbox_count(**lease);
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
  return out;
}

Result<int64_t> Service::drain_inbox(int64_t before) {
  int64_t done = 0;
  for (;;) {
    std::vector<repo::InboxRow> rows;
    {
      // A look without a transaction first: on SQLite a transaction takes the one write lock.
      auto lease = db_.lease();
      if (!lease) return fail(lease.error());
      try {
        rows = repo::inbox_list(**lease, before, 200);
      } catch (const std::exception& e) {
        return fail(store::database_error(e));
      }
    }
    if (rows.empty()) return done;
    std::vector<Batch> parsed;
    std::vector<int64_t> ids;
    parsed.reserve(rows.size());
    for (const auto& r : rows) {
      auto raw = keys_.decrypt(r.body);
      auto b = raw ? parse_webhook(*raw) : Result<Batch>(fail(Error::internal()));
      if (!b) {
        // Checked before it was accepted, so only a key that changed underneath can do this.
        spdlog::error("whatsapp: inbox row {} cannot be read; removed", r.id);
        (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
          repo::inbox_done(s, r.id);
          return true;
        });
        continue;
      }
      parsed.push_back(std::move(*b));
      ids.push_back(r.id);
    }
    std::vector<const Batch*> batches;
    for (const auto& b : parsed) batches.push_back(&b);
    auto out = process(batches, ids, true, now_ms());
    bool progress = false;
    for (const auto& r : out)
      if (r) {
        ++done;
        progress = true;
      }
    if (!progress || rows.size() < 200) return done;
  }
}

Result<bool> Service::open_contact(const repo::ConvRow& c, const std::string& opening) {
  auto contact = intake_.open({"whatsapp", contact_ref(c), false, "", opening.substr(0, 2000), c.caller_hash});
  if (!contact) {
    // Closed hours: stays pending, opened when the line opens. Blocked: not retried.
    if (contact.error().code == "blocked")
      (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
        repo::set_contact(s, c.id, c.session_n, "");
        audit_.append(s, line_entry("whatsapp.blocked", c.ref));
        return true;
      });
    return false;
  }
  auto ok = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
    repo::set_contact(s, c.id, c.session_n, *contact);
    return true;
  });
  if (!ok) return fail(ok.error());
  return true;
}

Result<int64_t> Service::open_pending(int64_t) {
  auto ids = db_.transaction<std::vector<int64_t>>([](soci::session& s) -> Result<std::vector<int64_t>> { return repo::pending(s, 100); });
  if (!ids) return fail(ids.error());
  int64_t opened = 0;
  for (int64_t id : *ids) {
    auto conv = db_.transaction<std::optional<repo::ConvRow>>(
        [&](soci::session& s) -> Result<std::optional<repo::ConvRow>> { return repo::conversation_by_id(s, id); });
    if (!conv || !*conv) continue;
    const auto& c = **conv;
    std::string opening;
    auto rows = db_.transaction<std::vector<repo::MsgRow>>([&](soci::session& s) -> Result<std::vector<repo::MsgRow>> { return repo::messages(s, c.id); });
    if (rows && !rows->empty()) opening = keys_.decrypt(rows->back().body).value_or("");
    if (auto ok = open_contact(c, opening); ok && *ok) ++opened;
  }
  return opened;
}

Result<Conversation> Service::load(const std::string& ref) {
  const std::string part = conversation_part(ref);
  auto conv = db_.transaction<std::optional<repo::ConvRow>>(
      [&](soci::session& s) -> Result<std::optional<repo::ConvRow>> { return repo::conversation_by_ref(s, part); });
  if (!conv) return fail(conv.error());
  if (!*conv) return fail(Error::not_found("La conversación de WhatsApp no existe."));
  Conversation out;
  out.id = (*conv)->id;
  out.ref = contact_ref(**conv);
  out.contact_id = (*conv)->contact_id;
  out.has_phone = !(*conv)->wa_id.empty();
  out.last_inbound_at = (*conv)->last_inbound_at;
  out.window_ends_at = out.last_inbound_at + kWindowMs;
  return out;
}

Result<Conversation> Service::conversation(const http::Request& req, const std::string& ref) {
  auto conv = load(ref);
  if (!conv) return fail(conv.error());
  auto holder = intake_.holder("whatsapp", ref);
  if (auto ok = may(Use::read, req.who(), holder); !ok) {
    (void)audit_.append(op_entry(req, "whatsapp.denied", conversation_part(ref), "denied"));
    return fail(ok.error());
  }
  std::map<int64_t, repo::MediaRow> media;  // by message id
  auto rows = db_.transaction<std::vector<repo::MsgRow>>([&](soci::session& s) -> Result<std::vector<repo::MsgRow>> {
    audit_.append(s, op_entry(req, "whatsapp.read", conversation_part(ref)));
    for (auto& m : repo::media_of_conversation(s, conv->id)) media[m.message_id] = std::move(m);
    return repo::messages(s, conv->id);
  });
  if (!rows) return fail(rows.error());
  for (const auto& r : *rows) {
    conv->messages.push_back(to_message(r, keys_));
    if (auto it = media.find(r.id); it != media.end()) {
      auto& m = conv->messages.back();
      m.media_id = it->second.id;
      m.media_state = it->second.state;
      m.media_mime = media_base_type(it->second.mime);
      if (it->second.state == "failed") m.media_error = media_failure_es(it->second.reason);
    }
  }
  conv->holder_user_id = holder->user_id;
  conv->holder_state = holder->state;
  return conv;
}

Result<std::vector<Template>> Service::templates() {
  return db_.transaction<std::vector<Template>>([](soci::session& s) -> Result<std::vector<Template>> { return repo::templates(s); });
}

Result<Message> Service::reply(const http::Request& req, const std::string& ref, const std::string& text, const std::string& template_name,
                               int64_t now) {
  auto conv = load(ref);
  if (!conv) return fail(conv.error());
  if (auto ok = may(Use::answer, req.who(), intake_.holder("whatsapp", ref)); !ok) {
    (void)audit_.append(op_entry(req, "whatsapp.denied", conversation_part(ref), "denied"));
    return fail(ok.error());
  }
  std::string body = text, type = "text";
  if (!template_name.empty()) {
    auto list = templates();
    if (!list) return fail(list.error());
    auto it = std::find_if(list->begin(), list->end(), [&](const Template& t) { return t.name == template_name; });
    if (it == list->end()) return fail(Error::invalid("template", "No es una plantilla aprobada por WhatsApp para esta línea.", "unknown_template"));
    body = it->text;
    type = "template";
  } else if (now >= conv->window_ends_at) {
    // Meta's rule, checked here so the operator hears it now and not as a failed status later.
    return fail(Error::conflict("outside_window",
                                "Pasaron más de 24 horas desde su último mensaje: WhatsApp solo permite enviar una plantilla aprobada.",
                                "text"));
  }
  auto id = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
    const int64_t n = repo::insert_outbound(s, conv->id, type, keys_.encrypt(body), template_name, req.who().user_id, now);
    auto e = op_entry(req, "whatsapp.reply", conversation_part(ref));
    e.detail = type == "template" ? "plantilla " + template_name : "texto";
    audit_.append(s, e);
    return n;
  });
  if (!id) return fail(id.error());
  changed(conv->id);  // a supervisor's pane shows it too
  Message m;
  m.id = *id;
  m.direction = "out";
  m.type = type;
  m.text = body;
  m.at = now;
  m.state = "queued";
  return m;
}

Result<void> Service::load_demo(int64_t now) {
  Batch b;
  const std::vector<std::string> lines = {"[Demostración] Hola, ¿me pueden ayudar por aquí? No puedo llamar, él está en la casa.",
                                          "[Demostración] Escríbanme solo por este chat, por favor."};
  int n = 0;
  for (const auto& text : lines) {
    Inbound in;
    in.wamid = "wamid.demo-" + std::to_string(++n);
    // A fictional business-scoped id and a number outside any real plan: demo data, not a person.
    in.user_key = "CL.demo0000000001";
    in.wa_id = "56900000001";
    in.phone_number_id = options_.phone_number_id.empty() ? "demo" : options_.phone_number_id;
    in.at_ms = now - (20 - 2 * n) * 60'000;
    in.type = "text";
    in.text = text;
    b.messages.push_back(std::move(in));
  }
  auto r = receive(b, now, false);
  if (!r) return fail(r.error());
  return {};
}

Result<void> Service::resume_outbox() {
  // Never twice: a row found "sending" may have reached Graph before the stop (Graph has no
  // idempotency key). It is not re-sent; it becomes "uncertain", is flagged to the operator and
  // the audit, and a status naming its attempt id resolves it (see receive()).
  auto rows = db_.transaction<std::vector<repo::MsgRow>>([&](soci::session& s) -> Result<std::vector<repo::MsgRow>> {
    auto list = repo::sending(s);
    for (const auto& r : list) {
      repo::mark_uncertain(s, r.id, "interrumpido por un reinicio", now_ms());
      auto conv = repo::conversation_by_id(s, r.conversation_id);
      audit_.append(s, line_entry("whatsapp.uncertain", conv ? conv->ref : std::string("?"), "reinicio"));
    }
    return list;
  });
  if (!rows) return fail(rows.error());
  if (!rows->empty())
    spdlog::warn("whatsapp: {} replies were being sent when the server stopped; marked uncertain (not re-sent)", rows->size());
  return {};
}

namespace {

struct GraphError {
  int64_t code = 0;
  std::string message;
};

GraphError graph_error(const GraphAnswer& a) {
  GraphError e{a.status, a.error.empty() ? "HTTP " + std::to_string(a.status) : a.error};
  try {
    auto j = http::Json::parse(a.body);
    e.code = j.at("error").at("code").get<int64_t>();
    e.message = j.at("error").value("message", e.message);
  } catch (const std::exception&) {
  }
  return e;
}

// Back-off of a retried send: 1 s, 2 s, 4 s… up to 10 minutes.
int64_t backoff_ms(int attempts) { return std::min<int64_t>(1000LL << std::min(attempts - 1, 20), 600'000); }

constexpr int64_t kPairRateLimit = 131056;   // (business, consumer) pair rate limit: this user only
constexpr int64_t kThroughputLimit = 130429;  // the number's throughput: the whole number waits

}  // namespace

Result<int64_t> Service::send_due(int64_t now) {
  struct Claim {
    repo::MsgRow row;
    repo::ConvRow conv;
    std::string number;
  };
  // Look first without a transaction: on SQLite every transaction takes the one write lock, and
  // this job runs every tick while almost always finding nothing due (the webhook's writes would
  // queue behind an empty transaction otherwise).
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      if (repo::due(**lease, now, 1).empty()) return 0;
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  // Claimed and committed first, each with a fresh attempt id: a second job tick (or instance)
  // does not take the same rows, and a stop from here on leaves them "sending" (never re-sent).
  // Each phone number id sends at most its rate (SendLimits); the rest stays queued.
  auto claimed = db_.transaction<std::vector<Claim>>([&](soci::session& s) -> Result<std::vector<Claim>> {
    std::vector<Claim> out;
    std::map<int64_t, std::optional<repo::ConvRow>> convs;
    std::map<std::string, bool> full;  // a number out of tokens this tick
    for (auto& r : repo::due(s, now, 200)) {
      auto it = convs.find(r.conversation_id);
      if (it == convs.end()) it = convs.emplace(r.conversation_id, repo::conversation_by_id(s, r.conversation_id)).first;
      if (!it->second) continue;
      std::string number = options_.phone_number_id.empty() ? it->second->phone_number_id : options_.phone_number_id;
      int64_t retry_at = 0;
      if (full[number] || !limits_.take(number, now, &retry_at)) {
        full[number] = true;
        continue;
      }
      const std::string attempt = "eq-" + crypto::random_token(12);
      repo::mark_sending(s, r.id, attempt);
      r.attempt_id = attempt;
      out.push_back({std::move(r), *it->second, std::move(number)});
    }
    return out;
  });
  if (!claimed) return fail(claimed.error());
  int64_t sent = 0;
  std::set<int64_t> deferred;              // conversations told to wait this tick (pair limit)
  std::map<std::string, int64_t> paused;  // numbers told to wait this tick (429 / 130429)
  for (const auto& claim : *claimed) {
    const repo::MsgRow& row = claim.row;
    const repo::ConvRow& c = claim.conv;
    const std::string& number = claim.number;
    const int attempts = row.attempts + 1;
    if (deferred.count(c.id) || paused.count(number)) {
      // An earlier reply of hers (or of this number) must wait: this one waits behind it.
      const int64_t at = deferred.count(c.id) ? now_ms() + 1000 : paused[number];
      (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
        repo::release(s, row.id, row.attempts, at);
        return true;
      });
      continue;
    }
    http::Json msg = {{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}};
    // Her phone when Meta gave it; else her business-scoped id (username-only users).
    if (!c.wa_id.empty())
      msg["to"] = keys_.decrypt(c.wa_id).value_or("");
    else
      msg["recipient"] = keys_.decrypt(c.user_key).value_or("");
    if (row.type == "template") {
      msg["type"] = "template";
      msg["template"] = {{"name", row.template_name}, {"language", {{"code", "es"}}}};
    } else {
      msg["type"] = "text";
      msg["text"] = {{"preview_url", false}, {"body", keys_.decrypt(row.body).value_or("")}};
    }
    // Meta echoes it in every status of this message: how an interrupted send is recognised.
    msg["biz_opaque_callback_data"] = row.attempt_id;
    const std::string url = options_.graph_url + "/" + options_.graph_version + "/" + number + "/messages";
    GraphAnswer a;
    if (options_.access_token.empty())
      a.error = "Falta el token de acceso de WhatsApp (EQ_WHATSAPP_TOKEN).";
    else
      a = graph_post(url, options_.access_token, msg.dump(), GraphTls{options_.ca_file});
    const int64_t at = now_ms();
    (void)db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
      if (a.status >= 200 && a.status < 300) {
        std::string wamid;
        try {
          auto j = http::Json::parse(a.body);
          wamid = j.at("messages").at(0).at("id").get<std::string>();
        } catch (const std::exception&) {
          wamid = "sin-id-" + std::to_string(row.id);  // accepted all the same: never sent twice
        }
        // A status naming this attempt may have recorded the same wamid already: same row, same value.
        repo::mark_sent(s, row.id, wamid, at);
        // Meta may report "delivered" before this thread records the 2xx: that status was kept
        // (unknown then) and is applied now.
        if (auto early = repo::furthest_status(s, wamid); early && rank_of(early->status) > 1)
          repo::apply_status(s, row.id, early->status, rank_of(early->status), early->at_ms, early->error_code, early->error_title);
        audit_.append(s, line_entry("whatsapp.sent", c.ref));
        ++sent;
        return true;
      }
      if (a.status == 0 && a.attempted) {
        // The request left and no answer came (timeout, reset): Graph may have it. Not retried.
        repo::mark_uncertain(s, row.id, a.error.substr(0, 300), at);
        audit_.append(s, line_entry("whatsapp.uncertain", c.ref, "sin respuesta"));
        return true;
      }
      const auto err = graph_error(a);
      const bool throughput = a.status == 429 || err.code == kThroughputLimit;
      const bool pair = err.code == kPairRateLimit;
      // Refused before leaving (DNS, connect, TLS, a certificate not trusted), a limit, or 5xx.
      const bool transient = a.status == 0 || throughput || pair || a.status >= 500;
      if (transient && attempts < options_.max_attempts) {
        int64_t wait = backoff_ms(attempts);
        if (throughput && a.retry_after_s >= 0) wait = std::max<int64_t>(wait, a.retry_after_s * 1000);
        const std::string why = a.error.empty() ? "HTTP " + std::to_string(a.status) + (err.code ? " (" + std::to_string(err.code) + ")" : "")
                                                : a.error.substr(0, 300);
        repo::retry_later(s, row.id, attempts, at + wait, why);
        if (throughput) {
          limits_.pause(number, at + wait);  // every conversation of this number waits
          paused[number] = at + wait;
        }
        if (pair) {
          repo::defer_conversation(s, c.id, at + wait);  // her other replies wait; others keep flowing
          deferred.insert(c.id);
        }
        return true;
      }
      repo::mark_failed(s, row.id, attempts, err.code, err.message.substr(0, 300), at);
      audit_.append(s, line_entry("whatsapp.send_failed", c.ref, std::to_string(err.code)));
      return true;
    });
    changed(c.id);
  }
  return sent;
}

}  // namespace eq::whatsapp
