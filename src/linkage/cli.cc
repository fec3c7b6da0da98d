#include "linkage/cli.h"

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <thread>
#include <unordered_map>

#include "core/text.h"
#include "core/csv.h"
#include "core/partial_date.h"
#include "core/time.h"
#include "linkage/internal.h"

namespace eq::linkage {
namespace {

enum class Target {
  run, other_document, given_names, surname1, surname2, surnames, birth_date, birth_year, birth_month,
  birth_day, sex, comuna, phone, address
};
const std::map<std::string, Target, std::less<>> kTargets = {
    {"run", Target::run},                 {"other_document", Target::other_document},
    {"given_names", Target::given_names}, {"surname1", Target::surname1},
    {"surname2", Target::surname2},       {"surnames", Target::surnames},
    {"birth_date", Target::birth_date},   {"birth_year", Target::birth_year},
    {"birth_month", Target::birth_month}, {"birth_day", Target::birth_day},
    {"sex", Target::sex},                 {"comuna", Target::comuna},
    {"phone", Target::phone},             {"address", Target::address}};

std::string target_list() {
  std::string s;
  for (const auto& [k, v] : kTargets) s += (s.empty() ? "" : ", ") + k;
  return s;
}

std::string header_list(const std::vector<std::string>& header) {
  std::string s;
  for (const auto& h : header) s += (s.empty() ? "" : ", ") + h;
  return s;
}

struct Mapping {
  std::vector<std::pair<Target, size_t>> columns;
};

Result<Mapping> parse_mapping(const std::string& spec, const std::vector<std::string>& header) {
  Mapping m;
  auto bad = [](std::string msg) { return fail(Error::bad_request("invalid_mapping", std::move(msg), "fields")); };
  if (trim(spec).empty()) return bad("--fields está vacío: indique al menos un campo, p. ej. run=RUT,given_names=Nombres.");
  size_t i = 0;
  while (i <= spec.size()) {
    size_t j = spec.find(',', i);
    if (j == std::string::npos) j = spec.size();
    const std::string item = trim(std::string_view(spec).substr(i, j - i));
    i = j + 1;
    if (item.empty()) continue;
    const size_t eqp = item.find('=');
    if (eqp == std::string::npos)
      return bad("En --fields, \"" + item + "\" no tiene la forma campo=Columna.");
    const std::string key = trim(std::string_view(item).substr(0, eqp));
    const std::string col = trim(std::string_view(item).substr(eqp + 1));
    auto t = kTargets.find(key);
    if (t == kTargets.end())
      return bad("En --fields, el campo \"" + key + "\" no existe. Campos posibles: " + target_list() + ".");
    auto h = std::find(header.begin(), header.end(), col);
    if (h == header.end())  // second chance: spreadsheets change case and accents
      h = std::find_if(header.begin(), header.end(),
                       [&](const std::string& x) { return fold_for_search(trim(x)) == fold_for_search(col); });
    if (h == header.end())
      return bad("La columna \"" + col + "\" indicada en --fields (" + key + ") no existe en el archivo. Columnas: " +
                 header_list(header) + ".");
    for (const auto& [tt, c] : m.columns)
      if (tt == t->second) return bad("En --fields, el campo \"" + key + "\" aparece más de una vez.");
    m.columns.emplace_back(t->second, static_cast<size_t>(h - header.begin()));
  }
  return m;
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// "González Muñoz" → ("González", "Muñoz"); particles stay with their surname ("de la Fuente Soto").
void split_surnames(std::string_view s, std::string& s1, std::string& s2) {
  const std::string t = trim(s);
  size_t pos = 0;
  while (true) {
    const size_t sp = t.find(' ', pos);
    if (sp == std::string::npos) {
      s1 = t;
      s2.clear();
      return;
    }
    const std::string word = fold_for_search(std::string_view(t).substr(pos, sp - pos));
    static const char* kParticles[] = {"de", "del", "la", "las", "los", "san", "santa", "van", "von", "da", "di"};
    if (std::find_if(std::begin(kParticles), std::end(kParticles), [&](const char* p) { return word == p; }) ==
        std::end(kParticles)) {
      s1 = t.substr(0, sp);
      s2 = trim(std::string_view(t).substr(sp + 1));
      return;
    }
    pos = sp + 1;
  }
}

std::optional<char> parse_sex(std::string_view raw) {
  const std::string s = fold_for_search(trim(raw));
  if (s.empty()) return char(0);
  if (s == "f" || s == "femenino" || s == "mujer" || s == "fem") return 'F';
  if (s == "m" || s == "masculino" || s == "hombre" || s == "masc") return 'M';
  if (s == "x" || s == "no binario" || s == "otro" || s == "nb") return 'X';
  return std::nullopt;
}

const char* decision_text(Decision d) {
  switch (d) {
    case Decision::link: return "vincular";
    case Decision::review: return "revisar";
    case Decision::new_person: return "nueva";
  }
  return "";
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) return;
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.2f", v);
  out.append(buf, static_cast<size_t>(n));
}

class Output {
 public:
  explicit Output(const std::string& path) : f_(path.empty() ? stdout : std::fopen(path.c_str(), "wb")), own_(!path.empty()) {}
  ~Output() { close(); }
  bool ok() const { return f_ != nullptr; }
  void write(std::string& buf, bool force = false) {
    if (f_ && (force || buf.size() > (1 << 20))) {
      if (std::fwrite(buf.data(), 1, buf.size(), f_) != buf.size()) failed_ = true;
      buf.clear();
    }
  }
  bool close() {
    if (!f_) return !failed_;
    if (std::fflush(f_) != 0) failed_ = true;
    if (own_ && std::fclose(f_) != 0) failed_ = true;
    f_ = nullptr;
    return !failed_;
  }

