#include "policy/repository.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "core/crypto.h"
#include "core/time.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::policy {

using store::get_int;
using store::get_opt_int;
using store::get_str;
using store::is_null;

double get_num(const soci::row& r, size_t i) {
  if (is_null(r, i)) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double: return r.get<double>(i);
    case soci::dt_string: return std::stod(r.get<std::string>(i));
    default: return static_cast<double>(get_int(r, i));
  }
}
std::optional<double> get_opt_num(const soci::row& r, size_t i) {
  if (is_null(r, i)) return std::nullopt;
  return get_num(r, i);
}

namespace {

// store::Query with doubles as well (weights, progress, indicator values); one-time statements for
// the same reason (one round trip on PostgreSQL instead of three).
class Q {
 public:
  explicit Q(std::string sql) : sql_(std::move(sql)) {}
  Q& str(const std::string& n, const std::string& v) {
    s_.push_back({n, v, soci::i_ok});
    return *this;
  }
  Q& opt_str(const std::string& n, const std::string& v) {
    s_.push_back({n, v, v.empty() ? soci::i_null : soci::i_ok});
    return *this;
  }
  Q& num(const std::string& n, long long v) {
    i_.push_back({n, v, soci::i_ok});
    return *this;
  }
  Q& opt_num(const std::string& n, std::optional<int64_t> v) {
    i_.push_back({n, static_cast<long long>(v.value_or(0)), v ? soci::i_ok : soci::i_null});
    return *this;
  }
  Q& dbl(const std::string& n, double v) {
    d_.push_back({n, v, soci::i_ok});
    return *this;
  }
  Q& opt_dbl(const std::string& n, std::optional<double> v) {
    d_.push_back({n, v.value_or(0), v ? soci::i_ok : soci::i_null});
    return *this;
  }
  void each(soci::session& s, const std::function<void(const soci::row&)>& fn) {
    soci::statement st(s);
    bind(st);
    soci::row row;
    st.exchange(soci::into(row));
    st.alloc();
    st.prepare(sql_, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) fn(row);
  }
  void exec(soci::session& s) {
    soci::statement st(s);
    bind(st);
    st.alloc();
    st.prepare(sql_, soci::details::st_one_time_query);
    st.define_and_bind();
    st.execute(true);
  }
  std::optional<int64_t> scalar(soci::session& s) {
    std::optional<int64_t> out;
    each(s, [&](const soci::row& r) {
      if (!out) out = get_int(r, 0);
    });
    return out;
  }

