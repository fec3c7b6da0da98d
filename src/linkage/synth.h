// Synthetic registry records for tests, benchmarks and demos: Chilean-style persons (and ~10 %
// migrants) and noisy records of them, deterministic by seed. No real person's data.
#pragma once
#include <cstdint>
#include <vector>

#include "linkage/linkage.h"

namespace eq::linkage {

// chilean: the registry's own shape (RUN for most, comuna, phone). foreign: records without RUN,
// comuna or phone, as legacy files of migrant women often are: a foreign document number, names,
// a birth date and an address, each with typos (and more of them than the Chilean shape).
enum class SynthShape { chilean, foreign };

struct SynthOptions {
  size_t persons = 1000;
  size_t records = 2000;      // every person gets one record when records >= persons; the rest repeat some
  double error_rate = 0.15;   // scales the probability of every kind of error
  uint64_t seed = 1;
  double migrant_share = 0.10;
  double family_share = 0.15;  // persons generated as a sibling or child of an earlier one
  SynthShape shape = SynthShape::chilean;
};

struct SynthData {
  std::vector<Identity> persons;     // the clean identity of each person (index = person id)
  std::vector<Identity> records;     // noisy records, shuffled
  std::vector<int64_t> true_person;  // parallel to records
};

SynthData synthesize(const SynthOptions& o);

// One noisy record of a clean identity, with the same error model as synthesize().
Identity perturb(const Identity& clean, double error_rate, uint64_t seed);
Identity perturb(const Identity& clean, const SynthOptions& o, uint64_t seed);  // that shape's errors

// One typo of the kind the generators make ("Gonzalez" → "Gonzales", "Gozalez"…), at any position
// when `anywhere` (the first letter included), for tests that make one field wrong.
std::string synth_typo(const std::string& s, uint64_t seed, bool anywhere = false);

// Pairwise precision and recall of a clustering against the truth, without enumerating pairs.
struct PairQuality {
  double precision = 0, recall = 0;
  uint64_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
};
PairQuality pair_quality(const std::vector<int64_t>& predicted, const std::vector<int64_t>& truth);

}  // namespace eq::linkage