 private:
  FILE* f_;
  bool own_;
  bool failed_ = false;
};

class Warnings {
 public:
  explicit Warnings(std::ostream& err) : err_(err) {}
  void add(const std::string& msg) {
    if (++count_ <= 20) err_ << "aviso: " << msg << "\n";
  }
  void skip(size_t n) { count_ += n; }  // warnings counted elsewhere, not shown
  void summary() {
    if (count_ > 20) err_ << "aviso: " << (count_ - 20) << " avisos más omitidos (" << count_ << " en total)\n";
  }

 private:
  std::ostream& err_;
  size_t count_ = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Legacy files write "12-03-85" and "00-03-1985"; the century of a two-digit year follows the clock.
constexpr BirthDateRules kLegacyDates{.two_digit_year = true, .zeros_unknown = true};

// The input file, mapped read-only: once every row is prepared its pages are handed back to the
// kernel (they come back from the page cache when the output copies each raw row), so that a
// 900 MB file does not sit in the process's memory while pairs are compared. Falls back to
// reading into memory when the file cannot be mapped (an empty file, a pipe).
struct InputFile {
  std::string_view text;
  std::string owned;
  void* map = nullptr;
  size_t size = 0;
  InputFile() = default;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    if (map) ::munmap(map, size);
  }
  Result<bool> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    struct stat st {};
    if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* m = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        ::close(fd);
        map = m;
        size = static_cast<size_t>(st.st_size);
        ::madvise(map, size, MADV_SEQUENTIAL);
        text = std::string_view(static_cast<const char*>(map), size);
        return true;
      }
    }
    if (fd >= 0) ::close(fd);
    auto data = read_file(path);
    if (!data) return fail(data.error());
    owned = std::move(*data);
    text = owned;
    return true;
  }
  void release() {
    if (map) ::madvise(map, size, MADV_DONTNEED);
  }
};

// One slice of the file's records: [begin, end) of the data, starting after `lines_before` line ends.
struct Slice {
  size_t begin, end, lines_before;
};

// Cuts [body, size) into at most `parts` slices at record ends: a line end outside quotes.
std::vector<Slice> split_records(std::string_view all, size_t body, size_t parts) {
  std::vector<Slice> out;
  size_t begin = body;
  size_t lines_before = static_cast<size_t>(std::count(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(body), '\n'));
  for (size_t k = 1; k < parts && begin < all.size(); ++k) {
    const size_t target = body + (all.size() - body) * k / parts;
    if (target <= begin) continue;
    // Quote parity from `begin` to `target`, then forward to the first line end outside quotes.
    bool in_quotes = (std::count(all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(target), '"') % 2) != 0;
    size_t i = target;
    while (i < all.size()) {
      const char ch = all[i++];
      if (ch == '"') in_quotes = !in_quotes;
      else if (ch == '\n' && !in_quotes) break;
    }
    if (i >= all.size()) break;
    out.push_back({begin, i, lines_before});
    lines_before += static_cast<size_t>(std::count(all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(i), '\n'));
    begin = i;
  }
  out.push_back({begin, all.size(), lines_before});
  return out;
}

// What one slice gave: rows already prepared, their raw text and line, the truth column's hash,
// and warnings (row within the slice, text after "fila N, ").
struct SliceRows {
  std::vector<detail::Prepared> rows;
  std::vector<std::string_view> raws;
  std::vector<size_t> lines;
  std::vector<uint64_t> truth;
  std::vector<std::pair<size_t, std::string>> warnings;  // the first 21
  size_t warning_count = 0;
  bool failed = false;
  bool sequential = false;  // the whole file by one reader: errors carry file rows and lines
  bool prepare = true;      // false for --parse-only: the baseline maps fields but links nothing
  std::string error;
};

