#include "pharmacy/repository.h"

#include "store/query.h"
#include "store/row.h"

namespace eq::pharmacy::repo {

using store::Query;

namespace {
using ll = long long;
std::optional<std::string> opt(const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); }

const char* kEnrolmentCols =
    "id, institution_id, name, chain, comuna_code, region_code, contact, trained_at, enrolled_at, demo, address, phone, rut, status, status_reason, "
    "status_at";
Enrolment enrolment_row(const soci::row& r) {
  Enrolment e;
  e.id = store::get_int(r, 0);
  e.institution_id = store::get_opt_int(r, 1);
  e.name = store::get_str(r, 2);
  e.chain = store::get_str(r, 3);
  e.comuna_code = store::get_str(r, 4);
  e.region_code = store::get_str(r, 5);
  e.contact = store::get_str(r, 6);
  e.trained_at = store::get_opt_int(r, 7);
  e.enrolled_at = store::get_int(r, 8);
  e.demo = store::get_bool(r, 9);
  e.address = store::get_str(r, 10);
  e.phone = store::get_str(r, 11);
  e.rut = store::get_str(r, 12);
  e.status = store::get_str(r, 13);
  e.status_reason = store::get_str(r, 14);
  e.status_at = store::get_opt_int(r, 15);
  return e;
}

const char* kReportCols =
    "r.id, r.ref, r.enrolment_id, e.institution_id, e.name, r.comuna_code, r.region_code, r.in_danger, r.state, r.contact_id, r.at, "
    "r.due_at, r.contacted_at, r.demo, r.alias, r.phone, r.safe_contact, r.asked_for, r.escalation, r.escalated_at";
StoredReport report_row(const soci::row& r) {
  StoredReport o;
  o.id = store::get_int(r, 0);
  o.ref = store::get_str(r, 1);
  o.enrolment_id = store::get_int(r, 2);
  o.institution_id = store::get_opt_int(r, 3);
  o.pharmacy_name = store::get_str(r, 4);
  o.comuna_code = store::get_str(r, 5);
  o.region_code = store::get_str(r, 6);
  o.in_danger = store::get_bool(r, 7);
  o.state = store::get_str(r, 8);
  o.contact_id = store::get_str(r, 9);
  o.at = store::get_int(r, 10);
  o.due_at = store::get_int(r, 11);
  o.contacted_at = store::get_opt_int(r, 12);
  o.demo = store::get_bool(r, 13);
  o.alias = store::get_str(r, 14);
  o.phone = store::get_str(r, 15);
  o.safe_contact = store::get_str(r, 16);
  o.asked_for = store::get_str(r, 17);
  o.escalation = static_cast<int>(store::get_int(r, 18));
  o.escalated_at = store::get_opt_int(r, 19);
  return o;
}

std::vector<Report> report_list(soci::session& s, const std::string& where, std::optional<int64_t> enrolment_id, int limit,
                                const std::string& order) {
  std::vector<Report> out;
  Query q(std::string("SELECT ") + kReportCols + " FROM pharmacy_reports r JOIN pharmacy_enrolments e ON e.id = r.enrolment_id WHERE " +
          where + " ORDER BY " + order + " LIMIT :lim");
  if (enrolment_id) q.bind("eid", static_cast<ll>(*enrolment_id));
  q.bind("lim", static_cast<ll>(limit)).each(s, [&](const soci::row& r) { out.push_back(report_row(r)); });
  return out;
}
}  // namespace

int64_t insert_enrolment(soci::session& s, const Enrolment& e) {
  const int64_t id = Query("INSERT INTO pharmacy_enrolments (institution_id, name, chain, comuna_code, region_code, contact, trained_at, enrolled_at, demo, "
               "address, phone, rut) VALUES (:inst, :name, :chain, :comuna, :region, :contact, :trained, :enrolled, :demo, :address, :phone, :rut) "
               "RETURNING id")
      .bind_opt("inst", e.institution_id ? std::optional<ll>(*e.institution_id) : std::nullopt)
      .bind("name", e.name)
      .bind_opt("chain", opt(e.chain))
      .bind("comuna", e.comuna_code)
      .bind("region", e.region_code)
      .bind_opt("contact", opt(e.contact))
      .bind_opt("trained", e.trained_at ? std::optional<ll>(*e.trained_at) : std::nullopt)
      .bind("enrolled", static_cast<ll>(e.enrolled_at))
      .bind("demo", static_cast<ll>(e.demo ? 1 : 0))
      .bind_opt("address", opt(e.address))
      .bind_opt("phone", opt(e.phone))
      .bind_opt("rut", opt(e.rut))
      .scalar(s)
      .value_or(0);
  // The training given at enrolment is the pharmacy's first (later ones: insert_training).
  if (e.trained_at) {
    Training t;
    t.trained_at = *e.trained_at;
    t.recorded_at = e.enrolled_at;
    insert_training(s, id, t, e.demo);
  }
  return id;
}

