// The one CSV reader and writer of the program (record linkage input and output, monitoring replay
// files, policy imports and exports, the territory reference data).
//
// Reading follows RFC 4180: quoted fields with embedded commas, doubled quotes ("") and line breaks;
// CRLF or LF line ends; a UTF-8 byte order mark at the start is skipped. The reader works on a whole
// file in memory and hands out views, so a million-row file costs one copy of its bytes.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace eq {

class CsvReader {
 public:
  explicit CsvReader(std::string_view data);  // data must outlive the reader and the views it returns

  // Reads the next record into fields (views valid until the next call) and raw (the record's
  // bytes as written, without its line end; valid as long as data). Returns false at the end.
  // An unterminated quote is an error naming the line where the record starts.
  Result<bool> next(std::vector<std::string_view>& fields, std::string_view& raw);
  Result<bool> next(std::vector<std::string_view>& fields) {
    std::string_view raw;
    return next(fields, raw);
  }
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

// Every record of a whole text, as owned strings; blank lines are skipped (so a trailing one is
// no record). For small files (reference data); large ones go through CsvReader.
Result<std::vector<std::vector<std::string>>> csv_records(std::string_view data);

struct CsvWriteOptions {
  // For files people open in a spreadsheet: a cell that would be read as a formula (= + - @ first,
  // unless it is a plain number such as -3,5) gets a leading apostrophe, and a ';' is quoted too,
  // because es-CL spreadsheets split on it.
  bool spreadsheet = false;
};

// Appends one field, quoted only when it has to be (comma, quote, CR or LF, or edge spaces).
void csv_append(std::string& out, std::string_view field, const CsvWriteOptions& options = {});
// One record: the fields joined by commas, then `line_end`.
std::string csv_row(const std::vector<std::string>& fields, const CsvWriteOptions& options = {},
                    std::string_view line_end = "\r\n");

// The UTF-8 byte order mark spreadsheets need to read a CSV download as UTF-8.
inline constexpr std::string_view kCsvBom = "\xEF\xBB\xBF";

// A whole file into memory (CSV inputs, JSON models); a Spanish error naming the path.
Result<std::string> read_file(const std::string& path);

}  // namespace eq
