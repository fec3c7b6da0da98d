// The silent WhatsApp line (issue 14, item 1) on the WhatsApp Cloud API. Meta posts signed
// webhooks (X-Hub-Signature-256 over the raw body); each conversation joins the ONE operator queue
// (channels/intake.h) as a contact of channel "whatsapp"; the operator's replies go to an outbox
// that a job sends through the Graph API, inside the 24-hour customer-service window (outside it,
// only an approved template). Setup and formats: src/whatsapp/WHATSAPP.md.
//
// Files: webhook.cc (signature, parsing Meta's payload), service.cc (workflow, audit, window,
// outbox), graph.cc (the Graph API client over Boost.Beast), repository.cc (every whatsapp_*
// statement), access.cc (who may read or answer a conversation), routes.cc, migrations.cc,
// contract.cc.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/log.h"
#include "channels/intake.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/purge.h"
#include "http/live.h"
#include "http/message.h"
#include "http/router.h"
#include "store/database.h"
#include "store/encrypted_fields.h"
#include "store/migrations.h"

namespace eq::whatsapp {

inline constexpr int64_t kWindowMs = 24LL * 3600 * 1000;  // Meta's customer-service window

// The inbox's bounds and its one fault injection: `serve` options (app/serve_config.cc), provided
// to the module by the composition root.
struct InboxSettings {
  size_t max_waiting = 20'000;           // deliveries waiting for the inbox commit (--whatsapp-inbox-max)
  size_t max_waiting_bytes = 64u << 20;  // their raw bytes (--whatsapp-inbox-max-mib)
  // Tests only (--whatsapp-test-hold-ms, refused without --demo): the inbox thread waits this long
  // between committing deliveries to the inbox and processing them, and says so in the log, so the
  // crash test can kill the server exactly there.
  int64_t test_hold_ms = 0;
  // Tests only (--whatsapp-test-hold-delete-ms, refused without --demo): on PostgreSQL, a delivery
  // whose shares the lanes committed waits this long before its inbox row is handed for deletion,
  // and the log says so: the crash test kills the server between the two commits.
  int64_t test_hold_delete_ms = 0;
};

struct Options {
  std::string app_secret;    // signs Meta's webhook posts (equidad.whatsapp.key)
  std::string verify_token;  // echoed challenge check of the GET subscription (equidad.whatsapp.verify)
  std::string access_token;  // Bearer token of the Graph API (EQ_WHATSAPP_TOKEN or equidad.whatsapp.token)
  std::string graph_url = "https://graph.facebook.com";  // EQ_WHATSAPP_GRAPH_URL
  std::string graph_version = "v21.0";                    // EQ_WHATSAPP_GRAPH_VERSION
  std::string phone_number_id;  // the line's number id (EQ_WHATSAPP_PHONE_NUMBER_ID); else the last one Meta named
  size_t max_text = 4096;       // Meta's limit for a text body
  int max_attempts = 8;         // sends of one reply before it is given up (429/5xx/network)
  std::string ca_file;          // EQ_WHATSAPP_CA_FILE: trust only this CA for https (tests, private proxy); else the system store
  double send_rate = 80;        // EQ_WHATSAPP_SEND_RATE: messages per second per phone number id (Meta's default throughput)
  InboxSettings inbox;
};

// One inbound message as Meta described it (webhook.cc parses, the service stores).
struct Inbound {
  std::string wamid;
  std::string user_key;   // the business-scoped user id when given, else wa_id
  std::string wa_id;      // her phone as WhatsApp knows it: optional
  std::string phone_number_id;
  int64_t at_ms = 0;      // Meta's timestamp
  std::string type;       // as sent: text, location, image, audio, sticker…
  std::string text;       // what the operator reads ("[ubicación] …", "[no soportado: sticker]")
  bool supported = true;
  // An image or audio: Meta's media id, declared type and checksum (media.cc downloads it later).
  std::string media_id, media_mime, media_sha256;
};

// One status of a message the line sent.
struct Status {
  std::string wamid;
  std::string status;  // sent | delivered | read | failed
  int64_t at_ms = 0;
  int64_t error_code = 0;
  std::string error_title;
  std::string callback;  // biz_opaque_callback_data: the attempt id this server sent with the message
};

struct Batch {
  std::vector<Inbound> messages;
  std::vector<Status> statuses;
};

// The payload of one POST, or why it is not one (422, nothing written).
Result<Batch> parse_webhook(const std::string& raw_body);
// X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256(app secret, raw body), compared in constant time.
Result<void> verify_signature(const std::string& app_secret, const std::string& header, const std::string& raw_body);
std::string sign(const std::string& app_secret, const std::string& raw_body);

struct Message {
  int64_t id = 0;
  std::string direction;  // "in" | "out"
  std::string type;       // text | template | location | image | audio | … (as Meta named it)
  std::string text;
  int64_t at = 0;
  std::string state;      // in: "received"; out: queued, sending, uncertain, sent, delivered, read, failed
  int64_t error_code = 0;
  std::string error;      // Spanish reason of a failure
  // Her image or audio (media.cc): our media row id (0: none), pending | ready | failed, the type,
  // and why it failed, in Spanish.
  int64_t media_id = 0;
  std::string media_state, media_mime, media_error;
};

// Bytes of one downloaded image or audio, as the operator's pane is served them.
struct MediaFile {
  std::string mime;
  std::string bytes;
};

struct Conversation {
  int64_t id = 0;
  std::string ref;         // the contact's external_ref in the queue (current session)
  std::string contact_id;
  bool has_phone = false;  // Meta gave her number (wa_id)
  int64_t last_inbound_at = 0;
  int64_t window_ends_at = 0;  // last_inbound_at + 24 h
  std::vector<Message> messages;
  std::string holder_user_id, holder_state;
};

struct Template {
  std::string name, language, text;
};

// What the Graph API answered one send (graph.cc).
struct GraphAnswer {
  int status = 0;  // 0: no answer (network)
  std::string body;
  std::string error;
  bool attempted = false;   // the request began to leave: Graph may have it even without an answer
  int64_t retry_after_s = -1;  // Retry-After of a 429, when given
  std::string content_type;    // of the answer (a media download's type)
  bool too_large = false;      // the answer's body passed the limit given (nothing kept)
};
struct GraphTls {
  std::string ca_file;  // empty: the system's trusted roots
};
GraphAnswer graph_post(const std::string& url, const std::string& token, const std::string& json_body, const GraphTls& tls,
                       int timeout_ms = 10000);
// A GET with the bearer token (a media's metadata, then its bytes), its body read up to `max_body`
// bytes (beyond: too_large). A GET changes nothing at Meta, so any failure may be retried.
GraphAnswer graph_get(const std::string& url, const std::string& token, const GraphTls& tls, size_t max_body, int timeout_ms = 30000);

// Meta's send limits, per phone number id: a token bucket of `rate` messages a second (burst one
// second's worth) and a pause after a 429 / 130429 (Retry-After). In memory: after a restart the
// bucket starts full, which Meta's own one-second window tolerates.
class SendLimits {
 public:
  explicit SendLimits(double rate) : rate_(rate > 0 ? rate : 80) {}
  // Takes one send for `number` at `now` (ms), or answers when one will be available.
  bool take(const std::string& number, int64_t now, int64_t* retry_at);
  void pause(const std::string& number, int64_t until);

