// Telematic monitoring over real HTTP (src/monitoring/API.md), on the demo data: device ingest
// (OsmAnd and JSON batches) with its refusals, the control centre's console workflow (take, call,
// dispatch, unit progress, close), orders/zones/devices with their validation and warnings, the
// live WebSocket streams, the signed evidence export and the audit trail of all of it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, request, runCommand, sleep, startServer, tempDir } from './harness.mjs';
import { UA, auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { WsClient } from './ws_client.mjs';

let srv;
let op; // operador@: operator (alerts.handle, monitoring.manage), TOTP
let muni; // municipal@: Municipalidad de Santiago (dispatch.receive)
let police; // patrulla@: Carabineros de Chile (dispatch.receive)
let admin; // audit.read
let demoOrder; // the demo order "RIT F-1234-2026"
const tmp = tempDir('equidad-it-mon-');

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  [op, muni, police, admin] = await Promise.all([
    loginDemo(srv, 'operator'), loginDemo(srv, 'municipal'), login(srv, 'patrulla@equidad.demo'), loginDemo(srv, 'admin'),
  ]);
  const orders = await op.get('/api/v1/monitoring/orders');
  assert.equal(orders.status, 200, orders.text);
  demoOrder = orders.json.items.find((o) => o.label === 'RIT F-1234-2026');
  assert.ok(demoOrder, `demo order missing: ${orders.text}`);
});
after(async () => { await srv?.stop(); tmp.cleanup(); });

// ---------------------------------------------------------------- helpers
const HOME = { lat: -33.4378, lon: -70.6505 }; // the demo victim's home (circle of 300 m)
const M_LAT = 1 / 111_320; // degrees of latitude per metre
const M_LON = 1 / (111_320 * Math.cos((33.44 * Math.PI) / 180)); // degrees of longitude per metre at Santiago
const north = (p, m) => ({ lat: p.lat + m * M_LAT, lon: p.lon });
const east = (p, m) => ({ lat: p.lat, lon: p.lon + m * M_LON });

// Device instants: strictly increasing per device, close to now (ms).
const lastAt = new Map();
function tick(device, stepMs = 1000) {
  const t = Math.max(Date.now(), (lastAt.get(device) ?? 0) + stepMs);
  lastAt.set(device, t);
  return t;
}

const basic = (id, secret) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
const demoSecret = (id) => `demo-secreto-${id}`;
const DEVICES_ADDR = nextClientAddress(); // honest devices' source address

function osmandGet(params, { address = DEVICES_ADDR, headers } = {}) {
  return request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams(params)}`, { baseUrl: srv.baseUrl, headers, localAddress: address });
}
function osmandPost(params, { address = DEVICES_ADDR, headers = {} } = {}) {
  return request('POST', '/api/v1/monitoring/osmand', {
    baseUrl: srv.baseUrl, body: new URLSearchParams(params).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, localAddress: address,
  });
}
function batch(id, secret, positions, { address = DEVICES_ADDR, body, headers = {} } = {}) {
  return request('POST', '/api/v1/monitoring/positions', {
    baseUrl: srv.baseUrl, body: body ?? { positions }, headers: { ...basic(id, secret), ...headers }, localAddress: address,
  });
}
// One OsmAnd fix of a device at a place (ms timestamp), acknowledged.
async function fix(id, secret, p, extra = {}) {
  const at = extra.timestamp ?? tick(id);
  const r = await osmandGet({ id, key: secret, lat: p.lat.toFixed(7), lon: p.lon.toFixed(7), timestamp: String(at), ...extra });
  assert.equal(r.status, 200, `osmand ${id}: ${r.status} ${r.text}`);
  assert.equal(r.text, 'OK');
  return at;
}

// dd-mm-aaaa of yesterday: orders start at the beginning of that day, so fixes of the last minutes fall inside.
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('-');

let serial = 0;
const orderBody = (over = {}) => ({
  label: `RIT F-${9000 + ++serial}-2026 (${process.pid})`, court: 'Juzgado de Familia de Santiago',
  victim_name: 'Valentina Prueba Díaz', victim_phone: '+56 9 5555 0001', aggressor_name: 'Rodrigo Prueba Vera',
  aggressor_phone: '+56 9 5555 0002', comuna_id: '13101', min_distance_m: 500, approach_m: 1000, ...over,
});
async function newOrder(over) {
  const r = await op.post('/api/v1/monitoring/orders', orderBody(over));
  assert.equal(r.status, 201, r.text);
  return r.json.order;
}
async function newDevice(orderId, kind, id = `it-${kind}-${process.pid}-${++serial}`) {
  const r = await op.post(`/api/v1/monitoring/orders/${orderId}/devices`, { device_id: id, kind });
  assert.equal(r.status, 201, r.text);
  assert.equal(typeof r.json.secret, 'string');
  assert.ok(r.json.secret.length >= 16, r.text);
  return { id, secret: r.json.secret, kind };
}
async function incidents(state = 'all') {
  const r = await op.get(`/api/v1/monitoring/incidents?state=${state}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}
async function trail(orderId, minutes = 60) {
  const r = await op.get(`/api/v1/monitoring/orders/${orderId}/trail?minutes=${minutes}`);
  assert.equal(r.status, 200, r.text);
  const out = {};
  for (const d of r.json.devices) out[d.device_id] = d.points;
  return out;
}
const points = async (orderId, device) => (await trail(orderId))[device] ?? [];
async function consoleStats() {
  const r = await op.get('/api/v1/monitoring/console');
  assert.equal(r.status, 200, r.text);
  return r.json.stats;
}
async function liveAs(client, p = '/api/v1/monitoring/live', headers = {}) {
  return WsClient.connect(srv.baseUrl, p, { headers: { Cookie: client.cookie, 'User-Agent': client.ua, ...headers }, localAddress: client.address });
}

