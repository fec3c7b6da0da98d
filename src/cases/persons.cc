// Looking at persons: search, the cross-institution timeline with need-to-know masking, emergency
// access, the access log that the person's institutions can read, and consented statistics.
#include <algorithm>

#include "cases/module.h"
#include "core/text.h"
#include "core/time.h"

namespace eq::cases {

using Json = nlohmann::json;

namespace {

Json identity_view(const PersonIdentity& p, bool full) {
  Json j = to_json(p);
  j["name"] = display_name(p);
  if (!full) {
    // Contact data only for institutions that serve her (or in an emergency access).
    j.erase("phone");
    j.erase("other_phones");
    j.erase("address");
    j["contact_masked"] = true;
  }
  return j;
}

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
  auto m = index_->match(to_linkage(*id));
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
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
    for (const auto& [pid, w] : found) {
      auto serving = repo_.institutions_serving(s, pid);
      const bool serves = std::find(serving.begin(), serving.end(), a.institution_id) != serving.end();
      auto ident = best_identity(s, pid);
      Json item = {{"person_id", pid}, {"identity", identity_view(ident, serves)}, {"match", w.second},
                   {"weight", w.first}, {"served_by_my_institution", serves}, {"institutions", serving.size()}};
      if (!ident.comuna_id.empty())
        if (auto c = territory_->comuna(ident.comuna_id); c && *c) item["comuna"] = (*c)->name;
      items.push_back(item);
      repo_.log_access(s, {0, pid, a.user_id, a.institution_id, now, "search", false});
    }
    audit(s, a, "case.search", "", std::to_string(items.size()) + " resultados");
    return Json{{"items", items}};
  });
}

Result<Json> Service::person(const http::Request& req, int64_t requested) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  const int64_t now = now_ms();
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto id = repo_.resolve_person(s, requested);
    if (!id) return fail(Error::not_found("No existe una persona con ese número en el registro."));
    auto serving = repo_.institutions_serving(s, *id);
    const bool serves = std::find(serving.begin(), serving.end(), a.institution_id) != serving.end();
    auto emergency = repo_.emergency_until(s, *id, a.user_id, now);
    auto records = repo_.records_of_person(s, *id);

    std::set<int64_t> inst_ids(serving.begin(), serving.end());
    for (const auto& r : records) inst_ids.insert(r.institution_id);
    auto names = directory_.institution_names(inst_ids);
    Json timeline = Json::array();
    int masked = 0;
    std::string risk_level, reassess_due;
    Json orders = Json::array();
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      const bool full = full_view(s, a, *it, emergency.has_value());
      if (!full) ++masked;
      Json j = record_json(s, *it, full, names);
      timeline.push_back(j);
      if (it->kind == "risk_assessment" && risk_level.empty()) {
        risk_level = it->details.value("level", std::string());
        if (it->details.contains("reassess_due_at") && it->details["reassess_due_at"].is_number())
          reassess_due = format_date_cl(it->details["reassess_due_at"].get<int64_t>());
      }
      if (it->kind == "protective_order" && order_active(*it, now)) orders.push_back(j);
    }
    Json alerts = Json::array();
    if (alerts_)
      for (const auto& al : alerts_->open_alerts(s, *id)) alerts.push_back(alert_summary(al));
    Json insts = Json::array();
    for (auto i : serving) insts.push_back({{"id", i}, {"name", names.count(i) ? names[i] : std::string()}});
    Json links = Json::array();
    for (const auto& l : repo_.links_of(s, *id))
      links.push_back({{"id", l.id}, {"kind", l.kind}, {"from_person_id", l.from_person_id}, {"to_person_id", l.to_person_id},
                       {"weight", l.weight ? Json(*l.weight) : Json()}, {"at", format_datetime_cl(l.created_at)},
                       {"undone", l.undone_by.has_value()}, {"reason", l.reason}});

    const bool full_identity = serves || emergency.has_value();
    repo_.log_access(s, {0, *id, a.user_id, a.institution_id, now, emergency ? "emergency_view" : "view", full_identity});
    audit(s, a, "case.person_read", "case_person:" + std::to_string(*id),
          emergency ? "emergency" : (serves ? "serving" : "shared_minimum"));
    Json out = {{"id", *id},
                {"requested_id", requested},
                {"identity", identity_view(best_identity(s, *id), full_identity)},
                {"served_by_my_institution", serves},
                {"emergency_until", emergency ? Json(format_datetime_cl(*emergency)) : Json()},
                {"institutions", insts},
                {"summary", {{"risk_level", risk_level.empty() ? Json() : Json(risk_level)},
                             {"reassess_due_on", reassess_due.empty() ? Json() : Json(reassess_due)},
                             {"active_orders", orders},
                             {"open_alerts", alerts}}},
                {"timeline", timeline},
                {"masked_records", masked},
                {"links", links}};
    return out;
  });
}

