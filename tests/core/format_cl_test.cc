#include "core/format_cl.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <limits>
#include <string>

namespace eq {
namespace {

TEST(FormatClInteger, GroupsThousandsWithDots) {
  EXPECT_EQ(format_integer(126645), "126.645");
  EXPECT_EQ(format_integer(1234), "1.234");
  EXPECT_EQ(format_integer(12345), "12.345");
  EXPECT_EQ(format_integer(1234567), "1.234.567");
  EXPECT_EQ(format_integer(19458310), "19.458.310");
  EXPECT_EQ(format_integer(1000000000), "1.000.000.000");
}

TEST(FormatClInteger, NoSeparatorBelowOneThousand) {
  EXPECT_EQ(format_integer(0), "0");
  EXPECT_EQ(format_integer(1), "1");
  EXPECT_EQ(format_integer(12), "12");
  EXPECT_EQ(format_integer(999), "999");
  EXPECT_EQ(format_integer(1000), "1.000");
}

TEST(FormatClInteger, Negatives) {
  EXPECT_EQ(format_integer(-1), "-1");
  EXPECT_EQ(format_integer(-999), "-999");
  EXPECT_EQ(format_integer(-1234), "-1.234");
  EXPECT_EQ(format_integer(-126645), "-126.645");
  EXPECT_EQ(format_integer(-1000000), "-1.000.000");
}

TEST(FormatClInteger, Extremes) {
  EXPECT_EQ(format_integer(LLONG_MAX), "9.223.372.036.854.775.807");
  EXPECT_EQ(format_integer(LLONG_MIN), "-9.223.372.036.854.775.808");
}

TEST(FormatClInteger, EveryGroupBoundary) {
  long long value = 0;
  for (int n = 1; n <= 18; ++n) {
    value = value * 10 + 9;
    std::string expected;
    for (int i = 0; i < n; ++i) {
      if (i > 0 && (n - i) % 3 == 0) expected += '.';
      expected += '9';
    }
    EXPECT_EQ(format_integer(value), expected) << n;
    EXPECT_EQ(format_integer(-value), "-" + expected) << n;
  }
}

TEST(FormatClDecimal, CommaAndThousands) {
  EXPECT_EQ(format_decimal(149.1, 1), "149,1");
  EXPECT_EQ(format_decimal(1234567.891, 2), "1.234.567,89");
  EXPECT_EQ(format_decimal(1234.5, 1), "1.234,5");
  EXPECT_EQ(format_decimal(0.5, 2), "0,50");
  EXPECT_EQ(format_decimal(3.14159, 4), "3,1416");
  EXPECT_EQ(format_decimal(-1234.56, 1), "-1.234,6");
}

TEST(FormatClDecimal, ZeroDecimalsHasNoComma) {
  EXPECT_EQ(format_decimal(149.4, 0), "149");
  EXPECT_EQ(format_decimal(1234567.0, 0), "1.234.567");
  EXPECT_EQ(format_decimal(0.0, 0), "0");
}

TEST(FormatClDecimal, PadsWithZeros) {
  EXPECT_EQ(format_decimal(2, 3), "2,000");
  EXPECT_EQ(format_decimal(1000, 1), "1.000,0");
  EXPECT_EQ(format_decimal(0, 2), "0,00");
  EXPECT_EQ(format_decimal(0.1, 5), "0,10000");
}

TEST(FormatClDecimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(format_decimal(0.5, 0), "1");
  EXPECT_EQ(format_decimal(1.5, 0), "2");
  EXPECT_EQ(format_decimal(2.5, 0), "3");  // not banker's rounding
  EXPECT_EQ(format_decimal(-0.5, 0), "-1");
  EXPECT_EQ(format_decimal(-2.5, 0), "-3");
  EXPECT_EQ(format_decimal(0.25, 1), "0,3");
  EXPECT_EQ(format_decimal(-0.25, 1), "-0,3");
  EXPECT_EQ(format_decimal(0.125, 2), "0,13");
  EXPECT_EQ(format_decimal(149.05, 1), "149,1");
  EXPECT_EQ(format_decimal(-149.05, 1), "-149,1");
  EXPECT_EQ(format_decimal(149.04999, 1), "149,0");
  EXPECT_EQ(format_decimal(149.14, 1), "149,1");
  EXPECT_EQ(format_decimal(149.15, 1), "149,2");
}

TEST(FormatClDecimal, RoundsTheDecimalAPersonSees) {
  // Binary doubles sit just below these values; people expect them to round up.
  EXPECT_EQ(format_decimal(1.005, 2), "1,01");
  EXPECT_EQ(format_decimal(2.675, 2), "2,68");
  EXPECT_EQ(format_decimal(1.45, 1), "1,5");
  EXPECT_EQ(format_decimal(0.285, 2), "0,29");
  EXPECT_EQ(format_decimal(0.1 + 0.2, 2), "0,30");
  EXPECT_EQ(format_decimal(-1.005, 2), "-1,01");
}

TEST(FormatClDecimal, CarryPropagatesAcrossGroups) {
  EXPECT_EQ(format_decimal(9.95, 1), "10,0");
  EXPECT_EQ(format_decimal(99.96, 1), "100,0");
  EXPECT_EQ(format_decimal(999.96, 1), "1.000,0");
  EXPECT_EQ(format_decimal(999999.5, 0), "1.000.000");
  EXPECT_EQ(format_decimal(-999.96, 1), "-1.000,0");
  EXPECT_EQ(format_decimal(0.999, 2), "1,00");
}

TEST(FormatClDecimal, NegativeZeroHasNoSign) {
  EXPECT_EQ(format_decimal(-0.0, 1), "0,0");
  EXPECT_EQ(format_decimal(-0.0, 0), "0");
  EXPECT_EQ(format_decimal(-0.04, 1), "0,0");
  EXPECT_EQ(format_decimal(-0.4, 0), "0");
  EXPECT_EQ(format_decimal(-0.00001, 3), "0,000");
  EXPECT_EQ(format_decimal(-0.05, 1), "-0,1");  // rounds away from zero, so it is not zero
}

TEST(FormatClDecimal, NegativeDecimalsMeansZero) {
  EXPECT_EQ(format_decimal(149.6, -1), "150");
  EXPECT_EQ(format_decimal(1234.4, -5), "1.234");
}

TEST(FormatClDecimal, TooManyDecimalsAreClamped) {
  EXPECT_EQ(format_decimal(0.5, 25), "0,50000000000000000000");
  EXPECT_EQ(format_decimal(1, 1000000), "1,00000000000000000000");
}

TEST(FormatClDecimal, TinyAndHugeValues) {
  EXPECT_EQ(format_decimal(1e-10, 2), "0,00");
  EXPECT_EQ(format_decimal(5e-324, 2), "0,00");
  EXPECT_EQ(format_decimal(1e15, 0), "1.000.000.000.000.000");
  EXPECT_EQ(format_decimal(1e21, 1), "1.000.000.000.000.000.000.000,0");
  const std::string max = format_decimal(std::numeric_limits<double>::max(), 0);
  EXPECT_EQ(max.substr(0, 8), "179.769.");
  EXPECT_EQ(max.size(), 309u + 102u);  // 309 digits, 102 dots
}

TEST(FormatClDecimal, NonFinite) {
  EXPECT_EQ(format_decimal(std::nan(""), 1), "—");
  EXPECT_EQ(format_decimal(std::numeric_limits<double>::infinity(), 1), "∞");
  EXPECT_EQ(format_decimal(-std::numeric_limits<double>::infinity(), 1), "-∞");
}

TEST(FormatClDecimal, AgreesWithIntegerFormattingForWholeNumbers) {
  for (long long v = -2000000; v <= 2000000; v += 12345) {
    EXPECT_EQ(format_decimal(static_cast<double>(v), 0), format_integer(v)) << v;
    EXPECT_EQ(format_decimal(static_cast<double>(v), 2), format_integer(v) + ",00") << v;
  }
}

TEST(FormatClPercent, SpaceBeforeSign) {
  EXPECT_EQ(format_percent(149.1), "149,1 %");
  EXPECT_EQ(format_percent(149.06), "149,1 %");
  EXPECT_EQ(format_percent(0), "0,0 %");
  EXPECT_EQ(format_percent(100), "100,0 %");
  EXPECT_EQ(format_percent(-12.35), "-12,4 %");
  EXPECT_EQ(format_percent(-0.01), "0,0 %");
  EXPECT_EQ(format_percent(1234.5), "1.234,5 %");
}

TEST(FormatClPercent, CustomDecimals) {
  EXPECT_EQ(format_percent(33.3333, 0), "33 %");
  EXPECT_EQ(format_percent(33.3333, 2), "33,33 %");
  EXPECT_EQ(format_percent(66.665, 2), "66,67 %");
  EXPECT_EQ(format_percent(12.5, 0), "13 %");
}

}  // namespace
}  // namespace eq