// ---------------------------------------------------------------- ingest
describe('device ingest', () => {
  test('OsmAnd GET and POST (form body, query string, HTTP Basic) from the demo devices are acknowledged and stored', async () => {
    const near = north(HOME, -10);
    const t1 = await fix('demo-movil-1', demoSecret('demo-movil-1'), near, { batt: '76', accuracy: '8' });
    // POST with the parameters as a form body (OsmAnd's own client) …
    const t2 = tick('demo-pulsera-1');
    const r2 = await osmandPost({ id: 'demo-pulsera-1', key: demoSecret('demo-pulsera-1'), lat: near.lat, lon: near.lon, timestamp: String(t2), batt: '39' });
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.text, 'OK');
    // … or in the query string with an empty body (Traccar Client), seconds and ISO 8601 instants,
    // and the key as the HTTP Basic password.
    const t3 = Math.ceil(tick('demo-movil-1', 1500) / 1000) * 1000;
    lastAt.set('demo-movil-1', t3);
    const r3 = await request('POST', `/api/v1/monitoring/osmand?${new URLSearchParams({ id: 'demo-movil-1', key: demoSecret('demo-movil-1'), location: `${near.lat},${near.lon}`, timestamp: String(t3 / 1000) })}`,
      { baseUrl: srv.baseUrl, localAddress: DEVICES_ADDR });
    assert.equal(r3.status, 200, r3.text);
    const t4 = tick('demo-movil-1', 1000);
    const r4 = await osmandGet({ id: 'demo-movil-1', lat: near.lat, lon: near.lon, timestamp: new Date(t4).toISOString() },
      { headers: basic('demo-movil-1', demoSecret('demo-movil-1')) });
    assert.equal(r4.status, 200, r4.text);

    const tr = await trail(demoOrder.id, 5);
    const movil = tr['demo-movil-1'].map((p) => p.at);
    for (const t of [t1, t3, t4]) assert.ok(movil.includes(t), `demo-movil-1 at ${t} not in the trail ${JSON.stringify(movil)}`);
    assert.ok(tr['demo-pulsera-1'].some((p) => p.at === t2 && Math.abs(p.lat - near.lat) < 1e-6), JSON.stringify(tr['demo-pulsera-1']));
    const cons = await op.get('/api/v1/monitoring/console');
    const dev = cons.json.devices.find((d) => d.device_id === 'demo-pulsera-1');
    assert.equal(dev.at, t2);
    assert.equal(dev.battery, 39);
  });

  test('a JSON batch with HTTP Basic is stored once; a resend is all duplicates', async () => {
    const o = await newOrder();
    const d = await newDevice(o.id, 'victim_mobile');
    const t0 = Date.now() - 60_000;
    const positions = Array.from({ length: 5 }, (_, i) => ({
      timestamp: t0 + i * 10_000, lat: HOME.lat + i * 0.0001, lon: HOME.lon, speed_kmh: 3, accuracy_m: 10, battery: 90, bearing: 10, altitude_m: 550,
    }));
    const r = await batch(d.id, d.secret, positions);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { accepted: 5, stale: 0, duplicates: 0, rejected: 0, alerts: 0, errors: [] });
    const again = await batch(d.id, d.secret, positions);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.duplicates, 5, again.text);
    assert.equal(again.json.accepted, 0);
    const pts = await points(o.id, d.id);
    assert.deepEqual(pts.map((p) => p.at), positions.map((p) => p.timestamp), 'each position stored exactly once');
    // ISO 8601 and Unix seconds are instants too.
    const iso = await batch(d.id, d.secret, [{ timestamp: new Date(t0 + 50_000).toISOString(), lat: HOME.lat, lon: HOME.lon },
      { timestamp: (t0 + 60_000) / 1000, lat: HOME.lat, lon: HOME.lon }]);
    assert.equal(iso.json.accepted, 2, iso.text);
    assert.equal((await points(o.id, d.id)).length, 7);
  });

  test('a buffered burst arriving out of order is evaluated in device order (zone entry and exit)', async () => {
    const o = await newOrder({ starts_on: yesterday() }); // in force when the buffered fixes were taken
    const z = await op.post(`/api/v1/monitoring/orders/${o.id}/zones`, { label: 'Colegio', shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 200 });
    assert.equal(z.status, 201, z.text);
    const tag = await newDevice(o.id, 'aggressor_tag');
    const t0 = Date.now() - 10 * 60_000;
    const at = (i) => t0 + i * 60_000;
    const outside = north(HOME, 900);
    const inside = north(HOME, 50);
    const away = north(HOME, 1200);
    const fixAt = (i, p) => ({ timestamp: at(i), lat: p.lat, lon: p.lon, battery: 80 });
    // In device order: outside (0), inside (1), away (2), away (3) → one entry, one exit.
    // Arrival order shuffled, as a tracker emptying its buffer after a tunnel might send it.
    const r = await batch(tag.id, tag.secret, [fixAt(2, away), fixAt(0, outside), fixAt(3, east(away, 20)), fixAt(1, inside)]);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accepted, 4, r.text);
    assert.equal(r.json.stale, 0, `evaluated in arrival order? ${r.text}`);
    assert.ok(r.json.alerts >= 2, r.text);
    const mine = (await incidents()).filter((i) => i.order_id === o.id);
    const enter = mine.find((i) => i.type === 'zone_enter');
    const exit = mine.find((i) => i.type === 'zone_exit');
    assert.ok(enter, JSON.stringify(mine));
    assert.ok(exit, JSON.stringify(mine));
    assert.equal(enter.first_at, at(1));
    assert.equal(enter.zone_id, z.json.zone.id);
    assert.equal(enter.severity, 'high');
    assert.ok(exit.first_at >= at(2), JSON.stringify(exit));
  });

  test('bad input is refused with a Spanish error naming the field, and nothing is stored', async () => {
    const o = await newOrder();
    const d = await newDevice(o.id, 'victim_bracelet');
    const addr = nextClientAddress(); // its own address: the failed keys below must not throttle other tests
    const ok = north(HOME, 20);
    const base = () => ({ id: d.id, key: d.secret, lat: ok.lat, lon: ok.lon, timestamp: String(tick(d.id)) });
    const before = await consoleStats();

    // Credentials: wrong key and unknown device get the same answer (ids are guessable).
    const wrong = await osmandGet({ ...base(), key: 'no-es-la-clave' }, { address: addr });
    const e1 = assertApiError(assert, wrong, 401, 'device_unauthenticated');
    const unknown = await osmandGet({ ...base(), id: `no-existe-${process.pid}` }, { address: addr });
    const e2 = assertApiError(assert, unknown, 401, 'device_unauthenticated');
    assert.deepEqual(e2, e1, 'unknown device and wrong key answer alike');
    const { key, ...noKey } = base();
    assertApiError(assert, await osmandGet(noKey, { address: addr }), 401, 'device_unauthenticated', 'key');
    assertApiError(assert, await batch(d.id, 'no-es-la-clave', [{ timestamp: Date.now(), lat: ok.lat, lon: ok.lon }], { address: addr }), 401, 'device_unauthenticated');
    assertApiError(assert, await request('POST', '/api/v1/monitoring/positions', { baseUrl: srv.baseUrl, body: { positions: [] }, localAddress: addr }), 401, 'device_unauthenticated');

    // Coordinates: not numbers, NaN, out of range, missing half.
    assertApiError(assert, await osmandGet({ ...base(), lat: 'abc' }), 422, undefined, 'lat');
    for (const [lat, lon] of [['NaN', ok.lon], [ok.lat, 'nan'], ['95', ok.lon], [ok.lat, '-190'], ['inf', ok.lon]]) {
      const r = await osmandGet({ ...base(), lat: String(lat), lon: String(lon) });
      assert.equal(r.status, 422, `lat=${lat} lon=${lon}: ${r.status} ${r.text}`);
      const e = assertApiError(assert, r, 422);
      assert.ok(['lat', 'lon'].includes(e.field), r.text);
    }
    const { lon: _lon, ...noLon } = base();
    assertApiError(assert, await osmandGet(noLon), 422, undefined, 'lon');
    // Time: malformed, and a device clock far ahead.
    assertApiError(assert, await osmandGet({ ...base(), timestamp: 'ayer' }), 422, undefined, 'timestamp');
    assertApiError(assert, await osmandGet({ ...base(), timestamp: String(Date.now() + 3_600_000) }), 422, undefined, 'timestamp');
    assertApiError(assert, await osmandGet({ ...base(), batt: '140' }), 422, undefined, 'batt');
    assertApiError(assert, await osmandGet({ ...base(), speed: 'rápido' }), 422, undefined, 'speed');

    // An absurd implied speed: one good fix, then 50 km away two seconds later.
    const first = tick(d.id);
    const good = await osmandGet({ ...base(), timestamp: String(first) });
    assert.equal(good.status, 200, good.text);
    const far = north(ok, 50_000);
    const jump = await osmandGet({ ...base(), lat: far.lat, lon: far.lon, timestamp: String(first + 2000) });
    assert.equal(jump.status, 422, jump.text);
    assert.equal(jump.json.error.code, 'absurd_speed', jump.text);
    assert.match(jump.json.error.message, /velocidad/i);
    assert.ok(jump.json.error.field, jump.text);

    // JSON batches.
    const p = () => ({ timestamp: tick(d.id), lat: ok.lat, lon: ok.lon });
    assertApiError(assert, await batch(d.id, d.secret, null, { body: { positions: [{ ...p(), color: 'rojo' }] } }), 422, undefined, 'positions[0].color');
    assertApiError(assert, await batch(d.id, d.secret, null, { body: { positions: [p()], extra: 1 } }), 422, 'unknown_field', 'extra');
    assertApiError(assert, await batch(d.id, d.secret, null, { body: { positions: [p(), { ...p(), lat: 'x' }] } }), 422, undefined, 'positions[1].lat');
    assertApiError(assert, await batch(d.id, d.secret, null, { body: { positions: [{ ...p(), timestamp: 'mañana' }] } }), 422, undefined, 'positions[0].timestamp');
    assertApiError(assert, await batch(d.id, d.secret, null, { body: { positions: [{ lat: ok.lat, lon: ok.lon }] } }), 422, undefined, 'positions[0].timestamp');
    const many = Array.from({ length: 1001 }, (_, i) => ({ timestamp: Date.now() - 2_000_000 + i * 1000, lat: ok.lat, lon: ok.lon }));
    assertApiError(assert, await batch(d.id, d.secret, many), 422, 'too_many', 'positions');
    assertApiError(assert, await batch(d.id, d.secret, null, { body: '{"positions": [', headers: { 'Content-Type': 'application/json' } }), 400, 'invalid_json');
    assertApiError(assert, await batch(d.id, d.secret, null, { body: 'lat=1&lon=2', headers: { 'Content-Type': 'text/plain' } }), 415);
    assertApiError(assert, await batch(d.id, d.secret, null, { body: { posiciones: [] } }), 422, undefined, 'posiciones');
    // Evaluated but refused by the engine: reported per position, with its index and field.
    const mixed = await batch(d.id, d.secret, [{ timestamp: tick(d.id), lat: 200, lon: ok.lon }, { timestamp: Date.now() + 7_200_000, lat: ok.lat, lon: ok.lon }]);
    assert.equal(mixed.status, 200, mixed.text);
    assert.equal(mixed.json.rejected, 2, mixed.text);
    assert.equal(mixed.json.accepted, 0);
    assert.deepEqual(mixed.json.errors.map((e) => [e.index, e.field, e.code]), [[0, 'lat', 'bad_coordinates'], [1, 'timestamp', 'bad_timestamp']]);
    for (const e of mixed.json.errors) assert.match(e.message, /[áéíóú]|\b(de|la)\b/, 'Spanish message');

    // Only the one good fix is stored.
    const pts = await points(o.id, d.id);
    assert.deepEqual(pts.map((x) => x.at), [first], JSON.stringify(pts));
    const after = await consoleStats();
    assert.ok(after.rejected >= before.rejected + 9, `rejections counted: ${before.rejected} → ${after.rejected}`);
  });

  test('about 20 unknown device ids from one address get 429; a device with its own key from that address is never refused', async () => {
    const attacker = nextClientAddress();
    const statuses = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const r = await osmandGet({ id: `adivina-${i}`, key: 'x', lat: HOME.lat, lon: HOME.lon, timestamp: String(Date.now()) }, { address: attacker });
      statuses.push(r.status);
      if (r.status === 429) assertApiError(assert, r, 429, 'rate_limited');
      else assertApiError(assert, r, 401, 'device_unauthenticated');
    }
    const refusals = statuses.filter((s) => s === 401).length;
    assert.ok(statuses.includes(429), `never throttled: ${statuses.join(',')}`);
    assert.ok(refusals >= 18 && refusals <= 25, `throttled after ${refusals} failures`);
    // Behind NAT every bracelet shares the attacker's address: one presenting its own key is taken
    // (issue 11: an address-wide limit let anyone silence panic alarms), over OsmAnd and JSON.
    await fix('demo-movil-1', demoSecret('demo-movil-1'), north(HOME, -10));
    const viaOsmand = await osmandGet({ id: 'demo-movil-1', key: demoSecret('demo-movil-1'), lat: HOME.lat, lon: HOME.lon, timestamp: String(tick('demo-movil-1')) }, { address: attacker });
    assert.equal(viaOsmand.status, 200, viaOsmand.text);
    const r = await batch('demo-movil-1', demoSecret('demo-movil-1'), [{ timestamp: tick('demo-movil-1'), lat: HOME.lat, lon: HOME.lon }], { address: attacker });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accepted, 1, r.text);
  });
});

