// The retention purge (dataprotection/retention.h) on SQLite and PostgreSQL: held records and the
// records of a held person are kept and counted, released they go on the next run; the preview
// counts what the run then deletes; a second run while one is under way is refused (409) — made
// deterministic by a kind that waits inside its purge; the daily job runs once a day; a run left
// "running" by a stopped server does not block the next one.
#include <gtest/gtest.h>

#include <future>
#include <map>
#include <thread>

#include "../support/databases.h"
#include "audit/log.h"
#include "core/time.h"
#include "dataprotection/holds.h"
#include "dataprotection/module.h"
#include "dataprotection/retention.h"
#include "store/query.h"
#include "store/with_session.h"

namespace eq::dataprotection {
namespace {

// A module's records: id → (end time, person ids). Past `days`, a record is due.
struct FakeModule {
  std::map<std::string, std::pair<int64_t, std::vector<int64_t>>> records;
  int days = 30;
  Result<PurgeTally> purge(int64_t now, const PurgeHeld& held, bool dry) {
    PurgeTally t;
    for (auto it = records.begin(); it != records.end();) {
      if (it->second.first >= now - days * 86'400'000LL) {
        ++it;
        continue;
      }
      if (held(it->first, it->second.second)) {
        ++t.held;
        ++it;
        continue;
      }
      ++t.due;
      if (dry) {
        ++it;
        continue;
      }
      ++t.purged;
      it = records.erase(it);
    }
    return t;
  }
};

class Purge : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    auto all = audit::migrations();
    for (auto& m : migrations()) all.push_back(std::move(m));
    auto db = eq::testing::migrated_database(GetParam(), all);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    log_ = std::make_unique<audit::Log>(*db_);
    keys_ = std::make_unique<crypto::Keys>(crypto::Keys::from_master(std::string(32, 'k')));
    svc_ = std::make_unique<Service>(*db_, *keys_, *log_, PersonalDataSources{}, Inventory{});
  }

  Retention kind(FakeModule& m) {
    return {{"fake", "records", "Registros de prueba", m.days, "desde su fin", "Prueba", false, "", "--fake-days"},
            [&m](int64_t now, const PurgeHeld& h) { return m.purge(now, h, true); },
            [&m](int64_t now, const PurgeHeld& h) { return m.purge(now, h, false); }};
  }

  int64_t hold(const std::string& person, const std::string& record) {
    Hold h;
    h.person_id = person;
    if (person.empty()) {
      h.module = "fake";
      h.kind = "records";
      h.record_id = record;
    }
    h.reason = "Oficio de prueba";
    h.from_on = today_cl(now_ms());
    auto id = db_->transaction<int64_t>([&](soci::session& s) -> Result<int64_t> { return insert_hold(s, h); });
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }

  std::vector<PurgeRun> runs() {
    auto r = store::with_session<std::vector<PurgeRun>>(*db_, [](soci::session& s) -> Result<std::vector<PurgeRun>> { return list_runs(s, 100); });
    EXPECT_TRUE(r);
    return r ? *r : std::vector<PurgeRun>{};
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<crypto::Keys> keys_;
  std::unique_ptr<Service> svc_;
};

TEST_P(Purge, HeldRecordsAndHeldPersonsAreKeptThenPurgedOnceReleased) {
  const int64_t now = now_ms(), old = now - 40 * 86'400'000LL;
  FakeModule m;
  m.records = {{"1", {old, {}}}, {"2", {old, {}}}, {"3", {old, {7}}}, {"4", {now, {}}}};
  svc_->set_retention({kind(m)});
  const int64_t on_record = hold("", "2");
  const int64_t on_person = hold("7", "");

  auto pv = purge_preview(*svc_, now);
  ASSERT_TRUE(pv) << pv.error().message;
  ASSERT_EQ(pv->size(), 1u);
  EXPECT_EQ((*pv)[0].tally.due, 1);
  EXPECT_EQ((*pv)[0].tally.held, 2);
  EXPECT_EQ((*pv)[0].holds, (std::vector<int64_t>{on_record, on_person}));
  EXPECT_EQ(m.records.size(), 4u);  // a dry run deletes nothing

  auto run = run_purge(*svc_, nullptr, now);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "done");
  EXPECT_EQ(run->purged, (*pv)[0].tally.due);
  EXPECT_EQ(run->held, 2);
  EXPECT_EQ(m.records.count("1"), 0u);
  EXPECT_EQ(m.records.size(), 3u);

