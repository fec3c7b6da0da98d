// Outreach (issue 18, items 4 and 5): the ministry's trainings (courses, their sessions, the
// participants of each session by institution and sex, and progress against a course's target),
// its communication campaigns (period and channels) and its talks («Nosotras») with public
// registration, attendance marked by staff and a certificate of attendance anyone can verify.
//
// Who owns what: a course, a session, a campaign and a talk belong to the institution of the
// account that created it; only that institution's staff (permission outreach.manage) changes it
// or reads a talk's registrations (outreach/access.h). The public sees courses with their progress,
// campaigns and talks with their free seats, registers to a talk without an account, and checks a
// certificate by its code.
//
// A registrant's name and e-mail are personal data: encrypted at rest (declared in
// encrypted_fields()); the e-mail has a blind index so a second registration to the same talk is
// found without reading anyone's address. Her registration code is the certificate's verification
// code: random (72 bits), kept encrypted for staff to reprint and looked up by its blind index.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/crypto.h"
#include "core/partial_date.h"
#include "core/vocabulary.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::outreach {

// The seed's figures (Cuenta Pública 2020–2021). The demo's figures are COMPUTED from generated
// records; tests check that they agree.
inline constexpr const char* kSeedSource = "Cuenta Pública 2020–2021 del Ministerio de la Mujer y la Equidad de Género";
inline constexpr int kSeedElearning2020 = 4286;  // «Durante el año 2020 se logró capacitar a 4.286 funcionarios y funcionarias …»
inline constexpr int kSeedApsTarget = 2500;      // «… se espera llegar a un total de 2.500 personas capacitadas de la red APS.»
inline constexpr int kSeedApsFirst = 350;        // «El primer taller tuvo una convocatoria de 350 funcionarios y funcionarias aproximadamente»
inline constexpr int kSeedConscripts = 40;       // «… contó con la participación de 40 hombres y mujeres conscriptos.»
inline constexpr int kSeedNosotrasTalks = 23;    // «A la fecha se han realizado 23 charlas,
inline constexpr int kSeedNosotrasRegistered = 4458;  //  con un total de 4.458 personas inscritas»

// Attendance is marked at the door: from this long before a talk starts (people arrive early), never
// earlier — a talk that has not happened has no attendance and issues no certificate.
inline constexpr int64_t kCheckInBeforeMs = 30LL * 60 * 1000;

const Vocabulary& modalities();  // e_learning, presencial, mixta
const Vocabulary& sexes();       // mujer, hombre, no_informado
const Vocabulary& channels();    // redes_sociales, television, radio, prensa, via_publica, web, territorial

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();

// Dates of campaigns and courses are partial where the sources are ("09-2020"); the first and the
// last day a partial date can mean, as yyyymmdd, compare any two of them.
int first_day(const PartialDate& d);
int final_day(const PartialDate& d);
std::string date_label(const std::string& stored);  // "septiembre de 2020", "25-11-2020", "sin información"

struct Course {
  int64_t id = 0, institution_id = 0;
  std::string institution_name, name, modality, population, description;
  int64_t capacity = 0;                  // per session
  std::optional<int64_t> target;         // people to train
  std::string target_source;             // where the target comes from
  int64_t participants = 0, sessions = 0;  // computed
  bool demo = false;
};

struct Count {
  std::string institution, sex;
  int64_t count = 0;
};

struct Session {
  int64_t id = 0, course_id = 0, institution_id = 0;
  std::string course_name, institution_name, starts_on, ends_on, place;
  int64_t capacity = 0, participants = 0;
  std::vector<Count> counts;  // filled on a single read
  bool demo = false;
};

struct Campaign {
  int64_t id = 0, institution_id = 0;
  std::string institution_name, name, description, starts_on, ends_on, source;
  std::vector<std::string> channels;
  bool demo = false;
};

struct Talk {
  int64_t id = 0, institution_id = 0;
  std::string institution_name, series, title, speaker, place;
  int64_t starts_at = 0, capacity = 0, registered = 0, attended = 0;
  bool demo = false;
};

struct Registration {
  int64_t id = 0, talk_id = 0;
  std::string name, email, comuna_id, code;  // opened only for the talk's staff or the certificate
  int64_t registered_at = 0;
  std::optional<int64_t> attended_at;
  bool demo = false;
};

// The certificate behind a code: the talk and her name.
struct Certificate {
  Registration reg;
  Talk talk;
};

