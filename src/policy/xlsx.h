// One-sheet XLSX workbooks for the module's list exports (libxlsxwriter): a bold header row and
// then the rows, numbers stored as numbers and text as text.
#pragma once
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"

namespace eq::policy {

using XlsxCell = std::variant<std::string, double>;

Result<std::string> xlsx_sheet(const std::string& sheet_name, const std::vector<std::string>& header,
                               const std::vector<std::vector<XlsxCell>>& rows);

inline constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

}  // namespace eq::policy