// ---------------------------------------------------------------- orders, zones, devices
describe('orders, zones and devices', () => {
  test('orders are validated field by field', async () => {
    const bad = async (over, status, code, field) => assertApiError(assert, await op.post('/api/v1/monitoring/orders', orderBody(over)), status, code, field);
    await bad({ victim_phone: 'llamar a la vecina' }, 422, 'invalid_phone', 'victim_phone');
    await bad({ aggressor_phone: '12' }, 422, 'invalid_phone', 'aggressor_phone');
    await bad({ min_distance_m: 10 }, 422, 'out_of_range', 'min_distance_m');
    await bad({ min_distance_m: 20_000 }, 422, 'out_of_range', 'min_distance_m');
    await bad({ min_distance_m: 500, approach_m: 500 }, 422, 'out_of_range', 'approach_m');
    await bad({ min_distance_m: 500, approach_m: 300 }, 422, 'out_of_range', 'approach_m');
    await bad({ comuna_id: '99999' }, 422, 'invalid_comuna', 'comuna_id'); // dispatch depends on it
    await bad({ comuna_id: 'stgo' }, 422, 'invalid_comuna', 'comuna_id');
    await bad({ victim_name: '' }, 422, undefined, 'victim_name');
    await bad({ victim_home: { lat: 48.85, lon: 2.35 } }, 422, 'out_of_range', 'victim_home');
    await bad({ ends_on: '01-01-2020', starts_on: '01-02-2020' }, 422, undefined, 'ends_on');
    // Nothing half-made: the list has none of these.
    const list = await op.get('/api/v1/monitoring/orders');
    assert.ok(!list.json.items.some((o) => o.victim_phone === 'llamar a la vecina'));
    // A valid one is listed, in force, without zones or devices yet.
    const o = await newOrder({ starts_on: '01-12-2026', ends_on: '31-05-2027' });
    const got = await op.get(`/api/v1/monitoring/orders/${o.id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.json.order.victim_phone, '+56 9 5555 0001');
    assert.equal(got.json.order.min_distance_m, 500);
    // In force through the whole of its last day, and shown with that day.
    assert.deepEqual([got.json.order.starts_on, got.json.order.ends_on, got.json.order.status], ['01-12-2026', '31-05-2027', 'vigente']);
    assert.deepEqual(got.json.order.zones, []);
    assertApiError(assert, await op.get('/api/v1/monitoring/orders/999999'), 404);
  });

  test('zones are validated (circle radius, polygon points) and unknown orders are 404', async () => {
    const o = await newOrder();
    const zone = (b) => op.post(`/api/v1/monitoring/orders/${o.id}/zones`, { label: 'Trabajo', ...b });
    assertApiError(assert, await zone({ shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 5 }), 422, 'out_of_range', 'radius_m');
    assertApiError(assert, await zone({ shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 9000 }), 422, 'out_of_range', 'radius_m');
    assertApiError(assert, await zone({ shape: 'circle', lat: HOME.lat, lon: HOME.lon }), 422, undefined, 'radius_m');
    assertApiError(assert, await zone({ shape: 'circle', lat: 95, lon: HOME.lon, radius_m: 100 }), 422, undefined, 'lat');
    assertApiError(assert, await zone({ shape: 'polygon', polygon: [[-33.44, -70.65], [-33.45, -70.65]] }), 422, 'invalid_polygon', 'polygon');
    assertApiError(assert, await zone({ shape: 'polygon', polygon: [[-33.44, -70.65], [-33.45, -70.65], ['x', 1]] }), 422, 'invalid_polygon', 'polygon');
    assertApiError(assert, await zone({ shape: 'triangle' }), 422, 'invalid_shape', 'shape');
    assertApiError(assert, await op.post('/api/v1/monitoring/orders/999999/zones', { label: 'x', shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 100 }), 404);
    const poly = await zone({ shape: 'polygon', polygon: [[-33.4420, -70.6540], [-33.4420, -70.6500], [-33.4450, -70.6500], [-33.4450, -70.6540]] });
    assert.equal(poly.status, 201, poly.text);
    assert.equal(poly.json.zone.shape, 'polygon');
    assert.equal(poly.json.zone.polygon.length, 4);
    const got = await op.get(`/api/v1/monitoring/orders/${o.id}`);
    assert.equal(got.json.order.zones.length, 1, 'refused zones were not stored');
  });

  test('warnings when the aggressor lives inside a zone or too close to the victim', async () => {
    const homeA = north(HOME, 150);
    const created = await op.post('/api/v1/monitoring/orders', orderBody({ victim_home: HOME, aggressor_home: homeA }));
    assert.equal(created.status, 201, created.text);
    assert.ok(created.json.warnings.some((w) => /domicilio registrado del agresor/.test(w)), JSON.stringify(created.json.warnings));
    const z = await op.post(`/api/v1/monitoring/orders/${created.json.order.id}/zones`,
      { label: 'Domicilio de la víctima', shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 300 });
    assert.equal(z.status, 201, z.text);
    assert.ok(z.json.warnings.some((w) => /dentro de la zona de exclusión «Domicilio de la víctima»/.test(w)), JSON.stringify(z.json.warnings));
    // Saved anyway, and the warnings are shown again on reading.
    const got = await op.get(`/api/v1/monitoring/orders/${created.json.order.id}`);
    assert.ok(got.json.warnings.some((w) => /zona de exclusión/.test(w)), got.text);
    // A far-away aggressor home: no such warning.
    const fine = await op.post('/api/v1/monitoring/orders', orderBody({ victim_home: HOME, aggressor_home: { lat: -33.5227, lon: -70.5980 } }));
    assert.equal(fine.status, 201, fine.text);
    assert.ok(!fine.json.warnings.some((w) => /domicilio registrado del agresor/.test(w)), JSON.stringify(fine.json.warnings));
  });

  test('devices: id and kind validated, duplicate id 409, the secret is shown once and works for ingest', async () => {
    const o = await newOrder();
    const dev = (b) => op.post(`/api/v1/monitoring/orders/${o.id}/devices`, b);
    assertApiError(assert, await dev({ device_id: 'a', kind: 'victim_mobile' }), 422, 'invalid_device_id', 'device_id');
    assertApiError(assert, await dev({ device_id: 'imei 1234', kind: 'victim_mobile' }), 422, 'invalid_device_id', 'device_id');
    assertApiError(assert, await dev({ device_id: `it-reloj-${process.pid}`, kind: 'reloj' }), 422, undefined, 'kind');
    assertApiError(assert, await op.post('/api/v1/monitoring/orders/999999/devices', { device_id: `it-x-${process.pid}`, kind: 'victim_mobile' }), 404);
    const d = await newDevice(o.id, 'aggressor_tag', `it-imei-35${process.pid}`);
    assertApiError(assert, await dev({ device_id: d.id, kind: 'aggressor_tag' }), 409, 'duplicate_device', 'device_id');
    assertApiError(assert, await dev({ device_id: 'demo-tag-1', kind: 'aggressor_tag' }), 409, 'duplicate_device', 'device_id');
    const got = await op.get(`/api/v1/monitoring/orders/${o.id}`);
    assert.equal(got.status, 200);
    assert.ok(!got.text.includes(d.secret), 'the secret is never shown again');
    const listed = got.json.order.devices.find((x) => x.device_id === d.id);
    assert.deepEqual([listed.kind, listed.holder, listed.active, listed.last], ['aggressor_tag', 'agresor', true, null]);
    const at = await fix(d.id, d.secret, east(HOME, 3000));
    const again = await op.get(`/api/v1/monitoring/orders/${o.id}`);
    assert.equal(again.json.order.devices.find((x) => x.device_id === d.id).last?.at, at, again.text);
    // The secret of one device does not open another.
    assertApiError(assert, await osmandGet({ id: 'demo-tag-1', key: d.secret, lat: HOME.lat, lon: HOME.lon }, { address: nextClientAddress() }), 401, 'device_unauthenticated');
  });

  test('ending an order: a reason is required, its devices are refused from then on, nothing is added to it, audited, not twice', async () => {
    const o = await newOrder({ starts_on: yesterday() });
    const tag = await newDevice(o.id, 'aggressor_tag');
    const mobile = await newDevice(o.id, 'victim_mobile');
    await fix(tag.id, tag.secret, east(HOME, 3000));
    const end = (b) => op.post(`/api/v1/monitoring/orders/${o.id}/end`, b);
    assertApiError(assert, await end({}), 422, undefined, 'reason');
    assertApiError(assert, await end({ reason: '   ' }), 422, 'required', 'reason');
    assertApiError(assert, await end({ reason: 'x'.repeat(301) }), 422, undefined, 'reason');
    assertApiError(assert, await op.post('/api/v1/monitoring/orders/999999/end', { reason: 'Alzada' }), 404);
    // Refusals changed nothing.
    assert.equal((await op.get(`/api/v1/monitoring/orders/${o.id}`)).json.order.status, 'vigente');
    await fix(tag.id, tag.secret, east(HOME, 2995)); // 5 m in a second: walking, not a GPS jump

    const r = await end({ reason: 'Alzada por el tribunal' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.order.status, 'terminada');
    assert.equal(r.json.order.ended_reason, 'Alzada por el tribunal');
    assert.match(r.json.order.ended_at, /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$/);
    assert.deepEqual(r.json.order.devices.map((d) => d.active), [false, false]);
    assertApiError(assert, await end({ reason: 'otra vez' }), 409, 'order_ended');

    // Retired devices get the answer of an unknown device; their positions are not stored.
    for (const d of [tag, mobile]) {
      const q = await osmandGet({ id: d.id, key: d.secret, lat: HOME.lat, lon: HOME.lon, timestamp: String(tick(d.id)), alarm: 'sos' }, { address: nextClientAddress() });
      assertApiError(assert, q, 401, 'device_unauthenticated');
    }
    assertApiError(assert, await batch(tag.id, tag.secret, [{ timestamp: tick(tag.id), lat: HOME.lat, lon: HOME.lon }], { address: nextClientAddress() }), 401);
    assert.equal((await points(o.id, tag.id)).length, 2, 'only the two fixes sent while in force');
    assert.ok(!(await incidents('all')).some((i) => i.order_id === o.id), 'no incident for the ended order');
    const cons = await op.get('/api/v1/monitoring/console');
    assert.ok(!cons.json.devices.some((d) => d.device_id === tag.id), 'retired devices leave the console map');

    // Nothing more is added to it.
    assertApiError(assert, await op.post(`/api/v1/monitoring/orders/${o.id}/zones`, { label: 'Trabajo', shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 200 }), 409, 'order_ended');
    assertApiError(assert, await op.post(`/api/v1/monitoring/orders/${o.id}/devices`, { device_id: `it-late-${process.pid}`, kind: 'victim_mobile' }), 409, 'order_ended');
    const listed = (await op.get('/api/v1/monitoring/orders')).json.items.find((x) => x.id === o.id);
    assert.equal(listed.status, 'terminada');

    const entries = await auditEntries(admin, 'action=monitoring.order_end');
    assert.ok(entries.some((e) => e.object === `monitoring_order:${o.id}` && e.actor?.id === op.session.user.id), JSON.stringify(entries.slice(0, 3)));
  });
});

// ---------------------------------------------------------------- console workflow
describe('console workflow', () => {
  test('panic → take, call, dispatch to the municipality; the unit moves forward only; close; the next panic is a new incident', async () => {
    const o = await newOrder();
    const bracelet = await newDevice(o.id, 'victim_bracelet');
    const place = north(HOME, -5);
    await fix(bracelet.id, bracelet.secret, place, { batt: '70' });
    const at = await fix(bracelet.id, bracelet.secret, place, { alarm: 'sos', batt: '70' });

    const cons = await op.get('/api/v1/monitoring/console');
    assert.equal(cons.status, 200, cons.text);
    const inc = cons.json.incidents.find((i) => i.order_id === o.id && i.type === 'panic');
    assert.ok(inc, `no panic incident on the console: ${cons.text.slice(0, 2000)}`);
    assert.equal(inc.severity, 'critical');
    assert.equal(inc.state, 'nueva');
    assert.equal(inc.device_id, bracelet.id);
    assert.equal(inc.device_kind, 'victim_bracelet');
    assert.equal(inc.first_at, at);
    assert.equal(inc.comuna_id, '13101');
    assert.equal(inc.escalated, false);
    assert.equal(inc.dispatch, null);
    assert.ok(Math.abs(inc.lat - place.lat) < 1e-6);
    assert.equal(typeof inc.type_label, 'string');
    for (const k of ['received', 'accepted', 'rejected', 'alerts', 'devices']) assert.equal(typeof cons.json.stats[k], 'number', k);
    assert.ok(cons.json.devices.some((d) => d.device_id === bracelet.id));

    const act = (body) => op.post(`/api/v1/monitoring/incidents/${inc.id}/actions`, body);
    const taken = await act({ kind: 'tomar' });
    assert.equal(taken.status, 201, taken.text);
    assert.equal(taken.json.incident.state, 'en_gestion');
    assertApiError(assert, await act({ kind: 'tomar' }), 409, 'already_taken');
    assertApiError(assert, await act({ kind: 'llamada_victima' }), 422, 'required', 'reached');
    assertApiError(assert, await act({ kind: 'bailar' }), 422, 'invalid_kind', 'kind');
    assertApiError(assert, await act({ kind: 'nota', outcome: 'otro', note: 'x' }), 422, undefined, 'outcome');
    const call = await act({ kind: 'llamada_victima', reached: true, note: 'Está encerrada en el baño; pide ayuda.' });
    assert.equal(call.status, 201, call.text);

    const disp = await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, { note: 'Acudir al domicilio.' });
    assert.equal(disp.status, 201, disp.text);
    const dispatch = disp.json.dispatch;
    assert.equal(dispatch.unit_name, 'Municipalidad de Santiago');
    assert.equal(dispatch.state, 'enviado');
    assert.equal(dispatch.incident_id, inc.id);
    assertApiError(assert, await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, {}), 409, 'already_dispatched');
    assert.equal((await op.get(`/api/v1/monitoring/incidents/${inc.id}`)).json.incident.state, 'despachada');

    // The municipal unit sees it; the police do not, and cannot touch it.
    const mine = await muni.get('/api/v1/monitoring/dispatches');
    assert.equal(mine.status, 200, mine.text);
    const seen = mine.json.items.find((x) => x.id === dispatch.id);
    assert.ok(seen, mine.text);
    assert.equal(seen.incident.type, 'panic');
    assert.equal(seen.incident.comuna_id, '13101');
    const theirs = await police.get('/api/v1/monitoring/dispatches');
    assert.equal(theirs.status, 200, theirs.text);
    assert.ok(!theirs.json.items.some((x) => x.id === dispatch.id), 'another institution lists the dispatch');
    assertApiError(assert, await police.post(`/api/v1/monitoring/dispatches/${dispatch.id}/status`, { state: 'aceptado' }), 404);
    // Units do not read the console.
    assertApiError(assert, await muni.get('/api/v1/monitoring/console'), 403, 'forbidden');

    const status = (b) => muni.post(`/api/v1/monitoring/dispatches/${dispatch.id}/status`, b);
    for (const s of ['aceptado', 'en_camino', 'en_sitio']) {
      const r = await status({ state: s });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.dispatch.state, s);
    }
    assertApiError(assert, await status({ state: 'aceptado' }), 422, 'invalid_transition', 'state');
    assertApiError(assert, await status({ state: 'en_sitio' }), 422, 'invalid_transition', 'state');
    assertApiError(assert, await status({ state: 'enviado' }), 422, undefined, 'state');
    assertApiError(assert, await status({ state: 'cerrado' }), 422, 'required', 'outcome');
    const closedUnit = await status({ state: 'cerrado', outcome: 'unidad_en_sitio', note: 'Víctima resguardada.' });
    assert.equal(closedUnit.status, 200, closedUnit.text);
    const d = closedUnit.json.dispatch;
    assert.equal(d.state, 'cerrado');
    assert.equal(d.outcome, 'unidad_en_sitio');
    for (const k of ['accepted_at', 'en_route_at', 'on_site_at', 'closed_at']) assert.equal(typeof d[k], 'number', k);
    assert.ok(d.accepted_at <= d.en_route_at && d.en_route_at <= d.on_site_at && d.on_site_at <= d.closed_at);

    // The operator closes with an outcome; the incident's history tells the story.
    assertApiError(assert, await act({ kind: 'cerrar' }), 422, 'required', 'outcome');
    const closed = await act({ kind: 'cerrar', outcome: 'unidad_en_sitio', note: 'Unidad municipal en el lugar.' });
    assert.equal(closed.status, 201, closed.text);
    assert.equal(closed.json.incident.state, 'cerrada');
    assert.equal(closed.json.incident.outcome, 'unidad_en_sitio');
    assertApiError(assert, await act({ kind: 'nota', note: 'tarde' }), 409, 'closed');
    const detail = await op.get(`/api/v1/monitoring/incidents/${inc.id}`);
    assert.equal(detail.status, 200, detail.text);
    const kinds = detail.json.actions.map((a) => a.kind);
    for (const k of ['tomar', 'llamada_victima', 'despacho', 'unidad', 'cerrar']) assert.ok(kinds.includes(k), `${k} missing from ${kinds}`);
    assert.equal(detail.json.actions.find((a) => a.kind === 'llamada_victima').reached, true);
    assert.equal(detail.json.actions.find((a) => a.kind === 'tomar').user_name, 'Camila Herrera Silva');
    assert.equal(detail.json.order.victim_phone, '+56 9 5555 0001');
    assert.equal(detail.json.dispatches[0].state, 'cerrado');
    assert.ok(detail.json.alerts.some((a) => a.type === 'panic' && a.at === at));
    assert.ok(detail.json.track.devices.some((t) => t.device_id === bracelet.id && t.points.length >= 2), JSON.stringify(detail.json.track));
    assert.ok(!(await op.get('/api/v1/monitoring/console')).json.incidents.some((i) => i.id === inc.id), 'closed incidents leave the console');
    assert.ok((await incidents('closed')).some((i) => i.id === inc.id));

    // The next panic of the same bracelet, minutes later: a new incident, not a fold into the closed one.
    const at2 = await fix(bracelet.id, bracelet.secret, place, { alarm: 'sos' });
    const open = (await incidents('open')).filter((i) => i.order_id === o.id && i.type === 'panic');
    assert.equal(open.length, 1, JSON.stringify(open));
    assert.notEqual(open[0].id, inc.id);
    assert.equal(open[0].first_at, at2);
    assert.equal(open[0].count, 1);
    assert.equal(open[0].state, 'nueva');
    // A repeat within 30 minutes folds into it.
    await fix(bracelet.id, bracelet.secret, place, { alarm: 'sos' });
    const folded = (await incidents('open')).filter((i) => i.order_id === o.id && i.type === 'panic');
    assert.equal(folded.length, 1);
    assert.equal(folded[0].count, 2);
  });

  test('incident filters and unknown ids', async () => {
    assertApiError(assert, await op.get('/api/v1/monitoring/incidents?state=abiertas'), 400, 'invalid_parameter', 'state');
    assertApiError(assert, await op.get('/api/v1/monitoring/incidents/999999'), 404);
    assertApiError(assert, await op.post('/api/v1/monitoring/incidents/999999/actions', { kind: 'tomar' }), 404);
    assertApiError(assert, await op.post('/api/v1/monitoring/incidents/999999/dispatch', {}), 404);
    assertApiError(assert, await op.get('/api/v1/monitoring/incidents/999999/export'), 404);
    assertApiError(assert, await muni.post('/api/v1/monitoring/dispatches/999999/status', { state: 'aceptado' }), 404);
    assertApiError(assert, await op.get(`/api/v1/monitoring/orders/${demoOrder.id}/trail?minutes=5000`), 400, undefined, 'minutes');
  });
});

// ---------------------------------------------------------------- live
describe('live streams (WebSocket)', () => {
  test("the operator's console receives hello, then the incident within 2 s of a panic", async () => {
    const o = await newOrder();
    const mobile = await newDevice(o.id, 'victim_mobile');
    const ws = await liveAs(op, '/api/v1/monitoring/live', { Origin: srv.baseUrl });
    try {
      const hello = await ws.next((m) => m?.type === 'hello', 15_000);
      assert.equal(typeof hello.now, 'number');
      assert.ok(Math.abs(hello.now - Date.now()) < 60_000);
      const at = await fix(mobile.id, mobile.secret, east(HOME, 40), { alarm: 'sos' });
      const msg = await ws.next((m) => m?.type === 'incident' && m.incident.order_id === o.id, 15_000);
      assert.equal(msg.incident.type, 'panic');
      assert.equal(msg.incident.first_at, at);
      assert.equal(msg.incident.state, 'nueva');
      // Positions are streamed too.
      const pos = await ws.next((m) => m?.type === 'position' && m.device_id === mobile.id, 15_000);
      assert.equal(pos.at, at);
      assert.equal(pos.order_id, o.id);
    } finally {
      await ws.close();
    }
  });

  test('anonymous callers get 401 without an upgrade, a foreign page 403, a unit 403 on the console stream', async () => {
    const anon = await WsClient.connect(srv.baseUrl, '/api/v1/monitoring/live', { headers: { 'User-Agent': UA } }).catch((e) => e);
    assert.equal(anon.status, 401, String(anon));
    assert.equal(anon.json?.error?.code, 'unauthenticated');
    const anonUnit = await WsClient.connect(srv.baseUrl, '/api/v1/monitoring/unit/live').catch((e) => e);
    assert.equal(anonUnit.status, 401, String(anonUnit));
    const foreign = await liveAs(op, '/api/v1/monitoring/live', { Origin: 'https://evil.example' }).catch((e) => e);
    assert.equal(foreign.status, 403, String(foreign));
    assert.equal(foreign.json?.error?.code, 'cross_origin');
    const unit = await liveAs(muni, '/api/v1/monitoring/live').catch((e) => e);
    assert.equal(unit.status, 403, String(unit));
    // Without an upgrade the stream's address is not an ordinary page.
    const plain = await op.get('/api/v1/monitoring/live');
    assert.equal(plain.status, 426, plain.text);
  });

  test('a live stream ends with its session: after logout no incident reaches it', async () => {
    const o = await newOrder();
    const bracelet = await newDevice(o.id, 'victim_bracelet');
    const op2 = await loginDemo(srv, 'operator');
    const ws = await liveAs(op2);
    try {
      await ws.next((m) => m?.type === 'hello', 15_000);
      const out = await op2.post('/api/v1/auth/logout', {});
      assert.ok(out.status < 300, out.text);
      assert.equal((await op2.get('/api/v1/monitoring/console')).status, 401, 'the session is over');
      await fix(bracelet.id, bracelet.secret, HOME, { alarm: 'sos' });
      await sleep(1500);
      const leaked = ws.messages.filter((m) => m.json?.type === 'incident' || m.json?.type === 'position').map((m) => m.json.type);
      assert.deepEqual(leaked, [], `a signed-out session's stream still receives ${leaked.length} messages (closed: ${ws.closed})`);
    } finally {
      await ws.close();
    }
  });

  test("the municipal unit's stream receives its dispatch; the police's does not", async () => {
    const o = await newOrder();
    const bracelet = await newDevice(o.id, 'victim_bracelet');
    await fix(bracelet.id, bracelet.secret, HOME, { alarm: 'sos' });
    const inc = (await incidents('open')).find((i) => i.order_id === o.id && i.type === 'panic');
    assert.ok(inc);
    const unitWs = await liveAs(muni, '/api/v1/monitoring/unit/live');
    const policeWs = await liveAs(police, '/api/v1/monitoring/unit/live');
    try {
      await unitWs.next((m) => m?.type === 'hello', 15_000);
      await policeWs.next((m) => m?.type === 'hello', 15_000);
      const d = await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, {});
      assert.equal(d.status, 201, d.text);
      const msg = await unitWs.next((m) => m?.type === 'dispatch', 15_000);
      assert.equal(msg.dispatch.id, d.json.dispatch.id);
      assert.equal(msg.dispatch.state, 'enviado');
      assert.equal(msg.dispatch.incident.type, 'panic');
      const acc = await muni.post(`/api/v1/monitoring/dispatches/${d.json.dispatch.id}/status`, { state: 'aceptado' });
      assert.equal(acc.status, 200, acc.text);
      assert.equal((await unitWs.next((m) => m?.type === 'dispatch', 2000)).dispatch.state, 'aceptado');
      await sleep(300);
      assert.deepEqual(policeWs.messages.filter((m) => m.json?.type !== 'hello').map((m) => m.text), [], 'the police stream got another institution\'s dispatch');
      assert.ok(!unitWs.messages.some((m) => m.json?.type === 'incident' || m.json?.type === 'position'), 'a unit stream carries only dispatches');
    } finally {
      await unitWs.close();
      await policeWs.close();
    }
  });
});

