// «Mascarilla 19» enrolment over HTTP (src/pharmacy, SernamEG's screen /farmacia/inscripcion): the
// filtered list, enrolment, edits, several trainings per pharmacy, suspension (a suspended pharmacy's
// report is refused with the reason, nothing written) and reactivation; the bad inputs (a phone in a
// wrong format, a filter with a typo, a reason missing) and edits by someone without permission.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { assertApiError, freshDatabase, startServer } from './harness.mjs';

const ENV = { EQ_CHANNELS_HOURS: '24/7' };
let srv;
let supervisor;
let operator;
let pharmacy; // the demo's pharmacy account (enrolled)
let admin;
let mine; // a pharmacy account made here and enrolled
let enrolment;

const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const form = { alias: 'Rosa', safe_contact: 'Llamar después de las 18:00, decir que es de la farmacia.', in_danger: false };

async function detail(id) {
  const r = await supervisor.get(`/api/v1/pharmacy/enrolments/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function reportCount(client) {
  const r = await client.get('/api/v1/pharmacy/reports');
  assert.equal(r.status, 200, r.text);
  return r.json.items.length;
}

before(async () => {
  const db = await freshDatabase();
  // The demo on PostgreSQL takes long to load on a machine shared by parallel builds.
  srv = await startServer({ db: db.url, env: ENV, extraArgs: ['--demo'], startTimeoutMs: 240_000 });
  [supervisor, operator, pharmacy, admin] = await Promise.all(['channels_supervisor', 'operator', 'pharmacy', 'admin'].map((r) => loginDemo(srv, r)));
  const inst = await admin.post('/api/v1/institutions', { name: `Farmacia Inscripción ${uniq()}`, type: 'pharmacy', region_id: '11', comuna_id: '11101' });
  assert.equal(inst.status, 201, inst.text);
  const email = `farmacia.${uniq()}@prueba.cl`;
  const u = await admin.post('/api/v1/users', { name: 'Químico de Turno', email, institution_id: inst.json.id, roles: ['pharmacy'], password: 'Equidad2026!' });
  assert.equal(u.status, 201, u.text);
  mine = await login(srv, email);
  const e = await supervisor.post('/api/v1/pharmacy/enrolments', {
    institution_id: inst.json.id, name: inst.json.name, chain: 'Cadena de Prueba', comuna: '11101', contact: 'Q.F. de turno, 67 2 21 0000', trained_at: '02-03-2021',
  });
  assert.equal(e.status, 201, e.text);
  enrolment = e.json;
});
after(async () => { await srv?.stop(); });

describe('Mascarilla 19: SernamEG lists and filters the enrolled pharmacies', () => {
  test('the list by region agrees with the overview; filters by comuna, chain, independents and status', async () => {
    const all = await supervisor.get('/api/v1/pharmacy/enrolments');
    assert.equal(all.status, 200, all.text);
    const ov = (await supervisor.get('/api/v1/pharmacy/overview?year=2020')).json;
    for (const region of ['02', '01', '11']) {
      const r = await supervisor.get(`/api/v1/pharmacy/enrolments?region=${region}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.items.length, ov.regions.find((x) => x.code === region).enrolled, `region ${region}`);
      assert.ok(r.json.items.every((e) => e.region === region));
    }
    const comuna = await supervisor.get('/api/v1/pharmacy/enrolments?comuna=11101');
    assert.ok(comuna.json.items.some((e) => e.id === enrolment.id));
    assert.ok(comuna.json.items.every((e) => e.comuna === '11101' && e.comuna_name));
    const chain = await supervisor.get(`/api/v1/pharmacy/enrolments?chain=${encodeURIComponent('Cadena de Prueba')}`);
    assert.deepEqual(chain.json.items.map((e) => e.id), [enrolment.id]);
    assert.ok(all.json.chains.includes('Cadena de Prueba'));
    const indep = await supervisor.get('/api/v1/pharmacy/enrolments?chain=independiente');
    assert.ok(indep.json.items.length > 0);
    assert.ok(indep.json.items.every((e) => e.chain === null));
    const counted = all.json.items.filter((e) => e.chain === null).length;
    assert.equal(indep.json.items.length, counted);
    const active = await supervisor.get('/api/v1/pharmacy/enrolments?status=active');
    assert.equal(active.json.items.length, all.json.items.filter((e) => e.status === 'active').length);
  });

  test('bad filters are refused per field (never an empty list that looks like none enrolled)', async () => {
    assertApiError(assert, await supervisor.get('/api/v1/pharmacy/enrolments?region=Antofagasta'), 422, undefined, 'region');
    assertApiError(assert, await supervisor.get('/api/v1/pharmacy/enrolments?comuna=2101'), 422, undefined, 'comuna');
    assertApiError(assert, await supervisor.get('/api/v1/pharmacy/enrolments?status=cerrada'), 422, undefined, 'status');
    assertApiError(assert, await supervisor.get('/api/v1/pharmacy/enrolments/999999'), 404, 'not_found');
  });
});

