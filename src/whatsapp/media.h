// Her images and audio (issue 14): Meta's webhook names a media by id; the bytes stay at Meta until
// the media job downloads them (WhatsApp Cloud API: GET {base}/{version}/{media-id} with the bearer
// token answers {url, mime_type, sha256, file_size, id}; GET {url} with the bearer answers the
// bytes). The checks below are pure, so the unit tests reach them without a server.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <soci/soci.h>

#include "core/crypto.h"
#include "whatsapp/module.h"

namespace eq::whatsapp {

// Largest media the line keeps, by kind (Meta's own caps: image 5 MB, audio 16 MB).
inline constexpr int64_t kMaxImageBytes = 5LL * 1024 * 1024;
inline constexpr int64_t kMaxAudioBytes = 16LL * 1024 * 1024;
// Downloads of one media before it is given up as unreachable (back-off 2 s, 4 s … 10 min).
inline constexpr int kMaxMediaAttempts = 8;

// "audio/ogg; codecs=opus" → "audio/ogg" (lower case, no parameters).
std::string media_base_type(const std::string& mime);
// The allowed list: image/jpeg, image/png, image/webp, audio/ogg, audio/aac, audio/mpeg, audio/amr, audio/mp4.
bool media_type_allowed(const std::string& mime);
int64_t media_max_bytes(const std::string& kind);  // "image" | "audio"
// Meta's sha256 of the bytes, as lowercase or uppercase hex or as base64 of the digest: both forms
// are seen in Meta's answers. Empty expected = nothing to check against (false: refused).
bool media_sha256_matches(const std::string& bytes, const std::string& expected);
// What the operator reads for a failed download (reason: too_large, type, sha256, unreachable, refused).
std::string media_failure_es(const std::string& reason);

// The webhook's hook (service.cc store_messages): her message (just inserted as `message_id`)
// carries a media; a pending download is recorded in the same transaction (nothing is fetched on
// the webhook's path).
void note_media(soci::session& s, const crypto::Keys& keys, int64_t conversation_id, int64_t message_id, const Inbound& in, int64_t now);

}  // namespace eq::whatsapp