Result<Json> Service::emergency_access(const http::Request& req, int64_t requested, const std::string& reason_in) {
  const std::string reason = trim(reason_in);
  if (reason.size() < 20)
    return fail(Error::invalid("reason", "Describa el motivo de la emergencia (al menos 20 caracteres): quedará registrado y se notificará.",
                               "too_short"));
  if (reason.size() > 1000) return fail(Error::invalid("reason", "El motivo admite como máximo 1000 caracteres.", "too_long"));
  Actor a{req.who().user_id, req.who().institution_id, &req};
  const int64_t now = now_ms();
  const int64_t until = now + options_.emergency_minutes * 60 * 1000;
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto id = repo_.resolve_person(s, requested);
    if (!id) return fail(Error::not_found("No existe una persona con ese número en el registro."));
    repo_.insert_emergency(s, *id, a.user_id, a.institution_id, reason, now, until);
    auto who = directory_.user_names ? directory_.user_names({a.user_id}) : std::map<int64_t, std::string>();
    auto inst = directory_.institution_names({a.institution_id});
    for (auto i : repo_.institutions_serving(s, *id)) {
      if (i == a.institution_id) continue;
      repo_.notify(s, {0, i, *id, now, "emergency_access",
                       "Acceso de emergencia a la ficha N° " + std::to_string(*id) + " por " +
                           (who.count(a.user_id) ? who[a.user_id] : std::string("una usuaria")) + " (" +
                           (inst.count(a.institution_id) ? inst[a.institution_id] : std::string("otra institución")) +
                           "), vigente hasta el " + format_datetime_cl(until) + ". El motivo figura en el registro de accesos de la persona.",
                       std::nullopt});
    }
    repo_.log_access(s, {0, *id, a.user_id, a.institution_id, now, "emergency_granted", true});
    audit(s, a, "case.emergency_access", "case_person:" + std::to_string(*id));
    return Json{{"person_id", *id}, {"until", format_datetime_cl(until)}, {"until_at", iso8601_utc(until)}};
  });
}

Result<Json> Service::access_log(const http::Request& req, int64_t requested) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto id = repo_.resolve_person(s, requested);
    if (!id) return fail(Error::not_found("No existe una persona con ese número en el registro."));
    auto serving = repo_.institutions_serving(s, *id);
    if (std::find(serving.begin(), serving.end(), a.institution_id) == serving.end())
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
      items.push_back({{"id", n.id}, {"person_id", n.person_id}, {"kind", n.kind}, {"message", n.message},
                       {"at", format_datetime_cl(n.created_at)}});
    return Json{{"items", items}};
  });
}

Result<Json> Service::statistics(const http::Request& req, int64_t from, int64_t to) {
  (void)req;
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto rows = repo_.statistics(s, from, to);
    std::map<std::string, std::map<std::string, int64_t>> by_month, by_comuna;  // → kind → n
    std::map<std::string, int64_t> levels;
    for (const auto& r : rows) {
      by_month[r.month][r.kind] += r.count;
      by_comuna[r.comuna_id.empty() ? "sin_comuna" : r.comuna_id][r.kind] += r.count;
      if (r.kind == "risk_assessment" && !r.risk_level.empty()) levels[r.risk_level] += r.count;
    }
    // Small counts could single a woman out in a small comuna: 1–4 are published as "<5".
    auto cell = [](int64_t n) { return n > 0 && n < 5 ? Json(nullptr) : Json(n); };
    auto table = [&](const std::map<std::string, std::map<std::string, int64_t>>& m, bool comunas) {
      Json out = Json::array();
      for (const auto& [key, kinds] : m) {
        Json counts = Json::object();
        int64_t contacts = 0;
        for (const auto& [kind, n] : kinds) {
          counts[kind] = cell(n);
          if (kind == "contact" || kind == "complaint") contacts += n;
        }
        Json row = {{"key", key}, {"counts", counts}, {"contacts_and_complaints", cell(contacts)}};
        if (comunas && key != "sin_comuna")
          if (auto c = territory_->comuna(key); c && *c) row["name"] = (*c)->name;
        out.push_back(row);
      }
      return out;
    };
    // Alerts by month and comuna, counting only those whose every record allows statistics.
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
        Json row = {{"month", month}, {"comuna_id", comuna}, {"count", cell(n)}};
        if (comuna != "sin_comuna")
          if (auto c = territory_->comuna(comuna); c && *c) row["name"] = (*c)->name;
        alerts_table.push_back(row);
      }
    Json lv = Json::object();
    for (const auto& l : risk_levels()) lv[l] = cell(levels.count(l) ? levels[l] : 0);
    return Json{{"from", format_date_cl(from)}, {"to", format_date_cl(to - 1)}, {"by_month", table(by_month, false)},
                {"by_comuna", table(by_comuna, true)}, {"risk_levels", lv}, {"alerts", alerts_table},
                {"note", "Solo registros cuyo consentimiento permite fines estadísticos. Valores entre 1 y 4 se muestran como «<5»."}};
  });
}

}  // namespace eq::cases
