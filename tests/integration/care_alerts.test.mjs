// Each step of a referral to a place, watched by the early-alert engine (issue 17): a house that has
// not answered an offer by its deadline raises exactly one alert (none on later sweeps), which the
// referring case worker's institution and the house's see in the alerts inbox, which another
// institution neither lists nor opens (refused and logged), and which closes by itself when the house
// answers; the same for an accepted placement without entry. Deadlines of 2 seconds (serve options)
// and a sweep every second make the deadlines pass during the test.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, sleep, startServer } from './harness.mjs';
import { login, loginDemo } from './auth_helpers.mjs';

let srv, worker, house, house2, police, admin;
let myHouse;
before(async () => {
  srv = await startServer({
    extraArgs: ['--demo', '--care-answer-timeout', '2', '--care-entry-timeout', '2'],
    env: { EQ_SWEEP_SECONDS: '1' },
  });
  worker = await loginDemo(srv, 'case_worker'); // Centro de la Mujer Santiago
  house = await login(srv, 'casa@equidad.demo');
  house2 = await login(srv, 'casa2@equidad.demo');
  police = await login(srv, 'policia@equidad.demo');
  admin = await loginDemo(srv, 'admin');
  myHouse = (await house.get('/api/v1/care/my-houses')).json.houses[0];
  const cap = await house.req('PUT', `/api/v1/care/places/${myHouse.id}/capacity`, {
    body: { units: [{ unit_type: 'mujer_sola', places: 8, occupied: 0 }, { unit_type: 'mujer_con_hijos', places: 8, occupied: 0 }] },
  });
  assert.equal(cap.status, 200, cap.text);
});
after(async () => { await srv?.stop(); });

const letters = (n) => Array.from({ length: n }, () => 'abcdefghijklmnoprstuv'[crypto.randomInt(21)]).join('');
const cap = (s) => s[0].toUpperCase() + s.slice(1);
// A woman in the registry, served by the case worker's centre (so a referral from her file is possible).
async function newPerson() {
  const r = await worker.post('/api/v1/cases/records', {
    kind: 'contact', occurred_at: new Date(Date.now() - 3600_000).toISOString(), comuna_id: '13101', consent_statistics: true,
    persons: [{ role: 'victim', identity: { given_names: cap(letters(6)), surname1: cap(letters(7)), surname2: cap(letters(5)),
      birth_date: `1${crypto.randomInt(9)}-0${1 + crypto.randomInt(8)}-19${70 + crypto.randomInt(25)}`, sex: 'F', comuna_id: '13101' } }],
    details: { channel: 'linea_1455', summary: 'Relato de prueba.' },
  });
  assert.equal(r.status, 201, r.text);
  return r.json.linkage[0].person_id;
}
const offer = (personId) =>
  worker.post('/api/v1/care/placements', { place_id: myHouse.id, woman_age: 29, aggressor_comuna: '13101', person_id: personId });
