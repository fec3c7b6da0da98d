// Evidence of an incident for a court: every position of the order's devices around it, every
// alert, every operator action and dispatch, in time order, each entry chained to the previous
// one by SHA-256 and the chain's head signed with the installation's Ed25519 key. Changing,
// removing or reordering any entry breaks the chain; forging a new chain needs the private key.
#include <sodium.h>

#include <algorithm>

#include "core/time.h"
#include "monitoring/service_impl.h"
#include "store/query.h"
#include "store/row.h"

namespace eq::monitoring {

using http::Json;
using store::Query;

namespace {

constexpr const char* kFormat = "equidad-evidencia-1";
const std::string kZeros(64, '0');

struct KeyPair {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

// Derived from the installation's master key, so it survives restarts without another secret file;
// rotating the master key changes it (exports made before keep verifying with the key they carry
// and the one published at the time).
KeyPair signing_keys(const crypto::Keys& keys) {
  const std::string material = keys.blind_index("equidad/monitoring/evidence-signing/v1");
  unsigned char seed[crypto_sign_SEEDBYTES];
  crypto_generichash(seed, sizeof seed, reinterpret_cast<const unsigned char*>(material.data()), material.size(), nullptr, 0);
  KeyPair kp;
  crypto_sign_seed_keypair(kp.pk, kp.sk, seed);
  sodium_memzero(seed, sizeof seed);
  return kp;
}

std::string entry_hash(const std::string& prev, const Json& entry) {
  Json body = {{"seq", entry.at("seq")}, {"kind", entry.at("kind")}, {"at", entry.at("at")}, {"data", entry.at("data")}};
  return crypto::sha256_hex(prev + "\n" + body.dump());
}

}  // namespace

std::string export_public_key(const crypto::Keys& keys) {
  auto kp = signing_keys(keys);
  return crypto::base64url(std::string(reinterpret_cast<const char*>(kp.pk), sizeof kp.pk));
}

Json evidence_document(Service::Impl& I, soci::session& s, int64_t incident_id) {
  Json inc = I.incident_json(s, incident_id);
  if (inc.is_null()) return inc;
  const int64_t margin = static_cast<int64_t>(I.opt.evidence_margin_min) * 60'000;
  const int64_t from = inc["first_at"].get<int64_t>() - margin, to = inc["last_at"].get<int64_t>() + margin;
  std::vector<std::pair<int64_t, Json>> items;  // (instant, {kind, data})
  items.emplace_back(inc["first_at"].get<int64_t>(), Json{{"kind", "incident"}, {"data", inc}});
  // Coordinates are stored sealed; the evidence carries them opened, as the court needs them.
  auto lat = [](const std::optional<LatLon>& p) { return p ? Json(p->lat) : Json(nullptr); };
  auto lon = [](const std::optional<LatLon>& p) { return p ? Json(p->lon) : Json(nullptr); };
  Query("SELECT type, device_id, at, loc_enc, distance_m, battery, committed_at FROM monitoring_alerts WHERE incident_id = :i ORDER BY id")
      .bind("i", static_cast<long long>(incident_id))
      .each(s, [&](const soci::row& r) {
        const auto at = I.open_point(r, 3);
        items.emplace_back(store::get_int(r, 2),
                           Json{{"kind", "alert"},
                                {"data", {{"type", store::get_str(r, 0)}, {"device_id", store::get_str(r, 1)},
                                          {"lat", lat(at)},
                                          {"lon", lon(at)},
                                          {"distance_m", double_or_null(r, 4)},
                                          {"battery", int_or_null(r, 5)},
                                          {"committed_at", store::get_int(r, 6)}}}});
      });
  Query("SELECT p.device_id, p.at, p.received_at, p.loc_enc, p.speed_kmh, p.battery, p.alarms, p.status FROM monitoring_positions p "
        "JOIN monitoring_devices d ON d.device_id = p.device_id WHERE d.order_id = :o AND p.at >= :from AND p.at <= :to "
        "ORDER BY p.at LIMIT 20000")
      .bind("o", static_cast<long long>(inc["order_id"].get<int64_t>()))
      .bind("from", static_cast<long long>(from))
      .bind("to", static_cast<long long>(to))
      .each(s, [&](const soci::row& r) {
        const auto at = I.open_point(r, 3);
        items.emplace_back(store::get_int(r, 1),
                           Json{{"kind", "position"},
                                {"data", {{"device_id", store::get_str(r, 0)}, {"received_at", store::get_int(r, 2)},
                                          {"lat", lat(at)},
                                          {"lon", lon(at)},
                                          {"speed_kmh", double_or_null(r, 4)},
                                          {"battery", int_or_null(r, 5)},
                                          {"alarms", store::get_int(r, 6)}, {"status", store::get_str(r, 7)}}}});
      });
  Query("SELECT at, kind, note, outcome, reached, user_id FROM monitoring_actions WHERE incident_id = :i ORDER BY id")
      .bind("i", static_cast<long long>(incident_id))
      .each(s, [&](const soci::row& r) {
        items.emplace_back(store::get_int(r, 0),
                           Json{{"kind", "action"},
                                {"data", {{"action", store::get_str(r, 1)}, {"note", I.open_text(store::get_str(r, 2))}, {"outcome", store::get_str(r, 3)},
                                          {"reached", bool_or_null(r, 4)},
                                          {"user_id", int_or_null(r, 5)}}}});
      });
  std::vector<int64_t> ds;
  Query("SELECT id FROM monitoring_dispatches WHERE incident_id = :i ORDER BY id")
      .bind("i", static_cast<long long>(incident_id))
      .each(s, [&](const soci::row& r) { ds.push_back(store::get_int(r, 0)); });
  for (int64_t d : ds) {
    Json dj = I.dispatch_json(s, d);
    items.emplace_back(dj["created_at"].get<int64_t>(), Json{{"kind", "dispatch"}, {"data", dj}});
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  Json entries = Json::array();
  std::string prev = kZeros;
  int64_t seq = 1;
  for (auto& [at, item] : items) {
    Json e = {{"seq", seq++}, {"kind", item["kind"]}, {"at", at}, {"data", item["data"]}};
    e["prev"] = prev;
    e["hash"] = entry_hash(prev, e);
    prev = e["hash"].get<std::string>();
    entries.push_back(std::move(e));
  }
  auto kp = signing_keys(I.keys);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(prev.data()), prev.size(), kp.sk);
  sodium_memzero(kp.sk, sizeof kp.sk);
  return {{"format", kFormat},
          {"incident_id", incident_id},
          {"generated_at", now_ms()},
          {"generated_at_iso", iso8601_utc(now_ms())},
          {"hash_rule", "hash = hex(SHA-256(prev + \"\\n\" + JSON{seq,kind,at,data} con claves ordenadas y sin espacios))"},
          {"entries", entries},
          {"head", prev},
          {"signature", crypto::base64url(std::string(reinterpret_cast<const char*>(sig), sizeof sig))},
          {"public_key", crypto::base64url(std::string(reinterpret_cast<const char*>(kp.pk), sizeof kp.pk))}};
}

// Checks the chain and the signature; the caller compares public_key with the published one.
Result<std::string> verify_evidence(const nlohmann::json& doc) {
  auto broken = [](const std::string& why) { return fail(Error::invalid("entries", why, "evidence_broken")); };
  if (!doc.is_object() || doc.value("format", "") != kFormat) return broken("No es un documento de evidencia de Equidad.");
  if (!doc.contains("entries") || !doc["entries"].is_array()) return broken("El documento no tiene entradas.");
  std::string prev = kZeros;
  int64_t seq = 1;
  for (const auto& e : doc["entries"]) {
    if (!e.is_object() || !e.contains("seq") || !e.contains("kind") || !e.contains("at") || !e.contains("data") || !e.contains("hash") ||
        !e.contains("prev"))
      return broken("La entrada " + std::to_string(seq) + " está incompleta.");
    if (e["seq"] != seq || e["prev"] != prev) return broken("La cadena se rompe en la entrada " + std::to_string(seq) + ".");
    if (entry_hash(prev, e) != e["hash"]) return broken("La entrada " + std::to_string(seq) + " fue modificada.");
    prev = e["hash"].get<std::string>();
    ++seq;
  }
  if (doc.value("head", "") != prev) return broken("La cabeza de la cadena no coincide con la última entrada.");
  auto sig = crypto::from_base64url(doc.value("signature", ""));
  auto pk = crypto::from_base64url(doc.value("public_key", ""));
  if (!sig || !pk || sig->size() != crypto_sign_BYTES || pk->size() != crypto_sign_PUBLICKEYBYTES)
    return broken("La firma o la clave pública no son válidas.");
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()), reinterpret_cast<const unsigned char*>(prev.data()),
                                  prev.size(), reinterpret_cast<const unsigned char*>(pk->data())) != 0)
    return broken("La firma no corresponde al contenido.");
  return "OK: " + std::to_string(seq - 1) + " entradas encadenadas, firma válida (clave pública " + doc.value("public_key", "") + ")";
}

}  // namespace eq::monitoring
