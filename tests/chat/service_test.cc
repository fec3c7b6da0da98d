// The chat service on SQLite and PostgreSQL with a fake queue behind channels::Intake: the object
// rule (holder writes, supervisor reads, others refused), encryption at rest, de-duplication,
// escalation to a municipal unit, and the retention purge.
#include <gtest/gtest.h>

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

INSTANTIATE_TEST_SUITE_P(ChatBackends, ChatService, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
}  // namespace eq::chat
