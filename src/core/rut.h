// Chilean RUN/RUT: a number plus a módulo 11 check digit ('0'..'9' or 'K').
#pragma once
#include <string>
#include <string_view>

#include "core/error.h"

namespace eq {

struct Rut {
  long number;  // 1..99.999.999
  char dv;      // '0'..'9' or uppercase 'K'

  friend bool operator==(const Rut&, const Rut&) = default;
};

// Accepts "12.345.678-5", "12345678-5" and "123456785", a lower or upper case 'k', leading zeros
// and surrounding whitespace. Dots, when present, must group thousands correctly. Failures are
// Error::invalid(field, ...) with code "invalid_rut" and a Spanish message.
Result<Rut> parse_rut(std::string_view input, std::string_view field = "rut");

// Módulo 11 check digit of number (must be >= 0): '0'..'9' or 'K'.
char rut_check_digit(long number);

// "12.345.678-5": how people read a RUT.
std::string format_rut(const Rut& rut);

// "12345678-5": one spelling per person, the input of blind indexes and comparisons.
std::string rut_canonical(const Rut& rut);

}  // namespace eq
