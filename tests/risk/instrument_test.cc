#include "risk/instrument.h"

#include <gtest/gtest.h>

#include "../support/databases.h"
#include "http/router.h"

namespace eq::risk {
namespace {

using nlohmann::json;

constexpr int64_t kDay = 24LL * 60 * 60 * 1000;
constexpr int64_t kAt = 1767225600000LL;  // 01-01-2026 UTC

class RiskInstrumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto in = Instrument::load(testing::source_dir() + "/data");
    ASSERT_TRUE(in) << in.error().message;
    in_ = *in;
  }
  // Every required item answered with its lowest-weight answer.
  json calm() const {
    json a = json::object();
    for (const auto& item : in_->items())
      if (item.required) a[item.id] = "no";
    return a;
  }
  std::shared_ptr<const Instrument> in_;
};

TEST_F(RiskInstrumentTest, ShippedPautaLoadsWithIdVersionAndLevels) {
  EXPECT_EQ(in_->id(), "pauta_unificada");
  EXPECT_EQ(in_->version(), 1);
  EXPECT_GE(in_->items().size(), 12u);
  EXPECT_EQ(in_->reassess_days("vital"), 7);
  EXPECT_EQ(in_->reassess_days("alto"), 30);
  EXPECT_EQ(in_->reassess_days("medio"), 60);
  EXPECT_EQ(in_->reassess_days("bajo"), 90);
  ASSERT_NE(in_->item("estrangulamiento"), nullptr);
  EXPECT_EQ(in_->document()["id"], "pauta_unificada");
}

TEST_F(RiskInstrumentTest, NoRiskFactorsIsBajoWithNinetyDayReassessment) {
  auto d = assess(*in_, calm(), std::nullopt, "", kAt);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)["score"], 0);
  EXPECT_EQ((*d)["computed_level"], "bajo");
  EXPECT_EQ((*d)["level"], "bajo");
  EXPECT_EQ((*d)["raised"], false);
  EXPECT_TRUE((*d)["raise_reason"].is_null());
  EXPECT_TRUE((*d)["overrides"].empty());
  EXPECT_EQ((*d)["reassess_due_at"], kAt + 90 * kDay);
  EXPECT_EQ((*d)["instrument_id"], "pauta_unificada");
  EXPECT_EQ((*d)["instrument_version"], 1);
}

TEST_F(RiskInstrumentTest, ScoreCrossesThresholds) {
  json a = calm();
  a["violencia_previa"] = "varias_veces";  // 4
  a["escalada"] = "si";                    // 4
  a["separacion"] = "si";                  // 3
  auto ev = in_->evaluate(a);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->score, 11);
  EXPECT_EQ(ev->computed_level, "medio");
  a["percepcion_riesgo"] = "si";  // 4
  a["embarazo"] = "si";           // 3
  ev = in_->evaluate(a);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->score, 18);
  EXPECT_EQ(ev->computed_level, "alto");
}

TEST_F(RiskInstrumentTest, DeathThreatWithWeaponIsAtLeastVital) {
  json a = calm();
  a["amenaza_muerte"] = "si_con_arma";
  auto d = assess(*in_, a, std::nullopt, "", kAt);
  ASSERT_TRUE(d);
  EXPECT_LT((*d)["score"].get<int>(), 18);  // the score alone would not say so
  EXPECT_EQ((*d)["computed_level"], "vital");
  EXPECT_EQ((*d)["overrides"][0]["id"], "amenaza_muerte_con_arma");
  EXPECT_EQ((*d)["reassess_due_at"], kAt + 7 * kDay);
}

TEST_F(RiskInstrumentTest, StrangulationAttemptIsAtLeastAlto) {
  json a = calm();
  a["estrangulamiento"] = "si";
  auto ev = in_->evaluate(a);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->score_level, "bajo");
  EXPECT_EQ(ev->computed_level, "alto");
  ASSERT_EQ(ev->overrides.size(), 1u);
  EXPECT_EQ(ev->overrides[0]->id, "intento_estrangulamiento");
}

TEST_F(RiskInstrumentTest, ProfessionalMayRaiseWithAReason) {
  auto d = assess(*in_, calm(), std::string("alto"), "  Relata amenazas recientes por mensajes  ", kAt);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)["computed_level"], "bajo");
  EXPECT_EQ((*d)["level"], "alto");
  EXPECT_EQ((*d)["raised"], true);
  EXPECT_EQ((*d)["raise_reason"], "Relata amenazas recientes por mensajes");
  EXPECT_EQ((*d)["reassess_due_at"], kAt + 30 * kDay);  // the raised level sets the interval
}

