#include "http/live.h"

#include <vector>

namespace eq::http {

std::atomic<uint64_t>& revocation_epoch() {
  static std::atomic<uint64_t> epoch{0};
  return epoch;
}

uint64_t Hub::attach(std::weak_ptr<Sink> sink, Filter filter) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_++;
  sinks_[id] = Entry{std::move(sink), std::move(filter)};
  return id;
}

void Hub::detach(uint64_t id) {
  std::lock_guard lock(mu_);
  sinks_.erase(id);
}

void Hub::publish(const std::string& topic, std::string message) {
  auto shared = std::make_shared<const std::string>(std::move(message));
  std::vector<std::shared_ptr<Sink>> targets;
  {
    std::lock_guard lock(mu_);
    for (auto it = sinks_.begin(); it != sinks_.end();) {
      auto s = it->second.sink.lock();
      if (!s) {
        it = sinks_.erase(it);
        continue;
      }
      if (!it->second.filter || it->second.filter(topic)) targets.push_back(std::move(s));
      ++it;
    }
  }
  ++published_;
  // Outside the lock: a sink may detach itself from inside deliver().
  for (auto& s : targets) s->deliver(topic, shared);
}

size_t Hub::size() const {
  std::lock_guard lock(mu_);
  return sinks_.size();
}

}  // namespace eq::http
