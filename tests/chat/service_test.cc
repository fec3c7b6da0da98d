// The chat service on SQLite and PostgreSQL with a fake queue behind channels::Intake: the object
// rule (holder writes, supervisor reads, others refused), encryption at rest, de-duplication,
// escalation to a municipal unit, and the retention purge.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "../support/databases.h"
#include "chat/access.h"
#include "chat/module.h"
#include "core/time.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::chat {
namespace {

class FakeQueue : public channels::Intake {
 public:
  std::map<std::string, channels::Holder> held;
  std::vector<channels::NewContact> opened;
  std::vector<std::string> left_refs;
  std::function<void(const std::string&, const std::string&, const channels::Holder&)> listener;
  Result<std::string> open(const channels::NewContact& c) override {
    opened.push_back(c);
    held[c.external_ref] = {"c" + std::to_string(opened.size()), "waiting", "", ""};
    return held[c.external_ref].contact_id;
  }
  void left(const std::string&, const std::string& ref, const std::string&) override { left_refs.push_back(ref); }
  std::optional<channels::Holder> holder(const std::string&, const std::string& ref) override {
    auto it = held.find(ref);
    if (it == held.end()) return std::nullopt;
    return it->second;
  }
  void on_change(std::function<void(const std::string&, const std::string&, const channels::Holder&)> l) override { listener = std::move(l); }
  // Stands in for the queue's keyed hash: opaque, never the address itself.
  std::string caller_hash(const std::string& kind, const std::string& value) const override {
    return value.empty() ? "" : "h" + std::to_string(std::hash<std::string>{}(kind + ":" + value));
  }
};

http::Request as(int64_t user_id, std::set<std::string> perms) {
  http::Request r;
  http::Principal p;
  p.user_id = user_id;
  p.institution_id = 1;
  p.permissions = std::move(perms);
  r.principal = p;
  return r;
}

class ChatService : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    auto db = eq::testing::migrated_database(GetParam(), all);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    log_ = std::make_unique<audit::Log>(*db_);
    Dispatch d;
    d.municipal_unit = [](const std::string& comuna) -> std::optional<MunicipalUnit> {
      if (comuna == "13101") return MunicipalUnit{7, "Seguridad Municipal de Santiago"};
      return std::nullopt;
    };
    // The monitoring module's side, played through the chat's own interface (the real adapter in
    // app.cc is exercised by tests/integration/chat_dispatch.test.mjs).
    d.open = [this](const http::Request&, const DispatchRequest& r) -> Result<DispatchState> {
      dispatched_.push_back(r);
      return DispatchState{77, "enviado", "Enviado", "Seguridad Municipal de Santiago", std::nullopt};
    };
    d.state = [](int64_t id) -> Result<DispatchState> { return DispatchState{id, "aceptado", "Aceptado", "Seguridad Municipal de Santiago", 1}; };
    svc_ = std::make_unique<Service>(*db_, keys_, *log_, queue_, d, Options{});
  }
  SessionRow started(const std::string& comuna = "") {
    auto s = svc_->start(false, comuna, "hola", "10.0.0.1");
    EXPECT_TRUE(s) << s.error().message;
    auto row = svc_->find(s->ref);
    EXPECT_TRUE(row);
    return *row;
  }
  void hold(const std::string& ref, int64_t user) { queue_.held[ref] = {queue_.held[ref].contact_id, "active", std::to_string(user), "Orientadora 1455"}; }

  crypto::Keys keys_ = crypto::Keys::from_master(std::string(32, 'k'));
  FakeQueue queue_;
  std::vector<DispatchRequest> dispatched_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<Service> svc_;
};