void update_enrolment(soci::session& s, const Enrolment& e) {
  Query("UPDATE pharmacy_enrolments SET name = :name, chain = :chain, comuna_code = :comuna, region_code = :region, contact = :contact, "
        "address = :address, phone = :phone, rut = :rut WHERE id = :id")
      .bind("name", e.name)
      .bind_opt("chain", opt(e.chain))
      .bind("comuna", e.comuna_code)
      .bind("region", e.region_code)
      .bind_opt("contact", opt(e.contact))
      .bind_opt("address", opt(e.address))
      .bind_opt("phone", opt(e.phone))
      .bind_opt("rut", opt(e.rut))
      .bind("id", static_cast<ll>(e.id))
      .exec(s);
}

bool set_status(soci::session& s, int64_t id, const std::string& from, const std::string& to, const std::string& reason, int64_t at) {
  return Query("UPDATE pharmacy_enrolments SET status = :to, status_reason = :reason, status_at = :at WHERE id = :id AND status = :from")
             .bind("to", to)
             .bind("reason", reason)
             .bind("at", static_cast<ll>(at))
             .bind("id", static_cast<ll>(id))
             .bind("from", from)
             .exec(s) > 0;
}

int64_t insert_training(soci::session& s, int64_t enrolment_id, const Training& t, bool demo) {
  const int64_t id = Query("INSERT INTO pharmacy_trainings (enrolment_id, trained_at, staff, note, recorded_at, demo) VALUES (:e, :t, :staff, :note, "
                           ":rec, :demo) RETURNING id")
                         .bind("e", static_cast<ll>(enrolment_id))
                         .bind("t", static_cast<ll>(t.trained_at))
                         .bind_opt("staff", t.staff ? std::optional<ll>(*t.staff) : std::nullopt)
                         .bind_opt("note", opt(t.note))
                         .bind("rec", static_cast<ll>(t.recorded_at))
                         .bind("demo", static_cast<ll>(demo ? 1 : 0))
                         .scalar(s)
                         .value_or(0);
  // The enrolment keeps its latest training (the overview counts pharmacies with trained staff).
  Query("UPDATE pharmacy_enrolments SET trained_at = :t WHERE id = :e AND (trained_at IS NULL OR trained_at < :t2)")
      .bind("t", static_cast<ll>(t.trained_at))
      .bind("e", static_cast<ll>(enrolment_id))
      .bind("t2", static_cast<ll>(t.trained_at))
      .exec(s);
  return id;
}

std::vector<Training> trainings(soci::session& s, int64_t enrolment_id) {
  std::vector<Training> out;
  Query("SELECT id, trained_at, staff, note, recorded_at FROM pharmacy_trainings WHERE enrolment_id = :e ORDER BY trained_at DESC, id DESC")
      .bind("e", static_cast<ll>(enrolment_id))
      .each(s, [&](const soci::row& r) {
        Training t;
        t.id = store::get_int(r, 0);
        t.trained_at = store::get_int(r, 1);
        t.staff = store::get_opt_int(r, 2);
        t.note = store::get_str(r, 3);
        t.recorded_at = store::get_int(r, 4);
        out.push_back(t);
      });
  return out;
}

std::vector<Enrolment> find_enrolments(soci::session& s, const EnrolmentFilter& f, int limit) {
  std::string where = "1 = 1";
  if (!f.region.empty()) where += " AND region_code = :region";
  if (!f.comuna.empty()) where += " AND comuna_code = :comuna";
  if (f.chain == "independiente") where += " AND chain IS NULL";
  else if (!f.chain.empty()) where += " AND chain = :chain";
  if (!f.status.empty()) where += " AND status = :status";
  Query q(std::string("SELECT ") + kEnrolmentCols +
          ", (SELECT COUNT(*) FROM pharmacy_reports r WHERE r.enrolment_id = pharmacy_enrolments.id) FROM pharmacy_enrolments WHERE " + where +
          " ORDER BY region_code, comuna_code, name, id LIMIT :lim");
  if (!f.region.empty()) q.bind("region", f.region);
  if (!f.comuna.empty()) q.bind("comuna", f.comuna);
  if (!f.chain.empty() && f.chain != "independiente") q.bind("chain", f.chain);
  if (!f.status.empty()) q.bind("status", f.status);
  std::vector<Enrolment> out;
  q.bind("lim", static_cast<ll>(limit)).each(s, [&](const soci::row& r) {
    Enrolment e = enrolment_row(r);
    e.activations = store::get_int(r, 16);
    out.push_back(std::move(e));
  });
  return out;
}

