// The part of the CSV import that needs no database: the file read into rows by column name, and
// an item row checked field by field. Apart from import.cc so it is unit tested and fuzzed alone.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/repository.h"

namespace eq::policy {

struct Table {
  std::vector<std::string> header;
  std::vector<std::pair<size_t, std::map<std::string, std::string>>> rows;  // file line → column → value
};

// RFC 4180 UTF-8 with a header row; every `required` column present, none outside `known`; at
// most 5,000 rows. Errors name the file (422).
Result<Table> read_table_text(std::string_view body, const std::vector<std::string>& required, const std::vector<std::string>& known);

std::string lower(std::string s);
bool digits(const std::string& s);
std::optional<double> decimal(std::string s);
// One items row; `column` names the column being checked when it fails.
Result<Item> parse_item(const std::map<std::string, std::string>& row, std::string& column);

}  // namespace eq::policy
