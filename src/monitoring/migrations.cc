// Schema of the monitoring module; no other module reads monitoring_* tables.
#include "monitoring/module.h"

namespace eq::monitoring {

std::vector<store::Migration> migrations() {
  std::vector<store::Migration> out;
  // Names and phones of the persons an order concerns are identifying: stored as ciphertext
  // (crypto::Keys), like the case registry's identities. Coordinates of homes are too.
  out.push_back(store::sql_migration(
      "monitoring", 1, "orders, zones, devices, positions, incidents, actions, dispatches",
      {"CREATE TABLE monitoring_orders (id {{pk}}, label TEXT NOT NULL, court TEXT, comuna_id TEXT NOT NULL, "
       "victim_name TEXT NOT NULL, victim_phone TEXT NOT NULL, aggressor_name TEXT NOT NULL, aggressor_phone TEXT NOT NULL, "
       "victim_home TEXT, aggressor_home TEXT, min_distance_m DOUBLE PRECISION NOT NULL, approach_m DOUBLE PRECISION NOT NULL, "
       "starts_at {{bigint}} NOT NULL, ends_at {{bigint}}, status TEXT NOT NULL CHECK (status IN ('vigente', 'terminada')), "
       "created_by {{bigint}}, created_at {{bigint}} NOT NULL)",
       "CREATE TABLE monitoring_zones (id {{pk}}, order_id {{bigint}} NOT NULL REFERENCES monitoring_orders(id), "
       "label TEXT NOT NULL, shape TEXT NOT NULL CHECK (shape IN ('circle', 'polygon')), lat DOUBLE PRECISION, "
       "lon DOUBLE PRECISION, radius_m DOUBLE PRECISION, polygon TEXT, created_at {{bigint}} NOT NULL)",
       "CREATE TABLE monitoring_devices (id {{pk}}, device_id TEXT NOT NULL UNIQUE, order_id {{bigint}} NOT NULL "
       "REFERENCES monitoring_orders(id), kind TEXT NOT NULL CHECK (kind IN ('victim_bracelet', 'victim_mobile', "
       "'aggressor_tag')), secret_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at {{bigint}} NOT NULL)",
       // One row per (device, device time): a resent position is refused by the key, not stored twice.
       "CREATE TABLE monitoring_positions (device_id TEXT NOT NULL, at {{bigint}} NOT NULL, received_at {{bigint}} NOT NULL, "
       "lat DOUBLE PRECISION, lon DOUBLE PRECISION, speed_kmh DOUBLE PRECISION, accuracy_m DOUBLE PRECISION, "
       "battery INTEGER, alarms INTEGER NOT NULL, status TEXT NOT NULL, PRIMARY KEY (device_id, at))",
       "CREATE INDEX monitoring_positions_received ON monitoring_positions(received_at)",
       // Ids are allocated by the instance that owns the engine (see module.h), not by the database.
       "CREATE TABLE monitoring_incidents (id {{bigint}} PRIMARY KEY, order_id {{bigint}} NOT NULL REFERENCES monitoring_orders(id), "
       "type TEXT NOT NULL, severity TEXT NOT NULL, device_id TEXT NOT NULL, zone_id {{bigint}}, victim_person_id {{bigint}}, "
       "fold_key TEXT NOT NULL, first_at {{bigint}} NOT NULL, last_at {{bigint}} NOT NULL, count INTEGER NOT NULL, "
       "lat DOUBLE PRECISION, lon DOUBLE PRECISION, distance_m DOUBLE PRECISION, battery INTEGER, comuna_id TEXT, "
       "state TEXT NOT NULL CHECK (state IN ('nueva', 'en_gestion', 'despachada', 'cerrada')), escalated INTEGER NOT NULL DEFAULT 0, "
       "taken_by {{bigint}}, taken_at {{bigint}}, closed_at {{bigint}}, outcome TEXT, created_at {{bigint}} NOT NULL)",
       "CREATE INDEX monitoring_incidents_state ON monitoring_incidents(state, id)",
       "CREATE INDEX monitoring_incidents_order ON monitoring_incidents(order_id, first_at)",
       "CREATE TABLE monitoring_alerts (id {{pk}}, incident_id {{bigint}} NOT NULL REFERENCES monitoring_incidents(id), "
       "type TEXT NOT NULL, device_id TEXT NOT NULL, at {{bigint}} NOT NULL, lat DOUBLE PRECISION, lon DOUBLE PRECISION, "
       "distance_m DOUBLE PRECISION, battery INTEGER, committed_at {{bigint}} NOT NULL)",
       "CREATE INDEX monitoring_alerts_incident ON monitoring_alerts(incident_id, id)",
       "CREATE TABLE monitoring_actions (id {{pk}}, incident_id {{bigint}} NOT NULL REFERENCES monitoring_incidents(id), "
       "kind TEXT NOT NULL, note TEXT, outcome TEXT, reached INTEGER, user_id {{bigint}}, at {{bigint}} NOT NULL)",
       "CREATE INDEX monitoring_actions_incident ON monitoring_actions(incident_id, id)",
       "CREATE TABLE monitoring_dispatches (id {{pk}}, incident_id {{bigint}} NOT NULL REFERENCES monitoring_incidents(id), "
       "institution_id {{bigint}} NOT NULL, unit_name TEXT NOT NULL, unit_kind TEXT NOT NULL, "
       "state TEXT NOT NULL CHECK (state IN ('enviado', 'aceptado', 'en_camino', 'en_sitio', 'cerrado')), "
       "created_at {{bigint}} NOT NULL, accepted_at {{bigint}}, en_route_at {{bigint}}, on_site_at {{bigint}}, "
       "closed_at {{bigint}}, outcome TEXT, note TEXT, escalated INTEGER NOT NULL DEFAULT 0, created_by {{bigint}}, updated_by {{bigint}})",
       "CREATE INDEX monitoring_dispatches_unit ON monitoring_dispatches(institution_id, state)",
       "CREATE INDEX monitoring_dispatches_incident ON monitoring_dispatches(incident_id)"}));
  // An order ended early (lifted by the court, the victim moved away): why and by whom.
  out.push_back(store::sql_migration("monitoring", 2, "ended orders",
                                     {"ALTER TABLE monitoring_orders ADD COLUMN ended_reason TEXT",
                                      "ALTER TABLE monitoring_orders ADD COLUMN ended_by {{bigint}}"}));
  // What locates or identifies a person is ciphertext at rest (issue 11): positions, incident and
  // alert coordinates, zone geometry ("lat,lon" text or JSON, in the new *_enc columns; the old
  // numeric columns stay NULL), and in place, in their text columns: the court's RIT label, the
  // court, zone labels ("Domicilio de la víctima"), notes of actions and dispatches, why an order
  // ended. Rows written before are sealed by the service at start (Service::start).
  out.push_back(store::sql_migration("monitoring", 3, "coordinates and notes encrypted at rest",
                                     {"ALTER TABLE monitoring_positions ADD COLUMN loc_enc TEXT",
                                      "ALTER TABLE monitoring_incidents ADD COLUMN loc_enc TEXT",
                                      "ALTER TABLE monitoring_alerts ADD COLUMN loc_enc TEXT",
                                      "ALTER TABLE monitoring_zones ADD COLUMN geom_enc TEXT"}));
  // One protective order (issue 12): a monitored order is the case registry's order, linked by
  // its record and persons (NULL for orders entered by hand before); one monitoring per record.
  // A dispatch replaced by another unit's is kept, closed, with when it was cancelled.
  out.push_back(store::sql_migration("monitoring", 4, "orders linked to the case registry; re-dispatch",
                                     {"ALTER TABLE monitoring_orders ADD COLUMN record_id {{bigint}}",
                                      "ALTER TABLE monitoring_orders ADD COLUMN victim_person_id {{bigint}}",
                                      "ALTER TABLE monitoring_orders ADD COLUMN aggressor_person_id {{bigint}}",
                                      "CREATE UNIQUE INDEX monitoring_orders_record ON monitoring_orders(record_id)",
                                      "CREATE INDEX monitoring_orders_victim ON monitoring_orders(victim_person_id)",
                                      "CREATE INDEX monitoring_orders_aggressor ON monitoring_orders(aggressor_person_id)",
                                      "ALTER TABLE monitoring_dispatches ADD COLUMN cancelled_at {{bigint}}"}));
  // Reports without a GPS fix (issue 22): what a device said besides its place (cell towers, Wi-Fi
  // access points, charging, motion, extras) is kept sealed for later location; an incident raised
  // by such a report has the last known place, and place_at says when that place was fixed.
  out.push_back(store::sql_migration("monitoring", 5, "reports without a fix: radio data, age of the last known place",
                                     {"ALTER TABLE monitoring_positions ADD COLUMN report_enc TEXT",
                                      "ALTER TABLE monitoring_incidents ADD COLUMN place_at {{bigint}}"}));
  // Incidents raised by a help channel (issue 13: the silent chat's municipal escalation), not by a
  // device: `origin` names the channel ("chat"; NULL for a device's alert) and `origin_ref` its
  // conversation. Incidents must belong to an order, so each channel has one order row of its own
  // (`origin` set, status 'terminada', no parties, no devices) that every order list leaves out.
  out.push_back(store::sql_migration("monitoring", 6, "incidents raised by help channels (silent chat)",
                                     {"ALTER TABLE monitoring_incidents ADD COLUMN origin TEXT",
                                      "ALTER TABLE monitoring_incidents ADD COLUMN origin_ref TEXT",
                                      "CREATE INDEX monitoring_incidents_origin ON monitoring_incidents(origin, origin_ref)",
                                      "ALTER TABLE monitoring_orders ADD COLUMN origin TEXT",
                                      "CREATE UNIQUE INDEX monitoring_orders_origin ON monitoring_orders(origin)"}));
  // Several instances on one PostgreSQL (issue 20): an instance that does not own the engine
  // queues each device request here, committed before it acknowledges; the owner evaluates the
  // rows and deletes them in the commit that stores the positions. One row per (device, device
  // time), like the positions: a resend is kept once.
  out.push_back(store::sql_migration("monitoring", 7, "inbox of positions received by an instance that does not own the engine",
                                     {"CREATE TABLE monitoring_inbox (id {{pk}}, device_id TEXT NOT NULL, at {{bigint}} NOT NULL, "
                                      "received_at {{bigint}} NOT NULL, body_enc TEXT NOT NULL, UNIQUE (device_id, at))"}));
  return out;
}

store::EncryptedFields encrypted_fields() {
  const std::vector<store::KeyColumn> id = {{"id"}};
  store::EncryptedFields out;
  for (const char* c : {"victim_name", "victim_phone", "aggressor_name", "aggressor_phone", "victim_home", "aggressor_home", "label",
                        "court", "ended_reason"})
    out.push_back({"monitoring_orders", id, c, {}, "medidas: partes, teléfonos, domicilios, RIT y tribunal"});
  out.push_back({"monitoring_zones", id, "label", {}, "nombres de las zonas"});
  out.push_back({"monitoring_zones", id, "geom_enc", {}, "geometría de las zonas"});
  out.push_back({"monitoring_positions", {{"device_id", true}, {"at"}}, "loc_enc", {}, "posiciones de los dispositivos"});
  out.push_back({"monitoring_positions", {{"device_id", true}, {"at"}}, "report_enc", {}, "celdas, redes Wi-Fi y datos de los reportes"});
  out.push_back({"monitoring_incidents", id, "loc_enc", {}, "lugar de las alertas"});
  out.push_back({"monitoring_alerts", id, "loc_enc", {}, "lugar de cada aviso"});
  out.push_back({"monitoring_actions", id, "note", {}, "notas de las operadoras"});
  out.push_back({"monitoring_dispatches", id, "note", {}, "notas de los despachos"});
  out.push_back({"monitoring_inbox", id, "body_enc", {}, "posiciones recibidas por otra instancia, en espera de evaluación"});
  return out;
}

}  // namespace eq::monitoring
