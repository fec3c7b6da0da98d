// Councils and intersectoral tables (issue 16, item 1): the Consejo de la Sociedad Civil (COSOC, Ley
// 20.500), the Consejo Asesor (Ley 20.820, art. 9: 10 members) and the "mesas" the ministry convenes
// or sits on (Mesa Mujer y Minería and the like), national or regional. Each body has members (name,
// organisation, role, term), sessions (date, modality, place, agenda topics), attendance per member
// with the quorum computed from the members whose term covers the session, agreements with an owner,
// a due date and a follow-up trail (overdue flagged), and minutes that become public when published.
//
// Everything here is public once recorded (Ley 20.285: the composition and the agreements of a
// participatory body are active-transparency information), EXCEPT contact data, which the module
// does not hold at all. Changes: permission councils.manage plus the object rules of
// councils/access.h (the ministry every body; a SEREMI only her region's bodies).
//
// Dates are whole days, stored ISO ("2021-03-18") so they sort and compare as text; shown dd-mm-aaaa.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/vocabulary.h"
#include "http/router.h"
#include "store/database.h"
#include "store/migrations.h"

namespace eq::councils {

// Ley 20.820 art. 9: the Consejo Asesor "lo componen 10 personas" (the seed says the same).
inline constexpr int kConsejoAsesorSeats = 10;

const Vocabulary& body_kinds();          // cosoc, consejo_asesor, mesa
const Vocabulary& member_roles();        // presidenta, vicepresidenta, consejera, integrante, secretaria_tecnica
const Vocabulary& modalities();          // presencial, remota, mixta
const Vocabulary& session_kinds();       // ordinaria, extraordinaria
const Vocabulary& attendance_codes();    // presente, ausente, excusado
const Vocabulary& agreement_statuses();  // pendiente, en_curso, cumplido, descartado

std::vector<store::Migration> migrations();

// "2021-03-18" or "18-03-2021" (also with '/') → "2021-03-18"; nullopt when not a real day.
std::optional<std::string> parse_day(const std::string& text);
// "2021-03-18" → "18-03-2021" ("" stays "").
std::string day_label(const std::string& iso);
// Today in Chile, ISO.
std::string today_iso(int64_t now_ms);

struct Body {
  int64_t id = 0;
  std::string kind, name, legal_basis, description, region_id;  // region_id "" = national
  std::string since;                                              // ISO day or ""
  bool demo = false;
};

struct Member {
  int64_t id = 0, body_id = 0;
  std::string name, organisation, role, term_from, term_until;  // term_until "" = open-ended
  bool demo = false;
  // Whether the member's term covers `day` (ISO).
  bool active_on(const std::string& day) const { return term_from <= day && (term_until.empty() || day <= term_until); }
};

struct Attendance {
  int64_t member_id = 0;
  std::string status;
};

struct Session {
  int64_t id = 0, body_id = 0;
  std::string held_on, kind, modality, place;
  std::vector<std::string> topics;
  std::string minutes;
  std::optional<int64_t> minutes_published_at;
  std::vector<Attendance> attendance;
  bool demo = false;
};

struct Update {
  int64_t id = 0, agreement_id = 0, at = 0;
  std::string status, note, by_name;
};

struct Agreement {
  int64_t id = 0, body_id = 0, session_id = 0;
  std::string text, owner, due_on, status = "pendiente";
  int64_t updated_at = 0;
  std::vector<Update> updates;
  bool demo = false;
  bool overdue(const std::string& today) const {
    return (status == "pendiente" || status == "en_curso") && !due_on.empty() && due_on < today;
  }
};

// The quorum of a session: members whose term covers its date, how many were present, and the
// absolute majority (more than half of the members in office) that a valid session needs.
struct Quorum {
  int members = 0, present = 0, absent = 0, excused = 0, unrecorded = 0, needed = 0;
  bool met() const { return members > 0 && present >= needed; }
};
Quorum quorum_of(const Session& s, const std::vector<Member>& members);

namespace repo {
int64_t insert_body(soci::session& s, const Body& b);
std::optional<Body> body(soci::session& s, int64_t id);
std::vector<Body> bodies(soci::session& s);
int64_t count_demo(soci::session& s);
int64_t insert_member(soci::session& s, const Member& m);
std::optional<Member> member(soci::session& s, int64_t body_id, int64_t id);
void set_member_term(soci::session& s, int64_t id, const std::string& term_until);
std::vector<Member> members(soci::session& s, int64_t body_id);
int64_t insert_session(soci::session& s, const Session& x);
std::optional<Session> session(soci::session& s, int64_t id);  // with topics and attendance
std::vector<Session> sessions(soci::session& s, int64_t body_id);  // with topics and attendance
void set_attendance(soci::session& s, int64_t session_id, const std::vector<Attendance>& a);
void set_minutes(soci::session& s, int64_t session_id, const std::string& text, std::optional<int64_t> published_at);
int64_t insert_agreement(soci::session& s, const Agreement& a);
std::optional<Agreement> agreement(soci::session& s, int64_t id);  // with updates
std::vector<Agreement> agreements(soci::session& s, std::optional<int64_t> body_id);  // with updates
void insert_update(soci::session& s, const Update& u);
void set_agreement_status(soci::session& s, int64_t id, const std::string& status, int64_t at);
}  // namespace repo

// The seed's facts the demo is built from (Cuenta Pública 2020–2021, sections g and h of the
// ministry's chapter and the Mesa Mujer y Minería). A unit test reads the seed and checks them.
struct SeedFacts {
  static const char* source();
  // The Consejo Asesor's members as the seed names them ("Actualmente el Consejo está compuesto por …").
  static const std::vector<std::string>& consejo_asesor_members();
  // COSOC: monthly sessions June–November 2020, and the first of 2021 in March.
  static const std::vector<std::string>& cosoc_session_months();  // "2020-06" …
  static const std::vector<std::string>& cosoc_topics();
};

class Service {
 public:
  // `regions`: id → name of the country's regions (territory module), for regional bodies.
  Service(store::Database& db, audit::Log& audit, std::map<std::string, std::string> regions = {})
      : db_(db), audit_(audit), regions_(std::move(regions)) {}
  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }
  // The region's name; "" for a national body or an unknown id.
  std::string region_name(const std::string& id) const {
    auto it = regions_.find(id);
    return it == regions_.end() ? "" : it->second;
  }

