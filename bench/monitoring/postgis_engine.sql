-- The monitoring engine's evaluation (src/monitoring/engine.cc) in PL/pgSQL + PostGIS, for the
-- comparison in bench/monitoring/postgis.sh. One loop over the positions in arrival order (the
-- hysteresis, the "live" victim position, duplicates and late fixes are sequential state); the
-- geometry is PostGIS on geography (WGS84 spheroid):
--   zone entry      GiST index on (order, area) finds the candidates (the engine's R-tree with the
--                   order as third axis), then ST_DWithin(centre, fix, radius) for circles and
--                   ST_Covers(polygon, fix) for polygons (covers: the edge counts as inside, as the
--                   engine's covered_by; ST_Contains would leave the edge out);
--   zone exit       NOT ST_DWithin(centre, fix, radius + 30) / NOT ST_DWithin(polygon, fix, 30) on
--                   2 consecutive fixes;
--   mobile zone     ST_Distance(aggressor, victim's freshest live fix) against the ordered and the
--                   approach distances (strict <, as the engine; ST_DWithin would be <=);
--   speed check     ST_Distance between consecutive fixes.
-- The state the engine keeps per device, pair and zone lives in PL/pgSQL arrays indexed by the same
-- dense handles (in-place updates of expanded arrays; a table per state would put an MVCC tuple
-- version on every position). Constants are the engine's Config defaults.
-- Alerts go to pg_alerts, one row per raised alert (the engine's `replay --all`).
\set ON_ERROR_STOP on
SET client_min_messages = warning;

DROP TABLE IF EXISTS pg_alerts;
CREATE UNLOGGED TABLE pg_alerts (
  seq bigserial, type text, device_id text, person_id bigint, order_id bigint, zone_id bigint, victim_person_id bigint,
  at_ms bigint, lat float8, lon float8, distance_m float8);

CREATE OR REPLACE FUNCTION eqb_replay(approach_default float8 DEFAULT 500, silence_min float8 DEFAULT 10, tick_s int DEFAULT 60)
RETURNS TABLE (received bigint, accepted bigint, stale bigint, duplicates bigint, rejected bigint, alerts bigint,
               ticks bigint, setup_s float8, loop_s float8)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  silence_ms constant bigint := (silence_min * 60000)::bigint;
  live_ms constant bigint := (silence_min * 60000)::bigint;   -- replay: live_max_age = silence
  tick_ms constant bigint := tick_s::bigint * 1000;
  exit_margin constant float8 := 30;
  exit_confirm constant int := 2;
  low_pct constant int := 15;
  rearm_pct constant int := 25;
  max_kmh constant float8 := 300;
  reanchor constant int := 3;
  max_future constant bigint := 600000;
  y2000 constant bigint := 946684800000;
  max_ticks constant bigint := 10000000;  -- bound on the silence sweeps (a corrupt far-future clock)
  t0 timestamptz := clock_timestamp();
  t1 timestamptz;
  -- orders
  o_id bigint[]; o_min float8[]; o_app float8[]; o_starts bigint[]; o_ends bigint[];
  -- zones
  z_id bigint[]; z_order_id bigint[]; z_circle boolean[]; z_radius float8[]; z_geog geography[];
  -- devices: static
  nd int; d_id text[]; d_person bigint[]; d_ag boolean[]; d_first_order bigint[];
  d_norders int[]; d_orders int[];   -- 2-D: device × rank → order handle
  d_npairs int[]; d_pairs int[];     -- 2-D: device × rank → pair handle
  -- devices: state (NULL = never)
  d_last_at bigint[]; d_last_alarms int[]; d_last_seen bigint[]; d_fix_at bigint[]; d_lat float8[]; d_lon float8[];
  d_batt int[]; d_flags int[]; d_speed int[];  -- flags: 1 silent, 2 low battery, 4 clock started
  ins_n int[]; ins_zone int[]; ins_streak int[];  -- 2-D: fixed zones the tag is in, in entry order
  k_inside int;
  -- victims and pairs
  v_person bigint[]; v_ndev int[]; v_devs int[];
  p_order int[]; p_ag int[]; p_victim int[]; p_level int[]; p_streak int[];
  -- loop
  r record; h int; oh int; ph int; zh int; ag int; vh int; best int; i int; j int; n int;
  now_ms bigint; clk bigint := 0; next_tick bigint; act boolean; found_in boolean; beyond boolean; fix_ok boolean;
  alat float8; alon float8; dist float8; app float8; target int; lvl int; clear_at float8; dt float8;
  pt geography; pt_geom geometry;
  n_received bigint := 0; n_accepted bigint := 0; n_stale bigint := 0; n_dup bigint := 0; n_rejected bigint := 0; n_ticks bigint := 0;
BEGIN
  TRUNCATE pg_alerts;
  SELECT array_agg(order_id ORDER BY h), array_agg(min_m ORDER BY h),
         array_agg(greatest(CASE WHEN approach_m > 0 THEN approach_m ELSE approach_default END, min_m) ORDER BY h),
         array_agg(starts ORDER BY h), array_agg(ends ORDER BY h)
    INTO o_id, o_min, o_app, o_starts, o_ends FROM ord;
  SELECT array_agg(zone_id ORDER BY h), array_agg(order_id ORDER BY h), array_agg(circle ORDER BY h),
         array_agg(radius_m ORDER BY h), array_agg(geog ORDER BY h)
    INTO z_id, z_order_id, z_circle, z_radius, z_geog FROM zone;
  SELECT array_agg(device_id ORDER BY h), array_agg(person_id ORDER BY h), array_agg(aggressor ORDER BY h), count(*)
    INTO d_id, d_person, d_ag, nd FROM dev;
  IF nd = 0 THEN RAISE EXCEPTION 'no devices'; END IF;
  -- orders of each device, in the order they were added
  SELECT greatest(1, max(rank)) INTO n FROM dev_order;
  d_norders := array_fill(0, ARRAY[nd]);
  d_orders := array_fill(0, ARRAY[nd, n]);
  d_first_order := array_fill(0::bigint, ARRAY[nd]);
  FOR r IN SELECT dev_h, rank, order_h FROM dev_order ORDER BY dev_h, rank LOOP
    d_orders[r.dev_h][r.rank] := r.order_h;
    d_norders[r.dev_h] := r.rank;
    IF r.rank = 1 THEN d_first_order[r.dev_h] := o_id[r.order_h]; END IF;
  END LOOP;
  -- victims and their devices
  SELECT array_agg(person_id ORDER BY h) INTO v_person FROM victim;
  SELECT greatest(1, max(c)) INTO n FROM (SELECT count(*) c FROM victim_dev GROUP BY order_h, person_id) x;
  v_ndev := array_fill(0, ARRAY[coalesce(array_length(v_person, 1), 0)]);
  v_devs := array_fill(0, ARRAY[greatest(1, coalesce(array_length(v_person, 1), 0)), n]);
  FOR r IN SELECT v.h, vd.dev_h FROM victim v JOIN victim_dev vd USING (order_h, person_id) ORDER BY v.h, vd.seq LOOP
    v_ndev[r.h] := v_ndev[r.h] + 1;
    v_devs[r.h][v_ndev[r.h]] := r.dev_h;
  END LOOP;
  -- pairs, and for each device the pairs its fixes re-evaluate: the aggressor's own, or those of
  -- the victim (same person) in the device's orders
  SELECT array_agg(order_h ORDER BY h), array_agg(ag_h ORDER BY h), array_agg(victim_h ORDER BY h)
    INTO p_order, p_ag, p_victim FROM pair;
  n := coalesce(array_length(p_order, 1), 0);
  p_level := array_fill(0, ARRAY[n]);
  p_streak := array_fill(0, ARRAY[n]);
  SELECT greatest(1, coalesce(max(c), 1)) INTO n FROM (SELECT count(*) c FROM pair GROUP BY ag_h) x;  -- an aggressor's pairs
  SELECT greatest(n, coalesce(max(c), 1)) INTO n FROM (
    SELECT dor.dev_h, count(*) c FROM dev_order dor JOIN dev d ON d.h = dor.dev_h AND NOT d.aggressor
    JOIN pair p ON p.order_h = dor.order_h JOIN victim v ON v.h = p.victim_h AND v.person_id = d.person_id GROUP BY dor.dev_h) x;
  d_npairs := array_fill(0, ARRAY[nd]);
  d_pairs := array_fill(0, ARRAY[nd, n]);
  FOR r IN SELECT x.dev_h, row_number() OVER (PARTITION BY x.dev_h ORDER BY x.orank, x.pair_h)::int AS rank, x.pair_h FROM (
             SELECT dor.dev_h, dor.rank AS orank, p.h AS pair_h
             FROM dev_order dor JOIN dev d ON d.h = dor.dev_h JOIN pair p ON p.order_h = dor.order_h
             JOIN victim v ON v.h = p.victim_h
             WHERE (d.aggressor AND p.ag_h = d.h) OR (NOT d.aggressor AND v.person_id = d.person_id)) x
           ORDER BY 1, 2 LOOP
    d_pairs[r.dev_h][r.rank] := r.pair_h;
    d_npairs[r.dev_h] := r.rank;
  END LOOP;
  -- a tag can be inside at most every zone of its orders at once
  SELECT greatest(1, coalesce(max(c), 1)) INTO k_inside FROM (
    SELECT dor.dev_h, count(*) c FROM dev_order dor JOIN zone z ON z.order_h = dor.order_h GROUP BY dor.dev_h) x;
  ins_n := array_fill(0, ARRAY[nd]);
  ins_zone := array_fill(0, ARRAY[nd, k_inside]);
  ins_streak := array_fill(0, ARRAY[nd, k_inside]);
  d_last_at := array_fill(NULL::bigint, ARRAY[nd]);
  d_last_alarms := array_fill(0, ARRAY[nd]);
  d_last_seen := array_fill(NULL::bigint, ARRAY[nd]);
  d_fix_at := array_fill(NULL::bigint, ARRAY[nd]);
  d_lat := array_fill(NULL::float8, ARRAY[nd]);
  d_lon := array_fill(NULL::float8, ARRAY[nd]);
  d_batt := array_fill(-1, ARRAY[nd]);
  d_flags := array_fill(0, ARRAY[nd]);
  d_speed := array_fill(0, ARRAY[nd]);
  t1 := clock_timestamp();

  FOR r IN SELECT p.dev_h, p.at, p.rec, p.has_fix, p.lat, p.lon, p.batt, p.alarms FROM pos p ORDER BY p.seq LOOP
    n_received := n_received + 1;
    -- Silence sweeps on the data's clock, as the replay does before each row.
    now_ms := CASE WHEN r.rec > 0 THEN r.rec ELSE r.at END;
    IF next_tick IS NULL THEN next_tick := now_ms; END IF;
    clk := greatest(clk, now_ms);
    WHILE next_tick <= clk LOOP
      n_ticks := n_ticks + 1;
      IF n_ticks > max_ticks THEN RAISE EXCEPTION 'more than % silence sweeps: is a timestamp far in the future?', max_ticks; END IF;
      FOR h IN 1..nd LOOP
        CONTINUE WHEN d_flags[h] & 1 <> 0;
        act := false;
        FOR j IN 1..d_norders[h] LOOP
          oh := d_orders[h][j];
          IF (o_starts[oh] = 0 OR next_tick >= o_starts[oh]) AND (o_ends[oh] = 0 OR next_tick < o_ends[oh]) THEN act := true; EXIT; END IF;
        END LOOP;
        CONTINUE WHEN NOT act;
        IF d_flags[h] & 4 = 0 THEN
          d_flags[h] := d_flags[h] | 4;
          d_last_seen[h] := next_tick;
          CONTINUE;
        END IF;
        IF next_tick - d_last_seen[h] >= silence_ms THEN
          d_flags[h] := d_flags[h] | 1;
          INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
          VALUES ('silence', d_id[h], d_person[h], d_first_order[h], 0, 0, next_tick, d_lat[h], d_lon[h]);
        END IF;
      END LOOP;
      next_tick := next_tick + tick_ms;
    END LOOP;

    -- Validation: unknown device, timestamp, coordinates.
    IF r.dev_h IS NULL THEN n_rejected := n_rejected + 1; CONTINUE; END IF;
    h := r.dev_h;
    IF r.at < y2000 OR (r.rec > 0 AND r.at > r.rec + max_future) THEN n_rejected := n_rejected + 1; CONTINUE; END IF;
    fix_ok := r.has_fix;
    IF r.has_fix AND (NOT (r.lat BETWEEN -90 AND 90 AND r.lon BETWEEN -180 AND 180) OR (r.lat = 0 AND r.lon = 0)) THEN
      fix_ok := false;  -- a button pressed with a broken GPS is still a button pressed
      IF r.alarms & 1 <> 0 THEN
        INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
        VALUES ('panic', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
      END IF;
      IF r.alarms & 2 <> 0 THEN
        INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
        VALUES ('tamper', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
      END IF;
      n_rejected := n_rejected + 1;
      CONTINUE;
    END IF;
    -- Duplicates and late arrivals.
    IF d_last_at[h] IS NOT NULL THEN
      IF r.at = d_last_at[h] AND r.alarms = d_last_alarms[h] AND
         ((r.has_fix AND coalesce(d_fix_at[h] = r.at AND d_lat[h] = r.lat AND d_lon[h] = r.lon, false)) OR
          (NOT r.has_fix AND d_fix_at[h] IS DISTINCT FROM r.at)) THEN
        n_dup := n_dup + 1;
        CONTINUE;
      END IF;
      IF r.at < d_last_at[h] THEN
        n_stale := n_stale + 1;
        IF r.alarms & 1 <> 0 THEN
          INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
          VALUES ('panic', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, r.lat, r.lon);
        END IF;
        IF r.alarms & 2 <> 0 THEN
          INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
          VALUES ('tamper', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, r.lat, r.lon);
        END IF;
        CONTINUE;
      END IF;
    END IF;
    -- Implied speed from the last accepted fix (1 s floor); re-anchor after 3 refusals in a row.
    IF r.has_fix AND d_fix_at[h] IS NOT NULL THEN
      dt := greatest((r.at - d_fix_at[h]) / 1000.0, 1.0);
      IF ST_Distance(ST_SetSRID(ST_MakePoint(d_lon[h], d_lat[h]), 4326)::geography,
                     ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)::geography) / dt * 3.6 > max_kmh THEN
        d_speed[h] := d_speed[h] + 1;
        IF d_speed[h] < reanchor THEN
          IF r.alarms & 1 <> 0 THEN
            INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
            VALUES ('panic', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
          END IF;
          IF r.alarms & 2 <> 0 THEN
            INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
            VALUES ('tamper', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
          END IF;
          n_rejected := n_rejected + 1;
          CONTINUE;
        END IF;
      END IF;
    END IF;
    -- Accepted: the live state moves.
    d_speed[h] := 0;
    n_accepted := n_accepted + 1;
    d_last_at[h] := r.at;
    d_last_alarms[h] := r.alarms;
    d_last_seen[h] := greatest(d_last_seen[h], CASE WHEN r.rec > 0 THEN r.rec ELSE r.at END);
    d_flags[h] := (d_flags[h] & ~1) | 4;
    IF r.has_fix THEN d_lat[h] := r.lat; d_lon[h] := r.lon; d_fix_at[h] := r.at; END IF;
    IF r.batt >= 0 THEN d_batt[h] := r.batt; END IF;
    IF r.alarms & 1 <> 0 THEN
      INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
      VALUES ('panic', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
    END IF;
    IF r.alarms & 2 <> 0 THEN
      INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
      VALUES ('tamper', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
    END IF;
    IF ((r.batt >= 0 AND r.batt <= low_pct) OR r.alarms & 4 <> 0) AND d_flags[h] & 2 = 0 THEN
      d_flags[h] := d_flags[h] | 2;
      INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
      VALUES ('low_battery', d_id[h], d_person[h], d_first_order[h], 0, 0, r.at, d_lat[h], d_lon[h]);
    ELSIF r.batt >= rearm_pct THEN
      d_flags[h] := d_flags[h] & ~2;
    END IF;
    CONTINUE WHEN NOT r.has_fix;

    IF d_ag[h] THEN
      pt_geom := ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326);
      pt := pt_geom::geography;
      -- Exits: only the zones the tag is in, past the edge by the margin on 2 fixes in a row.
      i := 1;
      WHILE i <= ins_n[h] LOOP
        zh := ins_zone[h][i];
        IF z_circle[zh] THEN beyond := NOT ST_DWithin(z_geog[zh], pt, z_radius[zh] + exit_margin);
        ELSE beyond := NOT ST_DWithin(z_geog[zh], pt, exit_margin); END IF;
        IF beyond THEN
          ins_streak[h][i] := ins_streak[h][i] + 1;
          IF ins_streak[h][i] >= exit_confirm THEN
            FOR j IN i..ins_n[h] - 1 LOOP
              ins_zone[h][j] := ins_zone[h][j + 1];
              ins_streak[h][j] := ins_streak[h][j + 1];
            END LOOP;
            ins_n[h] := ins_n[h] - 1;
            INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
            VALUES ('zone_exit', d_id[h], d_person[h], z_order_id[zh], z_id[zh], 0, r.at, r.lat, r.lon);
            CONTINUE;
          END IF;
        ELSE
          ins_streak[h][i] := 0;
        END IF;
        i := i + 1;
      END LOOP;
      -- Entries: immediate. Candidates from the GiST index on (order, area), then the exact test.
      FOR j IN 1..d_norders[h] LOOP
        oh := d_orders[h][j];
        CONTINUE WHEN NOT ((o_starts[oh] = 0 OR r.at >= o_starts[oh]) AND (o_ends[oh] = 0 OR r.at < o_ends[oh]));
        FOR zh IN SELECT z.h FROM zone z
                  WHERE z.order_h = oh AND z.area && pt_geom
                    AND CASE WHEN z.circle THEN ST_DWithin(z.geog, pt, z.radius_m) ELSE ST_Covers(z.geog, pt) END LOOP
          found_in := false;
          FOR i IN 1..ins_n[h] LOOP
            IF ins_zone[h][i] = zh THEN found_in := true; EXIT; END IF;
          END LOOP;
          CONTINUE WHEN found_in;
          IF ins_n[h] >= k_inside THEN RAISE EXCEPTION 'device % inside more zones than its orders have', d_id[h]; END IF;
          ins_n[h] := ins_n[h] + 1;
          ins_zone[h][ins_n[h]] := zh;
          ins_streak[h][ins_n[h]] := 0;
          INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon)
          VALUES ('zone_enter', d_id[h], d_person[h], o_id[oh], z_id[zh], 0, r.at, r.lat, r.lon);
        END LOOP;
      END LOOP;
    END IF;

    -- Mobile zone: every pair this fix moves, aggressor against the victim's freshest live fix.
    FOR j IN 1..d_npairs[h] LOOP
      ph := d_pairs[h][j];
      oh := p_order[ph];
      CONTINUE WHEN NOT ((o_starts[oh] = 0 OR r.at >= o_starts[oh]) AND (o_ends[oh] = 0 OR r.at < o_ends[oh]));
      ag := p_ag[ph];
      vh := p_victim[ph];
      best := NULL;
      FOR i IN 1..v_ndev[vh] LOOP
        n := v_devs[vh][i];
        IF d_fix_at[n] IS NOT NULL AND (best IS NULL OR d_fix_at[n] > d_fix_at[best]) THEN best := n; END IF;
      END LOOP;
      CONTINUE WHEN best IS NULL OR d_fix_at[ag] IS NULL;
      CONTINUE WHEN abs(r.at - d_fix_at[ag]) > live_ms OR abs(r.at - d_fix_at[best]) > live_ms;
      alat := d_lat[ag];
      alon := d_lon[ag];
      dist := ST_Distance(ST_SetSRID(ST_MakePoint(alon, alat), 4326)::geography,
                          ST_SetSRID(ST_MakePoint(d_lon[best], d_lat[best]), 4326)::geography);
      app := o_app[oh];
      target := CASE WHEN dist < o_min[oh] THEN 2 WHEN dist < app THEN 1 ELSE 0 END;
      lvl := p_level[ph];
      IF target > lvl THEN
        p_level[ph] := target;
        p_streak[ph] := 0;
        INSERT INTO pg_alerts (type, device_id, person_id, order_id, zone_id, victim_person_id, at_ms, lat, lon, distance_m)
        VALUES (CASE WHEN target = 2 THEN 'proximity_breach' ELSE 'proximity_warning' END, d_id[ag], d_person[ag], o_id[oh], 0,
                v_person[vh], r.at, alat, alon, dist);
      ELSIF target < lvl THEN
        clear_at := CASE WHEN lvl = 2 THEN o_min[oh] ELSE app END + exit_margin;
        IF dist > clear_at THEN
          p_streak[ph] := p_streak[ph] + 1;
          IF p_streak[ph] >= exit_confirm THEN
            -- step down one level at a time through the margins: breach → warning → clear
            p_level[ph] := CASE WHEN lvl = 2 AND dist < app + exit_margin THEN 1 ELSE target END;
            p_streak[ph] := 0;
          END IF;
        ELSE
          p_streak[ph] := 0;
        END IF;
      ELSE
        p_streak[ph] := 0;
      END IF;
    END LOOP;
  END LOOP;

  RETURN QUERY SELECT n_received, n_accepted, n_stale, n_dup, n_rejected, (SELECT count(*) FROM pg_alerts), n_ticks,
                      extract(epoch FROM t1 - t0)::float8, extract(epoch FROM clock_timestamp() - t1)::float8;
END
$fn$;