const alertsOf = async (client, personId) => {
  const r = await client.get(`/api/v1/alerts?person_id=${personId}&per_page=100`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
async function waitFor(fn, what, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('the early-alert engine watches each step of a referral to a place', () => {
  test('an offer past its deadline raises exactly one alert, seen by both institutions, hidden from others, closed by the answer', async () => {
    const pid = await newPerson();
    const o = await offer(pid);
    assert.equal(o.status, 201, o.text);
    const placement = o.json.id;
    const raised = await waitFor(async () => (await alertsOf(worker, pid)).find((a) => a.template === 'placement_unanswered'),
      'the unanswered-offer alert');
    assert.equal(raised.state, 'nueva');
    assert.equal(raised.severity, 'alta');
    assert.match(raised.explanation, new RegExp(`derivación N° ${placement}`));
    assert.match(raised.explanation, /la casa no ha respondido/);
    assert.ok(!/reservada/i.test(raised.explanation), 'never the address');
    // Three more sweeps: still exactly one.
    await sleep(3_500);
    const mine = (await alertsOf(worker, pid)).filter((a) => a.template === 'placement_unanswered');
    assert.equal(mine.length, 1, JSON.stringify(mine));
    assert.equal(mine[0].id, raised.id);

    // The house's institution handles it too (its inbox and the alert itself).
    const atHouse = await alertsOf(house, pid);
    assert.deepEqual(atHouse.map((a) => a.id), [raised.id]);
    const one = await house.get(`/api/v1/alerts/${raised.id}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.rule.name, 'Casa de acogida sin responder una derivación dentro del plazo');

    // Another house and another institution: not in their inbox, refused (404) and logged.
    for (const other of [house2, police]) {
      const inbox = await other.get('/api/v1/alerts?per_page=100');
      if (inbox.status === 200) assert.ok(!inbox.json.items.some((a) => a.id === raised.id), 'listed to another institution');
      else assert.equal(inbox.status, 403);
    }
    assertApiError(assert, await house2.get(`/api/v1/alerts/${raised.id}`), 404);
    assertApiError(assert, await house2.post(`/api/v1/alerts/${raised.id}/take`, {}), 404);
    const log = await admin.get('/api/v1/audit?action=alert.read&per_page=100');
    assert.equal(log.status, 200, log.text);
    assert.ok(log.json.items.some((e) => e.object === `alert:${raised.id}` && e.outcome === 'denied'), 'the refused read is on the log');
    const takeLog = await admin.get('/api/v1/audit?action=alert.take&per_page=100');
    assert.ok(takeLog.json.items.some((e) => e.object === `alert:${raised.id}` && e.outcome === 'denied'), 'the refused take is on the log');

    // The house answers (late): the alert closes by itself, with its event and audit entry.
    const d = await house.post(`/api/v1/care/placements/${placement}/decline`, { reason: 'sin_cupo' });
    assert.equal(d.status, 200, d.text);
    const closed = await worker.get(`/api/v1/alerts/${raised.id}`);
    assert.equal(closed.json.state, 'cerrada');
    assert.equal(closed.json.outcome, 'paso_cumplido');
    assert.match(closed.json.outcome_name, /Paso cumplido/);
    const ev = closed.json.events.find((e) => e.kind === 'closed');
    assert.match(ev.note, /La casa rechazó la derivación/);
    const done = await admin.get('/api/v1/audit?action=alert.step_done&per_page=100');
    assert.ok(done.json.items.some((e) => e.object === `alert:${raised.id}`));
    // And it does not come back on later sweeps.
    await sleep(2_500);
    const all = await alertsOf(worker, pid);
    assert.equal(all.filter((a) => a.template === 'placement_unanswered').length, 1);
    assert.equal(all.filter((a) => a.state !== 'cerrada' && a.template.startsWith('placement_')).length, 0);
  });

  test('an offer answered in time raises nothing; an accepted placement without entry does, and the entry closes it', async () => {
    const pid = await newPerson();
    const o = await offer(pid);
    assert.equal(o.status, 201, o.text);
    const a = await house.post(`/api/v1/care/placements/${o.json.id}/accept`, {});
    assert.equal(a.status, 200, a.text);
    const noEntry = await waitFor(async () => (await alertsOf(worker, pid)).find((x) => x.template === 'placement_no_entry'),
      'the no-entry alert');
    assert.match(noEntry.explanation, /no se registra su ingreso/);
    assert.equal((await alertsOf(worker, pid)).filter((x) => x.template === 'placement_unanswered').length, 0,
      'answered before its deadline: no alert');
    assert.deepEqual((await alertsOf(house, pid)).map((x) => x.id), [noEntry.id]);
    assertApiError(assert, await house2.get(`/api/v1/alerts/${noEntry.id}`), 404);
    const e = await house.post(`/api/v1/care/placements/${o.json.id}/entry`, {});
    assert.equal(e.status, 200, e.text);
    const closed = await worker.get(`/api/v1/alerts/${noEntry.id}`);
    assert.equal(closed.json.state, 'cerrada');
    assert.equal(closed.json.outcome, 'paso_cumplido');
    // Her stay is now watched until its planned exit (180 days): nothing due yet.
    await sleep(1_500);
    assert.equal((await alertsOf(worker, pid)).filter((x) => x.state !== 'cerrada').length, 0);
    const x = await house.post(`/api/v1/care/placements/${o.json.id}/exit`, { destination: 'red_familiar' });
    assert.equal(x.status, 200, x.text);
  });

  test('a referral without her file is not the engine\'s (person-centred): the house page still lists the overdue answer', async () => {
    const o = await worker.post('/api/v1/care/placements', { place_id: myHouse.id, woman_age: 40, aggressor_comuna: '13101' });
    assert.equal(o.status, 201, o.text);
    const board = await waitFor(async () => {
      const r = await house.get('/api/v1/care/my-houses');
      return r.json.houses[0].alerts.find((al) => al.kind === 'respuesta_vencida' && al.text.includes(`N° ${o.json.id} a `)) ? r : null;
    }, 'the house page alert');
    assert.ok(board);
    const d = await house.post(`/api/v1/care/placements/${o.json.id}/decline`, { reason: 'sin_cupo' });
    assert.equal(d.status, 200, d.text);
  });
});
