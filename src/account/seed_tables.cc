#include "account/seed_tables.h"

#include <cstdio>
#include <regex>
#include <sstream>

namespace eq::account {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

std::string trim(std::string s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// "<p>a</p> <p>b</p>" → "a\nb": paragraphs and lists become lines; the page escapes whatever is left.
std::string plain(const std::string& cell) {
  std::string s = std::regex_replace(cell, std::regex(R"(</p>\s*<p>)"), "\n");
  // The seed also opens lists it never closes (<ol style="…">, <ul>): every other tag is markup
  // of the source document, not text, and goes.
  s = std::regex_replace(s, std::regex(R"(<(ol|ul)[^>]*>\s*)"), "\n");
  s = std::regex_replace(s, std::regex(R"(</?[a-z]+[^>]*>)"), "");
  return trim(s);
}

void append(std::string& to, const std::string& more) {
  if (more.empty()) return;
  to += to.empty() ? more : "\n" + more;
}

const char* kMonths[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"};

int month_of(std::string name) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (int i = 0; i < 12; ++i)
    if (name == kMonths[i]) return i + 1;
  return 0;
}

std::string dd_mm_yyyy(int d, int m, int y) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d-%02d-%04d", d, m, y);
  return buf;
}

bool valid_day(int d, int m, int y) {
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y >= 2000 && y < 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] && !(m == 2 && d == 29 && y % 4 != 0);
}

}  // namespace

std::string region_of_heading(const std::string& heading) {
  // The seed names regions its own way ("Región de los Ríos", "Región de Aysén"); a key word of
  // each is enough, checked in an order where none is part of another.
  static const std::pair<const char*, const char*> kKeys[] = {
      {"Arica", "15"},    {"Tarapacá", "01"},      {"Antofagasta", "02"}, {"Atacama", "03"}, {"Coquimbo", "04"}, {"Valparaíso", "05"},
      {"Metropolitana", "13"}, {"O'Higgins", "06"}, {"Maule", "07"},      {"Biobío", "08"},  {"Ñuble", "16"},    {"Araucanía", "09"},
      {"Ríos", "14"},     {"Lagos", "10"},         {"Aysén", "11"},       {"Magallanes", "12"}};
  for (const auto& [key, id] : kKeys)
    if (heading.find(key) != std::string::npos) return id;
  return {};
}

void recognise_date(const std::string& title, std::optional<std::string>& day, std::string& date_text) {
  day.reset();
  date_text.clear();
  std::smatch m;
  // 03-11-20, 28/04/2020, 14-4-20
  static const std::regex numeric(R"((^|[^0-9])([0-9]{1,2})[-/]([0-9]{1,2})[-/]([0-9]{4}|[0-9]{2})([^0-9]|$))");
  if (std::regex_search(title, m, numeric)) {
    int d = std::stoi(m[2]), mo = std::stoi(m[3]), y = std::stoi(m[4]);
    if (y < 100) y += 2000;
    if (valid_day(d, mo, y)) {
      day = dd_mm_yyyy(d, mo, y);
      date_text = *day;
      return;
    }
  }
  // 17 de junio de 2020, 6 de Marzo de 2020
  static const std::regex long_form(R"(([0-9]{1,2}) de ([A-Za-z]+)( de)? ([0-9]{4}))", std::regex::icase);
  if (std::regex_search(title, m, long_form)) {
    int d = std::stoi(m[1]), mo = month_of(m[2]), y = std::stoi(m[4]);
    if (mo && valid_day(d, mo, y)) {
      day = dd_mm_yyyy(d, mo, y);
      date_text = *day;
      return;
    }
  }
  // Marzo 2021, enero de 2020, diciembre-2020, (Marzo 2020)
  static const std::regex month_form(R"(([A-Za-z]+)( de |[ -])([0-9]{4}))", std::regex::icase);
  for (auto it = std::sregex_iterator(title.begin(), title.end(), month_form); it != std::sregex_iterator(); ++it) {
    if (int mo = month_of((*it)[1])) {
      date_text = std::string(kMonths[mo - 1]) + " de " + (*it)[3].str();
      return;
    }
  }
  // Año 2020, (2020), (Enero a Diciembre 2020)
  static const std::regex year(R"((^|[^0-9])(20[0-9]{2})([^0-9]|$))");
  if (std::regex_search(title, m, year)) date_text = m[2];
}

std::vector<SeedRow> parse_seed_tables(const std::string& text) {
  std::vector<SeedRow> rows;
  std::string region;
  bool in_table = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string first = trim(line.substr(0, line.find('\t')));
    if (first.rfind("Región", 0) == 0) {  // a region's heading (with or without trailing tabs)
      region = region_of_heading(first);
      in_table = false;
      continue;
    }
    if (first == "Hito o acción") {
      in_table = !region.empty();
      continue;
    }
    if (!in_table || trim(line).empty()) continue;
    auto cells = split_tabs(line);
    for (auto& c : cells) c = plain(c);
    cells.resize(std::max<size_t>(cells.size(), 3));
    const bool continuation = cells[0].empty() || cells[0] == "---" || (cells[0].front() == '(' && cells[0].back() == ')' && cells[1].empty());
    if (continuation && !rows.empty() && rows.back().region_id == region) {
      // A wrapped cell: its pieces go on under the row above, cell by cell.
      auto& r = rows.back();
      if (cells[0] != "---") append(r.title, cells[0]);
      append(r.description, cells[1]);
      for (size_t i = 2; i < cells.size(); ++i) append(r.results, cells[i]);
      continue;
    }
    SeedRow r;
    r.region_id = region;
    r.title = cells[0];
    r.description = cells[1];
    for (size_t i = 2; i < cells.size(); ++i) append(r.results, cells[i]);
    rows.push_back(std::move(r));
  }
  for (auto& r : rows) recognise_date(r.title, r.day, r.date_text);
  return rows;
}

}  // namespace eq::account
