// Pure rules of policy tracking: vocabularies, the period calendar, what a report may say, the PMG
// quota and evidence checks. No database here, so the unit tests exercise them directly.
#include <algorithm>
#include <cctype>
#include <functional>

#include "core/time.h"
#include "policy/rules.h"

namespace eq::policy {

namespace {
bool in(const std::string& v, std::initializer_list<const char*> all) {
  return std::any_of(all.begin(), all.end(), [&](const char* a) { return v == a; });
}
constexpr int64_t kDay = 24LL * 60 * 60 * 1000;

// First instant of the Chilean day `days` calendar days after the day that starts at `day_start`.
int64_t add_chile_days(int64_t day_start, int days) {
  if (days == 0) return day_start;
  // ±1 h of summer time never moves a point 3 h after midnight to another day.
  auto d = parse_date_cl(format_date_cl(day_start + days * kDay + 3LL * 60 * 60 * 1000), "fecha");
  return d ? *d : day_start + days * kDay;
}

int64_t chile_day_start(int year, int month, int day) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d-%02d-%04d", day, month, year);
  return *parse_date_cl(buf, "fecha");
}
}  // namespace

bool is_instrument_kind(const std::string& k) { return in(k, {"plan", "agenda", "compromisos", "pmg", "agenda_regional", "otro"}); }
bool is_level(const std::string& l) { return in(l, {"eje", "meta", "compromiso", "accion", "medida"}); }
bool is_item_status(const std::string& s) { return in(s, {"vigente", "cumplido", "no_cumplido", "suspendido"}); }
bool is_report_status(const std::string& s) { return in(s, {"no_iniciado", "en_proceso", "terminado"}); }

std::string report_status_es(const std::string& s) {
  if (s == "no_iniciado") return "No iniciado";
  if (s == "en_proceso") return "En proceso";
  if (s == "terminado") return "Terminado";
  return s;
}

std::string level_es(const std::string& l) {
  if (l == "eje") return "Eje";
  if (l == "meta") return "Meta";
  if (l == "compromiso") return "Compromiso";
  if (l == "accion") return "Acción";
  if (l == "medida") return "Medida";
  return l;
}

std::string report_state_es(const std::string& st) {
  if (st == "enviado") return "Enviado, por validar";
  if (st == "devuelto") return "Devuelto con observaciones";
  if (st == "validado") return "Validado";
  return st;
}

std::string period_state_es(const std::string& st) {
  if (st == "programado") return "Programado";
  if (st == "abierto") return "Abierto";
  if (st == "gracia") return "En plazo de gracia";
  if (st == "reabierto") return "Reabierto";
  return "Cerrado";
}

// ---------------------------------------------------------------- calendar

std::string period_state(const Period& p, int64_t now) {
  if (now < p.opens_at) return "programado";
  if (now < p.closes_at) return "abierto";
  if (p.reopened_until && now < *p.reopened_until) return "reabierto";
  if (now < add_chile_days(p.closes_at, p.grace_days)) return "gracia";
  return "cerrado";
}

bool accepts_reports(const std::string& state) { return state == "abierto" || state == "gracia" || state == "reabierto"; }
bool is_late(const std::string& state) { return state == "gracia" || state == "reabierto"; }

std::pair<int64_t, int64_t> default_window(const std::string& kind, int year, int semester) {
  if (kind == "semestre" && semester == 1) return {chile_day_start(year, 8, 1), chile_day_start(year, 9, 1)};
  return {chile_day_start(year + 1, 1, 1), chile_day_start(year + 1, 2, 1)};
}

Result<std::string> period_label(const std::string& kind, int year, int semester) {
  if (year < 2000 || year > 2100) return fail(Error::invalid("year", "El año debe estar entre 2000 y 2100.", "invalid_year"));
  if (kind == "anual") {
    if (semester != 0) return fail(Error::invalid("semester", "Un período anual no lleva semestre.", "not_allowed"));
    return std::to_string(year);
  }
  if (kind == "semestre") {
    if (semester != 1 && semester != 2)
      return fail(Error::invalid("semester", "El semestre debe ser 1 o 2.", "invalid_semester"));
    return std::to_string(year) + "-S" + std::to_string(semester);
  }
  return fail(Error::invalid("kind", "El tipo de período debe ser «semestre» o «anual».", "invalid_kind"));
}

