// Workflow of the Registro de Directoras: her registration and edits (one transaction with the
// audit entry), the stale-profile reminders.
#include <algorithm>
#include <climits>
#include <map>

#include "core/rut.h"
#include "core/time.h"
#include "directoras/access.h"
#include "directoras/module.h"

namespace eq::directoras {

namespace {
int year_of(int64_t ms) { return std::stoi(format_date_cl(ms).substr(6, 4)); }
}  // namespace

std::string Service::region_name(const std::string& id) const {
  for (const auto& [rid, name] : regions_)
    if (rid == id) return name;
  return id;
}

Result<void> Service::check(const Profile& p, std::optional<int64_t> own_id, soci::session& s) const {
  if (auto no = ineligible(p, options_, year_of(now_ms()))) return fail(*no);
  if (auto other = repo_.by_rut(s, p.rut); other && (!own_id || *other != *own_id))
    return fail(Error::conflict("rut_registered", "Ya hay un perfil inscrito con este RUT.", "rut"));
  return {};
}

Result<Profile> Service::create(const http::Request& req, Profile p) {
  const auto& who = req.who();
  return db_.transaction<Profile>([&](soci::session& s) -> Result<Profile> {
    if (repo_.of_user(s, who.user_id))
      return fail(Error::conflict("already_registered", "Usted ya tiene un perfil en el Registro: edítelo en lugar de crear otro."));
    if (auto ok = check(p, std::nullopt, s); !ok) return fail(ok.error());
    p.user_id = who.user_id;
    p.created_at = p.updated_at = now_ms();
    p.demo = false;
    p.id = repo_.insert(s, p);
    audit_.append(s, audit::Log::from(req, "directoras.profile_create", "directora:" + std::to_string(p.id)));
    return p;
  });
}

Result<Profile> Service::update(const http::Request& req, int64_t id, Profile p) {
  auto out = db_.transaction<Profile>([&](soci::session& s) -> Result<Profile> {
    auto old = repo_.find(s, id);
    if (!old || !access::may_edit(req.who(), *old)) return fail(Error::not_found("El perfil no existe o no es suyo."));
    if (auto ok = check(p, id, s); !ok) return fail(ok.error());
    p.id = id;
    p.user_id = old->user_id;
    p.created_at = old->created_at;
    p.demo = old->demo;
    p.updated_at = now_ms();  // saving confirms it: the freshness date
    repo_.update(s, p);
    audit_.append(s, audit::Log::from(req, "directoras.profile_update", "directora:" + std::to_string(id)));
    return p;
  });
  // The refusal is recorded after the rollback, in its own transaction (never one inside another).
  if (!out && out.error().status == 404)
    if (auto ok = audit_.append(audit::Log::from(req, "directoras.profile_update", "directora:" + std::to_string(id), "denied")); !ok)
      return fail(ok.error());
  return out;
}

Result<int> Service::remind_stale(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    const auto ids = repo_.stale_to_remind(s, now - options_.stale_days * 86400000LL, now - options_.remind_every_days * 86400000LL);
    for (auto id : ids) {
      repo_.mark_reminded(s, id, now);
      audit::Entry e;
      e.action = "directoras.stale_reminder";
      e.object = "directora:" + std::to_string(id);
      e.outcome = "ok";
      audit_.append(s, e);
    }
    return static_cast<int>(ids.size());
  });
}

}  // namespace eq::directoras
