// Every SQL statement of the network of care (SQLite and PostgreSQL).
#include <algorithm>

#include "care/module.h"
#include "store/query.h"

namespace eq::care {

namespace {

using store::get_int;
using store::get_opt_double;
using store::get_opt_int;
using store::get_str;
using store::Query;
using LL = long long;

const char* kPlaceCols =
    "p.id, p.kind, p.name, p.operator_name, p.institution_id, p.region_id, p.comuna_id, p.services, p.languages, p.hours, p.phone, "
    "p.admission, p.accessible, p.referral_only, p.min_age, p.children_max_age, p.address_public, p.lat, p.lon, p.demo";
const char* kUnitCols = "u.place_id, u.unit_type, u.places, u.occupied, u.blocked, u.confirmed_at, u.confirmed_by";
const char* kPlacementCols =
    "id, place_id, unit_type, person_id, from_institution_id, from_user_id, woman_age, children_ages, aggressor_comuna_id, "
    "exclude_neighbours, state, offered_at, answer_due_at, answered_at, answered_by, entry_due_at, entered_at, exited_at, "
    "decline_reason, exit_destination, note";

std::vector<std::string> strings(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

Place place_from(const soci::row& r, size_t o = 0) {
  Place p;
  p.id = get_int(r, o + 0);
  p.kind = get_str(r, o + 1);
  p.name = get_str(r, o + 2);
  p.operator_name = get_str(r, o + 3);
  p.institution_id = get_opt_int(r, o + 4);
  p.region_id = get_str(r, o + 5);
  p.comuna_id = get_str(r, o + 6);
  p.services = strings(get_str(r, o + 7));
  p.languages = strings(get_str(r, o + 8));
  p.hours = get_str(r, o + 9);
  p.phone = get_str(r, o + 10);
  p.admission = get_str(r, o + 11);
  p.accessible = get_int(r, o + 12) != 0;
  p.referral_only = get_int(r, o + 13) != 0;
  p.min_age = static_cast<int>(get_int(r, o + 14));
  p.children_max_age = static_cast<int>(get_int(r, o + 15));
  p.address = get_str(r, o + 16);
  p.lat = get_opt_double(r, o + 17);
  p.lon = get_opt_double(r, o + 18);
  p.demo = get_int(r, o + 19) != 0;
  return p;
}

Unit unit_from(const soci::row& r, size_t o) {
  Unit u;
  u.place_id = get_int(r, o + 0);
  u.unit_type = get_str(r, o + 1);
  u.places = static_cast<int>(get_int(r, o + 2));
  u.occupied = static_cast<int>(get_int(r, o + 3));
  u.blocked = static_cast<int>(get_int(r, o + 4));
  u.confirmed_at = get_opt_int(r, o + 5);
  u.confirmed_by = get_opt_int(r, o + 6);
  return u;
}

Placement placement_from(const soci::row& r) {
  Placement p;
  p.id = get_int(r, 0);
  p.place_id = get_int(r, 1);
  p.unit_type = get_str(r, 2);
  p.person_id = get_opt_int(r, 3);
  p.from_institution_id = get_int(r, 4);
  p.from_user_id = get_int(r, 5);
  p.woman_age = static_cast<int>(get_int(r, 6));
  auto ages = nlohmann::json::parse(get_str(r, 7), nullptr, false);
  if (ages.is_array())
    for (const auto& a : ages)
      if (a.is_number_integer()) p.children_ages.push_back(a.get<int>());
  p.aggressor_comuna_id = get_str(r, 8);
  p.exclude_neighbours = get_int(r, 9) != 0;
  p.state = get_str(r, 10);
  p.offered_at = get_int(r, 11);
  p.answer_due_at = get_int(r, 12);
  p.answered_at = get_opt_int(r, 13);
  p.answered_by = get_opt_int(r, 14);
  p.entry_due_at = get_opt_int(r, 15);
  p.entered_at = get_opt_int(r, 16);
  p.exited_at = get_opt_int(r, 17);
  p.decline_reason = get_str(r, 18);
  p.exit_destination = get_str(r, 19);
  p.note = get_str(r, 20);
  return p;
}

std::optional<LL> opt(const std::optional<int64_t>& v) { return v ? std::optional<LL>(*v) : std::nullopt; }
std::optional<std::string> opt(const std::string& s) { return s.empty() ? std::nullopt : std::optional<std::string>(s); }

// The fields a placement's steps change (state, answer, entry, exit), bound by name for the insert
// and the update alike.
Query& steps(Query& q, const Placement& p) {
  return q.bind("state", p.state)
      .bind_opt("answered", opt(p.answered_at))
      .bind_opt("answered_by", opt(p.answered_by))
      .bind_opt("entry_due", opt(p.entry_due_at))
      .bind_opt("entered", opt(p.entered_at))
      .bind_opt("exited", opt(p.exited_at))
      .bind_opt("reason", opt(p.decline_reason))
      .bind_opt("dest", opt(p.exit_destination))
      .bind_opt("note", opt(p.note));
}

}  // namespace

int64_t Repository::insert_place(soci::session& s, const Place& p, int64_t now) const {
  const bool casa = !p.is_public();
  return *Query("INSERT INTO care_places (kind, name, operator_name, institution_id, region_id, comuna_id, services, languages, hours, "
                "phone, admission, accessible, referral_only, min_age, children_max_age, address_public, address_enc, lat, lon, demo, "
                "created_at) VALUES (:kind, :name, :op, :inst, :region, :comuna, :services, :languages, :hours, :phone, :admission, "
                ":accessible, :referral, :min_age, :children, :addr_pub, :addr_enc, :lat, :lon, :demo, :now) RETURNING id")
              .bind("kind", p.kind)
              .bind("name", p.name)
              .bind("op", p.operator_name)
              .bind_opt("inst", opt(p.institution_id))
              .bind("region", p.region_id)
              .bind("comuna", p.comuna_id)
              .bind("services", nlohmann::json(p.services).dump())
              .bind("languages", nlohmann::json(p.languages).dump())
              .bind("hours", p.hours)
              .bind("phone", p.phone)
              .bind("admission", p.admission)
              .bind("accessible", LL(p.accessible))
              .bind("referral", LL(p.referral_only))
              .bind("min_age", LL(p.min_age))
              .bind("children", LL(p.children_max_age))
              .bind_opt("addr_pub", casa ? std::nullopt : opt(p.address))
              .bind_opt("addr_enc", casa && !p.address.empty() ? std::optional<std::string>(keys_.encrypt(p.address)) : std::nullopt)
              .bind_opt_double("lat", casa ? std::nullopt : p.lat)
              .bind_opt_double("lon", casa ? std::nullopt : p.lon)
              .bind("demo", LL(p.demo))
              .bind("now", LL(now))
              .scalar(s);
}

std::vector<Place> Repository::places(soci::session& s, const std::string& kind, const std::string& region, const std::string& comuna) const {
  Query q(std::string("SELECT ") + kPlaceCols + " FROM care_places p WHERE 1 = 1");
  if (!kind.empty()) q.sql(" AND p.kind = :kind").bind("kind", kind);
  if (!region.empty()) q.sql(" AND p.region_id = :region").bind("region", region);
  if (!comuna.empty()) q.sql(" AND p.comuna_id = :comuna").bind("comuna", comuna);
  q.sql(" ORDER BY p.region_id, p.comuna_id, p.kind, p.name, p.id");
  std::vector<Place> out;
  q.each(s, [&](const soci::row& r) { out.push_back(place_from(r)); });
  return out;
}

std::optional<Place> Repository::place(soci::session& s, int64_t id) const {
  std::optional<Place> out;
  Query(std::string("SELECT ") + kPlaceCols + " FROM care_places p WHERE p.id = :id").bind("id", LL(id)).each(s, [&](const soci::row& r) {
    out = place_from(r);
  });
  return out;
}

std::string Repository::address(soci::session& s, int64_t id) const {
  std::string out;
  Query("SELECT address_enc FROM care_places WHERE id = :id").bind("id", LL(id)).each(s, [&](const soci::row& r) {
    auto ct = get_str(r, 0);
    if (!ct.empty()) out = keys_.decrypt(ct).value_or("");
  });
  return out;
}

std::vector<Unit> Repository::units(soci::session& s, std::optional<int64_t> place_id) const {
  Query q(std::string("SELECT ") + kUnitCols + " FROM care_units u");
  if (place_id) q.sql(" WHERE u.place_id = :id").bind("id", LL(*place_id));
  q.sql(" ORDER BY u.place_id, CASE u.unit_type WHEN 'mujer_sola' THEN 0 WHEN 'mujer_con_hijos' THEN 1 ELSE 2 END");
  std::vector<Unit> out;
  q.each(s, [&](const soci::row& r) { out.push_back(unit_from(r, 0)); });
  return out;
}

void Repository::upsert_unit(soci::session& s, const Unit& u) const {
  Query("INSERT INTO care_units (place_id, unit_type, places, occupied, blocked, confirmed_at, confirmed_by) "
        "VALUES (:p, :t, :places, :occ, :blk, :at, :by) ON CONFLICT (place_id, unit_type) DO UPDATE SET places = excluded.places, "
        "occupied = excluded.occupied, blocked = excluded.blocked, confirmed_at = excluded.confirmed_at, "
        "confirmed_by = excluded.confirmed_by")
      .bind("p", LL(u.place_id))
      .bind("t", u.unit_type)
      .bind("places", LL(u.places))
      .bind("occ", LL(u.occupied))
      .bind("blk", LL(u.blocked))
      .bind_opt("at", opt(u.confirmed_at))
      .bind_opt("by", opt(u.confirmed_by))
      .exec(s);
}

std::vector<std::pair<Place, Unit>> Repository::available(soci::session& s, const std::string& unit_type, int64_t fresh_since) const {
  std::vector<std::pair<Place, Unit>> out;
  Query(std::string("SELECT ") + kPlaceCols + ", " + kUnitCols +
        " FROM care_units u JOIN care_places p ON p.id = u.place_id WHERE p.kind = 'casa' AND u.unit_type = :t "
        "AND u.places - u.occupied - u.blocked > 0 AND u.confirmed_at >= :fresh")
      .bind("t", unit_type)
      .bind("fresh", LL(fresh_since))
      .each(s, [&](const soci::row& r) { out.emplace_back(place_from(r, 0), unit_from(r, 20)); });
  return out;
}

int64_t Repository::insert_placement(soci::session& s, const Placement& p) const {
  Query q("INSERT INTO care_placements (place_id, unit_type, person_id, from_institution_id, from_user_id, woman_age, "
                "children_ages, aggressor_comuna_id, exclude_neighbours, state, offered_at, answer_due_at, answered_at, answered_by, "
                "entry_due_at, entered_at, exited_at, decline_reason, exit_destination, note) VALUES (:place, :unit, :person, :from_i, "
                ":from_u, :age, :children, :aggr, :excl, :state, :offered, :due, :answered, :answered_by, :entry_due, :entered, "
                ":exited, :reason, :dest, :note) RETURNING id");
  return *steps(q, p)
              .bind("place", LL(p.place_id))
              .bind("unit", p.unit_type)
              .bind_opt("person", opt(p.person_id))
              .bind("from_i", LL(p.from_institution_id))
              .bind("from_u", LL(p.from_user_id))
              .bind("age", LL(p.woman_age))
              .bind("children", nlohmann::json(p.children_ages).dump())
              .bind("aggr", p.aggressor_comuna_id)
              .bind("excl", LL(p.exclude_neighbours))
              .bind("offered", LL(p.offered_at))
              .bind("due", LL(p.answer_due_at))
              .scalar(s);
}

void Repository::update_placement(soci::session& s, const Placement& p) const {
  Query q("UPDATE care_placements SET state = :state, answered_at = :answered, answered_by = :answered_by, entry_due_at = :entry_due, "
          "entered_at = :entered, exited_at = :exited, decline_reason = :reason, exit_destination = :dest, note = :note WHERE id = :id");
  steps(q, p).bind("id", LL(p.id)).exec(s);
}

std::optional<Placement> Repository::placement(soci::session& s, int64_t id) const {
  std::optional<Placement> out;
  Query(std::string("SELECT ") + kPlacementCols + " FROM care_placements WHERE id = :id").bind("id", LL(id)).each(s, [&](const soci::row& r) {
    out = placement_from(r);
  });
  return out;
}

std::vector<Placement> Repository::placements(soci::session& s, const std::string& where, int64_t arg) const {
  // where: "from" (referring institution), "place" (one house), "institution" (houses it runs), "open" (not ended).
  Query q(std::string("SELECT ") + kPlacementCols + " FROM care_placements WHERE ");
  if (where == "from")
    q.sql("from_institution_id = :a").bind("a", LL(arg));
  else if (where == "place")
    q.sql("place_id = :a").bind("a", LL(arg));
  else if (where == "institution")
    q.sql("place_id IN (SELECT id FROM care_places WHERE institution_id = :a)").bind("a", LL(arg));
  else
    q.sql("state IN ('ofrecida', 'aceptada', 'ingresada')");
  q.sql(" ORDER BY offered_at DESC, id DESC");
  std::vector<Placement> out;
  q.each(s, [&](const soci::row& r) { out.push_back(placement_from(r)); });
  return out;
}

std::vector<Placement> Repository::placements_between(soci::session& s, int64_t from, int64_t to) const {
  // Every placement alive in [from, to): offered before `to` and not ended before `from`.
  std::vector<Placement> out;
  Query(std::string("SELECT ") + kPlacementCols +
        " FROM care_placements WHERE offered_at < :to AND (exited_at IS NULL OR exited_at >= :from) ORDER BY offered_at, id")
      .bind("to", LL(to))
      .bind("from", LL(from))
      .each(s, [&](const soci::row& r) { out.push_back(placement_from(r)); });
  return out;
}

void Repository::snapshot(soci::session& s, int64_t day, const Unit& u) const {
  Query("INSERT INTO care_snapshots (day, place_id, unit_type, places, occupied, blocked) VALUES (:d, :p, :t, :places, :occ, :blk) "
        "ON CONFLICT (day, place_id, unit_type) DO UPDATE SET places = excluded.places, occupied = excluded.occupied, "
        "blocked = excluded.blocked")
      .bind("d", LL(day))
      .bind("p", LL(u.place_id))
      .bind("t", u.unit_type)
      .bind("places", LL(u.places))
      .bind("occ", LL(u.occupied))
      .bind("blk", LL(u.blocked))
      .exec(s);
}

void Repository::snapshots_bulk(soci::session& s, const std::vector<std::pair<int64_t, Unit>>& rows) const {
  constexpr size_t kBatch = 400;
  for (size_t from = 0; from < rows.size(); from += kBatch) {
    const size_t to = std::min(rows.size(), from + kBatch);
    std::string sql = "INSERT INTO care_snapshots (day, place_id, unit_type, places, occupied, blocked) VALUES ";
    Query q("");
    for (size_t i = from; i < to; ++i) {
      const auto n = std::to_string(i - from);
      sql += (i > from ? ", (" : "(") + (":d" + n) + ", :p" + n + ", :t" + n + ", :a" + n + ", :o" + n + ", :b" + n + ")";
      const auto& [day, u] = rows[i];
      q.bind("d" + n, LL(day)).bind("p" + n, LL(u.place_id)).bind("t" + n, u.unit_type).bind("a" + n, LL(u.places));
      q.bind("o" + n, LL(u.occupied)).bind("b" + n, LL(u.blocked));
    }
    q.sql(sql).exec(s);
  }
}

std::vector<Repository::Snapshot> Repository::snapshots(soci::session& s, int64_t from_day, int64_t to_day) const {
  std::vector<Snapshot> out;
  Query("SELECT day, place_id, unit_type, places, occupied, blocked FROM care_snapshots WHERE day >= :f AND day <= :t ORDER BY day, place_id")
      .bind("f", LL(from_day))
      .bind("t", LL(to_day))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_int(r, 1), get_str(r, 2), static_cast<int>(get_int(r, 3)), static_cast<int>(get_int(r, 4)),
                       static_cast<int>(get_int(r, 5))});
      });
  return out;
}