describe('Mascarilla 19: editing an enrolment and recording trainings', () => {
  test('an edit with a phone in a wrong format is refused and changes nothing; a good one is kept normalised and audited', async () => {
    const base = { name: enrolment.name, chain: 'Cadena de Prueba', comuna: '11101', contact: 'Q.F. de turno' };
    assertApiError(assert, await supervisor.patch(`/api/v1/pharmacy/enrolments/${enrolment.id}`, { ...base, name: 'Otro nombre', phone: '67 21' }), 422, 'invalid_phone', 'phone');
    assertApiError(assert, await supervisor.patch(`/api/v1/pharmacy/enrolments/${enrolment.id}`, { ...base, name: 'Otro nombre', phone: '+56 9 1234 56x8' }), 422, 'invalid_phone', 'phone');
    assertApiError(assert, await supervisor.patch(`/api/v1/pharmacy/enrolments/${enrolment.id}`, { ...base, comuna: '99999' }), 422, undefined, 'comuna');
    assertApiError(assert, await supervisor.patch(`/api/v1/pharmacy/enrolments/${enrolment.id}`, { ...base, color: 'rojo' }), 422, 'unknown_field');
    assert.equal((await detail(enrolment.id)).name, enrolment.name, 'the refused edits wrote nothing');
    const ok = await supervisor.patch(`/api/v1/pharmacy/enrolments/${enrolment.id}`, { ...base, chain: '', comuna: '11201', phone: '67 221 0000', address: 'Calle Prat 123' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.phone, '+56 6 7221 0000');
    assert.equal(ok.json.chain, null, 'an empty chain: independent');
    assert.equal(ok.json.comuna, '11201');
    assert.equal(ok.json.region, '11');
    const log = await auditEntries(admin, 'action=pharmacy.enrolment_edit');
    const entry = log.find((e) => e.object === `pharmacy:${enrolment.id}`);
    assert.ok(entry, 'the edit is audited');
    assert.match(entry.detail, /cadena/);
    assert.match(entry.detail, /comuna/);
    assert.doesNotMatch(entry.detail, /Prat/, 'the audit names the fields, not the values');
  });

  test('several trainings per pharmacy, newest first; the enrolment keeps the latest; a wrong date is refused', async () => {
    assertApiError(assert, await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/trainings`, { trained_at: '31-02-2021' }), 422, undefined, 'trained_at');
    assertApiError(assert, await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/trainings`, { trained_at: '01-01-2099' }), 422, undefined, 'trained_at');
    assertApiError(assert, await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/trainings`, { trained_at: '10-06-2021', staff: 0 }), 422, undefined, 'staff');
    assert.equal((await detail(enrolment.id)).trainings.length, 1, 'only the training given at enrolment');
    const t = await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/trainings`, { trained_at: '10-06-2021', staff: 4, note: 'Refuerzo por SEREMI de Aysén' });
    assert.equal(t.status, 201, t.text);
    assert.equal(t.json.trainings.length, 2);
    assert.equal(t.json.trainings[0].staff, 4);
    assert.equal(t.json.trainings[0].note, 'Refuerzo por SEREMI de Aysén');
    assert.equal(t.json.trained_at, t.json.trainings[0].trained_at, 'the enrolment shows its latest training');
    assert.ok(t.json.trainings[0].trained_at > t.json.trainings[1].trained_at);
  });
});

