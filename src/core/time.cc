#include "core/time.h"

#include <chrono>
#include <cstdio>
#include <optional>

#include <date/date.h>
#include <date/tz.h>

namespace eq {
namespace {

using std::chrono::milliseconds;
using SysMs = date::sys_time<milliseconds>;

const date::time_zone* santiago() {
  // The lookup reads the system tzdata; once per process is enough.
  static const date::time_zone* const zone = date::locate_zone("America/Santiago");
  return zone;
}

struct Civil {
  int year, month, day, hour, minute, second, millis;
};

// Floors, so instants before 1970 land in the right day and second too.
Civil split(date::local_time<milliseconds> t) {
  const auto day = date::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> hms{t - day};
  return {int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())), int(hms.hours().count()),
          int(hms.minutes().count()), int(hms.seconds().count()), int(hms.subseconds().count())};
}

date::local_time<milliseconds> in_santiago(int64_t utc_ms) {
  return santiago()->to_local(SysMs{milliseconds{utc_ms}});
}

Error date_error(std::string_view field, std::string message) {
  return Error::invalid(std::string(field), std::move(message), "invalid_date");
}

std::string day_month_year(int day, int month, int year) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d-%02d-%04d", day, month, year);
  return buf;
}

// A forward-only reader over the input; each accessor consumes only on success.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ == s_.size(); }
  std::optional<char> peek() const { return done() ? std::nullopt : std::optional<char>(s_[pos_]); }
  bool accept(char c) {
    if (done() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  // Exactly `count` digits.
  std::optional<int> digits(size_t count) {
    if (s_.size() - pos_ < count) return std::nullopt;
    int value = 0;
    for (size_t i = 0; i < count; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    pos_ += count;
    return value;
  }
  // Between min and max digits, as many as present.
  std::optional<std::string_view> digit_run(size_t min, size_t max) {
    size_t n = 0;
    while (pos_ + n < s_.size() && n < max && s_[pos_ + n] >= '0' && s_[pos_ + n] <= '9') ++n;
    if (n < min) return std::nullopt;
    const auto run = s_.substr(pos_, n);
    pos_ += n;
    return run;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<date::year_month_day> calendar_day(int year, int month, int day) {
  const date::year_month_day ymd{date::year{year}, date::month{unsigned(month)}, date::day{unsigned(day)}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

constexpr const char* kIsoShape = "La fecha no es válida: use el formato AAAA-MM-DD o AAAA-MM-DDTHH:MM:SSZ.";

}  // namespace

int64_t now_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string format_date_cl(int64_t utc_ms) {
  const Civil c = split(in_santiago(utc_ms));
  return day_month_year(c.day, c.month, c.year);
}

std::string format_datetime_cl(int64_t utc_ms) {
  const Civil c = split(in_santiago(utc_ms));
  char buf[16];
  std::snprintf(buf, sizeof buf, " %02d:%02d", c.hour, c.minute);
  return day_month_year(c.day, c.month, c.year) + buf;
}

std::string iso8601_utc(int64_t ms) {
  const Civil c = split(date::local_time<milliseconds>{milliseconds{ms}});
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year, c.month, c.day, c.hour, c.minute,
                c.second, c.millis);
  return buf;
}

Result<int64_t> parse_iso8601(std::string_view text, std::string_view field) {
  const std::string_view s = trim(text);
  if (s.empty()) return fail(date_error(field, "Debe ingresar una fecha."));
  Cursor in(s);

  const auto year = in.digits(4);
  if (!year || !in.accept('-')) return fail(date_error(field, kIsoShape));
  const auto month = in.digits(2);
  if (!month || !in.accept('-')) return fail(date_error(field, kIsoShape));
  const auto day = in.digits(2);
  if (!day) return fail(date_error(field, kIsoShape));
  const auto ymd = calendar_day(*year, *month, *day);

  if (in.done()) {
    if (!ymd) return fail(date_error(field, "La fecha no es válida: el " + day_month_year(*day, *month, *year) + " no existe."));
    return SysMs{date::sys_days{*ymd}}.time_since_epoch().count();
  }

  if (!in.accept('T') && !in.accept('t') && !in.accept(' ')) return fail(date_error(field, kIsoShape));
  const auto hour = in.digits(2);
  if (!hour || !in.accept(':')) return fail(date_error(field, kIsoShape));
  const auto minute = in.digits(2);
  if (!minute) return fail(date_error(field, kIsoShape));
  int second = 0;
  int millis = 0;
  if (in.accept(':')) {
    const auto sec = in.digits(2);
    if (!sec) return fail(date_error(field, kIsoShape));
    second = *sec;
    if (in.accept('.') || in.accept(',')) {
      const auto fraction = in.digit_run(1, 9);
      if (!fraction) return fail(date_error(field, kIsoShape));
      for (size_t i = 0; i < 3; ++i) millis = millis * 10 + (i < fraction->size() ? (*fraction)[i] - '0' : 0);
    }
  }

  int offset_minutes = 0;
  if (in.accept('Z') || in.accept('z')) {
    // UTC.
  } else if (const auto sign = in.peek(); sign == '+' || sign == '-') {
    in.accept(*sign);
    const auto off_h = in.digits(2);
    if (!off_h) return fail(date_error(field, kIsoShape));
    int off_m = 0;
    if (!in.done()) {
      in.accept(':');  // both +HH:MM and +HHMM are ISO 8601
      const auto m = in.digits(2);
      if (!m) return fail(date_error(field, kIsoShape));
      off_m = *m;
    }
    if (*off_h > 23 || off_m > 59)
      return fail(date_error(field, "La fecha no es válida: la zona horaria está fuera de rango."));
    offset_minutes = (*sign == '-' ? -1 : 1) * (*off_h * 60 + off_m);
  } else if (in.done()) {
    return fail(date_error(field, "La fecha y hora debe indicar la zona horaria (Z o ±HH:MM)."));
  } else {
    return fail(date_error(field, kIsoShape));
  }
  if (!in.done()) return fail(date_error(field, kIsoShape));

  if (!ymd) return fail(date_error(field, "La fecha no es válida: el " + day_month_year(*day, *month, *year) + " no existe."));
  if (*hour > 23 || *minute > 59 || second > 59)
    return fail(date_error(field, "La fecha no es válida: la hora está fuera de rango."));

  const SysMs t = SysMs{date::sys_days{*ymd}} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
                  std::chrono::seconds{second} + milliseconds{millis} - std::chrono::minutes{offset_minutes};
  return t.time_since_epoch().count();
}

Result<int64_t> parse_date_cl(std::string_view text, std::string_view field) {
  constexpr const char* kShape = "La fecha no es válida: use el formato DD-MM-AAAA.";
  const std::string_view s = trim(text);
  if (s.empty()) return fail(date_error(field, "Debe ingresar una fecha."));
  Cursor in(s);
  const auto day = in.digit_run(1, 2);
  const auto sep = in.peek();
  if (!day || (sep != '-' && sep != '/')) return fail(date_error(field, kShape));
  in.accept(*sep);
  const auto month = in.digit_run(1, 2);
  if (!month || !in.accept(*sep)) return fail(date_error(field, kShape));
  const auto year = in.digits(4);
  if (!year || !in.done()) return fail(date_error(field, kShape));

  auto to_int = [](std::string_view digits) {
    int v = 0;
    for (char c : digits) v = v * 10 + (c - '0');
    return v;
  };
  const int d = to_int(*day);
  const int m = to_int(*month);
  const auto ymd = calendar_day(*year, m, d);
  if (!ymd) return fail(date_error(field, "La fecha no es válida: el " + day_month_year(d, m, *year) + " no existe."));

  // choose::earliest only matters for an ambiguous midnight; a nonexistent one resolves to the
  // instant the clocks jump, which is the real start of that day.
  const date::local_time<milliseconds> midnight{date::local_days{*ymd}.time_since_epoch()};
  return santiago()->to_sys(midnight, date::choose::earliest).time_since_epoch().count();
}

}  // namespace eq
