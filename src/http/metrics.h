// Request counters and latency histograms by route, exposed in Prometheus text format.
#pragma once
#include <array>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace eq::http {

class Metrics {
 public:
  void observe(const std::string& method, const std::string& route, int status, double seconds);
  // Extra gauges (database pool use) are read at scrape time.
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

 private:
  static constexpr std::array<double, 10> kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};
  struct Series {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string help;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Series> latency_;  // by route
  std::map<std::string, Gauge> gauges_;
};

}  // namespace eq::http