class Repository {
 public:
  explicit Repository(const crypto::Keys& keys) : keys_(keys) {}
  std::string email_index(const std::string& email) const;
  std::string code_index(const std::string& code) const;

  int64_t insert_course(soci::session& s, const Course& c) const;
  std::vector<Course> courses(soci::session& s) const;
  std::optional<Course> course(soci::session& s, int64_t id) const;
  int64_t insert_session(soci::session& s, const Session& x) const;
  std::vector<Session> sessions(soci::session& s, std::optional<int64_t> course_id) const;
  std::optional<Session> session(soci::session& s, int64_t id) const;  // with counts
  void replace_counts(soci::session& s, int64_t session_id, const std::vector<Count>& counts) const;
  // Participants of every course by sex and by institution (aggregate).
  std::vector<std::tuple<int64_t, std::string, int64_t>> by_sex(soci::session& s) const;

  int64_t insert_campaign(soci::session& s, const Campaign& c) const;
  std::vector<Campaign> campaigns(soci::session& s) const;

  int64_t insert_talk(soci::session& s, const Talk& t) const;
  std::vector<Talk> talks(soci::session& s) const;
  std::optional<Talk> talk(soci::session& s, int64_t id) const;
  // Takes one seat atomically (one UPDATE guarded by the capacity); false when the talk is full.
  bool take_seat(soci::session& s, int64_t talk_id) const;
  bool registered(soci::session& s, int64_t talk_id, const std::string& email) const;
  int64_t insert_registration(soci::session& s, const Registration& r) const;
  void insert_registrations(soci::session& s, const std::vector<Registration>& batch) const;  // the demo's, in bulk
  std::vector<Registration> registrations(soci::session& s, int64_t talk_id) const;  // opened
  std::optional<Registration> registration(soci::session& s, int64_t talk_id, std::optional<int64_t> id,
                                           const std::string& email) const;
  void mark_attended(soci::session& s, int64_t id, int64_t at, int64_t by) const;
  std::optional<Certificate> certificate(soci::session& s, const std::string& code) const;
  // Talks and registrations of a series (the seed's «Nosotras»), counted from the rows.
  std::pair<int64_t, int64_t> series_counts(soci::session& s, const std::string& series) const;
  int64_t count_demo(soci::session& s) const;

 private:
  const crypto::Keys& keys_;
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit) : db_(db), repo_(keys), audit_(audit) {}
  store::Database& db() { return db_; }
  const Repository& repo() const { return repo_; }
  audit::Log& audit() { return audit_; }

  Result<int64_t> create_course(const http::Request& req, Course c);
  // 404 (audited) for a course of another institution; 422 when its capacity exceeds the course's.
  Result<int64_t> create_session(const http::Request& req, Session x);
  // Replaces a session's counts; 422 `over_capacity` when they add up to more than its capacity.
  Result<int64_t> set_counts(const http::Request& req, int64_t session_id, const std::vector<Count>& counts);
  Result<Session> read_session(const http::Request& req, int64_t session_id);
  Result<int64_t> create_campaign(const http::Request& req, Campaign c);
  Result<int64_t> create_talk(const http::Request& req, Talk t);
  // Public: 409 `duplicate_registration` (same e-mail, same talk), 409 `talk_full`, 409
  // `talk_started` (registration closes when the talk starts); returns her code.
  Result<std::string> register_for(const http::Request& req, int64_t talk_id, Registration r);
  Result<std::vector<Registration>> list_registrations(const http::Request& req, int64_t talk_id);
  // 422 `not_registered` for someone not registered to THIS talk; 409 `already_marked`; 409
  // `talk_not_started` before the door opens (kCheckInBeforeMs before the start).
  Result<Registration> mark_attendance(const http::Request& req, int64_t talk_id, std::optional<int64_t> registration_id,
                                       const std::string& email);
  Result<std::optional<Certificate>> certificate(const std::string& code);

  // Demo: generated participants, campaigns and talks with registrations that add up to the
  // seed's figures. Idempotent. `ministry` and `health`: the demo institutions that own them.
  Result<void> load_demo(int64_t ministry, int64_t health);

 private:
  Error refused(const http::Request& req, const std::string& action, const std::string& object, Error e);
  Result<std::optional<Course>> with_session_course(int64_t id);
  store::Database& db_;
  Repository repo_;
  audit::Log& audit_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> svc, std::function<bool(const std::string&)> comuna_exists);
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::outreach
