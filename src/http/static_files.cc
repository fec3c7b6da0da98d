#include "http/static_files.h"

#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/url.h"
#include "http/gzip.h"
#include "http/router.h"

namespace eq::http {

namespace fs = std::filesystem;

std::string mime_type(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"}, {".geojson", "application/geo+json"},
      {".svg", "image/svg+xml"}, {".png", "image/png"}, {".jpg", "image/jpeg"}, {".ico", "image/x-icon"},
      {".webp", "image/webp"}, {".woff2", "font/woff2"}, {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}, {".webmanifest", "application/manifest+json"}};
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

void StaticFiles::load(const std::string& root) {
  files_.clear();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    File f;
    f.content = buf.str();
    std::string rel = "/" + fs::relative(entry.path(), root).generic_string();
    f.content_type = mime_type(rel);
    bool text = f.content_type.find("text") != std::string::npos || f.content_type.find("json") != std::string::npos ||
                f.content_type.find("svg") != std::string::npos;
    if (text && f.content.size() > 512) f.gzipped = gzip(f.content, 9);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(f.content.data()), f.content.size(), digest);
    static const char* hex = "0123456789abcdef";
    f.etag = "\"";
    for (int i = 0; i < 12; ++i) {
      f.etag.push_back(hex[digest[i] >> 4]);
      f.etag.push_back(hex[digest[i] & 15]);
    }
    f.etag += "\"";
    // Vite puts content-hashed names under /assets/: they never change, so browsers keep them.
    f.immutable = rel.rfind("/assets/", 0) == 0;
    files_[rel] = std::move(f);
  }
}

std::optional<Response> StaticFiles::serve(const Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return std::nullopt;
  std::string path = url_decode(req.path, false);
  if (path == "/") path = "/index.html";
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (fs::path(path).has_extension()) return std::nullopt;
    it = files_.find("/index.html");
    if (it == files_.end()) return std::nullopt;
  }
  const File& f = it->second;
  Response r;
  r.compressible = false;  // compressed once, here
  r.headers.emplace_back("ETag", f.etag);
  r.headers.emplace_back("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (req.header("if-none-match") == f.etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = f.content_type;
  if (f.gzipped && accepts_gzip(req.header("accept-encoding"))) {
    r.body = *f.gzipped;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = f.content;
  }
  return r;
}

}  // namespace eq::http
