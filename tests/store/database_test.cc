#include "store/database.h"

#include <gtest/gtest.h>

#include <filesystem>
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
  {
    auto a = db_->lease();
    auto b = db_->lease();
    auto c = db_->lease();
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(db_->in_use(), 3u);
    auto d = db_->lease(std::chrono::milliseconds(50));
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().status, 503);
  }
  EXPECT_EQ(db_->in_use(), 0u);
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
