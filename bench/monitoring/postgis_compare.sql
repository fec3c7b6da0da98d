-- Engine alerts (`equidad monitor replay --all`, one row per raised alert) against pg_alerts.
-- Key: type, device, order, zone (zone alerts), victim (proximity alerts), instant (ms); a multiset
-- comparison (the n-th occurrence of a key on one side meets the n-th on the other).
-- psql -v engine_csv=<file> -v types=<'{zone_enter,...}'>.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off

DROP TABLE IF EXISTS raw_engine_alerts, engine_alerts;
CREATE UNLOGGED TABLE raw_engine_alerts (incident text, type text, severity text, device_id text, person_id text, order_id text,
  zone_id text, victim_person_id text, first_at text, last_at text, count text, lat text, lon text, distance_m text,
  repeat text, label text);
\set c '\\copy raw_engine_alerts FROM ' :'engine_csv' ' WITH (FORMAT csv, HEADER true)'
:c
CREATE TABLE engine_alerts AS
SELECT type, device_id, person_id::bigint, order_id::bigint, coalesce(nullif(zone_id, '')::bigint, 0) AS zone_id,
       coalesce(nullif(victim_person_id, '')::bigint, 0) AS victim_person_id,
       round(extract(epoch FROM first_at::timestamptz) * 1000)::bigint AS at_ms,
       nullif(distance_m, '')::float8 AS distance_m, repeat = '1' AS repeat
FROM raw_engine_alerts;

DROP TABLE IF EXISTS cmp;
CREATE TABLE cmp AS
WITH e AS (SELECT *, row_number() OVER (PARTITION BY type, device_id, order_id, zone_id, victim_person_id, at_ms ORDER BY distance_m) AS k
           FROM engine_alerts WHERE type = ANY (:'types'::text[])),
     p AS (SELECT *, row_number() OVER (PARTITION BY type, device_id, order_id, zone_id, victim_person_id, at_ms ORDER BY distance_m) AS k
           FROM pg_alerts WHERE type = ANY (:'types'::text[]))
SELECT coalesce(e.type, p.type) AS type, coalesce(e.device_id, p.device_id) AS device_id, coalesce(e.order_id, p.order_id) AS order_id,
       coalesce(e.zone_id, p.zone_id) AS zone_id, coalesce(e.victim_person_id, p.victim_person_id) AS victim_person_id,
       coalesce(e.at_ms, p.at_ms) AS at_ms, e.type IS NOT NULL AS in_engine, p.type IS NOT NULL AS in_postgis,
       e.distance_m AS engine_distance_m, p.distance_m AS postgis_distance_m
FROM e FULL JOIN p USING (type, device_id, order_id, zone_id, victim_person_id, at_ms, k);

\echo
\echo '== Alerts per type (one row per raised alert; compared types marked)'
SELECT t.type, t.type = ANY (:'types'::text[]) AS compared,
       (SELECT count(*) FROM engine_alerts e WHERE e.type = t.type) AS engine,
       (SELECT count(*) FROM pg_alerts p WHERE p.type = t.type) AS postgis,
       (SELECT count(*) FROM cmp c WHERE c.type = t.type AND in_engine AND in_postgis) AS identical
FROM (SELECT type FROM engine_alerts UNION SELECT type FROM pg_alerts) t ORDER BY 1;

\echo '== Agreement over the compared types'
SELECT count(*) FILTER (WHERE in_engine) AS engine_alerts, count(*) FILTER (WHERE in_postgis) AS postgis_alerts,
       count(*) FILTER (WHERE in_engine AND in_postgis) AS identical,
       count(*) FILTER (WHERE in_engine AND NOT in_postgis) AS engine_only,
       count(*) FILTER (WHERE in_postgis AND NOT in_engine) AS postgis_only,
       round(100.0 * count(*) FILTER (WHERE in_engine AND in_postgis) / greatest(1, count(*)), 4) AS identical_pct_of_union
FROM cmp;