  Result<int64_t> create_body(const http::Request& req, Body b);
  // 422 seats_full for an 11th active member of the Consejo Asesor.
  Result<int64_t> add_member(const http::Request& req, int64_t body_id, Member m);
  Result<void> end_term(const http::Request& req, int64_t body_id, int64_t member_id, const std::string& term_until);
  Result<int64_t> add_session(const http::Request& req, int64_t body_id, Session x);
  // Every entry must name a member whose term covers the session (422 otherwise).
  Result<void> record_attendance(const http::Request& req, int64_t session_id, const std::vector<Attendance>& a);
  // 409 minutes_published once published.
  Result<void> write_minutes(const http::Request& req, int64_t session_id, const std::string& text, bool publish);
  Result<int64_t> add_agreement(const http::Request& req, int64_t session_id, Agreement a);
  Result<void> follow_up(const http::Request& req, int64_t agreement_id, const std::string& status, const std::string& note);
  // The seed's bodies, members, sessions and agreements, labelled demo. Idempotent.
  Result<void> load_demo(int64_t now);

 private:
  // The body `id` when the caller may manage it; 404 when it does not exist, 403 otherwise (the
  // refusal audited outside any transaction, so it stays recorded).
  Result<Body> managed_body(const http::Request& req, int64_t id, const std::string& action, const std::string& object);
  store::Database& db_;
  audit::Log& audit_;
  std::map<std::string, std::string> regions_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::councils
