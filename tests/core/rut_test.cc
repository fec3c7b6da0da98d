#include "core/rut.h"

#include <gtest/gtest.h>

#include <string>

namespace eq {
namespace {

// Hand-checked: 12.345.678 → 8·2+7·3+6·4+5·5+4·6+3·7+2·2+1·3 = 138, 138 mod 11 = 6, 11-6 = 5.
TEST(RutCheckDigit, KnownValuesCheckedByHand) {
  EXPECT_EQ(rut_check_digit(12345678), '5');
  EXPECT_EQ(rut_check_digit(11111111), '1');  // 1·32 = 32, 32 mod 11 = 10, 11-10 = 1
  EXPECT_EQ(rut_check_digit(99999999), '9');  // 9·32 = 288, 288 mod 11 = 2
  EXPECT_EQ(rut_check_digit(10000000), '8');  // 1·3 = 3
  EXPECT_EQ(rut_check_digit(5126663), '3');   // 6+18+24+30+12+7+10 = 107, mod 11 = 8
  EXPECT_EQ(rut_check_digit(1), '9');         // 1·2 = 2
}

TEST(RutCheckDigit, KWhenRemainderIsOne) {
  EXPECT_EQ(rut_check_digit(6), 'K');         // 6·2 = 12, mod 11 = 1, 11-1 = 10
  EXPECT_EQ(rut_check_digit(10000013), 'K');  // 3·2+1·3+1·3 = 12
  EXPECT_EQ(rut_check_digit(10000027), 'K');
  EXPECT_EQ(rut_check_digit(10000030), 'K');
}

TEST(RutCheckDigit, ZeroWhenSumIsMultipleOfEleven) {
  EXPECT_EQ(rut_check_digit(14), '0');        // 4·2+1·3 = 11
  EXPECT_EQ(rut_check_digit(10000004), '0');  // 4·2+1·3 = 11
  EXPECT_EQ(rut_check_digit(10000018), '0');
  EXPECT_EQ(rut_check_digit(10000021), '0');
}

TEST(RutCheckDigit, MoreKnownValues) {
  EXPECT_EQ(rut_check_digit(22222222), '2');
  EXPECT_EQ(rut_check_digit(18765432), '7');
  EXPECT_EQ(rut_check_digit(20000000), '5');
  EXPECT_EQ(rut_check_digit(7654321), '6');
  EXPECT_EQ(rut_check_digit(30686957), '4');
  EXPECT_EQ(rut_check_digit(24965885), '5');
  EXPECT_EQ(rut_check_digit(9999999), '3');
  EXPECT_EQ(rut_check_digit(100), '7');
  EXPECT_EQ(rut_check_digit(1000), '6');
  EXPECT_EQ(rut_check_digit(1000000), '9');
}

TEST(RutCheckDigit, WeightsCycleFromTwoToSeven) {
  // Reference written independently of the implementation: weights 2,3,4,5,6,7,2,3 from the right.
  auto reference = [](long n) {
    const int weights[] = {2, 3, 4, 5, 6, 7, 2, 3};
    int sum = 0;
    for (int i = 0; n > 0; ++i, n /= 10) sum += static_cast<int>(n % 10) * weights[i];
    const int r = 11 - sum % 11;
    return r == 11 ? '0' : r == 10 ? 'K' : static_cast<char>('0' + r);
  };
  for (long n = 1; n < 100000; n += 7) ASSERT_EQ(rut_check_digit(n), reference(n)) << n;
  for (long n = 99999999; n > 1000000; n -= 999983) ASSERT_EQ(rut_check_digit(n), reference(n)) << n;
}

TEST(RutParse, DottedForm) {
  auto r = parse_rut("12.345.678-5");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->number, 12345678);
  EXPECT_EQ(r->dv, '5');
}

TEST(RutParse, DashWithoutDots) {
  auto r = parse_rut("12345678-5");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (Rut{12345678, '5'}));
}

TEST(RutParse, NoDotsNoDash) {
  auto r = parse_rut("123456785");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (Rut{12345678, '5'}));
}

TEST(RutParse, KInAnyCaseBecomesUppercase) {
  for (const char* input : {"10.000.013-K", "10.000.013-k", "10000013-k", "10000013K", "10000013k", "6-k", "6K"}) {
    auto r = parse_rut(input);
    ASSERT_TRUE(r.has_value()) << input;
    EXPECT_EQ(r->dv, 'K') << input;
  }
}

