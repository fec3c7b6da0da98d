// Referrals between institutions: the inbox with deadlines, acknowledgement and first contact.
// The receiving institution sees the referral in full (the woman consented to it).
#include "cases/module.h"
#include "core/time.h"

namespace eq::cases {

using Json = nlohmann::json;

namespace {

std::optional<int64_t> ms(const Json& d, const char* key) {
  if (d.contains(key) && d[key].is_number_integer()) return d[key].get<int64_t>();
  return std::nullopt;
}

Json when(const std::optional<int64_t>& v) { return v ? Json(format_datetime_cl(*v)) : Json(); }

}  // namespace

Result<Json> Service::referrals(const http::Request& req, bool incoming) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    const int64_t now = now_ms();
    auto list = repo_.referrals(s, a.institution_id, incoming);
    std::set<int64_t> inst;
    for (const auto& r : list) inst.insert(r.institution_id), inst.insert(r.details.value("to_institution_id", int64_t{0}));
    auto names = directory_.institution_names(inst);
    Json items = Json::array();
    for (const auto& r : list) {
      const auto& d = r.details;
      auto ack = ms(d, "acknowledged_at"), fc = ms(d, "first_contact_at");
      auto ack_due = ms(d, "ack_due_at"), fc_due = ms(d, "first_contact_due_at");
      std::string state = fc ? "contactada" : ack ? "acusada" : "pendiente";
      const bool overdue = (!ack && ack_due && *ack_due < now) || (!fc && fc_due && *fc_due < now);
      Json victim;
      for (const auto& p : r.persons)
        if (p.role == "victim") {
          auto ident = best_identity(s, p.person_id);
          victim = {{"person_id", p.person_id}, {"name", display_name(ident)}, {"phone", ident.phone}};
        }
      const int64_t to = d.value("to_institution_id", int64_t{0});
      items.push_back({{"id", r.id}, {"from_institution", names.count(r.institution_id) ? names[r.institution_id] : std::string()},
                       {"to_institution", names.count(to) ? names[to] : std::string()}, {"occurred_on", format_datetime_cl(r.occurred_at)},
                       {"reason", d.value("reason", std::string())}, {"state", state}, {"overdue", overdue},
                       {"ack_due", when(ack_due)}, {"acknowledged", when(ack)}, {"first_contact_due", when(fc_due)},
                       {"first_contact", when(fc)}, {"ack_due_at", ack_due ? Json(iso8601_utc(*ack_due)) : Json()},
                       {"first_contact_due_at", fc_due ? Json(iso8601_utc(*fc_due)) : Json()}, {"victim", victim}});
      if (!victim.is_null())
        repo_.log_access(s, {0, victim["person_id"].get<int64_t>(), a.user_id, a.institution_id, now, "referral_inbox", true});
    }
    audit(s, a, "case.referral_list", "", incoming ? "in" : "out");
    return Json{{"direction", incoming ? "in" : "out"}, {"items", items}};
  });
}

Result<Json> Service::referral_step(const http::Request& req, int64_t record_id, const std::string& step) {
  Actor a{req.who().user_id, req.who().institution_id, &req};
  return db_.transaction<Json>([&](soci::session& s) -> Result<Json> {
    auto r = repo_.record(s, record_id);
    if (!r || !access::is_referral_recipient(viewer(a), *r))
      return fail(Error::not_found("No existe una derivación con ese número dirigida a su institución."));
    const int64_t now = now_ms();
    auto& d = r->details;
    if (step == "acknowledge") {
      if (ms(d, "acknowledged_at")) return fail(Error::conflict("already_acknowledged", "La derivación ya tiene acuse de recibo."));
      d["acknowledged_at"] = now;
    } else {
      if (!ms(d, "acknowledged_at"))
        return fail(Error::conflict("not_acknowledged", "Primero acuse recibo de la derivación; luego registre el primer contacto."));
      if (ms(d, "first_contact_at")) return fail(Error::conflict("already_contacted", "El primer contacto ya está registrado."));
      d["first_contact_at"] = now;
    }
    repo_.update_details(s, *r);
    raise_alerts(s, *r);  // lets the engine drop the watch on this deadline
    audit(s, a, step == "acknowledge" ? "case.referral_ack" : "case.referral_first_contact", "case_record:" + std::to_string(record_id));
    return Json{{"id", record_id}, {"acknowledged", when(ms(d, "acknowledged_at"))}, {"first_contact", when(ms(d, "first_contact_at"))}};
  });
}

Result<int64_t> Service::overdue_referrals() {
  // Read at every scrape of the operations metrics: one indexed COUNT, no person read, so no audit.
  auto lease = db_.lease();
  if (!lease) return fail(lease.error());
  try {
    return repo_.count_overdue_referrals(**lease, now_ms());
  } catch (const std::exception& e) {
    return fail(store::database_error(e));
  }
}

}  // namespace eq::cases
