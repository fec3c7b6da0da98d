// The OsmAnd protocol (query string or form body from any device on the internet).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/url.h"
#include "monitoring/osmand.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)eq::monitoring::parse_osmand(text, 1'700'000'000'000);
  (void)eq::monitoring::parse_device_time(text, "timestamp");
  (void)eq::url_decode(text, true);
  (void)eq::monitoring::parse_alarms(text);
  return 0;
}
