// Devices as they are (issue 22), over real HTTP on both databases: the peer's OsmAnd decoder
// vectors (osmand_peer_vectors.mjs) against the real endpoint, each with the outcome a tracker's
// owner expects; the Traccar Client's JSON with the same authentication, duplicate and ordering
// rules as the OsmAnd form; reports without a GPS fix (alive, battery, alarms with the last known
// place and its age, console "sin GPS"); and the bad input the issue lists.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, request, startServer } from './harness.mjs';
import { loginDemo } from './auth_helpers.mjs';
import { peerVectors } from './osmand_peer_vectors.mjs';

let srv;
let op; // operador@: monitoring.manage and alerts.handle
let order; // a fresh order for this file's devices
const ADDR = nextClientAddress();
const run = `${process.pid % 100000}${Date.now().toString(36).slice(-4)}`;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  op = await loginDemo(srv, 'operator');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('-');
  const r = await op.post('/api/v1/monitoring/orders', {
    label: `RIT F-7722-2026 (${run})`, court: 'Juzgado de Familia de Santiago', victim_name: 'Camila Prueba Soto',
    victim_phone: '+56 9 5555 0101', aggressor_name: 'Marcelo Prueba Rojas', aggressor_phone: '+56 9 5555 0102',
    comuna_id: '13101', min_distance_m: 500, approach_m: 1000, starts_on: yesterday,
  });
  assert.equal(r.status, 201, r.text);
  order = r.json.order;
});
after(async () => { await srv?.stop(); });

async function newDevice(id, kind = 'victim_bracelet') {
  const r = await op.post(`/api/v1/monitoring/orders/${order.id}/devices`, { device_id: id, kind });
  assert.equal(r.status, 201, r.text);
  return { id, secret: r.json.secret };
}
async function deviceView(id) {
  const r = await op.get(`/api/v1/monitoring/orders/${order.id}`);
  assert.equal(r.status, 200, r.text);
  const d = r.json.order.devices.find((x) => x.device_id === id);
  assert.ok(d, `device ${id} not in the order: ${r.text}`);
  return d;
}
const basic = (id, secret) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
function postJson(body, { key, headers = {}, contentType = 'application/json' } = {}) {
  const q = key === undefined ? '' : `?${new URLSearchParams({ key })}`;
  return request('POST', `/api/v1/monitoring/osmand${q}`, {
    baseUrl: srv.baseUrl, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': contentType, ...headers }, localAddress: ADDR,
  });
}
const get = (query) => request('GET', `/api/v1/monitoring/osmand${query}`, { baseUrl: srv.baseUrl, localAddress: ADDR });