std::vector<std::string> chains(soci::session& s) {
  std::vector<std::string> out;
  Query("SELECT DISTINCT chain FROM pharmacy_enrolments WHERE chain IS NOT NULL ORDER BY chain").each(s, [&](const soci::row& r) {
    out.push_back(store::get_str(r, 0));
  });
  return out;
}

int64_t count_reports_of(soci::session& s, int64_t enrolment_id) {
  return Query("SELECT COUNT(*) FROM pharmacy_reports WHERE enrolment_id = :e").bind("e", static_cast<ll>(enrolment_id)).scalar(s).value_or(0);
}

std::optional<Enrolment> enrolment(soci::session& s, int64_t id) {
  std::optional<Enrolment> out;
  Query(std::string("SELECT ") + kEnrolmentCols + " FROM pharmacy_enrolments WHERE id = :id")
      .bind("id", static_cast<ll>(id))
      .each(s, [&](const soci::row& r) { out = enrolment_row(r); });
  return out;
}

std::optional<Enrolment> enrolment_of_institution(soci::session& s, int64_t institution_id) {
  std::optional<Enrolment> out;
  Query(std::string("SELECT ") + kEnrolmentCols + " FROM pharmacy_enrolments WHERE institution_id = :i")
      .bind("i", static_cast<ll>(institution_id))
      .each(s, [&](const soci::row& r) { out = enrolment_row(r); });
  return out;
}

std::optional<int64_t> enrolment_by_name(soci::session& s, const std::string& name, const std::string& comuna_code) {
  return Query("SELECT id FROM pharmacy_enrolments WHERE name = :n AND comuna_code = :c").bind("n", name).bind("c", comuna_code).scalar(s);
}

std::vector<Enrolment> enrolments(soci::session& s) {
  std::vector<Enrolment> out;
  Query(std::string("SELECT ") + kEnrolmentCols + " FROM pharmacy_enrolments ORDER BY region_code, comuna_code, name").each(s, [&](const soci::row& r) {
    out.push_back(enrolment_row(r));
  });
  return out;
}

int64_t insert_report(soci::session& s, const StoredReport& r, std::optional<int64_t> user_id) {
  return Query("INSERT INTO pharmacy_reports (ref, enrolment_id, user_id, alias, phone, safe_contact, asked_for, in_danger, comuna_code, "
               "region_code, state, contact_id, at, due_at, contacted_at, demo) VALUES (:ref, :eid, :uid, :alias, :phone, :safe, :asked, "
               ":danger, :comuna, :region, :state, :contact, :at, :due, :contacted, :demo) RETURNING id")
      .bind("ref", r.ref)
      .bind("eid", static_cast<ll>(r.enrolment_id))
      .bind_opt("uid", user_id ? std::optional<ll>(*user_id) : std::nullopt)
      .bind_opt("alias", opt(r.alias))
      .bind_opt("phone", opt(r.phone))
      .bind_opt("safe", opt(r.safe_contact))
      .bind_opt("asked", opt(r.asked_for))
      .bind("danger", static_cast<ll>(r.in_danger ? 1 : 0))
      .bind("comuna", r.comuna_code)
      .bind("region", r.region_code)
      .bind("state", r.state)
      .bind_opt("contact", opt(r.contact_id))
      .bind("at", static_cast<ll>(r.at))
      .bind("due", static_cast<ll>(r.due_at))
      .bind_opt("contacted", r.contacted_at ? std::optional<ll>(*r.contacted_at) : std::nullopt)
      .bind("demo", static_cast<ll>(r.demo ? 1 : 0))
      .scalar(s)
      .value_or(0);
}

void set_contact(soci::session& s, int64_t id, const std::string& contact_id) {
  Query("UPDATE pharmacy_reports SET contact_id = :c WHERE id = :id").bind("c", contact_id).bind("id", static_cast<ll>(id)).exec(s);
}

