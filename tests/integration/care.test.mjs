// The network of care over real HTTP (issue 17): the public directory and its HSDS export never
// show a shelter; a shelter's address only to its staff and to the case worker whose referral it
// accepted; capacity reports, the search for a place and each step of a referral, with every bad
// input the issue lists refused with its reason and nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, sleep, startServer } from './harness.mjs';
import { Client, login, loginDemo } from './auth_helpers.mjs';

let srv, worker, police, house, house2, analyst, anon;
let myHouse; // the Valparaíso house run by casa@equidad.demo
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], env: { EQ_SWEEP_SECONDS: '1' } });
  worker = await loginDemo(srv, 'case_worker');
  analyst = await loginDemo(srv, 'analyst');
  police = await login(srv, 'policia@equidad.demo');
  house = await login(srv, 'casa@equidad.demo');
  house2 = await login(srv, 'casa2@equidad.demo');
  anon = new Client(srv);
  const mine = await house.get('/api/v1/care/my-houses');
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.houses.length, 1);
  myHouse = mine.json.houses[0];
});
after(async () => { await srv?.stop(); });

const put = (c, p, body) => c.req('PUT', p, { body });
const isoAgo = (h) => new Date(Date.now() - h * 3600_000).toISOString();
const freshCapacity = (units) => put(house, `/api/v1/care/places/${myHouse.id}/capacity`, { units });
// Carabineros' case worker refers in these tests: the demo's simulated stays were referred by the
// Centro de la Mujer Santiago, whose case worker may therefore already read the demo house's address.
const offer = (body) => police.post('/api/v1/care/placements', { woman_age: 31, ...body });

describe('directory', () => {
  test('the public directory has the seed\'s centres and CAVAS and never a shelter', async () => {
    const r = await anon.get('/api/v1/care/directory');
    assert.equal(r.status, 200, r.text);
    const kinds = {};
    for (const p of r.json.items) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    assert.deepEqual(kinds, { centro: 111, cavas: 3 });
    assert.ok(!r.text.includes('Casa de Acogida '), 'no shelter by name');
    assert.ok(!r.text.includes('reservada'), 'no shelter address');
    const santiago = await anon.get('/api/v1/care/directory?comuna=13101&service=atencion_psicologica');
    assert.ok(santiago.json.items.length >= 1);
    for (const p of santiago.json.items) {
      assert.equal(p.comuna_id, '13101');
      assert.ok(p.services.some((s) => s.id === 'atencion_psicologica'));
      assert.equal(typeof p.lat, 'number');
    }
    assertApiError(assert, await anon.get('/api/v1/care/directory?kind=casa'), 400, 'invalid_parameter', 'kind');
    assertApiError(assert, await anon.get('/api/v1/care/directory?service=magia'), 400, 'invalid_parameter', 'service');
  });

  test('inside, the directory has every place with capacity, shelters without address or position', async () => {
    const r = await worker.get('/api/v1/care/places');
    assert.equal(r.status, 200, r.text);
    const casas = r.json.items.filter((p) => p.kind === 'casa');
    assert.equal(casas.length, 44);
    assert.equal(r.json.items.length, 44 + 111 + 3);
    for (const c of casas) {
      assert.equal(c.address, null);
      assert.equal(c.lat, null);
      assert.ok(c.units.length >= 2);
    }
    assert.ok(!r.text.includes('reservada'));
  });

  test('HSDS export: organizations, services, locations, phones; shelters without location, address or phone', async () => {
    const r = await anon.get('/api/v1/care/hsds');
    assert.equal(r.status, 200, r.text);
    for (const k of ['organizations', 'services', 'locations', 'phones', 'service_at_locations']) assert.ok(Array.isArray(r.json[k]), k);
    assert.equal(r.json.services.length, 158);
    assert.equal(r.json.locations.length, 114);
    assert.equal(r.json.phones.length, 114);
    assert.ok(!r.text.includes('Dirección reservada'), 'a shelter address leaked into the export');
    const casa = await anon.get(`/api/v1/care/directory/${myHouse.id}`);
    assertApiError(assert, casa, 404);
  });

  test('a shelter\'s address: anonymous 401, a case worker without an accepted referral 403, its staff 200; audited', async () => {
    assertApiError(assert, await anon.get(`/api/v1/care/places/${myHouse.id}/address`), 401);
    assertApiError(assert, await police.get(`/api/v1/care/places/${myHouse.id}/address`), 403, 'address_reserved');
    assertApiError(assert, await house2.get(`/api/v1/care/places/${myHouse.id}/address`), 403, 'address_reserved');
    const own = await house.get(`/api/v1/care/places/${myHouse.id}/address`);
    assert.equal(own.status, 200, own.text);
    assert.match(own.json.address, /reservada/);
    const admin = await loginDemo(srv, 'admin');
    const log = await admin.get('/api/v1/audit?action=care.address_read&per_page=50');
    assert.equal(log.status, 200, log.text);
    const outcomes = log.json.items.filter((e) => e.object === `care_place:${myHouse.id}`).map((e) => e.outcome).sort();
    assert.deepEqual(outcomes, ['denied', 'denied', 'ok']);
  });
});

