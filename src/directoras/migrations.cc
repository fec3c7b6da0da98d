// Schema of the Registro de Directoras, its vocabularies, eligibility and the search folding.
#include <algorithm>
#include <sstream>

#include "core/rut.h"
#include "core/text.h"
#include "directoras/module.h"

namespace eq::directoras {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "directoras", 1, "register of women for boards, traced searches, profile views",
      {// rut_enc, email_enc, phone_enc: ciphertext (declared in encrypted_fields()); rut_bidx: blind index.
       // industries/specialties as "|a|b|" so one LIKE finds a code on both databases.
       "CREATE TABLE directoras_profiles (id {{pk}}, user_id {{bigint}} UNIQUE, full_name TEXT NOT NULL, "
       "rut_enc TEXT NOT NULL, rut_bidx TEXT NOT NULL UNIQUE, email_enc TEXT NOT NULL, phone_enc TEXT, "
       "birth_year INTEGER NOT NULL, studies TEXT NOT NULL, degree TEXT NOT NULL, experience_years INTEGER NOT NULL, "
       "industries TEXT NOT NULL, specialties TEXT NOT NULL, board_years INTEGER NOT NULL, board_training INTEGER NOT NULL, "
       "region_id TEXT NOT NULL, availability TEXT NOT NULL, summary TEXT NOT NULL, contactable INTEGER NOT NULL, "
       "search_text TEXT NOT NULL, updated_at {{bigint}} NOT NULL, reminded_at {{bigint}}, demo INTEGER NOT NULL, "
       "created_at {{bigint}} NOT NULL)",
       "CREATE INDEX directoras_profiles_region ON directoras_profiles(region_id, studies)",
       "CREATE INDEX directoras_profiles_updated ON directoras_profiles(updated_at)",
       "CREATE TABLE directoras_searches (id {{pk}}, user_id {{bigint}} NOT NULL, institution_id {{bigint}} NOT NULL, "
       "filters TEXT NOT NULL, listed TEXT NOT NULL, total {{bigint}} NOT NULL, at {{bigint}} NOT NULL)",
       "CREATE INDEX directoras_searches_user ON directoras_searches(user_id, at)",
       "CREATE TABLE directoras_views (id {{pk}}, profile_id {{bigint}} NOT NULL REFERENCES directoras_profiles(id), "
       "user_id {{bigint}} NOT NULL, institution_id {{bigint}} NOT NULL, institution_name TEXT NOT NULL, "
       "kind TEXT NOT NULL CHECK (kind IN ('perfil', 'contacto')), at {{bigint}} NOT NULL)",
       "CREATE INDEX directoras_views_profile ON directoras_views(profile_id, at)"}));
  out.push_back(store::sql_migration(
      "directoras", 2, "a change counter for the search's in-memory index",
      {"CREATE TABLE directoras_generation (id INTEGER PRIMARY KEY, n {{bigint}} NOT NULL)",
       "INSERT INTO directoras_generation (id, n) VALUES (1, 0)"}));
  return out;
}

store::EncryptedFields encrypted_fields() {
  auto rut_index = [](const std::string& plain) -> std::optional<std::string> {
    auto r = parse_rut(plain);
    if (!r) return std::nullopt;
    return rut_canonical(*r);
  };
  return {{"directoras_profiles", {{"id"}}, "rut_enc", {{"rut_bidx", rut_index}}, "RUT de las mujeres del Registro de Directoras"},
          {"directoras_profiles", {{"id"}}, "email_enc", {}, "correos de las mujeres del Registro de Directoras"},
          {"directoras_profiles", {{"id"}}, "phone_enc", {}, "teléfonos de las mujeres del Registro de Directoras"}};
}

const Vocabulary& studies() {
  static const Vocabulary v = {{"tecnico", "Técnico de nivel superior"},
                               {"profesional", "Título profesional"},
                               {"magister", "Magíster o MBA"},
                               {"doctorado", "Doctorado"}};
  return v;
}
const Vocabulary& industries() {
  static const Vocabulary v = {{"mineria", "Minería"},
                               {"energia", "Energía"},
                               {"banca", "Banca y servicios financieros"},
                               {"seguros", "Seguros y pensiones"},
                               {"retail", "Comercio y retail"},
                               {"salud", "Salud"},
                               {"educacion", "Educación"},
                               {"tecnologia", "Tecnología y telecomunicaciones"},
                               {"construccion", "Construcción e inmobiliaria"},
                               {"agro", "Agroindustria y alimentos"},
                               {"forestal", "Forestal y celulosa"},
                               {"transporte", "Transporte y logística"},
                               {"sector_publico", "Sector público y empresas del Estado"},
                               {"sin_fines_lucro", "Organizaciones sin fines de lucro"}};
  return v;
}
const Vocabulary& specialties() {
  static const Vocabulary v = {{"finanzas", "Finanzas"},
                               {"auditoria", "Auditoría y control"},
                               {"legal", "Derecho y cumplimiento"},
                               {"gobierno_corporativo", "Gobierno corporativo"},
                               {"riesgos", "Gestión de riesgos"},
                               {"personas", "Personas y cultura"},
                               {"sostenibilidad", "Sostenibilidad y ESG"},
                               {"transformacion_digital", "Transformación digital"},
                               {"marketing", "Marketing y clientes"},
                               {"operaciones", "Operaciones"},
                               {"estrategia", "Estrategia"}};
  return v;
}
const Vocabulary& availability() {
  static const Vocabulary v = {{"inmediata", "Inmediata"}, {"tres_meses", "Dentro de tres meses"}, {"seis_meses", "Dentro de seis meses"}};
  return v;
}