TEST(RutParse, ZeroCheckDigit) {
  auto r = parse_rut("10.000.004-0");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (Rut{10000004, '0'}));
  EXPECT_TRUE(parse_rut("14-0").has_value());
  EXPECT_TRUE(parse_rut("140").has_value());
}

TEST(RutParse, SurroundingWhitespaceIsIgnored) {
  for (const char* input : {"  12.345.678-5", "12.345.678-5  ", " \t12345678-5\r\n", "\n123456785\n"}) {
    auto r = parse_rut(input);
    ASSERT_TRUE(r.has_value()) << input;
    EXPECT_EQ(*r, (Rut{12345678, '5'})) << input;
  }
}

TEST(RutParse, ShortAndSmallNumbers) {
  EXPECT_EQ(*parse_rut("1-9"), (Rut{1, '9'}));
  EXPECT_EQ(*parse_rut("19"), (Rut{1, '9'}));
  EXPECT_EQ(*parse_rut("100-7"), (Rut{100, '7'}));
  EXPECT_EQ(*parse_rut("1.000-6"), (Rut{1000, '6'}));
  EXPECT_EQ(*parse_rut("5.126.663-3"), (Rut{5126663, '3'}));
  EXPECT_EQ(*parse_rut("5126663-3"), (Rut{5126663, '3'}));
}

TEST(RutParse, RangeLimits) {
  EXPECT_EQ(*parse_rut("99.999.999-9"), (Rut{99999999, '9'}));
  EXPECT_EQ(*parse_rut("1-9"), (Rut{1, '9'}));
}

TEST(RutParse, LeadingZerosArePadding) {
  EXPECT_EQ(*parse_rut("05.126.663-3"), (Rut{5126663, '3'}));
  EXPECT_EQ(*parse_rut("005126663-3"), (Rut{5126663, '3'}));
  EXPECT_EQ(*parse_rut("0051266633"), (Rut{5126663, '3'}));
}

TEST(RutParse, WrongCheckDigit) {
  for (const char* input : {"12.345.678-4", "12.345.678-K", "12345678-0", "123456784", "10.000.013-0", "6-0", "14-K"}) {
    auto r = parse_rut(input);
    ASSERT_FALSE(r.has_value()) << input;
    EXPECT_EQ(r.error().message, "El RUT no es válido: el dígito verificador no corresponde.") << input;
    EXPECT_EQ(r.error().code, "invalid_rut");
    EXPECT_EQ(r.error().status, 422);
  }
}

TEST(RutParse, EveryOtherCheckDigitIsRejected) {
  const std::string digits = "0123456789K";
  for (long number : {1L, 6L, 14L, 12345678L, 99999999L, 10000013L}) {
    const char good = rut_check_digit(number);
    for (char dv : digits) {
      const std::string input = std::to_string(number) + "-" + dv;
      EXPECT_EQ(parse_rut(input).has_value(), dv == good) << input;
    }
  }
}

TEST(RutParse, EmptyOrBlank) {
  for (const char* input : {"", " ", "\t\n  "}) {
    auto r = parse_rut(input);
    ASSERT_FALSE(r.has_value()) << '"' << input << '"';
    EXPECT_EQ(r.error().message, "Debe ingresar el RUT.");
    EXPECT_EQ(r.error().code, "invalid_rut");
  }
}

TEST(RutParse, OutOfRange) {
  const std::string message = "El RUT no es válido: el número debe estar entre 1 y 99.999.999.";
  // 0 has check digit '0' by the formula: rejected for range, not for the digit.
  for (const char* input : {"0-0", "00", "0.000-0", "000000000-0", "100.000.000-4", "100000000-4", "999999999-9",
                            "123456789012-3"}) {
    auto r = parse_rut(input);
    ASSERT_FALSE(r.has_value()) << input;
    EXPECT_EQ(r.error().message, message) << input;
  }
}

