// Registries of the ministry (issue 18, items 2 and 3): organisations certified under NCh3262, the
// Sello Iguala-Conciliación and the Iniciativa Paridad de Género (IPG Chile) adherents, each with its
// status history; and the ministry's collaboration agreements (convenios) with their parties,
// validity, obligations, documents and the alerts a job raises before expiry and on a missed
// obligation.
//
// These are the ministry's own objects: the lists of certified organisations are public (no login);
// agreements and every change belong to the ministry (permission registries.manage). An
// organisation's RUT is a legal person's public tax number, not personal data: it is validated and
// kept in clear (it is also the key that refuses a duplicate certification). Object rules live in
// registries/access.h.
//
// Dates are partial where the sources are ("01-2021": only the month is known; "" unknown): the
// seed often gives only a month or a year, and the register never invents the rest.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/partial_date.h"
#include "core/vocabulary.h"
#include "http/router.h"
#include "store/database.h"
#include "store/migrations.h"

namespace eq::registries {

// The seed's figures (Cuenta Pública 2020–2021 of the Ministerio de la Mujer y la Equidad de Género).
// The demo's counts are computed from its generated records; a test checks that they agree.
inline constexpr int kSeedIpgAdhered = 62;    // "Actualmente hay 62 empresas adheridas …"
inline constexpr int kSeedIpgInProcess = 15;  // "… y 15 en proceso de firma."
inline constexpr int kSeedNch3262Certified = 36;  // "llegando a 36 organizaciones certificadas a abril de 2021"
inline constexpr const char* kSeedSource = "Cuenta Pública 2020–2021 del Ministerio de la Mujer y la Equidad de Género";

const Vocabulary& programs();            // nch3262, sello_iguala, ipg
const Vocabulary& cert_statuses();       // every status of every program
// The statuses a program's record may take.
const std::vector<std::string>& statuses_of(const std::string& program);
const Vocabulary& agreement_statuses();  // en_elaboracion, suscrito, en_ejecucion, terminado
const Vocabulary& obligation_statuses(); // pendiente, cumplida, incumplida
const Vocabulary& alert_kinds();         // vence_60, vence_30, vencido, obligacion_atrasada
// A certification's expiry alert: "vence_<n>" (n: a window of Options::cert_expiry_days) or "vencida".
std::string cert_alert_label(const std::string& kind);
// The statuses in which a certification is in force, and so may expire (NCh3262 certified, Sello
// granted); IPG adhesion has no term.
bool in_force(const std::string& status);

std::vector<store::Migration> migrations();

struct Organisation {
  int64_t id = 0;
  std::string name, rut;  // rut canonical ("76123456-K")
  bool demo = false;
};

struct Certification {
  int64_t id = 0;
  Organisation org;
  std::string program, status, certifier, edition, scope;
  std::string issued_on, expires_on;  // partial dates as stored ("dd-mm-aaaa", "mm-aaaa", "aaaa", "")
  int64_t updated_at = 0;
  bool demo = false;
};

struct StatusChange {
  int64_t at = 0;
  std::string status, note, by_name;  // by_name: who (shown to the ministry only)
  std::optional<int64_t> by_user;
};

struct CertFilter {
  std::string program, status, q;
};

struct Obligation {
  int64_t id = 0;
  std::string description, owner, due_on, status = "pendiente";
};

struct Document {
  int64_t id = 0;
  std::string title, url, kind;
};

struct AgreementAlert {
  int64_t id = 0;
  int64_t agreement_id = 0, obligation_id = 0;  // 0: about the agreement itself
  std::string kind, message;
  int64_t raised_at = 0;
};

// An alert before (or after) a certification's expiry. expires_on is the date it was raised for: a
// renewal (a new expiry) raises its own alerts.
struct CertAlert {
  int64_t id = 0, cert_id = 0;
  std::string kind, expires_on, message;
  int64_t raised_at = 0;
  std::string org_name, program;  // of the certification, for the lists
};

struct Agreement {
  int64_t id = 0;
  std::string title, purpose, status, source;
  std::vector<std::string> parties;
  std::string signed_on, starts_on, ends_on;  // partial dates as stored
  std::vector<Obligation> obligations;
  std::vector<Document> documents;
  int64_t updated_at = 0;
  bool demo = false;
};

// Whether `end` precedes `start`, comparing only the parts both know ("12-2021" is not before
// "31-12-2021"; "2020" is before "01-2021").
bool precedes(const PartialDate& end, const PartialDate& start);
// Days since 1970-01-01 of the last day the partial date can mean (31-12 for a bare year).
int64_t last_day(const PartialDate& d);
int64_t day_of_ms(int64_t utc_ms);
// "enero de 2021", "31-12-2021", "2019", "sin información".
std::string date_label(const std::string& stored);

namespace repo {
int64_t org_by_rut(soci::session& s, const std::string& rut);
int64_t insert_org(soci::session& s, const Organisation& o);
std::optional<int64_t> cert_of(soci::session& s, int64_t org_id, const std::string& program);
int64_t insert_cert(soci::session& s, const Certification& c);
void set_cert_status(soci::session& s, int64_t id, const std::string& status, int64_t at);
void insert_history(soci::session& s, int64_t cert_id, const StatusChange& h);
std::optional<Certification> cert(soci::session& s, int64_t id);
std::vector<Certification> certs(soci::session& s, const CertFilter& f);
std::vector<StatusChange> history(soci::session& s, int64_t cert_id);
// Counts by program and status (the whole register, demo included).
std::vector<std::tuple<std::string, std::string, int64_t>> cert_counts(soci::session& s);
int64_t count_demo(soci::session& s);

int64_t insert_agreement(soci::session& s, const Agreement& a);
std::optional<Agreement> agreement(soci::session& s, int64_t id);  // with parties, obligations, documents
std::vector<Agreement> agreements(soci::session& s);              // with parties and obligations
std::optional<Obligation> obligation(soci::session& s, int64_t agreement_id, int64_t id);
void set_obligation_status(soci::session& s, int64_t id, const std::string& status, int64_t at);
int64_t insert_obligation(soci::session& s, int64_t agreement_id, const Obligation& o, int64_t at);
void update_obligation(soci::session& s, const Obligation& o, int64_t at);
std::optional<Document> document(soci::session& s, int64_t agreement_id, int64_t id);
int64_t insert_document(soci::session& s, int64_t agreement_id, const Document& d);
void delete_document(soci::session& s, int64_t id);
void touch_agreement(soci::session& s, int64_t id, int64_t at);
// Inserts the alert unless the same (agreement, obligation, kind) was raised already; true when new.
bool raise_alert(soci::session& s, const AgreementAlert& a);
std::vector<AgreementAlert> alerts(soci::session& s, std::optional<int64_t> agreement_id);

void set_cert_validity(soci::session& s, int64_t id, const std::string& issued_on, const std::string& expires_on, int64_t at);
// Certifications in force with a known expiry (the alert job's input).
std::vector<Certification> certs_with_expiry(soci::session& s);
// Inserts unless the same (certification, kind, expiry) was raised already; true when new.
bool raise_cert_alert(soci::session& s, const CertAlert& a);
// Alerts of one certification, or (nullopt) those of every certification still in force.
std::vector<CertAlert> cert_alerts(soci::session& s, std::optional<int64_t> cert_id);
}  // namespace repo

struct Options {
  std::vector<int> expiry_days = {60, 30};  // alerts this many days before an agreement ends
  std::vector<int> cert_expiry_days = {90, 30};  // and before a certification (NCh3262, Sello) expires
};

class Service {
 public:
  Service(store::Database& db, audit::Log& audit, Options options) : db_(db), audit_(audit), options_(std::move(options)) {}
  store::Database& db() { return db_; }
  audit::Log& audit() { return audit_; }