 private:
  template <typename T>
  struct P {
    std::string name;
    T value;
    soci::indicator ind;
  };
  void bind(soci::statement& st) {
    for (auto& p : s_) st.exchange(soci::use(p.value, p.ind, p.name));
    for (auto& p : i_) st.exchange(soci::use(p.value, p.ind, p.name));
    for (auto& p : d_) st.exchange(soci::use(p.value, p.ind, p.name));
  }
  std::string sql_;
  std::deque<P<std::string>> s_;
  std::deque<P<long long>> i_;
  std::deque<P<double>> d_;
};

std::string id_list(const std::vector<int64_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out;
}

const char* kInstrument =
    "SELECT id, code, name, kind, start_year, end_year, description, source, rolled_progress, leaves, reported "
    "FROM policy_instruments";

Instrument instrument_from(const soci::row& r) {
  Instrument i;
  i.id = get_int(r, 0);
  i.code = get_str(r, 1);
  i.name = get_str(r, 2);
  i.kind = get_str(r, 3);
  i.start_year = get_opt_int(r, 4);
  i.end_year = get_opt_int(r, 5);
  i.description = get_str(r, 6);
  i.source = get_str(r, 7);
  i.rolled_progress = get_num(r, 8);
  i.leaves = get_int(r, 9);
  i.reported = get_int(r, 10);
  return i;
}

const char* kItem =
    "SELECT id, instrument_id, parent_id, level, code, title, weight, position, start_year, end_year, status, region_id, "
    "indicator_name, indicator_unit, baseline, target, indicator_value, numerator, denominator, source_note, is_leaf, "
    "current_report_id, current_progress, rolled_progress, leaves, reported FROM policy_items";

Item item_from(const soci::row& r) {
  Item i;
  i.id = get_int(r, 0);
  i.instrument_id = get_int(r, 1);
  i.parent_id = get_opt_int(r, 2);
  i.level = get_str(r, 3);
  i.code = get_str(r, 4);
  i.title = get_str(r, 5);
  i.weight = get_num(r, 6);
  i.position = get_int(r, 7);
  i.start_year = get_opt_int(r, 8);
  i.end_year = get_opt_int(r, 9);
  i.status = get_str(r, 10);
  i.region_id = get_str(r, 11);
  i.indicator_name = get_str(r, 12);
  i.indicator_unit = get_str(r, 13);
  i.baseline = get_opt_num(r, 14);
  i.target = get_opt_num(r, 15);
  i.indicator_value = get_opt_num(r, 16);
  i.numerator = get_opt_num(r, 17);
  i.denominator = get_opt_num(r, 18);
  i.source_note = get_str(r, 19);
  i.is_leaf = store::get_bool(r, 20);
  i.current_report_id = get_opt_int(r, 21);
  i.current_progress = get_opt_num(r, 22);
  i.rolled_progress = get_num(r, 23);
  i.leaves = get_int(r, 24);
  i.reported = get_int(r, 25);
  return i;
}

const char* kPeriod =
    "SELECT id, instrument_id, label, kind, year, semester, opens_at, closes_at, grace_days, reopened_until, reopen_reason "
    "FROM policy_periods";

Period period_from(const soci::row& r) {
  Period p;
  p.id = get_int(r, 0);
  p.instrument_id = get_int(r, 1);
  p.label = get_str(r, 2);
  p.kind = get_str(r, 3);
  p.year = static_cast<int>(get_int(r, 4));
  p.semester = static_cast<int>(get_int(r, 5));
  p.opens_at = get_int(r, 6);
  p.closes_at = get_int(r, 7);
  p.grace_days = static_cast<int>(get_int(r, 8));
  p.reopened_until = get_opt_int(r, 9);
  p.reopen_reason = get_str(r, 10);
  return p;
}

const char* kReportCols =
    "r.id, r.item_id, r.period_id, r.institution_id, r.state, r.current_version, r.validated_version, r.validated_progress, "
    "r.created_at, r.updated_at";

Report report_from(const soci::row& r, size_t o = 0) {
  Report x;
  x.id = get_int(r, o + 0);
  x.item_id = get_int(r, o + 1);
  x.period_id = get_int(r, o + 2);
  x.institution_id = get_int(r, o + 3);
  x.state = get_str(r, o + 4);
  x.current_version = get_int(r, o + 5);
  x.validated_version = get_opt_int(r, o + 6);
  x.validated_progress = get_opt_num(r, o + 7);
  x.created_at = get_int(r, o + 8);
  x.updated_at = get_int(r, o + 9);
  return x;
}

const char* kVersionCols =
    "v.id, v.report_id, v.version, v.status, v.progress, v.narrative, v.late, v.submitted_by, v.submitted_at, v.decision, "
    "v.reviewed_by, v.reviewed_at, v.review_comments";

Version version_from(const soci::row& r, size_t o = 0) {
  Version v;
  v.id = get_int(r, o + 0);
  v.report_id = get_int(r, o + 1);
  v.version = get_int(r, o + 2);
  v.status = get_str(r, o + 3);
  v.progress = get_int(r, o + 4);
  v.narrative = get_str(r, o + 5);
  v.late = store::get_bool(r, o + 6);
  v.submitted_by = get_int(r, o + 7);
  v.submitted_at = get_int(r, o + 8);
  v.decision = get_str(r, o + 9);
  v.reviewed_by = get_opt_int(r, o + 10);
  v.reviewed_at = get_opt_int(r, o + 11);
  v.review_comments = get_str(r, o + 12);
  return v;
}

const char* kEvidence = "SELECT id, report_id, version, filename, content_type, size, sha256, uploaded_by, uploaded_at FROM policy_evidence";

Evidence evidence_from(const soci::row& r) {
  Evidence e;
  e.id = get_int(r, 0);
  e.report_id = get_int(r, 1);
  e.version = get_int(r, 2);
  e.filename = get_str(r, 3);
  e.content_type = get_str(r, 4);
  e.size = get_int(r, 5);
  e.sha256 = get_str(r, 6);
  e.uploaded_by = get_int(r, 7);
  e.uploaded_at = get_int(r, 8);
  return e;
}

// Report rows joined with their item, period, instrument and current version.
std::string report_rows_sql() {
  return std::string("SELECT ") + kReportCols + ", i.title, i.code, p.label, ins.name, ins.id, " + kVersionCols +
         " FROM policy_reports r JOIN policy_items i ON i.id = r.item_id JOIN policy_periods p ON p.id = r.period_id "
         "JOIN policy_instruments ins ON ins.id = i.instrument_id "
         "JOIN policy_report_versions v ON v.report_id = r.id AND v.version = r.current_version";
}

ReportRow report_row_from(const soci::row& r) {
  ReportRow x;
  x.report = report_from(r, 0);
  x.item_title = get_str(r, 10);
  x.item_code = get_str(r, 11);
  x.period_label = get_str(r, 12);
  x.instrument_name = get_str(r, 13);
  x.instrument_id = get_int(r, 14);
  x.current = version_from(r, 15);
  return x;
}

}  // namespace

// ---------------------------------------------------------------- instruments

std::vector<Instrument> Repository::instruments(soci::session& s) {
  std::vector<Instrument> out;
  Q(kInstrument + std::string(" ORDER BY id")).each(s, [&](const soci::row& r) { out.push_back(instrument_from(r)); });
  return out;
}

std::optional<Instrument> Repository::instrument(soci::session& s, int64_t id) {
  std::optional<Instrument> out;
  Q(kInstrument + std::string(" WHERE id = :id")).num("id", id).each(s, [&](const soci::row& r) { out = instrument_from(r); });
  return out;
}

std::optional<int64_t> Repository::instrument_id_by_code(soci::session& s, const std::string& code) {
  return Q("SELECT id FROM policy_instruments WHERE code = :c").str("c", code).scalar(s);
}

int64_t Repository::insert_instrument(soci::session& s, const Instrument& i) {
  const long long now = now_ms();
  return *Q("INSERT INTO policy_instruments(code, name, kind, start_year, end_year, description, source, created_at, updated_at) "
            "VALUES(:code, :name, :kind, :sy, :ey, :descr, :source, :now, :now2) RETURNING id")
              .str("code", i.code)
              .str("name", i.name)
              .str("kind", i.kind)
              .opt_num("sy", i.start_year)
              .opt_num("ey", i.end_year)
              .opt_str("descr", i.description)
              .opt_str("source", i.source)
              .num("now", now)
              .num("now2", now)
              .scalar(s);
}

// ---------------------------------------------------------------- items

