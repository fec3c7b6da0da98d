// Schema of outreach (trainings, campaigns, talks), its vocabularies, its encrypted columns and
// the partial-date bounds.
#include <algorithm>
#include <cctype>

#include "outreach/module.h"

namespace eq::outreach {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "outreach", 1, "courses, sessions and participant counts; campaigns; talks with public registration and attendance",
      {"CREATE TABLE outreach_courses (id {{pk}}, institution_id {{bigint}} NOT NULL, institution_name TEXT NOT NULL, "
       "name TEXT NOT NULL, modality TEXT NOT NULL, population TEXT NOT NULL, capacity {{bigint}} NOT NULL, target {{bigint}}, "
       "target_source TEXT NOT NULL, description TEXT NOT NULL, demo INTEGER NOT NULL, created_at {{bigint}} NOT NULL)",
       "CREATE TABLE outreach_sessions (id {{pk}}, course_id {{bigint}} NOT NULL REFERENCES outreach_courses(id), "
       "institution_id {{bigint}} NOT NULL, institution_name TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, "
       "place TEXT NOT NULL, capacity {{bigint}} NOT NULL, demo INTEGER NOT NULL)",
       "CREATE INDEX outreach_sessions_course ON outreach_sessions(course_id)",
       // Aggregate participants of a session: one row per participant institution and sex.
       "CREATE TABLE outreach_counts (id {{pk}}, session_id {{bigint}} NOT NULL REFERENCES outreach_sessions(id), "
       "institution TEXT NOT NULL, sex TEXT NOT NULL CHECK (sex IN ('mujer', 'hombre', 'no_informado')), "
       "people {{bigint}} NOT NULL CHECK (people >= 0), UNIQUE (session_id, institution, sex))",
       "CREATE TABLE outreach_campaigns (id {{pk}}, institution_id {{bigint}} NOT NULL, institution_name TEXT NOT NULL, "
       "name TEXT NOT NULL, description TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT NOT NULL, channels TEXT NOT NULL, "
       "source TEXT NOT NULL, demo INTEGER NOT NULL)",
       // registered: seats taken, kept by one guarded UPDATE so two last-seat registrations cannot both pass.
       "CREATE TABLE outreach_talks (id {{pk}}, institution_id {{bigint}} NOT NULL, institution_name TEXT NOT NULL, "
       "series TEXT NOT NULL, title TEXT NOT NULL, speaker TEXT NOT NULL, place TEXT NOT NULL, starts_at {{bigint}} NOT NULL, "
       "capacity {{bigint}} NOT NULL, registered {{bigint}} NOT NULL DEFAULT 0, demo INTEGER NOT NULL)",
       // name_enc, email_enc, code_enc: ciphertext (declared below); email_bidx, code_bidx: blind indexes.
       "CREATE TABLE outreach_registrations (id {{pk}}, talk_id {{bigint}} NOT NULL REFERENCES outreach_talks(id), "
       "name_enc TEXT NOT NULL, email_enc TEXT NOT NULL, email_bidx TEXT NOT NULL, comuna_id TEXT NOT NULL, "
       "code_enc TEXT NOT NULL, code_bidx TEXT NOT NULL UNIQUE, registered_at {{bigint}} NOT NULL, attended_at {{bigint}}, "
       "marked_by {{bigint}}, demo INTEGER NOT NULL, UNIQUE (talk_id, email_bidx))"}));
  return out;
}

namespace {
std::optional<std::string> same(const std::string& plain) { return plain; }
std::optional<std::string> folded_email(const std::string& plain) {
  std::string e = plain;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return e;
}
}  // namespace

store::EncryptedFields encrypted_fields() {
  return {{"outreach_registrations", {{"id"}}, "name_enc", {}, "nombres de las personas inscritas en charlas"},
          {"outreach_registrations", {{"id"}}, "email_enc", {{"email_bidx", folded_email}}, "correos de las personas inscritas en charlas"},
          {"outreach_registrations", {{"id"}}, "code_enc", {{"code_bidx", same}}, "códigos de inscripción y de certificado de las charlas"}};
}

std::string Repository::email_index(const std::string& email) const { return keys_.blind_index(*folded_email(email)); }
std::string Repository::code_index(const std::string& code) const { return keys_.blind_index(code); }

const Vocabulary& modalities() {
  static const Vocabulary v = {{"e_learning", "E-learning"}, {"presencial", "Presencial"}, {"mixta", "Mixta (presencial y en línea)"}};
  return v;
}
const Vocabulary& sexes() {
  static const Vocabulary v = {{"mujer", "Mujeres"}, {"hombre", "Hombres"}, {"no_informado", "Sin información"}};
  return v;
}
const Vocabulary& channels() {
  static const Vocabulary v = {{"redes_sociales", "Redes sociales"}, {"television", "Televisión"}, {"radio", "Radio"},
                               {"prensa", "Prensa escrita"},          {"via_publica", "Vía pública"}, {"web", "Sitio web"},
                               {"territorial", "Actividades territoriales"}};
  return v;
}

int first_day(const PartialDate& d) { return d.year * 10000 + (d.month ? d.month : 1) * 100 + (d.day ? d.day : 1); }

int final_day(const PartialDate& d) {
  const int m = d.month ? d.month : 12;
  return d.year * 10000 + m * 100 + (d.day ? d.day : days_in_month(d.year, m));
}

std::string date_label(const std::string& stored) {
  static const char* kMonth[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                                 "noviembre", "diciembre"};
  const PartialDate d = read_partial_date(stored);
  if (!d.known()) return "sin información";
  if (d.day) return format_partial_date(d);
  return d.month ? std::string(kMonth[d.month - 1]) + " de " + std::to_string(d.year) : std::to_string(d.year);
}

}  // namespace eq::outreach
