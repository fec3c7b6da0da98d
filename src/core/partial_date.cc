#include "core/partial_date.h"

#include <chrono>
#include <vector>

#include "core/text.h"

namespace eq {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

Error bad(std::string_view field, const std::string& message) {
  return Error::invalid(std::string(field), message, "invalid_date");
}

}  // namespace

int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : d[m - 1];
}

Result<PartialDate> parse_birth_date(std::string_view text, int64_t now_ms, std::string_view field, const BirthDateRules& rules) {
  std::string t = trim(text);
  if (t.empty()) return PartialDate{};
  // "1985-03-12T00:00:00" / "1985-03-12 00:00": the date part is enough.
  if (const size_t cut = t.find_first_of("Tt "); cut != std::string::npos && cut >= 4) t.resize(cut);
  std::vector<std::string_view> parts;
  for (size_t i = 0;;) {
    const size_t j = t.find_first_of("-/.", i);
    parts.push_back(std::string_view(t).substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  const std::string formats = "Escriba la fecha como DD-MM-AAAA, MM-AAAA o solo el año AAAA.";
  for (auto p : parts)
    if (!all_digits(p) || p.size() > 4) return fail(bad(field, formats));
  auto small = [](std::string_view p) { return p.size() <= 2; };
  int y = 0, m = 0, d = 0;
  bool two_digit = false;
  if (parts.size() == 1 && parts[0].size() == 4) {
    y = to_int(parts[0]);
  } else if (parts.size() == 2 && parts[0].size() == 4 && small(parts[1])) {
    y = to_int(parts[0]), m = to_int(parts[1]);
  } else if (parts.size() == 2 && small(parts[0]) && parts[1].size() == 4) {
    m = to_int(parts[0]), y = to_int(parts[1]);
  } else if (parts.size() == 3 && parts[0].size() == 4 && small(parts[1]) && small(parts[2])) {
    y = to_int(parts[0]), m = to_int(parts[1]), d = to_int(parts[2]);
  } else if (parts.size() == 3 && small(parts[0]) && small(parts[1]) && parts[2].size() == 4) {
    d = to_int(parts[0]), m = to_int(parts[1]), y = to_int(parts[2]);
  } else if (parts.size() == 3 && small(parts[0]) && small(parts[1]) && parts[2].size() == 2) {
    if (!rules.two_digit_year)
      return fail(bad(field, "Escriba el año con sus cuatro cifras: «" + std::string(parts[2]) + "» puede ser 19" +
                                 std::string(parts[2]) + " o 20" + std::string(parts[2]) + "."));
    d = to_int(parts[0]), m = to_int(parts[1]), y = to_int(parts[2]);
    two_digit = true;
  } else {
    return fail(bad(field, formats));
  }
  if (rules.zeros_unknown) {
    if (m == 0) d = 0;  // "00-00-1985": the year alone
  } else if (parts.size() >= 2 && m == 0) {
    return fail(bad(field, "El mes no existe."));
  }
  const bool day_given = parts.size() == 3 && !(rules.zeros_unknown && d == 0);

  const auto today = std::chrono::year_month_day(
      std::chrono::floor<std::chrono::days>(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(now_ms))));
  const int this_year = static_cast<int>(today.year());
  const int today_ymd = this_year * 10000 + static_cast<int>(unsigned(today.month())) * 100 + static_cast<int>(unsigned(today.day()));
  if (two_digit) {
    // The latest century that does not put the date after today.
    y += this_year - this_year % 100;
    if (y * 10000 + m * 100 + (day_given ? d : 0) > today_ymd) y -= 100;
  }
  if (y < 1900 || y > this_year) return fail(bad(field, "El año de nacimiento no es posible."));
  if (m < 0 || m > 12) return fail(bad(field, "El mes no existe."));
  if (day_given && (d < 1 || d > days_in_month(y, m))) return fail(bad(field, "Ese día no existe en ese mes."));
  if (!day_given) d = 0;
  if (y * 10000 + m * 100 + d > today_ymd) return fail(bad(field, "La fecha de nacimiento no puede ser futura."));
  return PartialDate{y, m, d};
}

std::string format_partial_date(const PartialDate& p) {
  if (!p.year) return {};
  auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  if (!p.month) return std::to_string(p.year);
  if (!p.day) return two(p.month) + "-" + std::to_string(p.year);
  return two(p.day) + "-" + two(p.month) + "-" + std::to_string(p.year);
}

PartialDate read_partial_date(std::string_view s) {
  auto num = [&](size_t at, size_t n) { return s.size() >= at + n && all_digits(s.substr(at, n)) ? to_int(s.substr(at, n)) : -1; };
  PartialDate p;
  if (s.size() == 10 && s[2] == '-' && s[5] == '-') p = {num(6, 4), num(3, 2), num(0, 2)};
  else if (s.size() == 7 && s[2] == '-') p = {num(3, 4), num(0, 2), 0};
  else if (s.size() == 4) p = {num(0, 4), 0, 0};
  if (p.year < 0 || p.month < 0 || p.day < 0) return {};
  return p;
}

}  // namespace eq
