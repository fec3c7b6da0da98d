#include "http/stages.h"

#include <array>
#include <atomic>
#include <sstream>

namespace eq::http {

namespace {
// Finer than the request histogram's: the target is tens of milliseconds end to end.
constexpr std::array<double, 14> kBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 5};
constexpr std::array<const char*, 9> kNames{"received_to_committed", "committed_to_published", "published_to_queued",
                                            "queued_to_written",     "inbox_written",          "inbox_taken",
                                            "relayed",               "writer_wait",            "writer_commit"};

struct Series {
  std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_us{0};
};
std::array<Series, kNames.size()>& series() {
  static std::array<Series, kNames.size()> all;
  return all;
}
}  // namespace

void observe_stage(Stage stage, std::chrono::steady_clock::duration took, uint64_t times) {
  Series& s = series()[static_cast<size_t>(stage)];
  const double secs = std::chrono::duration<double>(took).count();
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (secs <= kBuckets[i]) {
      s.buckets[i].fetch_add(times, std::memory_order_relaxed);
      break;  // stored per bucket, made cumulative when rendered
    }
  s.count.fetch_add(times, std::memory_order_relaxed);
  s.sum_us.fetch_add(times * static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(took).count()),
                     std::memory_order_relaxed);
}

std::string render_stages() {
  std::ostringstream out;
  out << "# HELP equidad_live_stage_seconds Time of a live position in each stage on its way to a console.\n"
         "# TYPE equidad_live_stage_seconds histogram\n";
  for (size_t k = 0; k < kNames.size(); ++k) {
    const Series& s = series()[k];
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i].load(std::memory_order_relaxed);
      out << "equidad_live_stage_seconds_bucket{stage=\"" << kNames[k] << "\",le=\"" << kBuckets[i] << "\"} " << cumulative << "\n";
    }
    const uint64_t n = s.count.load(std::memory_order_relaxed);
    out << "equidad_live_stage_seconds_bucket{stage=\"" << kNames[k] << "\",le=\"+Inf\"} " << n << "\n";
    out << "equidad_live_stage_seconds_sum{stage=\"" << kNames[k] << "\"} " << s.sum_us.load(std::memory_order_relaxed) / 1e6 << "\n";
    out << "equidad_live_stage_seconds_count{stage=\"" << kNames[k] << "\"} " << n << "\n";
  }
  return out.str();
}

}  // namespace eq::http
