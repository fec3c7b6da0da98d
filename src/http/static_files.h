// The built web app, held in memory with its gzip form computed once at start.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "http/message.h"

namespace eq::http {

class StaticFiles {
 public:
  // Loads every file below `root` (web/dist); a missing folder leaves the app empty.
  void load(const std::string& root);
  bool empty() const { return files_.empty(); }
  size_t size() const { return files_.size(); }
  // Answers GET/HEAD for non-API paths; unknown paths without an extension get index.html so the
  // single-page app's own routes work on reload.
  std::optional<Response> serve(const Request& req) const;

 private:
  struct File {
    std::string content;
    std::optional<std::string> gzipped;
    std::string content_type;
    std::string etag;
    bool immutable;
  };
  std::map<std::string, File> files_;
};

std::string mime_type(const std::string& path);

}  // namespace eq::http
