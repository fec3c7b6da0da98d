// Birth dates as people know them: often only the year, or month and year. One parser for the
// case registry's forms and for the legacy files record linkage reads, so both agree on what a
// date means, and neither has a century rule that goes stale: a two-digit year (accepted only
// where asked for) takes the century that puts the date closest before today, counted from the
// clock it is given, so "27" is 1927 in 2026 and 2027 from 1 January 2027 on.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace eq {

struct PartialDate {
  int year = 0, month = 0, day = 0;  // 0: not known (a known day implies a known month and year)
  bool known() const { return year != 0; }
  bool operator==(const PartialDate&) const = default;
};

struct BirthDateRules {
  // Legacy files write "12-03-85". Forms refuse it: the person typing can write four digits.
  bool two_digit_year = false;
  // Legacy files write an unknown day or month as zeros ("00-03-1985"). Forms refuse it.
  bool zeros_unknown = false;
};

// "dd-mm-aaaa", "mm-aaaa", "aaaa" (Chilean order) or ISO "aaaa-mm-dd" and "aaaa-mm"; '-', '/' or
// '.' between the parts; a time after an ISO date ("1985-03-12T00:00:00") is ignored. Empty or
// blank text is an unknown date, not an error. The date must exist, be from 1900 on and not be
// after today (the UTC calendar day of `now_ms`). Failures are Error::invalid(field, …) with code
// "invalid_date" and a Spanish message.
Result<PartialDate> parse_birth_date(std::string_view text, int64_t now_ms, std::string_view field,
                                     const BirthDateRules& rules = {});

// The form stored and shown: "dd-mm-aaaa", "mm-aaaa", "aaaa", or "" when unknown.
std::string format_partial_date(const PartialDate& d);

// Reads back what format_partial_date wrote (no clock, no range check); unknown on anything else.
PartialDate read_partial_date(std::string_view stored);

int days_in_month(int year, int month);

}  // namespace eq
