// Numbers as people in Chile read them (es-CL): '.' groups thousands, ',' separates decimals.
// These strings are for display only; never parse them back or store them.
#pragma once
#include <string>

namespace eq {

// 126645 → "126.645", -1234 → "-1.234".
std::string format_integer(long long value);

// 149.06 with 1 decimal → "149,1". Rounds half away from zero on the shortest decimal
// representation of the double, so 1.005 rounds to "1,01" the way a person expects, even though
// the binary value is slightly below 1.005. A result that rounds to zero has no sign ("0,0", not
// "-0,0"). decimals outside 0..20 are clamped. NaN prints "—" (no data); infinities print "∞"/"-∞".
std::string format_decimal(double value, int decimals);

// 149.06 → "149,1 %". Takes the value already in percent (not a fraction).
std::string format_percent(double value_percent, int decimals = 1);

}  // namespace eq
