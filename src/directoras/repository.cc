// Every SQL statement of the Registro de Directoras (SQLite and PostgreSQL).
#include <algorithm>
#include <map>

#include "core/rut.h"
#include "directoras/module.h"
#include "store/query.h"

namespace eq::directoras {

namespace {
using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::Query;
using LL = long long;

// Every insert and update moves the counter the search index watches (same transaction).
void bump(soci::session& s) { Query("UPDATE directoras_generation SET n = n + 1 WHERE id = 1").exec(s); }

const char* kCols =
    "id, user_id, full_name, rut_enc, email_enc, phone_enc, birth_year, studies, degree, experience_years, industries, "
    "specialties, board_years, board_training, region_id, availability, summary, contactable, updated_at, reminded_at, demo, "
    "created_at";

std::string bars(const std::vector<std::string>& codes) {
  std::string out = "|";
  for (const auto& c : codes) out += c + "|";
  return out;
}
std::vector<std::string> unbar(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == '|') {
      if (!w.empty()) out.push_back(w), w.clear();
    } else w += c;
  }
  return out;
}

// `open`: decrypt the contact fields (only for her, her edit, and an allowed contact read).
Profile from(const soci::row& r, const crypto::Keys& keys, bool open) {
  Profile p;
  p.id = get_int(r, 0);
  p.user_id = get_opt_int(r, 1);
  p.full_name = get_str(r, 2);
  if (open) {
    p.rut = keys.decrypt(get_str(r, 3)).value_or("");
    p.email = keys.decrypt(get_str(r, 4)).value_or("");
    const auto phone = get_str(r, 5);
    p.phone = phone.empty() ? "" : keys.decrypt(phone).value_or("");
  }
  p.birth_year = static_cast<int>(get_int(r, 6));
  p.studies = get_str(r, 7);
  p.degree = get_str(r, 8);
  p.experience_years = static_cast<int>(get_int(r, 9));
  p.industries = unbar(get_str(r, 10));
  p.specialties = unbar(get_str(r, 11));
  p.board_years = static_cast<int>(get_int(r, 12));
  p.board_training = get_int(r, 13) != 0;
  p.region_id = get_str(r, 14);
  p.availability_code = get_str(r, 15);
  p.summary = get_str(r, 16);
  p.contactable = get_int(r, 17) != 0;
  p.updated_at = get_int(r, 18);
  p.reminded_at = get_opt_int(r, 19);
  p.demo = get_int(r, 20) != 0;
  p.created_at = get_int(r, 21);
  return p;
}

std::string rut_index(const crypto::Keys& keys, const std::string& rut) {
  auto r = parse_rut(rut);
  return keys.blind_index(r ? rut_canonical(*r) : rut);
}

// `n`: the suffix of every parameter's name (a row of a multi-row insert), empty for one row.
Query& fields(Query& q, const Profile& p, const crypto::Keys& keys, const std::string& n = "") {
  return q.bind("name" + n, p.full_name)
      .bind("rut" + n, keys.encrypt(p.rut))
      .bind("rutx" + n, rut_index(keys, p.rut))
      .bind("email" + n, keys.encrypt(p.email))
      .bind_opt("phone" + n, p.phone.empty() ? std::nullopt : std::optional<std::string>(keys.encrypt(p.phone)))
      .bind("birth" + n, static_cast<LL>(p.birth_year))
      .bind("studies" + n, p.studies)
      .bind("degree" + n, p.degree)
      .bind("exp" + n, static_cast<LL>(p.experience_years))
      .bind("ind" + n, bars(p.industries))
      .bind("spec" + n, bars(p.specialties))
      .bind("board" + n, static_cast<LL>(p.board_years))
      .bind("training" + n, static_cast<LL>(p.board_training))
      .bind("region" + n, p.region_id)
      .bind("avail" + n, p.availability_code)
      .bind("summary" + n, p.summary)
      .bind("contact" + n, static_cast<LL>(p.contactable))
      .bind("search" + n, search_key(p.full_name + " " + p.degree + " " + p.summary))
      .bind("updated" + n, static_cast<LL>(p.updated_at));
}

const char* kInsertInto =
    "INSERT INTO directoras_profiles (user_id, full_name, rut_enc, rut_bidx, email_enc, phone_enc, birth_year, studies, degree, "
    "experience_years, industries, specialties, board_years, board_training, region_id, availability, summary, contactable, "
    "search_text, updated_at, demo, created_at) VALUES ";