// The register is for women "capacitadas y disponibles para ocupar un puesto en espacios de toma de
// decisión" (the seed): higher studies, professional experience, and board training or experience.
std::optional<Error> ineligible(const Profile& p, const Options& o, int current_year) {
  auto no = [](const char* field, std::string why) { return Error::invalid(field, std::move(why), "ineligible"); };
  if (p.birth_year > current_year - 18)
    return no("birth_year", "Para inscribirse en el Registro de Directoras debe ser mayor de edad.");
  if (!studies().contains(p.studies))
    return no("studies", "El Registro exige estudios superiores: " + studies().ids_text() + ".");
  if (p.experience_years < o.min_experience_years)
    return no("experience_years", "El Registro exige al menos " + std::to_string(o.min_experience_years) +
                                      " años de experiencia profesional; indica " + std::to_string(p.experience_years) + ".");
  if (p.experience_years > current_year - p.birth_year - 14)
    return no("experience_years", "Los años de experiencia no calzan con el año de nacimiento.");
  if (!p.board_training && p.board_years == 0)
    return no("board_training", "El Registro es para mujeres capacitadas para directorios: indique un curso de gobierno "
                                "corporativo o experiencia en directorios.");
  if (p.industries.empty()) return no("industries", "Indique al menos una industria en la que tiene experiencia.");
  if (p.specialties.empty()) return no("specialties", "Indique al menos una especialidad.");
  return std::nullopt;
}

namespace {
std::vector<std::string> words(const std::string& folded) {
  std::vector<std::string> out;
  std::string w;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) w += c;
    else if (!w.empty()) out.push_back(std::move(w)), w.clear();
  }
  if (!w.empty()) out.push_back(w);
  return out;
}
// Spanish plurals and a few endings, so "finanzas" finds "financiera"'s root only by prefix, and
// "directoras" finds "directora".
std::string stem(std::string w) {
  if (w.size() > 5 && w.ends_with("es")) w.resize(w.size() - 2);
  else if (w.size() > 4 && w.ends_with("s")) w.resize(w.size() - 1);
  return w;
}
}  // namespace

bool within_one_edit(const std::string& a, const std::string& b) {
  if (a == b) return true;
  size_t n = a.size(), m = b.size();
  if (n > m + 1 || m > n + 1) return false;
  size_t i = 0, j = 0;
  int edits = 0;
  while (i < n && j < m) {
    if (a[i] == b[j]) {
      ++i, ++j;
      continue;
    }
    if (++edits > 1) return false;
    if (n > m) ++i;
    else if (m > n) ++j;
    else ++i, ++j;
  }
  return edits + static_cast<int>((n - i) + (m - j)) <= 1;
}

std::string search_key(const std::string& text) {
  std::string out;
  for (const auto& w : words(fold_for_search(text))) out += (out.empty() ? "" : " ") + stem(w);
  return out;
}

Haystack haystack_of(const Profile& p) {
  Haystack h;
  h.name_words = words(fold_for_search(p.full_name));
  for (const auto& n : h.name_words) h.name_stems.push_back(stem(n));
  h.hay = " " + search_key(p.full_name + " " + p.degree + " " + p.summary) + " ";
  for (const auto& c : p.industries) h.hay += search_key(industries().label(c)) + " ";
  for (const auto& c : p.specialties) h.hay += search_key(specialties().label(c)) + " ";
  return h;
}

bool matches_query(const Profile& p, const std::string& q) { return matches_query(haystack_of(p), prepare_query(q)); }

PreparedQuery prepare_query(const std::string& q) {
  PreparedQuery out;
  for (auto& w : words(fold_for_search(q))) {
    std::string s = stem(w);
    out.words.push_back({w, s, " " + s});
  }
  return out;
}

bool matches_query(const Haystack& h, const PreparedQuery& q) {
  for (const auto& w : q.words) {
    if (h.hay.find(w.needle) != std::string::npos) continue;  // a word starting with it
    bool near = false;
    if (w.word.size() >= 5)
      for (size_t i = 0; i < h.name_words.size() && !near; ++i)
        near = within_one_edit(w.word, h.name_words[i]) || within_one_edit(w.stem, h.name_stems[i]);
    if (!near) return false;
  }
  return true;
}

}  // namespace eq::directoras
