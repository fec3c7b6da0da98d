// The queue's pure rules (channels/queue.h), the opening hours, the short risk screen, the
// webhook signature and the demo's figures against the seed.
#include <gtest/gtest.h>

#include "channels/module.h"
#include "channels/queue.h"
#include "core/time.h"

namespace eq::channels {
int64_t seed_calls_2020();
int64_t seed_calls_per_day_2020();
int64_t demo_contacts_per_day();
}  // namespace eq::channels

using namespace eq::channels;

namespace {
Seat seat(int64_t id, std::vector<std::string> skills = {"phone", "chat"}, int max_chats = 3) {
  Seat s;
  s.user_id = id;
  s.available = true;
  s.skills = std::move(skills);
  s.max_chats = max_chats;
  return s;
}
}  // namespace

TEST(ChannelsQueue, UrgentFirstThenRiskThenWaitingTime) {
  std::vector<Waiting> w = {{1, "phone", 0, 100, {}}, {2, "chat", 2, 300, {}}, {3, "phone", 1, 200, {}}, {4, "phone", 0, 50, {}}};
  std::sort(w.begin(), w.end(), queue_before);
  EXPECT_EQ(w[0].id, 2);
  EXPECT_EQ(w[1].id, 3);
  EXPECT_EQ(w[2].id, 4);
  EXPECT_EQ(w[3].id, 1);
}

TEST(ChannelsQueue, ACallTakesAWholeOperatorAndChatsShareOne) {
  Seat s = seat(1);
  EXPECT_TRUE(can_take(s, "phone"));
  s.chats = 1;
  EXPECT_FALSE(can_take(s, "phone")) << "an operator with a chat gets no call";
  EXPECT_TRUE(can_take(s, "chat"));
  s.chats = 3;
  EXPECT_FALSE(can_take(s, "chat")) << "max_chats reached";
  Seat t = seat(2);
  t.calls = 1;
  EXPECT_FALSE(can_take(t, "chat")) << "an operator on a call gets no chats";
  EXPECT_FALSE(can_take(seat(3, {"chat"}), "phone")) << "skills";
  Seat away = seat(4);
  away.available = false;
  EXPECT_FALSE(can_take(away, "chat"));
}

TEST(ChannelsQueue, OffersOneContactToOneOperatorRespectingCapacity) {
  std::vector<Seat> seats = {seat(10), seat(11, {"chat"}, 2)};
  std::vector<Waiting> w = {{1, "phone", 0, 1, {}}, {2, "phone", 0, 2, {}}, {3, "chat", 0, 3, {}}, {4, "chat", 0, 4, {}},
                            {5, "chat", 0, 5, {}}};
  auto offers = plan_offers(w, seats);
  // 10 takes the first call (and then nothing else); 11 takes two chats; the rest waits.
  ASSERT_EQ(offers.size(), 3u);
  EXPECT_EQ(offers[0], std::make_pair(int64_t{1}, int64_t{10}));
  EXPECT_EQ(offers[1], std::make_pair(int64_t{3}, int64_t{11}));
  EXPECT_EQ(offers[2], std::make_pair(int64_t{4}, int64_t{11}));
}

TEST(ChannelsQueue, ReOfferedToSomeoneElseWhenAnotherIsFree) {
  std::vector<Seat> seats = {seat(10), seat(11)};
  auto offers = plan_offers({{1, "phone", 0, 1, int64_t{10}}}, seats);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].second, 11);
  std::vector<Seat> alone = {seat(10)};
  offers = plan_offers({{1, "phone", 0, 1, int64_t{10}}}, alone);
  ASSERT_EQ(offers.size(), 1u) << "offered again to her when nobody else is free";
  EXPECT_EQ(offers[0].second, 10);
}

TEST(ChannelsQueue, LeastLoadedOperatorGetsTheChat) {
  std::vector<Seat> seats = {seat(10), seat(11)};
  seats[0].chats = 2;
  auto offers = plan_offers({{1, "chat", 0, 1, {}}}, seats);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].second, 11);
}

TEST(ChannelsHours, TheLinesHoursInSantiago) {
  auto h = Hours::parse("1-5 08:00-24:00");
  ASSERT_TRUE(h);
  // Monday 7 December 2026, 10:00 in Santiago (UTC-3 in summer) = 13:00 UTC.
  auto monday10 = eq::parse_iso8601("2026-12-07T10:00:00-03:00", "t");
  ASSERT_TRUE(monday10);
  EXPECT_TRUE(h->open_at(*monday10));
  EXPECT_FALSE(h->open_at(*monday10 - 3 * 3'600'000LL)) << "07:00 is before opening";
  EXPECT_TRUE(h->open_at(*monday10 + 13 * 3'600'000LL + 59 * 60'000LL)) << "23:59 still open";
  EXPECT_FALSE(h->open_at(*monday10 - 2 * 86'400'000LL)) << "Saturday";
  EXPECT_NE(h->message.find("133"), std::string::npos);
  EXPECT_EQ(h->describe(), "lunes a viernes, de 08:00 a 24:00 horas");
  EXPECT_TRUE(Hours::parse("24/7")->open_at(*monday10 - 2 * 86'400'000LL));
  for (const char* bad : {"", "1-8 08:00-24:00", "5-1 08:00-20:00", "1-5 20:00-08:00", "1-5 08:00-24:00 x", "siempre"})
    EXPECT_FALSE(Hours::parse(bad)) << bad;
}

TEST(ChannelsRiskScreen, OneGraveAnswerIsVital) {
  EXPECT_EQ(screen_level({}), "bajo");
  EXPECT_EQ(screen_level({"ninos_riesgo"}), "medio");
  EXPECT_EQ(screen_level({"lesiones", "violencia_aumento"}), "alto");
  EXPECT_EQ(screen_level({"agresor_presente"}), "vital");
}

TEST(ChannelsWebhook, SignatureOverTimeAndRawBody) {
  const std::string secret = "0123456789abcdef0123456789abcdef";
  const std::string body = R"({"event_id":"e1","call_id":"c1","type":"ringing","at":1})";
  const int64_t now = 1'800'000'000'000;
  const auto header = sign(secret, now, body);
  EXPECT_TRUE(verify_signature(secret, header, body, now, 300'000));
  EXPECT_FALSE(verify_signature(secret, header, body + " ", now, 300'000)) << "body changed";
  EXPECT_FALSE(verify_signature(secret + "x", header, body, now, 300'000)) << "other secret";
  EXPECT_FALSE(verify_signature(secret, header, body, now + 600'000, 300'000)) << "too old";
  EXPECT_FALSE(verify_signature(secret, "", body, now, 300'000));
  EXPECT_FALSE(verify_signature(secret, "t=x,v1=00", body, now, 300'000));
  EXPECT_EQ(verify_signature(secret, "v1=00", body, now, 300'000).error().status, 401);
}

TEST(ChannelsDemo, DailyVolumeComesFromTheSeedFigure) {
  // Cuenta Pública 2020–2021: "Durante el 2020 se recibieron 126.645 llamadas" (2020 had 366 days).
  EXPECT_EQ(seed_calls_2020(), 126645);
  EXPECT_EQ(seed_calls_per_day_2020(), 346);
  EXPECT_EQ(demo_contacts_per_day(), 34);
}
