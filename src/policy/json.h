// Policy structs → the API's JSON (and the names beside ids). No database, no decisions: what a
// caller may see is decided before (access.h), figures are computed before (rollup.h).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "policy/repository.h"

namespace eq::policy {

using http::Json;

// Display names of users and institutions (from the auth module), looked up once per answer.
struct Names {
  std::map<int64_t, std::string> users, institutions;
  std::string user(int64_t id) const;
  std::string institution(int64_t id) const;
};

double round1(double v);
Json opt_json(const std::string& s);
template <typename V>
Json opt_json(const std::optional<V>& v) {
  return v ? Json(*v) : Json(nullptr);
}

// {progress, progress_text, leaves, reported, sin_reporte}
Json figure_json(double progress, int64_t leaves, int64_t reported);
Json item_json(const Item& i, const Names& n);
Json declared_json(const Declared& d);
Json period_json(const Period& p, int64_t now);
Json version_json(const Version& v, const Names& n);
Json evidence_json(const Evidence& e, bool downloadable);
Json row_json(const ReportRow& r, const Names& n);
// An instrument with its stored figure and the figures its source declares.
Json instrument_summary(const Instrument& i, const std::vector<Declared>& figures);

// Values of a request body already checked against the route's schema: a required id (error names
// the key), an optional number. Strings: http::body_text (http/fields.h).
Result<int64_t> body_id(const Json& body, const char* key);
std::optional<double> body_double(const Json& body, const char* key);

}  // namespace eq::policy
