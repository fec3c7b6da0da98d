// Citizens' participation in the Cuenta Pública Participativa (issue 16, item 4). A consultation
// process is opened on a published edition's period; citizens read without any account, and after
// verifying an e-mail (a one-time code sent by SMTP) comment on a passage of the published text or
// ask the ministry a question by topic and region. Each question gets a due date from the process
// calendar; the ministry answers publicly, and the figure «N de M respondidas a tiempo» counts a
// late answer as late. Phases (consulta, respuestas, publicación final) switch by date in a
// background job. Moderation: reports with a reason, hidden after N distinct reporters, the author
// told by e-mail, appeal, a moderator restores or confirms. Writes cost a proof-of-work and are
// limited per address.
//
// Comments are anchored by the quoted text, its offset (Unicode code points) in the section text,
// the section key and the edition (version) they were written on; on a newer version of the same
// period the quote is searched again (the occurrence nearest the old offset); when it is gone the
// comment is kept and shown as «desanclado».
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/log.h"
#include "core/crypto.h"
#include "http/router.h"
#include "participation/editions.h"
#include "participation/smtp.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::participation {

using http::Json;

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();
// The canonical form of an e-mail for its blind index: trimmed, lower-case.
std::string canonical_email(const std::string& email);

inline constexpr const char* kConsulta = "consulta";
inline constexpr const char* kRespuestas = "respuestas";
inline constexpr const char* kFinal = "publicacion_final";
inline constexpr const char* kPrevia = "previa";

struct Process {
  int64_t id = 0;
  std::string period, title;
  int64_t consult_from = 0, answers_from = 0, final_from = 0;  // UTC ms
  int answer_days = 10;  // business days after the answers phase starts (weekends skipped)
  std::string phase;     // as last switched by the job
  int64_t phase_at = 0;
  bool demo = false;
};
// The phase the calendar gives at `now`.
std::string phase_at(const Process& p, int64_t now);
const char* phase_label(const std::string& phase);
// The instant the `days`-th business day after the day of `from` ends (America/Santiago days,
// Saturdays and Sundays skipped); `days` = 0: `from` itself.
int64_t add_business_days(int64_t from, int days);

struct Post {
  int64_t id = 0, process_id = 0, citizen_id = 0;
  std::string kind;  // comentario | pregunta
  std::string body;
  // comentario
  std::string section_key, quote;
  int64_t edition_id = 0, quote_offset = 0;
  // pregunta
  std::string topic, region_id;
  std::optional<int64_t> due_at, answered_at;
  std::string answer, answered_by;
  std::string state = "visible";  // visible | oculto (by reports) | retirado (moderator confirmed)
  std::string appeal;
  std::optional<int64_t> appealed_at;
  int64_t created_at = 0;
  bool demo = false;
  std::string pseudonym;  // joined from the citizen
};

struct Citizen {
  int64_t id = 0;
  std::string email_enc, pseudonym;
  bool demo = false;
};

// Where a comment stands on a given edition.
struct Anchor {
  bool anchored = false;
  int64_t offset = 0;  // code points, on that edition's section text
};
// Finds `quote` in `text` nearest to `old_offset` (code points); not anchored when absent.
Anchor reanchor(const std::string& text, const std::string& quote, int64_t old_offset);
// The code-point substring [offset, offset + length of quote) equals quote.
bool quote_at(const std::string& text, const std::string& quote, int64_t offset);

// The module's SQL (SQLite and PostgreSQL).
class Repository {
 public:
  static std::vector<Process> processes(soci::session& s);
  static std::optional<Process> process(soci::session& s, int64_t id);
  static int64_t insert_process(soci::session& s, const Process& p);
  static void set_phase(soci::session& s, int64_t id, const std::string& phase, int64_t at);
  static void set_calendar(soci::session& s, const Process& p);

  static std::optional<Citizen> citizen_by_index(soci::session& s, const std::string& bidx);
  static std::optional<Citizen> citizen(soci::session& s, int64_t id);
  static int64_t insert_citizen(soci::session& s, const std::string& email_enc, const std::string& bidx, const std::string& pseudonym,
                                bool demo, int64_t now);
  static void set_pseudonym(soci::session& s, int64_t id, const std::string& pseudonym);
  static void insert_code(soci::session& s, int64_t citizen_id, const std::string& code_hash, int64_t expires_at, int64_t now);
  // Spends the newest unexpired code of the citizen when it matches; false otherwise (attempts counted).
  static bool spend_code(soci::session& s, int64_t citizen_id, const std::string& code_hash, int64_t now);
  static void insert_token(soci::session& s, const std::string& token_hash, int64_t citizen_id, int64_t expires_at);
  static std::optional<int64_t> token_citizen(soci::session& s, const std::string& token_hash, int64_t now);
  // false when the nonce was already spent.
  static bool spend_challenge(soci::session& s, const std::string& nonce, int64_t at);