TEST(RutParse, MalformedShapes) {
  const char* inputs[] = {
      "5",               // only one character
      "-5",              // no number
      "12345678-",       // no check digit
      "12.345.678-",     //
      "12345678--5",     // double dash
      "1234-5678-5",     // dash inside the number
      "12.345.678-55",   // two check digits
      "12.345.678-A",    // letter other than K
      "12.345.678-X",    //
      "12345678X",       //
      "ABCDEFGH-5",      // letters
      "12a45678-5",      // letter inside
      "K2345678-5",      //
      "12.345.678 -5",   // inner space
      "12.345.678- 5",   //
      "12 345 678-5",    // spaces as separators
      "12,345,678-5",    // commas
      "12.345.678.5",    // dot instead of dash
      "12.345.6785",     // dots without dash
      "1.2345.678-5",    // misplaced dots
      "12.34.5678-5",    //
      "1234.5678-5",     //
      "12.345.67-5",     //
      ".12.345.678-5",   // leading dot
      "12.345.678.-5",   // trailing dot
      "12..345.678-5",   // double dot
      "12.345..678-5",   //
      "1234.567-5",      // first group too long
      "+12345678-5",     // sign
      "-12345678-5",     //
      "12345678‐5",      // Unicode hyphen
      "12345678–5",      // en dash
      "１２３４５６７８-5",  // full-width digits
      "12345678/5",      // wrong separator
      "1234567890123456789012-5",  // absurdly long
      "K",               //
      "-",               //
      "--",              //
      "..",              //
  };
  for (const char* input : inputs) {
    auto r = parse_rut(input);
    ASSERT_FALSE(r.has_value()) << input;
    EXPECT_EQ(r.error().message, "El RUT no es válido: use el formato 12.345.678-5.") << input;
    EXPECT_EQ(r.error().code, "invalid_rut") << input;
  }
}

TEST(RutParse, ErrorNamesTheField) {
  EXPECT_EQ(parse_rut("x").error().field, "rut");
  EXPECT_EQ(parse_rut("x", "rut_victima").error().field, "rut_victima");
  EXPECT_EQ(parse_rut("12.345.678-4", "rut_denunciante").error().field, "rut_denunciante");
  EXPECT_EQ(parse_rut("", "rut_denunciante").error().field, "rut_denunciante");
}

TEST(RutParse, RoundTripsThroughBothFormats) {
  for (long n = 1; n <= 99999999; n = n * 3 + 7) {
    const Rut rut{n, rut_check_digit(n)};
    auto pretty = parse_rut(format_rut(rut));
    auto canonical = parse_rut(rut_canonical(rut));
    ASSERT_TRUE(pretty.has_value()) << format_rut(rut);
    ASSERT_TRUE(canonical.has_value()) << rut_canonical(rut);
    EXPECT_EQ(*pretty, rut);
    EXPECT_EQ(*canonical, rut);
  }
}

TEST(RutFormat, DotsDashAndUppercaseK) {
  EXPECT_EQ(format_rut({12345678, '5'}), "12.345.678-5");
  EXPECT_EQ(format_rut({5126663, '3'}), "5.126.663-3");
  EXPECT_EQ(format_rut({10000013, 'K'}), "10.000.013-K");
  EXPECT_EQ(format_rut({10000013, 'k'}), "10.000.013-K");
  EXPECT_EQ(format_rut({99999999, '9'}), "99.999.999-9");
  EXPECT_EQ(format_rut({1000, '6'}), "1.000-6");
  EXPECT_EQ(format_rut({100, '7'}), "100-7");
  EXPECT_EQ(format_rut({1, '9'}), "1-9");
}

TEST(RutFormat, CanonicalHasNoDotsAndUppercaseK) {
  EXPECT_EQ(rut_canonical({12345678, '5'}), "12345678-5");
  EXPECT_EQ(rut_canonical({10000013, 'k'}), "10000013-K");
  EXPECT_EQ(rut_canonical({10000013, 'K'}), "10000013-K");
  EXPECT_EQ(rut_canonical({1, '9'}), "1-9");
}

TEST(RutFormat, EverySpellingHasTheSameCanonicalForm) {
  // Blind indexes hash the canonical form: all spellings of one person must collide.
  for (const char* input : {"10.000.013-K", "10000013-k", "10000013K", " 010.000.013-k ", "010000013k"}) {
    auto r = parse_rut(input);
    ASSERT_TRUE(r.has_value()) << input;
    EXPECT_EQ(rut_canonical(*r), "10000013-K") << input;
    EXPECT_EQ(format_rut(*r), "10.000.013-K") << input;
  }
}

}  // namespace
}  // namespace eq
