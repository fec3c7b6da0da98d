#include "core/time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace eq {
namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;

// Epoch values computed independently with Python's datetime.
constexpr int64_t k20261124T0505Z = 1795496700000;
constexpr int64_t k20260115T0300Z = 1768446000000;
constexpr int64_t k20260715T0400Z = 1784088000000;
constexpr int64_t k20260906T0400Z = 1788667200000;  // summer time starts: 00:00 -04 becomes 01:00 -03
constexpr int64_t k20260405T0300Z = 1775358000000;  // summer time ends: 24:00 -03 becomes 23:00 -04

int64_t utc(std::string_view iso) {
  auto r = parse_iso8601(iso, "t");
  EXPECT_TRUE(r.has_value()) << iso << ": " << (r ? "" : r.error().message);
  return r.value_or(0);
}

TEST(TimeNow, IsCurrentUtcMilliseconds) {
  const int64_t now = now_ms();
  EXPECT_GT(now, 1'700'000'000'000);  // after November 2023
  EXPECT_LT(now, 4'102'444'800'000);  // before 2100
  EXPECT_LE(now, now_ms());
}

TEST(TimeIso8601Utc, FormatsMilliseconds) {
  EXPECT_EQ(iso8601_utc(k20261124T0505Z), "2026-11-24T05:05:00.000Z");
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc(1709210096789), "2024-02-29T12:34:56.789Z");
  EXPECT_EQ(iso8601_utc(k20261124T0505Z + 7), "2026-11-24T05:05:00.007Z");
  EXPECT_EQ(iso8601_utc(253402300799999), "9999-12-31T23:59:59.999Z");
}

