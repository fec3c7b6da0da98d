#include "core/format_cl.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

namespace eq {
namespace {

constexpr int kMaxDecimals = 20;

// digits holds only '0'..'9'.
std::string group_thousands(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  const size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits.substr(0, first));
  for (size_t i = first; i < digits.size(); i += 3) {
    out.push_back('.');
    out.append(digits.substr(i, 3));
  }
  return out;
}

}  // namespace

std::string format_integer(long long value) {
  // Unsigned magnitude so that LLONG_MIN, whose negation overflows, prints correctly.
  unsigned long long magnitude =
      value < 0 ? 0ULL - static_cast<unsigned long long>(value) : static_cast<unsigned long long>(value);
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, magnitude);
  (void)ec;  // 24 chars always fit 20 digits
  std::string out = value < 0 ? "-" : "";
  out += group_thousands(std::string_view(buf, static_cast<size_t>(end - buf)));
  return out;
}

std::string format_decimal(double value, int decimals) {
  if (std::isnan(value)) return "—";
  if (std::isinf(value)) return value < 0 ? "-∞" : "∞";
  const size_t places = static_cast<size_t>(std::clamp(decimals, 0, kMaxDecimals));

  // Shortest round-trip text, in fixed notation: the decimal the user typed or saw, which is what
  // they expect to be rounded (DBL_MAX needs 309 integer digits; the smallest subnormal 5e-324
  // needs 326 chars).
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::fixed);
  if (ec != std::errc()) return "—";  // unreachable with this buffer size
  std::string_view text(buf, static_cast<size_t>(end - buf));
  const size_t dot = text.find('.');
  std::string int_part(text.substr(0, dot));
  std::string frac_part(dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1));

  // Half away from zero on the magnitude: a dropped first digit of 5 or more rounds up.
  bool round_up = frac_part.size() > places && frac_part[places] >= '5';
  frac_part.resize(places, '0');
  if (round_up) {
    std::string all = int_part + frac_part;
    size_t i = all.size();
    while (i > 0) {
      --i;
      if (all[i] == '9') {
        all[i] = '0';
      } else {
        ++all[i];
        round_up = false;
        break;
      }
    }
    if (round_up) all.insert(all.begin(), '1');  // carried out of the top digit, e.g. 999,96 → 1.000,0
    int_part = all.substr(0, all.size() - places);
    frac_part = all.substr(all.size() - places);
  }

  const bool is_zero = std::all_of(int_part.begin(), int_part.end(), [](char c) { return c == '0'; }) &&
                       std::all_of(frac_part.begin(), frac_part.end(), [](char c) { return c == '0'; });
  std::string out = (value < 0 && !is_zero) ? "-" : "";
  out += group_thousands(int_part);
  if (places > 0) {
    out.push_back(',');
    out += frac_part;
  }
  return out;
}

std::string format_percent(double value_percent, int decimals) {
  return format_decimal(value_percent, decimals) + " %";
}

}  // namespace eq