describe('Mascarilla 19: suspension and reactivation', () => {
  test('a suspended pharmacy cannot report: refused with the reason in Spanish, nothing written; reactivated, it reports again', async () => {
    const before = await reportCount(mine);
    assertApiError(assert, await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/suspend`, {}), 422, undefined, 'reason');
    assertApiError(assert, await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/reactivate`, { reason: 'no estaba suspendida' }), 409, 'not_suspended');
    const s = await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/suspend`, { reason: 'Cambio de local sin personal capacitado' });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.status, 'suspended');
    assert.equal(s.json.status_reason, 'Cambio de local sin personal capacitado');
    assertApiError(assert, await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/suspend`, { reason: 'otra vez' }), 409, 'already_suspended');
    const refused = await mine.post('/api/v1/pharmacy/reports', form);
    assertApiError(assert, refused, 403, 'pharmacy_suspended');
    assert.match(refused.json.error.message, /suspendida/);
    assert.match(refused.json.error.message, /Cambio de local sin personal capacitado/);
    assert.match(refused.json.error.message, /133/, 'it still tells the pharmacist what to do for her');
    assert.equal(await reportCount(mine), before, 'nothing written');
    const listed = await supervisor.get('/api/v1/pharmacy/enrolments?status=suspended');
    assert.deepEqual(listed.json.items.map((e) => e.id), [enrolment.id]);
    const r = await supervisor.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/reactivate`, { reason: 'Personal capacitado en el nuevo local' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'active');
    const ok = await mine.post('/api/v1/pharmacy/reports', form);
    assert.equal(ok.status, 201, ok.text);
    assert.equal(await reportCount(mine), before + 1);
    assert.equal((await detail(enrolment.id)).activations, before + 1);
    const log = await auditEntries(admin, 'action=pharmacy.suspend');
    assert.ok(log.some((e) => e.object === `pharmacy:${enrolment.id}` && /Cambio de local/.test(e.detail)), 'the suspension and its reason are audited');
    const denied = await auditEntries(admin, 'action=pharmacy.denied&outcome=denied');
    assert.ok(denied.some((e) => e.detail === 'pharmacy_suspended'), 'the refused report is audited');
  });
});

describe('Mascarilla 19: only SernamEG\'s supervision manages enrolments', () => {
  test('a pharmacy and an operator may not list, read, edit, train, suspend or reactivate; nothing changes', async () => {
    const before = await detail(enrolment.id);
    for (const who of [pharmacy, mine, operator]) {
      assert.equal((await who.get('/api/v1/pharmacy/enrolments')).status, 403);
      assert.equal((await who.get(`/api/v1/pharmacy/enrolments/${enrolment.id}`)).status, 403);
      assertApiError(assert, await who.patch(`/api/v1/pharmacy/enrolments/${enrolment.id}`, { name: 'Tomada', comuna: '11101' }), 403, 'forbidden');
      assert.equal((await who.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/trainings`, { trained_at: '01-07-2021' })).status, 403);
      assert.equal((await who.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/suspend`, { reason: 'x' })).status, 403);
      assert.equal((await who.post(`/api/v1/pharmacy/enrolments/${enrolment.id}/reactivate`, { reason: 'x' })).status, 403);
    }
    const now = await detail(enrolment.id);
    assert.equal(now.name, before.name);
    assert.equal(now.status, before.status);
    assert.equal(now.trainings.length, before.trainings.length);
  });
});
