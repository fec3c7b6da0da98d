// Token buckets per client address, for public endpoints that an abuser would hammer.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace eq::http {

class RateLimiter {
 public:
  // `burst` requests at once, refilled at `per_minute`.
  RateLimiter(double burst, double per_minute) : burst_(burst), per_ms_(per_minute / 60000.0) {}
  bool allow(const std::string& key);
  // Whether allow() would pass now, without taking a token (limits that only failures consume).
  bool peek(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  double burst_;
  double per_ms_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  size_t calls_ = 0;
};

}  // namespace eq::http
