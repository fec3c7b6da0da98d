// A random but city-shaped data set for the monitoring engine: orders around Santiago, each with
// one aggressor tag, a victim with a bracelet and a mobile unit, a second protected person (a
// child's mobile unit), fixed zones (circles and polygons) around the victims' places, and
// positions as random walks reported in turns. A share of aggressors walk towards their victim, and
// a little noise is mixed in (NaN and out-of-range fixes, duplicates, late fixes, button presses,
// strap alarms, draining batteries) so every path of the engine runs. Deterministic per seed.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "monitoring/engine.h"

namespace eq::monitoring {

struct SynthOptions {
  size_t orders = 5000;           // 4 devices each
  size_t zones_per_order = 12;
  size_t positions = 1'000'000;
  uint64_t seed = 1;
  int64_t start_ms = 1'795'500'000'000LL;  // 2026-11-23
  int64_t report_interval_ms = 30'000;     // each device reports about this often
  double approaching_share = 0.02;         // aggressors that walk towards their victim
  double noise = 0.001;                    // share of each kind of bad input
};

struct SynthData {
  std::vector<Order> orders;
  std::vector<Zone> zones;
  std::vector<Device> devices;
  std::vector<Position> positions;  // arrival order (mostly time order; some late and duplicated)
};

SynthData synthesize(const SynthOptions& o);

}  // namespace eq::monitoring