// ---------------------------------------------------------------- choosing the unit (issue 12)
describe('dispatch to a chosen unit, re-dispatch', () => {
  test('the operator sees the candidate units (the comuna\'s first), sends Carabineros instead, and re-dispatches; the relieved unit is told and the console follows live', async () => {
    const o = await newOrder();
    const bracelet = await newDevice(o.id, 'victim_bracelet');
    await fix(bracelet.id, bracelet.secret, HOME, { alarm: 'sos' });
    const inc = (await incidents('open')).find((i) => i.order_id === o.id && i.type === 'panic');
    assert.ok(inc);

    const units = await op.get(`/api/v1/monitoring/incidents/${inc.id}/units`);
    assert.equal(units.status, 200, units.text);
    assert.equal(units.json.items[0].responsible, true);
    assert.equal(units.json.items[0].name, 'Municipalidad de Santiago');
    const carabineros = units.json.items.find((u) => u.kind === 'police');
    assert.ok(carabineros, `no police unit among ${units.text}`);
    assert.equal((await muni.get(`/api/v1/monitoring/incidents/${inc.id}/units`)).status, 403, 'a unit does not choose');

    // A made-up institution, or one that is no police or municipal unit: refused in Spanish, nothing written.
    const bad = await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, { institution_id: 999999 });
    assertApiError(assert, bad, 422, 'invalid_unit', 'institution_id');
    assert.match(bad.json.error.message, /unidad/);
    assert.equal((await op.get(`/api/v1/monitoring/incidents/${inc.id}`)).json.dispatches.length, 0);

    const consoleWs = await liveAs(op);
    const muniWs = await liveAs(muni, '/api/v1/monitoring/unit/live');
    const policeWs = await liveAs(police, '/api/v1/monitoring/unit/live');
    try {
      for (const ws of [consoleWs, muniWs, policeWs]) await ws.next((m) => m?.type === 'hello', 15_000);
      // Carabineros first, instead of the comuna's municipal unit.
      const first = await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, { institution_id: carabineros.institution_id, note: 'Sin respuesta municipal.' });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.json.dispatch.unit_kind, 'police');
      assert.equal((await policeWs.next((m) => m?.type === 'dispatch', 15_000)).dispatch.id, first.json.dispatch.id);
      // Another dispatch without saying it replaces the first: 409, as before.
      assertApiError(assert, await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, {}), 409, 'already_dispatched');
      assertApiError(assert, await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, { institution_id: carabineros.institution_id, redispatch: true }), 409, 'same_unit');

      // Re-dispatch to the municipal unit (the default): the police's dispatch is cancelled and it is told.
      const second = await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, { redispatch: true });
      assert.equal(second.status, 201, second.text);
      assert.equal(second.json.dispatch.unit_name, 'Municipalidad de Santiago');
      const told = await policeWs.next((m) => m?.type === 'dispatch' && m.dispatch.id === first.json.dispatch.id && m.dispatch.state === 'anulado', 15_000);
      assert.equal(told.dispatch.state_label, 'Anulado (redespachado)');
      assert.equal((await muniWs.next((m) => m?.type === 'dispatch', 15_000)).dispatch.id, second.json.dispatch.id);
      const live = await consoleWs.next((m) => m?.type === 'incident' && m.incident.id === inc.id && m.incident.dispatch?.id === second.json.dispatch.id, 15_000);
      assert.equal(live.incident.state, 'despachada');

      // The relieved unit cannot move its cancelled dispatch; the new one can.
      assertApiError(assert, await police.post(`/api/v1/monitoring/dispatches/${first.json.dispatch.id}/status`, { state: 'aceptado' }), 409, 'dispatch_cancelled');
      assert.equal((await muni.post(`/api/v1/monitoring/dispatches/${second.json.dispatch.id}/status`, { state: 'aceptado' })).status, 200);

      const detail = await op.get(`/api/v1/monitoring/incidents/${inc.id}`);
      assert.deepEqual(detail.json.dispatches.map((d) => d.state), ['anulado', 'aceptado']);
      assert.ok(detail.json.actions.some((a) => a.kind === 'redespacho' && /Carabineros/.test(a.note)), JSON.stringify(detail.json.actions));
      const audit = await auditEntries(admin, 'action=monitoring.redispatch');
      assert.ok(audit.some((e) => e.object === `monitoring_dispatch:${first.json.dispatch.id}`), 'the re-dispatch is audited');
    } finally {
      await consoleWs.close();
      await muniWs.close();
      await policeWs.close();
    }
  });

  test('the outcome labels come from one server list', async () => {
    const r = await op.get('/api/v1/monitoring/labels');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.outcomes.map((o) => o.id), ['falsa_alarma', 'contacto_sin_riesgo', 'unidad_en_sitio', 'detencion', 'derivacion', 'otro']);
    assert.equal(r.json.outcomes[0].label, 'Falsa alarma');
  });
});