\echo '== Differences (first 20, by instant)'
SELECT CASE WHEN in_engine THEN 'engine only' ELSE 'postgis only' END AS side, type, device_id, order_id, zone_id, victim_person_id,
       to_char(to_timestamp(at_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
       round(coalesce(engine_distance_m, postgis_distance_m)::numeric, 3) AS distance_m
FROM cmp WHERE in_engine <> in_postgis ORDER BY at_ms, device_id, type LIMIT 20;

\echo '== Proximity distances on identical alerts: engine (local tangent plane, printed to 0.1 m) vs PostGIS (geodesic)'
SELECT count(*) AS alerts,
       count(*) FILTER (WHERE round(postgis_distance_m::numeric, 1) = round(engine_distance_m::numeric, 1)) AS same_to_0_1_m,
       round(max(abs(engine_distance_m - postgis_distance_m))::numeric, 4) AS max_abs_diff_m
FROM cmp WHERE in_engine AND in_postgis AND engine_distance_m IS NOT NULL AND postgis_distance_m IS NOT NULL;

-- How near the edges the data went, and what the two geometries would say there: every accepted-
-- looking aggressor fix (valid coordinates) against every circular zone of its orders, with the
-- geodesic distance (PostGIS) and the engine's local-frame distance (engine.cc: metres per degree
-- from the WGS84 radii of curvature at the centre, longitude scale at the mean latitude).
CREATE OR REPLACE FUNCTION eqb_kx(lat float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT 6378137.0 / sqrt(1 - 0.00669437999014132 * sin(radians(lat))^2) * cos(radians(lat)) * pi() / 180 $$;
CREATE OR REPLACE FUNCTION eqb_ky(lat float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT 6378137.0 / sqrt(1 - 0.00669437999014132 * sin(radians(lat))^2) * (1 - 0.00669437999014132)
         / (1 - 0.00669437999014132 * sin(radians(lat))^2) * pi() / 180 $$;
\echo '== Circle edges: aggressor fixes × circular zones of their orders, geodesic (PostGIS) vs local frame (engine)'
WITH f AS (
  SELECT p.lat, p.lon, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography AS g, dor.order_h
  FROM pos p JOIN dev d ON d.h = p.dev_h AND d.aggressor JOIN dev_order dor ON dor.dev_h = d.h
  WHERE p.has_fix AND p.lat BETWEEN -90 AND 90 AND p.lon BETWEEN -180 AND 180 AND NOT (p.lat = 0 AND p.lon = 0)),
c AS (
  SELECT z.radius_m AS r, ST_Distance(z.geog, f.g) AS dg,
         sqrt(((f.lon - ST_X(z.geog::geometry)) * (eqb_kx(ST_Y(z.geog::geometry))
                + (eqb_kx(ST_Y(z.geog::geometry) + 0.001) - eqb_kx(ST_Y(z.geog::geometry) - 0.001)) / 0.002 * (f.lat - ST_Y(z.geog::geometry)) * 0.5))^2
              + ((f.lat - ST_Y(z.geog::geometry)) * eqb_ky(ST_Y(z.geog::geometry)))^2) AS dl
  FROM f JOIN zone z ON z.order_h = f.order_h AND z.circle)
SELECT count(*) AS fix_zone_pairs,
       count(*) FILTER (WHERE abs(dg - r) < 1) AS within_1_m_of_edge,
       count(*) FILTER (WHERE abs(dg - r) < 0.01) AS within_1_cm_of_edge,
       round(min(abs(dg - r))::numeric, 4) AS closest_to_edge_m,
       round(max(abs(dl - dg)) FILTER (WHERE abs(dg - r) < 100)::numeric, 5) AS max_local_vs_geodesic_m_near_edge,
       count(*) FILTER (WHERE (dl <= r) <> (dg <= r)) AS inside_decisions_that_differ,
       count(*) FILTER (WHERE (dl > r + 30) <> (dg > r + 30)) AS exit_margin_decisions_that_differ
FROM c;
