#include "indicators/repository.h"

#include <chrono>

#include "store/query.h"

namespace eq::indicators {

namespace {

using store::get_int;
using store::get_opt_double;
using store::get_opt_int;
using store::get_str;
using store::Query;

using ll = long long;

const std::string kFilingCols =
    "id, year, rut, company, sector, size, rule, women_total, men_total, "
    "women_gerencia, men_gerencia, pay_women_gerencia, pay_men_gerencia, gap_gerencia, "
    "women_ejecutivo, men_ejecutivo, pay_women_ejecutivo, pay_men_ejecutivo, gap_ejecutivo, "
    "women_administrativo, men_administrativo, pay_women_administrativo, pay_men_administrativo, gap_administrativo, "
    "board_women, board_men, explanation";

const std::string kIndicatorCols =
    "id, code, name, definition, numerator, denominator, unit, factor, decimals, periodicity, source, steward_institution_id, "
    "disaggregations, origin, first_year, grace_days, demo, status, version, modified_at, created_at";

Indicator indicator_from(const soci::row& r) {
  Indicator i;
  i.id = get_int(r, 0);
  i.code = get_str(r, 1);
  i.name = get_str(r, 2);
  i.definition = get_str(r, 3);
  i.numerator = get_str(r, 4);
  i.denominator = get_str(r, 5);
  i.unit = get_str(r, 6);
  i.factor = store::get_double(r, 7);
  i.decimals = static_cast<int>(get_int(r, 8));
  i.periodicity = get_str(r, 9);
  i.source = get_str(r, 10);
  i.steward_institution_id = get_int(r, 11);
  i.disaggregations = get_str(r, 12);
  i.origin = get_str(r, 13);
  i.first_year = static_cast<int>(get_int(r, 14));
  i.grace_days = static_cast<int>(get_int(r, 15));
  i.demo = get_int(r, 16) != 0;
  i.status = get_str(r, 17);
  i.version = static_cast<int>(get_int(r, 18));
  i.modified_at = get_opt_int(r, 19);
  i.created_at = get_int(r, 20);
  return i;
}

}  // namespace

int64_t Repository::insert_import(soci::session& s, int year, const std::string& kind, int64_t total, int64_t imported,
                                  int64_t warnings, bool demo, std::optional<int64_t> actor) {
  return *Query(
              "INSERT INTO ind_imports (year, file_kind, rows_total, rows_imported, warnings, demo, actor_user_id, created_at) "
              "VALUES (:y, :k, :t, :i, :w, :d, :a, :now) RETURNING id")
              .bind("y", static_cast<ll>(year))
              .bind("k", kind)
              .bind("t", static_cast<ll>(total))
              .bind("i", static_cast<ll>(imported))
              .bind("w", static_cast<ll>(warnings))
              .bind("d", static_cast<ll>(demo ? 1 : 0))
              .bind_opt("a", actor ? std::optional<ll>(*actor) : std::nullopt)
              .bind("now", static_cast<ll>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count()))
              .scalar(s);
}

std::set<std::pair<std::string, std::string>> Repository::filed_keys(soci::session& s, int year) {
  std::set<std::pair<std::string, std::string>> out;
  Query("SELECT rut, rule FROM ind_filings WHERE year = :y").bind("y", static_cast<ll>(year)).each(s, [&](const soci::row& r) {
    out.emplace(get_str(r, 0), get_str(r, 1));
  });
  return out;
}

