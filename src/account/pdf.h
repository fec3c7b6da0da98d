// The public account as a PDF, laid out with pango and drawn with cairo (no browser, no HTML
// engine): cover, table of contents with page numbers and internal links, a PDF outline, justified
// paragraphs that flow across pages, tables whose header row repeats on every page they cross,
// bar charts drawn as vector paths, and «Página N de M» on every page. It renders only the frozen
// document of a published edition, so the same edition always gives the same text and figures.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace eq::account {

// One page's share of a table: rows [first, last), drawn under a repeated header row.
struct TableSlice {
  size_t first = 0, last = 0;
};
// Splits rows of the given heights into page slices. Every slice starts with the header (height
// `header`); the first slice has `first_room` points of room, each following one `page_room`. A
// row never splits; a row taller than a whole page gets a page of its own (it overflows the
// bottom margin rather than losing text). A first slice that cannot hold the header and one row
// is empty (first == last == 0): the table starts on the next page.
std::vector<TableSlice> paginate_rows(const std::vector<double>& rows, double header, double first_room, double page_room);

struct Pdf {
  std::string bytes;
  int pages = 0;
};
// Renders a published document (the frozen JSON, as in print_html) with its SHA-256.
Result<Pdf> render_pdf(const nlohmann::json& document, const std::string& sha256);

}  // namespace eq::account
