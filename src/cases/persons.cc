// Looking at persons: search, the cross-institution timeline with need-to-know masking, emergency
// access, the access log that the person's institutions can read, and consented statistics. Who
// may see what is asked of access.h; this file only assembles the answers.
#include <algorithm>

#include "cases/module.h"
#include "core/text.h"
#include "core/time.h"

namespace eq::cases {

using Json = nlohmann::json;

namespace {
const char* kNoPerson = "No existe una persona con ese número en el registro.";
// The same answer for a number that does not exist and one the caller may not open: numbers are
// not a way into the registry (access.h).
const char* kNoPersonForYou =
    "No existe una persona con ese número entre las que su institución atiende. Búsquela con sus datos de identificación "
    "(RUN, documento, o nombres, primer apellido y año de nacimiento) o solicite un acceso de emergencia.";
}  // namespace

Result<Json> Service::search(const http::Request& req, const Json& query) {
  const int64_t now = now_ms();
  Json q = Json::object();
  for (const char* k : {"run", "given_names", "surname1", "surname2", "birth_date", "other_document", "document_type", "comuna_id", "sex"})
    if (query.contains(k) && query[k].is_string() && !trim(query[k].get<std::string>()).empty()) q[k] = query[k];
  if (q.empty())
    return fail(Error::bad_request("missing_query", "Indique al menos el RUN, un nombre, un apellido o un documento.", "q"));
  auto id = parse_identity(q, "query", now);
  if (!id) {
    Error e = id.error();
    if (e.field.rfind("query.", 0) == 0) e.field = e.field.substr(6);
    return fail(e);
  }
  Actor a{req.who().user_id, req.who().institution_id, &req};
  const auto v = viewer(a);
  const bool enough = access::enough_identifying_input(*id);
  auto m = index_->match(to_linkage(*id));
  return unwrap_refusal(db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    if (auto e = throttle(s, a, 0, now)) return refusal(*e);
    std::vector<std::pair<int64_t, std::pair<double, std::string>>> found;  // person, (weight, level)
    std::set<int64_t> seen;
    if (id->run_valid)
      for (auto pid : repo_.persons_by_run(s, id->run))
        if (auto live = repo_.resolve_person(s, pid); live && seen.insert(*live).second) found.push_back({*live, {99.0, "exacta"}});
    const auto t = linkage::default_thresholds();
    for (const auto& c : m.candidates) {
      auto live = repo_.resolve_person(s, c.person_id);
      if (!live || !seen.insert(*live).second) continue;
      std::string level = c.weight >= t.upper ? "probable" : c.weight >= t.lower ? "posible" : "lejana";
      found.push_back({*live, {c.weight, level}});
    }
    Json items = Json::array();
    int withheld = 0;
    for (const auto& [pid, w] : found) {
      auto acc = access::person(s, repo_, v, pid, now, options_.limits);
      if (!access::search_hit_shown(acc.serves, enough, w.second)) {
        ++withheld;
        continue;
      }
      auto ident = best_identity(s, pid);
      Json item = {{"person_id", pid}, {"identity", access::identity_view(ident, acc.full_identity())}, {"match", w.second},
                   {"weight", w.first}, {"served_by_my_institution", acc.serves}, {"institutions", acc.serving.size()}};
      if (!ident.comuna_id.empty())
        if (auto c = territory_->comuna(ident.comuna_id); c && *c) item["comuna"] = (*c)->name;
      items.push_back(item);
      // Also the ticket that lets this user open her (masked) file for a while (access.h).
      repo_.log_access(s, {0, pid, a.user_id, a.institution_id, now, "search", acc.full_identity()});
    }
    audit(s, a, "case.search", "", std::to_string(items.size()) + " resultados");
    Json out = {{"items", items}};
    if (withheld > 0)
      out["note"] = enough ? "Hay coincidencias débiles con personas que su institución no atiende; precise los datos para verlas."
                           : "Para encontrar personas que su institución no atiende, indique el RUN, un documento, o nombres, primer "
                             "apellido y año de nacimiento.";
    return out;
  }));
}

