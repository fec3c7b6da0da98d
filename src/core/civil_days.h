// Calendar days as a count since 1970-01-01 (proleptic Gregorian, Howard Hinnant's algorithms):
// for deadlines counted in días corridos, where adding days must cross months and years exactly.
#pragma once
#include <cstdint>

namespace eq {

struct CivilDay {
  int64_t year = 1970;
  unsigned month = 1, day = 1;
};

int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
CivilDay civil_from_days(int64_t days);

}  // namespace eq
