// Meta's per-number throughput as the outbox applies it (whatsapp::SendLimits): a bucket of one
// second's worth at `rate` a second, per phone number id, and the pause a 429 asks for; and the
// attempt id echoed back in a status (biz_opaque_callback_data) read from Meta's payload.
#include <gtest/gtest.h>

#include "whatsapp/module.h"

using namespace eq::whatsapp;

TEST(WhatsappSendLimits, AtMostTheRateASecondPerNumber) {
  SendLimits limits(4);
  int64_t retry_at = 0;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limits.take("A", 1000, &retry_at)) << i;
  EXPECT_FALSE(limits.take("A", 1000, &retry_at));
  EXPECT_GT(retry_at, 1000);
  EXPECT_LE(retry_at, 1251);  // one token every 250 ms
  // Another number has its own bucket.
  EXPECT_TRUE(limits.take("B", 1000, &retry_at));
  // A quarter of a second later, exactly one more.
  EXPECT_TRUE(limits.take("A", 1250, &retry_at));
  EXPECT_FALSE(limits.take("A", 1250, &retry_at));
  // Idle for a minute: the bucket holds one second's worth, not sixty.
  int n = 0;
  while (limits.take("A", 61'250, &retry_at)) ++n;
  EXPECT_EQ(n, 4);
}

TEST(WhatsappSendLimits, APauseHoldsTheNumberUntilItEnds) {
  SendLimits limits(80);
  int64_t retry_at = 0;
  limits.pause("A", 5000);
  EXPECT_FALSE(limits.take("A", 1000, &retry_at));
  EXPECT_EQ(retry_at, 5000);
  EXPECT_TRUE(limits.take("B", 1000, &retry_at));  // only that number
  EXPECT_TRUE(limits.take("A", 5000, &retry_at));
  limits.pause("A", 4000);  // a shorter pause never shortens a longer one
  EXPECT_TRUE(limits.take("A", 5001, &retry_at));
}

TEST(WhatsappSendLimits, StatusCarriesTheAttemptIdBack) {
  const std::string body =
      R"({"entry":[{"changes":[{"field":"messages","value":{"messaging_product":"whatsapp","statuses":[)"
      R"({"id":"wamid.Z","status":"delivered","timestamp":"1796570002","biz_opaque_callback_data":"eq-abc"},)"
      R"({"id":"wamid.Y","status":"read","timestamp":"1796570003"}]}}]}]})";
  auto b = parse_webhook(body);
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->statuses.size(), 2u);
  EXPECT_EQ(b->statuses[0].callback, "eq-abc");
  EXPECT_EQ(b->statuses[1].callback, "");
}