Result<Json> Service::person(const http::Request& req, int64_t requested) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  const auto v = viewer(a);
  const int64_t now = now_ms();
  bool incidents = false;  // may this viewer see the incidents of her monitored orders (access.h)
  auto view = unwrap_refusal(db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto id = repo_.resolve_person(s, requested);
    if (!id) return fail(Error::not_found(kNoPerson));
    if (auto e = throttle(s, a, *id, now)) return refusal(*e);
    auto acc = access::person(s, repo_, v, *id, now, options_.limits);
    if (!acc.may_open()) {
      // Kept (committed): a number tried is evidence, and counts towards the bulk-reading limit.
      repo_.log_access(s, {0, *id, a.user_id, a.institution_id, now, "view_refused", false});
      audit::Entry e = audit::Log::from(req, "case.person_read", "case_person:" + std::to_string(*id), "denied");
      e.detail = "need_to_know";
      audit_.append(s, e);
      return refusal(Error::not_found(kNoPersonForYou));
    }
    const bool emergency = acc.emergency_until.has_value();
    incidents = access::sees_monitoring_incidents(v, acc);
    auto records = repo_.records_of_person(s, *id);

    std::set<int64_t> inst_ids(acc.serving.begin(), acc.serving.end());
    for (const auto& r : records) inst_ids.insert(r.institution_id);
    auto names = directory_.institution_names(inst_ids);
    Json timeline = Json::array();
    int masked = 0;
    std::string reassess_due;
    Json orders = Json::array();
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      const bool full = access::record_full(v, *it, emergency);
      if (!full) ++masked;
      Json j = record_json(s, *it, full, names);
      timeline.push_back(j);
      if (it->kind == "risk_assessment" && reassess_due.empty() && it->details.contains("reassess_due_at") &&
          it->details["reassess_due_at"].is_number())
        reassess_due = format_date_cl(it->details["reassess_due_at"].get<int64_t>());
      if (it->kind == "protective_order" && order_active(*it, now)) orders.push_back(j);
    }
    const std::string risk_level = access::current_risk_level(records);
    Json alerts = Json::array();
    if (alerts_)
      for (const auto& al : alerts_->open_alerts(s, *id, v.institution_id, v.control_centre))
        alerts.push_back(alert_summary(al));
    Json insts = Json::array();
    for (auto i : acc.serving) insts.push_back({{"id", i}, {"name", names.count(i) ? names[i] : std::string()}});
    Json cases = Json::array();
    for (const auto& [i, open] : access::cases_by_institution(records))
      cases.push_back({{"institution_id", i}, {"institution", names.count(i) ? names[i] : std::string()}, {"open", open}});
    Json links = Json::array();
    if (acc.full_identity())
      for (const auto& l : repo_.links_of(s, *id))
        links.push_back({{"id", l.id}, {"kind", l.kind}, {"from_person_id", l.from_person_id}, {"to_person_id", l.to_person_id},
                         {"weight", l.weight ? Json(*l.weight) : Json()}, {"at", format_datetime_cl(l.created_at)},
                         {"undone", l.undone_by.has_value()}, {"reason", l.reason}});

    repo_.log_access(s, {0, *id, a.user_id, a.institution_id, now, emergency ? "emergency_view" : "view", acc.full_identity()});
    audit(s, a, "case.person_read", "case_person:" + std::to_string(*id),
          emergency ? "emergency" : (acc.serves ? "serving" : "shared_minimum"));
    Json out = {{"id", *id},
                {"requested_id", requested},
                {"identity", access::identity_view(best_identity(s, *id), acc.full_identity())},
                {"served_by_my_institution", acc.serves},
                // Whether a new record about her needs an emergency reason (access.h), for the form.
                {"may_add_records", access::attach_basis(s, repo_, v, *id, emergency, "persons", now).has_value()},
                {"emergency_until", emergency ? Json(format_datetime_cl(*acc.emergency_until)) : Json()},
                {"institutions", insts},
                {"cases", cases},
                {"summary", {{"risk_level", risk_level.empty() ? Json() : Json(risk_level)},
                             {"reassess_due_on", reassess_due.empty() ? Json() : Json(reassess_due)},
                             {"active_orders", orders},
                             {"open_alerts", alerts}}},
                {"timeline", timeline},
                {"masked_records", masked},
                {"links", links}};
    return out;
  }));
  // Asked after the commit: the monitoring module reads its own tables in its own session (the
  // person view that shows them was audited above).
  if (view) (*view)["monitoring"] = monitoring_json((*view)["id"].get<int64_t>(), incidents);
  return view;
}