TEST(TimeIso8601Utc, BeforeTheEpochFloors) {
  EXPECT_EQ(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601_utc(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(iso8601_utc(-kDay), "1969-12-31T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc(-62135596800000), "0001-01-01T00:00:00.000Z");
}

TEST(TimeFormatCl, SummerTimeIsUtcMinus3) {
  EXPECT_EQ(format_datetime_cl(k20261124T0505Z), "24-11-2026 02:05");
  EXPECT_EQ(format_date_cl(k20261124T0505Z), "24-11-2026");
  EXPECT_EQ(format_datetime_cl(utc("2026-01-15T12:00:00Z")), "15-01-2026 09:00");
}

TEST(TimeFormatCl, WinterTimeIsUtcMinus4) {
  EXPECT_EQ(format_datetime_cl(utc("2026-07-15T12:00:00Z")), "15-07-2026 08:00");
  EXPECT_EQ(format_date_cl(utc("2026-07-15T12:00:00Z")), "15-07-2026");
}

TEST(TimeFormatCl, LocalDayDiffersFromUtcDayNearMidnight) {
  EXPECT_EQ(format_date_cl(utc("2026-11-24T02:59:59Z")), "23-11-2026");
  EXPECT_EQ(format_date_cl(utc("2026-11-24T03:00:00Z")), "24-11-2026");
  EXPECT_EQ(format_date_cl(utc("2026-07-15T03:59:59Z")), "14-07-2026");
  EXPECT_EQ(format_date_cl(utc("2026-07-15T04:00:00Z")), "15-07-2026");
  EXPECT_EQ(format_datetime_cl(utc("2027-01-01T02:30:00Z")), "31-12-2026 23:30");
}

TEST(TimeFormatCl, TruncatesToTheMinute) {
  EXPECT_EQ(format_datetime_cl(k20261124T0505Z + 59'999), "24-11-2026 02:05");
  EXPECT_EQ(format_datetime_cl(k20261124T0505Z + 60'000), "24-11-2026 02:06");
}

TEST(TimeFormatCl, SummerTimeStartSkipsAnHour) {
  // Saturday 5 September 2026 23:59 -04, then Sunday 6 September starts at 01:00 -03.
  EXPECT_EQ(format_datetime_cl(k20260906T0400Z - kMinute), "05-09-2026 23:59");
  EXPECT_EQ(format_datetime_cl(k20260906T0400Z), "06-09-2026 01:00");
}

TEST(TimeFormatCl, SummerTimeEndRepeatsAnHour) {
  // Saturday 4 April 2026 23:00-23:59 happens twice: first at -03, then at -04.
  EXPECT_EQ(format_datetime_cl(k20260405T0300Z - kHour), "04-04-2026 23:00");
  EXPECT_EQ(format_datetime_cl(k20260405T0300Z - kMinute), "04-04-2026 23:59");
  EXPECT_EQ(format_datetime_cl(k20260405T0300Z), "04-04-2026 23:00");
  EXPECT_EQ(format_datetime_cl(k20260405T0300Z + kHour), "05-04-2026 00:00");
}

TEST(TimeFormatCl, PaddingAndEpoch) {
  EXPECT_EQ(format_datetime_cl(utc("2026-03-01T04:07:00Z")), "01-03-2026 01:07");
  // Chile was on summer time (-03) at the epoch, per tzdata.
  EXPECT_EQ(format_datetime_cl(0), "31-12-1969 21:00");
}

TEST(TimeParseIso, DateOnlyIsMidnightUtc) {
  EXPECT_EQ(parse_iso8601("2026-11-24", "f").value(), k20261124T0505Z - 5 * kHour - 5 * kMinute);
  EXPECT_EQ(parse_iso8601("1970-01-01", "f").value(), 0);
  EXPECT_EQ(parse_iso8601("2000-02-29", "f").value(), 951782400000);
  EXPECT_EQ(parse_iso8601("1969-12-31", "f").value(), -kDay);
}

TEST(TimeParseIso, UtcDesignator) {
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00Z", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00z", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24t05:05:00Z", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24 05:05:00Z", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05Z", "f").value(), k20261124T0505Z);
}

TEST(TimeParseIso, Offsets) {
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00+00:00", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00-00:00", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T02:05:00-03:00", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T02:05:00-0300", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T02:05:00-03", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T01:05:00-04:00", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T10:35:00+05:30", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-23T23:05:00-06:00", "f").value(), k20261124T0505Z);  // previous day
  EXPECT_EQ(parse_iso8601("2026-11-25T04:05:00+23:00", "f").value(), k20261124T0505Z);
}

TEST(TimeParseIso, FractionalSeconds) {
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00.000Z", "f").value(), k20261124T0505Z);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00.5Z", "f").value(), k20261124T0505Z + 500);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00.12Z", "f").value(), k20261124T0505Z + 120);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00.123Z", "f").value(), k20261124T0505Z + 123);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00.123999Z", "f").value(), k20261124T0505Z + 123);  // truncated
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00.999999999Z", "f").value(), k20261124T0505Z + 999);
  EXPECT_EQ(parse_iso8601("2026-11-24T05:05:00,25Z", "f").value(), k20261124T0505Z + 250);
  EXPECT_EQ(parse_iso8601("2024-02-29T09:34:56.789-03:00", "f").value(), 1709210096789);
}

TEST(TimeParseIso, RoundTripsItsOwnOutput) {
  for (int64_t t : {int64_t{0}, int64_t{-1}, k20261124T0505Z, k20260906T0400Z + 123, int64_t{253402300799999},
                    int64_t{-62135596800000}}) {
    EXPECT_EQ(parse_iso8601(iso8601_utc(t), "f").value(), t) << t;
  }
  for (int64_t t = -5'000'000'000'000; t < 5'000'000'000'000; t += 98'765'432'101)
    ASSERT_EQ(parse_iso8601(iso8601_utc(t), "f").value(), t) << t;
}

TEST(TimeParseIso, SurroundingWhitespace) {
  EXPECT_EQ(parse_iso8601("  2026-11-24T05:05:00Z\n", "f").value(), k20261124T0505Z);
}

TEST(TimeParseIso, LeapYears) {
  EXPECT_TRUE(parse_iso8601("2024-02-29", "f").has_value());
  EXPECT_TRUE(parse_iso8601("2000-02-29", "f").has_value());  // divisible by 400
  EXPECT_TRUE(parse_iso8601("2028-02-29T00:00:00Z", "f").has_value());
  EXPECT_FALSE(parse_iso8601("2026-02-29", "f").has_value());
  EXPECT_FALSE(parse_iso8601("1900-02-29", "f").has_value());  // divisible by 100, not 400
  EXPECT_FALSE(parse_iso8601("2100-02-29", "f").has_value());
  EXPECT_EQ(parse_iso8601("2024-03-01", "f").value() - parse_iso8601("2024-02-28", "f").value(), 2 * kDay);
  EXPECT_EQ(parse_iso8601("2026-03-01", "f").value() - parse_iso8601("2026-02-28", "f").value(), kDay);
}

TEST(TimeParseIso, NonexistentDates) {
  for (const char* s : {"2026-02-31", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32",
                        "2026-02-30T10:00:00Z"}) {
    auto r = parse_iso8601(s, "fecha");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_NE(r.error().message.find("no existe"), std::string::npos) << s << ": " << r.error().message;
  }
  EXPECT_EQ(parse_iso8601("2026-02-31", "fecha").error().message, "La fecha no es válida: el 31-02-2026 no existe.");
}

TEST(TimeParseIso, TimeOutOfRange) {
  for (const char* s : {"2026-11-24T24:00:00Z", "2026-11-24T23:60:00Z", "2026-11-24T23:59:60Z", "2026-11-24T99:00Z"}) {
    auto r = parse_iso8601(s, "f");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().message, "La fecha no es válida: la hora está fuera de rango.") << s;
  }
  for (const char* s : {"2026-11-24T05:05:00+24:00", "2026-11-24T05:05:00-03:60"}) {
    auto r = parse_iso8601(s, "f");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().message, "La fecha no es válida: la zona horaria está fuera de rango.") << s;
  }
}

