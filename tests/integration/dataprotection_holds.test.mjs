// Legal holds over real HTTP (issue 20 item 4): the data-protection officer records a hold on a
// person or on one record, lists it as active, releases it once (a second release is 409); bad
// input is refused with the field and reason and writes nothing; other roles are refused; every
// change is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo } from './auth_helpers.mjs';

let srv, dpo, worker, admin;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  dpo = await login(srv, 'dpo@equidad.demo');
  worker = await loginDemo(srv, 'case_worker');
  admin = await loginDemo(srv, 'admin');
});
after(async () => { await srv?.stop(); });

const count = async () => (await dpo.get('/api/v1/dataprotection/holds')).json.items.length;

describe('legal holds', () => {
  test('a hold on a record is active until released; releasing twice is 409; both audited', async () => {
    const r = await dpo.post('/api/v1/dataprotection/holds', {
      module: 'chat', kind: 'transcripts', record_id: '42', reason: 'Oficio de la Fiscalía, causa RUC 2600123456-7.',
      from_on: '01-12-2026', until_on: '2027-12-31',
    });
    assert.equal(r.status, 201, r.text);
    const h = r.json.hold;
    assert.equal(h.from_on, '2026-12-01');
    assert.equal(h.until, '31-12-2027');
    assert.equal(h.active, true);
    const l = await dpo.get('/api/v1/dataprotection/holds');
    assert.equal(l.status, 200, l.text);
    assert.ok(l.json.items.some((i) => i.id === h.id && i.active));
    const rel = await dpo.post(`/api/v1/dataprotection/holds/${h.id}/release`, {});
    assert.equal(rel.status, 200, rel.text);
    assert.equal(rel.json.hold.active, false);
    assert.ok(rel.json.hold.released);
    assertApiError(assert, await dpo.post(`/api/v1/dataprotection/holds/${h.id}/release`, {}), 409, 'already_released', 'id');
    const actions = (await auditEntries(admin, 'action=dataprotection.hold'))
      .filter((e) => e.object === `dataprotection_hold:${h.id}`).map((e) => e.action);
    assert.ok(actions.includes('dataprotection.hold_create'), actions.join(', '));
    assert.ok(actions.includes('dataprotection.hold_release'), actions.join(', '));
  });

  test('a hold on a person without an end date holds until released', async () => {
    const r = await dpo.post('/api/v1/dataprotection/holds', { person_id: '7', reason: 'Medida de protección vigente.' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.hold.until_on, '');
    assert.equal(r.json.hold.active, true);
  });

  test('bad input: clear field and reason, nothing written', async () => {
    const before = await count();
    const base = { person_id: '7', reason: 'Orden judicial.' };
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', { ...base, from_on: '2027-01-10', until_on: '2027-01-09' }),
      422, 'before_from', 'until_on');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', { reason: 'x' }), 422, 'required', 'person_id');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', { ...base, module: 'chat' }), 422, 'ambiguous', 'person_id');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', { module: 'chat', kind: 'transcripts', reason: 'x' }),
      422, 'required', 'record_id');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', { ...base, from_on: '31-02-2027' }), 422, 'invalid_date', 'from_on');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', { person_id: '7' }), 422, 'required', 'reason');
    assert.equal(await count(), before);
    assert.equal((await dpo.post('/api/v1/dataprotection/holds/999999/release', {})).status, 404);
  });

  test('only the data-protection officer manages holds', async () => {
    assert.equal((await worker.get('/api/v1/dataprotection/holds')).status, 403);
    assert.equal((await worker.post('/api/v1/dataprotection/holds', { person_id: '7', reason: 'x' })).status, 403);
  });
});