std::vector<Item> Repository::items_of(soci::session& s, int64_t instrument_id, bool with_institutions) {
  std::vector<Item> out;
  std::map<int64_t, size_t> index;
  Q(kItem + std::string(" WHERE instrument_id = :i ORDER BY parent_id, position, id")).num("i", instrument_id).each(s, [&](const soci::row& r) {
    index[get_int(r, 0)] = out.size();
    out.push_back(item_from(r));
  });
  if (with_institutions && !out.empty()) {
    Q("SELECT ii.item_id, ii.institution_id FROM policy_item_institutions ii JOIN policy_items i ON i.id = ii.item_id "
      "WHERE i.instrument_id = :i ORDER BY ii.item_id, ii.institution_id")
        .num("i", instrument_id)
        .each(s, [&](const soci::row& r) {
          auto it = index.find(get_int(r, 0));
          if (it != index.end()) out[it->second].institutions.push_back(get_int(r, 1));
        });
  }
  return out;
}

std::optional<Item> Repository::item(soci::session& s, int64_t id) {
  std::optional<Item> out;
  Q(kItem + std::string(" WHERE id = :id")).num("id", id).each(s, [&](const soci::row& r) { out = item_from(r); });
  if (out) out->institutions = institutions_of(s, id);
  return out;
}

std::vector<Item> Repository::children(soci::session& s, int64_t parent_id) {
  std::vector<Item> out;
  Q(kItem + std::string(" WHERE parent_id = :p ORDER BY position, id")).num("p", parent_id).each(s, [&](const soci::row& r) {
    out.push_back(item_from(r));
  });
  return out;
}

int64_t Repository::insert_item(soci::session& s, const Item& i) {
  const long long now = now_ms();
  auto id = *Q("INSERT INTO policy_items(instrument_id, parent_id, level, code, title, weight, position, start_year, end_year, "
               "status, region_id, indicator_name, indicator_unit, baseline, target, indicator_value, numerator, denominator, "
               "source_note, created_at, updated_at) "
               "VALUES(:ins, :parent, :level, :code, :title, :weight, :pos, :sy, :ey, :status, :region, :iname, :iunit, :base, "
               ":target, :ival, :num, :den, :note, :now, :now2) RETURNING id")
                 .num("ins", i.instrument_id)
                 .opt_num("parent", i.parent_id)
                 .str("level", i.level)
                 .opt_str("code", i.code)
                 .str("title", i.title)
                 .dbl("weight", i.weight)
                 .num("pos", i.position)
                 .opt_num("sy", i.start_year)
                 .opt_num("ey", i.end_year)
                 .str("status", i.status)
                 .opt_str("region", i.region_id)
                 .opt_str("iname", i.indicator_name)
                 .opt_str("iunit", i.indicator_unit)
                 .opt_dbl("base", i.baseline)
                 .opt_dbl("target", i.target)
                 .opt_dbl("ival", i.indicator_value)
                 .opt_dbl("num", i.numerator)
                 .opt_dbl("den", i.denominator)
                 .opt_str("note", i.source_note)
                 .num("now", now)
                 .num("now2", now)
                 .scalar(s);
  set_institutions(s, id, i.institutions, true);  // a new item has no rows yet
  return id;
}

void Repository::update_item(soci::session& s, const Item& i) {
  Q("UPDATE policy_items SET code = :code, title = :title, weight = :weight, position = :pos, start_year = :sy, end_year = :ey, "
    "status = :status, region_id = :region, indicator_name = :iname, indicator_unit = :iunit, baseline = :base, target = :target, "
    "indicator_value = :ival, numerator = :num, denominator = :den, source_note = :note, updated_at = :now WHERE id = :id")
      .opt_str("code", i.code)
      .str("title", i.title)
      .dbl("weight", i.weight)
      .num("pos", i.position)
      .opt_num("sy", i.start_year)
      .opt_num("ey", i.end_year)
      .str("status", i.status)
      .opt_str("region", i.region_id)
      .opt_str("iname", i.indicator_name)
      .opt_str("iunit", i.indicator_unit)
      .opt_dbl("base", i.baseline)
      .opt_dbl("target", i.target)
      .opt_dbl("ival", i.indicator_value)
      .opt_dbl("num", i.numerator)
      .opt_dbl("den", i.denominator)
      .opt_str("note", i.source_note)
      .num("now", now_ms())
      .num("id", i.id)
      .exec(s);
}

void Repository::set_institutions(soci::session& s, int64_t item_id, const std::vector<int64_t>& institutions, bool fresh) {
  if (!fresh) Q("DELETE FROM policy_item_institutions WHERE item_id = :i").num("i", item_id).exec(s);
  std::set<int64_t> seen;
  for (auto inst : institutions) {
    if (!seen.insert(inst).second) continue;
    // The figure columns start at their defaults; refresh_figures (rollup.cc) fills them.
    Q("INSERT INTO policy_item_institutions(item_id, institution_id) VALUES(:i, :n)")
        .num("i", item_id)
        .num("n", inst)
        .exec(s);
  }
}

std::vector<int64_t> Repository::institutions_of(soci::session& s, int64_t item_id) {
  std::vector<int64_t> out;
  Q("SELECT institution_id FROM policy_item_institutions WHERE item_id = :i ORDER BY institution_id")
      .num("i", item_id)
      .each(s, [&](const soci::row& r) { out.push_back(get_int(r, 0)); });
  return out;
}

std::map<int64_t, std::vector<int64_t>> Repository::institutions_of_children(soci::session& s, int64_t parent_id) {
  std::map<int64_t, std::vector<int64_t>> out;
  Q("SELECT ii.item_id, ii.institution_id FROM policy_item_institutions ii JOIN policy_items i ON i.id = ii.item_id "
    "WHERE i.parent_id = :p ORDER BY ii.item_id, ii.institution_id")
      .num("p", parent_id)
      .each(s, [&](const soci::row& r) { out[get_int(r, 0)].push_back(get_int(r, 1)); });
  return out;
}

int64_t Repository::count_children(soci::session& s, int64_t parent_id) {
  return Q("SELECT COUNT(*) FROM policy_items WHERE parent_id = :p").num("p", parent_id).scalar(s).value_or(0);
}