TEST(TimeParseIso, DateTimeWithoutZoneIsRejected) {
  for (const char* s : {"2026-11-24T05:05:00", "2026-11-24T05:05", "2026-11-24 05:05:00.123"}) {
    auto r = parse_iso8601(s, "f");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().message, "La fecha y hora debe indicar la zona horaria (Z o ±HH:MM).") << s;
  }
}

TEST(TimeParseIso, Garbage) {
  const char* inputs[] = {
      "hola",
      "24-11-2026",
      "2026/11/24",
      "2026-11-24T",
      "2026-11-24TZ",
      "2026-11-24T05Z",
      "2026-11-24T5:05Z",
      "2026-11-24T05:5Z",
      "2026-11-24T05:05:0Z",
      "2026-11-24T05:05:00.Z",
      "2026-11-24T05:05:00.1234567890Z",
      "2026-11-24T05:05:00ZZ",
      "2026-11-24T05:05:00Z ",  // trailing whitespace is trimmed, so this one parses: checked below
      "2026-11-24T05:05:00+3:00",
      "2026-11-24T05:05:00+03:0",
      "2026-11-24T05:05:00+03:",
      "2026-11-24T05:05:00+",
      "2026-11-24T05:05:00 Z",
      "2026-11-24T05:05:00UTC",
      "2026-11-24T05:05:00-03:00:00",
      "26-11-24",
      "20261124",
      "2026-1-24",
      "2026-11-4",
      "02026-11-24",
      "2026-11-24x",
      "+2026-11-24",
      "-2026-11-24",
      "2026-11-24T05:05:00−03:00",  // Unicode minus
      "２０２６-11-24",
      "2026-11-24\t05:05:00Z",
  };
  for (const char* s : inputs) {
    if (std::string_view(s) == "2026-11-24T05:05:00Z ") {
      EXPECT_TRUE(parse_iso8601(s, "f").has_value());
      continue;
    }
    auto r = parse_iso8601(s, "fecha_inicio");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().message, "La fecha no es válida: use el formato AAAA-MM-DD o AAAA-MM-DDTHH:MM:SSZ.") << s;
    EXPECT_EQ(r.error().code, "invalid_date") << s;
    EXPECT_EQ(r.error().field, "fecha_inicio") << s;
    EXPECT_EQ(r.error().status, 422) << s;
  }
}

TEST(TimeParseIso, Empty) {
  for (const char* s : {"", "   "}) {
    auto r = parse_iso8601(s, "fecha");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, "Debe ingresar una fecha.");
    EXPECT_EQ(r.error().field, "fecha");
  }
}

TEST(TimeParseDateCl, SummerMidnightIsUtcMinus3) {
  EXPECT_EQ(parse_date_cl("15-01-2026", "f").value(), k20260115T0300Z);
  EXPECT_EQ(parse_date_cl("24-11-2026", "f").value(), utc("2026-11-24T03:00:00Z"));
}

TEST(TimeParseDateCl, WinterMidnightIsUtcMinus4) {
  EXPECT_EQ(parse_date_cl("15-07-2026", "f").value(), k20260715T0400Z);
}

TEST(TimeParseDateCl, DayWhenSummerTimeStartsBeginsAtOneAm) {
  // 6 September 2026 has no 00:00 in Santiago; its first instant is 01:00 -03 (04:00 UTC).
  const int64_t start = parse_date_cl("06-09-2026", "f").value();
  EXPECT_EQ(start, k20260906T0400Z);
  EXPECT_EQ(format_datetime_cl(start), "06-09-2026 01:00");
  const int64_t previous = parse_date_cl("05-09-2026", "f").value();
  EXPECT_EQ(previous, utc("2026-09-05T04:00:00Z"));
  EXPECT_EQ(parse_date_cl("07-09-2026", "f").value() - start, 23 * kHour);  // a 23-hour day
}

