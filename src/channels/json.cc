// The help channels' structs as JSON (with Spanish labels beside each code, so screens keep no copy).
#include "channels/module.h"
#include "core/time.h"

namespace eq::channels {

using nlohmann::json;

namespace {
json opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

json to_json(const Contact& c, bool full) {
  json j = {{"id", c.id},
            {"channel", c.channel},
            {"channel_name", channel_names().label(c.channel)},
            {"state", c.state},
            {"urgent", c.urgent},
            {"priority", c.priority},
            {"created_at", c.created_at},
            {"waiting_s", ((c.taken_at ? *c.taken_at : (c.closed_at ? *c.closed_at : now_ms())) - c.created_at) / 1000},
            {"offered_to", opt(c.offered_to)},
            {"offer_expires_at", opt(c.offer_expires_at)},
            {"holder_user_id", opt(c.holder_user_id)}};
  if (!full) return j;
  // The WhatsApp ref is a random token of src/whatsapp (never her number): the console opens its pane by it.
  j.update(json{{"external_ref", c.channel == "phone" || c.channel == "chat" || c.channel == "whatsapp" ? json(c.external_ref) : json(nullptr)},
                {"comuna_code", c.comuna_code},
                {"opening_text", c.opening_text},
                {"repeat_caller", c.repeat_count > 0},
                {"repeat_count", c.repeat_count},
                {"number_consent", c.number_consent},
                {"caller_number", c.number_consent && !c.caller_number.empty() ? json(c.caller_number) : json(nullptr)},
                {"taken_at", opt(c.taken_at)},
                {"closed_at", opt(c.closed_at)},
                {"left_at", opt(c.left_at)},
                {"left_why", c.left_why},
                {"reason", c.reason},
                {"reason_name", c.reason.empty() ? "" : reasons().label(c.reason)},
                {"violence_type", c.violence_type},
                {"risk_screen", c.risk_yes},
                {"risk_level", c.risk_level},
                {"orientation", c.orientation},
                {"outcome", c.outcome},
                {"outcome_name", c.outcome.empty() ? "" : outcomes().label(c.outcome)},
                {"notes", c.notes},
                {"anonymous", !c.person_id},
                {"person_id", opt(c.person_id)},
                {"record_id", opt(c.record_id)},
                {"referral_record_id", opt(c.referral_record_id)},
                {"version", c.version}});
  return j;
}

json to_json(const Operator& o) {
  return {{"user_id", o.user_id},
          {"name", o.name},
          {"presence", o.presence},
          {"presence_name", presences().label(o.presence)},
          {"skills", o.skills},
          {"max_chats", o.max_chats},
          {"active_calls", o.active_calls},
          {"active_chats", o.active_chats},
          {"offered", o.offered},
          {"updated_at", o.updated_at}};
}

json to_json(const Callback& c) {
  return {{"id", c.id},          {"contact_id", c.contact_id}, {"created_at", c.created_at}, {"deadline_at", c.deadline_at},
          {"state", c.state},    {"done_at", opt(c.done_at)},  {"done_by", opt(c.done_by)},  {"note", c.note},
          {"priority", c.priority}, {"overdue", c.state == "pending" && c.deadline_at < now_ms()}};
}

json to_json(const Block& b) {
  return {{"id", b.id},           {"contact_id", opt(b.contact_id)}, {"reason", b.reason},     {"created_at", b.created_at},
          {"created_by", b.created_by}, {"until_at", b.until_at},    {"lifted_at", opt(b.lifted_at)}};
}

}  // namespace eq::channels