// ---------------------------------------------------------------- evidence
describe('evidence export', () => {
  test('an exported incident verifies (hash chain and Ed25519 signature); changing one position breaks it', async () => {
    const o = await newOrder({ starts_on: yesterday() });
    const tag = await newDevice(o.id, 'aggressor_tag');
    const z = await op.post(`/api/v1/monitoring/orders/${o.id}/zones`, { label: 'Domicilio', shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 300 });
    assert.equal(z.status, 201, z.text);
    const t0 = Date.now() - 10 * 60_000; // a minute apart: walking pace, not an absurd speed
    for (const [i, m] of [1500, 1000, 600, 100, 50].entries()) await fix(tag.id, tag.secret, north(HOME, m), { timestamp: String(t0 + i * 60_000) });
    const inc = (await incidents('open')).find((i) => i.order_id === o.id && i.type === 'zone_enter');
    assert.ok(inc, 'zone entry incident');
    await op.post(`/api/v1/monitoring/incidents/${inc.id}/actions`, { kind: 'nota', note: 'Se llama a Carabineros.' });

    const r = await op.get(`/api/v1/monitoring/incidents/${inc.id}/export`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-disposition'] ?? '', new RegExp(`attachment; filename="evidencia-alerta-${inc.id}\\.json"`));
    const doc = r.json;
    assert.equal(doc.format, 'equidad-evidencia-1');
    assert.equal(doc.incident_id, inc.id);
    const kinds = new Set(doc.entries.map((e) => e.kind));
    for (const k of ['incident', 'alert', 'position', 'action']) assert.ok(kinds.has(k), `${k} missing from the export`);
    assert.equal(doc.entries.filter((e) => e.kind === 'position' && e.data.device_id === tag.id).length, 5);
    assert.equal(doc.entries[0].prev, '0'.repeat(64));
    for (let i = 1; i < doc.entries.length; i++) assert.equal(doc.entries[i].prev, doc.entries[i - 1].hash);
    assert.equal(doc.head, doc.entries.at(-1).hash);
    // The signature checks with the published key.
    const pub = await request('GET', '/api/v1/monitoring/export-key', { baseUrl: srv.baseUrl });
    assert.equal(pub.status, 200, pub.text);
    assert.equal(pub.json.algorithm, 'Ed25519');
    assert.equal(doc.public_key, pub.json.public_key);
    const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.json.public_key }, format: 'jwk' });
    assert.ok(crypto.verify(null, Buffer.from(doc.head), key, Buffer.from(doc.signature, 'base64url')), 'Ed25519 signature over head');

    const file = path.join(tmp.dir, `evidencia-${inc.id}.json`);
    fs.writeFileSync(file, r.body);
    const ok = await runCommand(['monitor', 'verify', file]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /OK/);

    const tampered = JSON.parse(r.text);
    const p = tampered.entries.find((e) => e.kind === 'position');
    p.data.lat += 0.001; // one position moved by about 100 m
    const bad = path.join(tmp.dir, `evidencia-${inc.id}-alterada.json`);
    fs.writeFileSync(bad, JSON.stringify(tampered));
    const broken = await runCommand(['monitor', 'verify', bad]);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.doesNotMatch(broken.stdout, /^OK/);
    // Re-chaining after the change does not help without the private key.
    const resigned = JSON.parse(r.text);
    resigned.signature = Buffer.alloc(64, 1).toString('base64url');
    const forged = path.join(tmp.dir, `evidencia-${inc.id}-firma.json`);
    fs.writeFileSync(forged, JSON.stringify(resigned));
    assert.equal((await runCommand(['monitor', 'verify', forged])).code, 2);
  });
});

