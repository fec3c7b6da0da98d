// How a channel (the 1455 phone line, the silent web chat, later WhatsApp and the pharmacies'
// «Mascarilla 19») hands a woman's contact to the ONE operator queue, and hears back what the
// queue did with it. The queue (channels/queue.*) implements Intake; each channel's transport
// uses it and never touches the queue's tables. Kept small on purpose: a new channel is a new
// transport plus calls to these four functions.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"

namespace eq::channels {

struct NewContact {
  std::string channel;       // "phone" | "chat" | "whatsapp" | "pharmacy"
  std::string external_ref;  // the channel's own id (call id, chat session id…), unique per channel
  bool urgent = false;       // "necesito ayuda urgente" in the opening form: priority queue
  std::string comuna_code;   // optional (her opening form, a pharmacy's comuna)
  std::string opening_text;  // optional: what she wrote before anyone answered (stored encrypted)
  std::string caller_hash;   // optional: Intake::caller_hash of her number or address (repeat contacts, blocks)
};

// Who holds a contact now, as a channel needs to know it.
struct Holder {
  std::string contact_id;
  std::string state;        // "waiting" | "offered" | "active" | "closed"
  std::string user_id;      // operator holding it, empty while waiting
  std::string public_name;  // what the woman is shown ("Orientadora 1455"), never the operator's name
  // The registry person the operator identified her as («Identificar»), if any. A channel's purge
  // passes it to the legal-hold question (core/purge.h), so a hold on her keeps her transcript:
  // the contact is the only link between a channel's conversation and the registry.
  std::optional<int64_t> person_id;
};

class Intake {
 public:
  virtual ~Intake() = default;
  // Puts a new contact in the queue; answers the contact id. Opening twice the same
  // (channel, external_ref) answers the existing contact (channels retry).
  virtual Result<std::string> open(const NewContact& contact) = 0;
  // She left for good (hung up, closed the chat, «Salida rápida»): the contact stays for the
  // operator's record with that fact; a contact still waiting becomes "abandoned".
  virtual void left(const std::string& channel, const std::string& external_ref, const std::string& why) = 0;
  virtual std::optional<Holder> holder(const std::string& channel, const std::string& external_ref) = 0;
  // The keyed hash a channel stores instead of her number ("number": phone or WhatsApp, the last nine
  // digits, so a call and a message from the same phone match) or address ("address": the chat's).
  // Keyed with the callers key (equidad.callers.key, beside equidad.key and NOT changed by `keys
  // rotate`): a rotation must not forget who is blocked or who called before at high risk.
  virtual std::string caller_hash(const std::string& kind, const std::string& value) const = 0;
  // Called after the queue offers, assigns, transfers or closes a contact of any channel.
  virtual void on_change(std::function<void(const std::string& channel, const std::string& external_ref, const Holder&)> listener) = 0;
};

}  // namespace eq::channels
