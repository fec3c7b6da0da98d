// The early-alert engine over real HTTP, on the demo data: a case worker's inbox, the workflow
// (nueva → en gestión → cerrada), visibility by institution, and administrators editing rules and
// trying them on history.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { login, loginDemo, runFor } from './auth_helpers.mjs';

let srv;
let centre; // caso@: Centro de la Mujer Santiago
let police; // policia@: Carabineros de Chile
let admin;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  centre = await loginDemo(srv, 'case_worker');
  police = await login(srv, 'policia@equidad.demo');
  admin = await loginDemo(srv, 'admin');
});
after(async () => { await srv?.stop(); });

const iso = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
const letters = (n) => Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnprstvz'[b % 17] + 'aeiou'[(b >> 4) % 5]).join('');
const cap = (w) => w[0].toUpperCase() + w.slice(1);
let runs = 0;
const newWoman = () => ({
  run: runFor(13_000_000 + ((Date.now() + 7919 * runs++) % 900_000)),
  given_names: cap(letters(4)), surname1: cap(letters(4)), surname2: cap(letters(3)),
  birth_date: `${String(1 + crypto.randomInt(28)).padStart(2, '0')}-0${1 + crypto.randomInt(9)}-${1960 + crypto.randomInt(45)}`,
  sex: 'F', comuna_id: '13101',
});
const contact = (person, daysAgo) => ({
  kind: 'contact', occurred_at: iso(daysAgo), comuna_id: '13101', consent_statistics: true, persons: [{ role: 'victim', ...person }],
  details: { channel: 'linea_1455', summary: 'Relato de prueba.' },
});
async function post(client, body) {
  const r = await client.post('/api/v1/cases/records', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

// Three contacts by the centre in 30 days: one "contactos o denuncias" alert for the centre.
async function burst() {
  const woman = newWoman();
  const first = await post(centre, contact({ identity: woman }, 20));
  const pid = first.linkage[0].person_id;
  await post(centre, contact({ person_id: pid }, 10));
  await post(centre, contact({ person_id: pid }, 1));
  const inbox = await centre.get(`/api/v1/alerts?person_id=${pid}`);
  assert.equal(inbox.status, 200, inbox.text);
  const alert = inbox.json.items.find((a) => a.template === 'contact_burst');
  assert.ok(alert, JSON.stringify(inbox.json));
  return { pid, alert, woman };
}

describe('alert inbox and workflow', () => {
  test('the responsible institution sees, takes and closes an alert; transitions are enforced', async () => {
    const { alert } = await burst();
    assert.equal(alert.state, 'nueva');
    assert.equal(alert.severity, 'alta');
    assert.equal(alert.comuna_id, '13101');
    const detail = await centre.get(`/api/v1/alerts/${alert.id}`);
    assert.equal(detail.status, 200, detail.text);
    assert.match(detail.json.explanation, /^Regla «Tres o más contactos o denuncias en 30 días» \(versión 1\): 3 registros/);
    assert.match(detail.json.explanation, /\d{2}-\d{2}-\d{4}/);
    assert.equal(detail.json.events.length, 1);

    assertApiError(assert, await centre.post(`/api/v1/alerts/${alert.id}/close`, { outcome: 'contacto_realizado', note: 'x' }), 409, 'invalid_transition');
    const taken = await centre.post(`/api/v1/alerts/${alert.id}/take`, { note: 'La llamo ahora.' });
    assert.equal(taken.status, 200, taken.text);
    assert.equal(taken.json.state, 'en_gestion');
    assertApiError(assert, await centre.post(`/api/v1/alerts/${alert.id}/take`, {}), 409, 'invalid_transition');
    assertApiError(assert, await centre.post(`/api/v1/alerts/${alert.id}/close`, { outcome: 'resuelta', note: 'x' }), 422, 'invalid_outcome', 'outcome');
    assertApiError(assert, await centre.post(`/api/v1/alerts/${alert.id}/close`, { outcome: 'contacto_realizado' }), 422, 'required', 'note');
    const closed = await centre.post(`/api/v1/alerts/${alert.id}/close`, { outcome: 'contacto_realizado', note: 'Plan de seguridad acordado.' });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.state, 'cerrada');
    assert.deepEqual(closed.json.events.map((e) => e.kind), ['raised', 'taken', 'closed']);
  });

  test('another institution sees the alert only once it serves the woman', async () => {
    const { pid, alert, woman } = await burst();
    assertApiError(assert, await police.get(`/api/v1/alerts/${alert.id}`), 404);
    assertApiError(assert, await police.post(`/api/v1/alerts/${alert.id}/take`, {}), 404);
    assert.equal((await police.get(`/api/v1/alerts?person_id=${pid}`)).json.total, 0);
    // A record attached under emergency access does not make the police serve her (cases/access.h).
    await post(police, { ...contact({ person_id: pid }, 0),
      emergency_reason: 'Procedimiento en curso por agresión: se registra la atención en terreno.' });
    assertApiError(assert, await police.get(`/api/v1/alerts/${alert.id}`), 404);
    // Identifying her with her own data (her RUN) does.
    await post(police, contact({ identity: { run: woman.run } }, 0));
    assert.equal((await police.get(`/api/v1/alerts/${alert.id}`)).status, 200);
  });

  test('filters are validated and rule administration is not for case workers', async () => {
    assertApiError(assert, await centre.get('/api/v1/alerts?severity=urgente'), 400, 'invalid_parameter', 'severity');
    assertApiError(assert, await centre.get('/api/v1/alerts?state=abierta'), 400, 'invalid_parameter', 'state');
    assert.equal((await centre.get('/api/v1/alerts/rules')).status, 403);
    assert.equal((await admin.get('/api/v1/alerts')).status, 403);
  });
});

describe('rules as data', () => {
  test('administrators list rules, edit one as a new version and try a rule on history', async () => {
    const list = await admin.get('/api/v1/alerts/rules');
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.items.length, 10);
    const overdue = list.json.items.find((r) => r.template === 'reassess_overdue');
    const put = await admin.req('PUT', `/api/v1/alerts/rules/${overdue.id}`, { body: { params: { grace_days: 2 } } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.version, overdue.version + 1);
    assert.equal(put.json.versions.length, 2);
    assertApiError(assert, await admin.req('PUT', `/api/v1/alerts/rules/${overdue.id}`, { body: { params: { grace_days: 'dos' } } }),
      422, 'invalid_param', 'params.grace_days');

    await burst();
    const dry = await admin.post('/api/v1/alerts/rules/dry-run', { template: 'contact_burst', severity: 'media', params: { min: 2, window_days: 30 } });
    assert.equal(dry.status, 200, dry.text);
    assert.ok(dry.json.total >= 1);
    assert.ok(dry.json.by_month.length >= 1);
    assert.match(dry.json.examples[0].explanation, /^Regla «/);
    assertApiError(assert, await admin.post('/api/v1/alerts/rules/dry-run', { template: 'magia', severity: 'media' }), 422, undefined, 'template');
  });
});
