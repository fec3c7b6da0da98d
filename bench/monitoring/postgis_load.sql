-- The monitoring data set of `equidad monitor synth` in PostGIS: raw CSV tables (COPY), then the
-- typed tables the evaluation reads, with handles (1..n) in the order the engine assigns them.
-- Run by bench/monitoring/postgis.sh with psql -v dir=<data set folder>; needs postgis and
-- btree_gist in the database.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DROP TABLE IF EXISTS raw_orders, raw_zones, raw_devices, raw_positions, ord, zone, dev, dev_order, victim, victim_dev, pair, pos CASCADE;

-- Raw files, row order kept in `seq` (positions are replayed in file order = arrival order).
CREATE UNLOGGED TABLE raw_orders (seq int GENERATED ALWAYS AS IDENTITY, order_id text, min_distance_m text, approach_m text, starts_at text, ends_at text);
CREATE UNLOGGED TABLE raw_zones (seq int GENERATED ALWAYS AS IDENTITY, zone_id text, order_id text, label text, shape text, lat text, lon text, radius_m text, wkt text);
CREATE UNLOGGED TABLE raw_devices (seq int GENERATED ALWAYS AS IDENTITY, device_id text, kind text, person_id text, order_id text);
CREATE UNLOGGED TABLE raw_positions (seq int GENERATED ALWAYS AS IDENTITY, device_id text, ts text, lat text, lon text, speed_kmh text, battery text, alarm text);

\set f_orders :dir '/orders.csv'
\set f_zones :dir '/zones.csv'
\set f_devices :dir '/devices.csv'
\set f_positions :dir '/positions.csv'
-- (\copy takes its line verbatim, so the file names go in through a variable holding the command)
\set c '\\copy raw_orders (order_id, min_distance_m, approach_m, starts_at, ends_at) FROM ' :'f_orders' ' WITH (FORMAT csv, HEADER true)'
:c
\set c '\\copy raw_zones (zone_id, order_id, label, shape, lat, lon, radius_m, wkt) FROM ' :'f_zones' ' WITH (FORMAT csv, HEADER true)'
:c
\set c '\\copy raw_devices (device_id, kind, person_id, order_id) FROM ' :'f_devices' ' WITH (FORMAT csv, HEADER true)'
:c
\set c '\\copy raw_positions (device_id, ts, lat, lon, speed_kmh, battery, alarm) FROM ' :'f_positions' ' WITH (FORMAT csv, HEADER true)'
:c