TEST_P(ChatService, OnlyTheHolderWritesAndASupervisorReads) {
  auto s = started();
  ASSERT_EQ(queue_.opened.size(), 1u);
  EXPECT_EQ(queue_.opened[0].channel, "chat");
  EXPECT_FALSE(queue_.opened[0].caller_hash.empty());
  EXPECT_EQ(queue_.opened[0].caller_hash.find("10.0.0.1"), std::string::npos);
  hold(s.ref, 5);
  const std::set<std::string> answer = {"channels.answer"};
  EXPECT_TRUE(svc_->reply(as(5, answer), s.ref, "te leo"));
  auto other = svc_->reply(as(6, answer), s.ref, "yo también");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, 403);
  EXPECT_FALSE(svc_->transcript(as(6, answer), s.ref));
  auto sup = svc_->transcript(as(9, {"channels.answer", kSupervise}), s.ref);
  ASSERT_TRUE(sup) << sup.error().message;
  EXPECT_EQ(sup->messages.size(), 2u);
  // A supervisor reads but does not write in someone else's conversation.
  EXPECT_FALSE(svc_->reply(as(9, {"channels.answer", kSupervise}), s.ref, "hola"));
  // Offered but not yet active: not even the offered operator writes.
  queue_.held[s.ref].state = "offered";
  auto offered = svc_->reply(as(5, answer), s.ref, "x");
  ASSERT_FALSE(offered);
  EXPECT_EQ(offered.error().status, 409);
}

TEST_P(ChatService, MessagesAreEncryptedAtRestAndStoredOnce) {
  auto s = started();
  auto a = svc_->say(s, "id-1", "mi secreto");
  auto b = svc_->say(s, "id-1", "mi secreto");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seq, b->seq);
  auto lease = db_->lease();
  ASSERT_TRUE(lease);
  int64_t n = 0;
  store::Query("SELECT body FROM chat_messages").each(**lease, [&](const soci::row& r) {
    ++n;
    EXPECT_EQ(store::get_str(r, 0).find("secreto"), std::string::npos);
    EXPECT_EQ(store::get_str(r, 0).rfind("v1.", 0), 0u);
  });
  EXPECT_EQ(n, 2);  // the opening text and one "mi secreto"
}

TEST_P(ChatService, EscalatesToTheMunicipalUnitOnlyWhereThereIsOne) {
  auto with = started("13101");
  auto without = started("05101");
  hold(with.ref, 5);
  hold(without.ref, 5);
  auto e = svc_->escalate(as(5, {"channels.answer"}), with.ref, "municipal", "en su casa");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->unit_name, "Seguridad Municipal de Santiago");
  // A real dispatch was asked for, for her comuna's unit, with the note and nothing else of hers.
  ASSERT_EQ(dispatched_.size(), 1u);
  EXPECT_EQ(dispatched_[0].comuna_code, "13101");
  EXPECT_EQ(dispatched_[0].institution_id, 7);
  EXPECT_EQ(dispatched_[0].note, "en su casa");
  ASSERT_TRUE(e->dispatch);
  EXPECT_EQ(e->dispatch->id, 77);
  // Her transcript shows where that dispatch stands now.
  auto t = svc_->transcript(as(5, {"channels.answer"}), with.ref);
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->escalations.size(), 1u);
  ASSERT_TRUE(t->escalations[0].dispatch);
  EXPECT_EQ(t->escalations[0].dispatch->state, "aceptado");
  auto none = svc_->escalate(as(5, {"channels.answer"}), without.ref, "municipal", "");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "no_municipal_unit");
  EXPECT_EQ(dispatched_.size(), 1u) << "no dispatch without a unit";
  EXPECT_TRUE(svc_->escalate(as(5, {"channels.answer"}), without.ref, "133", "riesgo vital"));
}

