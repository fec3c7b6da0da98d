#include "audit/log.h"

#include <gtest/gtest.h>

#include <thread>

#include "../support/databases.h"
#include "store/query.h"

namespace eq::audit {
namespace {

class AuditTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = store::Database::open({testing::fresh_url(GetParam()), 2});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    ASSERT_TRUE(store::apply_migrations(*db_, migrations(), ""));
    log_ = std::make_unique<Log>(*db_);
    for (int i = 0; i < 5; ++i) {
      Entry e;
      e.actor_user_id = 7;
      e.action = "case.read";
      e.object = "case:" + std::to_string(i);
      e.client_ip = "10.0.0.1";
      e.outcome = "ok";
      ASSERT_TRUE(log_->append(e));
    }
  }
  // What an attacker with database access would do: remove the guard, then edit.
  void tamper(const std::string& sql) {
    auto lease = db_->lease();
    if (GetParam() == "sqlite") {
      **lease << "DROP TRIGGER audit_log_no_update";
      **lease << "DROP TRIGGER audit_log_no_delete";
    } else {
      **lease << "DROP TRIGGER audit_log_no_change ON audit_log";
    }
    **lease << sql;
  }
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<Log> log_;
};

TEST_P(AuditTest, IntactChainVerifies) {
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->count, 5);
}

TEST_P(AuditTest, UpdatesAndDeletesAreRefusedByTheDatabase) {
  auto lease = db_->lease();
  EXPECT_ANY_THROW(**lease << "UPDATE audit_log SET outcome = 'denied' WHERE seq = 2");
  EXPECT_ANY_THROW(**lease << "DELETE FROM audit_log WHERE seq = 2");
}

TEST_P(AuditTest, AlteredRowIsReportedAsFirstBreak) {
  tamper("UPDATE audit_log SET object = 'case:99' WHERE seq = 3");
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_broken_seq, 3);
}

TEST_P(AuditTest, DeletedRowIsReported) {
  tamper("DELETE FROM audit_log WHERE seq = 2");
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_broken_seq, 2);
}

TEST_P(AuditTest, FiltersByActorOutcomeAndPage) {
  Entry denied;
  denied.action = "http.denied";
  denied.outcome = "denied";
  denied.client_ip = "1.2.3.4";
  ASSERT_TRUE(log_->append(denied));
  Filter f;
  f.outcome = "denied";
  auto rows = log_->list(f);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].action, "http.denied");
  Filter page;
  page.actor_user_id = 7;
  page.limit = 2;
  page.before_seq = 5;
  rows = log_->list(page);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].seq, 4);
  EXPECT_EQ((*rows)[1].seq, 3);
}

TEST_P(AuditTest, ConcurrentAppendsKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([this] {
      for (int i = 0; i < 10; ++i) {
        Entry e;
        e.action = "concurrent";
        e.outcome = "ok";
        EXPECT_TRUE(log_->append(e));
      }
    });
  for (auto& th : threads) th.join();
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->count, 45);
}

TEST_P(AuditTest, RecentVerificationIsReusedWithinItsAgeOnly) {
  auto first = log_->recent_verification(std::chrono::minutes(10));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->count, 5);
  Entry e;
  e.action = "later";
  e.outcome = "ok";
  ASSERT_TRUE(log_->append(e));
  auto reused = log_->recent_verification(std::chrono::minutes(10));
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->count, 5) << "within its age the earlier result is reused";
  auto fresh = log_->recent_verification(std::chrono::seconds(0));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->count, 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(testing::backends()));

}  // namespace
}  // namespace eq::audit
