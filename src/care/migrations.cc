// Schema of the network of care and its vocabularies.
#include "care/module.h"

namespace eq::care {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  out.push_back(store::sql_migration(
      "care", 1, "directory, capacity, placements, snapshots, deadline alerts",
      {// address_enc: ciphertext for casas (declared in encrypted_fields()); address_public: centros and CAVAS only.
       "CREATE TABLE care_places (id {{pk}}, kind TEXT NOT NULL CHECK (kind IN ('centro', 'casa', 'cavas')), name TEXT NOT NULL, "
       "operator_name TEXT NOT NULL, institution_id {{bigint}}, region_id TEXT NOT NULL, comuna_id TEXT NOT NULL, "
       "services TEXT NOT NULL, languages TEXT NOT NULL, hours TEXT NOT NULL, phone TEXT NOT NULL, admission TEXT NOT NULL, "
       "accessible INTEGER NOT NULL, referral_only INTEGER NOT NULL, min_age INTEGER NOT NULL, children_max_age INTEGER NOT NULL, "
       "address_public TEXT, address_enc TEXT, lat DOUBLE PRECISION, lon DOUBLE PRECISION, demo INTEGER NOT NULL, "
       "created_at {{bigint}} NOT NULL, CHECK (kind <> 'casa' OR (address_public IS NULL AND lat IS NULL AND lon IS NULL)))",
       "CREATE INDEX care_places_comuna ON care_places(comuna_id, kind)",
       "CREATE INDEX care_places_institution ON care_places(institution_id)",
       "CREATE TABLE care_units (place_id {{bigint}} NOT NULL REFERENCES care_places(id), unit_type TEXT NOT NULL "
       "CHECK (unit_type IN ('mujer_sola', 'mujer_con_hijos', 'accesible')), places INTEGER NOT NULL CHECK (places >= 0), "
       "occupied INTEGER NOT NULL CHECK (occupied >= 0), blocked INTEGER NOT NULL CHECK (blocked >= 0), "
       "confirmed_at {{bigint}}, confirmed_by {{bigint}}, CHECK (occupied + blocked <= places), PRIMARY KEY (place_id, unit_type))",
       "CREATE INDEX care_units_free ON care_units(unit_type, confirmed_at)",
       "CREATE TABLE care_placements (id {{pk}}, place_id {{bigint}} NOT NULL REFERENCES care_places(id), unit_type TEXT NOT NULL, "
       "person_id {{bigint}}, from_institution_id {{bigint}} NOT NULL, from_user_id {{bigint}} NOT NULL, woman_age INTEGER NOT NULL, "
       "children_ages TEXT NOT NULL, aggressor_comuna_id TEXT NOT NULL, exclude_neighbours INTEGER NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('ofrecida', 'aceptada', 'rechazada', 'vencida', 'ingresada', 'egresada')), "
       "offered_at {{bigint}} NOT NULL, answer_due_at {{bigint}} NOT NULL, answered_at {{bigint}}, answered_by {{bigint}}, "
       "entry_due_at {{bigint}}, entered_at {{bigint}}, exited_at {{bigint}}, decline_reason TEXT, exit_destination TEXT, note TEXT)",
       "CREATE INDEX care_placements_place ON care_placements(place_id, state)",
       "CREATE INDEX care_placements_from ON care_placements(from_institution_id, offered_at)",
       "CREATE INDEX care_placements_offered ON care_placements(offered_at)",
       "CREATE TABLE care_snapshots (day {{bigint}} NOT NULL, place_id {{bigint}} NOT NULL REFERENCES care_places(id), "
       "unit_type TEXT NOT NULL, places INTEGER NOT NULL, occupied INTEGER NOT NULL, blocked INTEGER NOT NULL, "
       "PRIMARY KEY (day, place_id, unit_type))",
       "CREATE TABLE care_alerts (id {{pk}}, kind TEXT NOT NULL, place_id {{bigint}} NOT NULL, placement_id {{bigint}}, "
       "dedup_key TEXT NOT NULL UNIQUE, due_at {{bigint}} NOT NULL, raised_at {{bigint}} NOT NULL, text TEXT NOT NULL, "
       "resolved_at {{bigint}})",
       "CREATE INDEX care_alerts_open ON care_alerts(resolved_at)"}));
  return out;
}

