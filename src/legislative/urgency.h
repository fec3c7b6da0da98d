// Legislative urgencies (Ley N° 18.918, Orgánica Constitucional del Congreso Nacional, art. 27):
// the President may ask a chamber to dispatch a bill within 30 days ("simple"), 15 days ("suma")
// or 6 days ("discusión inmediata"), counted in calendar days from the day the urgency is reported
// in the chamber ("se da cuenta"). A renewal restarts the count, a withdrawal ends it.
// Pure: no clock, no time zone, no storage, so it can be tested exhaustively; callers convert
// instants to Chilean calendar days at the edge.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eq::legislative {

// A calendar day (proleptic Gregorian), independent of any clock.
struct Day {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;
  friend bool operator==(const Day&, const Day&) = default;
};

int64_t days_since_epoch(Day d);  // 1970-01-01 is 0
Day day_from_epoch_days(int64_t n);
Day add_days(Day d, int64_t n);
bool operator<(const Day& a, const Day& b);
bool operator<=(const Day& a, const Day& b);
// "dd-mm-aaaa" exactly (what format_date_cl writes); nullopt for anything else or a day that does
// not exist.
std::optional<Day> parse_day(std::string_view text);
std::string format_day(Day d);  // "04-03-2020"

enum class UrgencyType { simple, suma, discusion_inmediata };
std::optional<UrgencyType> urgency_from_id(std::string_view id);
std::string urgency_id(UrgencyType t);       // "simple", "suma", "discusion_inmediata"
std::string urgency_name_es(UrgencyType t);  // "Simple", "Suma", "Discusión inmediata"
int urgency_days(UrgencyType t);             // 30, 15, 6

enum class UrgencyAction { set, renewed, withdrawn };
struct UrgencyEvent {
  UrgencyAction action = UrgencyAction::set;
  std::optional<UrgencyType> type;   // renewed: absent keeps the current type
  std::optional<Day> reported_on;    // absent when the source does not say (historic data)
};

struct CurrentUrgency {
  UrgencyType type = UrgencyType::simple;
  std::optional<Day> since;     // day it was (last) reported
  std::optional<Day> deadline;  // since + 30/15/6 days; absent when `since` is unknown
};

// The urgency in force after `events`, taken in the order they were recorded; nullopt if none.
// A renewal with nothing in force and no type is ignored (the caller refuses it beforehand).
std::optional<CurrentUrgency> current_urgency(const std::vector<UrgencyEvent>& events);

// Days from `today` to the deadline (0 = due today, negative = overdue); nullopt without deadline.
std::optional<int64_t> days_left(const CurrentUrgency& u, Day today);

}  // namespace eq::legislative
