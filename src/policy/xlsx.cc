#include "policy/xlsx.h"

#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto.h"

namespace eq::policy {

// libxlsxwriter 1.1.4 (Debian 12) writes to a file only: a private temporary file, read back and removed.
Result<std::string> xlsx_sheet(const std::string& sheet_name, const std::vector<std::string>& header,
                               const std::vector<std::vector<XlsxCell>>& rows) {
  std::error_code ec;
  auto path = std::filesystem::temp_directory_path(ec) / ("equidad-" + crypto::random_token(12) + ".xlsx");
  if (ec) return fail(Error::internal());
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return fail(Error::internal());
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.substr(0, 31).c_str());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (size_t c = 0; c < header.size(); ++c) worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), bold);
  for (size_t r = 0; r < rows.size(); ++r)
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const auto& cell = rows[r][c];
      auto row = static_cast<lxw_row_t>(r + 1);
      auto col = static_cast<lxw_col_t>(c);
      if (const auto* s = std::get_if<std::string>(&cell)) {
        if (!s->empty()) worksheet_write_string(ws, row, col, s->c_str(), nullptr);
      } else {
        worksheet_write_number(ws, row, col, std::get<double>(cell), nullptr);
      }
    }
  if (!header.empty()) worksheet_freeze_panes(ws, 1, 0);
  lxw_error err = workbook_close(wb);
  std::string bytes;
  if (err == LXW_NO_ERROR) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    bytes = out.str();
  }
  std::filesystem::remove(path, ec);
  if (err != LXW_NO_ERROR || bytes.empty()) return fail(Error::internal());
  return bytes;
}

}  // namespace eq::policy