TEST(TimeParseDateCl, DayWhenSummerTimeEndsHas25Hours) {
  const int64_t saturday = parse_date_cl("04-04-2026", "f").value();
  const int64_t sunday = parse_date_cl("05-04-2026", "f").value();
  EXPECT_EQ(saturday, utc("2026-04-04T03:00:00Z"));
  EXPECT_EQ(sunday, utc("2026-04-05T04:00:00Z"));
  EXPECT_EQ(sunday - saturday, 25 * kHour);
}

TEST(TimeParseDateCl, RoundTripsThroughFormatDateCl) {
  // Every day across two full years, both transitions included.
  int64_t t = parse_date_cl("01-01-2026", "f").value();
  for (int i = 0; i < 730; ++i) {
    const std::string shown = format_date_cl(t);
    ASSERT_EQ(parse_date_cl(shown, "f").value(), t) << shown;
    ASSERT_EQ(format_date_cl(t + 22 * kHour), shown);  // the day lasts at least 23 hours
    t = parse_date_cl(format_date_cl(t + 25 * kHour + kMinute), "f").value();
    ASSERT_NE(format_date_cl(t), shown);
  }
  EXPECT_EQ(format_date_cl(t), "01-01-2028");
}

TEST(TimeParseDateCl, LenientSpellings) {
  EXPECT_EQ(parse_date_cl("4-9-2026", "f").value(), parse_date_cl("04-09-2026", "f").value());
  EXPECT_EQ(parse_date_cl("24/11/2026", "f").value(), parse_date_cl("24-11-2026", "f").value());
  EXPECT_EQ(parse_date_cl("1/1/2026", "f").value(), parse_date_cl("01-01-2026", "f").value());
  EXPECT_EQ(parse_date_cl("  24-11-2026 ", "f").value(), parse_date_cl("24-11-2026", "f").value());
}

TEST(TimeParseDateCl, LeapYears) {
  EXPECT_TRUE(parse_date_cl("29-02-2024", "f").has_value());
  EXPECT_TRUE(parse_date_cl("29-02-2000", "f").has_value());
  EXPECT_TRUE(parse_date_cl("29-02-2028", "f").has_value());
  EXPECT_FALSE(parse_date_cl("29-02-2026", "f").has_value());
  EXPECT_FALSE(parse_date_cl("29-02-1900", "f").has_value());
  EXPECT_FALSE(parse_date_cl("29-02-2100", "f").has_value());
}

TEST(TimeParseDateCl, NonexistentDates) {
  auto r = parse_date_cl("31-02-2026", "fecha_nacimiento");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "La fecha no es válida: el 31-02-2026 no existe.");
  EXPECT_EQ(r.error().field, "fecha_nacimiento");
  EXPECT_EQ(r.error().code, "invalid_date");
  EXPECT_EQ(r.error().status, 422);
  for (const char* s : {"31-04-2026", "31-06-2026", "31-09-2026", "31-11-2026", "32-01-2026", "00-01-2026",
                        "10-00-2026", "10-13-2026", "29-2-2026", "99-99-2026"}) {
    auto e = parse_date_cl(s, "f");
    ASSERT_FALSE(e.has_value()) << s;
    EXPECT_NE(e.error().message.find("no existe"), std::string::npos) << s;
  }
  EXPECT_EQ(parse_date_cl("29-2-2026", "f").error().message, "La fecha no es válida: el 29-02-2026 no existe.");
}

TEST(TimeParseDateCl, Garbage) {
  const char* inputs[] = {
      "2026-11-24",    // ISO order
      "24-11-26",      // two-digit year
      "24-11-20266",   //
      "24112026",      //
      "24.11.2026",    //
      "24-11/2026",    // mixed separators
      "24/11-2026",    //
      "124-11-2026",   //
      "24-111-2026",   //
      "-11-2026",      //
      "24--2026",      //
      "24-11-",        //
      "24-11",         //
      "hoy",           //
      "24 11 2026",    //
      "24-11-2026 10:00",
      "24-nov-2026",   //
      "a4-11-2026",    //
  };
  for (const char* s : inputs) {
    auto r = parse_date_cl(s, "f");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().message, "La fecha no es válida: use el formato DD-MM-AAAA.") << s;
    EXPECT_EQ(r.error().code, "invalid_date") << s;
  }
}

TEST(TimeParseDateCl, Empty) {
  auto r = parse_date_cl(" ", "fecha");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "Debe ingresar una fecha.");
}

}  // namespace
}  // namespace eq
