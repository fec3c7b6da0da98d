// RFC 4180 CSV: quoted fields with embedded commas, quotes ("") and line breaks; CRLF or LF line
// ends; a UTF-8 byte order mark at the start is skipped. The reader works on a whole file in
// memory and hands out views, so a million-row file costs one copy of its bytes.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace eq::linkage {

class CsvReader {
 public:
  explicit CsvReader(std::string_view data);  // data must outlive the reader and the views it returns

  // Reads the next record into fields (views valid until the next call) and raw (the record's
  // bytes as written, without its line end; valid as long as data). Returns false at the end.
  // An unterminated quote is an error naming the line where the record starts.
  Result<bool> next(std::vector<std::string_view>& fields, std::string_view& raw);
  size_t line() const { return record_line_; }  // 1-based line where the last record started
  std::string_view line_end() const { return line_end_; }  // "\r\n" or "\n" as first seen

 private:
  std::string_view data_;
  size_t pos_ = 0;
  size_t line_ = 1, record_line_ = 0;
  std::string scratch_;
  std::string_view line_end_ = "\n";
  bool line_end_seen_ = false;
};

// Appends one field, quoted only when it has to be (comma, quote, CR or LF, or edge spaces).
void csv_append(std::string& out, std::string_view field);

Result<std::string> read_file(const std::string& path);

}  // namespace eq::linkage
