// Legislative agenda: the bills the Ministry follows in Congress, their constitutional stages,
// the urgencies the Executive sets on them, and the laws they became. Public information: anyone
// may read it; changes need «legislative.manage».
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/log.h"
#include "http/router.h"
#include "legislative/urgency.h"
#include "store/migrations.h"

namespace eq::legislative {

// Stages in the order a bill goes through them; 'archivada' ends a bill that did not become law.
inline const std::vector<std::string>& stages() {
  static const std::vector<std::string> all = {"primer_tramite", "segundo_tramite", "tercer_tramite", "comision_mixta",
                                               "tribunal_constitucional", "promulgacion", "publicada", "archivada"};
  return all;
}
bool is_stage(const std::string& s);
std::string stage_name_es(const std::string& s);
// Stages in which the bill is before a chamber, the only ones an urgency applies to.
bool in_congress(const std::string& stage);

// Forward only, except 'archivada' from any stage but 'publicada'. 'publicada' also needs the law
// number and the Diario Oficial date (checked by the caller, which has them). Error: 422, field
// "stage", Spanish message.
Result<void> check_transition(const std::string& from, const std::string& to);

// "N° 21.212", "Nº 21212", "21.212" → "21.212"; nullopt when it is not a law number.
std::optional<std::string> normalize_law_number(const std::string& text);
// Boletín of the Chamber/Senate: number, dash, two-digit committee code ("13541-07").
bool valid_boletin(const std::string& text);

struct Bill {
  int64_t id = 0;
  std::optional<std::string> boletin;  // absent for demo laws whose boletín the source omits
  std::string title;
  std::string kind;            // "mensaje" | "mocion" | "" (unknown, historic data)
  std::string origin_chamber;  // "camara" | "senado" | "" (unknown, historic data)
  std::optional<int64_t> entered_at;  // first instant of a Chilean calendar day
  std::string stage;
  std::string committee;
  std::optional<std::string> law_number;
  std::optional<int64_t> published_at;
};

struct Event {
  int64_t id = 0;
  int64_t bill_id = 0;
  std::optional<int64_t> at;  // first instant of a Chilean calendar day; absent when unknown
  std::string kind;           // stage | urgency_set | urgency_renewed | urgency_withdrawn | note
  std::string stage, from_stage, committee, urgency, note;
};

std::vector<store::Migration> migrations();

// The module's SQL; no other module reads legislative_* tables.
class Repository {
 public:
  static std::vector<Bill> list(soci::session& s, const std::string& stage, const std::string& query);
  static std::optional<Bill> bill(soci::session& s, int64_t id);
  static std::optional<int64_t> bill_id_by_boletin(soci::session& s, const std::string& boletin);
  static std::optional<int64_t> bill_id_by_law(soci::session& s, const std::string& law_number);
  // Timeline: dated events by day, undated ones first; ties in the order they were recorded.
  static std::vector<Event> timeline(soci::session& s, int64_t bill_id);
  // Urgency events of the given bills (all bills when empty), in the order they were recorded.
  static std::vector<Event> urgency_events(soci::session& s, const std::vector<int64_t>& bill_ids);
  static int64_t insert_bill(soci::session& s, const Bill& b);
  static void update_stage(soci::session& s, const Bill& b);
  static int64_t insert_event(soci::session& s, const Event& e, std::optional<int64_t> actor_user_id);
};

// Urgency state of one bill from its recorded events (any kinds; non-urgency ones are skipped).
std::optional<CurrentUrgency> urgency_of(const Bill& b, const std::vector<Event>& events);
// The Chilean calendar day of an instant.
Day chile_day(int64_t utc_ms);

void register_routes(http::Router& router, store::Database& db, std::shared_ptr<audit::Log> audit);

// Bills and laws named in the 2020–2021 public account; idempotent.
Result<void> load_demo(store::Database& db, audit::Log& audit);

}  // namespace eq::legislative
