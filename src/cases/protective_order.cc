// The registry's side of "one protective order" (protective_order.h): resolving a record into the
// court order the monitoring centre watches, and the monitored orders shown beside a person. Who may
// do either is asked of access.h.
#include "cases/module.h"
#include "core/time.h"

namespace eq::cases {

using Json = nlohmann::json;

namespace {
// The same answer for a number that does not exist and one the caller may not read: numbers are not
// a way into the registry.
const char* kNoOrder =
    "No existe una medida de protección con ese número que usted pueda consultar. El centro de monitoreo puede usar las medidas "
    "de vigilancia telemática o de prohibición de acercamiento; las demás, solo la institución que las registró.";
}  // namespace

Result<CourtOrder> Service::court_order_for_monitoring(int64_t record_id, const http::Principal& who) {
  Actor a{who.user_id, who.institution_id, nullptr};
  const int64_t now = now_ms();
  // nullopt: refused, and the refusal (audited) is committed.
  auto found = db_.transaction<std::optional<CourtOrder>>([&](soci::session& s) -> Result<std::optional<CourtOrder>> {
    auto r = repo_.record(s, record_id);
    if (!r) return fail(Error::not_found(kNoOrder));
    bool emergency = false;
    for (const auto& p : r->persons)
      if (repo_.emergency_until(s, p.person_id, a.user_id, now)) emergency = true;
    const std::string basis = access::court_order_basis(viewer(a), who.can("monitoring.manage"), *r, emergency);
    if (basis.empty()) {
      // Committed on purpose: a refused look at another institution's record is itself evidence.
      audit::Entry e{who.user_id, who.institution_id, "case.court_order_read", "case_record:" + std::to_string(record_id), {}, "denied",
                     "need_to_know"};
      audit_.append(s, e);
      return std::optional<CourtOrder>();
    }
    if (r->kind != "protective_order")
      return fail(Error::invalid("record_id", "El registro N° " + std::to_string(record_id) + " no es una medida de protección (es: " +
                                                  kind_name_es(r->kind) + ").",
                                 "not_an_order"));
    CourtOrder o;
    o.record_id = r->id;
    o.comuna_id = r->comuna_id;
    const auto& d = r->details;
    o.court = d.value("court", std::string());
    o.order_type = d.value("order_type", std::string());
    if (d.contains("distance_m") && d["distance_m"].is_number_integer()) o.distance_m = d["distance_m"].get<int64_t>();
    o.starts_at = d.value("starts_at", int64_t{0});
    if (d.contains("ends_at") && d["ends_at"].is_number_integer()) o.ends_at = d["ends_at"].get<int64_t>();
    for (const auto& p : r->persons) {
      const auto live = repo_.resolve_person(s, p.person_id).value_or(p.person_id);
      if (p.role == "victim" && !o.victim_person_id) o.victim_person_id = live, o.victim_name = display_name(best_identity(s, live));
      if (p.role == "aggressor" && !o.aggressor_person_id)
        o.aggressor_person_id = live, o.aggressor_name = display_name(best_identity(s, live));
      // Her access log shows who read her data for the monitoring centre, as for any other read.
      repo_.log_access(s, {0, live, a.user_id, a.institution_id, now, basis == "monitoring" ? "monitoring" : "record:" + std::to_string(r->id),
                           true});
    }
    audit(s, a, "case.court_order_read", "case_record:" + std::to_string(record_id), basis);
    return std::optional<CourtOrder>(std::move(o));
  });
  if (!found) return fail(found.error());
  if (!*found) return fail(Error::not_found(kNoOrder));
  return std::move(**found);
}

Json Service::monitoring_json(int64_t person_id, bool incidents) const {
  Json out = Json::array();
  if (!directory_.monitored_orders) return out;
  auto orders = directory_.monitored_orders(person_id);
  if (!orders) return out;  // the registry's page does not fail because monitoring could not answer
  for (const auto& o : *orders) {
    Json j = {{"order_id", o.order_id},
              {"record_id", o.record_id},
              {"role", o.role},
              {"role_name", role_name_es(o.role)},
              {"status", o.status},
              {"starts_on", o.starts_at ? Json(format_date_cl(o.starts_at)) : Json()},
              {"ends_on", o.ends_at ? Json(format_date_cl(*o.ends_at)) : Json()}};
    if (incidents) {
      Json list = Json::array();
      for (const auto& i : o.incidents)
        list.push_back({{"id", i.id}, {"at", format_datetime_cl(i.first_at)}, {"type", i.type}, {"severity", i.severity},
                        {"state", i.state}, {"outcome", i.outcome.empty() ? Json() : Json(i.outcome)}});
      j["incidents"] = list;
    }
    out.push_back(j);
  }
  return out;
}

}  // namespace eq::cases
