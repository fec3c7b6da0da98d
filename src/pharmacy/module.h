// «Mascarilla 19» (issue 14, item 2): a woman says the code word in an enrolled pharmacy; the
// pharmacist fills a one-minute form and the woman becomes a contact in the ONE operator queue
// (channels/intake.h), urgent when she is in danger now, to be contacted by SernamEG. The pharmacy
// sees only the status of its own reports; SernamEG sees enrolment and activations per territory.
//
// Files: service.cc (workflow, audit, follow-up), repository.cc (every pharmacy_* statement),
// access.cc (who may see a report), routes.cc (HTTP), demo.cc (generated enrolments and the 2020
// activations), home.cc, migrations.cc, contract.cc.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/log.h"
#include "channels/intake.h"
#include "core/crypto.h"
#include "core/error.h"
#include "http/message.h"
#include "http/router.h"
#include "kernel/module.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"
#include "territory/module.h"

namespace eq::pharmacy {

struct Options {
  int64_t followup_ms = 24LL * 3600 * 1000;      // SernamEG contacts her within this…
  int64_t urgent_followup_ms = 15LL * 60 * 1000;  // …or this when she is in danger now
  // Past its deadline without closure a report escalates to the 1455's supervision (level 1), and
  // after this much longer still open, to the second level (level 2).
  int64_t second_level_ms = 2LL * 3600 * 1000;
};

// One training of a pharmacy's staff in the protocol (a pharmacy may have several: new staff, refreshers).
struct Training {
  int64_t id = 0;
  int64_t trained_at = 0;           // the day (Chile's midnight, ms)
  std::optional<int64_t> staff;     // how many people were trained, when known
  std::string note;                 // who gave it, what it covered (no names of the staff)
  int64_t recorded_at = 0;
};

struct Enrolment {
  int64_t id = 0;
  std::optional<int64_t> institution_id;  // the pharmacy's account institution, when it has one
  std::string name;
  std::string chain;  // empty: independent
  std::string comuna_code, comuna_name, region_code, region_name;
  std::string contact;  // the pharmacy's own contact (not hers)
  std::string address, phone, rut;  // the pharmacy's (phone "+56 …", RUT "12.345.678-5"); optional
  std::optional<int64_t> trained_at;  // staff trained in the protocol
  int64_t enrolled_at = 0;
  bool demo = false;
  // "active" or "suspended": a suspended pharmacy cannot report (its reports are refused with the reason).
  std::string status = "active";
  std::string status_reason;
  std::optional<int64_t> status_at;
  std::vector<Training> trainings;  // filled by Service::enrolment only
  int64_t activations = 0;          // every report it ever made (filled by the list and the detail)
};

// The enrolment list's filters (SernamEG's screen); empty means any.
struct EnrolmentFilter {
  std::string region, comuna, chain;  // chain: a chain's name, or "independiente"
  std::string status;                 // "active" | "suspended"
};

// What the pharmacist writes: one minute, no more.
struct NewReport {
  std::string alias;         // her first name or an alias
  std::string phone;         // normalised +56…, optional
  std::string safe_contact;  // how and when to reach her safely
  std::string asked_for;     // what she asked for (optional)
  bool in_danger = false;
  std::optional<int64_t> pharmacy_id;  // when given, must be the caller's own enrolment
};

struct Report {
  int64_t id = 0;
  std::string ref;
  int64_t enrolment_id = 0;
  std::optional<int64_t> institution_id;
  std::string pharmacy_name, comuna_code, region_code;
  bool in_danger = false;
  std::string state;  // "waiting" | "in_contact" | "contacted"
  std::string contact_id;
  int64_t at = 0, due_at = 0;
  std::optional<int64_t> contacted_at;
  bool demo = false;
  int escalation = 0;  // 0 none, 1 to the supervision, 2 the second level
  std::optional<int64_t> escalated_at;
};

// Enrolment and activations by territory (SernamEG's view).
struct TerritoryCount {
  std::string code, name;
  int64_t enrolled = 0, chains = 0, independent = 0, trained = 0, activations = 0;
};
struct Overview {
  int year = 0;
  std::vector<TerritoryCount> regions;
  std::map<std::string, std::vector<TerritoryCount>> comunas;  // by region code
  int64_t activations_year = 0, contacted_year = 0;
};

// The seed's figures (Cuenta Pública 2020–2021, /work/shared/seed), kept beside the computed ones.
struct SeedFigure {
  const char* what;
  const char* region_code;  // "" for a national figure
  int64_t value;
  const char* source;
};
const std::vector<SeedFigure>& seed_figures();

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, channels::Intake& intake,
          std::shared_ptr<territory::Service> territory, Options options);

  Result<Enrolment> enrol(const http::Request& req, Enrolment e);
  Result<std::optional<Enrolment>> enrolment_of(int64_t institution_id);
  // SernamEG's enrolment screen: the list (filtered), one pharmacy with its trainings, edits, trainings,
  // suspension and reactivation (each audited, each in one transaction).
  Result<std::vector<Enrolment>> enrolments(const http::Request& req, const EnrolmentFilter& f);
  Result<std::vector<std::string>> chains();
  Result<Enrolment> enrolment(const http::Request& req, int64_t id);
  Result<Enrolment> edit(const http::Request& req, int64_t id, Enrolment changed);
  Result<Enrolment> add_training(const http::Request& req, int64_t id, Training t);
  Result<Enrolment> set_status(const http::Request& req, int64_t id, bool suspend, const std::string& reason);
  Result<Report> report(const http::Request& req, const NewReport& r);
  Result<std::vector<Report>> own_reports(const http::Request& req);
  Result<Report> read(const http::Request& req, const std::string& ref);
  Result<std::vector<Report>> followups(const http::Request& req);
  Result<Overview> overview(const http::Request& req, int year);

  // The queue changed a pharmacy contact: taken or closed moves its report's status.
  void queue_changed(const std::string& ref, const channels::Holder& holder);
  // Reports the queue refused (outside opening hours, a failure): put in it again.
  Result<int64_t> retry_intake();
  // Reports past their deadline without closure: escalated one level each (once per level),
  // audited. Returns how many moved. The escalation job calls it at every sweep.
  Result<int64_t> escalate(int64_t now);
  // Open reports escalated at least once (the supervision's home item and list).
  Result<std::vector<Report>> escalated(const http::Request& req);
  const Options& options() const { return options_; }

  Result<void> load_demo(const kernel::FindDemoAccount& find);

 private:
  Result<std::string> to_queue(const Report& r, const NewReport& n);
  void name_places(Enrolment& e);

  store::Database& db_;
  const crypto::Keys& keys_;
  audit::Log& audit_;
  channels::Intake& intake_;
  std::shared_ptr<territory::Service> territory_;
  Options options_;
};

// Spanish label of a report's status, as the pharmacy sees it.
std::string state_label(const std::string& state);
// Spanish label of an escalation level ("" for none).
std::string escalation_label(int level);
// A duration as an official reads it: "45 min", "2 h 05 min", "3 d 4 h".
std::string duration_text(int64_t ms);

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();
void register_routes(http::Router& router, std::shared_ptr<Service> service);
Result<std::vector<http::Json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::pharmacy
