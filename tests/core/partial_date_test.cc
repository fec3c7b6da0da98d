// Partial birth dates (core/partial_date.h), with the clock pinned: the century of a two-digit
// year must follow the clock, not a year written into the code.
#include "core/partial_date.h"

#include <gtest/gtest.h>

#include <chrono>

namespace eq {
namespace {

// Midday UTC of a calendar day.
int64_t at(int y, int m, int d) {
  const auto days = std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)));
  return std::chrono::duration_cast<std::chrono::milliseconds>(days.time_since_epoch()).count() + 12 * 3600 * 1000LL;
}

const int64_t kToday2026 = at(2026, 12, 6);
constexpr BirthDateRules kLegacy{.two_digit_year = true, .zeros_unknown = true};

int ymd(const Result<PartialDate>& r) {
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r->year * 10000 + r->month * 100 + r->day : -1;
}

TEST(PartialDate, FormatsPeopleWrite) {
  EXPECT_EQ(ymd(parse_birth_date("12-03-1985", kToday2026, "f")), 19850312);
  EXPECT_EQ(ymd(parse_birth_date("1985-03-12", kToday2026, "f")), 19850312);
  EXPECT_EQ(ymd(parse_birth_date("12/03/1985", kToday2026, "f")), 19850312);
  EXPECT_EQ(ymd(parse_birth_date("12.3.1985", kToday2026, "f")), 19850312);
  EXPECT_EQ(ymd(parse_birth_date("03-1985", kToday2026, "f")), 19850300);
  EXPECT_EQ(ymd(parse_birth_date("1985-03", kToday2026, "f")), 19850300);
  EXPECT_EQ(ymd(parse_birth_date("1985", kToday2026, "f")), 19850000);
  EXPECT_EQ(ymd(parse_birth_date("1985-03-12T00:00:00", kToday2026, "f")), 19850312);
  EXPECT_EQ(ymd(parse_birth_date("  ", kToday2026, "f")), 0);  // unknown, not an error
  EXPECT_EQ(ymd(parse_birth_date("29-02-2024", kToday2026, "f")), 20240229);
}

TEST(PartialDate, RefusesWhatCannotBe) {
  for (const char* bad : {"ayer", "12-13-1985", "32-01-1985", "29-02-2023", "00-03-1985", "1899", "07-12-2026", "2027",
                          "1-2-3-4", "12345"}) {
    auto r = parse_birth_date(bad, kToday2026, "persons[0].identity.birth_date");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_date") << bad;
    EXPECT_EQ(r.error().field, "persons[0].identity.birth_date");
    EXPECT_EQ(r.error().status, 422);
  }
  EXPECT_EQ(ymd(parse_birth_date("06-12-2026", kToday2026, "f")), 20261206);  // born today
}

TEST(PartialDate, FormsRefuseTwoDigitYears) {
  auto r = parse_birth_date("12-03-85", kToday2026, "birth_date");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("1985 o 2085"), std::string::npos) << r.error().message;
}

TEST(PartialDate, LegacyZerosAreUnknown) {
  EXPECT_EQ(ymd(parse_birth_date("00-03-1985", kToday2026, "f", kLegacy)), 19850300);
  EXPECT_EQ(ymd(parse_birth_date("00-00-1985", kToday2026, "f", kLegacy)), 19850000);
}

// The bug this replaces: a pivot fixed at "26" made every "27" 1927, also from 2027 on.
TEST(PartialDate, TwoDigitCenturyFollowsTheClock) {
  EXPECT_EQ(ymd(parse_birth_date("15-03-85", kToday2026, "f", kLegacy)), 19850315);
  EXPECT_EQ(ymd(parse_birth_date("15-03-26", kToday2026, "f", kLegacy)), 20260315);
  EXPECT_EQ(ymd(parse_birth_date("15-03-27", kToday2026, "f", kLegacy)), 19270315);
  EXPECT_EQ(ymd(parse_birth_date("31-12-26", kToday2026, "f", kLegacy)), 19261231);  // later this year: not yet born
  const int64_t in2027 = at(2027, 6, 1);
  EXPECT_EQ(ymd(parse_birth_date("15-03-27", in2027, "f", kLegacy)), 20270315);
  EXPECT_EQ(ymd(parse_birth_date("15-08-27", in2027, "f", kLegacy)), 19270815);
  EXPECT_EQ(ymd(parse_birth_date("15-03-28", in2027, "f", kLegacy)), 19280315);
  EXPECT_EQ(ymd(parse_birth_date("01-01-00", in2027, "f", kLegacy)), 20000101);
}

TEST(PartialDate, FormatAndReadBack) {
  for (PartialDate d : {PartialDate{1985, 3, 12}, PartialDate{1985, 3, 0}, PartialDate{1985, 0, 0}, PartialDate{}}) {
    EXPECT_EQ(read_partial_date(format_partial_date(d)), d) << format_partial_date(d);
  }
  EXPECT_EQ(format_partial_date({1985, 3, 2}), "02-03-1985");
  EXPECT_EQ(format_partial_date({1985, 3, 0}), "03-1985");
  EXPECT_EQ(read_partial_date("basura"), PartialDate{});
}

}  // namespace
}  // namespace eq
