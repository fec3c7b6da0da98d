// The printable evidence export (monitoring/evidence.h): the page carries the signed document
// unchanged, prints its instants in Chilean time to the second, escapes what operators typed, and
// `equidad monitor verify` accepts it only when both the signed document and the readable part are
// intact. The document is signed here with a throw-away key, following the documented hash rule.
#include <gtest/gtest.h>
#include <sodium.h>

#include "core/crypto.h"
#include "monitoring/evidence.h"

namespace eq::monitoring {
namespace {

using Json = nlohmann::json;

constexpr int64_t kSummer = 1768480496000;  // 2026-01-15T12:34:56Z: 09:34:56 in Santiago (UTC-3)
constexpr int64_t kWinter = 1784118896000;  // 2026-07-15T12:34:56Z: 08:34:56 in Santiago (UTC-4)

Json signed_document(const std::string& note) {
  const std::vector<std::pair<std::string, Json>> items = {
      {"incident", {{"id", 7}, {"order_id", 3}, {"order_label", "RIT F-1-2026"}, {"type", "zone_enter"}, {"type_label", "Ingreso a zona de exclusión"},
                    {"severity", "high"}, {"device_id", "tag-1"}, {"device_kind", "aggressor_tag"}, {"first_at", kSummer}, {"last_at", kSummer},
                    {"count", 1}, {"lat", -33.4378}, {"lon", -70.6505}, {"distance_m", nullptr}, {"state", "en_gestion"}, {"outcome", ""}}},
      {"position", {{"device_id", "tag-1"}, {"received_at", kSummer + 1000}, {"lat", -33.43781234}, {"lon", -70.6505}, {"speed_kmh", 4.5},
                    {"battery", 81}, {"alarms", 0}, {"status", "ok"}}},
      {"action", {{"action", "nota"}, {"note", note}, {"outcome", ""}, {"reached", nullptr}, {"user_id", 12}}}};
  const std::vector<int64_t> at = {kSummer, kSummer, kWinter};
  Json entries = Json::array();
  std::string prev(64, '0');
  for (size_t i = 0; i < items.size(); ++i) {
    Json body = {{"seq", i + 1}, {"kind", items[i].first}, {"at", at[i]}, {"data", items[i].second}};
    Json e = body;
    e["prev"] = prev;
    e["hash"] = crypto::sha256_hex(prev + "\n" + body.dump());
    prev = e["hash"].get<std::string>();
    entries.push_back(e);
  }
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
  crypto_sign_keypair(pk, sk);
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(prev.data()), prev.size(), sk);
  return {{"format", "equidad-evidencia-1"},
          {"incident_id", 7},
          {"generated_at", kWinter},
          {"generated_at_iso", "2026-07-15T12:34:56.000Z"},
          {"hash_rule", "regla"},
          {"entries", entries},
          {"head", prev},
          {"signature", crypto::base64url(std::string(reinterpret_cast<const char*>(sig), sizeof sig))},
          {"public_key", crypto::base64url(std::string(reinterpret_cast<const char*>(pk), sizeof pk))}};
}

Json embedded(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"evidencia\">";
  const auto a = html.find(open) + open.size();
  return Json::parse(html.substr(a, html.find("</script>", a) - a));
}

class EvidencePrint : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto::init()); }
};

TEST_F(EvidencePrint, PageCarriesTheSignedDocumentAndVerifies) {
  const Json doc = signed_document("Se llama a Carabineros.");
  const std::string html = evidence_html(doc);
  EXPECT_EQ(html, evidence_html(doc)) << "the page is a pure function of the document";
  EXPECT_EQ(embedded(html), doc);
  auto ok = verify_evidence_text(html);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->rfind("OK: 3 entradas encadenadas, firma válida", 0), 0u) << *ok;
  EXPECT_NE(ok->find("la parte legible coincide con el documento firmado"), std::string::npos) << *ok;
  // The JSON export itself still verifies through the same entry point.
  auto json = verify_evidence_text(doc.dump(2));
  ASSERT_TRUE(json) << json.error().message;
}

TEST_F(EvidencePrint, InstantsInSantiagoToTheSecondAndNumbersInSpanish) {
  const std::string html = evidence_html(signed_document("nota"));
  EXPECT_NE(html.find("<td>2</td><td>15-01-2026 09:34:56</td><td>Posición</td>"), std::string::npos);   // summer time, UTC-3
  EXPECT_NE(html.find("<td>3</td><td>15-07-2026 08:34:56</td><td>Acción del operador</td>"), std::string::npos);  // winter, UTC-4
  EXPECT_NE(html.find("generado el 15-07-2026 08:34:56"), std::string::npos);
  EXPECT_NE(html.find("lat. -33,437812; long. -70,650500"), std::string::npos);
  EXPECT_NE(html.find("4,5 km/h"), std::string::npos);
  EXPECT_NE(html.find("Tobillera GPS del agresor"), std::string::npos);
  for (const char* h : {"<h2>Orden</h2>", "<h2>Incidente</h2>", "<h2>Dispositivo</h2>", "<h2>Registro encadenado", "<h2>Cadena de hashes",
                        "<h2>Cómo verificar</h2>"})
    EXPECT_NE(html.find(h), std::string::npos) << h;
  // No raw Unix instant outside the embedded block.
  const std::string page = html.substr(0, html.find("<script"));
  EXPECT_EQ(page.find("1768480496000"), std::string::npos);
}

TEST_F(EvidencePrint, WhatOperatorsTypedIsTextAndCannotCloseTheBlock) {
  const std::string note = "</script><script>alert(1)</script><b>x</b> & \"y\"";
  const Json doc = signed_document(note);
  const std::string html = evidence_html(doc);
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
  size_t closes = 0;
  for (auto at = html.find("</script>"); at != std::string::npos; at = html.find("</script>", at + 1)) ++closes;
  EXPECT_EQ(closes, 1u);
  EXPECT_EQ(embedded(html), doc);
  EXPECT_TRUE(verify_evidence_text(html));
}

TEST_F(EvidencePrint, AnEditedPageOrDocumentIsRefused) {
  const std::string html = evidence_html(signed_document("nota"));
  // The readable table says another time; the signed block is intact.
  std::string table = html;
  table.replace(table.find("15-01-2026 09:34:56</td><td>Posición"), 19, "15-01-2026 10:34:56");
  auto r = verify_evidence_text(table);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "evidence_broken");
  EXPECT_EQ(r.error().message.rfind("La parte legible no coincide", 0), 0u) << r.error().message;
  // The signed block changed (a position moved): the chain breaks.
  std::string block = html;
  block.replace(block.find("-33.43781234"), 12, "-33.43881234");
  r = verify_evidence_text(block);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "La entrada 2 fue modificada.");
  // A second, forged block put before the real one is not read past the page check.
  std::string twice = html;
  twice.insert(twice.find("<body>") + 6, "<script type=\"application/json\" id=\"evidencia\">{}</script>");
  EXPECT_FALSE(verify_evidence_text(twice));
  EXPECT_FALSE(verify_evidence_text("<html><body>hola</body></html>"));
  EXPECT_FALSE(verify_evidence_text(""));
}

TEST_F(EvidencePrint, APageOfAnotherVersionIsCheckedOnlyForItsSignedDocumentAndSaysSo) {
  std::string html = evidence_html(signed_document("nota"));
  html.replace(html.find("equidad-evidencia-html-1"), 24, "equidad-evidencia-html-0");
  auto r = verify_evidence_text(html);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_NE(r->find("no se comparó: solo el documento firmado incrustado es auténtico"), std::string::npos) << *r;
}

}  // namespace
}  // namespace eq::monitoring
