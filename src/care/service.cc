// Finding a place, and the periodic work: today's snapshot, stale confirmations, overdue steps.
#include <algorithm>

#include "care/module.h"
#include "core/time.h"

namespace eq::care {

namespace {
constexpr int64_t kHour = 3600LL * 1000;
constexpr int64_t kDay = 24 * kHour;
}  // namespace

std::string step_key(int64_t placement_id, const std::string& step) {
  return "care_placement:" + std::to_string(placement_id) + ":" + step;
}

std::string duration_es(int seconds) {
  auto n = [](int v, const char* one, const char* many) { return std::to_string(v) + " " + (v == 1 ? one : many); };
  if (seconds >= 3600 && seconds % 3600 == 0) return n(seconds / 3600, "hora", "horas");
  if (seconds >= 60 && seconds % 60 == 0) return n(seconds / 60, "minuto", "minutos");
  return n(seconds, "segundo", "segundos");
}

int64_t chile_day_of(int64_t utc_ms) {
  // Chile's day boundary: UTC-4 (UTC-3 in summer); a fixed UTC-4 keeps a day's snapshot on one row
  // even across the clock change, at the cost of an hour's shift in summer.
  const int64_t local = utc_ms - 4 * kHour;
  return local >= 0 ? local / kDay : (local - kDay + 1) / kDay;
}

Service::Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, std::shared_ptr<Geography> geo, Registry registry,
                 Options options)
    : db_(db), audit_(audit), repo_(keys), geo_(std::move(geo)), registry_(std::move(registry)), options_(options) {}

nlohmann::json Service::find(soci::session& s, const Need& n, int64_t now) const {
  const std::string type = unit_type_for(n);
  auto candidates = repo_.available(s, type, now - options_.stale_hours * kHour);
  auto adjacent = [this](const std::string& a, const std::string& b) { return geo_->adjacent(a, b); };
  std::vector<std::pair<Place, Unit>> fit;
  nlohmann::json refused = nlohmann::json::array();
  for (auto& [p, u] : candidates) {
    if (auto why = refuse(p, n, adjacent))
      refused.push_back({{"place_id", p.id}, {"name", p.name}, {"region_id", p.region_id}, {"code", why->code}, {"reason", why->message}});
    else
      fit.emplace_back(std::move(p), u);
  }
  std::sort(fit.begin(), fit.end(), [&](const auto& a, const auto& b) {
    const bool ra = a.first.region_id == n.region_id, rb = b.first.region_id == n.region_id;
    if (ra != rb) return ra;
    if (a.second.available() != b.second.available()) return a.second.available() > b.second.available();
    return a.first.id < b.first.id;
  });
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [p, u] : fit)
    items.push_back({{"place_id", p.id},
                     {"name", p.name},
                     {"operator_name", p.operator_name},
                     {"region_id", p.region_id},
                     {"comuna_id", p.comuna_id},
                     {"comuna", registry_.comuna_name ? registry_.comuna_name(p.comuna_id) : p.comuna_id},
                     {"unit_type", u.unit_type},
                     {"unit_type_name", unit_types().label(u.unit_type)},
                     {"available", u.available()},
                     {"places", u.places},
                     {"confirmed_at", *u.confirmed_at},
                     {"confirmed", format_datetime_cl(*u.confirmed_at)},
                     {"same_region", p.region_id == n.region_id}});
  // The comunas she may not be placed in, named, so the case worker sees the rule that was applied.
  nlohmann::json banned = nlohmann::json::array();
  auto name = [&](const std::string& c) { return registry_.comuna_name ? registry_.comuna_name(c) : c; };
  if (!n.exclusion.comuna_id.empty()) {
    banned.push_back({{"comuna_id", n.exclusion.comuna_id}, {"comuna", name(n.exclusion.comuna_id)}, {"why", "comuna del agresor"}});
    if (n.exclusion.neighbours)
      for (const auto& c : geo_->neighbours(n.exclusion.comuna_id))
        banned.push_back({{"comuna_id", c}, {"comuna", name(c)}, {"why", "comuna vecina"}});
  }
  return {{"unit_type", type}, {"unit_type_name", unit_types().label(type)}, {"items", items}, {"excluded", refused},
          {"excluded_comunas", banned}};
}

