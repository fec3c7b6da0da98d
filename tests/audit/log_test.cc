#include "audit/log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <unistd.h>

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
      **lease << "DROP TRIGGER IF EXISTS audit_log_no_update";
      **lease << "DROP TRIGGER IF EXISTS audit_log_no_delete";
    } else {
      **lease << "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log";
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

// An audited read appends on a session outside any transaction (store::with_session) while a
// writer's transaction, holding the database lock, appends too. The append must take the database's
// lock before the in-process mutex, as a transaction does: in the other order each waited for the
// other until SQLite's 10-second busy timeout and the read failed (a 503 under load).
TEST_P(AuditTest, AnAppendOutsideATransactionDoesNotDeadlockWithAWriter) {
  std::atomic<bool> writer_in{false};
  std::atomic<bool> writer_ok{false};
  std::thread writer([&] {
    auto r = db_->transaction<void>([&](soci::session& s) -> Result<void> {
      writer_in = true;
      // Give the reader time to reach its append while this transaction holds the lock.
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      Entry e;
      e.action = "writer";
      e.outcome = "ok";
      log_->append(s, e);
      return {};
    });
    writer_ok = static_cast<bool>(r);
  });
  while (!writer_in) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto lease = db_->lease();
  ASSERT_TRUE(lease);
  Entry e;
  e.action = "reader";
  e.outcome = "ok";
  // Before the fix this threw «database is locked» after the busy timeout.
  EXPECT_NO_THROW(log_->append(**lease, e));  // an autocommit session, as with_session gives
  writer.join();
  EXPECT_TRUE(writer_ok);
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->count, 7);
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

// The plain chain alone: whoever can write the database recomputes every hash after an edit.
void rewrite_and_rechain(store::Database& db, int64_t from_seq) {
  auto lease = db.lease();
  soci::rowset<soci::row> rows = ((*lease)->prepare << "SELECT seq, at, actor_user_id, actor_institution_id, action, object, "
                                                      "client_ip, outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq");
  std::vector<Stored> all;
  for (const auto& r : rows) {
    Stored st;
    st.seq = store::get_int(r, 0);
    st.at = store::get_int(r, 1);
    st.actor_user_id = store::get_opt_int(r, 2);
    st.actor_institution_id = store::get_opt_int(r, 3);
    st.action = r.get<std::string>(4);
    st.object = r.get<std::string>(5);
    st.client_ip = r.get<std::string>(6);
    st.outcome = r.get<std::string>(7);
    st.detail = r.get<std::string>(8);
    st.prev_hash = r.get<std::string>(9);
    st.hash = r.get<std::string>(10);
    all.push_back(st);
  }
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].seq < from_seq) continue;
    if (all[i].seq == from_seq) all[i].object = "case:rewritten";
    all[i].prev_hash = i == 0 ? all[i].prev_hash : all[i - 1].hash;
    all[i].hash = chain_hash(all[i].prev_hash, all[i]);
    long long seq = all[i].seq;
    **lease << "UPDATE audit_log SET object = :o, prev_hash = :p, hash = :h WHERE seq = :s", soci::use(all[i].object),
        soci::use(all[i].prev_hash), soci::use(all[i].hash), soci::use(seq);
  }
}

class SealedAuditTest : public AuditTest {
 protected:
  void SetUp() override {
    AuditTest::SetUp();  // five entries written before sealing existed
    seal_ = std::make_shared<const Seal>(Seal::from_secret(std::string(32, '\x07')));
    ASSERT_TRUE(log_->set_seal(seal_));
    for (int i = 0; i < 4; ++i) {
      Entry e;
      e.action = "case.read";
      e.object = "case:sealed" + std::to_string(i);
      e.outcome = "ok";
      ASSERT_TRUE(log_->append(e));
    }
  }
  std::shared_ptr<const Seal> seal_;
};

TEST_P(SealedAuditTest, OlderEntriesAreAPrefixAndTheRestAreSealed) {
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->reason;
  EXPECT_EQ(v->count, 10);  // 5 old + "audit.sealed" + 4
  EXPECT_EQ(v->unsealed, 5);
}

