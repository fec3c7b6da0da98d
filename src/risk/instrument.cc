#include "risk/instrument.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "core/text.h"
#include "risk/levels.h"

namespace eq::risk {

namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

Error bad(const std::string& path, const std::string& what) {
  return Error{500, "invalid_instrument", "La pauta de riesgo no es válida (" + path + "): " + what, path};
}

Result<std::string> text(const json& j, const char* key, const std::string& path, bool required = true) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) return fail(bad(path + "." + key, "falta el campo."));
    return std::string();
  }
  if (!it->is_string() || (required && trim(it->get<std::string>()).empty()))
    return fail(bad(path + "." + key, "debe ser un texto no vacío."));
  return it->get<std::string>();
}

bool is_level(const std::string& l) { return risk::rank(l) >= 0; }

std::string levels_list() {
  std::string out;
  const auto& l = risk::levels();
  for (size_t i = 0; i < l.size(); ++i) out += (i ? (i + 1 == l.size() ? " o " : ", ") : "") + l[i];
  return out;
}

}  // namespace

const Answer* Item::answer(const std::string& answer_id) const {
  for (const auto& a : answers)
    if (a.id == answer_id) return &a;
  return nullptr;
}

const Item* Instrument::item(const std::string& item_id) const {
  for (const auto& i : items_)
    if (i.id == item_id) return &i;
  return nullptr;
}

int Instrument::reassess_days(const std::string& level) const {
  for (const auto& [l, d] : reassess_days_)
    if (l == level) return d;
  return 0;
}

