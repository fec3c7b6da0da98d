#include "app/standin_queue.h"

#include <map>
#include <mutex>
#include <vector>

namespace eq::app {

namespace {

class StandinQueue : public channels::Intake {
 public:
  Result<std::string> open(const channels::NewContact& c) override {
    std::lock_guard lock(mu_);
    auto key = c.channel + "|" + c.external_ref;
    auto it = contacts_.find(key);
    if (it != contacts_.end()) return it->second.contact_id;
    channels::Holder h{"standin-" + std::to_string(++next_), "waiting", "", ""};
    contacts_[key] = h;
    return h.contact_id;
  }
  void left(const std::string& channel, const std::string& ref, const std::string&) override {
    std::lock_guard lock(mu_);
    auto it = contacts_.find(channel + "|" + ref);
    if (it != contacts_.end() && it->second.state == "waiting") it->second.state = "closed";
  }
  std::optional<channels::Holder> holder(const std::string& channel, const std::string& ref) override {
    std::lock_guard lock(mu_);
    auto it = contacts_.find(channel + "|" + ref);
    if (it == contacts_.end()) return std::nullopt;
    return it->second;
  }
  void on_change(std::function<void(const std::string&, const std::string&, const channels::Holder&)> l) override {
    std::lock_guard lock(mu_);
    listeners_.push_back(std::move(l));
  }
  std::vector<std::pair<std::string, channels::Holder>> chats() {
    std::lock_guard lock(mu_);
    std::vector<std::pair<std::string, channels::Holder>> out;
    for (const auto& [k, h] : contacts_)
      if (k.rfind("chat|", 0) == 0) out.emplace_back(k.substr(5), h);
    return out;
  }
  // The operator takes (or is transferred) the contact.
  Result<channels::Holder> take(const std::string& ref, int64_t user_id) {
    channels::Holder h;
    std::vector<std::function<void(const std::string&, const std::string&, const channels::Holder&)>> ls;
    {
      std::lock_guard lock(mu_);
      auto it = contacts_.find("chat|" + ref);
      if (it == contacts_.end()) return fail(Error::not_found("No hay un contacto de chat con esa referencia."));
      if (it->second.state == "closed") return fail(Error::conflict("closed", "El contacto está cerrado."));
      it->second.state = "active";
      it->second.user_id = std::to_string(user_id);
      it->second.public_name = "Orientadora 1455";
      h = it->second;
      ls = listeners_;
    }
    for (auto& l : ls) l("chat", ref, h);
    return h;
  }

 private:
  std::mutex mu_;
  std::map<std::string, channels::Holder> contacts_;
  std::vector<std::function<void(const std::string&, const std::string&, const channels::Holder&)>> listeners_;
  int64_t next_ = 0;
};

}  // namespace

std::shared_ptr<channels::Intake> standin_queue(http::Router& router) {
  auto q = std::make_shared<StandinQueue>();
  router.add({"POST", "/api/v1/test/standin-queue/{ref}/take", "channels.answer",
              "SOLO PRUEBAS: tomar un contacto de chat en la cola provisoria (EQ_TEST_STANDIN_QUEUE=1)", "test",
              [q](http::Request& req) -> Result<http::Response> {
                auto h = q->take(req.params["ref"], req.who().user_id);
                if (!h) return fail(h.error());
                return http::Response::json({{"contact_id", h->contact_id}, {"state", h->state}, {"user_id", h->user_id}});
              }});
  router.add({"GET", "/api/v1/test/standin-queue", "channels.answer", "SOLO PRUEBAS: contactos de chat en la cola provisoria", "test",
              [q](http::Request&) -> Result<http::Response> {
                http::Json items = http::Json::array();
                for (const auto& [ref, h] : q->chats())
                  items.push_back({{"session", ref}, {"contact_id", h.contact_id}, {"state", h.state}, {"user_id", h.user_id}});
                return http::Response::json({{"items", items}});
              }});
  return q;
}

}  // namespace eq::app