TEST_P(SealedAuditTest, RewrittenRowWithRecomputedChainFailsOnTheSeal) {
  tamper("SELECT 1");
  rewrite_and_rechain(*db_, 8);
  Log plain(*db_);
  auto unkeyed = plain.verify();
  ASSERT_TRUE(unkeyed);
  EXPECT_TRUE(unkeyed->ok) << "the plain hash chain alone is fooled";
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_broken_seq, 8);
}

TEST_P(SealedAuditTest, StrippingEverySealDoesNotPassForAnOldLog) {
  tamper("UPDATE audit_log SET mac = ''");
  auto v = log_->verify();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
}

TEST_P(SealedAuditTest, CheckpointDetectsTruncation) {
  auto cp = log_->checkpoint();
  ASSERT_TRUE(cp) << cp.error().message;
  EXPECT_EQ(cp->seq, 10);
  auto round = checkpoint_from_json(to_json(*cp));
  ASSERT_TRUE(round);
  auto before = log_->verify(*round);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->ok) << before->reason;
  // Drop the last three rows: the remaining chain is intact and sealed, only the checkpoint knows.
  tamper("DELETE FROM audit_log WHERE seq > 7");
  auto alone = log_->verify();
  ASSERT_TRUE(alone);
  EXPECT_TRUE(alone->ok);
  auto v = log_->verify(*round);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_broken_seq, 8);
}

TEST_P(SealedAuditTest, CheckpointDetectsARewriteEvenWithTheKey) {
  auto cp = log_->checkpoint();
  ASSERT_TRUE(cp);
  // Someone holding the audit key rewrites entry 6 and re-seals everything from there on.
  tamper("SELECT 1");
  rewrite_and_rechain(*db_, 6);
  {
    auto lease = db_->lease();
    std::vector<std::pair<long long, std::string>> rows;
    soci::rowset<soci::row> rs = ((*lease)->prepare << "SELECT seq, hash FROM audit_log WHERE seq >= 6");
    for (const auto& r : rs) rows.emplace_back(store::get_int(r, 0), r.get<std::string>(1));
    for (auto& [seq, hash] : rows) {
      std::string mac = seal_->mac(hash);
      **lease << "UPDATE audit_log SET mac = :m WHERE seq = :s", soci::use(mac), soci::use(seq);
    }
  }
  auto keyed = log_->verify();
  ASSERT_TRUE(keyed);
  EXPECT_TRUE(keyed->ok);
  auto v = log_->verify(*cp);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_broken_seq, 10);
}

TEST_P(SealedAuditTest, ForgedOrForeignCheckpointIsRefused) {
  auto cp = log_->checkpoint();
  ASSERT_TRUE(cp);
  Checkpoint forged = *cp;
  forged.seq = 3;
  EXPECT_FALSE(log_->verify(forged));
  Seal other = Seal::from_secret(std::string(32, '\x09'));
  Checkpoint foreign = *cp;
  foreign.public_key = other.public_key();
  foreign.signature = other.sign(checkpoint_message(foreign));
  auto v = log_->verify(foreign);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "foreign_checkpoint");
}

TEST(AuditSeal, KeyFileIsCreatedOwnerOnlyAndReloadsTheSameKey) {
  auto dir = std::filesystem::temp_directory_path() / ("eq-seal-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = seal_path_for((dir / "equidad.key").string());
  EXPECT_EQ(std::filesystem::path(path).filename(), "equidad.audit.key");
  std::filesystem::remove(path);
  auto a = Seal::load_or_create(path);
  ASSERT_TRUE(a);
  auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto b = Seal::load_or_create(path);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->public_key(), b->public_key());
  EXPECT_EQ(a->mac("x"), b->mac("x"));
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, SealedAuditTest, ::testing::ValuesIn(testing::backends()));

INSTANTIATE_TEST_SUITE_P(Backends, AuditTest, ::testing::ValuesIn(testing::backends()));

}  // namespace
}  // namespace eq::audit