Result<int> Service::sweep(int64_t now) {
  return db_.transaction<int>([&](soci::session& s) -> Result<int> {
    int raised = 0;
    const int64_t today = chile_day_of(now);
    std::map<int64_t, Place> houses;
    for (auto& p : repo_.places(s, "casa", "", "")) houses[p.id] = p;
    std::map<int64_t, std::optional<int64_t>> oldest;  // per house, the oldest confirmation of its units
    for (const auto& u : repo_.units(s, std::nullopt)) {
      repo_.snapshot(s, today, u);
      auto& o = oldest[u.place_id];
      if (!u.confirmed_at)
        o = 0;
      else if (!o || *u.confirmed_at < *o)
        o = u.confirmed_at;
    }
    const int64_t stale = options_.stale_hours * kHour;
    for (const auto& [place_id, confirmed] : oldest) {
      const int64_t at = confirmed.value_or(0);
      if (at + stale <= now) {
        auto name = houses.count(place_id) ? houses[place_id].name : std::to_string(place_id);
        raised += repo_.raise(s, "capacidad_sin_confirmar", place_id, std::nullopt, at + stale,
                              name + " no confirma sus cupos desde " + (at ? format_datetime_cl(at) : std::string("su registro")) +
                                  " (plazo: " + std::to_string(options_.stale_hours) + " horas).",
                              now);
      }
    }
    for (auto pl : repo_.placements(s, "open", 0)) {
      auto name = houses.count(pl.place_id) ? houses[pl.place_id].name : std::to_string(pl.place_id);
      const std::string who = "La derivación N° " + std::to_string(pl.id) + " a " + name;
      if (pl.state == "ofrecida" && std::max(pl.answer_due_at, pl.offered_at + options_.lapse_hours * kHour) <= now) {
        // Still no answer long after its deadline: the offer lapses (the house can no longer take it),
        // so nobody counts on that place. The early-alert engine's alert about the missed deadline stays
        // open until someone closes it with what was done for her.
        pl.state = "vencida";
        repo_.update_placement(s, pl);
        raised += repo_.raise(s, "respuesta_vencida", pl.place_id, pl.id, pl.answer_due_at,
                              who + " no tuvo respuesta antes de " + format_datetime_cl(pl.answer_due_at) + "; la oferta venció.", now);
      } else if (pl.state == "ofrecida" && pl.answer_due_at <= now) {
        // Past its deadline: on the house's page too (the engine alerts both institutions).
        raised += repo_.raise(s, "respuesta_vencida", pl.place_id, pl.id, pl.answer_due_at,
                              who + " no tiene respuesta y el plazo venció el " + format_datetime_cl(pl.answer_due_at) + ".", now);
      } else if (pl.state == "aceptada" && pl.entry_due_at && *pl.entry_due_at <= now) {
        raised += repo_.raise(s, "ingreso_vencido", pl.place_id, pl.id, *pl.entry_due_at,
                              who + " fue aceptada pero no se registra su ingreso antes de " + format_datetime_cl(*pl.entry_due_at) + ".",
                              now);
      } else if (pl.state == "ingresada" && pl.entered_at && *pl.entered_at + options_.max_stay_days * kDay <= now) {
        raised += repo_.raise(s, "estadia_prolongada", pl.place_id, pl.id, *pl.entered_at + options_.max_stay_days * kDay,
                              who + " lleva más de " + std::to_string(options_.max_stay_days) + " días en la casa: planifique su egreso.",
                              now);
      }
    }
    return raised;
  });
}

}  // namespace eq::care