store::EncryptedFields encrypted_fields() {
  return {{"care_places", {{"id"}}, "address_enc", {}, "direcciones de las casas de acogida"}};
}

const Vocabulary& kinds() {
  static const Vocabulary v = {{"centro", "Centro de la Mujer"},
                               {"casa", "Casa de Acogida"},
                               {"cavas", "Centro de Atención y Reparación en Violencia Sexual"}};
  return v;
}
const Vocabulary& services() {
  static const Vocabulary v = {{"orientacion", "Orientación e información"},
                               {"atencion_psicologica", "Atención psicológica"},
                               {"atencion_social", "Atención social"},
                               {"representacion_juridica", "Representación jurídica"},
                               {"residencia", "Residencia temporal protegida"},
                               {"reparacion_violencia_sexual", "Reparación en violencia sexual"},
                               {"atencion_remota", "Atención remota"},
                               {"prevencion", "Talleres de prevención"}};
  return v;
}
const Vocabulary& unit_types() {
  static const Vocabulary v = {{"mujer_sola", "Mujer sola"}, {"mujer_con_hijos", "Mujer con hijas e hijos"}, {"accesible", "Accesible"}};
  return v;
}
const Vocabulary& decline_reasons() {
  static const Vocabulary v = {{"sin_cupo", "Sin cupo disponible"},
                               {"no_cumple_requisitos", "No cumple los requisitos de ingreso"},
                               {"riesgo_seguridad", "Riesgo para su seguridad o la de la casa"},
                               {"necesita_otra_atencion", "Requiere otra atención (salud mental, consumo)"},
                               {"otro", "Otro motivo"}};
  return v;
}
const Vocabulary& exit_destinations() {
  static const Vocabulary v = {{"red_familiar", "Red familiar o de apoyo"},
                               {"vivienda_propia", "Vivienda propia o arriendo"},
                               {"otra_casa", "Otra casa de acogida"},
                               {"retorno_agresor", "Regresó con el agresor"},
                               {"abandono", "Abandonó la casa"},
                               {"otro", "Otro destino"}};
  return v;
}
const Vocabulary& placement_states() {
  static const Vocabulary v = {{"ofrecida", "Ofrecida, esperando respuesta"}, {"aceptada", "Aceptada, esperando ingreso"},
                               {"rechazada", "Rechazada"},                     {"vencida", "Vencida sin respuesta"},
                               {"ingresada", "En la casa"},                    {"egresada", "Egresada"}};
  return v;
}

std::string unit_type_for(const Need& n) {
  if (n.accessible) return "accesible";
  if (!n.children_ages.empty()) return "mujer_con_hijos";
  return "mujer_sola";
}

std::optional<Refusal> refuse(const Place& p, const Need& n, const std::function<bool(const std::string&, const std::string&)>& adjacent) {
  if (!n.exclusion.comuna_id.empty() && p.comuna_id == n.exclusion.comuna_id)
    return Refusal{"aggressor_comuna", "aggressor_comuna",
                   "La casa está en la comuna del agresor: no se puede ofrecer por su seguridad."};
  if (n.exclusion.neighbours && !n.exclusion.comuna_id.empty() && adjacent(p.comuna_id, n.exclusion.comuna_id))
    return Refusal{"aggressor_neighbour", "aggressor_comuna",
                   "La casa está en una comuna vecina a la del agresor y la medida excluye las comunas vecinas."};
  if (n.woman_age < p.min_age)
    return Refusal{"age", "woman_age", "La casa recibe mujeres de " + std::to_string(p.min_age) + " años o más."};
  if (!n.children_ages.empty()) {
    if (p.children_max_age < 0) return Refusal{"children", "children_ages", "La casa no recibe a mujeres con hijas o hijos."};
    for (int a : n.children_ages)
      if (a >= p.children_max_age)
        return Refusal{"children", "children_ages",
                       "La casa recibe hijas e hijos menores de " + std::to_string(p.children_max_age) + " años."};
  }
  return std::nullopt;
}

}  // namespace eq::care
