// Schema of the studies catalogue, its vocabularies, and the small rules every layer shares
// (dates, figures, the searched text, the file check).
#include <algorithm>
#include <cctype>
#include <functional>

#include "core/format_cl.h"
#include "core/text.h"
#include "studies/module.h"

namespace eq::studies {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "studies", 1, "studies and surveys with findings, method, partners, regions, files and revisions",
      {// search_text: title, summary and findings folded (lower case, no accents), for the catalogue's search.
       "CREATE TABLE studies (id {{pk}}, title TEXT NOT NULL, kind TEXT NOT NULL, year INTEGER NOT NULL, "
       "fieldwork_start TEXT NOT NULL, fieldwork_end TEXT NOT NULL, summary TEXT NOT NULL, executor TEXT NOT NULL, "
       "technique TEXT NOT NULL, universe TEXT NOT NULL, sample_size {{bigint}}, margin_error DOUBLE PRECISION, "
       "status TEXT NOT NULL CHECK (status IN ('borrador', 'publicado', 'retirado')), withdrawn_reason TEXT NOT NULL, "
       "source TEXT NOT NULL, version INTEGER NOT NULL, search_text TEXT NOT NULL, published_at {{bigint}}, "
       "created_at {{bigint}} NOT NULL, updated_at {{bigint}} NOT NULL, demo INTEGER NOT NULL)",
       "CREATE INDEX studies_status_year ON studies(status, year)",
       "CREATE TABLE studies_themes (study_id {{bigint}} NOT NULL REFERENCES studies(id), theme TEXT NOT NULL, "
       "PRIMARY KEY (study_id, theme))",
       "CREATE INDEX studies_themes_theme ON studies_themes(theme)",
       "CREATE TABLE studies_partners (study_id {{bigint}} NOT NULL REFERENCES studies(id), position INTEGER NOT NULL, "
       "name TEXT NOT NULL, PRIMARY KEY (study_id, position))",
       "CREATE TABLE studies_regions (study_id {{bigint}} NOT NULL REFERENCES studies(id), region_id TEXT NOT NULL, "
       "PRIMARY KEY (study_id, region_id))",
       "CREATE TABLE studies_findings (id {{pk}}, study_id {{bigint}} NOT NULL REFERENCES studies(id), position INTEGER NOT NULL, "
       "text TEXT NOT NULL, figure DOUBLE PRECISION, decimals INTEGER NOT NULL, unit TEXT NOT NULL, source TEXT NOT NULL)",
       "CREATE INDEX studies_findings_study ON studies_findings(study_id, position)",
       // Bytes kept once per content (SHA-256), base64url text so both backends keep them alike.
       "CREATE TABLE studies_blobs (sha256 TEXT PRIMARY KEY, size {{bigint}} NOT NULL, data TEXT NOT NULL)",
       "CREATE TABLE studies_files (id {{pk}}, study_id {{bigint}} NOT NULL REFERENCES studies(id), title TEXT NOT NULL, "
       "filename TEXT NOT NULL, content_type TEXT NOT NULL, size {{bigint}} NOT NULL, "
       "sha256 TEXT NOT NULL REFERENCES studies_blobs(sha256), uploaded_by {{bigint}} NOT NULL, uploaded_at {{bigint}} NOT NULL)",
       "CREATE INDEX studies_files_study ON studies_files(study_id)",
       // Publication, withdrawal and every edit after publication: findings before and after (JSON).
       "CREATE TABLE studies_revisions (id {{pk}}, study_id {{bigint}} NOT NULL REFERENCES studies(id), version INTEGER NOT NULL, "
       "action TEXT NOT NULL, reason TEXT NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL, "
       "by_user {{bigint}} NOT NULL, by_name TEXT NOT NULL, at {{bigint}} NOT NULL)",
       "CREATE INDEX studies_revisions_study ON studies_revisions(study_id, id)"}));
  return out;
}

const Vocabulary& kinds() {
  static const Vocabulary v = {{"estudio", "Estudio"},
                               {"encuesta", "Encuesta"},
                               {"evaluacion", "Evaluación"},
                               {"informe", "Informe o reporte"},
                               {"documento_trabajo", "Documento de trabajo"}};
  return v;
}

const Vocabulary& themes() {
  static const Vocabulary v = {{"autonomia_economica", "Autonomía económica"},
                               {"violencia", "Violencia contra las mujeres"},
                               {"participacion_politica", "Participación política"},
                               {"salud", "Salud"},
                               {"covid19", "COVID-19"},
                               {"educacion", "Educación"},
                               {"cuidados", "Corresponsabilidad y cuidados"},
                               {"empresas", "Empresas y directorios"},
                               {"economia_digital", "Economía digital"},
                               {"opinion", "Opinión y percepciones"}};
  return v;
}