void Repository::insert_filings(soci::session& s, int64_t import_id, const std::vector<Filing>& filings) {
  // One prepared statement for the whole file.
  ll imp = import_id, year = 0, wt = 0, mt = 0, bw = 0, bm = 0;
  std::string rut, company, sector, size, rule, explanation;
  std::array<ll, kLevels> w{}, m{};
  std::array<double, kLevels> pw{}, pm{}, gap{};
  std::array<soci::indicator, kLevels> ipw{}, ipm{}, igap{};
  soci::statement st =
      (s.prepare << "INSERT INTO ind_filings (import_id, year, rut, company, sector, size, rule, women_total, men_total, "
                    "women_gerencia, men_gerencia, pay_women_gerencia, pay_men_gerencia, gap_gerencia, "
                    "women_ejecutivo, men_ejecutivo, pay_women_ejecutivo, pay_men_ejecutivo, gap_ejecutivo, "
                    "women_administrativo, men_administrativo, pay_women_administrativo, pay_men_administrativo, gap_administrativo, "
                    "board_women, board_men, explanation) VALUES (:imp, :year, :rut, :company, :sector, :size, :rule, :wt, :mt, "
                    ":w0, :m0, :pw0, :pm0, :g0, :w1, :m1, :pw1, :pm1, :g1, :w2, :m2, :pw2, :pm2, :g2, :bw, :bm, :ex)",
       soci::use(imp), soci::use(year), soci::use(rut), soci::use(company), soci::use(sector), soci::use(size), soci::use(rule),
       soci::use(wt), soci::use(mt), soci::use(w[0]), soci::use(m[0]), soci::use(pw[0], ipw[0]), soci::use(pm[0], ipm[0]),
       soci::use(gap[0], igap[0]), soci::use(w[1]), soci::use(m[1]), soci::use(pw[1], ipw[1]), soci::use(pm[1], ipm[1]),
       soci::use(gap[1], igap[1]), soci::use(w[2]), soci::use(m[2]), soci::use(pw[2], ipw[2]), soci::use(pm[2], ipm[2]),
       soci::use(gap[2], igap[2]), soci::use(bw), soci::use(bm), soci::use(explanation));
  for (const auto& f : filings) {
    year = f.year;
    rut = f.rut;
    company = f.company;
    sector = f.sector;
    size = f.size;
    rule = f.rule;
    explanation = f.explanation;
    wt = f.women_total;
    mt = f.men_total;
    bw = f.board_women;
    bm = f.board_men;
    for (int l = 0; l < kLevels; ++l) {
      w[l] = f.women[l];
      m[l] = f.men[l];
      auto set = [](const std::optional<double>& v, double& out, soci::indicator& ind) {
        out = v.value_or(0.0);
        ind = v ? soci::i_ok : soci::i_null;
      };
      set(f.pay_women[l], pw[l], ipw[l]);
      set(f.pay_men[l], pm[l], ipm[l]);
      set(f.gap_filed[l], gap[l], igap[l]);
    }
    st.execute(true);
  }
}

std::vector<Filing> Repository::filings(soci::session& s, int year) {
  // Fetched in typed batches of 2,000 rows (soci bulk into vectors), because recomputing the report
  // reads every filing. Measured against dynamic rows in the same run (bench/RESULTS.md, issue 19):
  // 0.86× on SQLite, 1.33× on PostgreSQL on a loaded machine, so roughly on par; not a proven win.
  constexpr size_t kBatch = 2000;
  std::vector<ll> id(kBatch), yr(kBatch), wt(kBatch), mt(kBatch), bw(kBatch), bm(kBatch);
  std::vector<std::string> rut(kBatch), company(kBatch), sector(kBatch), size(kBatch), rule(kBatch), explanation(kBatch);
  std::array<std::vector<ll>, kLevels> w, m;
  std::array<std::vector<double>, kLevels> pw, pm, gap;
  std::array<std::vector<soci::indicator>, kLevels> ipw, ipm, igap;
  // soci fetches as many rows as the vectors are long, and shrinks them on the last batch.
  auto resize = [&] {
    for (auto* v : {&id, &yr, &wt, &mt, &bw, &bm}) v->resize(kBatch);
    for (auto* v : {&rut, &company, &sector, &size, &rule, &explanation}) v->resize(kBatch);
    for (int l = 0; l < kLevels; ++l) {
      w[l].resize(kBatch), m[l].resize(kBatch), pw[l].resize(kBatch), pm[l].resize(kBatch), gap[l].resize(kBatch);
      ipw[l].resize(kBatch), ipm[l].resize(kBatch), igap[l].resize(kBatch);
    }
  };
  resize();
  ll y = year;
  const std::string sql = "SELECT " + kFilingCols + " FROM ind_filings" + (year ? " WHERE year = :y" : "") + " ORDER BY year, rut, id";
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(yr));
  for (auto* v : {&rut, &company, &sector, &size, &rule}) st.exchange(soci::into(*v));
  st.exchange(soci::into(wt));
  st.exchange(soci::into(mt));
  for (int l = 0; l < kLevels; ++l) {
    st.exchange(soci::into(w[l]));
    st.exchange(soci::into(m[l]));
    st.exchange(soci::into(pw[l], ipw[l]));
    st.exchange(soci::into(pm[l], ipm[l]));
    st.exchange(soci::into(gap[l], igap[l]));
  }
  st.exchange(soci::into(bw));
  st.exchange(soci::into(bm));
  st.exchange(soci::into(explanation));
  if (year) st.exchange(soci::use(y, "y"));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  std::vector<Filing> out;
  auto opt = [](const std::vector<double>& v, const std::vector<soci::indicator>& ind, size_t i) {
    return ind[i] == soci::i_null ? std::nullopt : std::optional<double>(v[i]);
  };
  st.execute(false);
  while (st.fetch()) {
    const size_t n = id.size();
    for (size_t i = 0; i < n; ++i) {
      Filing f;
      f.id = id[i];
      f.year = static_cast<int>(yr[i]);
      f.rut = std::move(rut[i]);
      f.company = std::move(company[i]);
      f.sector = std::move(sector[i]);
      f.size = std::move(size[i]);
      f.rule = std::move(rule[i]);
      f.women_total = wt[i];
      f.men_total = mt[i];
      for (int l = 0; l < kLevels; ++l) {
        f.women[l] = w[l][i];
        f.men[l] = m[l][i];
        f.pay_women[l] = opt(pw[l], ipw[l], i);
        f.pay_men[l] = opt(pm[l], ipm[l], i);
        f.gap_filed[l] = opt(gap[l], igap[l], i);
      }
      f.board_women = bw[i];
      f.board_men = bm[i];
      f.explanation = std::move(explanation[i]);
      out.push_back(std::move(f));
    }
    resize();
  }
  return out;
}