int64_t Repository::count_reports_of_item(soci::session& s, int64_t item_id) {
  return Q("SELECT COUNT(*) FROM policy_reports WHERE item_id = :i").num("i", item_id).scalar(s).value_or(0);
}

// ---------------------------------------------------------------- periods

std::vector<Period> Repository::periods(soci::session& s, int64_t instrument_id) {
  std::vector<Period> out;
  Q(kPeriod + std::string(" WHERE instrument_id = :i ORDER BY year, semester, id")).num("i", instrument_id).each(s, [&](const soci::row& r) {
    out.push_back(period_from(r));
  });
  return out;
}

std::optional<Period> Repository::period(soci::session& s, int64_t id) {
  std::optional<Period> out;
  Q(kPeriod + std::string(" WHERE id = :id")).num("id", id).each(s, [&](const soci::row& r) { out = period_from(r); });
  return out;
}

int64_t Repository::insert_period(soci::session& s, const Period& p) {
  return *Q("INSERT INTO policy_periods(instrument_id, label, kind, year, semester, opens_at, closes_at, grace_days, created_at) "
            "VALUES(:i, :label, :kind, :year, :sem, :opens, :closes, :grace, :now) RETURNING id")
              .num("i", p.instrument_id)
              .str("label", p.label)
              .str("kind", p.kind)
              .num("year", p.year)
              .num("sem", p.semester)
              .num("opens", p.opens_at)
              .num("closes", p.closes_at)
              .num("grace", p.grace_days)
              .num("now", now_ms())
              .scalar(s);
}

void Repository::reopen(soci::session& s, int64_t id, int64_t until, const std::string& reason) {
  Q("UPDATE policy_periods SET reopened_until = :u, reopen_reason = :r WHERE id = :id").num("u", until).str("r", reason).num("id", id).exec(s);
}

// ---------------------------------------------------------------- reports

std::optional<Report> Repository::report(soci::session& s, int64_t id) {
  std::optional<Report> out;
  Q(std::string("SELECT ") + kReportCols + " FROM policy_reports r WHERE r.id = :id").num("id", id).each(s, [&](const soci::row& r) {
    out = report_from(r);
  });
  return out;
}

std::optional<Report> Repository::report_for(soci::session& s, int64_t item_id, int64_t period_id) {
  std::optional<Report> out;
  Q(std::string("SELECT ") + kReportCols + " FROM policy_reports r WHERE r.item_id = :i AND r.period_id = :p")
      .num("i", item_id)
      .num("p", period_id)
      .each(s, [&](const soci::row& r) { out = report_from(r); });
  return out;
}

int64_t Repository::insert_report(soci::session& s, const Report& r) {
  const long long now = now_ms();
  return *Q("INSERT INTO policy_reports(item_id, period_id, institution_id, state, current_version, validated_version, "
            "validated_progress, created_at, updated_at) VALUES(:i, :p, :inst, :state, :v, :vv, :vp, :now, :now2) RETURNING id")
              .num("i", r.item_id)
              .num("p", r.period_id)
              .num("inst", r.institution_id)
              .str("state", r.state)
              .num("v", r.current_version)
              .opt_num("vv", r.validated_version)
              .opt_dbl("vp", r.validated_progress)
              .num("now", now)
              .num("now2", now)
              .scalar(s);
}

void Repository::update_report(soci::session& s, const Report& r) {
  Q("UPDATE policy_reports SET institution_id = :inst, state = :state, current_version = :v, validated_version = :vv, "
    "validated_progress = :vp, updated_at = :now WHERE id = :id")
      .num("inst", r.institution_id)
      .str("state", r.state)
      .num("v", r.current_version)
      .opt_num("vv", r.validated_version)
      .opt_dbl("vp", r.validated_progress)
      .num("now", now_ms())
      .num("id", r.id)
      .exec(s);
}

std::vector<Version> Repository::versions(soci::session& s, int64_t report_id) {
  std::vector<Version> out;
  Q(std::string("SELECT ") + kVersionCols + " FROM policy_report_versions v WHERE v.report_id = :r ORDER BY v.version")
      .num("r", report_id)
      .each(s, [&](const soci::row& r) { out.push_back(version_from(r)); });
  return out;
}

std::optional<Version> Repository::version(soci::session& s, int64_t report_id, int64_t version) {
  std::optional<Version> out;
  Q(std::string("SELECT ") + kVersionCols + " FROM policy_report_versions v WHERE v.report_id = :r AND v.version = :v")
      .num("r", report_id)
      .num("v", version)
      .each(s, [&](const soci::row& r) { out = version_from(r); });
  return out;
}

int64_t Repository::insert_version(soci::session& s, const Version& v) {
  // A version is inserted undecided by the workflow; the demo's history inserts decided ones.
  return *Q("INSERT INTO policy_report_versions(report_id, version, status, progress, narrative, late, submitted_by, submitted_at, "
            "decision, reviewed_by, reviewed_at, review_comments) "
            "VALUES(:r, :v, :status, :progress, :narrative, :late, :by, :at, :d, :rby, :rat, :c) RETURNING id")
              .opt_str("d", v.decision)
              .opt_num("rby", v.reviewed_by)
              .opt_num("rat", v.reviewed_at)
              .opt_str("c", v.review_comments)
              .num("r", v.report_id)
              .num("v", v.version)
              .str("status", v.status)
              .num("progress", v.progress)
              .str("narrative", v.narrative)
              .num("late", v.late ? 1 : 0)
              .num("by", v.submitted_by)
              .num("at", v.submitted_at)
              .scalar(s);
}

