// Meta's webhook: the signature over the raw bytes, and the payload (entry[].changes[].value) read
// into messages and statuses. The body is never re-serialized before the check: Meta signs what it
// sent, escaped unicode ("\u00f1") included.
#include <cctype>

#include "core/crypto.h"
#include "whatsapp/module.h"

namespace eq::whatsapp {

std::string sign(const std::string& app_secret, const std::string& raw_body) {
  return "sha256=" + crypto::hmac_sha256_hex(app_secret, raw_body);
}

Result<void> verify_signature(const std::string& app_secret, const std::string& header, const std::string& raw_body) {
  auto refuse = [](const char* why) { return fail(Error{401, "bad_signature", why, "X-Hub-Signature-256"}); };
  if (header.empty()) return refuse("Falta la firma X-Hub-Signature-256.");
  if (header.rfind("sha256=", 0) != 0 || header.size() != 7 + 64)
    return refuse("La firma debe tener la forma sha256=<hex>.");
  // Meta writes lower-case hex; sodium_memcmp (via equal_constant_time) compares without early exit.
  std::string given = header;
  for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!crypto::equal_constant_time(sign(app_secret, raw_body), given)) return refuse("La firma no corresponde al cuerpo recibido.");
  return {};
}

namespace {

std::string str(const http::Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Error bad(const std::string& field, const std::string& why) { return Error::invalid(field, why, "invalid_payload"); }

// Meta's "timestamp": seconds since 1970 as a string of digits.
Result<int64_t> timestamp_ms(const http::Json& j, const std::string& field) {
  const std::string ts = str(j, "timestamp");
  if (ts.empty() || ts.size() > 12 || ts.find_first_not_of("0123456789") != std::string::npos)
    return fail(bad(field, "La marca de tiempo debe ser segundos desde 1970."));
  return std::stoll(ts) * 1000;
}

// What the operator reads for each type; types the line cannot show are kept as a fact, not refused
// (one sticker must not make Meta retry a batch for days).
void describe(const http::Json& m, Inbound& in) {
  const auto& t = in.type;
  if (t == "text") {
    in.text = m.contains("text") && m["text"].is_object() ? str(m["text"], "body") : "";
  } else if (t == "location") {
    const auto& l = m.contains("location") && m["location"].is_object() ? m["location"] : http::Json::object();
    std::string place = str(l, "name");
    if (!str(l, "address").empty()) place += (place.empty() ? "" : ", ") + str(l, "address");
    auto num = [&](const char* k) { return l.contains(k) && l[k].is_number() ? l[k].dump() : std::string("?"); };
    in.text = "[ubicación] " + num("latitude") + ", " + num("longitude") + (place.empty() ? "" : " — " + place);
  } else if (t == "image" || t == "audio") {
    const auto& media = m.contains(t) && m[t].is_object() ? m[t] : http::Json::object();
    // The bytes stay at Meta until the media job downloads them (media.cc): its id, type, checksum.
    in.text = std::string(t == "image" ? "[imagen]" : "[audio]") + (str(media, "caption").empty() ? "" : " " + str(media, "caption"));
    in.media_id = str(media, "id");
    in.media_mime = str(media, "mime_type");
    in.media_sha256 = str(media, "sha256");
  } else {
    in.supported = false;
    in.text = "[no soportado: " + (t.empty() ? std::string("sin tipo") : t) + "]";
  }
}

}  // namespace

Result<Batch> parse_webhook(const std::string& raw_body) {
  http::Json doc;
  try {
    doc = http::Json::parse(raw_body);
  } catch (const std::exception&) {
    return fail(Error::bad_request("invalid_json", "El cuerpo no es JSON válido."));
  }
  if (!doc.is_object() || !doc.contains("entry") || !doc["entry"].is_array()) return fail(bad("entry", "Falta la lista «entry»."));
  Batch out;
  for (const auto& entry : doc["entry"]) {
    if (!entry.is_object() || !entry.contains("changes") || !entry["changes"].is_array()) return fail(bad("entry[].changes", "Falta la lista «changes»."));
    for (const auto& change : entry["changes"]) {
      if (!change.is_object() || !change.contains("value") || !change["value"].is_object()) return fail(bad("changes[].value", "Falta «value»."));
      // Other subscribed fields (account updates, templates…) carry no message: skipped, answered 200.
      if (str(change, "field") != "" && str(change, "field") != "messages") continue;
      const auto& v = change["value"];
      if (str(v, "messaging_product") != "whatsapp") return fail(bad("value.messaging_product", "Se esperaba «whatsapp»."));
      const std::string phone_number_id = v.contains("metadata") && v["metadata"].is_object() ? str(v["metadata"], "phone_number_id") : "";
      // contacts[]: who wrote; the BSUID (user_id) is the key when Meta gives it, the phone is optional.
      struct Who {
        std::string wa_id, user_id;
      };
      std::vector<Who> who;
      if (v.contains("contacts") && v["contacts"].is_array())
        for (const auto& c : v["contacts"])
          if (c.is_object()) who.push_back({str(c, "wa_id"), str(c, "user_id")});
      if (v.contains("messages")) {
        if (!v["messages"].is_array()) return fail(bad("value.messages", "«messages» debe ser una lista."));
        for (const auto& m : v["messages"]) {
          if (!m.is_object()) return fail(bad("messages[]", "Cada mensaje debe ser un objeto."));
          Inbound in;
          in.wamid = str(m, "id");
          in.type = str(m, "type");
          in.phone_number_id = phone_number_id;
          const std::string from = str(m, "from");
          std::string user_id = str(m, "from_user_id");
          for (const auto& w : who)
            if ((!from.empty() && w.wa_id == from) || (!user_id.empty() && w.user_id == user_id) || who.size() == 1) {
              if (user_id.empty()) user_id = w.user_id;
              in.wa_id = w.wa_id.empty() ? from : w.wa_id;
              break;
            }
          if (in.wa_id.empty()) in.wa_id = from;
          in.user_key = user_id.empty() ? in.wa_id : user_id;
          if (in.wamid.empty() || in.wamid.size() > 200) return fail(bad("messages[].id", "Falta el identificador del mensaje."));
          if (in.user_key.empty() || in.user_key.size() > 200) return fail(bad("messages[].from", "Falta quién envió el mensaje."));
          auto at = timestamp_ms(m, "messages[].timestamp");
          if (!at) return fail(at.error());
          in.at_ms = *at;
          describe(m, in);
          out.messages.push_back(std::move(in));
        }
      }
      if (v.contains("statuses")) {
        if (!v["statuses"].is_array()) return fail(bad("value.statuses", "«statuses» debe ser una lista."));
        for (const auto& st : v["statuses"]) {
          if (!st.is_object()) return fail(bad("statuses[]", "Cada estado debe ser un objeto."));
          Status s;
          s.wamid = str(st, "id");
          s.status = str(st, "status");
          if (s.wamid.empty() || s.wamid.size() > 200) return fail(bad("statuses[].id", "Falta el identificador del mensaje."));
          if (s.status.empty() || s.status.size() > 40) return fail(bad("statuses[].status", "Falta el estado."));
          auto at = timestamp_ms(st, "statuses[].timestamp");
          if (!at) return fail(at.error());
          s.at_ms = *at;
          // Echoed by Meta from the send: the attempt id that resolves a reply left "uncertain".
          s.callback = str(st, "biz_opaque_callback_data").substr(0, 512);
          if (st.contains("errors") && st["errors"].is_array() && !st["errors"].empty() && st["errors"][0].is_object()) {
            const auto& e = st["errors"][0];
            if (e.contains("code") && e["code"].is_number_integer()) s.error_code = e["code"].get<int64_t>();
            s.error_title = str(e, "title").substr(0, 300);
          }
          out.statuses.push_back(std::move(s));
        }
      }
    }
  }
  return out;
}

}  // namespace eq::whatsapp