Result<Instrument> Instrument::from_json(const json& doc) {
  if (!doc.is_object()) return fail(bad("$", "debe ser un objeto JSON."));
  static const std::set<std::string> known = {"id", "version", "name", "description", "sections", "items", "overrides",
                                              "levels", "reassess_days"};
  for (auto it = doc.begin(); it != doc.end(); ++it)
    if (!known.count(it.key())) return fail(bad(it.key(), "campo no reconocido."));
  Instrument in;
  auto id = text(doc, "id", "$");
  if (!id) return fail(id.error());
  in.id_ = *id;
  if (!doc.contains("version") || !doc["version"].is_number_integer() || doc["version"].get<int>() < 1)
    return fail(bad("version", "debe ser un entero positivo."));
  in.version_ = doc["version"].get<int>();
  if (auto n = text(doc, "name", "$"); !n) return fail(n.error());

  std::set<std::string> sections;
  if (doc.contains("sections")) {
    if (!doc["sections"].is_array()) return fail(bad("sections", "debe ser una lista."));
    for (size_t i = 0; i < doc["sections"].size(); ++i) {
      auto sid = text(doc["sections"][i], "id", "sections[" + std::to_string(i) + "]");
      if (!sid) return fail(sid.error());
      sections.insert(*sid);
    }
  }

  if (!doc.contains("items") || !doc["items"].is_array() || doc["items"].empty())
    return fail(bad("items", "debe ser una lista con al menos un ítem."));
  std::set<std::string> item_ids;
  for (size_t i = 0; i < doc["items"].size(); ++i) {
    const auto& j = doc["items"][i];
    const std::string path = "items[" + std::to_string(i) + "]";
    if (!j.is_object()) return fail(bad(path, "debe ser un objeto."));
    Item item;
    auto iid = text(j, "id", path);
    if (!iid) return fail(iid.error());
    item.id = *iid;
    if (!item_ids.insert(item.id).second) return fail(bad(path + ".id", "ítem repetido «" + item.id + "»."));
    auto q = text(j, "question", path);
    if (!q) return fail(q.error());
    item.question = *q;
    auto sec = text(j, "section", path, false);
    if (!sec) return fail(sec.error());
    item.section = *sec;
    if (!item.section.empty() && !sections.empty() && !sections.count(item.section))
      return fail(bad(path + ".section", "la sección «" + item.section + "» no existe."));
    if (j.contains("required")) {
      if (!j["required"].is_boolean()) return fail(bad(path + ".required", "debe ser verdadero o falso."));
      item.required = j["required"].get<bool>();
    }
    if (!j.contains("answers") || !j["answers"].is_array() || j["answers"].size() < 2)
      return fail(bad(path + ".answers", "debe ser una lista con al menos dos respuestas."));
    for (size_t k = 0; k < j["answers"].size(); ++k) {
      const auto& a = j["answers"][k];
      const std::string apath = path + ".answers[" + std::to_string(k) + "]";
      Answer ans;
      auto aid = text(a, "id", apath);
      if (!aid) return fail(aid.error());
      auto label = text(a, "label", apath);
      if (!label) return fail(label.error());
      if (!a.contains("weight") || !a["weight"].is_number_integer() || a["weight"].get<int>() < 0)
        return fail(bad(apath + ".weight", "debe ser un entero no negativo."));
      ans.id = *aid;
      ans.label = *label;
      ans.weight = a["weight"].get<int>();
      if (item.answer(ans.id)) return fail(bad(apath + ".id", "respuesta repetida «" + ans.id + "»."));
      item.answers.push_back(std::move(ans));
    }
    in.items_.push_back(std::move(item));
  }

  if (!doc.contains("levels") || !doc["levels"].is_array()) return fail(bad("levels", "debe ser una lista."));
  for (size_t i = 0; i < doc["levels"].size(); ++i) {
    const auto& j = doc["levels"][i];
    const std::string path = "levels[" + std::to_string(i) + "]";
    auto l = text(j, "level", path);
    if (!l) return fail(l.error());
    if (!j.contains("min_score") || !j["min_score"].is_number_integer())
      return fail(bad(path + ".min_score", "debe ser un entero."));
    in.thresholds_.emplace_back(*l, j["min_score"].get<int>());
  }
  // Exactly the registry's levels, in order, with increasing thresholds starting at 0: every score
  // then maps to one level and a higher score never gives a lower level.
  const auto& levels = risk::levels();
  if (in.thresholds_.size() != levels.size())
    return fail(bad("levels", "debe definir exactamente los niveles " + levels_list() + "."));
  for (size_t i = 0; i < levels.size(); ++i) {
    if (in.thresholds_[i].first != levels[i])
      return fail(bad("levels[" + std::to_string(i) + "].level", "se esperaba «" + levels[i] + "»."));
    if (i == 0 && in.thresholds_[i].second != 0) return fail(bad("levels[0].min_score", "debe ser 0."));
    if (i > 0 && in.thresholds_[i].second <= in.thresholds_[i - 1].second)
      return fail(bad("levels[" + std::to_string(i) + "].min_score", "los umbrales deben ser crecientes."));
  }

  if (!doc.contains("reassess_days") || !doc["reassess_days"].is_object())
    return fail(bad("reassess_days", "debe indicar los días de reevaluación por nivel."));
  for (const auto& l : levels) {
    const auto& rd = doc["reassess_days"];
    if (!rd.contains(l) || !rd[l].is_number_integer() || rd[l].get<int>() < 1 || rd[l].get<int>() > 365)
      return fail(bad("reassess_days." + l, "debe ser un número de días entre 1 y 365."));
    in.reassess_days_.emplace_back(l, rd[l].get<int>());
  }
  if (doc["reassess_days"].size() != levels.size()) return fail(bad("reassess_days", "contiene niveles desconocidos."));

  if (doc.contains("overrides")) {
    if (!doc["overrides"].is_array()) return fail(bad("overrides", "debe ser una lista."));
    for (size_t i = 0; i < doc["overrides"].size(); ++i) {
      const auto& j = doc["overrides"][i];
      const std::string path = "overrides[" + std::to_string(i) + "]";
      Override o;
      auto oid = text(j, "id", path);
      if (!oid) return fail(oid.error());
      auto d = text(j, "description", path);
      if (!d) return fail(d.error());
      auto ml = text(j, "min_level", path);
      if (!ml) return fail(ml.error());
      if (!is_level(*ml)) return fail(bad(path + ".min_level", "nivel desconocido «" + *ml + "»."));
      o.id = *oid;
      o.description = *d;
      o.min_level = *ml;
      if (!j.contains("when") || !j["when"].is_object() || j["when"].empty())
        return fail(bad(path + ".when", "debe indicar al menos un ítem y sus respuestas."));
      for (auto it = j["when"].begin(); it != j["when"].end(); ++it) {
        const Item* item = in.item(it.key());
        if (!item) return fail(bad(path + ".when." + it.key(), "el ítem no existe."));
        if (!it->is_array() || it->empty()) return fail(bad(path + ".when." + it.key(), "debe ser una lista de respuestas."));
        std::vector<std::string> answers;
        for (const auto& a : *it) {
          if (!a.is_string() || !item->answer(a.get<std::string>()))
            return fail(bad(path + ".when." + it.key(), "respuesta desconocida " + a.dump() + "."));
          answers.push_back(a.get<std::string>());
        }
        o.when.emplace_back(it.key(), std::move(answers));
      }
      in.overrides_.push_back(std::move(o));
    }
  }
  in.doc_ = doc;
  return in;
}

Result<std::shared_ptr<const Instrument>> Instrument::load_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return fail(Error{500, "instrument_missing", "No se encontró la pauta de riesgo en " + path + ".", {}});
  json doc = json::parse(f, nullptr, false);
  if (doc.is_discarded()) return fail(Error{500, "invalid_instrument", "La pauta de riesgo en " + path + " no es un JSON válido.", {}});
  auto in = from_json(doc);
  if (!in) return fail(in.error());
  return std::make_shared<const Instrument>(std::move(*in));
}

Result<std::shared_ptr<const Instrument>> Instrument::load(const std::string& data_dir) {
  return load_file(data_dir + "/risk/pauta_unificada.json");
}