void parse_slice(std::string_view all, const Slice& slice, const Mapping& mapping, const std::vector<std::string>& header,
                 std::optional<size_t> truth_col, int64_t now, SliceRows& out, CsvReader* whole = nullptr) {
  CsvReader local(all.substr(slice.begin, slice.end - slice.begin));
  CsvReader& reader = whole ? *whole : local;
  std::vector<std::string_view> fields;
  std::string_view raw;
  Identity id;  // reused: its strings keep their capacity from row to row
  auto warn = [&](size_t row, std::string text) {
    if (++out.warning_count <= 21) out.warnings.emplace_back(row, std::move(text));
  };
  while (true) {
    auto got = reader.next(fields, raw);
    if (!got) {
      out.failed = true;
      out.error = got.error().message;
      return;
    }
    if (!*got) break;
    if (raw.empty()) continue;  // blank line
    const size_t row = out.raws.size() + 1;
    const size_t line = slice.lines_before + reader.line() - (whole ? slice.lines_before : 0);
    if (fields.size() != header.size()) {
      out.failed = true;
      out.error = "la fila " + std::to_string(row) + " (línea " + std::to_string(line) + ") tiene " +
                  std::to_string(fields.size()) + " columnas y el encabezado tiene " + std::to_string(header.size()) + ".";
      return;
    }
    if (out.sequential) {  // only looking for the error
      out.raws.push_back(raw);
      continue;
    }
    for (std::string* f : {&id.run, &id.other_document, &id.given_names, &id.surname1, &id.surname2, &id.comuna,
                           &id.phone, &id.address})
      f->clear();
    id.birth_year = id.birth_month = id.birth_day = 0;
    id.sex = 0;
    for (const auto& [target, col] : mapping.columns) {
      const std::string_view v = fields[col];
      switch (target) {
        case Target::run: id.run = v; break;
        case Target::other_document: id.other_document = v; break;
        case Target::given_names: id.given_names = v; break;
        case Target::surname1: id.surname1 = v; break;
        case Target::surname2: id.surname2 = v; break;
        case Target::surnames: split_surnames(v, id.surname1, id.surname2); break;
        case Target::birth_date:
          if (auto born = eq::parse_birth_date(v, now, header[col], kLegacyDates))
            id.birth_year = born->year, id.birth_month = born->month, id.birth_day = born->day;
          else
            warn(row, "columna " + header[col] + ": fecha no reconocida \"" + std::string(v) +
                          "\"; se considera desconocida (use dd-mm-aaaa, aaaa-mm-dd o aaaa).");
          break;
        case Target::birth_year:
        case Target::birth_month:
        case Target::birth_day: {
          const std::string t = trim(v);
          if (t.empty()) break;
          if (!digits(t) || t.size() > 4) {
            warn(row, "columna " + header[col] + ": número no reconocido \"" + t + "\".");
            break;
          }
          (target == Target::birth_year ? id.birth_year : target == Target::birth_month ? id.birth_month : id.birth_day) =
              to_int(t);
          break;
        }
        case Target::sex: {
          auto sx = parse_sex(v);
          if (!sx) warn(row, "columna " + header[col] + ": sexo no reconocido \"" + std::string(v) +
                                 "\" (use F, M o X); se considera desconocido.");
          id.sex = sx.value_or(0);
          break;
        }
        case Target::comuna: id.comuna = v; break;
        case Target::phone: id.phone = v; break;
        case Target::address: id.address = v; break;
      }
    }
    if (truth_col) out.truth.push_back(detail::hash_string(fields[*truth_col]));
    if (out.prepare) out.rows.push_back(detail::prepare(id));
    out.raws.push_back(raw);
    out.lines.push_back(line);
  }
}

}  // namespace