int64_t Service::grant_emergency(soci::session& s, const Actor& a, int64_t person_id, const std::string& reason, int64_t now) {
  const int64_t until = now + options_.emergency_minutes * 60 * 1000;
  repo_.insert_emergency(s, person_id, a.user_id, a.institution_id, reason, now, until);
  auto who = directory_.user_names ? directory_.user_names({a.user_id}) : std::map<int64_t, std::string>();
  auto inst = directory_.institution_names({a.institution_id});
  notify_serving(s, a, person_id, repo_.institutions_serving(s, person_id), "emergency_access",
                 "Acceso de emergencia a la ficha N° " + std::to_string(person_id) + " por " +
                     (who.count(a.user_id) ? who[a.user_id] : std::string("una usuaria")) + " (" +
                     (inst.count(a.institution_id) ? inst[a.institution_id] : std::string("otra institución")) + "), vigente hasta el " +
                     format_datetime_cl(until) + ". El motivo figura en el registro de accesos de la persona.",
                 now);
  repo_.log_access(s, {0, person_id, a.user_id, a.institution_id, now, "emergency_granted", true});
  audit(s, a, "case.emergency_access", "case_person:" + std::to_string(person_id));
  return until;
}

Result<Json> Service::emergency_access(const http::Request& req, int64_t requested, const std::string& reason_in) {
  auto reason = access::emergency_reason(reason_in, "reason");
  if (!reason) return fail(reason.error());
  Actor a{req.who().user_id, req.who().institution_id, &req};
  const int64_t now = now_ms();
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto id = repo_.resolve_person(s, requested);
    if (!id) return fail(Error::not_found(kNoPerson));
    const int64_t until = grant_emergency(s, a, *id, *reason, now);
    return Json{{"person_id", *id}, {"until", format_datetime_cl(until)}, {"until_at", iso8601_utc(until)}};
  });
}

Result<Json> Service::access_log(const http::Request& req, int64_t requested) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto id = repo_.resolve_person(s, requested);
    if (!id) return fail(Error::not_found(kNoPerson));
    if (!access::may_read_access_log(access::person(s, repo_, viewer(a), *id, now_ms(), options_.limits)))
      return fail(Error{403, "need_to_know", "Solo las instituciones que atienden a esta persona pueden ver quién consultó su ficha.", {}});
    auto entries = repo_.access_log(s, *id, 500);
    std::set<int64_t> users, insts;
    for (const auto& e : entries) users.insert(e.user_id), insts.insert(e.institution_id);
    auto unames = directory_.user_names ? directory_.user_names(users) : std::map<int64_t, std::string>();
    auto inames = directory_.institution_names(insts);
    Json items = Json::array();
    for (const auto& e : entries)
      items.push_back({{"at", format_datetime_cl(e.at)}, {"user", unames.count(e.user_id) ? unames[e.user_id] : std::string()},
                       {"institution", inames.count(e.institution_id) ? inames[e.institution_id] : std::string()},
                       {"action", e.action}, {"full_view", e.full_view}});
    Json grants = Json::array();
    for (const auto& g : repo_.emergency_grants(s, *id)) {
      auto un = directory_.user_names ? directory_.user_names({g.user_id}) : std::map<int64_t, std::string>();
      auto in = directory_.institution_names({g.institution_id});
      grants.push_back({{"user", un.count(g.user_id) ? un[g.user_id] : std::string()},
                        {"institution", in.count(g.institution_id) ? in[g.institution_id] : std::string()},
                        {"reason", g.reason}, {"granted", format_datetime_cl(g.granted_at)}, {"until", format_datetime_cl(g.expires_at)}});
    }
    audit(s, a, "case.access_log_read", "case_person:" + std::to_string(*id));
    return Json{{"person_id", *id}, {"items", items}, {"emergency_accesses", grants}};
  });
}

Result<Json> Service::notifications(const http::Request& req) {
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    Json items = Json::array();
    for (const auto& n : repo_.notifications(s, req.who().institution_id, 100))
      items.push_back({{"id", n.id}, {"person_id", n.person_id ? Json(n.person_id) : Json()}, {"kind", n.kind}, {"message", n.message},
                       {"at", format_datetime_cl(n.created_at)}});
    return Json{{"items", items}};
  });
}

