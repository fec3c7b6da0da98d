#include "core/rut.h"

#include "core/format_cl.h"

namespace eq {
namespace {

constexpr long kMaxRutNumber = 99'999'999;
// Longer than any sensible spelling ("099.999.999-9" is 13); bounds the work on hostile input.
constexpr size_t kMaxInputLength = 20;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Error rut_error(std::string_view field, std::string message) {
  return Error::invalid(std::string(field), std::move(message), "invalid_rut");
}

Error bad_shape(std::string_view field) {
  return rut_error(field, "El RUT no es válido: use el formato 12.345.678-5.");
}

// Dots are optional, but when present they must sit every three digits from the right: a
// misplaced dot usually means a mistyped digit, which the check digit alone might not catch.
bool digits_well_grouped(std::string_view body) {
  if (body.find('.') == std::string_view::npos) {
    if (body.empty()) return false;
    for (char c : body)
      if (!is_digit(c)) return false;
    return true;
  }
  size_t group_start = 0;
  bool first = true;
  while (true) {
    const size_t dot = body.find('.', group_start);
    const std::string_view group =
        body.substr(group_start, dot == std::string_view::npos ? std::string_view::npos : dot - group_start);
    if (first ? (group.empty() || group.size() > 3) : group.size() != 3) return false;
    for (char c : group)
      if (!is_digit(c)) return false;
    if (dot == std::string_view::npos) return true;
    group_start = dot + 1;
    first = false;
  }
}

}  // namespace

char rut_check_digit(long number) {
  unsigned long n = number < 0 ? 0UL - static_cast<unsigned long>(number) : static_cast<unsigned long>(number);
  unsigned long sum = 0;
  unsigned long weight = 2;
  while (n > 0) {
    sum += (n % 10) * weight;
    n /= 10;
    weight = weight == 7 ? 2 : weight + 1;
  }
  const unsigned long digit = 11 - sum % 11;
  if (digit == 11) return '0';
  if (digit == 10) return 'K';
  return static_cast<char>('0' + digit);
}

Result<Rut> parse_rut(std::string_view input, std::string_view field) {
  const std::string_view s = trim(input);
  if (s.empty()) return fail(rut_error(field, "Debe ingresar el RUT."));
  if (s.size() > kMaxInputLength || s.size() < 2) return fail(bad_shape(field));

  char dv = s.back();
  std::string_view body = s.substr(0, s.size() - 1);
  if (!body.empty() && body.back() == '-') {
    body.remove_suffix(1);
  } else if (body.find('.') != std::string_view::npos) {
    // "12.345.6785" reads as a four-digit group: with dots, the dash is required.
    return fail(bad_shape(field));
  }
  if (dv == 'k') dv = 'K';
  if (!is_digit(dv) && dv != 'K') return fail(bad_shape(field));
  if (!digits_well_grouped(body)) return fail(bad_shape(field));

  long number = 0;
  for (char c : body) {
    if (c == '.') continue;
    number = number * 10 + (c - '0');
    if (number > kMaxRutNumber)
      return fail(rut_error(field, "El RUT no es válido: el número debe estar entre 1 y 99.999.999."));
  }
  if (number < 1) return fail(rut_error(field, "El RUT no es válido: el número debe estar entre 1 y 99.999.999."));
  if (rut_check_digit(number) != dv)
    return fail(rut_error(field, "El RUT no es válido: el dígito verificador no corresponde."));
  return Rut{number, dv};
}

std::string format_rut(const Rut& rut) {
  std::string out = format_integer(rut.number);
  out.push_back('-');
  out.push_back(rut.dv == 'k' ? 'K' : rut.dv);
  return out;
}

std::string rut_canonical(const Rut& rut) {
  std::string out = std::to_string(rut.number);
  out.push_back('-');
  out.push_back(rut.dv == 'k' ? 'K' : rut.dv);
  return out;
}

}  // namespace eq