int run_link(const LinkCommand& c, std::ostream& out, std::ostream& err) {
  const int64_t run_started_ms = now_ms();
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  InputFile input;
  if (auto opened = input.open(c.input); !opened) {
    err << "error: " << opened.error().message << "\n";
    return 1;
  }
  const std::string_view* data = &input.text;
  std::optional<Model> fixed;
  if (!c.model_in.empty()) {
    auto text = read_file(c.model_in);
    if (!text) {
      err << "error: " << text.error().message << "\n";
      return 1;
    }
    auto m = Model::from_json(*text);
    if (!m) {
      err << "error: " << m.error().message << " (" << c.model_in << ")\n";
      return 2;
    }
    fixed = std::move(*m);
  }
  if (!(c.upper >= c.lower)) {
    err << "error: --upper debe ser mayor o igual que --lower.\n";
    return 2;
  }
  // The diagnosis compares clusters with the true persons: without them it would print nothing.
  if (c.diagnose && c.truth.empty()) {
    err << "error: --diagnose necesita --truth (la columna con la persona verdadera).\n";
    return 2;
  }

  CsvReader reader(*data);
  std::vector<std::string_view> fields;
  std::string_view raw_header;
  auto first = reader.next(fields, raw_header);
  if (!first) {
    err << "error: " << first.error().message << "\n";
    return 2;
  }
  if (!*first) {
    err << "error: el archivo " << c.input << " está vacío (falta la fila de encabezado).\n";
    return 2;
  }
  std::vector<std::string> header(fields.begin(), fields.end());
  auto mapping = parse_mapping(c.fields, header);
  if (!mapping) {
    err << "error: " << mapping.error().message << "\n";
    return 2;
  }

  std::optional<size_t> truth_col;
  if (!c.truth.empty()) {
    auto h = std::find(header.begin(), header.end(), c.truth);
    if (h == header.end()) {
      err << "error: la columna \"" << c.truth << "\" indicada en --truth no existe en el archivo.\n";
      return 2;
    }
    truth_col = static_cast<size_t>(h - header.begin());
  }
  // Rows are parsed and prepared in parallel, one slice of the file per thread (cut at record ends,
  // outside quotes), and kept only as prepared rows: at ten million rows the parsed Identity
  // strings would not fit beside everything else. A slice that finds an error stops; the file is
  // then read again by one reader, so that the message names the right row and line.
  int threads = c.threads > 0 ? c.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 8);
  const std::string_view all(*data);
  size_t body = static_cast<size_t>(raw_header.data() + raw_header.size() - all.data());
  body += all.compare(body, 2, "\r\n") == 0 ? 2 : all.compare(body, 1, "\n") == 0 ? 1 : 0;
  body = std::min(body, all.size());
  std::vector<Slice> slices = split_records(all, body, all.size() < (1u << 20) ? 1 : static_cast<size_t>(threads));
  std::vector<SliceRows> parsed(slices.size());
  for (auto& p : parsed) p.prepare = !c.parse_only;
  {
    std::vector<std::thread> pool;
    for (size_t k = 1; k < slices.size(); ++k)
      pool.emplace_back([&, k] { parse_slice(all, slices[k], *mapping, header, truth_col, run_started_ms, parsed[k]); });
    parse_slice(all, slices[0], *mapping, header, truth_col, run_started_ms, parsed[0]);
    for (auto& t : pool) t.join();
  }
  bool failed = false;
  for (const auto& p : parsed) failed = failed || p.failed;
  if (failed) {  // read again by one reader for the exact message
    SliceRows whole;
    whole.sequential = true;
    parse_slice(all, Slice{body, all.size(), 0}, *mapping, header, truth_col, run_started_ms, whole, &reader);
    err << "error: " << (whole.failed ? whole.error : std::string("el archivo no se pudo leer por partes")) << "\n";
    return 2;
  }
  Warnings warn(err);
  size_t row_count = 0;
  for (const auto& p : parsed) {
    for (const auto& [local_row, text] : p.warnings) warn.add("fila " + std::to_string(row_count + local_row) + ", " + text);
    warn.skip(p.warning_count - p.warnings.size());
    row_count += p.raws.size();
  }
  warn.summary();
  std::vector<std::string_view> raws;
  std::vector<size_t> lines;
  std::vector<int64_t> truth;
  std::vector<detail::Prepared> rows;
  raws.reserve(row_count);
  lines.reserve(row_count);
  rows.reserve(row_count);
  if (truth_col) truth.reserve(row_count);
  std::unordered_map<uint64_t, int64_t> truth_ids;  // dense ids in order of first row, as the file names them
  for (auto& p : parsed) {
    raws.insert(raws.end(), p.raws.begin(), p.raws.end());
    lines.insert(lines.end(), p.lines.begin(), p.lines.end());
    for (auto& r : p.rows) rows.push_back(std::move(r));
    for (uint64_t h : p.truth) truth.push_back(truth_ids.emplace(h, static_cast<int64_t>(truth_ids.size())).first->second);
    p = SliceRows{};
  }
  decltype(truth_ids)().swap(truth_ids);
  input.release();  // the rows are prepared: the file's pages are not needed until the output
  const double t_read = seconds_since(t_start);

  BatchResult res;
  const auto t_link = clock::now();
  if (c.parse_only) {
    res.cluster.resize(row_count);
    for (size_t i = 0; i < row_count; ++i) res.cluster[i] = static_cast<int64_t>(i);
    res.weight.assign(row_count, std::nan(""));
    res.decision.assign(row_count, Decision::new_person);
  } else {
    BatchOptions o;
    o.thresholds = {c.upper, c.lower};
    o.threads = c.threads;
    o.max_block = c.max_block;
    o.window = c.window;
    o.sorted_window = c.sorted_window;
    o.second_window = c.second_window;
    o.frequency_cap = c.frequency_cap;
    o.combination_cap = c.combination_cap;
    o.combination_floor = c.combination_floor;
    if (c.diagnose && truth_col) o.truth = &truth;
    if (fixed) {
      o.model = *fixed;
      o.estimate = false;
    }
    res = detail::link_prepared(std::move(rows), o);
  }
  const double t_linked = seconds_since(t_link);

  const auto t_write = clock::now();
  Output o(c.output);
  if (!o.ok()) {
    err << "error: no se pudo crear el archivo de salida " << c.output << "\n";
    return 1;
  }
  const std::string_view nl = reader.line_end();
  std::string buf;
  buf.reserve(2 << 20);
  buf.append(raw_header);
  buf.append(",person,match_weight,decision");
  buf.append(nl);
  for (size_t i = 0; i < row_count; ++i) {
    buf.append(raws[i]);
    buf.push_back(',');
    buf.append(std::to_string(res.cluster[i]));
    buf.push_back(',');
    append_double(buf, res.weight[i]);
    buf.push_back(',');
    buf.append(decision_text(res.decision[i]));
    buf.append(nl);
    o.write(buf);
  }
  o.write(buf, true);
  if (!o.close()) {
    err << "error: no se pudo escribir la salida " << c.output << "\n";
    return 1;
  }
  if (!c.review.empty()) {
    Output r(c.review);
    if (!r.ok()) {
      err << "error: no se pudo crear el archivo de revisión " << c.review << "\n";
      return 1;
    }
    std::string rb = "fila_a,fila_b,linea_a,linea_b,peso,persona_a,persona_b\n";
    for (size_t k = 0; k < res.review.size(); ++k) {
      const auto [a, b] = res.review[k];
      rb += std::to_string(a + 1) + "," + std::to_string(b + 1) + "," + std::to_string(lines[a]) + "," +
            std::to_string(lines[b]) + ",";
      append_double(rb, res.review_weight[k]);
      rb += "," + std::to_string(res.cluster[a]) + "," + std::to_string(res.cluster[b]) + "\n";
      r.write(rb);
    }
    r.write(rb, true);
    if (!r.close()) {
      err << "error: no se pudo escribir " << c.review << "\n";
      return 1;
    }
  }
  if (!c.model_out.empty() && !c.parse_only) {
    std::ofstream mf(c.model_out, std::ios::binary);
    mf << (fixed ? res.model.to_json() : res.model.to_json(res.stats.em)) << "\n";
    if (!mf) {
      err << "error: no se pudo escribir el modelo en " << c.model_out << "\n";
      return 1;
    }
  }
  const double t_written = seconds_since(t_write);

  size_t persons = 0;
  for (int64_t k : res.cluster) persons = std::max(persons, static_cast<size_t>(k + 1));
  const auto& st = res.stats;
  err << row_count << " filas → " << persons << " personas; " << res.review.size() << " pares en revisión\n";
  if (!c.parse_only) {
    err << "pares comparados: " << st.candidate_pairs << " (conservados tras EM, sobre el umbral inferior o RUN "
        << "idéntico: " << st.pairs_kept << "; RUN válido idéntico: " << st.exact_run_pairs
        << "; tope lineal con estas opciones: " << st.max_pairs << "); bloques grandes comparados por ventana: "
        << st.oversize_blocks_skipped << " (" << st.rows_in_oversize_blocks
        << " filas); vínculos rechazados por RUN distintos: " << st.run_conflicts << "\n";
    for (const auto& ps : st.passes) {
      if (ps.rows == 0) continue;
      err << "pasada " << ps.name << ": " << ps.rows << " filas";
      if (ps.blocks) err << " en " << ps.blocks << " bloques";
      if (ps.windowed_blocks) {
        err << " (" << ps.windowed_blocks << " por ventana, " << ps.rows_in_windowed_blocks << " filas";
        if (ps.second_ordered_blocks) err << "; " << ps.second_ordered_blocks << " también en un segundo orden";
        err << ")";
      }
      err << "; pares candidatos " << ps.pairs << ", nuevos " << ps.new_pairs << "\n";
    }
    err << "EM: " << st.em.iterations << " iteraciones" << (st.em.converged ? "" : " (sin converger)")
        << ", proporción de coincidencias " << st.em.match_share << "\n";
    for (int f = 0; f < kFieldCount; ++f) {
      const FieldEstimate& e = st.em.fields[f];
      err << "EM " << field_name(static_cast<Field>(f)) << ": "
          << (e.status == FieldEstimate::estimated ? "estimado"
              : e.status == FieldEstimate::m_only  ? "m estimado, u inicial"
                                                   : "valor inicial")
          << " (" << e.pairs << " pares)";
      if (!e.note.empty()) err << " — " << e.note;
      err << "\n";
    }
  }
  if (truth_col && !c.parse_only) {
    const PairQuality q = pair_quality(res.cluster, truth);
    char qbuf[256];
    std::snprintf(qbuf, sizeof qbuf,
                  "calidad contra %s: precisión %.4f, exhaustividad %.4f (pares: %llu verdaderos, %llu predichos, %llu "
                  "correctos); filas en revisión %.2f %%\n",
                  c.truth.c_str(), q.precision, q.recall, static_cast<unsigned long long>(q.true_pairs),
                  static_cast<unsigned long long>(q.predicted_pairs), static_cast<unsigned long long>(q.correct_pairs),
                  100.0 * static_cast<double>(std::count(res.decision.begin(), res.decision.end(), Decision::review)) /
                      static_cast<double>(std::max<size_t>(1, row_count)));
    err << qbuf;
    err << res.stats.diagnosis;
  }
  char timing[256];
  std::snprintf(timing, sizeof timing,
                "tiempos (s): lectura %.2f, preparación %.2f, bloques %.2f, comparación %.2f, EM %.2f, grupos %.2f, "
                "vinculación total %.2f, escritura %.2f\n",
                t_read, st.seconds_prepare, st.seconds_block, st.seconds_compare, st.seconds_em, st.seconds_cluster,
                t_linked, t_written);
  err << timing;
  (void)out;
  return 0;
}

