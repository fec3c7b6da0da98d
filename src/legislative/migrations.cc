// Schema of the legislative agenda.
#include "legislative/module.h"

namespace eq::legislative {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  // kind, origin_chamber, entered_at and boletin may be NULL: the historic record the demo loads
  // from (the public account) does not always say them, and inventing them would be worse.
  out.push_back(store::sql_migration(
      "legislative", 1, "bills and their events",
      {"CREATE TABLE legislative_bills (id {{pk}}, boletin TEXT UNIQUE, title TEXT NOT NULL, title_folded TEXT NOT NULL, "
       "kind TEXT CHECK (kind IN ('mensaje', 'mocion')), origin_chamber TEXT CHECK (origin_chamber IN ('camara', 'senado')), "
       "entered_at {{bigint}}, stage TEXT NOT NULL CHECK (stage IN ('primer_tramite', 'segundo_tramite', 'tercer_tramite', "
       "'comision_mixta', 'tribunal_constitucional', 'promulgacion', 'publicada', 'archivada')), committee TEXT, "
       "law_number TEXT UNIQUE, published_at {{bigint}}, created_at {{bigint}} NOT NULL, updated_at {{bigint}} NOT NULL)",
       "CREATE TABLE legislative_events (id {{pk}}, bill_id {{bigint}} NOT NULL REFERENCES legislative_bills(id), "
       "at {{bigint}}, kind TEXT NOT NULL CHECK (kind IN ('stage', 'urgency_set', 'urgency_renewed', 'urgency_withdrawn', "
       "'note')), stage TEXT, from_stage TEXT, committee TEXT, "
       "urgency TEXT CHECK (urgency IN ('simple', 'suma', 'discusion_inmediata')), note TEXT, "
       "actor_user_id {{bigint}}, created_at {{bigint}} NOT NULL)",
       "CREATE INDEX legislative_bills_stage ON legislative_bills(stage)",
       "CREATE INDEX legislative_events_bill ON legislative_events(bill_id, id)"}));
  return out;
}

}  // namespace eq::legislative