describe('capacity', () => {
  test('a report with more occupied than places is refused and nothing changes', async () => {
    const before = (await house.get('/api/v1/care/my-houses')).json.houses[0].units;
    const r = await freshCapacity([{ unit_type: 'mujer_sola', places: 4, occupied: 2 }, { unit_type: 'mujer_con_hijos', places: 6, occupied: 7 }]);
    assertApiError(assert, r, 422, 'occupied_exceeds_places', 'units[1].occupied');
    const r2 = await freshCapacity([{ unit_type: 'mujer_sola', places: 4, occupied: 3, blocked: 2 }]);
    assertApiError(assert, r2, 422, 'occupied_exceeds_places', 'units[0].blocked');
    const afterwards = (await house.get('/api/v1/care/my-houses')).json.houses[0].units;
    assert.deepEqual(afterwards, before);
  });

  test('a stale confirmation is refused; one older than the last is a conflict', async () => {
    const r = await put(house, `/api/v1/care/places/${myHouse.id}/capacity`, {
      as_of: isoAgo(13), units: [{ unit_type: 'mujer_sola', places: 4, occupied: 1 }] });
    assertApiError(assert, r, 422, 'stale_confirmation', 'as_of');
    const ok = await freshCapacity([{ unit_type: 'mujer_sola', places: 4, occupied: 1 }, { unit_type: 'mujer_con_hijos', places: 8, occupied: 2 }]);
    assert.equal(ok.status, 200, ok.text);
    const older = await put(house, `/api/v1/care/places/${myHouse.id}/capacity`, {
      as_of: isoAgo(1), units: [{ unit_type: 'mujer_sola', places: 4, occupied: 0 }] });
    assertApiError(assert, older, 409, 'stale_confirmation', 'as_of');
  });

  test('only the house\'s own staff report its capacity', async () => {
    const r = await put(house2, `/api/v1/care/places/${myHouse.id}/capacity`, { units: [{ unit_type: 'mujer_sola', places: 9, occupied: 0 }] });
    assertApiError(assert, r, 404);
    assertApiError(assert, await put(worker, `/api/v1/care/places/${myHouse.id}/capacity`, { units: [{ unit_type: 'mujer_sola', places: 9, occupied: 0 }] }), 403);
  });

  test('houses that did not confirm in time are flagged, not offered, and alerted on the national board', async () => {
    const places = (await worker.get('/api/v1/care/places?kind=casa')).json.items;
    const stale = places.filter((p) => p.stale);
    assert.ok(stale.length >= 1, 'the demo has houses that did not confirm');
    const s = stale.find((p) => p.units.some((u) => u.available > 0)) ?? stale[0];
    const search = await worker.post('/api/v1/care/search', { woman_age: 30 });
    assert.ok(!search.json.items.some((i) => i.place_id === s.id), 'a stale house is not offered');
    const unitType = s.units.find((u) => u.available > 0)?.unit_type;
    if (unitType === 'mujer_sola') assertApiError(assert, await offer({ place_id: s.id, aggressor_comuna: '13101' }), 409, 'capacity_unconfirmed', 'place_id');
    let board;
    for (let i = 0; i < 30; i++) {
      board = await analyst.get('/api/v1/care/board');
      if (board.json.alerts?.some((a) => a.kind === 'capacidad_sin_confirmar' && a.place_id === s.id)) break;
      await sleep(500);
    }
    assert.equal(board.status, 200, board.text);
    assert.ok(board.json.alerts.some((a) => a.kind === 'capacidad_sin_confirmar' && a.place_id === s.id), board.text);
    assert.equal(board.json.regions.length, 16);
    assert.equal(board.json.regions.reduce((n, r) => n + r.houses, 0), 44);
    assert.ok(board.json.regions.reduce((n, r) => n + r.stale_houses, 0) >= stale.length);
    assertApiError(assert, await worker.get('/api/v1/care/board'), 403);
  });
});