namespace {

std::string date_text(const Identity& p) { return format_partial_date({p.birth_year, p.birth_month, p.birth_day}); }

long rss_kib(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  return -1;
}

int bench_incremental(const SynthCommand& c, std::ostream& out) {
  using clock = std::chrono::steady_clock;
  SynthOptions so = c.synth;
  const size_t fresh = c.queries / 5;  // a fifth of the queries are persons not in the index
  so.persons = c.synth.persons + fresh;
  so.records = 0;
  const long rss0 = rss_kib("VmRSS:");
  auto t0 = clock::now();
  SynthData d = synthesize(so);
  out << "personas generadas: " << so.persons << " en " << seconds_since(t0) << " s\n";

  // The queries are drawn before loading, so that each clean person can be freed once it is in
  // the index: at ten million persons the clean identities and the index would not both fit.
  struct Query {
    Identity id;
    int64_t truth;  // 0 = not in the index
  };
  std::vector<Query> queries;
  for (size_t q = 0; q < c.queries; ++q) {
    if (q % 5 == 4 && fresh) {
      const size_t who = c.synth.persons + (q / 5) % fresh;
      queries.push_back({perturb(d.persons[who], c.synth.error_rate, 77 + q), 0});
    } else {
      const size_t who = (q * 2654435761u) % c.synth.persons;
      queries.push_back({perturb(d.persons[who], c.synth.error_rate, 99991 + q), static_cast<int64_t>(who + 1)});
    }
  }
  Index index;
  if (c.index_max_block) index.set_max_block(c.index_max_block);
  t0 = clock::now();
  for (size_t i = 0; i < c.synth.persons; ++i) {
    index.add(static_cast<int64_t>(i + 1), static_cast<int64_t>(i + 1),
              perturb(d.persons[i], c.synth, c.synth.seed * 1000003 + i));
    d.persons[i] = Identity{};
  }
  std::vector<Identity>().swap(d.persons);
  const double load = seconds_since(t0);
  const long rss1 = rss_kib("VmRSS:");
  // Measured from before the persons were generated: an upper bound of the index's memory (it
  // includes what the allocator kept of the freed persons).
  out << "índice: " << index.persons() << " personas cargadas en " << load << " s ("
      << static_cast<double>(c.synth.persons) / load << " add/s); memoria del índice ≤ "
      << (rss1 - rss0) / 1024 << " MiB (" << (rss1 - rss0) * 1024.0 / static_cast<double>(c.synth.persons)
      << " bytes por variante, cota superior)\n";
  // Wall time per query includes waiting for a core on a shared machine; the thread's own CPU time
  // does not, so both are reported (the machine these figures come from runs several builds).
  std::vector<double> lat(queries.size()), cpu(queries.size());
  auto thread_cpu_us = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
  };
  size_t right = 0, wrong = 0, review = 0, missed = 0, fresh_linked = 0, fresh_total = 0;
  for (size_t q = 0; q < queries.size(); ++q) {
    const double c0 = thread_cpu_us();
    const auto a = clock::now();
    const Match m = index.match(queries[q].id);
    lat[q] = std::chrono::duration<double, std::micro>(clock::now() - a).count();
    cpu[q] = thread_cpu_us() - c0;
    if (queries[q].truth == 0) {
      ++fresh_total;
      if (m.decision == Decision::link) ++fresh_linked;
    } else if (m.decision == Decision::link) {
      (m.person_id == queries[q].truth ? right : wrong)++;
    } else if (m.decision == Decision::review) {
      ++review;
    } else {
      ++missed;
    }
  }
  std::vector<double> sorted = lat;
  std::sort(sorted.begin(), sorted.end());
  auto pct = [&](double p) { return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))]; };
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "match() un hilo, %zu consultas: p50 %.1f µs, p90 %.1f µs, p99 %.1f µs, máx %.1f µs\n", sorted.size(),
                pct(0.5), pct(0.9), pct(0.99), sorted.back());
  out << buf;
  sorted = cpu;
  std::sort(sorted.begin(), sorted.end());
  std::snprintf(buf, sizeof buf,
                "match() un hilo, CPU del hilo por consulta (sin espera de núcleo): p50 %.1f µs, p90 %.1f µs, p99 %.1f "
                "µs, máx %.1f µs\n",
                pct(0.5), pct(0.9), pct(0.99), sorted.back());
  out << buf;
  const size_t known = right + wrong + review + missed;
  std::snprintf(buf, sizeof buf,
                "personas existentes (%zu): vinculadas bien %.2f %%, mal %.3f %%, a revisión %.2f %%, no encontradas "
                "%.2f %%; personas nuevas (%zu) vinculadas por error: %.3f %%\n",
                known, 100.0 * right / known, 100.0 * wrong / known, 100.0 * review / known, 100.0 * missed / known,
                fresh_total, fresh_total ? 100.0 * fresh_linked / fresh_total : 0.0);
  out << buf;
  // The same queries from several threads at once: shared lock, throughput.
  const int th = std::max(1, c.threads);
  std::vector<std::vector<double>> tl(th);
  t0 = clock::now();
  {
    std::vector<std::thread> pool;
    for (int t = 0; t < th; ++t)
      pool.emplace_back([&, t] {
        for (size_t q = static_cast<size_t>(t); q < queries.size(); q += static_cast<size_t>(th)) {
          const auto a = clock::now();
          (void)index.match(queries[q].id);
          tl[t].push_back(std::chrono::duration<double, std::micro>(clock::now() - a).count());
        }
      });
    for (auto& p : pool) p.join();
  }
  const double wall = seconds_since(t0);
  std::vector<double> all;
  for (auto& v : tl) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  std::snprintf(buf, sizeof buf, "match() %d hilos: %.0f consultas/s, p50 %.1f µs, p99 %.1f µs\n", th,
                static_cast<double>(all.size()) / wall, all[all.size() / 2],
                all[std::min(all.size() - 1, static_cast<size_t>(0.99 * all.size()))]);
  out << buf;
  out << "bloques sobredimensionados omitidos en match(): " << index.stats().oversize_blocks_skipped << "\n";
  out << "consultas con candidatos recortados a los 256 mejor encontrados: " << index.stats().capped_queries << "\n";
  out << "memoria máxima del proceso (VmHWM): " << rss_kib("VmHWM:") / 1024 << " MiB\n";
  return 0;
}

}  // namespace

