// Schema of citizens' participation. E-mails are ciphertext with a blind index (declared in
// encrypted_fields(), so rotation, backup and the start check cover them); codes, tokens and
// spent challenges are kept only as hashes.
#include <algorithm>
#include <cctype>

#include "participation/module.h"

namespace eq::participation {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "participation", 1, "consultation processes, verified citizens, anchored comments, questions, reports",
      {"CREATE TABLE participation_processes (id {{pk}}, period TEXT NOT NULL, title TEXT NOT NULL, consult_from {{bigint}} NOT NULL, "
       "answers_from {{bigint}} NOT NULL, final_from {{bigint}} NOT NULL, answer_days INTEGER NOT NULL, phase TEXT NOT NULL, "
       "phase_at {{bigint}} NOT NULL, demo INTEGER NOT NULL, created_at {{bigint}} NOT NULL)",
       "CREATE TABLE participation_citizens (id {{pk}}, email_enc TEXT NOT NULL, email_bidx TEXT NOT NULL UNIQUE, "
       "pseudonym TEXT NOT NULL, demo INTEGER NOT NULL, created_at {{bigint}} NOT NULL)",
       "CREATE TABLE participation_codes (id {{pk}}, citizen_id {{bigint}} NOT NULL REFERENCES participation_citizens(id), "
       "code_hash TEXT NOT NULL, expires_at {{bigint}} NOT NULL, attempts INTEGER NOT NULL, used_at {{bigint}}, created_at {{bigint}} NOT NULL)",
       "CREATE INDEX participation_codes_citizen ON participation_codes(citizen_id, id)",
       "CREATE TABLE participation_tokens (token_hash TEXT PRIMARY KEY, citizen_id {{bigint}} NOT NULL REFERENCES participation_citizens(id), "
       "expires_at {{bigint}} NOT NULL)",
       "CREATE TABLE participation_challenges (nonce TEXT PRIMARY KEY, spent_at {{bigint}} NOT NULL)",
       "CREATE TABLE participation_posts (id {{pk}}, process_id {{bigint}} NOT NULL REFERENCES participation_processes(id), "
       "citizen_id {{bigint}} NOT NULL REFERENCES participation_citizens(id), kind TEXT NOT NULL CHECK (kind IN ('comentario', 'pregunta')), "
       "body TEXT NOT NULL, section_key TEXT NOT NULL, quote TEXT NOT NULL, edition_id {{bigint}} NOT NULL, quote_offset {{bigint}} NOT NULL, "
       "topic TEXT NOT NULL, region_id TEXT NOT NULL, due_at {{bigint}}, answer TEXT NOT NULL, answered_at {{bigint}}, answered_by TEXT NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('visible', 'oculto', 'retirado')), appeal TEXT NOT NULL, appealed_at {{bigint}}, "
       "created_at {{bigint}} NOT NULL, demo INTEGER NOT NULL)",
       "CREATE INDEX participation_posts_process ON participation_posts(process_id, kind, id)",
       "CREATE TABLE participation_reports (id {{pk}}, post_id {{bigint}} NOT NULL REFERENCES participation_posts(id), "
       "citizen_id {{bigint}} NOT NULL REFERENCES participation_citizens(id), reason TEXT NOT NULL, at {{bigint}} NOT NULL, "
       "UNIQUE (post_id, citizen_id))"}));
  return out;
}

std::string canonical_email(const std::string& email) {
  std::string out;
  for (unsigned char c : email)
    if (!std::isspace(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

store::EncryptedFields encrypted_fields() {
  return {{"participation_citizens", {{"id"}}, "email_enc",
           {{"email_bidx", [](const std::string& plain) -> std::optional<std::string> { return canonical_email(plain); }}},
           "correos de las personas que participan en la cuenta pública"}};
}

}  // namespace eq::participation
