// The queue service on SQLite and PostgreSQL, through channels::Intake as the chat transport uses
// it: open (idempotent per channel reference), offers to an available operator, take, on_change
// listeners after each offer/assign/close, holder, left (a waiting contact becomes abandoned),
// hours and blocks refusing new contacts.
#include <gtest/gtest.h>

#include <mutex>

#include "audit/log.h"
#include "channels/module.h"
#include "core/crypto.h"
#include "store/query.h"
#include "../support/databases.h"

using namespace eq;
using namespace eq::channels;

namespace {

const std::string kCallersKey = "callers-key-0123456789abcdef0123456789abcdef";

class ChannelsService : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    // The audit log's schema, then the queue's.
    std::vector<store::Migration> schema = audit::migrations();
    const auto queue = migrations();
    schema.insert(schema.end(), queue.begin(), queue.end());
    auto db = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    log_ = std::make_unique<audit::Log>(*db_);
    Options o;
    o.hours = *Hours::parse("24/7");
    svc_ = std::make_shared<Service>(*db_, keys_, *log_, nullptr, "0123456789abcdef0123456789abcdef", kCallersKey, o);
    svc_->on_change([this](const std::string& ch, const std::string& ref, const Holder& h) {
      std::lock_guard lock(mu_);
      heard_.push_back(ch + "/" + ref + ":" + h.state + ":" + h.user_id + ":" + h.public_name);
    });
  }
  std::vector<std::string> heard() {
    std::lock_guard lock(mu_);
    return heard_;
  }
  int64_t count(const std::string& sql) {
    auto lease = db_->lease();
    return store::Query(sql).scalar(**lease).value_or(-1);
  }

  crypto::Keys keys_ = crypto::Keys::from_master(std::string(32, 'k'));
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::shared_ptr<Service> svc_;
  std::mutex mu_;
  std::vector<std::string> heard_;
};

TEST_P(ChannelsService, ChatContactWaitsIsOfferedTakenAndClosedWithListenersCalled) {
  Intake& intake = *svc_;
  NewContact nc{"chat", "sesion-1", true, "13101", "necesito ayuda urgente", ""};
  auto id = intake.open(nc);
  ASSERT_TRUE(id) << id.error().message;
  auto again = intake.open(nc);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *id) << "a retried open answers the same contact";
  EXPECT_EQ(count("SELECT COUNT(*) FROM channels_contacts"), 1);
  auto h = intake.holder("chat", "sesion-1");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->state, "waiting");

  Actor op{7, 3, false, "127.0.0.1"};
  ASSERT_TRUE(svc_->set_presence(op, "disponible", std::vector<std::string>{"chat"}, 2));
  h = intake.holder("chat", "sesion-1");
  EXPECT_EQ(h->state, "offered");
  EXPECT_EQ(h->user_id, "7");
  EXPECT_EQ(h->public_name, "") << "nobody answers her before the operator takes it";

  auto taken = svc_->take(op, std::stoll(*id));
  ASSERT_TRUE(taken) << taken.error().message;
  h = intake.holder("chat", "sesion-1");
  EXPECT_EQ(h->state, "active");
  EXPECT_EQ(h->public_name, "Orientadora 1455");
  Actor other{8, 3, false, ""};
  auto second = svc_->take(other, std::stoll(*id));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, 409);

  ASSERT_TRUE(svc_->close(op, std::stoll(*id), "silencio", ""));
  auto closed = svc_->update(op, std::stoll(*id), nlohmann::json{{"notes", "tarde"}});
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().status, 409);
  const auto got = heard();
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(got[0], "chat/sesion-1:offered:7:");
  EXPECT_EQ(got[1], "chat/sesion-1:active:7:Orientadora 1455");
  EXPECT_EQ(got.back(), "chat/sesion-1:closed::");
  // Every step is in the audit log.
  EXPECT_GE(count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'channels.%'"), 4);
}

TEST_P(ChannelsService, SheLeavesWhileWaitingAndTheContactIsAbandoned) {
  Intake& intake = *svc_;
  ASSERT_TRUE(intake.open({"chat", "sesion-2", false, "", "", ""}));
  intake.left("chat", "sesion-2", "salida rápida");
  auto h = intake.holder("chat", "sesion-2");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->state, "closed");
  EXPECT_EQ(count("SELECT COUNT(*) FROM channels_contacts WHERE state = 'abandoned' AND left_why = 'salida rápida'"), 1);
  EXPECT_FALSE(intake.holder("chat", "nunca-abierta"));
}

TEST_P(ChannelsService, ClosedHoursAndBlocksRefuseNewContacts) {
  Options o;
  o.hours = *Hours::parse("1-1 08:00-08:01");  // open one minute a week
  Service closed(*db_, keys_, *log_, nullptr, "0123456789abcdef0123456789abcdef", kCallersKey, o);
  // Not always closed at any instant, but at most one minute a week: try two instants apart.
  auto a = closed.open({"chat", "fuera-1", false, "", "", ""});
  if (a) a = closed.open({"chat", "fuera-2", false, "", "", ""});
  if (!a) {
    EXPECT_EQ(a.error().code, "closed");
    EXPECT_NE(a.error().message.find("133"), std::string::npos);
  }

  const std::string hash = svc_->caller_hash("number", "+56 9 1111 2222");
  EXPECT_EQ(hash, svc_->caller_hash("number", "+56911112222")) << "the same number, written otherwise";
  EXPECT_NE(hash, svc_->caller_hash("number", "+56 9 1111 2223"));
  EXPECT_NE(svc_->caller_hash("address", "10.0.0.1"), svc_->caller_hash("address", "10.0.0.11"));
  EXPECT_NE(svc_->caller_hash("address", "1.2.3.4"), svc_->caller_hash("number", "1234")) << "an address is not digits";
  // Keyed with the callers key only: a new installation key (a rotation) gives the same hash.
  Service rotated(*db_, crypto::Keys::from_master(std::string(32, 'z')), *log_, nullptr, "0123456789abcdef0123456789abcdef", kCallersKey, Options{});
  EXPECT_EQ(rotated.caller_hash("number", "+56 9 1111 2222"), hash);
  Service other(*db_, keys_, *log_, nullptr, "0123456789abcdef0123456789abcdef", std::string(64, 'f'), Options{});
  EXPECT_NE(other.caller_hash("number", "+56 9 1111 2222"), hash) << "another callers key, another hash";
  auto first = svc_->open({"chat", "s-3", false, "", "", hash});
  ASSERT_TRUE(first);
  Actor sup{9, 3, true, ""};
  auto b = svc_->block(sup, std::stoll(*first), 2, "Mensajes abusivos.");
  ASSERT_TRUE(b) << b.error().message;
  auto refused = svc_->open({"chat", "s-4", false, "", "", hash});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "blocked");
  Actor op{7, 3, false, ""};
  EXPECT_FALSE(svc_->block(op, std::stoll(*first), 2, "x")) << "only supervisors block";
}

INSTANTIATE_TEST_SUITE_P(Backends, ChannelsService, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