int run_synth(const SynthCommand& command, std::ostream& out, std::ostream& err) {
  SynthCommand c = command;
  c.synth.shape = c.shape == "extranjera" ? SynthShape::foreign : SynthShape::chilean;
  if (c.synth.persons == 0) {
    err << "error: --persons debe ser mayor que 0.\n";
    return 2;
  }
  if (!(c.synth.error_rate >= 0 && c.synth.error_rate <= 1)) {
    err << "error: --error-rate debe estar entre 0 y 1.\n";
    return 2;
  }
  if (c.bench_incremental) return bench_incremental(c, out);
  if (c.output.empty()) {
    err << "error: indique --output (o --bench-incremental).\n";
    return 2;
  }
  const SynthData d = synthesize(c.synth);
  Output o(c.output);
  if (!o.ok()) {
    err << "error: no se pudo crear el archivo " << c.output << "\n";
    return 1;
  }
  const bool foreign = c.synth.shape == SynthShape::foreign;
  // The foreign shape has no RUN, comuna or phone column at all: files of that shape lack them.
  std::string buf = foreign ? "Documento,Nombres,ApellidoPaterno,ApellidoMaterno,FechaNac,Sexo,Direccion,true_person\n"
                            : "RUN,Pasaporte,Nombres,ApellidoPaterno,ApellidoMaterno,FechaNac,Sexo,Comuna,Telefono,"
                              "Direccion,true_person\n";
  for (size_t i = 0; i < d.records.size(); ++i) {
    const Identity& r = d.records[i];
    if (!foreign) {
      csv_append(buf, r.run);
      buf.push_back(',');
    }
    for (const std::string* s : {&r.other_document, &r.given_names, &r.surname1, &r.surname2}) {
      csv_append(buf, *s);
      buf.push_back(',');
    }
    buf += date_text(r);
    buf.push_back(',');
    if (r.sex) buf.push_back(r.sex);
    buf.push_back(',');
    if (!foreign)
      for (const std::string* s : {&r.comuna, &r.phone}) {
        csv_append(buf, *s);
        buf.push_back(',');
      }
    csv_append(buf, r.address);
    buf.push_back(',');
    buf += std::to_string(d.true_person[i]);
    buf.push_back('\n');
    o.write(buf);
  }
  o.write(buf, true);
  if (!o.close()) {
    err << "error: no se pudo escribir " << c.output << "\n";
    return 1;
  }
  err << d.records.size() << " registros de " << d.persons.size() << " personas escritos en " << c.output
      << "\nmapeo para equidad link: --fields "
      << (foreign ? "other_document=Documento,given_names=Nombres,surname1=ApellidoPaterno,surname2=ApellidoMaterno,"
                    "birth_date=FechaNac,sex=Sexo,address=Direccion\n"
                  : "run=RUN,other_document=Pasaporte,given_names=Nombres,surname1=ApellidoPaterno,"
                    "surname2=ApellidoMaterno,birth_date=FechaNac,sex=Sexo,comuna=Comuna,phone=Telefono,"
                    "address=Direccion\n");
  return 0;
}