  // 409 for a second record of the same organisation (by RUT) in the same program.
  Result<int64_t> create_certification(const http::Request& req, Certification c, const std::string& note);
  Result<void> change_status(const http::Request& req, int64_t id, const std::string& status, const std::string& note);
  Result<int64_t> create_agreement(const http::Request& req, const Agreement& a);
  Result<void> change_obligation(const http::Request& req, int64_t agreement_id, int64_t obligation_id, const std::string& status);
  // Editing an agreement from its screen: obligations (added, edited, completed) and documents
  // (links attached, removed). 404 for an agreement, obligation or document that does not exist.
  Result<int64_t> add_obligation(const http::Request& req, int64_t agreement_id, const Obligation& o);
  // `edit` holds the new values; the fields named in `fields` are the ones that change.
  Result<Obligation> edit_obligation(const http::Request& req, int64_t agreement_id, const Obligation& edit,
                                     const std::vector<std::string>& fields);
  Result<int64_t> add_document(const http::Request& req, int64_t agreement_id, const Document& d);
  Result<void> remove_document(const http::Request& req, int64_t agreement_id, int64_t document_id);
  // A certification's renewal (new issue and expiry dates), kept in its history.
  Result<void> renew_certification(const http::Request& req, int64_t id, const std::string& issued_on, const std::string& expires_on,
                                   const std::string& note);
  // The job: alerts before expiry and on missed obligations; returns how many were raised.
  Result<int> raise_alerts(int64_t now);
  // The job's second half: alerts before a certification in force expires, and once it has.
  Result<int> raise_cert_alerts(int64_t now);
  // Demo: generated organisations (the seed's counts) and the seed's agreements. Idempotent.
  Result<void> load_demo();

 private:
  template <class T, class Work>
  Result<T> on_agreement(const http::Request& req, const std::string& action, int64_t agreement_id, Work work);
  Error refused(const http::Request& req, const std::string& action, const std::string& object, Error e);
  store::Database& db_;
  audit::Log& audit_;
  Options options_;
};

void register_routes(http::Router& router, std::shared_ptr<Service> svc);
Result<std::vector<nlohmann::json>> home_items(Service& svc, const http::Request& req);

}  // namespace eq::registries
