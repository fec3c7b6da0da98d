#include "http/metrics.h"

#include <sstream>

namespace eq::http {

namespace {
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') { out += "\\n"; continue; }
    out.push_back(c);
  }
  return out;
}
}  // namespace

void Metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  Series& s = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  ++s.count;
  s.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_[std::move(name)] = Gauge{std::move(help), std::move(read)};
}

std::string Metrics::render() const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  out << "# HELP equidad_http_requests_total HTTP requests by method, route and status.\n"
         "# TYPE equidad_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out << "equidad_http_requests_total{method=\"" << label(method) << "\",route=\"" << label(route)
        << "\",status=\"" << status << "\"} " << n << "\n";
  }
  out << "# HELP equidad_http_request_duration_seconds Request latency by route.\n"
         "# TYPE equidad_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out << "equidad_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\"" << kBuckets[i]
          << "\"} " << s.buckets[i] << "\n";
    out << "equidad_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\"+Inf\"} " << s.count << "\n";
    out << "equidad_http_request_duration_seconds_sum{route=\"" << label(route) << "\"} " << s.sum << "\n";
    out << "equidad_http_request_duration_seconds_count{route=\"" << label(route) << "\"} " << s.count << "\n";
  }
  for (const auto& [name, g] : gauges_) {
    out << "# HELP " << name << " " << g.help << "\n# TYPE " << name << " gauge\n" << name << " " << g.read() << "\n";
  }
  return out.str();
}

}  // namespace eq::http
