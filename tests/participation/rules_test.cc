// Pure rules of citizens' participation: anchoring a quote (code points, nearest occurrence),
// business days, phases by date, proof-of-work bits, the flood limit, SMTP dot-stuffing.
#include <gtest/gtest.h>

#include "core/crypto.h"
#include "core/time.h"
#include "participation/module.h"

using namespace eq;
using namespace eq::participation;

TEST(ParticipationAnchor, QuoteAtCountsCodePointsNotBytes) {
  const std::string text = "Año de la niñez: más centros.";
  EXPECT_TRUE(quote_at(text, "más centros", 17));
  EXPECT_FALSE(quote_at(text, "más centros", 19));  // the byte offset is not the offset
  EXPECT_FALSE(quote_at(text, "", 0));
  EXPECT_FALSE(quote_at(text, "Año", -1));
}

TEST(ParticipationAnchor, ReanchorTakesTheOccurrenceNearestTheOldOffset) {
  const std::string text = "meta uno. meta dos. meta tres.";
  EXPECT_EQ(reanchor(text, "meta", 0).offset, 0);
  EXPECT_EQ(reanchor(text, "meta", 12).offset, 10);
  EXPECT_EQ(reanchor(text, "meta", 30).offset, 20);
  EXPECT_TRUE(reanchor(text, "meta", 30).anchored);
}

TEST(ParticipationAnchor, ATextThatIsGoneIsDetached) {
  EXPECT_FALSE(reanchor("Otro texto por completo.", "Presentación.", 0).anchored);
  EXPECT_FALSE(reanchor("", "x", 0).anchored);
}

TEST(ParticipationCalendar, BusinessDaysSkipWeekends) {
  // Friday 04-12-2026 at noon in Santiago; 1 business day → ends Monday 07-12 (starts Tuesday 08-12).
  const int64_t friday = *parse_date_cl("04-12-2026", "d") + 12 * 3600000LL;
  EXPECT_EQ(format_date_cl(add_business_days(friday, 1)), "08-12-2026");
  EXPECT_EQ(format_date_cl(add_business_days(friday, 5)), "12-12-2026");  // Mon–Fri 07–11, ends at the start of the 12th
  EXPECT_EQ(add_business_days(friday, 0), friday);
  // Saturday counts from Monday.
  const int64_t saturday = *parse_date_cl("05-12-2026", "d");
  EXPECT_EQ(format_date_cl(add_business_days(saturday, 1)), "08-12-2026");
}

TEST(ParticipationCalendar, PhasesFollowTheDates) {
  Process p;
  p.consult_from = 100;
  p.answers_from = 200;
  p.final_from = 300;
  EXPECT_EQ(phase_at(p, 99), kPrevia);
  EXPECT_EQ(phase_at(p, 100), kConsulta);
  EXPECT_EQ(phase_at(p, 200), kRespuestas);
  EXPECT_EQ(phase_at(p, 300), kFinal);
}

TEST(ParticipationProof, LeadingZeroBits) {
  EXPECT_EQ(leading_zero_bits("ff"), 0);
  EXPECT_EQ(leading_zero_bits("0f"), 4);
  EXPECT_EQ(leading_zero_bits("00"), 8);
  EXPECT_EQ(leading_zero_bits("001f"), 11);
  EXPECT_EQ(leading_zero_bits("8000"), 0);
  EXPECT_EQ(leading_zero_bits("1000"), 3);
  // A solution found by search has at least the bits asked for.
  ASSERT_TRUE(crypto::init());
  int counter = 0;
  while (leading_zero_bits(crypto::sha256_hex("abc" + std::to_string(counter))) < 8) ++counter;
  EXPECT_GE(leading_zero_bits(crypto::sha256_hex("abc" + std::to_string(counter))), 8);
}

TEST(ParticipationFlood, AnAddressIsLimitedAndTheOthersAreNot) {
  FloodLimit f(2, 10000);
  EXPECT_EQ(f.take("a", 0), 0);
  EXPECT_EQ(f.take("a", 1000), 0);
  EXPECT_EQ(f.take("a", 2000), 8);  // the first write leaves the window at 10 s
  EXPECT_EQ(f.take("b", 2000), 0);
  EXPECT_EQ(f.take("a", 10001), 0);
}

TEST(ParticipationSmtp, DotStuffingAndHeaders) {
  EXPECT_EQ(dot_stuff("hola\n.linea\n..x"), "hola\r\n..linea\r\n...x\r\n");
  EXPECT_EQ(dot_stuff("a\r\nb"), "a\r\nb\r\n");
  EXPECT_EQ(encode_header_word("Hello"), "Hello");
  EXPECT_EQ(encode_header_word("Código"), "=?UTF-8?B?" + crypto::base64("Código") + "?=");
  EXPECT_FALSE(send_mail(SmtpOptions{}, {"a@b.cl", "x", "y"}));  // no relay configured: an error, never silence
}