// `expected` is a subset of `actual` (objects by key, arrays item by item).
function assertSubset(actual, expected, where) {
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    if (Array.isArray(expected)) assert.equal(actual.length, expected.length, `${where}: ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertSubset(actual[k], v, `${where}.${k}`);
  } else if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) < 1e-6, `${where}: ${actual} ≠ ${expected}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

// ---------------------------------------------------------------- the peer's vectors
describe("the peer's OsmAnd decoder vectors (Traccar), against the real endpoint", () => {
  peerVectors.forEach((v, i) => {
    test(`${i + 1}. ${v.name}`, async () => {
      // The vector's id, made unique to this case (see the data file); the request is otherwise the vector's own.
      const id = `${v.id}-c${i + 1}-${run}`;
      const dev = await newDevice(id);
      const before = Date.now();
      let r;
      if (v.json) {
        r = await postJson(v.json.replaceAll(`"device_id":"${v.id}"`, `"device_id":"${id}"`), { key: dev.secret });
      } else {
        const q = v.query.replace(/([?&])(id|deviceid)=[^&]*/, `$1$2=${id}`);
        r = await get(`${q}&key=${encodeURIComponent(dev.secret)}`);
      }
      const e = v.expect;
      if (e.status !== 200) {
        assertApiError(assert, r, e.status, 'invalid_position', e.field);
        assert.equal((await deviceView(id)).last_report, null, 'nothing stored');
        return;
      }
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, 'OK');
      const d = await deviceView(id);
      if (e.last === null) {
        assert.equal(d.last, null, 'a report without a fix is no place');
      } else {
        const { at, ...rest } = e.last;
        assertSubset(d.last, rest, 'last');
        if (at === 'now') assert.ok(d.last.at >= before - 1000 && d.last.at <= Date.now() + 1000, `at ${d.last.at} is the reception time`);
        else assert.equal(d.last.at, at);
      }
      if (e.report) assertSubset(d.last_report, e.report, 'last_report');
      // The secret is never kept as an attribute.
      assert.ok(!JSON.stringify(d.last_report).includes(dev.secret), JSON.stringify(d.last_report));
    });
  });
});

// ---------------------------------------------------------------- JSON: same rules as the form
const location = (at, coords, more = {}) => ({ timestamp: new Date(at).toISOString(), coords, battery: { level: 0.5, is_charging: true }, ...more });
const SANTIAGO = { latitude: -33.4489, longitude: -70.6693, accuracy: 12, speed: 1.2, heading: 90, altitude: 560 };

describe('Traccar Client JSON: authentication, duplicates, ordering', () => {
  test('the key as HTTP Basic or query string; a wrong key and an unknown id get the same 401', async () => {
    const dev = await newDevice(`json-auth-${run}`);
    const t = Date.now() - 5000;
    const body = { location: location(t, SANTIAGO), device_id: dev.id };
    assert.equal((await postJson(body, { headers: basic(dev.id, dev.secret) })).status, 200);
    const wrong = await postJson({ ...body, location: location(t + 1000, SANTIAGO) }, { key: 'not-the-key' });
    assertApiError(assert, wrong, 401, 'device_unauthenticated');
    const unknown = await postJson({ ...body, device_id: `nobody-${run}` }, { key: dev.secret });
    assertApiError(assert, unknown, 401, 'device_unauthenticated');
    assert.equal(unknown.json.error.message, wrong.json.error.message);
    const noKey = await postJson(body);
    assertApiError(assert, noKey, 401, 'device_unauthenticated', 'key');
    // Basic credentials of another device than the body's: refused, not stored under either.
    const mismatch = await postJson({ ...body, device_id: `json-other-${run}` }, { headers: basic(dev.id, dev.secret) });
    assertApiError(assert, mismatch, 422, 'device_mismatch', 'id');
    const d = await deviceView(dev.id);
    assert.equal(d.last.at, t);
    assert.equal(d.last.battery, 50);
    assertSubset(d.last_report, { no_fix: false, data: { charging: true } }, 'last_report');
  });

  test('a resend is a duplicate (acknowledged, stored once); a buffer is taken in device-time order', async () => {
    const dev = await newDevice(`json-buffer-${run}`, 'victim_mobile');
    const t0 = Date.now() - 60_000;
    const locs = [2, 0, 1].map((k) => location(t0 + k * 10_000, { ...SANTIAGO, latitude: SANTIAGO.latitude + k * 0.0001 }));
    const r = await postJson({ location: locs, device_id: dev.id }, { key: dev.secret });
    assert.equal(r.status, 200, r.text);
    const again = await postJson({ location: locs, device_id: dev.id }, { key: dev.secret });
    assert.equal(again.status, 200, again.text);
    const trail = await op.get(`/api/v1/monitoring/orders/${order.id}/trail?minutes=10`);
    assert.equal(trail.status, 200, trail.text);
    const pts = trail.json.devices.find((x) => x.device_id === dev.id).points;
    assert.deepEqual(pts.map((p) => p.at), [t0, t0 + 10_000, t0 + 20_000], 'each stored once, in device time');
    assert.ok(Math.abs(pts[2].lat - (SANTIAGO.latitude + 0.0002)) < 1e-7);
    const stats = (await op.get('/api/v1/monitoring/console')).json.stats;
    assert.ok(stats.accepted >= 3);
  });
});

// ---------------------------------------------------------------- reports without a fix
describe('reports without a GPS fix', () => {
  test('a no-fix report keeps the device alive with its battery; the console shows the last fix as the last known place, "no_fix"', async () => {
    const dev = await newDevice(`nofix-${run}`, 'victim_mobile');
    const tFix = Date.now() - 30 * 60_000;
    assert.equal((await postJson({ location: location(tFix, SANTIAGO), device_id: dev.id }, { key: dev.secret })).status, 200);
    const tRep = Date.now() - 1000;
    const r = await get(`/?id=${dev.id}&key=${encodeURIComponent(dev.secret)}&timestamp=${tRep}&batt=41&charge=false&cell=730,01,12001,55501,-85&wifi=aa:bb:cc:dd:ee:ff,-60`);
    assert.equal(r.status, 200, r.text);
    const c = await op.get('/api/v1/monitoring/console');
    const d = c.json.devices.find((x) => x.device_id === dev.id);
    assert.ok(d, c.text);
    assert.equal(d.no_fix, true);
    assert.equal(d.at, tFix, 'the place is the last fix, with its own time');
    assert.ok(Math.abs(d.lat - SANTIAGO.latitude) < 1e-7 && Math.abs(d.lon - SANTIAGO.longitude) < 1e-7);
    assert.equal(d.report_at, tRep);
    assert.equal(d.battery, 41, 'battery from the no-fix report');
    const v = await deviceView(dev.id);
    assertSubset(v.last_report, { at: tRep, no_fix: true, battery: 41, data: { cell: [{ mcc: 730, mnc: 1, lac: 12001, cid: 55501, rssi: -85 }], wifi: [{ mac: 'aa:bb:cc:dd:ee:ff', rssi: -60 }], charging: false } }, 'last_report');
    // A resend of the same report is a duplicate, acknowledged.
    const again = await get(`/?id=${dev.id}&key=${encodeURIComponent(dev.secret)}&timestamp=${tRep}&batt=41&cell=730,01,12001,55501,-85`);
    assert.equal(again.status, 200, again.text);
  });

  test('an SOS without a fix (JSON and form) raises the panic alert at the last known place, with its age', async () => {
    const dev = await newDevice(`sos-${run}`);
    const tFix = Date.now() - 20 * 60_000;
    assert.equal((await postJson({ location: location(tFix, SANTIAGO), device_id: dev.id }, { key: dev.secret })).status, 200);
    const tSos = Date.now() - 2000;
    const r = await postJson({ location: { timestamp: new Date(tSos).toISOString(), battery: { level: 0.12, is_charging: false }, extras: { alarm: 'sos' } }, device_id: dev.id }, { key: dev.secret });
    assert.equal(r.status, 200, r.text);
    const list = await op.get('/api/v1/monitoring/incidents?state=open');
    const inc = list.json.items.find((i) => i.device_id === dev.id && i.type === 'panic');
    assert.ok(inc, list.text);
    assert.equal(inc.place_at, tFix, 'the place is the last fix, and says when it was');
    assert.ok(Math.abs(inc.lat - SANTIAGO.latitude) < 1e-7, JSON.stringify(inc));
    assert.equal(inc.battery, 12);
    // The form, from a device whose person has never had a fix (the aggressor's tag: no other
    // device of that person to borrow a place from), with only a cell tower.
    const dev2 = await newDevice(`sos-form-${run}`, 'aggressor_tag');
    const r2 = await get(`/?id=${dev2.id}&key=${encodeURIComponent(dev2.secret)}&alarm=sos&cell=730,01,12001,55501`);
    assert.equal(r2.status, 200, r2.text);
    const list2 = await op.get('/api/v1/monitoring/incidents?state=open');
    const inc2 = list2.json.items.find((i) => i.device_id === dev2.id && i.type === 'panic');
    assert.ok(inc2, 'a press with no place ever known still raises the alert');
    assert.equal(inc2.lat, null, 'never at (0, 0)');
    assert.equal(inc2.place_at, null);
  });
});

// ---------------------------------------------------------------- bad input
describe('bad input is refused naming the field, nothing stored', () => {
  let dev;
  before(async () => { dev = await newDevice(`bad-${run}`); });
  const now = () => Date.now() - 1000;
  async function nothingStored() {
    assert.equal((await deviceView(dev.id)).last_report, null);
  }

  test('JSON without device_id', async () => {
    const r = await postJson({ location: location(now(), SANTIAGO) }, { key: dev.secret });
    assertApiError(assert, r, 422, 'invalid_position', 'device_id');
    assert.match(r.json.error.message, /device_id/);
    await nothingStored();
  });

  test('JSON with coordinates out of range', async () => {
    for (const [coords, field] of [[{ latitude: 91.5, longitude: -70.6 }, 'location.coords.latitude'], [{ latitude: -33.4, longitude: -181 }, 'location.coords.longitude']]) {
      const r = await postJson({ location: location(now(), coords), device_id: dev.id }, { key: dev.secret });
      assertApiError(assert, r, 422, 'invalid_position', field);
    }
    await nothingStored();
  });

  test('JSON with a battery level of 7 (neither a fraction nor unknown)', async () => {
    const r = await postJson({ location: { ...location(now(), SANTIAGO), battery: { level: 7, is_charging: false } }, device_id: dev.id }, { key: dev.secret });
    assertApiError(assert, r, 422, 'invalid_position', 'location.battery.level');
    assert.match(r.json.error.message, /fracción entre 0 y 1/);
    await nothingStored();
  });

  test('JSON with a timestamp far in the future', async () => {
    const r = await postJson({ location: location(Date.now() + 3 * 86_400_000, SANTIAGO), device_id: dev.id }, { key: dev.secret });
    assertApiError(assert, r, 422, 'bad_timestamp', 'timestamp');
    assert.match(r.json.error.message, /futuro/);
    await nothingStored();
  });

  test('a cell= value that does not parse', async () => {
    for (const cell of ['257,02,16', '257,02,abc,2224', '257,02,16,2224,-90,7', '9999,02,16,2224', '257,02,16,2224,+20']) {
      const r = await get(`/?id=${dev.id}&key=${encodeURIComponent(dev.secret)}&timestamp=${now()}&cell=${encodeURIComponent(cell)}`);
      assertApiError(assert, r, 422, 'invalid_position', 'cell');
      assert.match(r.json.error.message, /mcc,mnc,lac,cid/);
    }
    const w = await get(`/?id=${dev.id}&key=${encodeURIComponent(dev.secret)}&timestamp=${now()}&wifi=${encodeURIComponent('00-14-22-01-23,-80')}`);
    assertApiError(assert, w, 422, 'invalid_position', 'wifi');
    await nothingStored();
  });

  test('JSON that is not an object, or a location that is not one', async () => {
    assertApiError(assert, await postJson('[1,2]', { key: dev.secret }), 400, 'malformed_json');
    assertApiError(assert, await postJson({ location: 'aquí', device_id: dev.id }, { key: dev.secret }), 422, 'invalid_position', 'location');
    assertApiError(assert, await postJson({ location: { ...location(now(), SANTIAGO), extras: [1] }, device_id: dev.id }, { key: dev.secret }), 422, 'invalid_position', 'location.extras');
    await nothingStored();
  });
});
