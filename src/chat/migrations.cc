// Schema of the silent chat: conversations (no name, no address: a random reference and the hash
// of her resume secret), their messages (encrypted), escalations and the operators' canned answers.
#include "chat/module.h"

namespace eq::chat {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "chat", 1, "conversations, messages, escalations, canned answers",
      {"CREATE TABLE chat_sessions (id {{pk}}, ref TEXT NOT NULL UNIQUE, secret_hash TEXT NOT NULL, contact_id TEXT, "
       "urgent INTEGER NOT NULL, comuna_code TEXT, state TEXT NOT NULL CHECK (state IN ('open', 'ended')), "
       "last_seq {{bigint}} NOT NULL, created_at {{bigint}} NOT NULL, last_at {{bigint}} NOT NULL, ended_at {{bigint}}, ended_why TEXT)",
       "CREATE INDEX chat_sessions_ended ON chat_sessions(state, ended_at)",
       // (session, seq) orders a transcript; (session, client_id) makes a re-sent message land once.
       "CREATE TABLE chat_messages (id {{pk}}, session_id {{bigint}} NOT NULL REFERENCES chat_sessions(id), seq {{bigint}} NOT NULL, "
       "sender TEXT NOT NULL CHECK (sender IN ('her', 'operator', 'system')), user_id {{bigint}}, client_id TEXT, "
       "body TEXT NOT NULL, at {{bigint}} NOT NULL, UNIQUE (session_id, seq), UNIQUE (session_id, client_id))",
       "CREATE TABLE chat_escalations (id {{pk}}, session_id {{bigint}} NOT NULL REFERENCES chat_sessions(id), "
       "kind TEXT NOT NULL CHECK (kind IN ('133', 'municipal')), unit_institution_id {{bigint}}, unit_name TEXT, "
       "user_id {{bigint}} NOT NULL, note TEXT, at {{bigint}} NOT NULL)",
       "CREATE TABLE chat_canned (position INTEGER PRIMARY KEY, text TEXT NOT NULL)",
       // The answers a 1455 operator types most; a supervisor edits the list.
       "INSERT INTO chat_canned (position, text) VALUES "
       "(1, 'Hola, soy orientadora del Fono 1455. Estoy aquí para escucharte. ¿Estás en un lugar seguro para escribir?'), "
       "(2, 'Gracias por escribir. Lo que me cuentas es confidencial.'), "
       "(3, 'Si estás en peligro ahora, llama al 133 (Carabineros) o pide ayuda a alguien cercano.'), "
       "(4, 'Puedes borrar esta conversación en cualquier momento con «Salida rápida».'), "
       "(5, 'Te puedo orientar sobre el Centro de la Mujer más cercano a tu comuna.')"}));
  // A municipal escalation is a dispatch of the monitoring module: its id, to show its state.
  out.push_back(store::sql_migration("chat", 2, "municipal escalations linked to monitoring's dispatch",
                                     {"ALTER TABLE chat_escalations ADD COLUMN dispatch_id {{bigint}}"}));
  // The operator she was last told about, kept in the database rather than in one instance's memory:
  // with two instances the take, the transfer and the hand-back may each happen on another one.
  out.push_back(store::sql_migration("chat", 3, "the holder she was last told about (several instances)",
                                     {"ALTER TABLE chat_sessions ADD COLUMN told_holder TEXT"}));
  return out;
}

store::EncryptedFields encrypted_fields() {
  return {
      {"chat_messages", {{"id"}}, "body", {}, "mensajes del chat silencioso"},
      {"chat_escalations", {{"id"}}, "note", {}, "notas de derivación a emergencias del chat"},
  };
}

}  // namespace eq::chat
