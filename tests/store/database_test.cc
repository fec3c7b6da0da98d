#include "store/database.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <vector>
#include <mutex>
#include <condition_variable>
#include <fstream>

#include <sys/stat.h>
#include <thread>

#include "../support/databases.h"
#include "store/migrations.h"
#include "store/query.h"

namespace eq::store {
namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto db = Database::open({testing::fresh_url(GetParam()), 3});
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
  }
  std::vector<Migration> widgets() {
    return {sql_migration("widgets", 1, "create", {"CREATE TABLE widgets (id {{pk}}, name TEXT NOT NULL UNIQUE, at {{bigint}})"}),
            sql_migration("widgets", 2, "index", {"CREATE INDEX widgets_at ON widgets(at)"})};
  }
  std::unique_ptr<Database> db_;
};

TEST_P(StoreTest, MigrationsApplyOnceAndInOrder) {
  auto first = apply_migrations(*db_, widgets(), "");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, 2);
  auto again = apply_migrations(*db_, widgets(), "");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  auto lease = db_->lease();
  ASSERT_TRUE(lease);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM schema_migrations WHERE module = 'widgets'").scalar(**lease), 2);
}

TEST_P(StoreTest, FailedMigrationLeavesNoTraceAndReportsError) {
  ASSERT_TRUE(apply_migrations(*db_, widgets(), ""));
  std::vector<Migration> bad = widgets();
  bad.push_back(sql_migration("widgets", 3, "broken", {"CREATE TABLE extra (x INTEGER)", "THIS IS NOT SQL"}));
  auto r = apply_migrations(*db_, bad, "");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "migration_failed");
  auto lease = db_->lease();
  EXPECT_EQ(Query("SELECT MAX(version) FROM schema_migrations WHERE module = 'widgets'").scalar(**lease), 2);
}

TEST_P(StoreTest, BigIntegersRoundTrip) {
  ASSERT_TRUE(apply_migrations(*db_, widgets(), ""));
  auto lease = db_->lease();
  long long big = 1795497787474LL;  // a time in ms: does not fit in 32 bits
  Query("INSERT INTO widgets(name, at) VALUES(:n, :at)").bind("n", std::string("a")).bind("at", big).exec(**lease);
  EXPECT_EQ(Query("SELECT at FROM widgets").scalar(**lease), big);
}

TEST_P(StoreTest, TransactionRollsBackOnErrorAndOnThrow) {
  ASSERT_TRUE(apply_migrations(*db_, widgets(), ""));
  auto failed = db_->transaction<int>([](soci::session& s) -> Result<int> {
    Query("INSERT INTO widgets(name) VALUES(:n)").bind("n", std::string("half")).exec(s);
    return fail(Error::invalid("name", "no"));
  });
  EXPECT_FALSE(failed);
  auto thrown = db_->transaction<int>([](soci::session& s) -> Result<int> {
    Query("INSERT INTO widgets(name) VALUES(:n)").bind("n", std::string("dup")).exec(s);
    Query("INSERT INTO widgets(name) VALUES(:n)").bind("n", std::string("dup")).exec(s);  // unique violation
    return 1;
  });
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().status, 409);
  auto lease = db_->lease();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM widgets").scalar(**lease), 0);
}

TEST_P(StoreTest, NestedTransactionIsRefusedAtOnceAndTheOuterOneStillCommits) {
  // A service calling another service's transaction from inside its own stalled SQLite for the
  // busy timeout (10 s) and could hang PostgreSQL on the audit chain's lock; now it fails fast.
  ASSERT_TRUE(apply_migrations(*db_, widgets(), ""));
  auto started = std::chrono::steady_clock::now();
  auto outer = db_->transaction<int>([&](soci::session& s) -> Result<int> {
    Query("INSERT INTO widgets(name) VALUES(:n)").bind("n", std::string("outer")).exec(s);
    auto inner = db_->transaction<int>([](soci::session&) -> Result<int> { return 1; });
    EXPECT_FALSE(inner);
    if (!inner) { EXPECT_EQ(inner.error().code, "nested_transaction"); }
    return 2;
  });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ASSERT_TRUE(outer);
  // Sequential transactions on the same thread are not nested.
  auto next = db_->transaction<int>([](soci::session& s) -> Result<int> {
    return static_cast<int>(Query("SELECT COUNT(*) FROM widgets WHERE name = 'outer'").scalar(s).value_or(-1));
  });
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(*next, 1);
}
TEST_P(StoreTest, TextIsStoredAsGivenIncludingSqlMetacharacters) {
  ASSERT_TRUE(apply_migrations(*db_, widgets(), ""));
  std::string evil = "Robert'); DROP TABLE widgets; -- <script>alert(1)</script> ñ";
  auto lease = db_->lease();
  Query("INSERT INTO widgets(name) VALUES(:n)").bind("n", evil).exec(**lease);
  std::string back;
  Query("SELECT name FROM widgets").each(**lease, [&](const soci::row& r) { back = get_str(r, 0); });
  EXPECT_EQ(back, evil);
}

