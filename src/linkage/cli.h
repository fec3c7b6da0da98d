// `equidad link` and `equidad synth`: batch linkage of a CSV file and the synthetic data generator.
// Neither needs a database. Messages are in Spanish; exit codes: 0 ok, 1 input/output failure,
// 2 invalid arguments or input (unknown column, malformed CSV).
#pragma once
#include <cstddef>
#include <iosfwd>
#include <string>

#include "linkage/linkage.h"
#include "linkage/synth.h"

namespace CLI {
class App;
}

namespace eq::linkage {

struct LinkCommand {
  std::string input, fields, output, review;
  std::string model_out;  // --model: write the estimated model here
  std::string model_in;   // --use-model: link with this model, no EM
  double upper = batch_thresholds().upper, lower = batch_thresholds().lower;
  int threads = 0;
  size_t max_block = BatchOptions{}.max_block;
  size_t window = BatchOptions{}.window;
  size_t sorted_window = BatchOptions{}.sorted_window;
  size_t second_window = BatchOptions{}.second_window;
  double frequency_cap = BatchOptions{}.frequency_cap;
  double combination_cap = BatchOptions{}.combination_cap;
  double combination_floor = BatchOptions{}.combination_floor;
  bool diagnose = false;    // with truth: explain the missed true pairs (stats.diagnosis)
  bool parse_only = false;  // baseline: read, map and write, without linking
  std::string truth;        // column with the true person (synth's true_person): report pair quality
};
int run_link(const LinkCommand& c, std::ostream& out, std::ostream& err);

struct SynthCommand {
  SynthOptions synth;
  std::string shape = "chilena";  // --shape: chilena | extranjera (sets synth.shape)
  std::string output;
  bool bench_incremental = false;  // load persons into an Index and time match()
  size_t queries = 20000;
  int threads = 2;
  size_t index_max_block = 0;  // --index-max-block: Index::set_max_block for the bench (0 = default)
};
int run_synth(const SynthCommand& c, std::ostream& out, std::ostream& err);

// Registers the `link` and `synth` subcommands; they run from CLI11's callbacks and end the
// program's parse with their exit code.
void add_commands(CLI::App& app);

}  // namespace eq::linkage