Result<Evaluation> Instrument::evaluate(const json& answers) const {
  if (!answers.is_object())
    return fail(Error::invalid("answers", "Las respuestas deben ser un objeto {ítem: respuesta}."));
  Evaluation ev;
  for (auto it = answers.begin(); it != answers.end(); ++it) {
    const Item* item = this->item(it.key());
    if (!item) return fail(Error::invalid("answers." + it.key(), "La pauta no tiene el ítem «" + it.key() + "».", "unknown_item"));
    const Answer* a = it->is_string() ? item->answer(it->get<std::string>()) : nullptr;
    if (!a) {
      std::string valid;
      for (size_t k = 0; k < item->answers.size(); ++k) valid += (k ? ", " : "") + item->answers[k].id;
      return fail(Error::invalid("answers." + it.key(),
                                 "Respuesta no válida para «" + item->question + "». Opciones: " + valid + ".", "unknown_answer"));
    }
    ev.score += a->weight;
  }
  for (const auto& item : items_)
    if (item.required && !answers.contains(item.id))
      return fail(Error::invalid("answers." + item.id, "Responda la pregunta obligatoria «" + item.question + "».", "required"));
  ev.score_level = thresholds_.front().first;
  for (const auto& [level, min] : thresholds_)
    if (ev.score >= min) ev.score_level = level;
  ev.computed_level = ev.score_level;
  for (const auto& o : overrides_) {
    bool fires = true;
    for (const auto& [item_id, accepted] : o.when) {
      auto it = answers.find(item_id);
      fires = fires && it != answers.end() &&
              std::find(accepted.begin(), accepted.end(), it->get<std::string>()) != accepted.end();
    }
    if (!fires) continue;
    ev.overrides.push_back(&o);
    if (risk::rank(o.min_level) > risk::rank(ev.computed_level)) ev.computed_level = o.min_level;
  }
  return ev;
}

Result<json> assess(const Instrument& instrument, const json& answers, const std::optional<std::string>& requested_level,
                    const std::string& reason, int64_t at_ms) {
  auto ev = instrument.evaluate(answers);
  if (!ev) return fail(ev.error());
  std::string level = ev->computed_level;
  bool raised = false;
  const std::string why = trim(reason);
  if (requested_level && !requested_level->empty()) {
    const int want = risk::rank(*requested_level), computed = risk::rank(ev->computed_level);
    if (want < 0)
      return fail(Error::invalid("level", "El nivel de riesgo debe ser " + levels_list() + ".", "invalid_level"));
    // The instrument's result is the floor: professional judgement may add protection, never take it away.
    if (want < computed)
      return fail(Error::invalid("level",
                                 "El nivel de riesgo no puede ser inferior al calculado por la pauta («" + ev->computed_level +
                                     "»). Solo puede elevarse, indicando el motivo.",
                                 "level_lowered"));
    if (want > computed) {
      // Counted in characters, not bytes, so accents do not shorten the minimum.
      size_t chars = 0;
      for (unsigned char c : why)
        if ((c & 0xC0) != 0x80) ++chars;
      if (chars < 10)
        return fail(Error::invalid("raise_reason",
                                   "Para elevar el nivel de riesgo sobre el calculado («" + ev->computed_level +
                                       "») indique el motivo (al menos 10 caracteres).",
                                   "reason_required"));
      level = *requested_level;
      raised = true;
    }
  }
  json overrides = json::array();
  for (const auto* o : ev->overrides)
    overrides.push_back({{"id", o->id}, {"description", o->description}, {"min_level", o->min_level}});
  return json{{"instrument_id", instrument.id()},
              {"instrument_version", instrument.version()},
              {"answers", answers},
              {"score", ev->score},
              {"computed_level", ev->computed_level},
              {"level", level},
              {"raised", raised},
              {"raise_reason", raised ? json(why) : json(nullptr)},
              {"overrides", overrides},
              {"reassess_due_at", at_ms + static_cast<int64_t>(instrument.reassess_days(level)) * kDayMs}};
}

Result<json> assess_input(const Instrument& instrument, const json& input, int64_t at_ms) {
  if (!input.is_object()) return fail(Error::invalid("answers", "La evaluación debe ser un objeto con sus respuestas."));
  for (auto it = input.begin(); it != input.end(); ++it)
    if (it.key() != "answers" && it.key() != "level" && it.key() != "raise_reason")
      return fail(Error::invalid(it.key(), "El campo «" + it.key() + "» no es reconocido.", "unknown_field"));
  if (!input.contains("answers")) return fail(Error::invalid("answers", "Faltan las respuestas de la pauta.", "required"));
  std::optional<std::string> level;
  if (auto it = input.find("level"); it != input.end() && !it->is_null()) {
    if (!it->is_string()) return fail(Error::invalid("level", "El nivel de riesgo debe ser un texto.", "invalid_type"));
    level = it->get<std::string>();
  }
  std::string reason;
  if (auto it = input.find("raise_reason"); it != input.end() && !it->is_null()) {
    if (!it->is_string()) return fail(Error::invalid("raise_reason", "El motivo debe ser un texto.", "invalid_type"));
    reason = it->get<std::string>();
    if (reason.size() > 2000) return fail(Error::invalid("raise_reason", "El motivo admite como máximo 2000 caracteres.", "too_long"));
  }
  return assess(instrument, input["answers"], level, reason, at_ms);
}

}  // namespace eq::risk
