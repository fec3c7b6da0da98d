// The tables of a published document's figures, built once for both outputs (the printable HTML
// page in print.cc and the PDF in pdf.cc), so the two never disagree on which rows and columns the
// public account shows.
#pragma once
#include <string>
#include <vector>

#include "account/sources.h"

namespace eq::account {

struct FigureTable {
  std::string caption;  // a region's name for the SEREMI tables; empty otherwise
  std::string anchor;   // "region-07" for a region's table; empty otherwise
  std::vector<std::string> head;
  std::vector<double> widths;  // fractions of the text width, one per column
  std::vector<std::vector<std::string>> rows;
  std::string empty;  // said instead of an empty table
};

// A string member of a JSON object ("" when absent or null; numbers as written).
std::string json_str(const Json& j, const char* key);
// The tables of one section's frozen figures (section key: agenda_legislativa, logros, ...).
std::vector<FigureTable> figure_tables(const std::string& key, const Json& figures);

}  // namespace eq::account