void Repository::review_version(soci::session& s, const Version& v) {
  Q("UPDATE policy_report_versions SET decision = :d, reviewed_by = :by, reviewed_at = :at, review_comments = :c WHERE id = :id")
      .str("d", v.decision)
      .opt_num("by", v.reviewed_by)
      .opt_num("at", v.reviewed_at)
      .opt_str("c", v.review_comments)
      .num("id", v.id)
      .exec(s);
}

std::vector<ReportRow> Repository::reports(soci::session& s, const ReportFilter& f) {
  std::string sql = report_rows_sql() + " WHERE 1 = 1";
  if (!f.state.empty()) sql += " AND r.state = :state";
  if (f.item_id) sql += " AND r.item_id = :item";
  if (f.period_id) sql += " AND r.period_id = :period";
  if (f.institution_id) sql += " AND r.institution_id = :inst";
  if (f.instrument_id) sql += " AND i.instrument_id = :ins";
  if (f.only_validated) sql += " AND r.validated_version IS NOT NULL";
  sql += " ORDER BY r.updated_at, r.id LIMIT " + std::to_string(f.limit);
  Q q(sql);
  if (!f.state.empty()) q.str("state", f.state);
  if (f.item_id) q.num("item", *f.item_id);
  if (f.period_id) q.num("period", *f.period_id);
  if (f.institution_id) q.num("inst", *f.institution_id);
  if (f.instrument_id) q.num("ins", *f.instrument_id);
  std::vector<ReportRow> out;
  q.each(s, [&](const soci::row& r) { out.push_back(report_row_from(r)); });
  return out;
}

std::vector<ReportRow> Repository::validated_reports_of_items(soci::session& s, const std::vector<int64_t>& item_ids) {
  std::vector<ReportRow> out;
  if (item_ids.empty()) return out;
  Q(report_rows_sql() + " WHERE r.validated_version IS NOT NULL AND r.item_id IN (" + id_list(item_ids) +
    ") ORDER BY p.closes_at DESC, r.id DESC")
      .each(s, [&](const soci::row& r) { out.push_back(report_row_from(r)); });
  return out;
}

// ---------------------------------------------------------------- evidence

std::vector<Evidence> Repository::evidence_of(soci::session& s, int64_t report_id) {
  std::vector<Evidence> out;
  Q(kEvidence + std::string(" WHERE report_id = :r ORDER BY version, id")).num("r", report_id).each(s, [&](const soci::row& r) {
    out.push_back(evidence_from(r));
  });
  return out;
}

std::optional<Evidence> Repository::evidence(soci::session& s, int64_t id) {
  std::optional<Evidence> out;
  Q(kEvidence + std::string(" WHERE id = :id")).num("id", id).each(s, [&](const soci::row& r) { out = evidence_from(r); });
  return out;
}

int64_t Repository::insert_evidence(soci::session& s, const Evidence& e, const std::string& bytes) {
  // Stored once per content (SHA-256), as base64 text so both backends keep it the same way.
  if (!Q("SELECT 1 FROM policy_blobs WHERE sha256 = :h").str("h", e.sha256).scalar(s))
    Q("INSERT INTO policy_blobs(sha256, size, data) VALUES(:h, :size, :data)")
        .str("h", e.sha256)
        .num("size", static_cast<long long>(bytes.size()))
        .str("data", crypto::base64url(bytes))
        .exec(s);
  return *Q("INSERT INTO policy_evidence(report_id, version, filename, content_type, size, sha256, uploaded_by, uploaded_at) "
            "VALUES(:r, :v, :name, :type, :size, :h, :by, :at) RETURNING id")
              .num("r", e.report_id)
              .num("v", e.version)
              .str("name", e.filename)
              .str("type", e.content_type)
              .num("size", e.size)
              .str("h", e.sha256)
              .num("by", e.uploaded_by)
              .num("at", e.uploaded_at)
              .scalar(s);
}

std::optional<std::string> Repository::blob(soci::session& s, const std::string& sha256) {
  std::optional<std::string> out;
  Q("SELECT data FROM policy_blobs WHERE sha256 = :h").str("h", sha256).each(s, [&](const soci::row& r) {
    out = crypto::from_base64url(get_str(r, 0));
  });
  return out;
}

// ---------------------------------------------------------------- declared figures

std::vector<Declared> Repository::figures(soci::session& s, std::optional<int64_t> instrument_id) {
  std::vector<Declared> out;
  Q q(std::string("SELECT id, instrument_id, item_id, label, value, numerator, denominator, unit, value_text, source, "
                  "metric, agreement FROM policy_figures") +
      (instrument_id ? " WHERE instrument_id = " + std::to_string(*instrument_id) : std::string()) +
      " ORDER BY instrument_id, position, id");
  q.each(s, [&](const soci::row& r) {
    Declared d;
    d.id = get_int(r, 0);
    d.instrument_id = get_int(r, 1);
    d.item_id = get_opt_int(r, 2);
    d.label = get_str(r, 3);
    d.value = get_opt_num(r, 4);
    d.numerator = get_opt_num(r, 5);
    d.denominator = get_opt_num(r, 6);
    d.unit = get_str(r, 7);
    d.value_text = get_str(r, 8);
    d.source = get_str(r, 9);
    d.metric = get_str(r, 10);
    d.agreement = get_str(r, 11);
    out.push_back(d);
  });
  return out;
}

