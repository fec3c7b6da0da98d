// Every action code a module writes to the audit log has a Spanish name in audit/actions.cc.
// The codes are read from the sources themselves, so a new audit call without a label fails here
// rather than reaching the audit browser as a raw code.
#include "audit/actions.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "../support/databases.h"

namespace eq::audit {
namespace {

std::filesystem::path source_dir() { return testing::source_dir(); }

struct Found {
  std::string code;
  std::string where;  // "src/x/y.cc:12"
};

// String literals shaped like an action code ("module.verb") on lines that write an audit entry:
// Log::from(...), Entry built by hand (.action = / action = "..."), the modules' own audit helpers
// (audit(s, ...), entry(...), console_entry(...)) and live_stream(...), which appends "_open" and
// "_close" to its code. Permissions ("cases.read") never appear on such lines.
std::vector<Found> written_codes() {
  static const std::regex writes(R"(Log::from\(|console_entry\(|[^_a-zA-Z]entry\(|audit_?\(s|action = "|\.action = |live_stream\()");
  static const std::regex literal(R"lit("([a-z_]+\.[a-z_.]*)")lit");
  std::vector<Found> out;
  const auto src = source_dir() / "src";
  for (const auto& f : std::filesystem::recursive_directory_iterator(src)) {
    const auto ext = f.path().extension();
    if (!f.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
    if (f.path().parent_path().filename() == "audit" && f.path().filename() == "actions.cc") continue;
    std::ifstream in(f.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (!std::regex_search(line, writes)) continue;
      const std::string where = std::filesystem::relative(f.path(), source_dir()).string() + ":" + std::to_string(n);
      const bool stream = line.find("live_stream(") != std::string::npos;
      for (std::sregex_iterator it(line.begin(), line.end(), literal), end; it != end; ++it) {
        const std::string code = (*it)[1];
        if (stream) {
          out.push_back({code + "_open", where});
          out.push_back({code + "_close", where});
        } else {
          out.push_back({code, where});
        }
      }
    }
  }
  return out;
}

TEST(AuditActions, EveryCodeWrittenInTheSourcesHasASpanishLabel) {
  const auto codes = written_codes();
  // The scan itself must find the audit calls, or this test proves nothing.
  ASSERT_GT(codes.size(), 80u) << "no audit calls found under " << source_dir();
  std::set<std::string> known;
  for (const auto& a : action_labels()) known.insert(std::string(a.code));
  for (const auto& c : codes) {
    // A prefix completed at run time ("monitoring.incident_" + step, "http." + reason): at least
    // one code of that family must be named; the families' members are checked one by one below.
    if (c.code.back() == '_' || c.code.back() == '.') {
      bool any = false;
      for (const auto& k : known) any = any || k.rfind(c.code, 0) == 0;
      EXPECT_TRUE(any) << c.where << ": no label for any code starting with \"" << c.code << "\"";
      continue;
    }
    EXPECT_TRUE(known.count(c.code)) << c.where << ": \"" << c.code << "\" is written to the audit log but has no label in src/audit/actions.cc";
  }
}

TEST(AuditActions, CodesBuiltAtRunTimeAreNamed) {
  // monitoring/routes.cc: incident steps and dispatch states; app/app.cc: the router's refusals.
  for (const char* step : {"tomar", "llamada_victima", "llamada_agresor", "nota", "cerrar"})
    EXPECT_TRUE(action_label(std::string("monitoring.incident_") + step)) << step;
  for (const char* state : {"aceptado", "en_camino", "en_sitio", "cerrado"})
    EXPECT_TRUE(action_label(std::string("monitoring.dispatch_") + state)) << state;
  for (const char* why : {"unauthenticated", "denied", "csrf", "rate_limited"}) EXPECT_TRUE(action_label(std::string("http.") + why)) << why;
  EXPECT_EQ(action_label("monitoring.incident_cerrar").value_or(""), "Cierre de un incidente");
}

TEST(AuditActions, TheTableHasNoDuplicatesAndNoEmptyLabels) {
  std::set<std::string_view> seen;
  for (const auto& a : action_labels()) {
    EXPECT_TRUE(seen.insert(a.code).second) << "twice: " << a.code;
    EXPECT_FALSE(a.label.empty()) << a.code;
    EXPECT_FALSE(a.group.empty()) << a.code;
  }
}

TEST(AuditActions, AnUnknownCodeHasNoLabel) {
  EXPECT_FALSE(action_label("monitoring.something_new"));
  EXPECT_FALSE(action_label(""));
}

}  // namespace
}  // namespace eq::audit