const Vocabulary& statuses() {
  static const Vocabulary v = {{"borrador", "Borrador"}, {"publicado", "Publicado"}, {"retirado", "Retirado"}};
  return v;
}

const Vocabulary& units() {
  static const Vocabulary v = {{"porcentaje", "%"},
                               {"puntos_porcentuales", "puntos porcentuales"},
                               {"personas", "personas"},
                               {"organizaciones", "organizaciones"},
                               {"numero", ""}};
  return v;
}

std::string figure_label(const Finding& f) {
  if (!f.figure) return "";
  const std::string n = format_decimal(*f.figure, f.decimals);
  if (f.unit == "porcentaje") return n + " %";
  const std::string unit = units().label(f.unit);
  return unit.empty() ? n : n + " " + unit;
}

bool ends_before(const PartialDate& start, const PartialDate& end) {
  if (!start.known() || !end.known()) return false;
  auto first = [](const PartialDate& d) { return d.year * 10000 + (d.month ? d.month : 1) * 100 + (d.day ? d.day : 1); };
  auto last = [](const PartialDate& d) {
    const int m = d.month ? d.month : 12;
    return d.year * 10000 + m * 100 + (d.day ? d.day : days_in_month(d.year, m));
  };
  return last(end) < first(start);
}

std::string date_label(const std::string& stored) {
  static const char* kMonth[] = {"enero", "febrero", "marzo",     "abril",   "mayo",      "junio",
                                 "julio", "agosto",  "septiembre", "octubre", "noviembre", "diciembre"};
  const PartialDate d = read_partial_date(stored);
  if (!d.known()) return "sin información";
  if (d.day) return format_partial_date(d);
  return d.month ? std::string(kMonth[d.month - 1]) + " de " + std::to_string(d.year) : std::to_string(d.year);
}

std::string search_text(const Study& s) {
  std::string all = s.title + " " + s.summary;
  for (const auto& f : s.findings) all += " " + f.text;
  return fold_for_search(all);
}

// A study's files: reports (PDF) and the data behind them (CSV, XLSX, ODS). Each declared type
// must fit the extension and the first bytes must be what the extension says, so a renamed
// executable is refused rather than offered to the public as a «PDF».
Result<std::string> check_file(const std::string& filename, const std::string& content_type, const std::string& bytes) {
  const bool bad_name = filename.empty() || filename.size() > 200 || filename[0] == '.' ||
                        std::any_of(filename.begin(), filename.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '/' || c == '\\'; });
  if (bad_name) return fail(Error::invalid("filename", "Indique un nombre de archivo válido (sin carpetas, máximo 200 caracteres).", "invalid_filename"));
  if (bytes.empty()) return fail(Error::invalid("file", "El archivo está vacío.", "empty_file"));
  if (bytes.size() > kMaxFileBytes)
    return fail(Error::invalid("file", "El archivo pesa " + format_integer(static_cast<long long>(bytes.size())) +
                                           " bytes; el máximo es " + format_integer(static_cast<long long>(kMaxFileBytes)) + " bytes (1 MB).",
                               "file_too_large"));
  const auto dot = filename.rfind('.');
  std::string ext = dot == std::string::npos ? "" : filename.substr(dot + 1);
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string declared = content_type.substr(0, content_type.find(';'));
  declared = trim(declared);
  for (auto& c : declared) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  const std::string zip("PK\x03\x04", 4);
  const bool text = bytes.find('\0') == std::string::npos;
  struct Allowed {
    std::string ext, type;
    bool content_ok;
  };
  const Allowed allowed[] = {
      {"pdf", "application/pdf", bytes.rfind("%PDF-", 0) == 0},
      {"csv", "text/csv", text},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes.rfind(zip, 0) == 0},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet", bytes.rfind(zip, 0) == 0},
  };
  for (const auto& a : allowed) {
    if (a.ext != ext) continue;
    if (!declared.empty() && declared != a.type && declared != "application/octet-stream")
      return fail(Error::invalid("file", "El tipo declarado (" + declared + ") no corresponde a un archivo ." + ext + ".", "type_mismatch"));
    if (!a.content_ok) return fail(Error::invalid("file", "El contenido del archivo no corresponde a un archivo ." + ext + ".", "type_mismatch"));
    return a.type;
  }
  return fail(Error::invalid("filename", "Tipo de archivo no permitido. Se aceptan PDF (informes) y CSV, XLSX u ODS (datos).", "forbidden_type"));
}

}  // namespace eq::studies
