// Policy lists as files: CSV (RFC 4180, UTF-8 with BOM, machine headers, es-CL decimals) or a
// one-sheet XLSX (readable headers, numbers as numbers). Every list export goes through
// table_response. The rows' figures come from rollup.h, never computed here.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "policy/json.h"
#include "policy/xlsx.h"

namespace eq::policy {

// CSV downloads go through core/csv.h (eq::csv_row with spreadsheet protection, eq::kCsvBom).

struct Column {
  std::string csv, xlsx;
  int decimals = 0;  // how the CSV writes a number of this column
};
struct ExportTable {
  std::string file, sheet;  // file name without extension
  std::vector<Column> columns;
  std::vector<std::vector<XlsxCell>> rows;
};
Result<http::Response> table_response(const ExportTable& t, bool xlsx);

// A row of a roll-up by instrument, institution or region.
struct FigureRow {
  std::string key, name;
  Figure figure;
};
ExportTable rollup_table(const std::string& by, const std::vector<FigureRow>& rows);
ExportTable reports_table(const std::vector<ReportRow>& rows, const Names& n);
// The items of an instrument (or of the subtree under one item) in tree order.
ExportTable items_table(const Instrument& ins, const std::vector<Item>& items, const Names& n, std::optional<int64_t> under);
ExportTable periods_table(const Instrument& ins, const std::vector<Period>& periods);

}  // namespace eq::policy
