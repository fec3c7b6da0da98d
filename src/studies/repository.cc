// Every SQL statement of the studies catalogue (SQLite and PostgreSQL).
#include <map>

#include "core/crypto.h"
#include "core/text.h"
#include "store/collect.h"
#include "store/query.h"
#include "studies/module.h"

namespace eq::studies::repo {

namespace {
using store::collect, store::Query;
using store::get_int, store::get_opt_double, store::get_opt_int, store::get_str;
using LL = long long;

constexpr const char* kStudySql =
    "SELECT id, title, kind, year, fieldwork_start, fieldwork_end, summary, executor, technique, universe, sample_size, "
    "margin_error, status, withdrawn_reason, source, version, published_at, updated_at, demo FROM studies";

Study study_from(const soci::row& r) {
  Study x;
  x.id = get_int(r, 0);
  x.title = get_str(r, 1);
  x.kind = get_str(r, 2);
  x.year = get_int(r, 3);
  x.fieldwork_start = get_str(r, 4);
  x.fieldwork_end = get_str(r, 5);
  x.summary = get_str(r, 6);
  x.executor = get_str(r, 7);
  x.method.technique = get_str(r, 8);
  x.method.universe = get_str(r, 9);
  x.method.sample_size = get_opt_int(r, 10);
  x.method.margin_error = get_opt_double(r, 11);
  x.status = get_str(r, 12);
  x.withdrawn_reason = get_str(r, 13);
  x.source = get_str(r, 14);
  x.version = get_int(r, 15);
  x.published_at = get_opt_int(r, 16).value_or(0);
  x.updated_at = get_int(r, 17);
  x.demo = get_int(r, 18) != 0;
  return x;
}

constexpr const char* kFileSql =
    "SELECT id, study_id, title, filename, content_type, size, sha256, uploaded_by, uploaded_at FROM studies_files";

File file_from(const soci::row& r) {
  return {.id = get_int(r, 0), .study_id = get_int(r, 1), .title = get_str(r, 2), .filename = get_str(r, 3),
          .content_type = get_str(r, 4), .sha256 = get_str(r, 6), .size = get_int(r, 5), .uploaded_at = get_int(r, 8),
          .uploaded_by = get_int(r, 7)};
}

// The lists beside a study (themes, partners, regions, findings), for every id in `ids` at once.
void fill_lists(soci::session& s, std::vector<Study>& out) {
  if (out.empty()) return;
  std::map<int64_t, Study*> by_id;
  std::string in;
  for (auto& x : out) {
    by_id[x.id] = &x;
    in += (in.empty() ? "" : ",") + std::to_string(x.id);
  }
  Query("SELECT study_id, theme FROM studies_themes WHERE study_id IN (" + in + ") ORDER BY theme").each(s, [&](const soci::row& r) {
    by_id[get_int(r, 0)]->themes.push_back(get_str(r, 1));
  });
  Query("SELECT study_id, name FROM studies_partners WHERE study_id IN (" + in + ") ORDER BY study_id, position")
      .each(s, [&](const soci::row& r) { by_id[get_int(r, 0)]->partners.push_back(get_str(r, 1)); });
  Query("SELECT study_id, region_id FROM studies_regions WHERE study_id IN (" + in + ") ORDER BY region_id")
      .each(s, [&](const soci::row& r) { by_id[get_int(r, 0)]->regions.push_back(get_str(r, 1)); });
  Query("SELECT study_id, id, text, figure, decimals, unit, source FROM studies_findings WHERE study_id IN (" + in +
        ") ORDER BY study_id, position")
      .each(s, [&](const soci::row& r) {
        by_id[get_int(r, 0)]->findings.push_back({.id = get_int(r, 1), .text = get_str(r, 2), .figure = get_opt_double(r, 3),
                                                  .decimals = static_cast<int>(get_int(r, 4)), .unit = get_str(r, 5),
                                                  .source = get_str(r, 6)});
      });
}

void write_lists(soci::session& s, const Study& x) {
  for (const char* table : {"studies_themes", "studies_partners", "studies_regions", "studies_findings"})
    Query(std::string("DELETE FROM ") + table + " WHERE study_id = :id").bind("id", LL{x.id}).exec(s);
  for (const auto& t : x.themes)
    Query("INSERT INTO studies_themes (study_id, theme) VALUES (:id, :t)").bind("id", LL{x.id}).bind("t", t).exec(s);
  LL pos = 0;
  for (const auto& p : x.partners)
    Query("INSERT INTO studies_partners (study_id, position, name) VALUES (:id, :p, :n)").bind("id", LL{x.id}).bind("p", pos++).bind("n", p).exec(s);
  for (const auto& g : x.regions)
    Query("INSERT INTO studies_regions (study_id, region_id) VALUES (:id, :r)").bind("id", LL{x.id}).bind("r", g).exec(s);
  pos = 0;
  for (const auto& f : x.findings)
    Query("INSERT INTO studies_findings (study_id, position, text, figure, decimals, unit, source) VALUES (:id, :p, :t, :f, :d, :u, :s)")
        .bind("id", LL{x.id})
        .bind("p", pos++)
        .bind("t", f.text)
        .bind_opt_double("f", f.figure)
        .bind("d", LL{f.decimals})
        .bind("u", f.unit)
        .bind("s", f.source)
        .exec(s);
}

Query& bind_fields(Query& q, const Study& x, int64_t at) {
  return q.bind("title", x.title)
      .bind("kind", x.kind)
      .bind("year", LL{x.year})
      .bind("fs", x.fieldwork_start)
      .bind("fe", x.fieldwork_end)
      .bind("summary", x.summary)
      .bind("executor", x.executor)
      .bind("technique", x.method.technique)
      .bind("universe", x.method.universe)
      .bind_opt("sample", x.method.sample_size ? std::optional<LL>(*x.method.sample_size) : std::nullopt)
      .bind_opt_double("margin", x.method.margin_error)
      .bind("source", x.source)
      .bind("search", search_text(x))
      .bind("at", LL{at});
}
}  // namespace

int64_t insert_study(soci::session& s, const Study& x, int64_t at) {
  Query q("INSERT INTO studies (title, kind, year, fieldwork_start, fieldwork_end, summary, executor, technique, universe, "
          "sample_size, margin_error, status, withdrawn_reason, source, version, search_text, created_at, updated_at, demo) "
          "VALUES (:title, :kind, :year, :fs, :fe, :summary, :executor, :technique, :universe, :sample, :margin, 'borrador', '', "
          ":source, 1, :search, :at, :at, :demo) RETURNING id");
  bind_fields(q, x, at).bind("demo", LL{x.demo ? 1 : 0});
  Study with_id = x;
  with_id.id = *q.scalar(s);
  write_lists(s, with_id);
  return with_id.id;
}

void update_study(soci::session& s, const Study& x, int64_t at) {
  Query q("UPDATE studies SET title = :title, kind = :kind, year = :year, fieldwork_start = :fs, fieldwork_end = :fe, "
          "summary = :summary, executor = :executor, technique = :technique, universe = :universe, sample_size = :sample, "
          "margin_error = :margin, source = :source, search_text = :search, updated_at = :at, version = :version WHERE id = :id");
  bind_fields(q, x, at).bind("version", LL{x.version}).bind("id", LL{x.id}).exec(s);
  write_lists(s, x);
}

void set_status(soci::session& s, int64_t id, const std::string& status, const std::string& reason, int64_t at) {
  Query(status == "publicado"
            ? "UPDATE studies SET status = :st, withdrawn_reason = :r, published_at = :at, updated_at = :at WHERE id = :id"
            : "UPDATE studies SET status = :st, withdrawn_reason = :r, updated_at = :at WHERE id = :id")
      .bind("st", status)
      .bind("r", reason)
      .bind("at", LL{at})
      .bind("id", LL{id})
      .exec(s);
}

std::optional<Study> study(soci::session& s, int64_t id) {
  auto found = collect<Study>(s, Query(std::string(kStudySql) + " WHERE id = :id").bind("id", LL{id}), study_from);
  if (found.empty()) return std::nullopt;
  fill_lists(s, found);
  found[0].files = collect<File>(s, Query(std::string(kFileSql) + " WHERE study_id = :id ORDER BY id").bind("id", LL{id}), file_from);
  return found[0];
}

std::vector<Study> studies(soci::session& s, const Filter& f) {
  Query q(kStudySql);
  std::string where = f.public_only ? " WHERE status <> 'borrador'" : " WHERE 1 = 1";
  // Every word of the search must appear (folded) in the title, summary or findings.
  int n = 0;
  std::string word;
  const std::string folded = fold_for_search(f.q) + " ";
  for (char c : folded) {
    if (c != ' ' && c != '%' && c != '_' && c != '\\') {
      word += c;
      continue;
    }
    if (word.empty()) continue;
    const std::string name = "w" + std::to_string(n++);
    where += " AND search_text LIKE :" + name;
    q.bind(name, "%" + word + "%");
    word.clear();
    if (n == 8) break;  // eight words are plenty; the rest narrow nothing a person would notice
  }
  if (!f.kind.empty()) {
    where += " AND kind = :kind";
    q.bind("kind", f.kind);
  }
  if (f.year) {
    where += " AND year = :year";
    q.bind("year", LL{*f.year});
  }
  if (!f.theme.empty()) {
    where += " AND EXISTS (SELECT 1 FROM studies_themes t WHERE t.study_id = studies.id AND t.theme = :theme)";
    q.bind("theme", f.theme);
  }
  if (!f.partner.empty()) {
    where += " AND EXISTS (SELECT 1 FROM studies_partners p WHERE p.study_id = studies.id AND p.name = :partner)";
    q.bind("partner", f.partner);
  }
  if (!f.region.empty()) {
    // A national study (no region listed) covers every region.
    where += " AND (EXISTS (SELECT 1 FROM studies_regions g WHERE g.study_id = studies.id AND g.region_id = :region) "
             "OR NOT EXISTS (SELECT 1 FROM studies_regions g WHERE g.study_id = studies.id))";
    q.bind("region", f.region);
  }
  q.sql(where + " ORDER BY year DESC, id DESC");
  auto out = collect<Study>(s, q, study_from);
  fill_lists(s, out);
  return out;
}

int64_t insert_file(soci::session& s, const File& f, const std::string& bytes) {
  if (!Query("SELECT 1 FROM studies_blobs WHERE sha256 = :h").bind("h", f.sha256).scalar(s))
    Query("INSERT INTO studies_blobs (sha256, size, data) VALUES (:h, :size, :data)")
        .bind("h", f.sha256)
        .bind("size", static_cast<LL>(bytes.size()))
        .bind("data", crypto::base64url(bytes))
        .exec(s);
  return *Query("INSERT INTO studies_files (study_id, title, filename, content_type, size, sha256, uploaded_by, uploaded_at) "
                "VALUES (:st, :title, :name, :type, :size, :h, :by, :at) RETURNING id")
              .bind("st", LL{f.study_id}).bind("title", f.title).bind("name", f.filename).bind("type", f.content_type)
              .bind("size", LL{f.size}).bind("h", f.sha256).bind("by", LL{f.uploaded_by}).bind("at", LL{f.uploaded_at})
              .scalar(s);
}

std::optional<File> file(soci::session& s, int64_t id) {
  for (auto& f : collect<File>(s, Query(std::string(kFileSql) + " WHERE id = :id").bind("id", LL{id}), file_from)) return f;
  return std::nullopt;
}

std::optional<std::string> blob(soci::session& s, const std::string& sha256) {
  std::optional<std::string> out;
  Query("SELECT data FROM studies_blobs WHERE sha256 = :h").bind("h", sha256).each(s, [&](const soci::row& r) {
    out = crypto::from_base64url(get_str(r, 0));
  });
  return out;
}

// The blob stays: another file (of this or another study) may hold the same content, and a
// revision may name its checksum.
void delete_file(soci::session& s, int64_t id) { Query("DELETE FROM studies_files WHERE id = :id").bind("id", LL{id}).exec(s); }

void insert_revision(soci::session& s, const Revision& r) {
  Query("INSERT INTO studies_revisions (study_id, version, action, reason, before_json, after_json, by_user, by_name, at) "
        "VALUES (:st, :v, :a, :r, :b, :af, :by, :name, :at)")
      .bind("st", LL{r.study_id})
      .bind("v", LL{r.version})
      .bind("a", r.action)
      .bind("r", r.reason)
      .bind("b", r.before.dump())
      .bind("af", r.after.dump())
      .bind("by", LL{r.by_user})
      .bind("name", r.by_name)
      .bind("at", LL{r.at})
      .exec(s);
}

std::vector<Revision> revisions(soci::session& s, int64_t study_id) {
  return collect<Revision>(
      s,
      Query("SELECT id, study_id, version, action, reason, before_json, after_json, by_user, by_name, at FROM studies_revisions "
            "WHERE study_id = :st ORDER BY id")
          .bind("st", LL{study_id}),
      [](const soci::row& r) {
        return Revision{.id = get_int(r, 0), .study_id = get_int(r, 1), .version = get_int(r, 2), .at = get_int(r, 9),
                        .by_user = get_int(r, 7), .by_name = get_str(r, 8), .action = get_str(r, 3), .reason = get_str(r, 4),
                        .before = nlohmann::json::parse(get_str(r, 5), nullptr, false),
                        .after = nlohmann::json::parse(get_str(r, 6), nullptr, false)};
      });
}

int64_t count_demo(soci::session& s) { return Query("SELECT COUNT(*) FROM studies WHERE demo = 1").scalar(s).value_or(0); }

}  // namespace eq::studies::repo
