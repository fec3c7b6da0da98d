// The channels' statistics over time (channels/history.h) on SQLite and PostgreSQL: the seeded
// demo history, written in multi-row batches, is COUNTED back into the seed's figures (Cuenta
// Pública 2020–2021, Plan de Emergencia COVID-19); a second load writes nothing; live contacts are
// counted with it; the pharmacy's requests come from its source; largest-remainder allocation.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "audit/log.h"
#include "channels/history.h"
#include "channels/module.h"
#include "core/time.h"
#include "store/query.h"
#include "../support/databases.h"

using namespace eq;
using namespace eq::channels;

namespace {

TEST(ChannelsHistoryAllocate, SumsExactlyAndFollowsTheWeights) {
  const auto a = allocate(10, {1, 1, 1});
  EXPECT_EQ(std::accumulate(a.begin(), a.end(), int64_t{0}), 10);
  EXPECT_EQ(a, (std::vector<int64_t>{4, 3, 3}));  // the remainder to the earliest on a tie
  const auto b = allocate(126'645, std::vector<double>(366, 1.0));
  EXPECT_EQ(std::accumulate(b.begin(), b.end(), int64_t{0}), 126'645);
  EXPECT_EQ(allocate(5, {0, 2, 0}), (std::vector<int64_t>{0, 5, 0}));
  EXPECT_EQ(allocate(0, {1, 2}), (std::vector<int64_t>{0, 0}));
}

TEST(ChannelsHistoryGenerate, DeterministicAndWithinItsSpan) {
  const auto a = generate_history();
  const auto b = generate_history();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_GT(a.size(), 200'000u);
  EXPECT_LT(a.size(), 260'000u);
  const int64_t from = *parse_date_cl("01-01-2019", "d"), to = *parse_date_cl("01-05-2021", "d");
  for (size_t i = 0; i < a.size(); i += 997) {
    EXPECT_EQ(a[i].at, b[i].at);
    EXPECT_STREQ(a[i].region, b[i].region);
    EXPECT_GE(a[i].at, from);
    EXPECT_LT(a[i].at, to);
  }
}

class ChannelsHistory : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::vector<store::Migration> schema = audit::migrations();
    const auto channels = migrations();
    schema.insert(schema.end(), channels.begin(), channels.end());
    auto db = eq::testing::migrated_database(GetParam(), schema);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
    log_ = std::make_unique<audit::Log>(*db_);
    HistorySources sources;
    // A pharmacy module that counted three requests in region 02 in May 2020.
    sources.pharmacy_requests = [](int64_t from, int64_t to) -> Result<std::map<std::string, int64_t>> {
      const int64_t may = *parse_date_cl("10-05-2020", "d");
      if (from <= may && may < to) return std::map<std::string, int64_t>{{"02", 3}};
      return std::map<std::string, int64_t>{};
    };
    sources.regions = [] { return std::vector<std::pair<std::string, std::string>>{{"02", "Antofagasta"}, {"13", "Metropolitana"}}; };
    history_ = std::make_unique<History>(*db_, *log_, sources);
    req_.principal = http::Principal{};
    req_.principal->user_id = 1;
    req_.principal->institution_id = 1;
  }
  int64_t count(const std::string& sql) {
    auto lease = db_->lease();
    return store::Query(sql).scalar(**lease).value_or(-1);
  }

  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::Log> log_;
  std::unique_ptr<History> history_;
  http::Request req_;
};

TEST_P(ChannelsHistory, CountsGiveTheSeedFiguresBack) {
  auto wanted = history_->want_demo();
  ASSERT_TRUE(wanted) << wanted.error().message;
  EXPECT_TRUE(*wanted);
  EXPECT_EQ(history_->status(), "computing");
  auto computing = history_->statistics(req_, 2019, 2021, 2020);
  ASSERT_TRUE(computing);
  EXPECT_EQ((*computing)["status"], "computing");

  auto rows = history_->load_demo();
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(*rows, static_cast<int64_t>(generate_history().size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM channels_history"), *rows);
  auto again = history_->load_demo();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0) << "the history is written only when absent";

  auto s = history_->statistics(req_, 2019, 2021, 2020);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)["status"], "ready");
  EXPECT_EQ((*s)["demo"], true);
  for (const auto& f : (*s)["seed"]) {
    const std::string key = f["key"];
    if (key == "pharmacy_2020") continue;  // from the pharmacy module (here: 3)
    ASSERT_FALSE(f["computed"].is_null()) << key;
    EXPECT_DOUBLE_EQ(f["computed"].get<double>(), seed_value(key)) << key;
    EXPECT_TRUE(f["agrees"].get<bool>()) << key;
  }
  // The seed's figures as the spec writes them, not only through seed_value().
  const auto year = [&](int y) {
    for (const auto& x : (*s)["years"])
      if (x["year"] == y) return x["counts"];
    return nlohmann::json();
  };
  EXPECT_EQ(year(2020)["phone"], 126'645);
  EXPECT_EQ(year(2019)["phone"], 50'841);  // 126.645 / 2,491, rounded
  EXPECT_EQ(year(2020)["chat"], 6'652);
  EXPECT_EQ(year(2020)["pharmacy"], 3);
  for (const auto& v : (*s)["variation"]) {
    if (v["channel"] != "phone" || v["year"] != 2020) continue;
    EXPECT_DOUBLE_EQ(v["pct"].get<double>(), 149.1);
  }
  bool whatsapp = false;
  for (const auto& f : (*s)["first_years"]) {
    if (f["channel"] != "whatsapp") continue;
    whatsapp = true;
    EXPECT_EQ(f["total"], 18'923);
    EXPECT_EQ(f["peak_month"], "2020-05");
    EXPECT_EQ(f["peak"], 4'656);
  }
  EXPECT_TRUE(whatsapp);
  // Region 02's three pharmacy requests: a small cell, hidden.
  for (const auto& r : (*s)["regions"]) {
    if (r["id"] != "02") continue;
    EXPECT_TRUE(r["counts"]["pharmacy"].is_null());
    EXPECT_EQ(r["suppressed"], nlohmann::json::array({"pharmacy"}));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'channels.statistics_read'"), 1);
}

TEST_P(ChannelsHistory, LiveContactsAreCountedWithTheHistory) {
  const int64_t at = *parse_date_cl("15-06-2020", "d") + 12 * 3'600'000LL;
  {
    auto lease = db_->lease();
    store::Query(
        "INSERT INTO channels_contacts (channel, external_ref, state, urgent, priority, comuna_code, created_at, outcome) "
        "VALUES ('whatsapp', 'x-1', 'closed', 0, 0, '13101', :a, 'orientacion')")
        .bind("a", static_cast<long long>(at))
        .exec(**lease);
    store::Query(
        "INSERT INTO channels_contacts (channel, external_ref, state, urgent, priority, created_at) "
        "VALUES ('phone', 'x-2', 'abandoned', 0, 0, :a)")
        .bind("a", static_cast<long long>(at))
        .exec(**lease);
  }
  auto s = history_->statistics(req_, 2020, 2020, 2020);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ((*s)["demo"], false);
  for (const auto& m : (*s)["months"]) {
    const bool june = m["month"] == "2020-06";
    EXPECT_EQ(m["counts"]["whatsapp"], june ? 1 : 0) << m["month"];
    EXPECT_EQ(m["counts"]["phone"], june ? 1 : 0) << m["month"];
  }
  std::set<std::string> outcomes;
  for (const auto& o : (*s)["outcomes"]) outcomes.insert(o["id"].get<std::string>());
  EXPECT_EQ(outcomes, (std::set<std::string>{"orientacion", "abandonada"}));
}

TEST_P(ChannelsHistory, CachedHistoryCountsFollowTheHistoryAndTheLiveContacts) {
  const int64_t at = *parse_date_cl("15-03-2020", "d") + 12 * 3'600'000LL;
  auto insert = [&](const std::string& sql) {
    auto lease = db_->lease();
    store::Query(sql).bind("a", static_cast<long long>(at)).exec(**lease);
  };
  auto march = [&](const nlohmann::json& s, const std::string& ch) -> int64_t {
    for (const auto& m : s["months"])
      if (m["month"] == "2020-03") return m["counts"][ch].get<int64_t>();
    return -1;
  };
  insert("INSERT INTO channels_history (at, channel, region, outcome) VALUES (:a, 'phone', '13', 'orientacion')");
  auto first = history_->statistics(req_, 2020, 2020, 2020);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(march(*first, "phone"), 1);
  // A second request with nothing changed: the same numbers (from the cache).
  auto same = history_->statistics(req_, 2020, 2020, 2020);
  ASSERT_TRUE(same);
  EXPECT_EQ((*same)["months"], (*first)["months"]);
  EXPECT_EQ((*same)["first_years"], (*first)["first_years"]);
  // The history changed: its new version is counted, not the cached one.
  insert("INSERT INTO channels_history (at, channel, region, outcome) VALUES (:a, 'phone', '13', 'derivacion')");
  auto more = history_->statistics(req_, 2020, 2020, 2020);
  ASSERT_TRUE(more);
  EXPECT_EQ(march(*more, "phone"), 2);
  // A live contact is counted at once (live contacts are never cached).
  insert("INSERT INTO channels_contacts (channel, external_ref, state, urgent, priority, created_at) VALUES ('chat', 'x-9', 'closed', 0, 0, :a)");
  auto live = history_->statistics(req_, 2020, 2020, 2020);
  ASSERT_TRUE(live);
  EXPECT_EQ(march(*live, "phone"), 2);
  EXPECT_EQ(march(*live, "chat"), 1);
  // Another span of years is counted for itself.
  auto two = history_->statistics(req_, 2019, 2020, 2020);
  ASSERT_TRUE(two);
  EXPECT_EQ(march(*two, "phone"), 2);
  EXPECT_EQ((*two)["months"].size(), 24u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ChannelsHistory, ::testing::ValuesIn(eq::testing::backends()));

}  // namespace