const char* kInsertRow[] = {"user",  "name",  "rut",      "rutx",   "email", "phone",   "birth",   "studies", "degree", "exp",     "ind",
                            "spec",  "board", "training", "region", "avail", "summary", "contact", "search",  "updated", "demo", "created"};

// One row of values, its parameters suffixed with `n`: "(:user0, :name0, …)".
std::string insert_row(const std::string& n) {
  std::string out = "(";
  for (const char* col : kInsertRow) out += (out.size() > 1 ? ", :" : ":") + std::string(col) + n;
  return out + ")";
}

Query& row_fields(Query& q, const Profile& p, const crypto::Keys& keys, const std::string& n = "") {
  return fields(q, p, keys, n)
      .bind_opt("user" + n, p.user_id ? std::optional<LL>(*p.user_id) : std::nullopt)
      .bind("demo" + n, static_cast<LL>(p.demo))
      .bind("created" + n, static_cast<LL>(p.created_at));
}
}  // namespace

int64_t Repository::insert(soci::session& s, const Profile& p) const {
  Query q(kInsertInto + insert_row("") + " RETURNING id");
  const int64_t id = *row_fields(q, p, keys_).scalar(s);
  bump(s);
  return id;
}

void Repository::insert_many(soci::session& s, const std::vector<Profile>& batch) const {
  // One statement per 25 rows and one move of the change counter: a round trip per profile made
  // the 100.000 of the PostgreSQL bench take five minutes to generate (26 s in statements of 200
  // rows). Not more rows a statement: on SQLite, statements of 200 rows (4.400 parameters) took
  // 267 s for the 100.000 (load 13) — binding a parameter by name looks it up among all of the
  // statement's (sqlite3_bind_parameter_index is a linear search), so a statement's binding grows
  // with the square of its parameters.
  constexpr size_t kRows = 25;
  for (size_t from = 0; from < batch.size(); from += kRows) {
    Query q(kInsertInto);
    for (size_t i = from; i < std::min(batch.size(), from + kRows); ++i) {
      const std::string n = std::to_string(i - from);
      q.sql((i == from ? "" : ", ") + insert_row(n));
      row_fields(q, batch[i], keys_, n);
    }
    q.exec(s);
  }
  if (!batch.empty()) bump(s);
}

void Repository::update(soci::session& s, const Profile& p) const {
  Query q(
      "UPDATE directoras_profiles SET full_name = :name, rut_enc = :rut, rut_bidx = :rutx, email_enc = :email, phone_enc = :phone, "
      "birth_year = :birth, studies = :studies, degree = :degree, experience_years = :exp, industries = :ind, specialties = :spec, "
      "board_years = :board, board_training = :training, region_id = :region, availability = :avail, summary = :summary, "
      "contactable = :contact, search_text = :search, updated_at = :updated, reminded_at = NULL WHERE id = :id");
  fields(q, p, keys_).bind("id", static_cast<LL>(p.id)).exec(s);
  bump(s);
}

int64_t Repository::generation(soci::session& s) const {
  return Query("SELECT n FROM directoras_generation WHERE id = 1").scalar(s).value_or(0);
}

std::vector<Profile> Repository::changed_since(soci::session& s, int64_t since) const {
  std::vector<Profile> out;
  Query(std::string("SELECT ") + kCols + " FROM directoras_profiles WHERE updated_at >= :since")
      .bind("since", static_cast<LL>(since))
      .each(s, [&](const soci::row& r) { out.push_back(from(r, keys_, false)); });
  return out;
}

std::vector<Profile> Repository::by_ids(soci::session& s, const std::vector<int64_t>& ids) const {
  if (ids.empty()) return {};
  std::string list;  // integers only: no text from the request reaches this SQL
  for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  std::map<int64_t, Profile> found;
  Query(std::string("SELECT ") + kCols + " FROM directoras_profiles WHERE id IN (" + list + ")").each(s, [&](const soci::row& r) {
    auto p = from(r, keys_, false);
    found.emplace(p.id, std::move(p));
  });
  std::vector<Profile> out;
  for (auto id : ids)
    if (auto it = found.find(id); it != found.end()) out.push_back(std::move(it->second));
  return out;
}