TEST_F(RiskInstrumentTest, RaisingWithoutAReasonOfTenCharactersIsRefused) {
  auto d = assess(*in_, calm(), std::string("medio"), "miedo", kAt);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().status, 422);
  EXPECT_EQ(d.error().field, "raise_reason");
  // Ten characters with accents count as ten.
  EXPECT_TRUE(assess(*in_, calm(), std::string("medio"), "ácéíóúñáéí", kAt));
}

TEST_F(RiskInstrumentTest, LoweringTheComputedLevelIsRefused) {
  json a = calm();
  a["amenaza_muerte"] = "si_con_arma";
  auto d = assess(*in_, a, std::string("alto"), "La usuaria cree que exagera la situación", kAt);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().status, 422);
  EXPECT_EQ(d.error().field, "level");
  EXPECT_EQ(d.error().code, "level_lowered");
  EXPECT_NE(d.error().message.find("no puede ser inferior"), std::string::npos);
  // The same level is not a raise and needs no reason.
  auto same = assess(*in_, a, std::string("vital"), "", kAt);
  ASSERT_TRUE(same);
  EXPECT_EQ((*same)["raised"], false);
}

TEST_F(RiskInstrumentTest, UnknownLevelItemOrAnswerNamesTheField) {
  auto bad_level = assess(*in_, calm(), std::string("altisimo"), "motivo suficientemente largo", kAt);
  ASSERT_FALSE(bad_level);
  EXPECT_EQ(bad_level.error().field, "level");

  json a = calm();
  a["color_favorito"] = "azul";
  auto unknown_item = in_->evaluate(a);
  ASSERT_FALSE(unknown_item);
  EXPECT_EQ(unknown_item.error().status, 422);
  EXPECT_EQ(unknown_item.error().field, "answers.color_favorito");

  a = calm();
  a["escalada"] = "quizas";
  auto unknown_answer = in_->evaluate(a);
  ASSERT_FALSE(unknown_answer);
  EXPECT_EQ(unknown_answer.error().field, "answers.escalada");
  EXPECT_NE(unknown_answer.error().message.find("Opciones"), std::string::npos);

  a = calm();
  a["escalada"] = 3;
  EXPECT_EQ(in_->evaluate(a).error().field, "answers.escalada");
}

TEST_F(RiskInstrumentTest, MissingRequiredItemIsRefused) {
  json a = calm();
  a.erase("estrangulamiento");
  auto ev = in_->evaluate(a);
  ASSERT_FALSE(ev);
  EXPECT_EQ(ev.error().status, 422);
  EXPECT_EQ(ev.error().field, "answers.estrangulamiento");
  EXPECT_EQ(ev.error().code, "required");
  EXPECT_FALSE(in_->evaluate(json::array()));
}

TEST_F(RiskInstrumentTest, AssessInputReadsTheFormBody) {
  auto d = assess_input(*in_, {{"answers", calm()}, {"level", "medio"}, {"raise_reason", "Vive en zona rural aislada"}}, kAt);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ((*d)["level"], "medio");
  auto unknown = assess_input(*in_, {{"answers", calm()}, {"nivel", "medio"}}, kAt);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "nivel");
  EXPECT_EQ(assess_input(*in_, json::object(), kAt).error().field, "answers");
}

TEST_F(RiskInstrumentTest, InvalidInstrumentsAreRejectedWithThePath) {
  json doc = in_->document();
  json swapped = doc;
  std::swap(swapped["levels"][1], swapped["levels"][2]);
  auto a = Instrument::from_json(swapped);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().field, "levels[1].level");

  json bad_override = doc;
  bad_override["overrides"][0]["when"] = {{"no_existe", {"si"}}};
  auto b = Instrument::from_json(bad_override);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().field.find("overrides[0].when"), std::string::npos);

  json no_interval = doc;
  no_interval["reassess_days"].erase("vital");
  EXPECT_EQ(Instrument::from_json(no_interval).error().field, "reassess_days.vital");

  json dup = doc;
  dup["items"][1]["id"] = dup["items"][0]["id"];
  EXPECT_EQ(Instrument::from_json(dup).error().field, "items[1].id");

  EXPECT_FALSE(Instrument::load_file("/nonexistent/pauta.json"));
}

TEST_F(RiskInstrumentTest, RouteNeedsCasesRead) {
  http::Router router;
  register_routes(router, in_);
  bool found = false;
  for (const auto& r : router.routes())
    if (r.pattern == "/api/v1/risk/instrument") {
      found = true;
      EXPECT_EQ(r.permission, "cases.read");
      http::Request req;
      auto res = r.handler(req);
      ASSERT_TRUE(res);
      EXPECT_EQ(json::parse(res->body)["id"], "pauta_unificada");
    }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace eq::risk