int64_t Repository::count_filings(soci::session& s) { return Query("SELECT COUNT(*) FROM ind_filings").scalar(s).value_or(0); }

void Repository::publish(soci::session& s, const std::string& name, const std::string& body, int64_t now) {
  Query("DELETE FROM ind_published WHERE name = :n").bind("n", name).exec(s);
  Query("INSERT INTO ind_published (name, body, computed_at) VALUES (:n, :b, :now)")
      .bind("n", name)
      .bind("b", body)
      .bind("now", static_cast<ll>(now))
      .exec(s);
}

std::optional<std::string> Repository::published(soci::session& s, const std::string& name) {
  std::optional<std::string> out;
  Query("SELECT body FROM ind_published WHERE name = :n").bind("n", name).each(s, [&](const soci::row& r) { out = get_str(r, 0); });
  return out;
}

std::vector<Indicator> Repository::indicators(soci::session& s) {
  std::vector<Indicator> out;
  Query("SELECT " + kIndicatorCols + " FROM ind_indicators ORDER BY code").each(s, [&](const soci::row& r) {
    out.push_back(indicator_from(r));
  });
  return out;
}

std::optional<Indicator> Repository::indicator(soci::session& s, int64_t id) {
  std::optional<Indicator> out;
  Query("SELECT " + kIndicatorCols + " FROM ind_indicators WHERE id = :id").bind("id", static_cast<ll>(id)).each(s, [&](const soci::row& r) {
    out = indicator_from(r);
  });
  return out;
}

std::optional<int64_t> Repository::indicator_id(soci::session& s, const std::string& code) {
  auto v = Query("SELECT id FROM ind_indicators WHERE code = :c").bind("c", code).scalar(s);
  return v ? std::optional<int64_t>(*v) : std::nullopt;
}

namespace {

// The definition's fields, bound the same way by the insert and the update.
Query& bind_definition(Query& q, const Indicator& i) {
  return q.bind("code", i.code)
      .bind("name", i.name)
      .bind("def", i.definition)
      .bind("num", i.numerator)
      .bind("den", i.denominator)
      .bind("unit", i.unit)
      .bind_double("factor", i.factor)
      .bind("dec", static_cast<ll>(i.decimals))
      .bind("per", i.periodicity)
      .bind("src", i.source)
      .bind("inst", static_cast<ll>(i.steward_institution_id))
      .bind("dis", i.disaggregations)
      .bind("origin", i.origin)
      .bind("fy", static_cast<ll>(i.first_year))
      .bind("grace", static_cast<ll>(i.grace_days))
      .bind("status", i.status)
      .bind("version", static_cast<ll>(i.version));
}

}  // namespace

int64_t Repository::insert_indicator(soci::session& s, const Indicator& i, int64_t now) {
  Query q("INSERT INTO ind_indicators (code, name, definition, numerator, denominator, unit, factor, decimals, periodicity, source, "
          "steward_institution_id, disaggregations, origin, first_year, grace_days, demo, created_at, status, version, updated_at) "
          "VALUES (:code, :name, :def, :num, :den, :unit, :factor, :dec, :per, :src, :inst, :dis, :origin, :fy, :grace, :demo, :now, "
          ":status, :version, :now) RETURNING id");
  return *bind_definition(q, i).bind("demo", static_cast<ll>(i.demo ? 1 : 0)).bind("now", static_cast<ll>(now)).scalar(s);
}

void Repository::update_indicator(soci::session& s, const Indicator& i, int64_t now) {
  Query q("UPDATE ind_indicators SET code = :code, name = :name, definition = :def, numerator = :num, denominator = :den, unit = :unit, "
          "factor = :factor, decimals = :dec, periodicity = :per, source = :src, steward_institution_id = :inst, disaggregations = :dis, "
          "origin = :origin, first_year = :fy, grace_days = :grace, status = :status, version = :version, modified_at = :modified, "
          "updated_at = :now WHERE id = :id");
  bind_definition(q, i)
      .bind_opt("modified", i.modified_at ? std::optional<ll>(*i.modified_at) : std::nullopt)
      .bind("now", static_cast<ll>(now))
      .bind("id", static_cast<ll>(i.id))
      .exec(s);
}

