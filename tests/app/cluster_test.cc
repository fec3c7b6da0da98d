// Several instances on one PostgreSQL (app/cluster.h): the NOTIFY payloads stay under PostgreSQL's
// limit and come back whole (large messages in parts, UTF-8 never cut), an instance skips its own
// messages; and on a real PostgreSQL exactly one of two clusters owns the lock, the other takes it
// over when the owner's connection ends, and messages cross between them.
#include "app/cluster.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "store/database.h"
#include "../support/databases.h"

namespace eq::app {
namespace {

struct Got {
  std::mutex mu;
  std::vector<std::tuple<std::string, std::string, std::string>> messages;
  std::vector<std::string> words;
};

Cluster receiver(const std::string& instance, Got& got) {
  ClusterOptions o;
  o.instance = instance;
  return Cluster(
      o, nullptr,
      [&got](const std::string& h, const std::string& t, const std::string& m) {
        std::lock_guard lock(got.mu);
        got.messages.emplace_back(h, t, m);
      },
      [&got](const std::string& w) {
        std::lock_guard lock(got.mu);
        got.words.push_back(w);
      });
}

TEST(ClusterPack, SmallMessagesArePackedUnderTheLimitAndArriveInOrder) {
  std::deque<Cluster::Message> q;
  for (int i = 0; i < 500; ++i) q.push_back({"monitoring", "position", "{\"type\":\"position\",\"n\":" + std::to_string(i) + ",\"t\":\"ñandú \\\"x\\\"\"}"});
  uint64_t seq = 0;
  auto payloads = Cluster::pack("a", q, 7600, seq);
  EXPECT_TRUE(q.empty());
  EXPECT_LT(payloads.size(), 50u);  // packed, not one each
  Got got;
  auto b = receiver("b", got);
  for (const auto& p : payloads) {
    EXPECT_LT(p.size(), 7600u);
    b.deliver(p);
  }
  ASSERT_EQ(got.messages.size(), 500u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(std::get<0>(got.messages[i]), "monitoring");
    EXPECT_EQ(std::get<2>(got.messages[i]), "{\"type\":\"position\",\"n\":" + std::to_string(i) + ",\"t\":\"ñandú \\\"x\\\"\"}");
  }
}

TEST(ClusterPack, ALargeMessageGoesInPartsAndIsPutBackTogether) {
  // 40 kB of multi-byte characters, quotes and control characters (escaped up to six times longer).
  std::string big;
  for (int i = 0; i < 4000; ++i) big += i % 3 ? "ñá\"" : std::string("\x01\n\xe2\x82\xac", 5);
  std::deque<Cluster::Message> q = {{"chat", "chat:abc", "antes"}, {"chat", "chat:abc", big}, {"chat", "chat:abc", "después"}};
  uint64_t seq = 0;
  auto payloads = Cluster::pack("a", q, 7600, seq);
  EXPECT_GT(payloads.size(), 4u);
  Got got;
  auto b = receiver("b", got);
  for (const auto& p : payloads) {
    EXPECT_LT(p.size(), 7600u);
    b.deliver(p);
  }
  ASSERT_EQ(got.messages.size(), 3u);
  EXPECT_EQ(std::get<2>(got.messages[0]), "antes");
  EXPECT_EQ(std::get<2>(got.messages[1]), big);
  EXPECT_EQ(std::get<2>(got.messages[2]), "después");
}

TEST(ClusterPack, AnInstanceSkipsItsOwnMessagesAndReadsControlWords) {
  std::deque<Cluster::Message> q = {{"monitoring", "incident", "{}"}, {"", "", "monitoring.reload"}};
  uint64_t seq = 0;
  auto payloads = Cluster::pack("a", q, 7600, seq);
  Got mine, theirs;
  auto a = receiver("a", mine);
  auto b = receiver("b", theirs);
  for (const auto& p : payloads) {
    a.deliver(p);
    b.deliver(p);
  }
  EXPECT_TRUE(mine.messages.empty());
  EXPECT_TRUE(mine.words.empty());
  EXPECT_EQ(theirs.messages.size(), 1u);
  ASSERT_EQ(theirs.words.size(), 1u);
  EXPECT_EQ(theirs.words[0], "monitoring.reload");
}

template <class F>
bool eventually(F f, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return f();
}

TEST(ClusterPostgres, OneOwnerTakeOverAndMessagesBetweenInstances) {
  if (!testing::pg_base_url()) GTEST_SKIP() << "EQ_TEST_PG_URL not set";
  const auto conninfo = *store::postgres_keywords(testing::pg_base_url());
  // A lock key and channel of this test run: test processes share the database.
  const int64_t key = 900'000'000 + ::getpid();
  const std::string channel = "equidad_test_" + std::to_string(::getpid());
  auto make = [&](const std::string& name, std::atomic<int>& owner_calls, Got& got) {
    ClusterOptions o;
    o.conninfo = conninfo;
    o.instance = name;
    o.lock_key = key;
    o.channel = channel;
    o.retry = std::chrono::milliseconds(200);
    return std::make_unique<Cluster>(
        o, [&owner_calls](bool owner) { owner_calls += owner ? 1 : 0; return true; },
        [&got](const std::string& h, const std::string& t, const std::string& m) {
          std::lock_guard lock(got.mu);
          got.messages.emplace_back(h, t, m);
        },
        nullptr);
  };
  std::atomic<int> a_owner{0}, b_owner{0};
  Got a_got, b_got;
  auto a = make("a", a_owner, a_got);
  a->start();
  ASSERT_TRUE(eventually([&] { return a->owner(); }, std::chrono::seconds(5)));
  auto b = make("b", b_owner, b_got);
  b->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // several tries of b
  EXPECT_TRUE(a->owner());
  EXPECT_FALSE(b->owner());
  EXPECT_EQ(a_owner.load(), 1);
  EXPECT_EQ(b_owner.load(), 0);

  // Both ways, a large message included.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both listeners are connected
  const std::string big(20'000, 'x');
  a->publish("monitoring", "incident", "{\"id\":1}");
  a->publish("chat", "chat:r", big);
  b->publish("channels", "queue", "[]");
  ASSERT_TRUE(eventually([&] { std::lock_guard l(b_got.mu); return b_got.messages.size() == 2; }, std::chrono::seconds(5)));
  ASSERT_TRUE(eventually([&] { std::lock_guard l(a_got.mu); return a_got.messages.size() == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(std::get<2>(b_got.messages[1]), big);
  EXPECT_EQ(std::get<0>(a_got.messages[0]), "channels");

  // The owner goes (its connection closes, as with kill -9): b takes over.
  const auto t0 = std::chrono::steady_clock::now();
  a.reset();
  ASSERT_TRUE(eventually([&] { return b->owner(); }, std::chrono::seconds(5)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_EQ(b_owner.load(), 1);
  b->stop();
}

}  // namespace
}  // namespace eq::app
