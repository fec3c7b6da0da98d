// Instants are int64 milliseconds since the Unix epoch, in UTC, everywhere inside the system;
// America/Santiago (with its summer time) exists only when reading from or writing to people.
// One display zone keeps every date the platform shows consistent across regions; note that
// Magallanes (America/Punta_Arenas, UTC-3 all year) and Rapa Nui (Pacific/Easter) keep other
// clocks, so their residents' wall time can differ from what is shown.
// Limit: date's reader of the system tzdata ignores the zone's trailing POSIX rule, so past the
// last transition written in the file (2037 in Debian's "fat" tzdata) the offset stays at the last
// one, -03 all year.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace eq {

int64_t now_ms();

// "24-11-2026", the calendar day in America/Santiago.
std::string format_date_cl(int64_t utc_ms);

// "24-11-2026 02:05", wall clock in America/Santiago, truncated to the minute.
std::string format_datetime_cl(int64_t utc_ms);

// "2026-11-24T05:05:00.000Z".
std::string iso8601_utc(int64_t ms);

// Accepts "2026-11-24" (midnight UTC, as JavaScript reads it) and date-times
// "2026-11-24T05:05[:00[.123456789]]" followed by "Z", "+HH:MM", "+HHMM" or "+HH" ('T' may be 't'
// or a space; 'Z' may be 'z'). A date-time without zone is rejected because it names no instant.
// Fractions beyond milliseconds are truncated. Failures are Error::invalid(field, ...) with code
// "invalid_date".
Result<int64_t> parse_iso8601(std::string_view text, std::string_view field);

// "24-11-2026" (also "4-9-2026" and "24/11/2026") → the first instant of that day in
// America/Santiago. On the day summer time starts, local midnight does not exist (clocks jump from
// 00:00 to 01:00), and the day begins at 01:00.
Result<int64_t> parse_date_cl(std::string_view text, std::string_view field);

}  // namespace eq
