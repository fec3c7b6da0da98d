#include "http/gzip.h"

#include <zlib.h>

namespace eq::http {

std::optional<std::string> gzip(const std::string& data, int level) {
  z_stream zs{};
  // windowBits 15 + 16 selects the gzip wrapper instead of raw zlib.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out;
  out.resize(deflateBound(&zs, data.size()) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(zs.total_out);
  if (out.size() >= data.size()) return std::nullopt;
  return out;
}

bool accepts_gzip(const std::string& ae) {
  // Honour an explicit refusal such as "gzip;q=0".
  auto pos = ae.find("gzip");
  if (pos == std::string::npos) return false;
  auto rest = ae.substr(pos + 4, 6);
  return rest.rfind(";q=0", 0) != 0 || rest.rfind(";q=0.", 0) == 0;
}

}  // namespace eq::http