TEST_P(ChatService, RetentionPurgesEndedConversationsOnlyAfterThePeriod) {
  auto s = started();
  ASSERT_TRUE(svc_->say(s, "a", "uno"));
  svc_->leave(s, "exit");
  ASSERT_EQ(queue_.left_refs.size(), 1u);
  const int64_t now = now_ms();
  auto early = svc_->purge(now + 89LL * 86'400'000);
  ASSERT_TRUE(early);
  EXPECT_EQ(*early, 0);
  EXPECT_TRUE(svc_->find(s.ref));
  auto late = svc_->purge(now + 91LL * 86'400'000);
  ASSERT_TRUE(late);
  EXPECT_EQ(*late, 1);
  EXPECT_FALSE(svc_->find(s.ref));
  auto lease = db_->lease();
  ASSERT_TRUE(lease);
  EXPECT_EQ(store::Query("SELECT COUNT(*) FROM chat_messages").scalar(**lease).value_or(-1), 0);
}

// A legal hold keeps a transcript past its period, in the data-protection run (a predicate passed
// in) and in the module's own hourly purge (Options::holds): a hold naming the conversation, and a
// hold naming the registry person the operator identified her as in its queue contact (the queue's
// Holder::person_id, the only link between a chat and the registry). Holds that cannot be read
// stop the hourly purge; once no hold names them, they go.
TEST_P(ChatService, ALegalHoldOnTheConversationOrOnHerPersonKeepsTheTranscript) {
  auto a = started(), b = started(), c = started();
  for (const auto* s : {&a, &b, &c}) svc_->leave(*s, "exit");
  queue_.held[b.ref].person_id = 42;
  std::vector<std::vector<int64_t>> persons_asked;
  PurgeHeld held = [&](const std::string& ref, const std::vector<int64_t>& persons) {
    persons_asked.push_back(persons);
    return ref == a.ref || std::find(persons.begin(), persons.end(), 42) != persons.end();
  };
  const int64_t later = now_ms() + 91LL * 86'400'000;
  auto dry = svc_->purge(later, held, true);
  ASSERT_TRUE(dry) << dry.error().message;
  EXPECT_EQ(dry->due, 1);
  EXPECT_EQ(dry->held, 2);
  EXPECT_EQ(dry->purged, 0);
  EXPECT_TRUE(svc_->find(c.ref)) << "a dry run deletes nothing";
  EXPECT_TRUE(std::find(persons_asked.begin(), persons_asked.end(), std::vector<int64_t>{42}) != persons_asked.end())
      << "her registry person is asked about";

  Options blind_opts;
  blind_opts.holds = [](const std::string&) -> Result<PurgeHeld> { return fail(Error::unavailable("sin retenciones")); };
  Service blind(*db_, keys_, *log_, queue_, Dispatch{}, blind_opts);
  EXPECT_FALSE(blind.purge(later)) << "holds unreadable: nothing is deleted";
  EXPECT_TRUE(svc_->find(c.ref));

  Options hourly_opts;
  std::vector<std::string> kinds;
  hourly_opts.holds = [&](const std::string& kind) -> Result<PurgeHeld> {
    kinds.push_back(kind);
    return held;
  };
  Service hourly(*db_, keys_, *log_, queue_, Dispatch{}, hourly_opts);
  auto n = hourly.purge(later);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(kinds, std::vector<std::string>{"transcripts"});
  EXPECT_TRUE(svc_->find(a.ref)) << "held by its ref";
  EXPECT_TRUE(svc_->find(b.ref)) << "held by her registry person";
  EXPECT_FALSE(svc_->find(c.ref));

  auto released = svc_->purge(later, [](const std::string&, const std::vector<int64_t>&) { return false; }, false);
  ASSERT_TRUE(released) << released.error().message;
  EXPECT_EQ(released->purged, 2);
  EXPECT_FALSE(svc_->find(a.ref));
  EXPECT_FALSE(svc_->find(b.ref));
}

// Her connection as the service sees it (what the server would write to her WebSocket).
struct FakePeer : http::Peer {
  std::vector<std::string> sent;
  void send(std::string text) override { sent.push_back(std::move(text)); }
  void close() override {}
};
// An operator's pane attached to a service's hub.
struct FakePane : http::Hub::Sink {
  std::vector<std::string> got;
  void deliver(const std::string&, std::shared_ptr<const std::string> m) override { got.push_back(*m); }
};
bool has(const std::vector<std::string>& v, const std::string& part) {
  for (const auto& x : v)
    if (x.find(part) != std::string::npos) return true;
  return false;
}