  static int64_t insert_post(soci::session& s, const Post& p);
  static std::optional<Post> post(soci::session& s, int64_t id);
  static std::vector<Post> posts(soci::session& s, int64_t process_id, const std::string& kind, bool with_hidden);
  static void answer(soci::session& s, int64_t id, const std::string& text, const std::string& by, int64_t at);
  static void set_state(soci::session& s, int64_t id, const std::string& state);
  static void set_appeal(soci::session& s, int64_t id, const std::string& text, int64_t at);
  // Records the report; false when this citizen had already reported this post.
  static bool insert_report(soci::session& s, int64_t post_id, int64_t citizen_id, const std::string& reason, int64_t at);
  static int64_t distinct_reporters(soci::session& s, int64_t post_id);
  static std::vector<std::pair<std::string, int64_t>> report_reasons(soci::session& s, int64_t post_id);
  static bool has_demo(soci::session& s);
};

// A proof-of-work challenge: SHA-256(nonce ‖ decimal counter) must start with `bits` zero bits.
struct Challenge {
  std::string nonce;
  int bits = 16;
  int64_t expires_at = 0;
  std::string sig;  // HMAC over nonce|bits|expires_at
};
int leading_zero_bits(const std::string& sha256_hex);

// Per-address flood limit: at most `max` writes in `window_ms`; the answer says when to retry.
class FloodLimit {
 public:
  FloodLimit(int max, int64_t window_ms) : max_(max), window_(window_ms) {}
  // 0 when allowed (and counted); otherwise seconds to wait.
  int64_t take(const std::string& address, int64_t now);

 private:
  std::mutex mu_;
  int max_;
  int64_t window_;
  std::map<std::string, std::deque<int64_t>> seen_;
};

struct Options {
  SmtpOptions smtp;
  int pow_bits = 16;
  int flood_max = 12;               // writes per address per window
  int64_t flood_window_ms = 600000;  // 10 minutes
  int hide_after = 3;               // distinct reporters
  std::vector<std::pair<std::string, std::string>> regions;  // id, name (from territory, when the module opens)
};

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, std::shared_ptr<audit::Log> audit, Editions editions, Options options);
  store::Database& db() { return db_; }
  const Options& options() const { return options_; }

  // ---- public
  Result<Json> processes();
  // The process with its current edition (latest published of its period), comments anchored on
  // it, questions with answers, and the figure «N de M respondidas a tiempo».
  Result<Json> process(int64_t id, int64_t now);
  Json challenge(int64_t now);
  // Flood limit of one address (429 with Retry-After); called by every public write.
  int64_t flood(const std::string& address, int64_t now) { return flood_.take(address, now); }
  Result<Json> request_code(const http::Request& req, const std::string& email, const std::string& pseudonym, int64_t now);
  Result<Json> confirm_code(const http::Request& req, const std::string& email, const std::string& code, int64_t now);

  struct Proof {
    Challenge challenge;
    std::string counter;
  };
  struct NewComment {
    std::string token, section_key, quote, body;
    int64_t offset = 0;
    Proof proof;
  };
  Result<Json> comment(const http::Request& req, int64_t process_id, const NewComment& c, int64_t now);
  struct NewQuestion {
    std::string token, topic, region_id, body;
    Proof proof;
  };
  Result<Json> ask(const http::Request& req, int64_t process_id, const NewQuestion& q, int64_t now);
  Result<Json> report(const http::Request& req, int64_t post_id, const std::string& token, const std::string& reason, int64_t now);
  Result<Json> appeal(const http::Request& req, int64_t post_id, const std::string& token, const std::string& text, int64_t now);

  // ---- ministry
  struct NewProcess {
    std::string period, title;
    int64_t consult_from = 0, answers_from = 0, final_from = 0;
    int answer_days = 10;
  };
  Result<Json> create_process(const http::Request& req, const NewProcess& p, int64_t now);
  Result<Json> answer(const http::Request& req, int64_t post_id, const std::string& text, int64_t now);
  Result<Json> moderation(const http::Request& req, int64_t process_id);
  Result<Json> moderate(const http::Request& req, int64_t post_id, const std::string& decision, int64_t now);

  // The job: each process's phase follows its calendar; returns how many switched.
  Result<int> switch_phases(int64_t now);
  Result<void> load_demo(int64_t now);

 private:
  Result<int64_t> citizen_of(soci::session& s, const std::string& token, int64_t now);
  Result<void> verify_proof(soci::session& s, const Proof& p, int64_t now);
  Result<PublishedEdition> current_edition(const Process& p);
  Result<void> notify(int64_t citizen_id, const std::string& subject, const std::string& body);
  std::string sign(const Challenge& c) const;
  std::string hash_secret(const std::string& what) const;

  store::Database& db_;
  const crypto::Keys& keys_;
  std::shared_ptr<audit::Log> audit_;
  Editions editions_;
  Options options_;
  FloodLimit flood_;
  std::string pow_key_;
};

// Topics of questions (Agenda Mujer axes as citizens name them).
const std::vector<std::pair<std::string, std::string>>& topics();

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<Json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::participation