std::optional<Profile> Repository::find(soci::session& s, int64_t id) const {
  std::optional<Profile> out;
  Query(std::string("SELECT ") + kCols + " FROM directoras_profiles WHERE id = :id")
      .bind("id", static_cast<LL>(id))
      .each(s, [&](const soci::row& r) { out = from(r, keys_, true); });
  return out;
}

std::optional<Profile> Repository::of_user(soci::session& s, int64_t user_id) const {
  std::optional<Profile> out;
  Query(std::string("SELECT ") + kCols + " FROM directoras_profiles WHERE user_id = :u")
      .bind("u", static_cast<LL>(user_id))
      .each(s, [&](const soci::row& r) { out = from(r, keys_, true); });
  return out;
}

std::optional<int64_t> Repository::by_rut(soci::session& s, const std::string& rut) const {
  auto id = Query("SELECT id FROM directoras_profiles WHERE rut_bidx = :x").bind("x", rut_index(keys_, rut)).scalar(s);
  return id ? std::optional<int64_t>(*id) : std::nullopt;
}

int64_t Repository::count(soci::session& s, bool demo_only) const {
  return *Query(std::string("SELECT COUNT(*) FROM directoras_profiles") + (demo_only ? " WHERE demo = 1" : "")).scalar(s);
}

int64_t Repository::insert_search(soci::session& s, int64_t user_id, int64_t institution_id, const std::string& filters,
                                  const std::vector<int64_t>& listed, int64_t total, int64_t at) const {
  std::string ids = ",";
  for (auto id : listed) ids += std::to_string(id) + ",";
  return *Query(
              "INSERT INTO directoras_searches (user_id, institution_id, filters, listed, total, at) VALUES (:u, :i, :f, :l, :t, :at) "
              "RETURNING id")
              .bind("u", static_cast<LL>(user_id))
              .bind("i", static_cast<LL>(institution_id))
              .bind("f", filters)
              .bind("l", ids)
              .bind("t", static_cast<LL>(total))
              .bind("at", static_cast<LL>(at))
              .scalar(s);
}

bool Repository::search_listed(soci::session& s, int64_t search_id, int64_t user_id, int64_t profile_id, int64_t since) const {
  return Query("SELECT COUNT(*) FROM directoras_searches WHERE id = :id AND user_id = :u AND at >= :since AND listed LIKE :p")
             .bind("id", static_cast<LL>(search_id))
             .bind("u", static_cast<LL>(user_id))
             .bind("since", static_cast<LL>(since))
             .bind("p", "%," + std::to_string(profile_id) + ",%")
             .scalar(s)
             .value_or(0) > 0;
}

void Repository::insert_view(soci::session& s, int64_t profile_id, int64_t user_id, int64_t institution_id,
                             const std::string& institution_name, const std::string& kind, int64_t at) const {
  Query("INSERT INTO directoras_views (profile_id, user_id, institution_id, institution_name, kind, at) VALUES (:p, :u, :i, :n, :k, :at)")
      .bind("p", static_cast<LL>(profile_id))
      .bind("u", static_cast<LL>(user_id))
      .bind("i", static_cast<LL>(institution_id))
      .bind("n", institution_name)
      .bind("k", kind)
      .bind("at", static_cast<LL>(at))
      .exec(s);
}

std::vector<View> Repository::views(soci::session& s, int64_t profile_id) const {
  std::vector<View> out;
  Query("SELECT at, institution_name, kind FROM directoras_views WHERE profile_id = :p ORDER BY at DESC, id DESC")
      .bind("p", static_cast<LL>(profile_id))
      .each(s, [&](const soci::row& r) { out.push_back({get_int(r, 0), get_str(r, 1), get_str(r, 2)}); });
  return out;
}

std::vector<int64_t> Repository::stale_to_remind(soci::session& s, int64_t stale_before, int64_t remind_before) const {
  std::vector<int64_t> out;
  Query("SELECT id FROM directoras_profiles WHERE user_id IS NOT NULL AND updated_at <= :stale AND "
        "(reminded_at IS NULL OR reminded_at <= :remind) ORDER BY id")
      .bind("stale", static_cast<LL>(stale_before))
      .bind("remind", static_cast<LL>(remind_before))
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

void Repository::mark_reminded(soci::session& s, int64_t id, int64_t at) const {
  Query("UPDATE directoras_profiles SET reminded_at = :at WHERE id = :id").bind("at", static_cast<LL>(at)).bind("id", static_cast<LL>(id)).exec(s);
}

}  // namespace eq::directoras
