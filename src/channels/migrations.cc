// Schema of the help channels: one queue of contacts for every channel, the operators' seats, the
// telephony events already applied (replay and order), the call-back list and the blocks.
#include "channels/module.h"

namespace eq::channels {

std::vector<store::Migration> migrations() {
  return {store::sql_migration(
      "channels", 1, "contacts, events, operators, telephony events, call-backs, blocks",
      {// One row per contact of any channel; (channel, external_ref) is the channel's own id.
       "CREATE TABLE channels_contacts (id {{pk}}, channel TEXT NOT NULL, external_ref TEXT NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('waiting', 'offered', 'active', 'closed', 'abandoned')), "
       "urgent INTEGER NOT NULL, priority INTEGER NOT NULL, comuna_code TEXT, opening_text TEXT, caller_hash TEXT, "
       "caller_number TEXT, number_consent INTEGER NOT NULL DEFAULT 0, created_at {{bigint}} NOT NULL, "
       "offered_to {{bigint}}, offered_at {{bigint}}, offer_expires_at {{bigint}}, last_offered_to {{bigint}}, "
       "holder_user_id {{bigint}}, holder_institution_id {{bigint}}, taken_at {{bigint}}, closed_at {{bigint}}, "
       "left_at {{bigint}}, left_why TEXT, reason TEXT, violence_type TEXT, risk_yes TEXT, risk_level TEXT, "
       "orientation TEXT, outcome TEXT, notes TEXT, person_id {{bigint}}, record_id {{bigint}}, referral_record_id {{bigint}}, "
       "version {{bigint}} NOT NULL DEFAULT 0, UNIQUE (channel, external_ref))",
       "CREATE INDEX channels_contacts_queue ON channels_contacts(state, priority, created_at)",
       "CREATE INDEX channels_contacts_holder ON channels_contacts(holder_user_id, state)",
       "CREATE INDEX channels_contacts_offered ON channels_contacts(offered_to, state)",
       "CREATE INDEX channels_contacts_caller ON channels_contacts(caller_hash)",
       "CREATE INDEX channels_contacts_created ON channels_contacts(created_at)",
       "CREATE TABLE channels_events (id {{pk}}, contact_id {{bigint}} NOT NULL REFERENCES channels_contacts(id), "
       "at {{bigint}} NOT NULL, kind TEXT NOT NULL, user_id {{bigint}}, detail TEXT)",
       "CREATE INDEX channels_events_contact ON channels_events(contact_id, id)",
       "CREATE TABLE channels_operators (user_id {{bigint}} PRIMARY KEY, institution_id {{bigint}} NOT NULL, "
       "presence TEXT NOT NULL CHECK (presence IN ('disponible', 'ocupada', 'pausa', 'desconectada')), skills TEXT NOT NULL, "
       "max_chats INTEGER NOT NULL, updated_at {{bigint}} NOT NULL)",
       // Every telephony event applied or refused, by the switch's own event id: a replay finds its
       // id here. Per call, the newest event time applied decides what an older one may still do.
       "CREATE TABLE channels_call_events (event_id TEXT PRIMARY KEY, call_id TEXT NOT NULL, type TEXT NOT NULL, "
       "at {{bigint}} NOT NULL, received_at {{bigint}} NOT NULL, applied INTEGER NOT NULL)",
       "CREATE INDEX channels_call_events_call ON channels_call_events(call_id, at)",
       "CREATE TABLE channels_callbacks (id {{pk}}, contact_id {{bigint}} NOT NULL UNIQUE REFERENCES channels_contacts(id), "
       "call_ref TEXT NOT NULL, created_at {{bigint}} NOT NULL, deadline_at {{bigint}} NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')), done_at {{bigint}}, done_by {{bigint}}, note TEXT)",
       "CREATE INDEX channels_callbacks_state ON channels_callbacks(state, deadline_at)",
       "CREATE TABLE channels_blocks (id {{pk}}, caller_hash TEXT NOT NULL, contact_id {{bigint}}, reason TEXT NOT NULL, "
       "created_at {{bigint}} NOT NULL, created_by {{bigint}} NOT NULL, until_at {{bigint}} NOT NULL, lifted_at {{bigint}})",
       "CREATE INDEX channels_blocks_caller ON channels_blocks(caller_hash, until_at)"}),
          // The demo contact history (history.h): one compact row per contact, no personal data;
          // the statistics count it by month with the live contacts.
          store::sql_migration("channels", 3, "demo contact history for the statistics",
                               {"CREATE TABLE channels_history (id {{pk}}, at {{bigint}} NOT NULL, channel TEXT NOT NULL, "
                                "region TEXT NOT NULL, outcome TEXT NOT NULL)",
                                "CREATE INDEX channels_history_at ON channels_history(at)"})};
}

store::EncryptedFields encrypted_fields() {
  const std::vector<store::KeyColumn> id = {{"id"}};
  store::EncryptedFields out;
  for (const char* c : {"opening_text", "caller_number", "orientation", "notes"})
    out.push_back({"channels_contacts", id, c, {}, "contactos de la línea 1455 y el chat: relato, número con consentimiento, notas"});
  out.push_back({"channels_callbacks", id, "note", {}, "notas de las devoluciones de llamada"});
  out.push_back({"channels_blocks", id, "reason", {}, "motivos de los bloqueos"});
  return out;
}

}  // namespace eq::channels