-- An instant as the replay reads it: Unix milliseconds (12 digits or more), Unix seconds, or ISO 8601
-- (UTC when no zone is given). Empty: `fallback`.
CREATE OR REPLACE FUNCTION eqb_instant(t text, fallback bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN btrim(coalesce(t, '')) = '' THEN fallback
    WHEN btrim(t) ~ '^[0-9]+(\.[0-9]*)?$' THEN
      CASE WHEN length(split_part(btrim(t), '.', 1)) >= 12 THEN round(btrim(t)::numeric)::bigint
           ELSE round(btrim(t)::numeric * 1000)::bigint END
    ELSE round(extract(epoch FROM (CASE WHEN btrim(t) ~ '(Z|[+-][0-9:]+)$' THEN btrim(t) ELSE btrim(t) || 'Z' END)::timestamptz) * 1000)::bigint
  END
$$;

-- Orders: handle = file order.
CREATE TABLE ord AS
SELECT row_number() OVER (ORDER BY seq)::int AS h, btrim(order_id)::bigint AS order_id,
       btrim(min_distance_m)::float8 AS min_m, coalesce(nullif(btrim(approach_m), '')::float8, 0) AS approach_m,
       eqb_instant(starts_at, 0) AS starts, eqb_instant(ends_at, 0) AS ends
FROM raw_orders;
CREATE UNIQUE INDEX ON ord (order_id);

-- Zones as geography (WGS84 spheroid): a circle is its centre point + radius, a polygon itself.
-- `area` is a planar lon/lat box that surely holds the zone (circle: bounding box widened by 1 %
-- plus a metre; polygon: its envelope plus ~1 m, since geodesic edges bulge by millimetres); the
-- GiST index on (order, area) is the engine's R-tree with its third axis (the order).
CREATE TABLE zone AS
WITH z AS (
  SELECT row_number() OVER (ORDER BY r.seq)::int AS h, btrim(r.zone_id)::bigint AS zone_id, o.h AS order_h, o.order_id,
         lower(btrim(r.shape)) IN ('circle', 'circulo', 'círculo') AS circle,
         nullif(btrim(r.lat), '')::float8 AS lat, nullif(btrim(r.lon), '')::float8 AS lon,
         coalesce(nullif(btrim(r.radius_m), '')::float8, 0) AS radius_m, r.wkt
  FROM raw_zones r JOIN ord o ON o.order_id = btrim(r.order_id)::bigint
)
SELECT h, zone_id, order_h, order_id, circle, radius_m,
       CASE WHEN circle THEN ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography
            ELSE ST_GeomFromText(wkt, 4326)::geography END AS geog,
       CASE WHEN circle THEN
              ST_MakeEnvelope(lon - (radius_m + 1) * 1.01 / (111319.49 * cos(radians(least(89.0, abs(lat) + (radius_m + 1) * 1.01 / 110574.0)))),
                              lat - (radius_m + 1) * 1.01 / 110574.0,
                              lon + (radius_m + 1) * 1.01 / (111319.49 * cos(radians(least(89.0, abs(lat) + (radius_m + 1) * 1.01 / 110574.0)))),
                              lat + (radius_m + 1) * 1.01 / 110574.0, 4326)
            ELSE ST_Expand(ST_Envelope(ST_GeomFromText(wkt, 4326)), 1e-5) END AS area
FROM z;
CREATE INDEX zone_order_area ON zone USING gist (order_h, area);

-- Devices: handle at first appearance (the engine's dense handles); one row per (device, order).
CREATE TABLE dev AS
SELECT row_number() OVER (ORDER BY first_seq)::int AS h, device_id, kind, person_id, kind = 'aggressor_tag' AS aggressor
FROM (SELECT btrim(device_id) AS device_id, min(btrim(kind)) AS kind, min(btrim(person_id)::bigint) AS person_id, min(seq) AS first_seq
      FROM raw_devices GROUP BY btrim(device_id)) d;
CREATE UNIQUE INDEX ON dev (device_id);
CREATE TABLE dev_order AS
SELECT d.h AS dev_h, row_number() OVER (PARTITION BY d.h ORDER BY r.seq)::int AS rank, o.h AS order_h, r.seq
FROM raw_devices r JOIN dev d ON d.device_id = btrim(r.device_id) JOIN ord o ON o.order_id = btrim(r.order_id)::bigint;

-- Victims of an order (one per protected person, in order of appearance) and their devices.
CREATE TABLE victim_dev AS
SELECT x.order_h, x.person_id, x.dev_h, x.seq FROM (
  SELECT dor.order_h, d.person_id, d.h AS dev_h, dor.seq FROM dev_order dor JOIN dev d ON d.h = dor.dev_h WHERE NOT d.aggressor) x;
CREATE TABLE victim AS
SELECT row_number() OVER (ORDER BY order_h, min(seq))::int AS h, order_h, person_id, min(seq) AS first_seq
FROM victim_dev GROUP BY order_h, person_id;
-- Pairs (aggressor, victim) per order: the state of the mobile zone.
CREATE TABLE pair AS
SELECT row_number() OVER (ORDER BY v.order_h, greatest(a.seq, v.first_seq), a.seq, v.first_seq)::int AS h, v.order_h, a.dev_h AS ag_h, v.h AS victim_h
FROM dev_order a JOIN dev da ON da.h = a.dev_h AND da.aggressor JOIN victim v ON v.order_h = a.order_h;

-- Positions in arrival order, parsed as the replay parses them (lat and lon both empty: no fix;
-- "NaN" stays NaN and is rejected as bad coordinates; battery rounded and capped at 100, -1 unknown).
CREATE TABLE pos AS
SELECT r.seq, d.h AS dev_h, eqb_instant(r.ts, 0) AS at, 0::bigint AS rec,
       NOT (btrim(coalesce(r.lat, '')) = '' AND btrim(coalesce(r.lon, '')) = '') AS has_fix,
       nullif(btrim(r.lat), '')::float8 AS lat, nullif(btrim(r.lon), '')::float8 AS lon,
       CASE WHEN btrim(coalesce(r.battery, '')) = '' OR btrim(r.battery)::float8 < 0 THEN -1
            ELSE round(least(btrim(r.battery)::numeric, 100))::int END AS batt,
       (CASE WHEN lower(coalesce(r.alarm, '')) ~ '(^|[,;])\s*(sos|general|panic|panico|pánico)\s*($|[,;])' THEN 1 ELSE 0 END |
        CASE WHEN lower(coalesce(r.alarm, '')) ~ '(^|[,;])\s*(tampering|removing|strap|tamper)\s*($|[,;])' THEN 2 ELSE 0 END |
        CASE WHEN lower(coalesce(r.alarm, '')) ~ '(^|[,;])\s*(lowbattery|lowpower|low_battery)\s*($|[,;])' THEN 4 ELSE 0 END) AS alarms
FROM raw_positions r LEFT JOIN dev d ON d.device_id = btrim(r.device_id);
CREATE UNIQUE INDEX ON pos (seq);

ANALYZE ord; ANALYZE zone; ANALYZE dev; ANALYZE dev_order; ANALYZE victim; ANALYZE victim_dev; ANALYZE pair; ANALYZE pos;
SELECT (SELECT count(*) FROM ord) AS orders, (SELECT count(*) FROM zone) AS zones, (SELECT count(*) FROM dev) AS devices,
       (SELECT count(*) FROM pair) AS pairs, (SELECT count(*) FROM pos) AS positions;