  // The record as stored, and its audit entry.
  auto stored = runs();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, "done");
  EXPECT_EQ(stored[0].trigger, "job");
  ASSERT_EQ(stored[0].kinds.size(), 1u);
  EXPECT_EQ(stored[0].kinds[0].tally.purged, 1);
  EXPECT_EQ(stored[0].kinds[0].tally.held, 2);
  EXPECT_EQ(stored[0].kinds[0].kind.label, "Registros de prueba");
  auto audited = store::with_session<int64_t>(*db_, [&](soci::session& s) -> Result<int64_t> {
    return *store::Query("SELECT COUNT(*) FROM audit_log WHERE action = 'dataprotection.purge_run' AND object = :o")
                .bind("o", "dataprotection_purge_run:" + std::to_string(stored[0].id))
                .scalar(s);
  });
  ASSERT_TRUE(audited) << audited.error().message;
  EXPECT_EQ(*audited, 1);

  // Released: the next run deletes what they kept.
  ASSERT_TRUE(db_->transaction<bool>([&](soci::session& s) -> Result<bool> {
    release_hold(s, on_record, now, 1);
    release_hold(s, on_person, now, 1);
    return true;
  }));
  auto again = run_purge(*svc_, nullptr, now + 1000);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->purged, 2);
  EXPECT_EQ(again->held, 0);
  EXPECT_EQ(m.records.size(), 1u);  // only the recent one
}

TEST_P(Purge, ASecondRunWhileOneIsUnderWayIsRefused) {
  std::promise<void> entered, go_on;
  auto go = go_on.get_future().share();
  Retention slow{{"fake", "slow", "Lento", 1, "", "Prueba", false, "", ""},
                 [](int64_t, const PurgeHeld&) -> Result<PurgeTally> { return PurgeTally{}; },
                 [&entered, go](int64_t, const PurgeHeld&) -> Result<PurgeTally> {
                   entered.set_value();
                   go.wait();
                   return PurgeTally{};
                 }};
  svc_->set_retention({slow});
  auto first = std::async(std::launch::async, [&] { return run_purge(*svc_, nullptr, now_ms()); });
  entered.get_future().wait();
  auto second = run_purge(*svc_, nullptr, now_ms());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().status, 409);
  EXPECT_EQ(second.error().code, "purge_running");
  go_on.set_value();
  auto done = first.get();
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->state, "done");
  EXPECT_EQ(runs().size(), 1u);  // the refused one left no record
  // Afterwards a run starts again (a new one, not blocked).
  svc_->set_retention({});
  ASSERT_TRUE(run_purge(*svc_, nullptr, now_ms()));
  EXPECT_EQ(runs().size(), 2u);
}

TEST_P(Purge, TheDailyJobRunsOnceADay) {
  FakeModule m;
  svc_->set_retention({kind(m)});
  const int64_t now = now_ms();
  ASSERT_TRUE(purge_job(*svc_, now));
  ASSERT_TRUE(purge_job(*svc_, now + 3'600'000));
  EXPECT_EQ(runs().size(), 1u);
  ASSERT_TRUE(purge_job(*svc_, now + 25 * 3'600'000LL));
  EXPECT_EQ(runs().size(), 2u);
}

TEST_P(Purge, ARunLeftRunningByAStoppedServerDoesNotBlockTheNext) {
  const int64_t now = now_ms();
  ASSERT_TRUE(db_->transaction<bool>([&](soci::session& s) -> Result<bool> {
    return start_run(s, "job", 0, now - 2 * 3'600'000LL).has_value();
  }));
  svc_->set_retention({});
  auto run = run_purge(*svc_, nullptr, now);
  ASSERT_TRUE(run) << run.error().message;
  auto all = runs();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].state, "failed");  // the stale one, closed
  EXPECT_EQ(all[0].state, "done");
}

TEST_P(Purge, AKindThatFailsIsRecordedAndTheOthersStillRun) {
  FakeModule m;
  m.records = {{"1", {now_ms() - 40 * 86'400'000LL, {}}}};
  Retention broken{{"fake", "broken", "Roto", 1, "", "Prueba", false, "", ""},
                   [](int64_t, const PurgeHeld&) -> Result<PurgeTally> { return fail(Error::unavailable("El módulo no está activo.")); },
                   [](int64_t, const PurgeHeld&) -> Result<PurgeTally> { return fail(Error::unavailable("El módulo no está activo.")); }};
  svc_->set_retention({broken, kind(m)});
  auto run = run_purge(*svc_, nullptr, now_ms());
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->state, "failed");
  EXPECT_EQ(run->kinds[0].error, "El módulo no está activo.");
  EXPECT_EQ(run->kinds[1].tally.purged, 1);
  EXPECT_TRUE(m.records.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, Purge, ::testing::ValuesIn(eq::testing::backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace eq::dataprotection
