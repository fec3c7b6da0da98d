// The policy module's CSV import of items: the file read by column name, then every row checked.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy/import_rows.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::string> known = {"instrumento", "codigo", "codigo_superior", "nivel", "titulo", "peso",
                                                 "estado", "region", "instituciones", "anio_inicio", "anio_termino"};
  auto table = eq::policy::read_table_text(text, {"nivel", "titulo"}, known);
  if (!table) return 0;
  for (const auto& [line, row] : table->rows) {
    std::string column;
    (void)eq::policy::parse_item(row, column);
  }
  return 0;
}
