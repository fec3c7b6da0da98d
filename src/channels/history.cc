// The demo contact history and the statistics counted over it (history.h).
//
// The generator is seeded and deterministic. Its curves are plausible shapes (a season, fewer calls
// at the weekend, the COVID-19 confinement from March 2020, each new channel's launch and decay);
// its totals are DERIVED from the seed's figures kept in history_seed() with their source, and
// distributed over days by largest remainder, so that COUNTING the rows gives the seed's figures
// back. Nothing the screens show is typed: statistics() counts rows month by month.
#include "channels/history.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <random>
#include <tuple>
#include <utility>

#include "channels/module.h"
#include "channels/repository.h"
#include "core/csv.h"
#include "core/time.h"
#include "store/query.h"
#include "store/with_session.h"

namespace eq::channels {

using json = nlohmann::json;

const std::vector<HistorySeed>& history_seed() {
  static const char* kSource = "Cuenta Pública 2020–2021, Plan de Emergencia COVID-19";
  static const std::vector<HistorySeed> v = {
      {"phone_2020", "Llamadas recibidas por el Fono 1455 en 2020", 126'645, kSource},
      {"phone_variation_2020", "Variación de las llamadas de 2020 respecto de 2019 (%)", 149.1, kSource},
      {"phone_variation_2020_05", "Variación de mayo de 2020 respecto de mayo de 2019 (%)", 256.2, kSource},
      {"phone_variation_2020_08", "Variación de agosto de 2020 respecto de agosto de 2019 (%)", 254.5, kSource},
      {"phone_variation_2020_09", "Variación de septiembre de 2020 respecto de septiembre de 2019 (%)", 266.0, kSource},
      {"chat_2020", "Sesiones del chat web silencioso en 2020 (habilitado en abril de 2020)", 6'652, kSource},
      {"whatsapp_first_year", "Sesiones de WhatsApp +569 9700 7000 en su primer año (desde el 29-04-2020)", 18'923, kSource},
      {"whatsapp_peak_2020_05", "Activaciones de WhatsApp en mayo de 2020, el mes peak", 4'656, kSource},
      {"pharmacy_2020", "Solicitudes «Mascarilla 19» en 2020", 73, "Cuenta Pública 2020–2021, Plan de Emergencia COVID-19, «Mascarilla 19»"},
  };
  return v;
}

double seed_value(const std::string& key) {
  for (const auto& s : history_seed())
    if (key == s.key) return s.value;
  return 0;
}

std::vector<int64_t> allocate(int64_t n, const std::vector<double>& weights) {
  std::vector<int64_t> out(weights.size(), 0);
  double total = 0;
  for (double w : weights) total += w;
  if (weights.empty() || total <= 0 || n <= 0) return out;
  std::vector<std::pair<double, size_t>> rest;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(n) * weights[i] / total;
    out[i] = static_cast<int64_t>(std::floor(exact));
    given += out[i];
    rest.push_back({exact - static_cast<double>(out[i]), i});
  }
  // Ties go to the earlier index, so the result does not depend on the sort's stability.
  std::sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (size_t k = 0; given < n; ++k, ++given) ++out[rest[k % rest.size()].second];
  return out;
}

namespace {

// A day of the history: its local midnight and its calendar.
struct Day {
  int64_t midnight = 0;
  int year = 0, month = 0, mday = 0, weekday = 0;  // weekday 0 Monday … 6 Sunday
};

int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : d[m - 1];
}

std::string dmy(int d, int m, int y) {
  char b[32];
  std::snprintf(b, sizeof b, "%02d-%02d-%04d", d, m, y);
  return b;
}

int64_t local_midnight(int d, int m, int y) { return parse_date_cl(dmy(d, m, y), "date").value_or(0); }

// The start of the history's last month (April 2021): written last, in one transaction, so its
// presence means the whole history is there.
int64_t history_last_month_start() { return local_midnight(1, 4, 2021); }

std::vector<Day> history_days() {
  std::vector<Day> out;
  int weekday = 1;  // 01-01-2019 was a Tuesday
  for (int y = 2019; y <= 2021; ++y)
    for (int m = 1; m <= 12 && !(y == 2021 && m > 4); ++m)
      for (int d = 1; d <= days_in_month(y, m); ++d) {
        out.push_back({local_midnight(d, m, y), y, m, d, weekday});
        weekday = (weekday + 1) % 7;
      }
  return out;
}

// Region codes with weights close to their share of the population (Censo 2017, thousands).
struct Weighted {
  const char* code;
  int weight;
};
const std::vector<Weighted>& region_weights() {
  static const std::vector<Weighted> v = {{"15", 226}, {"01", 331}, {"02", 608}, {"03", 286},  {"04", 758},  {"05", 1816},
                                          {"13", 7113}, {"06", 915}, {"07", 1045}, {"16", 481}, {"08", 1557}, {"09", 958},
                                          {"14", 385}, {"10", 829}, {"11", 103}, {"12", 167}};
  return v;
}
// How contacts end (channels::outcomes() codes, plus "abandonada": she hung up while waiting).
const std::vector<Weighted>& outcome_weights(const std::string& channel) {
  static const std::vector<Weighted> phone = {{"orientacion", 520}, {"informacion", 150}, {"derivacion", 95}, {"emergencia", 20},
                                              {"silencio", 55},     {"corto", 70},        {"numero_equivocado", 30},
                                              {"prueba", 8},        {"abusivo", 12},      {"abandonada", 40}};
  // Written channels: more silences and left conversations, no wrong numbers.
  static const std::vector<Weighted> written = {{"orientacion", 470}, {"informacion", 160}, {"derivacion", 110}, {"emergencia", 25},
                                                {"silencio", 90},     {"corto", 95},        {"prueba", 10},      {"abusivo", 10},
                                                {"abandonada", 30}};
  return channel == "phone" ? phone : written;
}
const char* pick(const std::vector<Weighted>& v, std::mt19937& rng) {
  int total = 0;
  for (const auto& w : v) total += w.weight;
  int x = static_cast<int>(rng() % static_cast<uint32_t>(total));
  for (const auto& w : v) {
    if (x < w.weight) return w.code;
    x -= w.weight;
  }
  return v.back().code;
}
// Share of a day's contacts per local hour: quiet at night, busiest in the afternoon and evening.
const std::vector<double>& hour_weights() {
  static const std::vector<double> v = {1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.6, 3.6, 4.2, 4.5,
                                        4.4, 4.3, 4.6, 4.8, 4.9, 5.0, 5.1, 5.0, 4.6, 4.0, 3.0, 1.8};
  return v;
}

// Fewer contacts at the weekend, when the aggressor is at home too.
double weekday_factor(const Day& d) { return d.weekday >= 5 ? 0.72 : 1.0; }
// 2019's season: a little higher around the March 8th and November 25th campaigns and at the
// summer holidays' end.
double season(int month) {
  static const double s[] = {0.95, 0.9, 1.05, 1.0, 1.0, 0.95, 0.97, 1.0, 1.0, 1.02, 1.08, 1.05};
  return s[month - 1];
}
// The 1455's load against 2019 in the months the seed gives no variation for: confinement from
// the second half of March 2020, capacity raised 20 % in May (seed), a slow easing in 2021.
double covid_factor(int year, int month) {
  static const double y2020[] = {1.2, 1.15, 1.6, 2.3, 0, 2.8, 3.0, 0, 0, 2.4, 2.2, 2.1};
  static const double y2021[] = {2.0, 1.9, 2.1, 2.2};
  if (year == 2020) return y2020[month - 1];
  if (year == 2021) return y2021[month - 1];
  return 1.0;
}
// A new written channel: launch weeks, then a plateau that slowly decays, as a fraction of its
// first full month's daily rate; months since its launch month.
double decay(int months_after) {
  static const double d[] = {1.0, 1.0, 0.52, 0.44, 0.41, 0.38, 0.35, 0.33, 0.31, 0.28, 0.26, 0.28, 0.27, 0.26};
  return months_after < 14 ? d[months_after] : 0.25;
}
double chat_factor(int year, int month) {
  static const double y2020[] = {0, 0, 0, 0.55, 1.25, 1.15, 1.1, 1.1, 1.0, 0.95, 1.0, 0.9};
  static const double y2021[] = {0.85, 0.8, 0.9, 0.9};
  return year == 2020 ? y2020[month - 1] : year == 2021 ? y2021[month - 1] : 0;
}

// Rows for one channel: counts per day, each day's contacts spread over its hours.
void emit(std::vector<HistoryRow>& out, const char* channel, const std::vector<Day>& days, const std::vector<int64_t>& per_day,
          std::mt19937& rng) {
  const auto& region = region_weights();
  const auto& outcome = outcome_weights(channel);
  for (size_t i = 0; i < days.size(); ++i) {
    if (per_day[i] == 0) continue;
    const auto by_hour = allocate(per_day[i], hour_weights());
    for (int h = 0; h < 24; ++h)
      for (int64_t k = 0; k < by_hour[static_cast<size_t>(h)]; ++k)
        out.push_back({days[i].midnight + h * 3'600'000LL + static_cast<int64_t>(rng() % 3'600'000u), channel, pick(region, rng),
                       pick(outcome, rng)});
  }
}

}  // namespace

std::vector<HistoryRow> generate_history() {
  const auto days = history_days();
  std::mt19937 rng(1455);
  auto noise = [&] { return 0.88 + static_cast<double>(rng() % 2400) / 10'000.0; };
  std::vector<double> base(days.size());
  for (size_t i = 0; i < days.size(); ++i) base[i] = season(days[i].month) * weekday_factor(days[i]) * noise();
  auto only = [&](const std::function<bool(const Day&)>& keep, const std::function<double(const Day&)>& factor) {
    std::vector<double> w(days.size(), 0.0);
    for (size_t i = 0; i < days.size(); ++i)
      if (keep(days[i])) w[i] = base[i] * factor(days[i]);
    return w;
  };
  auto add = [](std::vector<int64_t>& into, const std::vector<int64_t>& more) {
    for (size_t i = 0; i < into.size(); ++i) into[i] += more[i];
  };
  auto month_total = [&](const std::vector<int64_t>& per_day, int y, int m) {
    int64_t n = 0;
    for (size_t i = 0; i < days.size(); ++i)
      if (days[i].year == y && days[i].month == m) n += per_day[i];
    return n;
  };
  std::vector<HistoryRow> out;
  out.reserve(250'000);

  // --- Fono 1455. 2019 derived from 2020 and the seed's variation: 126.645 / 2,491.
  const auto calls_2020 = static_cast<int64_t>(seed_value("phone_2020"));
  const auto calls_2019 = std::llround(static_cast<double>(calls_2020) / (1.0 + seed_value("phone_variation_2020") / 100.0));
  std::vector<int64_t> calls = allocate(calls_2019, only([](const Day& d) { return d.year == 2019; }, [](const Day&) { return 1.0; }));
  // The three months the seed gives a variation for, from 2019's same month; the rest of 2020's
  // calls by the confinement curve.
  std::vector<int64_t> fixed(days.size(), 0);
  int64_t fixed_total = 0;
  for (const auto& [m, key] : std::vector<std::pair<int, std::string>>{{5, "phone_variation_2020_05"}, {8, "phone_variation_2020_08"}, {9, "phone_variation_2020_09"}}) {
    const auto n = std::llround(static_cast<double>(month_total(calls, 2019, m)) * (1.0 + seed_value(key) / 100.0));
    fixed_total += n;
    add(fixed, allocate(n, only([m = m](const Day& d) { return d.year == 2020 && d.month == m; }, [](const Day&) { return 1.0; })));
  }
  add(calls, fixed);
  add(calls, allocate(calls_2020 - fixed_total,
                      only([](const Day& d) { return d.year == 2020 && covid_factor(2020, d.month) > 0; },
                           [](const Day& d) { return covid_factor(d.year, d.month); })));
  // 2021 (January to April): no seed figure; 2019's same months times the easing curve.
  for (int m = 1; m <= 4; ++m)
    add(calls, allocate(std::llround(static_cast<double>(month_total(calls, 2019, m)) * covid_factor(2021, m)),
                        only([m](const Day& d) { return d.year == 2021 && d.month == m; }, [](const Day&) { return 1.0; })));
  emit(out, "phone", days, calls, rng);

  // --- Silent web chat, opened in April 2020: 6.652 sessions in 2020; 2021 at 2020's daily rate
  // times its curve.
  const auto chat_weights_2020 = only([](const Day& d) { return d.year == 2020 && chat_factor(2020, d.month) > 0; },
                                      [](const Day& d) { return chat_factor(d.year, d.month); });
  const auto chats_2020 = static_cast<int64_t>(seed_value("chat_2020"));
  std::vector<int64_t> chats = allocate(chats_2020, chat_weights_2020);
  double w2020 = 0;
  for (double w : chat_weights_2020) w2020 += w;
  const auto chat_weights_2021 = only([](const Day& d) { return d.year == 2021; }, [](const Day& d) { return chat_factor(d.year, d.month); });
  double w2021 = 0;
  for (double w : chat_weights_2021) w2021 += w;
  add(chats, allocate(std::llround(static_cast<double>(chats_2020) * w2021 / w2020), chat_weights_2021));
  emit(out, "chat", days, chats, rng);

  // --- WhatsApp, from 29-04-2020: 18.923 sessions in its first year, May 2020 the peak (4.656);
  // the rest of the year by the launch-and-decay curve; after the first year, that curve again.
  const int64_t launch = local_midnight(29, 4, 2020), first_year_end = local_midnight(29, 4, 2021);
  const auto may = static_cast<int64_t>(seed_value("whatsapp_peak_2020_05"));
  const auto first_year = static_cast<int64_t>(seed_value("whatsapp_first_year"));
  auto months_after = [](const Day& d) { return (d.year - 2020) * 12 + d.month - 5; };
  std::vector<int64_t> wa = allocate(may, only([](const Day& d) { return d.year == 2020 && d.month == 5; }, [](const Day&) { return 1.0; }));
  const auto rest_weights = only([&](const Day& d) { return d.midnight >= launch && d.midnight < first_year_end && !(d.year == 2020 && d.month == 5); },
                                 [&](const Day& d) { return d.month == 4 && d.year == 2020 ? 1.0 : decay(months_after(d)); });
  add(wa, allocate(first_year - may, rest_weights));
  double rest_total = 0;
  for (double w : rest_weights) rest_total += w;
  const auto after_weights = only([&](const Day& d) { return d.midnight >= first_year_end; }, [&](const Day& d) { return decay(months_after(d)); });
  double after_total = 0;
  for (double w : after_weights) after_total += w;
  add(wa, allocate(std::llround(static_cast<double>(first_year - may) * after_total / rest_total), after_weights));
  emit(out, "whatsapp", days, wa, rng);
  return out;
}

// ------------------------------------------------------------------ the service

struct History::Cache {
  std::mutex mu;
  std::pair<int64_t, int64_t> version{-1, -1};
  // (from_year, to_year) → the history's counts per month of those years.
  std::map<std::pair<int, int>, std::vector<std::vector<Repository::Count>>> months;
  std::optional<std::map<std::string, int64_t>> first;
  // (channel, from, to) → the history's contacts of that channel in [from, to).
  std::map<std::tuple<std::string, int64_t, int64_t>, int64_t> channel_counts;
  void reset(std::pair<int64_t, int64_t> v) {
    version = v;
    months.clear();
    first.reset();
    channel_counts.clear();
  }
};

History::History(store::Database& db, audit::Log& audit, HistorySources sources)
    : db_(db), audit_(audit), sources_(std::move(sources)), cache_(std::make_shared<Cache>()) {}

std::string History::status() const {
  std::lock_guard lock(status_mu_);
  return status_;
}
void History::set_status(const std::string& s) {
  std::lock_guard lock(status_mu_);
  status_ = s;
}

Result<int64_t> History::load_demo() {
  auto present = store::with_session<bool>(db_, [](soci::session& s) -> Result<bool> { return Repository::history_present(s, history_last_month_start()); });
  if (!present) return fail(present.error());
  if (*present) {
    set_status("ready");
    return int64_t{0};
  }
  set_status("computing");
  auto rows = generate_history();
  std::stable_sort(rows.begin(), rows.end(), [](const HistoryRow& a, const HistoryRow& b) { return a.at < b.at; });
  // Written in time order, in transactions of about 10.000 rows, the last month in one: one
  // transaction of 240.000 rows held SQLite's write lock for seconds at every demo start (for
  // longer than the busy timeout on a loaded machine, so other writers got 503). The history is
  // complete exactly when its last month is there; a partial one (a crash half-way) is rewritten.
  const int64_t last_month = history_last_month_start();
  auto cleared = db_.transaction<void>([&](soci::session& s) -> Result<void> {
    if (!Repository::history_present(s, last_month) && Repository::history_any(s)) Repository::clear_history(s);
    return {};
  });
  if (!cleared) {
    set_status("none");
    return fail(cleared.error());
  }
  int64_t written = 0;
  size_t i = 0;
  while (i < rows.size()) {
    size_t end = std::min(rows.size(), i + 10'000);
    if (end < rows.size() && rows[end].at >= last_month) end = rows.size();  // the last month whole
    if (rows[i].at >= last_month) end = rows.size();
    std::vector<HistoryRow> chunk(rows.begin() + static_cast<std::ptrdiff_t>(i), rows.begin() + static_cast<std::ptrdiff_t>(end));
    auto n = db_.transaction<int64_t>([&](soci::session& s) -> Result<int64_t> {
      if (Repository::history_present(s, last_month)) return int64_t{-1};  // another instance wrote it first
      Repository::insert_history(s, chunk, 500);
      return static_cast<int64_t>(chunk.size());
    });
    if (!n) {
      set_status("none");
      return fail(n.error());
    }
    if (*n < 0) break;
    written += *n;
    i = end;
  }
  set_status("ready");
  return written;
}

Result<bool> History::want_demo() {
  auto present = store::with_session<bool>(db_, [](soci::session& s) -> Result<bool> { return Repository::history_present(s, history_last_month_start()); });
  if (!present) return fail(present.error());
  set_status(*present ? "ready" : "computing");
  wanted_ = !*present;
  return !*present;
}

Result<std::pair<int, int>> History::default_years() {
  // The status first: it only moves computing → ready while the demo history is written, and both
  // mean the demo years. Read after the database, a load finishing in between gave this year's
  // range to a request that then found the history ready (CI, PostgreSQL, 07-12-2026).
  if (const std::string st = status(); st == "computing" || st == "ready") return std::pair<int, int>{2019, 2021};
  auto present = store::with_session<bool>(db_, [](soci::session& s) -> Result<bool> { return Repository::history_present(s, history_last_month_start()); });
  if (!present) return fail(present.error());
  if (*present) return std::pair<int, int>{2019, 2021};
  const int y = std::stoi(format_date_cl(now_ms()).substr(6, 4));
  return std::pair<int, int>{y - 1, y};
}

namespace {

const char* kMonthNames[] = {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"};
const char* kMonthLong[] = {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"};

std::string month_key(int y, int m) {
  char b[32];
  std::snprintf(b, sizeof b, "%04d-%02d", y, m);
  return b;
}
// A percentage rounded to one decimal, as the seed writes it.
double round1(double x) { return std::round(x * 10.0) / 10.0; }
std::string outcome_label(const std::string& id) {
  if (id == "abandonada") return "Abandonada antes de ser atendida";
  if (id == "en_curso") return "En curso";
  return outcomes().label(id);
}
// Cells under 5 are not shown in territorial breakdowns: a region's handful of contacts could point
// at a woman.
constexpr int64_t kSmallCell = 5;

}  // namespace

Result<json> History::compute(int from_year, int to_year, int year) {
  struct Month {
    int y = 0, m = 0;
    std::map<std::string, int64_t> by_channel;
  };
  std::vector<Month> months;
  std::map<std::string, std::map<std::string, int64_t>> regions, outcomes_of;  // code → channel → n (focus year)
  std::map<std::string, int64_t> first;
  std::map<std::string, int64_t> first_year_count;
  std::vector<int64_t> bounds;  // every month's start, and the end of the last one
  for (int y = from_year; y <= to_year; ++y)
    for (int m = 1; m <= 12; ++m) bounds.push_back(local_midnight(1, m, y));
  bounds.push_back(local_midnight(1, 1, to_year + 1));
  using Rows = Repository::Rows;
  auto counted = store::with_session<bool>(db_, [&](soci::session& s) -> Result<bool> {
    // One request counts at a time: a second one waits for the first's counts instead of
    // counting the same 240.000 rows beside it.
    std::lock_guard lock(cache_->mu);
    auto& cache = *cache_;
    if (const auto v = Repository::history_version(s); v != cache.version || cache.months.size() > 16) cache.reset(v);
    auto hist = cache.months.find({from_year, to_year});
    if (hist == cache.months.end()) hist = cache.months.emplace(std::pair{from_year, to_year}, Repository::bucket_counts(s, Rows::history, bounds)).first;
    const auto live = Repository::bucket_counts(s, Rows::live, bounds);
    size_t i = 0;
    for (int y = from_year; y <= to_year; ++y)
      for (int m = 1; m <= 12; ++m, ++i) {
        Month mo{y, m, {}};
        for (const std::vector<Repository::Count>* part : {&std::as_const(hist->second[i]), &live[i]})
          for (const auto& c : *part) {
            mo.by_channel[c.channel] += c.n;
            if (y == year) {
              regions[c.region][c.channel] += c.n;
              outcomes_of[c.outcome][c.channel] += c.n;
            }
          }
        months.push_back(std::move(mo));
      }
    if (!cache.first) cache.first = Repository::first_contacts(s, Rows::history);
    first = *cache.first;
    for (const auto& [ch, at] : Repository::first_contacts(s, Rows::live))
      if (!first.count(ch) || at < first[ch]) first[ch] = at;
    for (const auto& [ch, at] : first) {
      const auto d = format_date_cl(at);
      const int64_t start = parse_date_cl(d, "date").value_or(at);
      const int64_t end = local_midnight(std::stoi(d.substr(0, 2)), std::stoi(d.substr(3, 2)), std::stoi(d.substr(6, 4)) + 1);
      auto n = cache.channel_counts.find({ch, start, end});
      if (n == cache.channel_counts.end())
        n = cache.channel_counts.emplace(std::tuple{ch, start, end}, Repository::count_channel(s, Rows::history, ch, start, end)).first;
      first_year_count[ch] = n->second + Repository::count_channel(s, Rows::live, ch, start, end);
    }
    // Written while we counted (the demo's history being loaded by another instance): count again
    // next time rather than keep a partial count.
    if (Repository::history_version(s) != cache.version) cache.reset({-1, -1});
    return true;
  });
  if (!counted) return fail(counted.error());
  // «Mascarilla 19»: the pharmacy module counts its own requests.
  if (sources_.pharmacy_requests)
    for (auto& mo : months) {
      const int64_t from = local_midnight(1, mo.m, mo.y), to = mo.m == 12 ? local_midnight(1, 1, mo.y + 1) : local_midnight(1, mo.m + 1, mo.y);
      auto by_region = sources_.pharmacy_requests(from, to);
      if (!by_region) return fail(by_region.error());
      for (const auto& [region, n] : *by_region) {
        mo.by_channel["pharmacy"] += n;
        if (mo.y == year) regions[region]["pharmacy"] += n;
      }
    }

  json channels = json::array();
  for (const auto& t : channel_names().terms()) channels.push_back({{"id", t.id}, {"name", t.label}});
  auto counts_json = [](const std::map<std::string, int64_t>& m) {
    json o = json::object();
    int64_t total = 0;
    for (const auto& t : channel_names().terms()) {
      auto it = m.find(t.id);
      const int64_t n = it == m.end() ? 0 : it->second;
      o[t.id] = n;
      total += n;
    }
    return std::pair<json, int64_t>{o, total};
  };
  json months_j = json::array();
  std::map<int, std::map<std::string, int64_t>> years;
  std::map<std::string, int64_t> month_counts;  // "channel yyyy-mm" → n
  for (const auto& mo : months) {
    auto [o, total] = counts_json(mo.by_channel);
    months_j.push_back({{"month", month_key(mo.y, mo.m)}, {"label", std::string(kMonthNames[mo.m - 1]) + " " + std::to_string(mo.y)}, {"counts", o}, {"total", total}});
    for (const auto& [ch, n] : mo.by_channel) {
      years[mo.y][ch] += n;
      month_counts[ch + " " + month_key(mo.y, mo.m)] = n;
    }
  }
  json years_j = json::array(), variation = json::array();
  for (int y = from_year; y <= to_year; ++y) {
    auto [o, total] = counts_json(years[y]);
    years_j.push_back({{"year", y}, {"counts", o}, {"total", total}});
    // A year with data only up to some month (the history ends in April 2021; the current year)
    // is compared with the same months of the year before, and says so.
    int through = 0;
    for (const auto& mo : months)
      if (mo.y == y)
        for (const auto& [ch, n] : mo.by_channel)
          if (n > 0) through = std::max(through, mo.m);
    if (y > from_year && through > 0)
      for (const auto& t : channel_names().terms()) {
        int64_t prev = 0, cur = 0;
        for (int m = 1; m <= through; ++m) {
          if (auto it = month_counts.find(t.id + " " + month_key(y - 1, m)); it != month_counts.end()) prev += it->second;
          if (auto it = month_counts.find(t.id + " " + month_key(y, m)); it != month_counts.end()) cur += it->second;
        }
        variation.push_back({{"channel", t.id},
                             {"name", t.label},
                             {"year", y},
                             {"through_month", through},
                             {"period", through == 12 ? std::to_string(y) + " respecto de " + std::to_string(y - 1)
                                                      : std::string("enero a ") + kMonthLong[through - 1] + " de " + std::to_string(y) +
                                                            " respecto de los mismos meses de " + std::to_string(y - 1)},
                             {"previous", prev},
                             {"current", cur},
                             {"pct", prev > 0 ? json(round1((static_cast<double>(cur) / static_cast<double>(prev) - 1.0) * 100.0)) : json(nullptr)}});
      }
  }
  // Month against the same month of the year before, for the focus year.
  json monthly_variation = json::array();
  for (const auto& t : channel_names().terms())
    for (int m = 1; m <= 12; ++m) {
      auto cur = month_counts.find(t.id + " " + month_key(year, m));
      auto prev = month_counts.find(t.id + " " + month_key(year - 1, m));
      const int64_t c = cur == month_counts.end() ? 0 : cur->second, p = prev == month_counts.end() ? 0 : prev->second;
      if (c == 0 && p == 0) continue;
      monthly_variation.push_back({{"channel", t.id},
                                   {"month", month_key(year, m)},
                                   {"label", kMonthLong[m - 1]},
                                   {"previous", p},
                                   {"current", c},
                                   {"pct", p > 0 ? json(round1((static_cast<double>(c) / static_cast<double>(p) - 1.0) * 100.0)) : json(nullptr)}});
    }
  // Each channel's first year from its first contact, and that year's peak month.
  json first_years = json::array();
  for (const auto& [ch, at] : first) {
    const auto d = format_date_cl(at);
    const int fy = std::stoi(d.substr(6, 4)), fm = std::stoi(d.substr(3, 2));
    int64_t peak = -1;
    std::string peak_month;
    for (int k = 0; k < 12; ++k) {
      const int y = fy + (fm - 1 + k) / 12, m = (fm - 1 + k) % 12 + 1;
      auto it = month_counts.find(ch + " " + month_key(y, m));
      if (it != month_counts.end() && it->second > peak) {
        peak = it->second;
        peak_month = month_key(y, m);
      }
    }
    first_years.push_back({{"channel", ch},
                           {"name", channel_names().label(ch)},
                           {"since", d},
                           {"total", first_year_count[ch]},
                           {"peak_month", peak_month.empty() ? json(nullptr) : json(peak_month)},
                           {"peak", peak < 0 ? json(nullptr) : json(peak)}});
  }
  json regions_j = json::array();
  const auto region_names = sources_.regions ? sources_.regions() : std::vector<std::pair<std::string, std::string>>{};
  auto region_json = [&](const std::string& code, const std::string& name) {
    auto it = regions.find(code);
    json o = json::object();
    json suppressed = json::array();
    int64_t total = 0;
    for (const auto& t : channel_names().terms()) {
      const int64_t n = it == regions.end() || !it->second.count(t.id) ? 0 : it->second.at(t.id);
      total += n;
      if (n > 0 && n < kSmallCell) {
        o[t.id] = nullptr;
        suppressed.push_back(t.id);
      } else {
        o[t.id] = n;
      }
    }
    return json{{"id", code}, {"name", name}, {"counts", o}, {"suppressed", suppressed}, {"total", total < kSmallCell && total > 0 ? json(nullptr) : json(total)}};
  };
  for (const auto& [code, name] : region_names) regions_j.push_back(region_json(code, name));
  if (auto it = regions.find(""); it != regions.end()) regions_j.push_back(region_json("", "Sin región registrada"));
  json outcomes_j = json::array();
  for (const auto& [code, by] : outcomes_of) {
    auto [o, total] = counts_json(by);
    outcomes_j.push_back({{"id", code}, {"name", outcome_label(code)}, {"counts", o}, {"total", total}});
  }
  std::sort(outcomes_j.begin(), outcomes_j.end(), [](const json& a, const json& b) { return a["total"].get<int64_t>() > b["total"].get<int64_t>(); });

  // The seed's figures beside the computed ones.
  auto month_n = [&](const std::string& ch, const std::string& mk) -> std::optional<double> {
    auto it = month_counts.find(ch + " " + mk);
    if (it == month_counts.end()) return std::nullopt;
    return static_cast<double>(it->second);
  };
  auto year_n = [&](const std::string& ch, int y) -> std::optional<double> {
    if (y < from_year || y > to_year) return std::nullopt;
    return static_cast<double>(years[y][ch]);
  };
  auto pct = [](std::optional<double> cur, std::optional<double> prev) -> std::optional<double> {
    if (!cur || !prev || *prev <= 0) return std::nullopt;
    return round1((*cur / *prev - 1.0) * 100.0);
  };
  json seed = json::array();
  for (const auto& s : history_seed()) {
    const std::string k = s.key;
    std::optional<double> computed;
    if (k == "phone_2020") computed = year_n("phone", 2020);
    else if (k == "phone_variation_2020") computed = pct(year_n("phone", 2020), year_n("phone", 2019));
    else if (k.rfind("phone_variation_2020_", 0) == 0) computed = pct(month_n("phone", "2020-" + k.substr(21)), month_n("phone", "2019-" + k.substr(21)));
    else if (k == "chat_2020") computed = year_n("chat", 2020);
    else if (k == "whatsapp_first_year") {
      if (first_year_count.count("whatsapp")) computed = static_cast<double>(first_year_count["whatsapp"]);
    } else if (k == "whatsapp_peak_2020_05") {
      for (const auto& f : first_years)
        if (f["channel"] == "whatsapp" && f["peak_month"] == "2020-05") computed = f["peak"].get<double>();
    } else if (k == "pharmacy_2020") computed = year_n("pharmacy", 2020);
    const bool percent = k.find("variation") != std::string::npos;
    seed.push_back({{"key", k},
                    {"what", s.what},
                    {"seed", s.value},
                    {"computed", computed ? json(*computed) : json(nullptr)},
                    {"percent", percent},
                    {"agrees", computed && std::abs(*computed - s.value) < 0.05},
                    {"source", s.source}});
  }
  return json{{"from_year", from_year},
              {"to_year", to_year},
              {"year", year},
              {"channels", channels},
              {"months", months_j},
              {"years", years_j},
              {"variation", variation},
              {"monthly_variation", monthly_variation},
              {"first_years", first_years},
              {"regions", regions_j},
              {"outcomes", outcomes_j},
              {"small_cell", kSmallCell},
              {"seed", seed}};
}

namespace {
audit::Entry read_entry(const http::Request& req, const std::string& detail) {
  audit::Entry e;
  e.actor_user_id = req.who().user_id;
  e.actor_institution_id = req.who().institution_id;
  e.action = "channels.statistics_read";
  e.client_ip = req.client_ip;
  e.outcome = "ok";
  e.detail = detail;
  return e;
}
}  // namespace

Result<json> History::statistics(const http::Request& req, int from_year, int to_year, int year) {
  const std::string st = status();
  if (st == "computing")
    return json{{"status", "computing"}, {"demo", true}, {"message", "Calculando el historial de demostración…"}, {"from_year", from_year}, {"to_year", to_year}, {"year", year}};
  auto out = compute(from_year, to_year, year);
  if (!out) return fail(out.error());
  if (auto a = audit_.append(read_entry(req, std::to_string(from_year) + "-" + std::to_string(to_year))); !a) return fail(a.error());
  (*out)["status"] = "ready";
  (*out)["demo"] = st == "ready";
  return out;
}

Result<http::Response> History::table(const http::Request& req, const std::string& view, int from_year, int to_year, int year, bool xlsx) {
  if (status() == "computing") return fail(Error::conflict("computing", "Se está calculando el historial de demostración; intente en unos segundos.", "view"));
  auto data = compute(from_year, to_year, year);
  if (!data) return fail(data.error());
  std::vector<std::string> header;
  std::vector<std::vector<std::variant<std::string, double>>> rows;
  std::vector<std::string> ids;
  for (const auto& t : channel_names().terms()) ids.push_back(t.id);
  auto channel_cells = [&](const json& counts, std::vector<std::variant<std::string, double>>& row) {
    for (const auto& id : ids) {
      if (counts[id].is_null()) row.emplace_back(std::string("<5"));
      else row.emplace_back(counts[id].get<double>());
    }
  };
  std::vector<std::string> names;
  for (const auto& t : channel_names().terms()) names.push_back(t.label);
  std::string sheet;
  if (view == "meses") {
    sheet = "Contactos por mes";
    header = {"Mes"};
    header.insert(header.end(), names.begin(), names.end());
    header.push_back("Total");
    for (const auto& m : (*data)["months"]) {
      std::vector<std::variant<std::string, double>> row{m["month"].get<std::string>()};
      channel_cells(m["counts"], row);
      row.emplace_back(m["total"].get<double>());
      rows.push_back(std::move(row));
    }
  } else if (view == "regiones" || view == "resultados") {
    const bool reg = view == "regiones";
    sheet = reg ? "Contactos por región " + std::to_string(year) : "Contactos por resultado " + std::to_string(year);
    header = {reg ? "Región" : "Resultado"};
    header.insert(header.end(), names.begin(), names.end());
    header.push_back("Total");
    for (const auto& r : (*data)[reg ? "regions" : "outcomes"]) {
      std::vector<std::variant<std::string, double>> row{r["name"].get<std::string>()};
      channel_cells(r["counts"], row);
      if (r["total"].is_null()) row.emplace_back(std::string("<5"));
      else row.emplace_back(r["total"].get<double>());
      rows.push_back(std::move(row));
    }
  } else {
    return fail(Error::invalid("view", "La tabla debe ser «meses», «regiones» o «resultados»."));
  }
  if (auto a = audit_.append(read_entry(req, view + " " + std::to_string(from_year) + "-" + std::to_string(to_year) + (xlsx ? " xlsx" : " csv"))); !a)
    return fail(a.error());
  http::Response r;
  const std::string file = "estadistica-canales-" + view + "-" + std::to_string(view == "meses" ? from_year : year) +
                           (view == "meses" && to_year != from_year ? "-" + std::to_string(to_year) : "");
  if (xlsx) {
    if (!sources_.xlsx) return fail(Error::unavailable());
    if (sheet.size() > 31) sheet = sheet.substr(0, 31);
    auto bytes = sources_.xlsx(sheet, header, rows);
    if (!bytes) return fail(bytes.error());
    r.body = std::move(*bytes);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    r.compressible = false;
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + file + ".xlsx\""});
    return r;
  }
  std::string body(kCsvBom);
  body += csv_row(header, {.spreadsheet = true});
  for (const auto& row : rows) {
    std::vector<std::string> fields;
    for (const auto& c : row) {
      if (const auto* s = std::get_if<std::string>(&c)) fields.push_back(*s);
      else fields.push_back(std::to_string(std::llround(std::get<double>(c))));
    }
    body += csv_row(fields, {.spreadsheet = true});
  }
  r.body = std::move(body);
  r.content_type = "text/csv; charset=utf-8";
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + file + ".csv\""});
  return r;
}

}  // namespace eq::channels