int64_t Repository::insert_figure(soci::session& s, const Declared& f, int64_t position) {
  return *Q("INSERT INTO policy_figures(instrument_id, item_id, label, value, numerator, denominator, unit, value_text, source, "
            "position, metric, agreement) VALUES(:ins, :item, :label, :value, :num, :den, :unit, :text, :source, :pos, :metric, :agr) "
            "RETURNING id")
              .num("ins", f.instrument_id)
              .opt_num("item", f.item_id)
              .str("label", f.label)
              .opt_dbl("value", f.value)
              .opt_dbl("num", f.numerator)
              .opt_dbl("den", f.denominator)
              .opt_str("unit", f.unit)
              .opt_str("text", f.value_text)
              .opt_str("source", f.source)
              .num("pos", position)
              .opt_str("metric", f.metric)
              .str("agr", f.agreement.empty() ? "exacto" : f.agreement)
              .scalar(s);
}

// ---------------------------------------------------------------- PMG: assistance and outcomes

bool Repository::has_demo_reports(soci::session& s, int64_t instrument_id) {
  return Q("SELECT 1 FROM policy_instruments WHERE id = :i AND demo_history = 1").num("i", instrument_id).scalar(s).has_value();
}

void Repository::mark_demo_history(soci::session& s, int64_t instrument_id) {
  Q("UPDATE policy_instruments SET demo_history = 1 WHERE id = :i").num("i", instrument_id).exec(s);
}

void Repository::link_bill(soci::session& s, int64_t item_id, int64_t bill_id, int64_t by) {
  if (Q("SELECT 1 FROM policy_bill_links WHERE item_id = :i AND bill_id = :b").num("i", item_id).num("b", bill_id).scalar(s)) return;
  Q("INSERT INTO policy_bill_links(item_id, bill_id, created_by, created_at) VALUES(:i, :b, :by, :at)")
      .num("i", item_id)
      .num("b", bill_id)
      .num("by", by)
      .num("at", now_ms())
      .exec(s);
}

std::vector<Assistance> Repository::assistance(soci::session& s, int64_t instrument_id) {
  std::vector<Assistance> out;
  Q("SELECT id, instrument_id, held_on, kind, topic, participants, illustrative FROM policy_assistance "
    "WHERE instrument_id = :i ORDER BY held_on, id")
      .num("i", instrument_id)
      .each(s, [&](const soci::row& r) {
        Assistance a;
        a.id = get_int(r, 0);
        a.instrument_id = get_int(r, 1);
        a.held_on = get_int(r, 2);
        a.kind = get_str(r, 3);
        a.topic = get_str(r, 4);
        a.participants = get_str(r, 5);
        a.illustrative = get_int(r, 6) != 0;
        out.push_back(a);
      });
  return out;
}

int64_t Repository::insert_assistance(soci::session& s, const Assistance& a, std::optional<int64_t> by) {
  return *Q("INSERT INTO policy_assistance(instrument_id, held_on, kind, topic, participants, illustrative, created_by, created_at) "
            "VALUES(:i, :d, :k, :t, :p, :il, :by, :now) RETURNING id")
              .num("i", a.instrument_id)
              .num("d", a.held_on)
              .str("k", a.kind)
              .str("t", a.topic)
              .str("p", a.participants)
              .num("il", a.illustrative ? 1 : 0)
              .opt_num("by", by)
              .num("now", now_ms())
              .scalar(s);
}

std::map<int64_t, Outcome> Repository::outcomes(soci::session& s, int64_t instrument_id) {
  std::map<int64_t, Outcome> out;
  Q("SELECT o.item_id, o.outcome, o.reason, o.decided_by, o.decided_at FROM policy_outcomes o "
    "JOIN policy_items i ON i.id = o.item_id WHERE i.instrument_id = :i")
      .num("i", instrument_id)
      .each(s, [&](const soci::row& r) {
        Outcome o;
        o.item_id = get_int(r, 0);
        o.outcome = get_str(r, 1);
        o.reason = get_str(r, 2);
        o.decided_by = get_opt_int(r, 3);
        o.decided_at = get_int(r, 4);
        out[o.item_id] = o;
      });
  return out;
}

void Repository::save_outcome(soci::session& s, const Outcome& o) {
  Q("DELETE FROM policy_outcomes WHERE item_id = :i").num("i", o.item_id).exec(s);
  Q("INSERT INTO policy_outcomes(item_id, outcome, reason, decided_by, decided_at) VALUES(:i, :o, :r, :by, :at)")
      .num("i", o.item_id)
      .str("o", o.outcome)
      .str("r", o.reason)
      .opt_num("by", o.decided_by)
      .num("at", o.decided_at)
      .exec(s);
  Q("UPDATE policy_items SET status = :st, updated_at = :at WHERE id = :i")
      .str("st", o.outcome == "cumple" ? "cumplido" : "no_cumplido")
      .num("at", o.decided_at)
      .num("i", o.item_id)
      .exec(s);
}

// ---------------------------------------------------------------- PMG: filings and review rounds