bool advance(soci::session& s, const std::string& ref, const std::string& state, int64_t at) {
  if (state == "contacted")
    return Query("UPDATE pharmacy_reports SET state = 'contacted', contacted_at = :at WHERE ref = :ref AND state <> 'contacted'")
               .bind("at", static_cast<ll>(at))
               .bind("ref", ref)
               .exec(s) > 0;
  return Query("UPDATE pharmacy_reports SET state = :st WHERE ref = :ref AND state = 'waiting'").bind("st", state).bind("ref", ref).exec(s) > 0;
}

std::optional<StoredReport> report(soci::session& s, const std::string& ref) {
  std::optional<StoredReport> out;
  Query(std::string("SELECT ") + kReportCols + " FROM pharmacy_reports r JOIN pharmacy_enrolments e ON e.id = r.enrolment_id WHERE r.ref = :ref")
      .bind("ref", ref)
      .each(s, [&](const soci::row& r) { out = report_row(r); });
  return out;
}

std::vector<Report> reports_of(soci::session& s, int64_t enrolment_id, int limit) {
  return report_list(s, "r.enrolment_id = :eid", enrolment_id, limit, "r.at DESC, r.id DESC");
}

std::vector<Report> open_reports(soci::session& s, int limit) {
  return report_list(s, "r.state <> 'contacted' AND r.demo = 0", std::nullopt, limit, "r.due_at, r.id");
}

std::vector<StoredReport> without_contact(soci::session& s, int limit) {
  std::vector<StoredReport> out;
  Query(std::string("SELECT ") + kReportCols +
        " FROM pharmacy_reports r JOIN pharmacy_enrolments e ON e.id = r.enrolment_id WHERE r.contact_id IS NULL AND r.state = 'waiting' "
        "AND r.demo = 0 ORDER BY r.in_danger DESC, r.at LIMIT :lim")
      .bind("lim", static_cast<ll>(limit))
      .each(s, [&](const soci::row& r) { out.push_back(report_row(r)); });
  return out;
}

Activations activations(soci::session& s, int64_t from, int64_t to) {
  Activations a;
  Query("SELECT region_code, comuna_code, state FROM pharmacy_reports WHERE at >= :f AND at < :t")
      .bind("f", static_cast<ll>(from))
      .bind("t", static_cast<ll>(to))
      .each(s, [&](const soci::row& r) {
        ++a.by_region[store::get_str(r, 0)];
        ++a.by_comuna[store::get_str(r, 1)];
        ++a.total;
        if (store::get_str(r, 2) == "contacted") ++a.contacted;
      });
  return a;
}

std::vector<Report> due_for_escalation(soci::session& s, int64_t now, int64_t second_after, int limit) {
  std::vector<Report> out;
  Query(std::string("SELECT ") + kReportCols +
        " FROM pharmacy_reports r JOIN pharmacy_enrolments e ON e.id = r.enrolment_id WHERE r.state <> 'contacted' AND r.demo = 0 AND "
        "((r.escalation = 0 AND r.due_at < :now) OR (r.escalation = 1 AND r.escalated_at < :second)) ORDER BY r.due_at, r.id LIMIT :lim")
      .bind("now", static_cast<ll>(now))
      .bind("second", static_cast<ll>(now - second_after))
      .bind("lim", static_cast<ll>(limit))
      .each(s, [&](const soci::row& r) { out.push_back(report_row(r)); });
  return out;
}

bool escalate(soci::session& s, int64_t id, int from, int64_t at) {
  return Query("UPDATE pharmacy_reports SET escalation = :to, escalated_at = :at WHERE id = :id AND escalation = :from AND state <> 'contacted'")
             .bind("to", static_cast<ll>(from + 1))
             .bind("at", static_cast<ll>(at))
             .bind("id", static_cast<ll>(id))
             .bind("from", static_cast<ll>(from))
             .exec(s) > 0;
}

std::vector<Report> escalated_reports(soci::session& s, int limit) {
  return report_list(s, "r.state <> 'contacted' AND r.demo = 0 AND r.escalation > 0", std::nullopt, limit, "r.escalation DESC, r.due_at, r.id");
}

int64_t count_demo_reports(soci::session& s) { return Query("SELECT COUNT(*) FROM pharmacy_reports WHERE demo = 1").scalar(s).value_or(0); }

}  // namespace eq::pharmacy::repo
