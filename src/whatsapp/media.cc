// Her images and audio (issue 14): recorded as pending by the webhook's transaction, downloaded by
// the media job (its own thread, never the webhook's path), checked (size by kind, the allowed
// types, Meta's sha256), stored encrypted, served to the holding operator or a supervisor only.
//
// Retries: a GET changes nothing at Meta, so every failure to reach Meta (no connection, 429, 5xx)
// is retried with back-off 2 s, 4 s … 10 min, 8 downloads, then «Meta no respondió». What Meta
// refuses (4xx: the media expired, the token) and what fails a check ends the row at once: the
// same bytes would fail again.
#include "whatsapp/media.h"

#include <algorithm>
#include <cctype>

#include "core/log.h"
#include "core/time.h"
#include "whatsapp/access.h"
#include "whatsapp/repository.h"

namespace eq::whatsapp {

std::string media_base_type(const std::string& mime) {
  std::string t = mime.substr(0, mime.find(';'));
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return t;
}

bool media_type_allowed(const std::string& mime) {
  static const char* kAllowed[] = {"image/jpeg", "image/png", "image/webp", "audio/ogg",
                                   "audio/aac",  "audio/mpeg", "audio/amr",  "audio/mp4"};
  const std::string t = media_base_type(mime);
  return std::any_of(std::begin(kAllowed), std::end(kAllowed), [&](const char* a) { return t == a; });
}

int64_t media_max_bytes(const std::string& kind) { return kind == "audio" ? kMaxAudioBytes : kMaxImageBytes; }

bool media_sha256_matches(const std::string& bytes, const std::string& expected) {
  if (expected.empty()) return false;
  const std::string hex = crypto::sha256_hex(bytes);  // lowercase
  std::string lower = expected;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == hex) return true;
  // Base64 of the 32-byte digest (standard or url alphabet, padded or not).
  std::string digest;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) digest.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  std::string trimmed = expected;
  while (!trimmed.empty() && trimmed.back() == '=') trimmed.pop_back();
  std::string b64 = crypto::base64(digest);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return trimmed == b64 || trimmed == crypto::base64url(digest);
}

std::string media_failure_es(const std::string& reason) {
  if (reason == "too_large") return "No se descargó: el archivo supera el tamaño permitido (imagen 5 MB, audio 16 MB).";
  if (reason == "type") return "No se descargó: WhatsApp lo declaró de un tipo de archivo que la línea no acepta.";
  if (reason == "sha256") return "Se descartó: el archivo recibido no coincide con la suma de verificación de WhatsApp (puede estar dañado).";
  if (reason == "unreachable") return "No se pudo descargar: los servidores de WhatsApp no respondieron tras varios intentos.";
  if (reason == "refused") return "No se pudo descargar: WhatsApp ya no lo entrega (venció o fue retirado).";
  if (reason == "no_token") return "No se pudo descargar: falta el token de acceso de WhatsApp (EQ_WHATSAPP_TOKEN).";
  return "No se pudo descargar el archivo.";
}

void note_media(soci::session& s, const crypto::Keys& keys, int64_t conversation_id, int64_t message_id, const Inbound& in, int64_t now) {
  if (in.media_id.empty()) return;
  repo::insert_media(s, message_id, conversation_id, in.type, keys.encrypt(in.media_id), in.media_mime.substr(0, 100), in.media_sha256.substr(0, 100),
                     now);
}

