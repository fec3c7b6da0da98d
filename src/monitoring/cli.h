// `equidad monitor replay` and `equidad monitor synth`: the monitoring engine over CSV files, no
// database. Messages are in Spanish; exit codes: 0 ok, 1 input/output failure, 2 invalid input.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "monitoring/engine.h"
#include "monitoring/synth.h"

namespace CLI {
class App;
}

namespace eq::monitoring {

struct ReplayCommand {
  std::string orders, zones, devices, positions, out;
  double approach_m = 500;
  double silence_min = 10;
  int tick_s = 60;           // data-time interval between silence sweeps
  bool every_alert = false;  // --all: one row per raised alert (repeats too), not one per incident
  bool quiet = false;        // no summary on stderr
};
int run_replay(const ReplayCommand& c, std::ostream& out, std::ostream& err);

struct SynthCommand {
  SynthOptions synth;
  std::string out_dir;
};
int run_synth(const SynthCommand& c, std::ostream& out, std::ostream& err);

// `monitor verify FILE`: the chain and signature of an incident's evidence export (evidence.cc).
Result<std::string> verify_evidence(const nlohmann::json& doc);

// Registers `monitor replay` and `monitor synth`; they run from CLI11's callbacks and end the
// program's parse with their exit code.
void add_commands(CLI::App& app);

}  // namespace eq::monitoring
