#include "policy/import_rows.h"

#include <algorithm>

#include "core/text.h"
#include "core/csv.h"

namespace eq::policy {

std::string lower(std::string s) {
  for (auto& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

Result<Table> read_table_text(std::string_view body, const std::vector<std::string>& required, const std::vector<std::string>& known) {
  if (body.empty()) return fail(Error::invalid("file", "El archivo está vacío.", "empty"));
  eq::CsvReader reader(body);
  std::vector<std::string_view> fields;
  std::string_view raw;
  Table t;
  auto first = reader.next(fields, raw);
  if (!first) return fail(Error::invalid("file", first.error().message, "invalid_csv"));
  if (!*first) return fail(Error::invalid("file", "El archivo está vacío.", "empty"));
  for (auto f : fields) t.header.push_back(lower(trim(std::string(f))));
  for (const auto& r : required)
    if (std::find(t.header.begin(), t.header.end(), r) == t.header.end())
      return fail(Error::invalid("file", "Falta la columna «" + r + "» en la primera fila.", "missing_column"));
  for (const auto& h : t.header)
    if (std::find(known.begin(), known.end(), h) == known.end())
      return fail(Error::invalid("file", "La columna «" + h + "» no se reconoce.", "unknown_column"));
  while (true) {
    auto more = reader.next(fields, raw);
    if (!more) return fail(Error::invalid("file", more.error().message, "invalid_csv"));
    if (!*more) break;
    if (trim(std::string(raw)).empty()) continue;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < t.header.size(); ++i) row[t.header[i]] = i < fields.size() ? trim(std::string(fields[i])) : "";
    if (fields.size() > t.header.size()) row["__extra"] = "1";
    t.rows.push_back({reader.line(), std::move(row)});
    if (t.rows.size() > 5000) return fail(Error::invalid("file", "Importe como máximo 5.000 filas por archivo.", "too_many_rows"));
  }
  return t;
}

bool digits(const std::string& s) { return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

std::optional<double> decimal(std::string s) {
  std::replace(s.begin(), s.end(), ',', '.');
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

// Items: the row's fields checked without the database; then the database checks in the row's
// transaction. Columns: instrumento (code), codigo, codigo_superior, nivel, titulo, peso, estado,
// region, instituciones (ids separated by «;»), anio_inicio, anio_termino.
Result<Item> parse_item(const std::map<std::string, std::string>& row, std::string& column) {
  auto get = [&](const char* k) {
    auto it = row.find(k);
    return it == row.end() ? std::string() : it->second;
  };
  Item i;
  column = "nivel";
  i.level = lower(get("nivel"));
  if (!is_level(i.level)) return fail(Error::invalid("nivel", "El nivel debe ser eje, meta, compromiso, accion o medida."));
  column = "titulo";
  i.title = get("titulo");
  if (i.title.empty()) return fail(Error::invalid("titulo", "Escriba el título del ítem."));
  if (i.title.size() > 1000) return fail(Error::invalid("titulo", "El título admite como máximo 1.000 caracteres."));
  column = "codigo";
  i.code = get("codigo");
  if (i.code.size() > 40) return fail(Error::invalid("codigo", "El código admite como máximo 40 caracteres."));
  column = "peso";
  if (auto w = get("peso"); !w.empty()) {
    auto v = decimal(w);
    if (!v) return fail(Error::invalid("peso", "El peso «" + w + "» no es un número."));
    if (!(*v > 0) || *v > 1000) return fail(Error::invalid("peso", "El peso debe ser mayor que 0 y como máximo 1000."));
    i.weight = *v;
  }
  column = "estado";
  if (auto st = lower(get("estado")); !st.empty()) {
    if (!is_item_status(st)) return fail(Error::invalid("estado", "El estado debe ser vigente, cumplido, no_cumplido o suspendido."));
    i.status = st;
  }
  column = "region";
  i.region_id = get("region");
  if (i.region_id.size() == 1 && digits(i.region_id)) i.region_id = "0" + i.region_id;
  if (!i.region_id.empty() && (!digits(i.region_id) || i.region_id.size() != 2 || std::stoi(i.region_id) < 1 || std::stoi(i.region_id) > 16))
    return fail(Error::invalid("region", "La región debe ser un código de 01 a 16."));
  for (auto [key, field] : {std::pair{"anio_inicio", &i.start_year}, std::pair{"anio_termino", &i.end_year}}) {
    column = key;
    auto v = get(key);
    if (v.empty()) continue;
    if (!digits(v) || std::stoll(v) < 2000 || std::stoll(v) > 2100) return fail(Error::invalid(key, "El año debe estar entre 2000 y 2100."));
    *field = std::stoll(v);
  }
  if (i.start_year && i.end_year && *i.end_year < *i.start_year)
    return fail(Error::invalid("anio_termino", "El año de término no puede ser anterior al de inicio."));
  column = "instituciones";
  std::string list = get("instituciones");
  size_t at = 0;
  while (at <= list.size() && !list.empty()) {
    size_t end = list.find(';', at);
    std::string part = trim(list.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (!part.empty()) {
      if (!digits(part)) return fail(Error::invalid("instituciones", "«" + part + "» no es un identificador de institución (números separados por «;»)."));
      i.institutions.push_back(std::stoll(part));
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  column.clear();
  return i;
}

}  // namespace eq::policy