void Repository::insert_version(soci::session& s, int64_t indicator_id, const IndicatorVersion& v) {
  Query("INSERT INTO ind_indicator_versions (indicator_id, version, status, body, changed_by, changed_at) "
        "VALUES (:id, :v, :status, :body, :by, :at)")
      .bind("id", static_cast<ll>(indicator_id))
      .bind("v", static_cast<ll>(v.version))
      .bind("status", v.status)
      .bind("body", v.body)
      .bind_opt("by", v.changed_by ? std::optional<ll>(*v.changed_by) : std::nullopt)
      .bind("at", static_cast<ll>(v.changed_at))
      .exec(s);
}

std::vector<IndicatorVersion> Repository::versions(soci::session& s, int64_t indicator_id) {
  std::vector<IndicatorVersion> out;
  Query("SELECT version, status, body, changed_by, changed_at FROM ind_indicator_versions WHERE indicator_id = :id ORDER BY version")
      .bind("id", static_cast<ll>(indicator_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({static_cast<int>(get_int(r, 0)), get_str(r, 1), get_str(r, 2), get_opt_int(r, 3), get_int(r, 4)});
      });
  return out;
}

int64_t Repository::count_values(soci::session& s, int64_t indicator_id) {
  return Query("SELECT COUNT(*) FROM ind_values WHERE indicator_id = :id").bind("id", static_cast<ll>(indicator_id)).scalar(s).value_or(0);
}

std::vector<Value> Repository::values(soci::session& s, int64_t indicator_id) {
  std::vector<Value> out;
  Query("SELECT period, disaggregation, value, numerator, denominator, uploaded_by, uploaded_at FROM ind_values "
        "WHERE indicator_id = :id ORDER BY period, disaggregation")
      .bind("id", static_cast<ll>(indicator_id))
      .each(s, [&](const soci::row& r) {
        out.push_back({get_str(r, 0), get_str(r, 1), store::get_double(r, 2), get_opt_double(r, 3), get_opt_double(r, 4),
                       get_opt_int(r, 5), get_int(r, 6)});
      });
  return out;
}

void Repository::put_value(soci::session& s, int64_t indicator_id, const Value& v) {
  Query("DELETE FROM ind_values WHERE indicator_id = :id AND period = :p AND disaggregation = :d")
      .bind("id", static_cast<ll>(indicator_id))
      .bind("p", v.period)
      .bind("d", v.disaggregation)
      .exec(s);
  Query("INSERT INTO ind_values (indicator_id, period, disaggregation, value, numerator, denominator, uploaded_by, uploaded_at) "
        "VALUES (:id, :p, :d, :v, :num, :den, :by, :at)")
      .bind("id", static_cast<ll>(indicator_id))
      .bind("p", v.period)
      .bind("d", v.disaggregation)
      .bind_double("v", v.value)
      .bind_opt_double("num", v.numerator)
      .bind_opt_double("den", v.denominator)
      .bind_opt("by", v.uploaded_by ? std::optional<ll>(*v.uploaded_by) : std::nullopt)
      .bind("at", static_cast<ll>(v.uploaded_at))
      .exec(s);
}

bool Repository::has_reminder(soci::session& s, int64_t indicator_id, const std::string& period) {
  return Query("SELECT id FROM ind_reminders WHERE indicator_id = :id AND period = :p")
      .bind("id", static_cast<ll>(indicator_id))
      .bind("p", period)
      .scalar(s)
      .has_value();
}

void Repository::insert_reminder(soci::session& s, const Reminder& r) {
  Query("INSERT INTO ind_reminders (indicator_id, period, due_at, sent_at) VALUES (:id, :p, :due, :sent)")
      .bind("id", static_cast<ll>(r.indicator_id))
      .bind("p", r.period)
      .bind("due", static_cast<ll>(r.due_at))
      .bind("sent", static_cast<ll>(r.sent_at))
      .exec(s);
}

std::vector<Reminder> Repository::reminders(soci::session& s) {
  std::vector<Reminder> out;
  Query("SELECT indicator_id, period, due_at, sent_at FROM ind_reminders ORDER BY id").each(s, [&](const soci::row& r) {
    out.push_back({get_int(r, 0), get_str(r, 1), get_int(r, 2), get_int(r, 3)});
  });
  return out;
}

}  // namespace eq::indicators