void add_commands(CLI::App& app) {
  // Owned by the subcommands' callbacks for the life of the program.
  auto link = std::make_shared<LinkCommand>();
  auto* l = app.add_subcommand("link", "Link the records of a CSV file into persons (no database needed)");
  l->add_option("--input", link->input, "CSV file (RFC 4180, UTF-8, header row)")->required();
  l->add_option("--fields", link->fields,
                "Column mapping, e.g. run=RUT,given_names=Nombres,surname1=ApellidoPaterno,surname2=ApellidoMaterno,"
                "birth_date=FechaNac,sex=Sexo,comuna=Comuna,address=Direccion,phone=Telefono,other_document=Pasaporte "
                "(also surnames=Apellidos, birth_year/birth_month/birth_day)")
      ->required();
  l->add_option("--output", link->output, "Output CSV: every input column + person, match_weight, decision (default: stdout)");
  l->add_option("--review", link->review, "CSV of row pairs sent to review, with their weights");
  l->add_option("--model", link->model_out, "Write the estimated m/u model (JSON) here");
  l->add_option("--use-model", link->model_in, "Link with this model (JSON) instead of estimating one by EM");
  l->add_option("--upper", link->upper, "Upper threshold (log2 weight): link at or above")->capture_default_str();
  l->add_option("--lower", link->lower, "Lower threshold (log2 weight): review at or above, new person below")
      ->capture_default_str();
  l->add_option("--threads", link->threads, "Worker threads (0 = all cores)")->capture_default_str();
  l->add_option("--max-block", link->max_block,
                "Blocks with more rows than this are compared by window, not every pair (keeps comparisons linear)")
      ->capture_default_str();
  l->add_option("--window", link->window, "Window inside blocks over --max-block")->capture_default_str();
  l->add_option("--second-window", link->second_window,
                "Window in the second order (date or address first) of name blocks over --max-block; 0 = off")
      ->capture_default_str();
  l->add_option("--sorted-window", link->sorted_window,
                "Sorted-neighbourhood window on names (surname first and given name first); 0 = off")
      ->capture_default_str();
  l->add_option("--combination-cap", link->combination_cap,
                "Whole-name frequency weights: at most this many bits more or less for an exact name combination; 0 = off")
      ->capture_default_str();
  l->add_option("--combination-floor", link->combination_floor,
                "Lowest whole-name term (0 = a common combination is never weighed down)")
      ->capture_default_str();
  l->add_option("--frequency-cap", link->frequency_cap,
                "Name-frequency weights: at most this many bits more or less per agreeing name field (2 was tried); 0 = off")
      ->capture_default_str();
  l->add_flag("--diagnose", link->diagnose,
              "With --truth: classify the true pairs left in different clusters (never compared, and what differs; or "
              "compared, and their field levels)");
  l->add_flag("--parse-only", link->parse_only, "Baseline: read, map and write without linking");
  l->add_option("--truth", link->truth, "Column holding the true person id (e.g. true_person from synth): report pairwise quality");
  l->callback([link] { throw CLI::RuntimeError(run_link(*link, std::cout, std::cerr)); });

  auto synth = std::make_shared<SynthCommand>();
  auto* s = app.add_subcommand("synth", "Write synthetic registry records (with a true_person column) for tests and benchmarks");
  s->add_option("--persons", synth->synth.persons, "Distinct persons")->required();
  s->add_option("--records", synth->synth.records, "Records drawn from them")->capture_default_str();
  s->add_option("--error-rate", synth->synth.error_rate, "Error rate (0–1)")->capture_default_str();
  s->add_option("--seed", synth->synth.seed, "Random seed (same seed, same file)")->capture_default_str();
  s->add_option("--output", synth->output, "Output CSV");
  s->add_option("--shape", synth->shape,
                "chilena (RUN, comuna, phone) or extranjera (no RUN, comuna or phone: foreign document, names, "
                "birth date, address, with typos)")
      ->check(CLI::IsMember({"chilena", "extranjera"}))
      ->capture_default_str();
  s->add_flag("--bench-incremental", synth->bench_incremental,
              "Instead: load --persons into an Index and time match() (p50/p99), printing a report");
  s->add_option("--queries", synth->queries, "Queries for --bench-incremental")->capture_default_str();
  s->add_option("--index-max-block", synth->index_max_block,
                "For --bench-incremental: blocks with more variants than this are not scanned by match() (0 = the "
                "index's default)");
  s->add_option("--threads", synth->threads, "Threads for the concurrent part of --bench-incremental")->capture_default_str();
  s->callback([synth] { throw CLI::RuntimeError(run_synth(*synth, std::cout, std::cerr)); });
}

}  // namespace eq::linkage
