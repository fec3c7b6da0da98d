#include "core/csv.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace eq {

CsvReader::CsvReader(std::string_view data) : data_(data) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

Result<bool> CsvReader::next(std::vector<std::string_view>& fields, std::string_view& raw) {
  fields.clear();
  if (pos_ >= data_.size()) return false;
  record_line_ = line_;
  const size_t start = pos_;
  // Quoted fields are unescaped into scratch_; their views are fixed up once scratch_ stops growing.
  scratch_.clear();
  struct Span {
    bool in_scratch;
    size_t begin, size;
  };
  std::vector<Span> spans;
  const size_t n = data_.size();
  while (true) {
    if (pos_ < n && data_[pos_] == '"') {
      ++pos_;
      const size_t b = scratch_.size();
      while (true) {
        if (pos_ >= n)
          return fail(Error::bad_request("csv_unterminated_quote",
                                         "CSV inválido: la comilla abierta en la línea " + std::to_string(record_line_) +
                                             " no se cierra antes del fin del archivo.",
                                         "input"));
        const char c = data_[pos_];
        if (c == '"') {
          if (pos_ + 1 < n && data_[pos_ + 1] == '"') {
            scratch_.push_back('"');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n') ++line_;
        scratch_.push_back(c);
        ++pos_;
      }
      // Tolerate text after the closing quote (`"a"b`), as spreadsheets do: keep it verbatim.
      while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') scratch_.push_back(data_[pos_++]);
      spans.push_back({true, b, scratch_.size() - b});
    } else {
      const size_t b = pos_;
      while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') ++pos_;
      spans.push_back({false, b, pos_ - b});
    }
    if (pos_ < n && data_[pos_] == ',') {
      ++pos_;
      continue;
    }
    break;
  }
  raw = data_.substr(start, pos_ - start);
  if (pos_ < n && data_[pos_] == '\r') {
    ++pos_;
    if (pos_ < n && data_[pos_] == '\n') {
      ++pos_;
      if (!line_end_seen_) line_end_ = "\r\n";
    }
    ++line_;
  } else if (pos_ < n && data_[pos_] == '\n') {
    ++pos_;
    ++line_;
  }
  line_end_seen_ = true;
  for (const Span& s : spans)
    fields.push_back(s.in_scratch ? std::string_view(scratch_).substr(s.begin, s.size) : data_.substr(s.begin, s.size));
  return true;
}

Result<std::vector<std::vector<std::string>>> csv_records(std::string_view data) {
  CsvReader reader(data);
  std::vector<std::string_view> fields;
  std::vector<std::vector<std::string>> out;
  while (true) {
    auto more = reader.next(fields);
    if (!more) return fail(more.error());
    if (!*more) break;
    if (fields.size() == 1 && fields[0].find_first_not_of(" \t") == std::string_view::npos) continue;
    out.emplace_back(fields.begin(), fields.end());
  }
  return out;
}

namespace {

// "=1+2", "@SUM(A1)", "-2+3": a spreadsheet would evaluate them. "-3", "+56,5": plain numbers are left alone.
bool looks_like_formula(std::string_view f) {
  if (f.empty() || (f[0] != '=' && f[0] != '+' && f[0] != '-' && f[0] != '@')) return false;
  return !std::all_of(f.begin() + 1, f.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == ',' || c == '.'; });
}

}  // namespace

void csv_append(std::string& out, std::string_view f, const CsvWriteOptions& options) {
  const bool formula = options.spreadsheet && looks_like_formula(f);
  bool quote = !f.empty() && (f.front() == ' ' || f.back() == ' ');
  for (char c : f)
    if (c == ',' || c == '"' || c == '\n' || c == '\r' || (options.spreadsheet && c == ';')) {
      quote = true;
      break;
    }
  if (!quote) {
    if (formula) out.push_back('\'');
    out.append(f);
    return;
  }
  out.push_back('"');
  if (formula) out.push_back('\'');
  for (char c : f) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string csv_row(const std::vector<std::string>& fields, const CsvWriteOptions& options, std::string_view line_end) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out.push_back(',');
    csv_append(out, fields[i], options);
  }
  out.append(line_end);
  return out;
}

Result<std::string> read_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return fail(Error::not_found("No se pudo abrir el archivo: " + path));
  std::string data;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) data.reserve(static_cast<size_t>(size));
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f.get())) > 0) data.append(buf, got);
  if (std::ferror(f.get())) return fail(Error{500, "io", "Error al leer el archivo: " + path, "input"});
  return data;
}

}  // namespace eq