namespace {

const char* kFiling =
    "SELECT f.id, f.service_item_id, f.institution_id, f.stage, f.state, f.round, f.narrative, f.evidence, f.filed_by, f.filed_at, "
    "f.waiting_since, f.reviewer_id, f.decided_by, f.decided_at, f.decision_note, f.demo, f.updated_at FROM policy_pmg_filings f";

Filing filing_from(const soci::row& r) {
  Filing f;
  f.id = get_int(r, 0);
  f.service_item_id = get_int(r, 1);
  f.institution_id = get_int(r, 2);
  f.stage = get_str(r, 3);
  f.state = get_str(r, 4);
  f.round = get_int(r, 5);
  f.narrative = get_str(r, 6);
  f.evidence = get_str(r, 7);
  f.filed_by = get_opt_int(r, 8);
  f.filed_at = get_int(r, 9);
  f.waiting_since = get_int(r, 10);
  f.reviewer_id = get_opt_int(r, 11);
  f.decided_by = get_opt_int(r, 12);
  f.decided_at = get_opt_int(r, 13);
  f.decision_note = is_null(r, 14) ? "" : get_str(r, 14);
  f.demo = get_int(r, 15) != 0;
  f.updated_at = get_int(r, 16);
  return f;
}

Observation observation_from(const soci::row& r) {
  Observation o;
  o.id = get_int(r, 0);
  o.filing_id = get_int(r, 1);
  o.round = get_int(r, 2);
  o.item_id = get_opt_int(r, 3);
  o.text = get_str(r, 4);
  o.written_by = get_opt_int(r, 5);
  o.written_at = get_int(r, 6);
  o.answer = is_null(r, 7) ? "" : get_str(r, 7);
  o.answered_by = get_opt_int(r, 8);
  o.answered_at = get_opt_int(r, 9);
  return o;
}

const char* kObservation =
    "SELECT id, filing_id, round, item_id, text, written_by, written_at, answer, answered_by, answered_at FROM policy_pmg_observations";

// Every row of `q` through `from` / the first one: the PMG reads below share these.
template <typename From>
auto rows_of(Q q, soci::session& s, From from) {
  std::vector<decltype(from(std::declval<const soci::row&>()))> out;
  q.each(s, [&](const soci::row& r) { out.push_back(from(r)); });
  return out;
}
template <typename From>
auto first_of(Q q, soci::session& s, From from) {
  std::optional<decltype(from(std::declval<const soci::row&>()))> out;
  q.each(s, [&](const soci::row& r) {
    if (!out) out = from(r);
  });
  return out;
}

}  // namespace

std::vector<Filing> Repository::filings_of(soci::session& s, int64_t service_item_id) {
  return rows_of(Q(kFiling + std::string(" WHERE f.service_item_id = :i ORDER BY f.id")).num("i", service_item_id), s, filing_from);
}

std::optional<Filing> Repository::filing(soci::session& s, int64_t id) {
  return first_of(Q(kFiling + std::string(" WHERE f.id = :id")).num("id", id), s, filing_from);
}

int64_t Repository::insert_filing(soci::session& s, const Filing& f) {
  return *Q("INSERT INTO policy_pmg_filings(service_item_id, institution_id, stage, state, round, narrative, evidence, filed_by, filed_at, "
            "waiting_since, reviewer_id, decided_by, decided_at, decision_note, demo, updated_at) "
            "VALUES(:s, :inst, :stage, :state, :round, :n, :e, :by, :at, :w, :rev, :dby, :dat, :note, :demo, :up) RETURNING id")
              .num("s", f.service_item_id)
              .num("inst", f.institution_id)
              .str("stage", f.stage)
              .str("state", f.state)
              .num("round", f.round)
              .str("n", f.narrative)
              .str("e", f.evidence)
              .opt_num("by", f.filed_by)
              .num("at", f.filed_at)
              .num("w", f.waiting_since)
              .opt_num("rev", f.reviewer_id)
              .opt_num("dby", f.decided_by)
              .opt_num("dat", f.decided_at)
              .opt_str("note", f.decision_note)
              .num("demo", f.demo ? 1 : 0)
              .num("up", f.updated_at)
              .scalar(s);
}

void Repository::update_filing(soci::session& s, const Filing& f) {
  Q("UPDATE policy_pmg_filings SET state = :state, round = :round, narrative = :n, evidence = :e, waiting_since = :w, "
    "reviewer_id = :rev, decided_by = :dby, decided_at = :dat, decision_note = :note, updated_at = :up WHERE id = :id")
      .str("state", f.state)
      .num("round", f.round)
      .str("n", f.narrative)
      .str("e", f.evidence)
      .num("w", f.waiting_since)
      .opt_num("rev", f.reviewer_id)
      .opt_num("dby", f.decided_by)
      .opt_num("dat", f.decided_at)
      .opt_str("note", f.decision_note)
      .num("up", f.updated_at)
      .num("id", f.id)
      .exec(s);
}

std::vector<FilingRow> Repository::filing_queue(soci::session& s, int limit) {
  std::vector<FilingRow> out;
  std::string sql = std::string(kFiling) +
                    " JOIN policy_items i ON i.id = f.service_item_id WHERE f.state IN ('enviado', 'en_revision', 'corregido') "
                    "ORDER BY f.waiting_since, f.id LIMIT :lim";
  sql.insert(sql.find(" FROM policy_pmg_filings f"), ", i.title, i.code, i.start_year");  // the service beside the filing
  Q(sql).num("lim", limit).each(s, [&](const soci::row& r) {
    FilingRow row;
    row.filing = filing_from(r);
    row.service_title = get_str(r, 17);
    row.service_code = is_null(r, 18) ? "" : get_str(r, 18);
    row.year = get_opt_int(r, 19);
    out.push_back(row);
  });
  return out;
}

std::vector<Repository::FilingCount> Repository::filing_counts(soci::session& s, int64_t instrument_id) {
  std::vector<FilingCount> out;
  Q("SELECT i.start_year, f.stage, f.state, COUNT(*) FROM policy_pmg_filings f JOIN policy_items i ON i.id = f.service_item_id "
    "WHERE i.instrument_id = :i GROUP BY i.start_year, f.stage, f.state ORDER BY i.start_year, f.stage, f.state")
      .num("i", instrument_id)
      .each(s, [&](const soci::row& r) {
        out.push_back({is_null(r, 0) ? 0 : get_int(r, 0), get_str(r, 1), get_str(r, 2), get_int(r, 3)});
      });
  return out;
}

std::vector<Item> Repository::pmg_services_of(soci::session& s, int64_t institution_id) {
  std::string sql = std::string(kItem) +
                    " WHERE level = 'compromiso' AND instrument_id IN (SELECT id FROM policy_instruments WHERE kind = 'pmg') "
                    "AND id IN (SELECT item_id FROM policy_item_institutions WHERE institution_id = :inst) ORDER BY start_year DESC, id";
  auto out = rows_of(Q(sql).num("inst", institution_id), s, item_from);
  for (auto& i : out) i.institutions = institutions_of(s, i.id);
  return out;
}