// ---------------------------------------------------------------- reports and quotas

Result<void> check_report_progress(const std::string& status, std::optional<int64_t> progress) {
  if (!is_report_status(status))
    return fail(Error::invalid("status", "El estado debe ser «no_iniciado», «en_proceso» o «terminado».", "invalid_status"));
  if (!progress) return fail(Error::invalid("progress", "Indique el avance (0 a 100).", "required"));
  if (*progress < 0 || *progress > 100)
    return fail(Error::invalid("progress", "El avance debe ser un número entero entre 0 y 100.", "out_of_range"));
  if (status == "no_iniciado" && *progress != 0)
    return fail(Error::invalid("progress", "Un compromiso «no iniciado» tiene avance 0.", "inconsistent"));
  if (status == "terminado" && *progress != 100)
    return fail(Error::invalid("progress", "Un compromiso «terminado» tiene avance 100.", "inconsistent"));
  if (status == "en_proceso" && (*progress < 1 || *progress > 99))
    return fail(Error::invalid("progress", "Un compromiso «en proceso» tiene un avance entre 1 y 99.", "inconsistent"));
  return {};
}

Result<void> check_pmg_quota(const std::string& instrument_kind, const std::string& level, std::optional<int64_t> parent_start_year,
                             int64_t parent_children, const std::string& field) {
  if (instrument_kind == "pmg" && level == "medida" && parent_start_year.value_or(0) >= 2021 && parent_children >= 5)
    return fail(Error::invalid(field, "Desde 2021 un servicio compromete como máximo 5 de las 8 medidas del indicador de género.",
                               "too_many_measures"));
  return {};
}

// ---------------------------------------------------------------- evidence

Result<std::string> check_evidence(const std::string& filename, const std::string& content_type, const std::string& bytes) {
  if (filename.empty() || filename.size() > 200 || filename.find('/') != std::string::npos ||
      filename.find('\\') != std::string::npos || filename[0] == '.')
    return fail(Error::invalid("file", "Indique un nombre de archivo válido (sin carpetas, máximo 200 caracteres).", "invalid_filename"));
  for (unsigned char c : filename)
    if (c < 0x20 || c == 0x7f) return fail(Error::invalid("file", "El nombre del archivo contiene caracteres no válidos.", "invalid_filename"));
  if (bytes.empty()) return fail(Error::invalid("file", "El archivo está vacío.", "empty_file"));
  if (bytes.size() > kMaxEvidenceBytes)
    return fail(Error::invalid("file", "El archivo supera el máximo de 1 MB.", "file_too_large"));
  auto dot = filename.rfind('.');
  std::string ext = dot == std::string::npos ? "" : filename.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  std::string type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });

  auto starts = [&](std::string_view magic) { return bytes.compare(0, magic.size(), magic) == 0; };
  auto is_text = [&] {
    return std::none_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
  };
  struct Kind {
    const char* ext;
    const char* type;
    std::function<bool()> sniff;
  };
  const std::string zip("PK\x03\x04", 4);
  const std::vector<Kind> kinds = {
      {"pdf", "application/pdf", [&] { return starts("%PDF-"); }},
      {"png", "image/png", [&] { return starts("\x89PNG\r\n\x1a\n"); }},
      {"jpg", "image/jpeg", [&] { return starts("\xFF\xD8\xFF"); }},
      {"jpeg", "image/jpeg", [&] { return starts("\xFF\xD8\xFF"); }},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", [&] { return starts(zip); }},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [&] { return starts(zip); }},
      {"csv", "text/csv", is_text},
      {"txt", "text/plain", is_text},
  };
  for (const auto& k : kinds) {
    if (ext != k.ext) continue;
    if (!type.empty() && type != k.type && type != "application/octet-stream")
      return fail(Error::invalid("file", "El tipo declarado del archivo no corresponde a su extensión ." + ext + ".", "type_mismatch"));
    if (!k.sniff())
      return fail(Error::invalid("file", "El contenido del archivo no corresponde a un archivo ." + ext + ".", "type_mismatch"));
    return std::string(k.type);
  }
  return fail(Error::invalid("file", "Tipo de archivo no permitido. Se aceptan PDF, PNG, JPG, DOCX, XLSX, CSV y TXT.", "forbidden_type"));
}

}  // namespace eq::policy
