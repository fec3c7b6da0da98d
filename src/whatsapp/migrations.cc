// Schema of the WhatsApp line, all its own (the queue's tables are the channels module's): one
// conversation per WhatsApp user (keyed by a blind index of her business-scoped id, or of wa_id
// when Meta gives no BSUID), its messages both ways (the outbound ones are the outbox), every status
// Meta reported (also those of messages this server never sent), and the approved templates.
#include "whatsapp/module.h"

namespace eq::whatsapp {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "whatsapp", 1, "conversations, messages and outbox, statuses, templates",
      {"CREATE TABLE whatsapp_conversations (id {{pk}}, ref TEXT NOT NULL UNIQUE, user_key TEXT NOT NULL, "
       "user_key_index TEXT NOT NULL UNIQUE, wa_id TEXT, phone_number_id TEXT, caller_hash TEXT, session_n INTEGER NOT NULL, "
       "contact_id TEXT, needs_contact INTEGER NOT NULL, last_inbound_at {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL)",
       "CREATE INDEX whatsapp_conversations_pending ON whatsapp_conversations(needs_contact)",
       // wamid UNIQUE: Meta delivers at least once; the same message id lands once. An outbound
       // row has none until the Graph API answered 2xx (then it is never sent again).
       "CREATE TABLE whatsapp_messages (id {{pk}}, conversation_id {{bigint}} NOT NULL REFERENCES whatsapp_conversations(id), "
       "direction TEXT NOT NULL CHECK (direction IN ('in', 'out')), wamid TEXT UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL, "
       "template_name TEXT, at {{bigint}} NOT NULL, state TEXT NOT NULL, state_rank INTEGER NOT NULL, state_at {{bigint}}, "
       "error_code {{bigint}}, error_title TEXT, user_id {{bigint}}, attempts INTEGER NOT NULL, next_attempt_at {{bigint}})",
       "CREATE INDEX whatsapp_messages_conversation ON whatsapp_messages(conversation_id, id)",
       "CREATE INDEX whatsapp_messages_outbox ON whatsapp_messages(state, next_attempt_at)",
       // Every status received, applied or not: (wamid, status) once, so a redelivery is a no-op.
       "CREATE TABLE whatsapp_statuses (id {{pk}}, wamid TEXT NOT NULL, status TEXT NOT NULL, at {{bigint}} NOT NULL, "
       "error_code {{bigint}}, error_title TEXT, known INTEGER NOT NULL, applied INTEGER NOT NULL, received_at {{bigint}} NOT NULL, "
       "UNIQUE (wamid, status))",
       "CREATE TABLE whatsapp_templates (name TEXT PRIMARY KEY, language TEXT NOT NULL, text TEXT NOT NULL, approved INTEGER NOT NULL)",
       // Templates as approved in Meta's Business Manager (names must match there); no variables,
       // so nothing about her can leak into a message she may not be alone to read.
       "INSERT INTO whatsapp_templates (name, language, text, approved) VALUES "
       "('retomar_contacto', 'es', 'Hola, te escribimos desde el Fono 1455. Si quieres retomar la conversación, responde a este mensaje cuando estés en un lugar seguro.', 1), "
       "('seguimiento_1455', 'es', 'Fono 1455: seguimos disponibles para orientarte. Responde a este mensaje cuando puedas hacerlo sin riesgo.', 1)"}));
  // Never twice (issue 14, reliability): each send attempt is named before the request leaves, and
  // the name travels to Meta as biz_opaque_callback_data, which Meta echoes in the statuses.
  out.push_back(store::sql_migration("whatsapp", 2, "attempt id of each send",
                                     {"ALTER TABLE whatsapp_messages ADD COLUMN attempt_id TEXT",
                                      "CREATE UNIQUE INDEX whatsapp_messages_attempt ON whatsapp_messages(attempt_id)"}));
  // The webhook's inbox (issue 14, throughput): a delivery is "accepted" (answered 200) only once
  // its raw body is committed here, many deliveries per transaction; processing deletes it in the
  // transaction that applies it, and a start processes what a crash left.
  out.push_back(store::sql_migration("whatsapp", 3, "inbox of accepted webhook deliveries",
                                     {"CREATE TABLE whatsapp_inbox (id {{pk}}, body TEXT NOT NULL, received_at {{bigint}} NOT NULL)"}));
  // Her images and audio (media.cc): the bytes downloaded from Meta, encrypted like her messages,
  // deleted with the conversation (retention.cc). message_id UNIQUE: a redelivered message is
  // not downloaded twice.
  out.push_back(store::sql_migration(
      "whatsapp", 4, "images and audio downloaded from Meta",
      {"CREATE TABLE whatsapp_media (id {{pk}}, message_id {{bigint}} NOT NULL UNIQUE REFERENCES whatsapp_messages(id), "
       "conversation_id {{bigint}} NOT NULL REFERENCES whatsapp_conversations(id), kind TEXT NOT NULL, media_id TEXT NOT NULL, "
       "mime TEXT, sha256 TEXT, state TEXT NOT NULL CHECK (state IN ('pending', 'ready', 'failed')), reason TEXT, "
       "attempts INTEGER NOT NULL, next_attempt_at {{bigint}} NOT NULL, size {{bigint}}, bytes TEXT, created_at {{bigint}} NOT NULL, "
       "done_at {{bigint}})",
       "CREATE INDEX whatsapp_media_due ON whatsapp_media(state, next_attempt_at)",
       "CREATE INDEX whatsapp_media_conversation ON whatsapp_media(conversation_id)"}));
  return out;
}

store::EncryptedFields encrypted_fields() {
  return {
      {"whatsapp_conversations", {{"id"}}, "user_key",
       {{"user_key_index", [](const std::string& plain) -> std::optional<std::string> { return plain; }}},
       "identificadores de WhatsApp de quienes escriben a la línea"},
      {"whatsapp_conversations", {{"id"}}, "wa_id", {}, "números de WhatsApp de quienes escriben a la línea"},
      {"whatsapp_messages", {{"id"}}, "body", {}, "mensajes de la línea de WhatsApp"},
      {"whatsapp_inbox", {{"id"}}, "body", {}, "entregas de WhatsApp recibidas y aún no procesadas"},
      {"whatsapp_media", {{"id"}}, "media_id", {}, "identificadores en Meta de las imágenes y audios recibidos por WhatsApp"},
      {"whatsapp_media", {{"id"}}, "bytes", {}, "imágenes y audios recibidos por la línea de WhatsApp"},
  };
}

}  // namespace eq::whatsapp
