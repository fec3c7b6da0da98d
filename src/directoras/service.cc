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

namespace eq::directoras {

namespace {
uint64_t bits_of(const Vocabulary& v, const std::vector<std::string>& codes) {
  uint64_t out = 0;
  const auto& terms = v.terms();
  for (const auto& c : codes)
    for (size_t i = 0; i < terms.size() && i < 64; ++i)
      if (terms[i].id == c) out |= uint64_t{1} << i;
  return out;
}
bool newer_first(const SearchIndex::Entry& a, const SearchIndex::Entry& b) {
  return a.updated_at != b.updated_at ? a.updated_at > b.updated_at : a.id > b.id;
}
}  // namespace

SearchIndex::Entry SearchIndex::entry_of(const Profile& p) {
  Entry e;
  e.id = p.id;
  e.updated_at = p.updated_at;
  e.industries = bits_of(industries(), p.industries);
  e.specialties = bits_of(specialties(), p.specialties);
  const auto& st = studies().terms();
  for (size_t i = 0; i < st.size(); ++i)
    if (st[i].id == p.studies) e.studies = static_cast<int>(i);
  e.region_id = p.region_id;
  e.region = region_number(p.region_id);
  e.board = p.board_years > 0;
  e.demo = p.demo;
  e.text = haystack_of(p);
  return e;
}

std::shared_ptr<const SearchIndex::Entries> SearchIndex::current(soci::session& s, const Repository& repo) {
  const int64_t gen = repo.generation(s);
  std::lock_guard lock(mu_);
  if (entries_ && gen == generation_) return entries_;
  // Another instance's clock may lag ours: re-read a margin before the newest change seen.
  constexpr int64_t kClockMarginMs = 10LL * 60 * 1000;
  const int64_t since = entries_ ? max_updated_ - kClockMarginMs : INT64_MIN;
  auto next = entries_ ? std::make_shared<Entries>(*entries_) : std::make_shared<Entries>();
  std::map<int64_t, size_t> at;
  for (size_t i = 0; i < next->size(); ++i) at[(*next)[i].id] = i;
  for (const auto& p : repo.changed_since(s, since)) {
    auto e = entry_of(p);
    max_updated_ = std::max(max_updated_, e.updated_at);
    if (auto it = at.find(e.id); it != at.end()) (*next)[it->second] = std::move(e);
    else next->push_back(std::move(e));
  }
  std::sort(next->begin(), next->end(), newer_first);
  generation_ = gen;
  entries_ = std::move(next);
  return entries_;
}

}  // namespace eq::directoras