// ---------------------------------------------------------------- audit
describe('audit', () => {
  test('reads and writes of monitoring data are in the audit log, with the actor', async () => {
    const o = await newOrder();
    const d = await newDevice(o.id, 'victim_bracelet');
    await fix(d.id, d.secret, HOME, { alarm: 'sos' });
    const inc = (await incidents('open')).find((i) => i.order_id === o.id);
    await op.get('/api/v1/monitoring/console');
    await op.get(`/api/v1/monitoring/incidents/${inc.id}`);
    await op.get(`/api/v1/monitoring/orders/${o.id}`);
    await op.get(`/api/v1/monitoring/orders/${o.id}/trail`);
    await op.post(`/api/v1/monitoring/incidents/${inc.id}/actions`, { kind: 'tomar' });
    await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, {});
    await muni.get('/api/v1/monitoring/dispatches');
    await op.get(`/api/v1/monitoring/incidents/${inc.id}/export`);
    await osmandGet({ id: d.id, key: 'mala', lat: HOME.lat, lon: HOME.lon }, { address: nextClientAddress() });

    const entries = await auditEntries(admin, 'action=monitoring.');
    const opId = op.session.user.id;
    const has = (action, object, actor = opId) => {
      const e = entries.find((x) => x.action === action && (object === undefined || x.object === object) && (actor === null ? true : x.actor?.id === actor));
      assert.ok(e, `no ${action} ${object ?? ''} entry by ${actor}; have ${[...new Set(entries.map((x) => x.action))].join(', ')}`);
      return e;
    };
    has('monitoring.order_create', `monitoring_order:${o.id}`);
    has('monitoring.device_create', `monitoring_order:${o.id}`);
    has('monitoring.console_read');
    has('monitoring.incident_read', `monitoring_incident:${inc.id}`);
    has('monitoring.order_read', `monitoring_order:${o.id}`);
    has('monitoring.trail_read', `monitoring_order:${o.id}`);
    has('monitoring.incident_tomar', `monitoring_incident:${inc.id}`);
    has('monitoring.dispatch', `monitoring_incident:${inc.id}`);
    has('monitoring.evidence_export', `monitoring_incident:${inc.id}`);
    has('monitoring.dispatches_read', undefined, muni.session.user.id);
    const denied = has('monitoring.device_denied', undefined, null);
    assert.equal(denied.outcome, 'denied');
  });

  test('listing orders (names of victims and aggressors) and incidents is audited too', async () => {
    const count = async () => (await auditEntries(admin, `actor=${op.session.user.id}&action=monitoring.`, 5000)).length;
    const n0 = await count();
    const list = await op.get('/api/v1/monitoring/orders');
    assert.equal(list.status, 200);
    assert.ok(list.json.items.some((o) => typeof o.victim_name === 'string' && o.victim_name.length > 0), 'the list shows names');
    const n1 = await count();
    assert.ok(n1 > n0, 'GET /api/v1/monitoring/orders (victims\' and aggressors\' names) left no audit entry');
    await op.get('/api/v1/monitoring/incidents?state=all');
    assert.ok((await count()) > n1, 'GET /api/v1/monitoring/incidents left no audit entry');
  });
});
