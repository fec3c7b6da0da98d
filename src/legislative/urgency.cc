#include "legislative/urgency.h"

#include <cstdio>

namespace eq::legislative {

// Howard Hinnant's civil-calendar algorithms: exact for every Gregorian day, no tables.
int64_t days_since_epoch(Day d) {
  const int64_t y = static_cast<int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (static_cast<int64_t>(d.month) + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + static_cast<int64_t>(d.day) - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Day day_from_epoch_days(int64_t n) {
  n += 719468;
  const int64_t era = (n >= 0 ? n : n - 146096) / 146097;
  const int64_t doe = n - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d)};
}

Day add_days(Day d, int64_t n) { return day_from_epoch_days(days_since_epoch(d) + n); }
bool operator<(const Day& a, const Day& b) { return days_since_epoch(a) < days_since_epoch(b); }
bool operator<=(const Day& a, const Day& b) { return !(b < a); }

std::optional<Day> parse_day(std::string_view s) {
  if (s.size() != 10 || s[2] != '-' || s[5] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int start[3] = {0, 3, 6}, len[3] = {2, 2, 4};
  for (int k = 0; k < 3; ++k)
    for (int i = start[k]; i < start[k] + len[k]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v[k] = v[k] * 10 + (s[i] - '0');
    }
  if (v[1] < 1 || v[1] > 12 || v[0] < 1) return std::nullopt;
  Day d{v[2], static_cast<unsigned>(v[1]), static_cast<unsigned>(v[0])};
  // A day that does not exist (31-04, 29-02 of a common year) comes back as another one.
  if (!(day_from_epoch_days(days_since_epoch(d)) == d)) return std::nullopt;
  return d;
}

std::string format_day(Day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u-%02u-%04d", d.day, d.month, d.year);
  return buf;
}

std::optional<UrgencyType> urgency_from_id(std::string_view id) {
  if (id == "simple") return UrgencyType::simple;
  if (id == "suma") return UrgencyType::suma;
  if (id == "discusion_inmediata") return UrgencyType::discusion_inmediata;
  return std::nullopt;
}

std::string urgency_id(UrgencyType t) {
  switch (t) {
    case UrgencyType::simple: return "simple";
    case UrgencyType::suma: return "suma";
    case UrgencyType::discusion_inmediata: return "discusion_inmediata";
  }
  return "";
}

std::string urgency_name_es(UrgencyType t) {
  switch (t) {
    case UrgencyType::simple: return "Simple";
    case UrgencyType::suma: return "Suma";
    case UrgencyType::discusion_inmediata: return "Discusión inmediata";
  }
  return "";
}

int urgency_days(UrgencyType t) {
  switch (t) {
    case UrgencyType::simple: return 30;
    case UrgencyType::suma: return 15;
    case UrgencyType::discusion_inmediata: return 6;
  }
  return 0;
}

std::optional<CurrentUrgency> current_urgency(const std::vector<UrgencyEvent>& events) {
  std::optional<CurrentUrgency> cur;
  for (const auto& e : events) {
    switch (e.action) {
      case UrgencyAction::withdrawn: cur.reset(); break;
      case UrgencyAction::set:
      case UrgencyAction::renewed: {
        std::optional<UrgencyType> type = e.type;
        if (!type && cur) type = cur->type;
        if (!type) break;
        // Both a new urgency and a renewal count from the day they are reported: the earlier
        // term is replaced, not extended.
        CurrentUrgency next;
        next.type = *type;
        next.since = e.reported_on;
        if (e.reported_on) next.deadline = add_days(*e.reported_on, urgency_days(*type));
        cur = next;
        break;
      }
    }
  }
  return cur;
}

std::optional<int64_t> days_left(const CurrentUrgency& u, Day today) {
  if (!u.deadline) return std::nullopt;
  return days_since_epoch(*u.deadline) - days_since_epoch(today);
}

}  // namespace eq::legislative