describe('referral to a place', () => {
  test('search excludes the aggressor\'s comuna and, when the order says so, its neighbours', async () => {
    const r = await worker.post('/api/v1/care/search', { woman_age: 30, children_ages: [3], aggressor_comuna: myHouse.comuna_id, exclude_neighbours: true });
    assert.equal(r.status, 200, r.text);
    assert.ok(!r.json.items.some((i) => i.place_id === myHouse.id));
    const ex = r.json.excluded.find((e) => e.place_id === myHouse.id);
    assert.equal(ex.code, 'aggressor_comuna');
    const neighbours = r.json.excluded_comunas.filter((c) => c.why === 'comuna vecina');
    assert.ok(neighbours.length >= 1, r.text);
    assert.equal(r.json.unit_type, 'mujer_con_hijos');
  });

  test('a placement in the aggressor\'s comuna or a neighbouring one is refused with the reason', async () => {
    const r = await offer({ place_id: myHouse.id, aggressor_comuna: myHouse.comuna_id });
    const e = assertApiError(assert, r, 422, 'aggressor_comuna', 'aggressor_comuna');
    assert.match(e.message, /comuna del agresor/);
    const s = await worker.post('/api/v1/care/search', { woman_age: 30, aggressor_comuna: myHouse.comuna_id, exclude_neighbours: true });
    const neighbour = s.json.excluded_comunas.find((c) => c.why === 'comuna vecina').comuna_id;
    const n = await offer({ place_id: myHouse.id, aggressor_comuna: neighbour, exclude_neighbours: true });
    assert.match(assertApiError(assert, n, 422, 'aggressor_neighbour', 'aggressor_comuna').message, /vecina/);
    const kids = await offer({ place_id: myHouse.id, aggressor_comuna: '13101', children_ages: [4, 15] });
    assertApiError(assert, kids, 422, 'children', 'children_ages');
    const young = await offer({ place_id: myHouse.id, aggressor_comuna: '13101', woman_age: 16 });
    assertApiError(assert, young, 422, 'age', 'woman_age');
    const list = await police.get('/api/v1/care/placements');
    assert.ok(!list.json.items.some((p) => p.place_id === myHouse.id && p.aggressor_comuna_id === myHouse.comuna_id), 'nothing written');
  });

  test('a referral to a full house is refused', async () => {
    assert.equal((await freshCapacity([{ unit_type: 'mujer_sola', places: 2, occupied: 2 }])).status, 200);
    const r = await offer({ place_id: myHouse.id, aggressor_comuna: '13101' });
    assertApiError(assert, r, 409, 'house_full', 'place_id');
    assert.equal((await freshCapacity([{ unit_type: 'mujer_sola', places: 4, occupied: 1 }])).status, 200);
  });

  test('offer → another house cannot accept → the house accepts → address → entry → exit with destination', async () => {
    const o = await offer({ place_id: myHouse.id, aggressor_comuna: '13101', children_ages: [2, 7], note: 'Riesgo vital' });
    assert.equal(o.status, 201, o.text);
    assert.equal(o.json.state, 'ofrecida');
    assert.equal(o.json.unit_type, 'mujer_con_hijos');
    const id = o.json.id;
    // A house accepting a referral addressed to another house.
    assertApiError(assert, await house2.post(`/api/v1/care/placements/${id}/accept`, {}), 404);
    assertApiError(assert, await house2.get(`/api/v1/care/placements/${id}`), 404);
    assertApiError(assert, await worker.get(`/api/v1/care/placements/${id}`), 404, undefined, undefined, 'another referring institution');
    assert.equal((await police.get(`/api/v1/care/placements/${id}`)).json.state, 'ofrecida', 'unchanged');
    assertApiError(assert, await police.get(`/api/v1/care/places/${myHouse.id}/address`), 403, 'address_reserved');
    assertApiError(assert, await house.post(`/api/v1/care/placements/${id}/entry`, {}), 409, 'invalid_state');
    const before = (await house.get('/api/v1/care/my-houses')).json.houses[0].units.find((u) => u.unit_type === 'mujer_con_hijos');
    const a = await house.post(`/api/v1/care/placements/${id}/accept`, {});
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.state, 'aceptada');
    assert.ok(a.json.entry_due);
    const held = (await house.get('/api/v1/care/my-houses')).json.houses[0].units.find((u) => u.unit_type === 'mujer_con_hijos');
    assert.equal(held.occupied, before.occupied + 1, 'the accepted place is held');
    const addr = await police.get(`/api/v1/care/places/${myHouse.id}/address`);
    assert.equal(addr.status, 200, addr.text);
    assertApiError(assert, await house2.get(`/api/v1/care/places/${myHouse.id}/address`), 403);
    const e = await house.post(`/api/v1/care/placements/${id}/entry`, {});
    assert.equal(e.json.state, 'ingresada');
    assertApiError(assert, await house.post(`/api/v1/care/placements/${id}/exit`, {}), 422, 'required', 'destination');
    assertApiError(assert, await house.post(`/api/v1/care/placements/${id}/exit`, { destination: 'luna' }), 422, 'invalid_value', 'destination');
    const x = await house.post(`/api/v1/care/placements/${id}/exit`, { destination: 'red_familiar' });
    assert.equal(x.status, 200, x.text);
    assert.equal(x.json.state, 'egresada');
    assert.equal(x.json.exit_destination_name, 'Red familiar o de apoyo');
    const freed = (await house.get('/api/v1/care/my-houses')).json.houses[0].units.find((u) => u.unit_type === 'mujer_con_hijos');
    assert.equal(freed.occupied, before.occupied);
  });

  test('the house declines with a reason; the refusal is counted in the statistics', async () => {
    const o = await offer({ place_id: myHouse.id, aggressor_comuna: '13101' });
    assert.equal(o.status, 201, o.text);
    assertApiError(assert, await house.post(`/api/v1/care/placements/${o.json.id}/decline`, {}), 422, 'required', 'reason');
    assertApiError(assert, await house.post(`/api/v1/care/placements/${o.json.id}/decline`, { reason: 'otro' }), 422, 'required', 'note');
    const d = await house.post(`/api/v1/care/placements/${o.json.id}/decline`, { reason: 'riesgo_seguridad' });
    assert.equal(d.json.state, 'rechazada');
    assertApiError(assert, await house.post(`/api/v1/care/placements/${o.json.id}/accept`, {}), 409, 'invalid_state');
    const st = await analyst.get(`/api/v1/care/stats?region=05`);
    assert.equal(st.status, 200, st.text);
    const h = st.json.houses.find((x) => x.place_id === myHouse.id);
    assert.ok(h.declines_by_reason.riesgo_seguridad >= 1);
    assert.ok(st.json.series.length >= 90);
  });
});

describe('occupancy over time', () => {
  test('statistics by house and region from the daily snapshots, as JSON, CSV and XLSX', async () => {
    const st = await analyst.get('/api/v1/care/stats');
    assert.equal(st.status, 200, st.text);
    assert.equal(st.json.houses.length, 44);
    assert.equal(st.json.regions.length, 16);
    for (const h of st.json.houses) assert.ok(h.occupancy_percent >= 0 && h.occupancy_percent <= 100, JSON.stringify(h));
    assert.ok(st.json.houses.some((h) => h.median_stay_days > 0));
    const csv = await analyst.get('/api/v1/care/stats.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /text\/csv/);
    assert.equal(csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).length, 45);
    const xlsx = await analyst.req('GET', '/api/v1/care/stats.xlsx', { headers: { Accept: '*/*' } });
    assert.equal(xlsx.status, 200);
    assert.match(xlsx.headers['content-type'], /spreadsheetml/);
    assertApiError(assert, await analyst.get('/api/v1/care/stats?from=31-02-2026'), 400, 'invalid_parameter', 'from');
    assertApiError(assert, await worker.get('/api/v1/care/stats'), 403);
  });
});