TEST_P(StoreTest, PoolCountsLeasesAndTimesOutWhenExhausted) {
  EXPECT_EQ(db_->pool_size(), 3u);
  // Three threads hold the three sessions; a fourth thread waits, then gets 503.
  std::mutex mu;
  std::condition_variable cv;
  int holding = 0;
  bool done = false;
  std::vector<std::thread> holders;
  for (int i = 0; i < 3; ++i)
    holders.emplace_back([&] {
      auto l = db_->lease();
      std::unique_lock lock(mu);
      holding += l ? 1 : 0;
      cv.notify_all();
      cv.wait(lock, [&] { return done; });
    });
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return holding == 3; }));
  }
  EXPECT_EQ(db_->in_use(), 3u);
  auto d = db_->lease(std::chrono::milliseconds(50));
  EXPECT_FALSE(d);
  if (!d) {
    EXPECT_EQ(d.error().status, 503);
  }
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  for (auto& t : holders) t.join();
  EXPECT_EQ(db_->in_use(), 0u);
}

TEST_P(StoreTest, ALeaseInsideALeaseOnTheSameThreadSharesTheSessionAndSeesItsUncommittedWrites) {
  // An adapter reading another module's data inside a transaction: same session, no second slot.
  ASSERT_TRUE(apply_migrations(*db_, widgets(), ""));
  auto r = db_->transaction<long long>([&](soci::session& s) -> Result<long long> {
    Query("INSERT INTO widgets(name) VALUES(:n)").bind("n", std::string("pending")).exec(s);
    auto inner = db_->lease(std::chrono::milliseconds(50));
    if (!inner) return fail(inner.error());
    EXPECT_EQ(&**inner, &s);
    EXPECT_EQ(db_->in_use(), 1u);
    return Query("SELECT COUNT(*) FROM widgets WHERE name = 'pending'").scalar(**inner).value_or(-1);
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(db_->in_use(), 0u);
  // The inner lease's end did not return the outer's session: a following lease works normally.
  auto again = db_->lease();
  ASSERT_TRUE(again);
  EXPECT_EQ(db_->in_use(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(testing::backends()));

TEST(StoreOpen, CreatesMissingFolderForSqlite) {
  std::string dir = testing::temp_dir() + "/a/b/c";
  auto db = Database::open({"sqlite:" + dir + "/x.db", 1});
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir + "/x.db"));
}

// Commits no longer copy the WAL into the database file (that stalled whichever request crossed
// the threshold); the background checkpointer must, or the WAL would grow for the life of the server.
TEST(StoreOpen, SqliteWalIsCheckpointedInTheBackground) {
  std::string file = testing::temp_dir() + "/wal.db";
  auto db = Database::open({"sqlite:" + file, 1});
  ASSERT_TRUE(db) << db.error().message;
  auto made = (*db)->transaction<void>([](soci::session& s) -> Result<void> {
    s << "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";
    std::string body(4000, 'x');
    for (int i = 0; i < 500; ++i) s << "INSERT INTO blobs(body) VALUES(:b)", soci::use(body);
    return {};
  });
  ASSERT_TRUE(made) << made.error().message;
  const auto before = std::filesystem::file_size(file);
  EXPECT_LT(before, 100'000u) << "the commit itself copied the WAL into the file";
  // Polled, not timed: the checkpointer runs every second.
  bool copied = false;
  for (int i = 0; i < 200 && !copied; ++i) {
    copied = std::filesystem::file_size(file) > 1'500'000;
    if (!copied) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(copied) << "database file still " << std::filesystem::file_size(file) << " bytes";
}

TEST(StoreOpen, RejectsUnknownScheme) {
  auto db = Database::open({"mysql://x", 1});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().field, "db");
}

TEST(StoreOpen, UnreachablePostgresGivesClearErrorAfterRetries) {
  Options o{"postgresql://equidad:secret@127.0.0.1:1/nothing", 1, 2, std::chrono::milliseconds(10)};
  auto db = Database::open(o);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().status, 503);
  EXPECT_NE(db.error().message.find("No se pudo conectar"), std::string::npos);
  EXPECT_EQ(db.error().message.find("secret"), std::string::npos) << "password must not leak";
}

TEST(PostgresKeywords, ConvertsUrlWithEscapesAndOptions) {
  auto kw = postgres_keywords("postgresql://us%40r:p%27w@db.example:6543/equidad?sslmode=require");
  ASSERT_TRUE(kw);
  EXPECT_EQ(*kw, "host='db.example' port='6543' user='us@r' password='p\\'w' dbname='equidad' sslmode='require' connect_timeout='5'");
}

}  // namespace
}  // namespace eq::store

namespace eq::store {
namespace {

// The SQLite file holds victims' data: owner-only, whatever the umask, and also when it already
// existed world-readable (a database from an older version); its -wal and -shm follow.
TEST(StoreFileModes, SqliteFileWalAndShmAreOwnerOnly) {
  namespace fs = std::filesystem;
  const mode_t old_mask = ::umask(022);
  const std::string dir = testing::temp_dir();
  fs::create_directories(dir);
  const std::string path = dir + "/modes.db";
  {
    std::ofstream(path).flush();
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
    auto db = Database::open({"sqlite:" + path, 2});
    ASSERT_TRUE(db) << db.error().message;
    auto lease = (*db)->lease();
    **lease << "CREATE TABLE t (x INTEGER)";
    **lease << "INSERT INTO t VALUES (1)";
    const auto owner_rw = fs::perms::owner_read | fs::perms::owner_write;
    for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
      ASSERT_TRUE(fs::exists(f)) << f;
      EXPECT_EQ(fs::status(f).permissions() & fs::perms::all, owner_rw) << f;
    }
  }
  const std::string fresh = dir + "/fresh.db";
  auto db = Database::open({"sqlite:" + fresh, 1});
  ASSERT_TRUE(db);
  EXPECT_EQ(fs::status(fresh).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  ::umask(old_mask);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eq::store
