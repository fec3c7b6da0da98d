#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <mutex>
#include <string_view>

namespace eq::logging {

void init() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto logger = spdlog::stderr_logger_mt("equidad");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
    spdlog::level::level_enum level = spdlog::level::info;
    if (const char* v = std::getenv("EQ_LOG_LEVEL"); v && *v) {
      const auto asked = spdlog::level::from_str(v);  // an unknown name reads as "off": keep info then
      if (asked != spdlog::level::off || std::string_view(v) == "off") level = asked;
    }
    logger->set_level(level);
    // Warnings and errors reach the terminal or the journal at once, not when a buffer fills.
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
    access();
  });
}

spdlog::logger& access() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stdout_logger_mt("access");
    l->set_pattern("%v");
    l->flush_on(spdlog::level::info);
    return l;
  }();
  return *logger;
}

}  // namespace eq::logging