Result<Json> Service::statistics(const http::Request& req, int64_t from, int64_t to) {
  (void)req;
  // Small cells (1–4) could single a woman out in a small comuna. Hiding them per answer is not
  // enough: the same cell hidden in one window is the difference of two overlapping windows. So the
  // base cells are fixed — one calendar month × comuna × kind (or risk level) — whatever window is
  // asked, each base cell of 1–4 is left out (counted as 0), and every figure published is a sum of
  // base cells that were published. Any difference of two answers is then again a sum of published
  // cells: no hidden count can be recovered. Totals are therefore lower bounds (said in the note).
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto rows = repo_.statistics(s, from, to);
    using Key = std::tuple<std::string, std::string, std::string>;  // month, comuna, kind or level
    std::map<Key, int64_t> kinds, levels;
    for (const auto& r : rows) {
      const std::string comuna = r.comuna_id.empty() ? "sin_comuna" : r.comuna_id;
      kinds[{r.month, comuna, r.kind}] += r.count;
      if (r.kind == "risk_assessment" && !r.risk_level.empty()) levels[{r.month, comuna, r.risk_level}] += r.count;
    }
    auto small = [](int64_t n) { return n > 0 && n < 5; };
    // A figure: the sum of the published base cells under it; null («<5») when nothing under it was
    // published but something was left out.
    struct Sum {
      int64_t n = 0;
      bool hidden = false;
      void add(int64_t v, bool is_small) { is_small ? void(hidden = hidden || v > 0) : void(n += v); }
      Json json() const { return n == 0 && hidden ? Json(nullptr) : Json(n); }
    };
    std::map<std::string, std::map<std::string, Sum>> by_month, by_comuna;  // → kind → sum
    std::map<std::string, Sum> month_contacts, comuna_contacts;
    std::map<std::string, Sum> lv;
    for (const auto& [k, n] : kinds) {
      const auto& [month, comuna, kind] = k;
      by_month[month][kind].add(n, small(n));
      by_comuna[comuna][kind].add(n, small(n));
      if (kind == "contact" || kind == "complaint") {
        month_contacts[month].add(n, small(n));
        comuna_contacts[comuna].add(n, small(n));
      }
    }
    for (const auto& [k, n] : levels) lv[std::get<2>(k)].add(n, small(n));
    auto table = [&](const std::map<std::string, std::map<std::string, Sum>>& m, std::map<std::string, Sum>& contacts, bool comunas) {
      Json out = Json::array();
      for (const auto& [key, ks] : m) {
        Json counts = Json::object();
        for (const auto& [kind, sum] : ks) counts[kind] = sum.json();
        Json row = {{"key", key}, {"counts", counts}, {"contacts_and_complaints", contacts[key].json()}};
        if (comunas && key != "sin_comuna")
          if (auto c = territory_->comuna(key); c && *c) row["name"] = (*c)->name;
        out.push_back(row);
      }
      return out;
    };
    // Alerts by month and comuna (already fixed cells), counting only those whose every record allows statistics.
    std::map<std::string, std::map<std::string, int64_t>> alerts_by;  // month → comuna → n
    if (alerts_) {
      auto raised = alerts_->raised_between(s, from, to);
      std::set<int64_t> ids;
      for (const auto& al : raised) ids.insert(al.record_ids.begin(), al.record_ids.end());
      auto ok = repo_.consented(s, ids);
      for (const auto& al : raised) {
        bool all = !al.record_ids.empty();
        for (auto id : al.record_ids) all = all && ok.count(id);
        if (!all) continue;
        std::string day = format_date_cl(al.raised_at);
        alerts_by[day.substr(6, 4) + "-" + day.substr(3, 2)][al.comuna_id.empty() ? "sin_comuna" : al.comuna_id]++;
      }
    }
    Json alerts_table = Json::array();
    for (const auto& [month, comunas] : alerts_by)
      for (const auto& [comuna, n] : comunas) {
        Json row = {{"month", month}, {"comuna_id", comuna}, {"count", small(n) ? Json(nullptr) : Json(n)}};
        if (comuna != "sin_comuna")
          if (auto c = territory_->comuna(comuna); c && *c) row["name"] = (*c)->name;
        alerts_table.push_back(row);
      }
    Json levels_json = Json::object();
    for (const auto& l : risk_levels()) levels_json[l] = lv.count(l) ? lv[l].json() : Json(0);
    return Json{{"from", format_date_cl(from)}, {"to", format_date_cl(to - 1)}, {"by_month", table(by_month, month_contacts, false)},
                {"by_comuna", table(by_comuna, comuna_contacts, true)}, {"risk_levels", levels_json}, {"alerts", alerts_table},
                {"note", "Solo registros cuyo consentimiento permite fines estadísticos. Cada cifra suma solo las celdas de un mes "
                         "y una comuna con 5 o más registros: las de 1 a 4 se omiten (y una cifra formada solo por ellas se muestra "
                         "como «<5»), de modo que ninguna combinación de períodos las revela."}};
  });
}

}  // namespace eq::cases
