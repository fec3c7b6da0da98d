// Retention per kind of data and the purge that honours legal holds (issue 20 item 4, Ley 21.719).
//
// Each participating module declares its kinds of data (RetentionKind: what, how long, on which
// legal basis, whether it is a criminal or protection record exempt from deletion requests) and
// counts and purges what is past its period through a Retention adapter the composition root
// writes (src/app/app.cc wire()); the module's SQL stays in the module. The data-protection
// module runs every kind once a day (and when the officer asks), skipping what an active legal
// hold names (holds.h) and what the module itself keeps (evidence, still in use), and writes one
// run record (dp_purge_runs) with the counts per kind, audited. The preview is the same pass as a
// dry run: what a run now would delete, per kind, and what holds keep.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/purge.h"
#include "store/database.h"

namespace eq::http {
struct Request;
class Router;
}  // namespace eq::http

namespace eq::dataprotection {

struct RetentionKind {
  std::string module, kind;   // as a legal hold names it: ("chat", "transcripts")
  std::string label;          // Spanish: "Transcripciones del chat silencioso"
  int days = 0;               // as configured on this server
  std::string counted_from;   // "desde el fin de la conversación"
  std::string basis;          // the legal basis of keeping it that long
  bool protection_record = false;  // a criminal or protection record: a deletion request is answered with an exception
  std::string keeps;          // what the module keeps past the period on its own rule (counted as exempt)
  std::string option;         // the `serve` option that sets `days`
};

// A module's kind with its two passes; both get the same hold predicate. count_due deletes nothing.
struct Retention {
  RetentionKind kind;
  std::function<Result<PurgeTally>(int64_t now, const PurgeHeld& held)> count_due;
  std::function<Result<PurgeTally>(int64_t now, const PurgeHeld& held)> purge_due;
};
using Retentions = std::vector<Retention>;

// One kind in a preview or a run.
struct KindResult {
  RetentionKind kind;
  PurgeTally tally;
  std::vector<int64_t> holds;  // the legal holds that kept something of this kind
  std::string error;           // the kind could not be counted or purged (the others still ran)
};

struct PurgeRun {
  int64_t id = 0;
  int64_t started_at = 0;
  std::optional<int64_t> finished_at;
  std::string trigger;  // "job" (the daily run) | "manual" (the officer's «Ejecutar ahora»)
  int64_t user_id = 0;  // who asked, 0 for the job
  std::string state;    // running | done | failed (a kind failed, or the server stopped mid-run)
  std::vector<KindResult> kinds;
  int64_t purged = 0, held = 0;
};

class Service;

// The dry run now: every kind counted with the holds active today.
Result<std::vector<KindResult>> purge_preview(Service& svc, int64_t now);
// Runs every kind. `req` is the officer who asked («Ejecutar ahora»), null for the daily job.
// 409 purge_running when a run is under way (on this instance or another one on the database).
Result<PurgeRun> run_purge(Service& svc, const http::Request* req, int64_t now);
// The daily job: runs when no job run started in the last 24 hours.
Result<void> purge_job(Service& svc, int64_t now);

// The kinds of a run as stored (JSON text) and back.
std::string kinds_text(const std::vector<KindResult>& kinds);
std::vector<KindResult> kinds_from(const std::string& text);

// SQL of dp_purge_runs (repository.cc).
// Starts a run unless one is running (stale "running" rows, older than an hour, become failed first).
std::optional<int64_t> start_run(soci::session& s, const std::string& trigger, int64_t user_id, int64_t now);
void finish_run(soci::session& s, const PurgeRun& run);
std::vector<PurgeRun> list_runs(soci::session& s, int limit);
std::optional<int64_t> last_job_run(soci::session& s);
bool run_in_progress(soci::session& s);

void register_purge_routes(http::Router& router, std::shared_ptr<Service> svc);

}  // namespace eq::dataprotection
