// Fellegi–Sunter model: m = P(level | same person), u = P(level | different persons), per field,
// and their estimation by expectation–maximisation over comparison patterns.
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "linkage/linkage.h"

namespace eq::linkage {
namespace {

constexpr int kLevels[kFieldCount] = {4, 4, 4, 4, 2, 2, 3, 3, 2, 3};
constexpr std::string_view kNames[kFieldCount] = {"given_names", "surname1", "surname2", "birth_date", "sex",
                                                  "comuna",      "run",      "other_document", "phone", "address"};
// No level is ever treated as impossible: real registries hold errors the estimation sample lacks
// (a mistyped sex, a wrong RUN digit), and one such field must not outweigh all the others.
constexpr double kFloor = 1e-3;

}  // namespace

int levels(Field f) { return kLevels[static_cast<int>(f)]; }
std::string_view field_name(Field f) { return kNames[static_cast<int>(f)]; }

Thresholds default_thresholds() { return {5.0, 0.0}; }

Model Model::defaults() {
  // EM estimate on `equidad synth --persons 400000 --records 1000000 --error-rate 0.15 --seed 1`,
  // rounded, made monotone in the level, and with room for errors the generator does not make
  // (a wrong sex, a one-digit RUN typo). These are in-block probabilities: u is measured among the
  // candidate pairs blocking produces (which already share a name or a date), not among all pairs;
  // surname1 keeps its hand-set prior because blocking makes it agree almost always.
  Model m;
  auto set = [&](Field f, std::initializer_list<double> mv, std::initializer_list<double> uv) {
    int i = 0;
    for (double v : mv) m.m_[static_cast<int>(f)][i++] = v;
    i = 0;
    for (double v : uv) m.u_[static_cast<int>(f)][i++] = v;
  };
  set(Field::given_names, {0.83, 0.15, 0.013, 0.007}, {0.15, 0.22, 0.13, 0.50});
  set(Field::surname1, {0.85, 0.10, 0.03, 0.02}, {0.30, 0.10, 0.05, 0.55});
  set(Field::surname2, {0.90, 0.08, 0.016, 0.004}, {0.39, 0.04, 0.01, 0.56});
  set(Field::birth_date, {0.87, 0.128, 0.0015, 0.001}, {0.035, 0.042, 0.50, 0.42});
  set(Field::sex, {0.995, 0.005}, {0.77, 0.23});
  set(Field::comuna, {0.86, 0.14}, {0.44, 0.56});
  set(Field::run, {0.98, 0.01, 0.01}, {0.001, 0.002, 0.997});
  set(Field::other_document, {0.97, 0.02, 0.01}, {0.002, 0.001, 0.997});
  set(Field::phone, {0.93, 0.07}, {0.16, 0.84});
  set(Field::address, {0.885, 0.06, 0.055}, {0.048, 0.013, 0.939});
  m.p_ = 0.3;
  m.refresh();
  return m;
}

void Model::refresh() {
  for (int f = 0; f < kFieldCount; ++f)
    for (int l = 0; l < kMaxLevels; ++l)
      w_[f][l] = l < kLevels[f] ? std::log2(std::max(m_[f][l], kFloor) / std::max(u_[f][l], kFloor)) : 0.0;
}

void Model::set(Field f, int level, double m, double u) {
  m_[static_cast<int>(f)][level] = m;
  u_[static_cast<int>(f)][level] = u;
  refresh();
}

double Model::weight(Pattern p) const {
  double w = 0;
  for (int f = 0; f < kFieldCount; ++f) {
    const int l = static_cast<int>((p >> (3 * f)) & 7u);
    if (l != kMissing) w += w_[f][l];
  }
  return w;
}

std::string Model::to_json() const { return to_json(EmReport{}); }

std::string Model::to_json(const EmReport& report) const {
  const bool has_report = report.iterations > 0;
  nlohmann::json j;
  j["format"] = "equidad-linkage-model/1";
  j["match_share"] = p_;
  nlohmann::json fields = nlohmann::json::object();
  for (int f = 0; f < kFieldCount; ++f) {
    nlohmann::json fj;
    fj["m"] = std::vector<double>(m_[f].begin(), m_[f].begin() + kLevels[f]);
    fj["u"] = std::vector<double>(u_[f].begin(), u_[f].begin() + kLevels[f]);
    std::vector<double> w(w_[f].begin(), w_[f].begin() + kLevels[f]);
    for (double& x : w) x = std::round(x * 1000) / 1000;
    fj["weight_log2"] = w;  // informative; ignored by from_json
    if (has_report) {  // informative too: how EM arrived at these values
      const FieldEstimate& e = report.fields[f];
      fj["estimation"] = e.status == FieldEstimate::estimated ? "estimado"
                         : e.status == FieldEstimate::m_only  ? "m estimado, u inicial"
                                                              : "valor inicial";
      fj["pairs"] = e.pairs;
      if (!e.note.empty()) fj["note"] = e.note;
    }
    fields[std::string(kNames[f])] = fj;
  }
  j["fields"] = fields;
  if (has_report) j["em"] = {{"iterations", report.iterations}, {"converged", report.converged}};
  return j.dump(2);
}

Result<Model> Model::from_json(std::string_view text) {
  auto bad = [](const std::string& why) {
    return fail(Error::invalid("model", "El modelo de vinculación no es válido: " + why, "invalid_model"));
  };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("no es un JSON válido.");
  if (!j.contains("fields") || !j["fields"].is_object()) return bad("falta el objeto \"fields\".");
  Model m = defaults();
  if (j.contains("match_share")) {
    if (!j["match_share"].is_number()) return bad("\"match_share\" debe ser un número.");
    m.p_ = j["match_share"].get<double>();
    if (!(m.p_ > 0 && m.p_ < 1)) return bad("\"match_share\" debe estar entre 0 y 1.");
  }
  for (int f = 0; f < kFieldCount; ++f) {
    const std::string name(kNames[f]);
    if (!j["fields"].contains(name)) return bad("falta el campo \"" + name + "\".");
    auto fj = j["fields"][name];
    // Models written before other_document had a "one typo apart" level: same / differ.
    if (f == static_cast<int>(Field::other_document))
      for (const char* which : {"m", "u"})
        if (fj.is_object() && fj.contains(which) && fj[which].is_array() && fj[which].size() == 2)
          fj[which] = nlohmann::json::array({fj[which][0], fj[which][1], fj[which][1]});
    for (const char* which : {"m", "u"}) {
      if (!fj.contains(which) || !fj[which].is_array() || fj[which].size() != static_cast<size_t>(kLevels[f]))
        return bad("\"" + name + "." + which + "\" debe ser una lista de " + std::to_string(kLevels[f]) + " probabilidades.");
      for (int l = 0; l < kLevels[f]; ++l) {
        if (!fj[which][l].is_number()) return bad("\"" + name + "." + which + "\" contiene un valor que no es número.");
        const double v = fj[which][l].get<double>();
        if (!(v >= 0 && v <= 1)) return bad("\"" + name + "." + which + "\" contiene un valor fuera de [0, 1].");
        (which[0] == 'm' ? m.m_ : m.u_)[f][l] = v;
      }
    }
  }
  m.refresh();
  return m;
}

Model Model::estimate(const std::vector<std::pair<Pattern, uint64_t>>& counts, const Model& start, EmReport* report,
                      int max_iterations) {
  Model cur = start;
  EmReport rep;
  double total = 0;
  for (const auto& [p, c] : counts) total += static_cast<double>(c);
  if (total <= 0) {
    for (int f = 0; f < kFieldCount; ++f) {
      rep.fields[f].note = "no hubo pares candidatos";
      rep.kept.emplace_back(kNames[f]);
    }
    if (report) *report = rep;
    return start;
  }
  cur.p_ = std::clamp(cur.p_, 1e-4, 0.9);
  for (const auto& [p, c] : counts)
    for (int f = 0; f < kFieldCount; ++f)
      if (static_cast<int>((p >> (3 * f)) & 7u) != kMissing) rep.fields[f].pairs += c;
  std::vector<double> g(counts.size());
  for (int it = 0; it < max_iterations; ++it) {
    rep.iterations = it + 1;
    // E step: posterior probability that each pattern is a match.
    double lm_field[kFieldCount][kMaxLevels], lu_field[kFieldCount][kMaxLevels];
    for (int f = 0; f < kFieldCount; ++f)
      for (int l = 0; l < kLevels[f]; ++l) {
        lm_field[f][l] = std::log(std::max(cur.m_[f][l], kFloor));
        lu_field[f][l] = std::log(std::max(cur.u_[f][l], kFloor));
      }
    const double lp = std::log(cur.p_), lq = std::log(1 - cur.p_);
    for (size_t i = 0; i < counts.size(); ++i) {
      double lm = lp, lu = lq;
      const Pattern p = counts[i].first;
      for (int f = 0; f < kFieldCount; ++f) {
        const int l = static_cast<int>((p >> (3 * f)) & 7u);
        if (l == kMissing) continue;
        lm += lm_field[f][l];
        lu += lu_field[f][l];
      }
      g[i] = 1.0 / (1.0 + std::exp(std::clamp(lu - lm, -700.0, 700.0)));
    }
    // M step, with a tiny pseudo-count so that unseen levels keep a small probability.
    double sm[kFieldCount][kMaxLevels] = {}, su[kFieldCount][kMaxLevels] = {};
    double matches = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
      const double c = static_cast<double>(counts[i].second);
      const double cm = c * g[i], cu = c * (1 - g[i]);
      matches += cm;
      const Pattern p = counts[i].first;
      for (int f = 0; f < kFieldCount; ++f) {
        const int l = static_cast<int>((p >> (3 * f)) & 7u);
        if (l == kMissing) continue;
        sm[f][l] += cm;
        su[f][l] += cu;
      }
    }
    double change = 0;
    for (int f = 0; f < kFieldCount; ++f) {
      double tm = 0, tu = 0;
      for (int l = 0; l < kLevels[f]; ++l) {
        tm += sm[f][l] + 1e-3;
        tu += su[f][l] + 1e-3;
      }
      for (int l = 0; l < kLevels[f]; ++l) {
        const double nm = std::max((sm[f][l] + 1e-3) / tm, kFloor), nu = std::max((su[f][l] + 1e-3) / tu, kFloor);
        change = std::max({change, std::abs(nm - cur.m_[f][l]), std::abs(nu - cur.u_[f][l])});
        cur.m_[f][l] = nm;
        cur.u_[f][l] = nu;
      }
    }
    const double np = std::clamp(matches / total, 1e-6, 1 - 1e-6);
    change = std::max(change, std::abs(np - cur.p_));
    cur.p_ = np;
    if (change < 1e-6) {
      rep.converged = true;
      break;
    }
  }
  // Per field, what the data could support. Too few pairs: the prior. Agreement no more likely
  // among matches: the estimate is implausible (EM captured other structure, e.g. families sharing
  // surnames and addresses), so the prior. Disagreement not rarer among matches: blocking made the
  // candidate non-matches agree on this field (they were found through it), so their u says
  // nothing about the population; m is still a fair estimate, u comes from the start.
  constexpr uint64_t kMinPairs = 50;
  for (int f = 0; f < kFieldCount; ++f) {
    FieldEstimate& e = rep.fields[f];
    const int last = kLevels[f] - 1;
    auto keep = [&](std::string why) {
      cur.m_[f] = start.m_[f];
      cur.u_[f] = start.u_[f];
      e.status = FieldEstimate::kept;
      e.note = std::move(why);
      rep.kept.emplace_back(kNames[f]);
    };
    if (e.pairs == 0) {
      keep("ningún par candidato tiene este campo en ambos registros (no está en el archivo o en --fields)");
    } else if (e.pairs < kMinPairs) {
      keep("solo " + std::to_string(e.pairs) + " pares candidatos tienen este campo en ambos registros (mínimo " +
           std::to_string(kMinPairs) + ")");
    } else if (!(cur.m_[f][0] > cur.u_[f][0])) {
      keep("la concordancia no resultó más probable entre coincidencias que entre no coincidencias (estimación "
           "implausible)");
    } else if (!(cur.m_[f][last] < cur.u_[f][last])) {
      cur.u_[f] = start.u_[f];
      e.status = FieldEstimate::m_only;
      e.note = "entre los pares candidatos el desacuerdo no fue más raro en las no coincidencias (los bloques las "
               "hacen coincidir en este campo); u se tomó del valor inicial";
    } else {
      e.status = FieldEstimate::estimated;
    }
  }
  rep.match_share = cur.p_;
  cur.refresh();
  if (report) *report = rep;
  return cur;
}

}  // namespace eq::linkage