namespace {
std::string dedup(const std::string& kind, int64_t place_id, std::optional<int64_t> placement_id, int64_t due_at) {
  return kind + ":" + std::to_string(place_id) + ":" + (placement_id ? std::to_string(*placement_id) : "-") + ":" + std::to_string(due_at);
}
}  // namespace

bool Repository::raise(soci::session& s, const std::string& kind, int64_t place_id, std::optional<int64_t> placement_id, int64_t due_at,
                       const std::string& text, int64_t now) const {
  const std::string key = dedup(kind, place_id, placement_id, due_at);
  if (Query("SELECT id FROM care_alerts WHERE dedup_key = :k").bind("k", key).scalar(s)) return false;
  Query("INSERT INTO care_alerts (kind, place_id, placement_id, dedup_key, due_at, raised_at, text) VALUES (:kind, :p, :pl, :k, :due, :now, :text)")
      .bind("kind", kind)
      .bind("p", LL(place_id))
      .bind_opt("pl", opt(placement_id))
      .bind("k", key)
      .bind("due", LL(due_at))
      .bind("now", LL(now))
      .bind("text", text)
      .exec(s);
  return true;
}

void Repository::resolve(soci::session& s, const std::string& kind, int64_t place_id, std::optional<int64_t> placement_id, int64_t now) const {
  Query q("UPDATE care_alerts SET resolved_at = :now WHERE resolved_at IS NULL AND kind = :kind AND place_id = :p");
  q.bind("now", LL(now)).bind("kind", kind).bind("p", LL(place_id));
  if (placement_id) q.sql(" AND placement_id = :pl").bind("pl", LL(*placement_id));
  q.exec(s);
}

std::vector<Repository::Alert> Repository::open_alerts(soci::session& s) const {
  std::vector<Alert> out;
  Query("SELECT id, kind, place_id, placement_id, due_at, raised_at, text FROM care_alerts WHERE resolved_at IS NULL ORDER BY due_at, id")
      .each(s, [&](const soci::row& r) {
        out.push_back({get_int(r, 0), get_str(r, 1), get_int(r, 2), get_opt_int(r, 3), get_int(r, 4), get_int(r, 5), get_str(r, 6)});
      });
  return out;
}

}  // namespace eq::care
