// Reading the first sheet of an XLSX workbook (Office Open XML) into rows of text, for imports.
// Only what a filing needs: shared and inline strings, numbers as written in the file, booleans.
// No formulas are evaluated (their cached value is read). The ZIP is bounded (entries and inflated
// size), so a crafted file cannot exhaust memory.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace eq::indicators {

// Rows of the first worksheet, each as many cells as its last filled column; empty rows kept as
// empty vectors so row numbers match the spreadsheet's (row 1 = index 0).
Result<std::vector<std::vector<std::string>>> xlsx_rows(std::string_view bytes);

}  // namespace eq::indicators