 private:
  struct Bucket {
    double tokens = -1;
    int64_t at = 0;
    int64_t paused_until = 0;
  };
  double rate_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

namespace repo {
struct ConvRow;
}

class Service {
 public:
  Service(store::Database& db, const crypto::Keys& keys, audit::Log& audit, channels::Intake& intake, Options options);
  ~Service();
  const Options& options() const { return options_; }
  // The operators' panes, live (WebSocket): topic "whatsapp:<conversation id>", message
  // {"type":"changed"} and nothing else — no content travels on the stream; the pane re-reads the
  // conversation through the object rule. Published after each commit that changes what a pane
  // shows: her messages, statuses applied, replies queued and sent, media downloaded.
  std::shared_ptr<http::Hub> hub() const { return hub_; }
  // A pane opens the live stream of one conversation: the read rule, audited (refusal too).
  // Answers the stream's topic.
  Result<std::string> watch(const http::Request& req, const std::string& ref);

  // The webhook's accept path (service.cc, "The inbox"). `raw` is the body whose signature held and
  // `batch` its parse. One thread commits the raw bodies of every delivery waiting (encrypted, in
  // whatsapp_inbox, ONE transaction) and calls each `done` right after that commit ("accepted"):
  // no worker thread waits meanwhile. Processing follows from the inbox (a worker thread on
  // SQLite, lanes on PostgreSQL). `done` is called once, from that thread; a delivery not
  // committed is answered 503.
  using Done = std::function<void(Result<http::Json>)>;
  void accept(std::string raw, Batch batch, Done done);
  // Starts the inbox thread; what a stopped server left in the inbox is processed first.
  void start();
  // Answers what is waiting, then stops the thread (module close).
  void stop();
  // How far behind the line is: deliveries waiting for the accept commit, accepted and not processed
  // yet (this instance, in memory), and rows in the inbox table (every instance; includes failed
  // ones waiting for the drain). Counts only: nothing about her.
  struct InboxState {
    int64_t waiting = 0, processing = 0, stored = 0;
  };
  Result<InboxState> inbox_state();
  // Processes inbox rows received before `before` (a crash's leftovers, or a failed processing).
  Result<int64_t> drain_inbox(int64_t before);

