// Where a live position's time goes on its way to a console (issue 20, "Performance"), stage by
// stage: received (request read, or taken from the inbox) → committed (the writer's transaction) →
// published (handed to the hub) → queued (on the console connection's strand, behind whatever that
// strand was doing) → written (the WebSocket frame handed to the kernel). One histogram per stage,
// process-wide, so the bench can tell a commit tail from a strand or a socket tail without a
// profiler. Rendered in the reserved operation metrics only (/api/v1/system/metrics): its counts
// say whether a console is watching, which the public /metrics must not.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace eq::http {

// Two instances add the hops of the queued path and of the relay, timed by the wall clock since
// they cross processes (same host in the bench; microseconds, or the inbox row's milliseconds):
// inbox_written (a non-owner: request read → its inbox rows committed), inbox_taken (the owner:
// request read on the non-owner → rows taken by the drainer: the inbox commit, the NOTIFY wake-up
// and the drainer's turn) and relayed (a message published on one instance → re-published by the
// listener of another: the sender's queue, the NOTIFY and the listener).
//
// received → committed is split in two for the owner's writer: writer_wait (received → the writer
// takes the batch into a group: the transaction in progress and the queue before it) and
// writer_commit (that group's transaction, begin to commit), so a tail made by PostgreSQL (a
// checkpoint, a slow statement) tells itself from one made by waiting for the CPU or the queue.
enum class Stage {
  received_to_committed,
  committed_to_published,
  published_to_queued,
  queued_to_written,
  inbox_written,
  inbox_taken,
  relayed,
  writer_wait,
  writer_commit
};

// Lock-free (atomic buckets): called thousands of times a second on the writer and server threads.
void observe_stage(Stage stage, std::chrono::steady_clock::duration took, uint64_t times = 1);
// Prometheus text: equidad_live_stage_seconds{stage="…"} histogram.
std::string render_stages();

}  // namespace eq::http
