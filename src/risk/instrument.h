// Risk assessment: the instrument (items, answers, weights, override rules, level thresholds and
// re-assessment intervals) is configuration read from data/risk/, modelled on Chile's «Pauta
// Unificada de Evaluación Inicial de Riesgo». The code only scores answers against it, so the
// form can change (with a new version) without a new release. Pure: no IO except the loader.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace eq::http {
class Router;
}

namespace eq::risk {

struct Answer {
  std::string id;
  std::string label;
  int weight = 0;
};

struct Item {
  std::string id;
  std::string section;
  std::string question;
  bool required = false;
  std::vector<Answer> answers;
  const Answer* answer(const std::string& answer_id) const;
};

// Fires when every listed item has one of the listed answers; sets a floor on the level.
struct Override {
  std::string id;
  std::string description;
  std::string min_level;
  std::vector<std::pair<std::string, std::vector<std::string>>> when;
};

struct Evaluation {
  int score = 0;
  std::string score_level;     // from the thresholds alone
  std::string computed_level;  // after the overrides
  std::vector<const Override*> overrides;  // those that fired, in instrument order
};

class Instrument {
 public:
  // Validates the whole document; errors name the offending path ("items[3].answers").
  static Result<Instrument> from_json(const nlohmann::json& doc);
  // data_dir/risk/pauta_unificada.json.
  static Result<std::shared_ptr<const Instrument>> load(const std::string& data_dir);
  static Result<std::shared_ptr<const Instrument>> load_file(const std::string& path);

  const std::string& id() const { return id_; }
  int version() const { return version_; }
  const std::vector<Item>& items() const { return items_; }
  const Item* item(const std::string& item_id) const;
  // Days until re-assessment for a level (configuration).
  int reassess_days(const std::string& level) const;
  // The document as loaded, for the web form.
  const nlohmann::json& document() const { return doc_; }

  // `answers` is {"item_id": "answer_id", …}. Unknown items or answers and missing required items
  // are 422 with field "answers.<item_id>".
  Result<Evaluation> evaluate(const nlohmann::json& answers) const;

 private:
  std::string id_;
  int version_ = 0;
  std::vector<Item> items_;
  std::vector<Override> overrides_;
  std::vector<std::pair<std::string, int>> thresholds_;  // level, min_score; ascending
  std::vector<std::pair<std::string, int>> reassess_days_;
  nlohmann::json doc_;
};

// The `details` of a risk_assessment record: {instrument_id, instrument_version, answers, score,
// computed_level, level, raised, raise_reason, overrides[{id, description, min_level}],
// reassess_due_at}. A professional may raise the computed level (reason of at least 10
// characters), never lower it: 422 with field "level" (or "raise_reason").
Result<nlohmann::json> assess(const Instrument& instrument, const nlohmann::json& answers,
                              const std::optional<std::string>& requested_level, const std::string& reason, int64_t at_ms);

// The same from a form body {answers, level?, raise_reason?} (unknown fields rejected), for the
// registry's record validation.
Result<nlohmann::json> assess_input(const Instrument& instrument, const nlohmann::json& input, int64_t at_ms);

// GET /api/v1/risk/instrument (cases.read).
void register_routes(http::Router& router, std::shared_ptr<const Instrument> instrument);

}  // namespace eq::risk