namespace {

// Back-off of a retried download: 2 s, 4 s, 8 s… up to 10 minutes.
int64_t media_backoff_ms(int attempts) { return std::min<int64_t>(2000LL << std::min(attempts - 1, 20), 600'000); }

std::string str_field(const http::Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The outcome of one download: stored, failed for good (reason), or to retry (why, for the log).
struct Outcome {
  enum Kind { stored, failed, retry } kind = retry;
  std::string reason;
  std::string mime, bytes;
};

Outcome fetch(const Options& o, const repo::MediaRow& row, const std::string& media_id) {
  if (o.access_token.empty()) return {Outcome::failed, "no_token"};
  const GraphTls tls{o.ca_file};
  const int64_t max = media_max_bytes(row.kind);
  // 1. The metadata: where the bytes are, their type, size and checksum.
  auto meta = graph_get(o.graph_url + "/" + o.graph_version + "/" + media_id, o.access_token, tls, 64 * 1024);
  if (meta.status == 0 || meta.status == 429 || meta.status >= 500)
    return {Outcome::retry, meta.error.empty() ? "HTTP " + std::to_string(meta.status) : meta.error};
  if (meta.status < 200 || meta.status >= 300 || meta.too_large) return {Outcome::failed, "refused"};
  http::Json j;
  try {
    j = http::Json::parse(meta.body);
  } catch (const std::exception&) {
    return {Outcome::retry, "metadatos ilegibles"};
  }
  const std::string url = str_field(j, "url");
  std::string mime = str_field(j, "mime_type");
  if (mime.empty()) mime = row.mime;
  std::string sha = str_field(j, "sha256");
  if (sha.empty()) sha = row.sha256;
  if (url.empty()) return {Outcome::failed, "refused"};
  if (!media_type_allowed(mime) || !media_type_allowed(row.mime.empty() ? mime : row.mime)) return {Outcome::failed, "type"};
  // The kind must match the type: an "image" declared as audio/… is not shown as an image.
  if (media_base_type(mime).rfind(row.kind + "/", 0) != 0) return {Outcome::failed, "type"};
  if (auto it = j.find("file_size"); it != j.end()) {
    int64_t declared = -1;
    if (it->is_number_integer()) declared = it->get<int64_t>();
    if (it->is_string()) declared = std::atoll(it->get<std::string>().c_str());
    if (declared > max) return {Outcome::failed, "too_large"};  // refused before a byte is downloaded
  }
  // 2. The bytes, read up to the limit and not one byte further.
  auto bytes = graph_get(url, o.access_token, tls, static_cast<size_t>(max));
  if (bytes.too_large) return {Outcome::failed, "too_large"};
  if (bytes.status == 0 || bytes.status == 429 || bytes.status >= 500)
    return {Outcome::retry, bytes.error.empty() ? "HTTP " + std::to_string(bytes.status) : bytes.error};
  if (bytes.status < 200 || bytes.status >= 300) return {Outcome::failed, "refused"};
  if (static_cast<int64_t>(bytes.body.size()) > max) return {Outcome::failed, "too_large"};
  if (!media_sha256_matches(bytes.body, sha)) return {Outcome::failed, "sha256"};
  return {Outcome::stored, {}, media_base_type(mime), std::move(bytes.body)};
}

}  // namespace

Result<int64_t> Service::download_media(int64_t now) {
  // Read without a write transaction: almost every tick finds nothing due (SQLite's one write lock).
  std::vector<repo::MediaRow> due;
  {
    auto lease = db_.lease();
    if (!lease) return fail(lease.error());
    try {
      due = repo::media_due(**lease, now, 20);
    } catch (const std::exception& e) {
      return fail(store::database_error(e));
    }
  }
  int64_t stored = 0;
  for (const auto& row : due) {
    auto media_id = keys_.decrypt(row.media_id);
    Outcome out = media_id ? fetch(options_, row, *media_id) : Outcome{Outcome::failed, "refused"};
    const int attempts = row.attempts + 1;
    if (out.kind == Outcome::retry && attempts >= kMaxMediaAttempts) out = {Outcome::failed, "unreachable"};
    const int64_t at = now_ms();
    auto ok = db_.transaction<bool>([&](soci::session& s) -> Result<bool> {
      auto conv = repo::conversation_by_id(s, row.conversation_id);
      const std::string ref = conv ? conv->ref : std::string("?");
      if (out.kind == Outcome::stored) {
        repo::media_stored(s, row.id, out.mime, static_cast<int64_t>(out.bytes.size()), keys_.encrypt(out.bytes), at);
        audit::Entry e;
        e.action = "whatsapp.media";
        e.object = "whatsapp:" + ref;
        e.outcome = "ok";
        e.detail = out.mime + ", " + std::to_string(out.bytes.size()) + " bytes";
        audit_.append(s, e);
      } else if (out.kind == Outcome::failed) {
        repo::media_failed(s, row.id, attempts, out.reason, at);
        audit::Entry e;
        e.action = "whatsapp.media_failed";
        e.object = "whatsapp:" + ref;
        e.outcome = "failed";
        e.detail = out.reason;
        audit_.append(s, e);
      } else {
        repo::media_retry(s, row.id, attempts, at + media_backoff_ms(attempts), out.reason.substr(0, 300));
      }
      return true;
    });
    if (!ok) return fail(ok.error());
    if (out.kind != Outcome::retry) changed(row.conversation_id);
    if (out.kind == Outcome::stored) ++stored;
    if (out.kind == Outcome::retry) spdlog::warn("whatsapp: media download {} will be retried: {}", row.id, out.reason);
  }
  return stored;
}

Result<MediaFile> Service::media(const http::Request& req, const std::string& ref, int64_t media_id) {
  auto conv = load(ref);
  if (!conv) return fail(conv.error());
  const std::string part = ref.substr(0, ref.find('.'));
  if (auto ok = may(Use::read, req.who(), intake_.holder("whatsapp", ref)); !ok) {
    auto e = audit::Log::from(req, "whatsapp.denied", "whatsapp:" + part, "denied");
    e.detail = "archivo " + std::to_string(media_id);
    (void)audit_.append(e);
    return fail(ok.error());
  }
  auto row = db_.transaction<std::optional<std::pair<repo::MediaRow, std::string>>>(
      [&](soci::session& s) -> Result<std::optional<std::pair<repo::MediaRow, std::string>>> {
        auto r = repo::media_bytes(s, conv->id, media_id);
        auto e = audit::Log::from(req, "whatsapp.media_read", "whatsapp:" + part, r ? "ok" : "not_found");
        e.detail = "archivo " + std::to_string(media_id);
        audit_.append(s, e);
        return r;
      });
  if (!row) return fail(row.error());
  if (!*row) return fail(Error::not_found("El archivo no existe en esta conversación."));
  const auto& [m, cipher] = **row;
  if (m.state == "pending") return fail(Error::conflict("media_pending", "El archivo aún se está descargando desde WhatsApp."));
  if (m.state != "ready") return fail(Error::conflict("media_failed", media_failure_es(m.reason)));
  auto bytes = keys_.decrypt(cipher);
  if (!bytes) return fail(Error::internal());
  return MediaFile{m.mime, std::move(*bytes)};
}

}  // namespace eq::whatsapp
