#include "http/rate_limit.h"

#include <algorithm>

namespace eq::http {

bool RateLimiter::allow(const std::string& key) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  // Forget idle clients now and then so an address sweep cannot grow the map without bound.
  if (++calls_ % 4096 == 0) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      auto idle = std::chrono::duration<double, std::milli>(now - it->second.at).count();
      if (it->second.tokens + idle * per_ms_ >= burst_) it = buckets_.erase(it);
      else ++it;
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    double elapsed = std::chrono::duration<double, std::milli>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * per_ms_);
    b.at = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

bool RateLimiter::peek(const std::string& key) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return true;
  double elapsed = std::chrono::duration<double, std::milli>(now - it->second.at).count();
  return std::min(burst_, it->second.tokens + elapsed * per_ms_) >= 1.0;
}

}  // namespace eq::http