// Two instances on one database (app/cluster.h plays the NOTIFY between them; here the relay is
// handed over directly): her socket on A, the operator's pane on B. Every event reaches the other
// side, a message crosses as its number only (never its text), and which operator she was told
// about is the database's, so a take on B and a transfer on A are told once each.
TEST_P(ChatService, EventsCrossToTheOtherInstanceWithoutTheirWords) {
  FakeQueue queue_b;  // the same queue seen from B (holders are the database's in the real one)
  auto b = std::make_unique<Service>(*db_, keys_, *log_, queue_b, Dispatch{}, Options{});
  std::vector<std::string> wire;  // every relayed payload
  svc_->set_relay([&](const std::string& topic, const std::string& m) { wire.push_back(m); b->relayed(topic, m); });
  b->set_relay([&](const std::string& topic, const std::string& m) { wire.push_back(m); svc_->relayed(topic, m); });
  auto s = started();
  auto peer = std::make_shared<FakePeer>();
  svc_->attach(s.ref, peer);
  auto pane = std::make_shared<FakePane>();
  b->hub()->attach(pane, nullptr);

  // Her message on A → B's pane, with its text.
  ASSERT_TRUE(svc_->say(s, "id-1", "palabra-secreta-uno"));
  EXPECT_TRUE(has(pane->got, "palabra-secreta-uno"));
  // The operator takes it on B: "se unió" reaches her on A.
  hold(s.ref, 5);
  queue_b.held = queue_.held;
  b->queue_changed("chat", s.ref, queue_.held[s.ref]);
  EXPECT_TRUE(has(peer->sent, "se unió"));
  EXPECT_TRUE(has(peer->sent, "Orientadora 1455"));
  // The operator's reply and typing on B → her on A.
  ASSERT_TRUE(b->reply(as(5, {"channels.answer"}), s.ref, "palabra-secreta-dos"));
  EXPECT_TRUE(has(peer->sent, "palabra-secreta-dos"));
  ASSERT_TRUE(b->operator_typing(as(5, {"channels.answer"}), s.ref));
  EXPECT_TRUE(has(peer->sent, R"("from":"operator")"));
  svc_->her_typing(s);
  EXPECT_TRUE(has(pane->got, R"("type":"typing")"));
  // The same take seen again on A tells her nothing; a transfer on A is told as one.
  const size_t before = peer->sent.size();
  svc_->queue_changed("chat", s.ref, queue_.held[s.ref]);
  EXPECT_EQ(peer->sent.size(), before);
  hold(s.ref, 6);
  svc_->queue_changed("chat", s.ref, queue_.held[s.ref]);
  ASSERT_EQ(peer->sent.size(), before + 1);
  EXPECT_NE(peer->sent.back().find("Otra orientadora continúa"), std::string::npos);
  // She leaves on A: B's pane is told.
  svc_->leave(s, "exit");
  EXPECT_TRUE(has(pane->got, R"("type":"left")"));

  ASSERT_GE(wire.size(), 6u);
  for (const auto& w : wire) {
    EXPECT_EQ(w.find("palabra-secreta"), std::string::npos) << w;
    EXPECT_EQ(w.find("se unió"), std::string::npos) << w;
  }
  // Nothing of B's own arrives twice on B's pane (a relay is delivered by the others only).
  int replies = 0;
  for (const auto& g : pane->got) replies += g.find("palabra-secreta-dos") != std::string::npos;
  EXPECT_EQ(replies, 1);
  svc_->set_relay(nullptr);
  b->set_relay(nullptr);
}

INSTANTIATE_TEST_SUITE_P(ChatBackends, ChatService, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::chat