std::vector<Observation> Repository::observations(soci::session& s, int64_t filing_id) {
  return rows_of(Q(kObservation + std::string(" WHERE filing_id = :f ORDER BY round, id")).num("f", filing_id), s, observation_from);
}

std::optional<Observation> Repository::observation(soci::session& s, int64_t id) {
  return first_of(Q(kObservation + std::string(" WHERE id = :id")).num("id", id), s, observation_from);
}

int64_t Repository::insert_observation(soci::session& s, const Observation& o) {
  return *Q("INSERT INTO policy_pmg_observations(filing_id, round, item_id, text, written_by, written_at, answer, answered_by, answered_at) "
            "VALUES(:f, :r, :i, :t, :by, :at, :a, :aby, :aat) RETURNING id")
              .num("f", o.filing_id)
              .num("r", o.round)
              .opt_num("i", o.item_id)
              .str("t", o.text)
              .opt_num("by", o.written_by)
              .num("at", o.written_at)
              .opt_str("a", o.answer)
              .opt_num("aby", o.answered_by)
              .opt_num("aat", o.answered_at)
              .scalar(s);
}

void Repository::answer_observation(soci::session& s, int64_t id, const std::string& answer, std::optional<int64_t> by, int64_t at) {
  Q("UPDATE policy_pmg_observations SET answer = :a, answered_by = :by, answered_at = :at WHERE id = :id")
      .str("a", answer)
      .opt_num("by", by)
      .num("at", at)
      .num("id", id)
      .exec(s);
}

// ---------------------------------------------------------------- stored figures

void Repository::store_item_figure(soci::session& s, int64_t item_id, const policy::Figure& f, bool leaf,
                                   std::optional<int64_t> report_id, std::optional<double> current) {
  Q("UPDATE policy_items SET rolled_progress = :p, leaves = :l, reported = :r, current_report_id = :rid, current_progress = :cur, "
    "is_leaf = :leaf WHERE id = :id")
      .dbl("p", f.progress)
      .num("l", f.leaves)
      .num("r", f.reported)
      .opt_num("rid", report_id)
      .opt_dbl("cur", current)
      .num("leaf", leaf ? 1 : 0)
      .num("id", item_id)
      .exec(s);
}

void Repository::store_responsibility_figure(soci::session& s, int64_t item_id, bool leaf, std::optional<double> current) {
  Q("UPDATE policy_item_institutions SET is_leaf = :leaf, progress = :cur WHERE item_id = :id")
      .num("leaf", leaf ? 1 : 0)
      .opt_dbl("cur", current)
      .num("id", item_id)
      .exec(s);
}

void Repository::store_instrument_figure(soci::session& s, int64_t instrument_id, const policy::Figure& f) {
  Q("UPDATE policy_instruments SET rolled_progress = :p, leaves = :l, reported = :r, updated_at = :now WHERE id = :id")
      .dbl("p", f.progress)
      .num("l", f.leaves)
      .num("r", f.reported)
      .num("now", now_ms())
      .num("id", instrument_id)
      .exec(s);
}

std::vector<ValidatedReport> Repository::validated_reports(soci::session& s, int64_t instrument_id) {
  std::vector<ValidatedReport> out;
  Q("SELECT r.item_id, r.id, p.closes_at, r.validated_progress FROM policy_reports r JOIN policy_periods p ON p.id = r.period_id "
    "JOIN policy_items i ON i.id = r.item_id WHERE i.instrument_id = :ins AND r.validated_version IS NOT NULL "
    "ORDER BY p.closes_at, r.id")
      .num("ins", instrument_id)
      .each(s, [&](const soci::row& r) { out.push_back({get_int(r, 0), get_int(r, 1), get_int(r, 2), get_num(r, 3)}); });
  return out;
}

std::map<int64_t, std::vector<std::pair<bool, std::optional<double>>>> Repository::responsibility_figures(soci::session& s,
                                                                                                          int64_t instrument_id) {
  std::map<int64_t, std::vector<std::pair<bool, std::optional<double>>>> out;
  Q("SELECT ii.item_id, ii.is_leaf, ii.progress FROM policy_item_institutions ii JOIN policy_items i ON i.id = ii.item_id "
    "WHERE i.instrument_id = :ins")
      .num("ins", instrument_id)
      .each(s, [&](const soci::row& r) { out[get_int(r, 0)].push_back({store::get_bool(r, 1), get_opt_num(r, 2)}); });
  return out;
}

std::vector<Repository::GroupSums> Repository::by_institution(soci::session& s) {
  std::vector<GroupSums> out;
  Q("SELECT institution_id, COUNT(*), COUNT(progress), SUM(progress) FROM policy_item_institutions "
    "WHERE is_leaf = 1 GROUP BY institution_id")
      .each(s, [&](const soci::row& r) {
        out.push_back({std::to_string(get_int(r, 0)), get_int(r, 1), get_int(r, 2), get_num(r, 3)});
      });
  return out;
}

std::vector<Repository::GroupSums> Repository::by_region(soci::session& s) {
  std::vector<GroupSums> out;
  Q("SELECT region_id, COUNT(*), COUNT(current_progress), SUM(current_progress) "
    "FROM policy_items WHERE is_leaf = 1 AND region_id IS NOT NULL GROUP BY region_id")
      .each(s, [&](const soci::row& r) { out.push_back({get_str(r, 0), get_int(r, 1), get_int(r, 2), get_num(r, 3)}); });
  return out;
}

}  // namespace eq::policy
