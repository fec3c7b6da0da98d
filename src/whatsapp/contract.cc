// The WhatsApp line as the core sees it (kernel/module.h). It opens after channels, whose queue it
// hands every conversation to (channels::Intake). Secrets beside the key file like the telephony
// secret; the Graph API's address and token from the environment (WHATSAPP.md).
#include <cstdlib>
#include <filesystem>
#include <string>

#include "channels/module.h"
#include "core/time.h"
#include "kernel/module.h"
#include "whatsapp/module.h"

namespace eq::whatsapp {

namespace {

std::string beside(const std::string& key_file, const std::string& suffix) {
  std::filesystem::path p(key_file);
  if (p.extension() == ".key") return p.replace_extension(suffix).string();
  return key_file + suffix;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

Result<void> open(kernel::Context& ctx) {
  auto intake = ctx.need<channels::Intake>();
  Options o;
  auto secret = channels::load_or_create_secret(beside(ctx.key_file, ".whatsapp.key"));
  if (!secret) return fail(secret.error());
  auto verify = channels::load_or_create_secret(beside(ctx.key_file, ".whatsapp.verify"));
  if (!verify) return fail(verify.error());
  // Meta's app secret is Meta's: set EQ_WHATSAPP_APP_SECRET to it, or write it into the file.
  o.app_secret = env("EQ_WHATSAPP_APP_SECRET").empty() ? *secret : env("EQ_WHATSAPP_APP_SECRET");
  o.verify_token = *verify;
  o.access_token = env("EQ_WHATSAPP_TOKEN");
  if (!env("EQ_WHATSAPP_GRAPH_URL").empty()) o.graph_url = env("EQ_WHATSAPP_GRAPH_URL");
  while (!o.graph_url.empty() && o.graph_url.back() == '/') o.graph_url.pop_back();
  if (!env("EQ_WHATSAPP_GRAPH_VERSION").empty()) o.graph_version = env("EQ_WHATSAPP_GRAPH_VERSION");
  o.phone_number_id = env("EQ_WHATSAPP_PHONE_NUMBER_ID");
  o.ca_file = env("EQ_WHATSAPP_CA_FILE");
  if (!env("EQ_WHATSAPP_SEND_RATE").empty()) {
    try {
      o.send_rate = std::stod(env("EQ_WHATSAPP_SEND_RATE"));
    } catch (const std::exception&) {
      return fail(Error::invalid("EQ_WHATSAPP_SEND_RATE", "Debe ser un número de mensajes por segundo (p. ej. 80)."));
    }
    if (!(o.send_rate > 0 && o.send_rate <= 10000))
      return fail(Error::invalid("EQ_WHATSAPP_SEND_RATE", "Debe estar entre 0 y 10.000 mensajes por segundo."));
  }
  if (auto inbox = ctx.find<InboxSettings>()) o.inbox = *inbox;
  if (!o.ca_file.empty() && !std::filesystem::exists(o.ca_file))
    return fail(Error::invalid("EQ_WHATSAPP_CA_FILE", "El archivo de certificados no existe: " + o.ca_file));
  auto svc = std::make_shared<Service>(ctx.db, ctx.keys, *ctx.need<audit::Log>(), *intake, o);
  if (auto ok = svc->resume_outbox(); !ok) return fail(ok.error());
  register_routes(ctx.router, svc);
  ctx.provide(svc);
  return {};
}

}  // namespace

kernel::Module module() {
  return {
      .name = "whatsapp",
      .migrations = migrations,
      .encrypted_fields = encrypted_fields,
      // Meta authenticates with the verify token (GET) and the X-Hub-Signature-256 HMAC (POST).
      .public_routes = {"GET /api/v1/whatsapp/webhook", "POST /api/v1/whatsapp/webhook"},
      .open = open,
      // One conversation waiting in the queue (or pending until the 1455 opens), so the demo
      // operator has a WhatsApp contact to take.
      .load_demo = [](kernel::Context& ctx) -> Result<void> {
        auto svc = ctx.find<Service>();
        return svc ? svc->load_demo(now_ms()) : Result<void>{};
      },
      // Every second: the outbox (replies within seconds), and contacts the queue could not take yet.
      .jobs = {{"whatsapp outbox", std::chrono::seconds(1),
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  auto svc = ctx.find<Service>();
                  if (!svc) return {};
                  svc->start();  // the inbox thread (once): it first processes what a stop left in the inbox
                  if (auto n = svc->send_due(now); !n) return fail(n.error());
                  if (auto n = svc->open_pending(now); !n) return fail(n.error());
                  return {};
                }},
               // Her images and audio, on a thread of their own: a slow download from Meta never
               // holds a reply in the outbox (media.cc).
               {"whatsapp media", std::chrono::seconds(1),
                [](kernel::Context& ctx, int64_t now) -> Result<void> {
                  auto svc = ctx.find<Service>();
                  if (!svc) return {};
                  if (auto n = svc->download_media(now); !n) return fail(n.error());
                  return {};
                }}},
      .close =
          [](kernel::Context& ctx) {
            if (auto svc = ctx.find<Service>()) svc->stop();
          },
  };
}

}  // namespace eq::whatsapp