  // Meta's side. Called after the signature is checked: commits the batch (idempotent per wamid),
  // then opens queue contacts for conversations that need one. Answers counts for the log.
  // queue=false stores without opening queue contacts (the demo's record).
  Result<http::Json> receive(const Batch& batch, int64_t now, bool queue = true);
  // Conversations whose queue contact could not be opened (queue closed, error) get it now.
  Result<int64_t> open_pending(int64_t now);
  // Sends what is due in the outbox (one job tick). Answers how many went out.
  Result<int64_t> send_due(int64_t now);
  // Rows left "sending" by a stopped server become "uncertain": never re-sent by the server (Graph
  // has no idempotency key); a status naming their attempt id resolves them, else the operator
  // decides (WHATSAPP.md, "Never twice"). Called once at open.
  Result<void> resume_outbox();

  // The operator's side: object rule (access.h) checked and audited.
  Result<Conversation> conversation(const http::Request& req, const std::string& ref);
  Result<Message> reply(const http::Request& req, const std::string& ref, const std::string& text, const std::string& template_name,
                        int64_t now);
  Result<std::vector<Template>> templates();

  // Her images and audio (media.cc). One job tick: downloads the media rows that are due (metadata,
  // then bytes; size, type and sha256 checked; stored encrypted), retrying Meta's failures with
  // back-off. Answers how many were stored. Never called on the webhook's path.
  Result<int64_t> download_media(int64_t now);
  // One media's bytes for the pane: the same object rule as the conversation (read), audited.
  Result<MediaFile> media(const http::Request& req, const std::string& ref, int64_t media_id);

  // A demo conversation (its words say they are a demo) stored as Meta would post it, through
  // receive(). On record, not in the queue: the demo operators are not given the WhatsApp skill,
  // and a contact nobody may take would sit in everyone's queue. Idempotent (the same wamids).
  Result<void> load_demo(int64_t now);

  // Retention (retention.cc): conversations idle for `days` and whose queue contact is closed are
  // deleted with their messages, except those `held` names (record id: the conversation ref, or
  // the contact's external ref "ref.n"). dry_run: counts only, nothing deleted, not audited.
  Result<PurgeTally> purge(int64_t now, int days, const PurgeHeld& held, bool dry_run);

 private:
  Result<Conversation> load(const std::string& ref);
  struct Counts;
  struct Pending;
  struct Inbox;
  struct Fanned;
  struct Share;
  struct Lane;
  struct Accepted;
  // Every message of the group at once (counts[i] for batches[i]), in arrival order.
  void store_messages(soci::session& s, const std::vector<const Batch*>& batches, bool queue, int64_t now, std::vector<Counts>& counts);
  // Every status of the group at once (counts[i] for batches[i]).
  void store_statuses(soci::session& s, const std::vector<const Batch*>& batches, int64_t now, std::vector<Counts>& counts);
  // Applies the batches in one transaction (each alone if that fails), deleting their inbox rows
  // (id 0: none) in the same transaction; then the queue step for the conversations they touched.
  // relaxed: a lane's transaction (PostgreSQL), committed without waiting for the WAL flush (see
  // WHATSAPP.md). take_turn: SQLite's processing thread, which yields the write lock to the accept.
  std::vector<Result<Counts>> process(const std::vector<const Batch*>& batches, const std::vector<int64_t>& inbox_ids, bool queue, int64_t now,
                                      bool relaxed = false, bool take_turn = false);
  void queue_step(std::map<int64_t, std::pair<repo::ConvRow, std::string>>& touched);
  void run_inbox();
  // SQLite: processes accepted deliveries in short slices, between the inbox thread's commits.
  void run_worker();
  // Accepted deliveries no longer waiting in memory (processed, or failed and left to the drain).
  void processed(size_t deliveries, size_t bytes);
  void accept_group(std::vector<Pending>& group);
  // PostgreSQL: a committed group's deliveries split over the lanes by hash partition.
  void fan_out(std::vector<Pending>& group, const std::vector<int64_t>& ids);
  void run_lane(Lane& lane);
  void complete(const std::shared_ptr<Fanned>& d);
  // Deletes the inbox rows every lane processed (when no group is being accepted to carry them).
  void flush_finished();
  // Messages, then statuses (multi-row), then the messages' audit entries: one group, one transaction.
  void store_group(soci::session& s, const std::vector<const Batch*>& batches, bool queue, int64_t now, std::vector<Counts>& counts);
  // Puts her conversation's current session in the queue (false: closed hours or blocked).
  Result<bool> open_contact(const repo::ConvRow& c, const std::string& opening);
  store::Database& db_;
  const crypto::Keys& keys_;
  audit::Log& audit_;
  channels::Intake& intake_;
  Options options_;
  SendLimits limits_;
  std::shared_ptr<Inbox> inbox_;
  std::shared_ptr<http::Hub> hub_ = std::make_shared<http::Hub>();
  void changed(int64_t conversation_id);
};

std::vector<store::Migration> migrations();
store::EncryptedFields encrypted_fields();
void register_routes(http::Router& router, std::shared_ptr<Service> service);

}  // namespace eq::whatsapp
