// RFC 4180 reader (record linkage input, monitoring replay files, policy import): reads to the end
// or stops with an error, and what csv_append writes reads back as the same fields.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  eq::CsvReader reader(text);
  std::vector<std::string_view> fields;
  std::string_view raw;
  for (size_t guard = 0; guard <= size + 1; ++guard) {
    auto more = reader.next(fields, raw);
    if (!more || !*more) break;
    if (guard == size + 1) __builtin_trap();  // more records than bytes: the reader is not advancing
    std::vector<std::string> copy(fields.begin(), fields.end());
    std::string line;
    for (size_t i = 0; i < copy.size(); ++i) {
      if (i) line += ',';
      eq::csv_append(line, copy[i]);
    }
    eq::CsvReader back(line);
    std::vector<std::string_view> again;
    std::string_view raw2;
    auto ok = back.next(again, raw2);
    // An empty single field writes an empty line, which reads as an empty record or as nothing.
    if (!ok) __builtin_trap();
    // A field that starts with a byte order mark, written first on a line, is read as the mark.
    const bool bom = !copy.empty() && copy[0].rfind("\xEF\xBB\xBF", 0) == 0;
    if (*ok && !bom && !copy.empty() && !(copy.size() == 1 && copy[0].empty())) {
      if (again.size() != copy.size()) __builtin_trap();
      for (size_t i = 0; i < copy.size(); ++i)
        if (again[i] != copy[i]) __builtin_trap();
    }
  }
  return 0;
}
