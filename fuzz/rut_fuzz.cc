// RUN/RUT parsing: anything accepted must print and parse back to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/rut.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = eq::parse_rut(text);
  if (!r) return 0;
  auto again = eq::parse_rut(eq::format_rut(*r));
  auto canon = eq::parse_rut(eq::rut_canonical(*r));
  if (!again || !canon || !(*again == *r) || !(*canon == *r)) __builtin_trap();
  if (eq::rut_check_digit(r->number) != r->dv) __builtin_trap();
  return 0;
}
