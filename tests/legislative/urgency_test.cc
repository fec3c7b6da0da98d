// Urgencies of Ley N° 18.918 art. 27: terms in calendar days from the day the urgency is reported.
#include "legislative/urgency.h"

#include <gtest/gtest.h>

#include "legislative/module.h"

namespace eq::legislative {
namespace {

Day D(const char* s) {
  auto d = parse_day(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(Day{});
}

UrgencyEvent set(UrgencyType t, const char* day) { return {UrgencyAction::set, t, D(day)}; }
UrgencyEvent renew(const char* day, std::optional<UrgencyType> t = std::nullopt) { return {UrgencyAction::renewed, t, D(day)}; }
UrgencyEvent withdraw(const char* day) { return {UrgencyAction::withdrawn, std::nullopt, D(day)}; }

std::string deadline(const std::vector<UrgencyEvent>& ev) {
  auto u = current_urgency(ev);
  if (!u) return "none";
  return u->deadline ? format_day(*u->deadline) : "unknown";
}

TEST(UrgencyTerms, EachTypeHasItsLegalTerm) {
  EXPECT_EQ(urgency_days(UrgencyType::simple), 30);
  EXPECT_EQ(urgency_days(UrgencyType::suma), 15);
  EXPECT_EQ(urgency_days(UrgencyType::discusion_inmediata), 6);
  EXPECT_EQ(deadline({set(UrgencyType::simple, "02-06-2020")}), "02-07-2020");
  EXPECT_EQ(deadline({set(UrgencyType::suma, "02-06-2020")}), "17-06-2020");
  EXPECT_EQ(deadline({set(UrgencyType::discusion_inmediata, "02-06-2020")}), "08-06-2020");
}

TEST(UrgencyTerms, IdsAndSpanishNames) {
  for (auto t : {UrgencyType::simple, UrgencyType::suma, UrgencyType::discusion_inmediata})
    EXPECT_EQ(urgency_from_id(urgency_id(t)), t);
  EXPECT_EQ(urgency_name_es(UrgencyType::discusion_inmediata), "Discusión inmediata");
  EXPECT_FALSE(urgency_from_id("Suma").has_value());
  EXPECT_FALSE(urgency_from_id("").has_value());
}

TEST(UrgencyCurrent, NoneWithoutEvents) { EXPECT_FALSE(current_urgency({}).has_value()); }

TEST(UrgencyCurrent, RenewalRestartsTheCountFromItsOwnDay) {
  auto u = current_urgency({set(UrgencyType::suma, "01-03-2021"), renew("10-03-2021")});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->type, UrgencyType::suma);
  EXPECT_EQ(format_day(*u->since), "10-03-2021");
  EXPECT_EQ(format_day(*u->deadline), "25-03-2021");
}

TEST(UrgencyCurrent, RenewalMayChangeTheType) {
  EXPECT_EQ(deadline({set(UrgencyType::simple, "01-03-2021"), renew("05-03-2021", UrgencyType::discusion_inmediata)}),
            "11-03-2021");
}

TEST(UrgencyCurrent, NewUrgencyReplacesTheOneInForce) {
  EXPECT_EQ(deadline({set(UrgencyType::simple, "01-03-2021"), set(UrgencyType::suma, "02-03-2021")}), "17-03-2021");
}

TEST(UrgencyCurrent, WithdrawalEndsIt) {
  EXPECT_EQ(deadline({set(UrgencyType::suma, "01-03-2021"), withdraw("05-03-2021")}), "none");
  // Renewing nothing (no type given) does not bring it back.
  EXPECT_EQ(deadline({set(UrgencyType::suma, "01-03-2021"), withdraw("05-03-2021"), renew("06-03-2021")}), "none");
  // A new one after the withdrawal counts from its own day.
  EXPECT_EQ(deadline({set(UrgencyType::suma, "01-03-2021"), withdraw("05-03-2021"), set(UrgencyType::simple, "06-03-2021")}),
            "05-04-2021");
}

TEST(UrgencyCurrent, UndatedUrgencyHasTypeButNoDeadline) {
  auto u = current_urgency({{UrgencyAction::set, UrgencyType::suma, std::nullopt}});
  ASSERT_TRUE(u);
  EXPECT_EQ(u->type, UrgencyType::suma);
  EXPECT_FALSE(u->deadline);
  EXPECT_FALSE(days_left(*u, D("01-01-2021")));
}

TEST(UrgencyCalendar, MonthAndYearBoundaries) {
  EXPECT_EQ(deadline({set(UrgencyType::suma, "20-04-2021")}), "05-05-2021");            // 30-day month
  EXPECT_EQ(deadline({set(UrgencyType::simple, "31-01-2021")}), "02-03-2021");          // short February
  EXPECT_EQ(deadline({set(UrgencyType::discusion_inmediata, "28-12-2020")}), "03-01-2021");  // new year
  EXPECT_EQ(deadline({set(UrgencyType::simple, "15-12-2021")}), "14-01-2022");
}

TEST(UrgencyCalendar, LeapYears) {
  EXPECT_EQ(deadline({set(UrgencyType::suma, "20-02-2020")}), "06-03-2020");  // 2020 has 29-02
  EXPECT_EQ(deadline({set(UrgencyType::suma, "20-02-2021")}), "07-03-2021");
  EXPECT_EQ(deadline({set(UrgencyType::discusion_inmediata, "24-02-2024")}), "01-03-2024");
  EXPECT_EQ(deadline({set(UrgencyType::simple, "01-02-2100")}), "03-03-2100");  // 2100 is not a leap year
  EXPECT_EQ(deadline({set(UrgencyType::simple, "01-02-2000")}), "02-03-2000");  // 2000 is
  EXPECT_EQ(deadline({set(UrgencyType::discusion_inmediata, "29-02-2020")}), "06-03-2020");
}

TEST(UrgencyCalendar, DaysLeft) {
  auto u = current_urgency({set(UrgencyType::suma, "01-03-2021")});
  ASSERT_TRUE(u);
  EXPECT_EQ(days_left(*u, D("01-03-2021")), 15);
  EXPECT_EQ(days_left(*u, D("16-03-2021")), 0);
  EXPECT_EQ(days_left(*u, D("18-03-2021")), -2);
}

TEST(UrgencyCalendar, ParseDayIsStrict) {
  EXPECT_TRUE(parse_day("29-02-2020"));
  EXPECT_FALSE(parse_day("29-02-2021"));
  EXPECT_FALSE(parse_day("31-04-2021"));
  EXPECT_FALSE(parse_day("1-3-2021"));
  EXPECT_FALSE(parse_day("2021-03-01"));
  EXPECT_FALSE(parse_day("00-01-2021"));
  EXPECT_EQ(format_day(D("04-03-2020")), "04-03-2020");
  EXPECT_EQ(days_since_epoch(D("01-01-1970")), 0);
  EXPECT_EQ(day_from_epoch_days(days_since_epoch(D("31-12-1969"))), D("31-12-1969"));
}

TEST(UrgencyChileDay, InstantsMapToTheSantiagoCalendarDay) {
  // 04-03-2020 02:30 UTC is still 03-03-2020 in Santiago (UTC-3 in summer).
  EXPECT_EQ(format_day(chile_day(1583289000000)), "03-03-2020");
}

TEST(UrgencyStages, TransitionsForwardOnlyAndArchive) {
  EXPECT_TRUE(check_transition("primer_tramite", "segundo_tramite"));
  EXPECT_TRUE(check_transition("segundo_tramite", "promulgacion"));
  EXPECT_TRUE(check_transition("comision_mixta", "archivada"));
  EXPECT_TRUE(check_transition("promulgacion", "publicada"));
  auto back = check_transition("tercer_tramite", "primer_tramite");
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().status, 422);
  EXPECT_EQ(back.error().field, "stage");
  EXPECT_FALSE(check_transition("publicada", "archivada"));
  EXPECT_FALSE(check_transition("archivada", "primer_tramite"));
  EXPECT_FALSE(check_transition("primer_tramite", "primer_tramite"));
  EXPECT_FALSE(check_transition("primer_tramite", "aprobada"));
}

TEST(UrgencyStages, BoletinAndLawNumber) {
  EXPECT_TRUE(valid_boletin("13541-07"));
  EXPECT_TRUE(valid_boletin("7567-07"));
  EXPECT_FALSE(valid_boletin("13541-7"));
  EXPECT_FALSE(valid_boletin("135410-07"));
  EXPECT_FALSE(valid_boletin("13541 07"));
  EXPECT_FALSE(valid_boletin(""));
  EXPECT_EQ(normalize_law_number("N° 21.212"), "21.212");
  EXPECT_EQ(normalize_law_number("Nº21212"), "21.212");
  EXPECT_EQ(normalize_law_number("21.264"), "21.264");
  EXPECT_FALSE(normalize_law_number("ley gabriela"));
  EXPECT_FALSE(normalize_law_number("21.2120"));
}

}  // namespace
}  // namespace eq::legislative
