#include <gtest/gtest.h>

#include "linkage/linkage.h"
#include "linkage/synth.h"

namespace eq::linkage {
namespace {

TEST(LinkageModel, DefaultsWeighAgreementUpAndDisagreementDown) {
  const Model m = Model::defaults();
  for (int f = 0; f < kFieldCount; ++f) {
    const auto field = static_cast<Field>(f);
    EXPECT_GT(m.weight(field, 0), m.weight(field, levels(field) - 1)) << field_name(field);
    EXPECT_LT(m.weight(field, levels(field) - 1), 0) << field_name(field);
    EXPECT_EQ(m.weight(field, kMissing), 0.0);
  }
  EXPECT_GE(default_thresholds().upper, default_thresholds().lower);
}

TEST(LinkageModel, JsonRoundTrip) {
  Model m = Model::defaults();
  m.set(Field::phone, 0, 0.5, 0.25);
  auto back = Model::from_json(m.to_json());
  ASSERT_TRUE(back) << back.error().message;
  for (int f = 0; f < kFieldCount; ++f)
    for (int l = 0; l < levels(static_cast<Field>(f)); ++l) {
      EXPECT_DOUBLE_EQ(back->m(static_cast<Field>(f), l), m.m(static_cast<Field>(f), l));
      EXPECT_DOUBLE_EQ(back->u(static_cast<Field>(f), l), m.u(static_cast<Field>(f), l));
    }
  EXPECT_DOUBLE_EQ(back->weight(Field::phone, 0), 1.0);
}

TEST(LinkageModel, RejectsMalformedJsonInSpanish) {
  EXPECT_FALSE(Model::from_json("not json"));
  EXPECT_FALSE(Model::from_json("{}"));
  auto bad = Model::from_json(R"({"fields":{"given_names":{"m":[1],"u":[1]}}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "invalid_model");
  EXPECT_NE(bad.error().message.find("given_names"), std::string::npos);
}

TEST(LinkageModel, EmConvergesToMAboveUOnGeneratedPairs) {
  SynthOptions o;
  o.persons = 2000;
  o.records = 5000;
  o.seed = 11;
  const SynthData d = synthesize(o);
  // Start far from the answer: EM must move there.
  Model start = Model::defaults();
  start.set(Field::birth_date, 0, 0.3, 0.2);
  start.set(Field::given_names, 0, 0.3, 0.2);
  BatchOptions bo;
  bo.model = start;
  const BatchResult r = link_batch(d.records, bo);
  EXPECT_TRUE(r.stats.em.converged);
  EXPECT_GT(r.stats.em.match_share, 0.05);
  EXPECT_LT(r.stats.em.match_share, 0.99);
  for (Field f : {Field::given_names, Field::birth_date, Field::run, Field::phone, Field::address, Field::surname2}) {
    EXPECT_GT(r.model.m(f, 0), r.model.u(f, 0)) << field_name(f);
    EXPECT_LT(r.model.m(f, levels(f) - 1), r.model.u(f, levels(f) - 1)) << field_name(f);
  }
  EXPECT_GT(r.model.m(Field::birth_date, 0), 0.7);
  EXPECT_GT(r.model.weight(Field::birth_date, 0), 2.0);
}

TEST(LinkageModel, EmWithoutPairsReturnsStart) {
  EmReport rep;
  const Model m = Model::estimate({}, Model::defaults(), &rep);
  EXPECT_DOUBLE_EQ(m.m(Field::sex, 0), Model::defaults().m(Field::sex, 0));
  EXPECT_EQ(rep.iterations, 0);
}

}  // namespace
}  // namespace eq::linkage
