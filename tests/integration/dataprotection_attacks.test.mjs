// The data-protection routes attacked as an attacker would (issue 20 item 4): every route under
// /api/v1/dataprotection (read from the OpenAPI table, so a new one is covered) refused to an
// anonymous caller (401) and to every demo role without dataprotection.manage (403), with nothing
// written; ids that do not exist, are garbage or overflow are 404, never 5xx; a hold naming a kind
// no purge deletes, or a person by anything but her registry number, is refused with the field and
// reason (it used to be stored and then never match: the officer believed something was kept that
// no purge asked about); a text that looks like SQL is stored as text; a body over the server's
// limit is 413; a flood of «Ejecutar ahora» and of holds leaves only 201/409, one run at a time,
// and a server that still answers. Deep nesting and wrong types on every route are in
// hostile_bodies.test.mjs. SQLite and, with EQ_TEST_DB=postgresql, PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Client, DEMO, login } from './auth_helpers.mjs';
import { assertApiError, startServer } from './harness.mjs';

let srv, dpo, routes;
const others = new Map(); // role → signed-in client without dataprotection.manage

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  dpo = await login(srv, 'dpo@equidad.demo');
  for (const [role, d] of Object.entries(DEMO)) if (role !== 'dpo') others.set(role, await login(srv, d.email));
  const api = await dpo.get('/api/v1/openapi.json');
  assert.equal(api.status, 200, api.text);
  routes = Object.entries(api.json.paths).filter(([p]) => p.startsWith('/api/v1/dataprotection/'))
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), p]));
});
after(async () => { await srv?.stop(); });

// What an attack could have written: counts of every list the officer sees.
async function written() {
  const [req, br, holds, runs] = await Promise.all(['requests', 'breaches', 'holds', 'purge/runs']
    .map((p) => dpo.get(`/api/v1/dataprotection/${p}`)));
  for (const r of [req, br, holds, runs]) assert.equal(r.status, 200, r.text);
  return { requests: req.json.items.length, breaches: br.json.items.length, holds: holds.json.items.length, runs: runs.json.items.length };
}
const concrete = (p, id = '1') => p.replace(/\{[^}]+\}/g, id);
const plausible = { reason: 'Oficio de prueba.', person_id: '7', rut: '11.111.111-1', requester_name: 'Ana', detail: 'x', note: 'x' };

describe('data-protection routes under attack', () => {
  test('the route table has the data-protection routes (the test reads them, it does not list them)', () => {
    const names = routes.map(([m, p]) => `${m} ${p}`);
    for (const r of ['GET /api/v1/dataprotection/ropa', 'POST /api/v1/dataprotection/holds', 'POST /api/v1/dataprotection/purge/runs',
      'POST /api/v1/dataprotection/holds/{id}/release', 'GET /api/v1/dataprotection/requests/{id}/report'])
      assert.ok(names.includes(r), `${r} in ${names.join(', ')}`);
  });

  test('anonymous: 401 on every route, nothing written', async () => {
    const before = await written();
    const anonymous = new Client(srv);
    for (const [m, p] of routes) {
      const r = await anonymous.req(m, concrete(p), { body: m === 'GET' ? undefined : plausible });
      assert.equal(r.status, 401, `${m} ${p}: ${r.status} ${r.text}`);
      assert.ok(r.json?.error, `${m} ${p}: the JSON error contract`);
    }
    assert.deepEqual(await written(), before);
  });

  test('every other demo role (administrators, case workers, operators, other institutions): 403, nothing written', async () => {
    const before = await written();
    assert.ok(others.size >= 5, [...others.keys()].join(', '));
    for (const [role, c] of others)
      for (const [m, p] of routes) {
        const r = await c.req(m, concrete(p), { body: m === 'GET' ? undefined : plausible });
        assert.equal(r.status, 403, `${role}: ${m} ${p}: ${r.status} ${r.text}`);
      }
    assert.deepEqual(await written(), before);
  });

  test('ids that do not exist, garbage and overflowing ids: 404 (never 5xx)', async () => {
    const before = await written();
    for (const [m, p] of routes.filter(([, p]) => p.includes('{'))) {
      for (const id of ['999999', '0', '-1', '1e3', '0x10', '99999999999999999999999', '%27%20OR%201%3D1--', '..%2F..%2Fetc']) {
        const r = await dpo.req(m, concrete(p, id), { body: m === 'GET' ? undefined : { reason: 'x', to: 'agencia', note: 'x', action: 'analizar' } });
        assert.ok(r.status === 404 || r.status === 422 || r.status === 400, `${m} ${concrete(p, id)}: ${r.status} ${r.text}`);
        assert.ok(r.status < 500);
      }
    }
    assert.deepEqual(await written(), before);
  });

  test('a hold on a kind no purge deletes, or on a person by anything but her number, is refused with the field', async () => {
    const before = await written();
    const post = (b) => dpo.post('/api/v1/dataprotection/holds', { reason: 'Orden judicial.', ...b });
    assertApiError(assert, await post({ module: 'cases', kind: 'records', record_id: '12' }), 422, 'unknown_kind', 'kind');
    assertApiError(assert, await post({ module: 'chat', kind: 'messages', record_id: 'abc' }), 422, 'unknown_kind', 'kind');
    assertApiError(assert, await post({ module: 'CHAT', kind: 'transcripts', record_id: 'abc' }), 422, 'unknown_kind', 'kind');
    const unknown = await post({ module: 'x', kind: 'y', record_id: '1' });
    assert.match(unknown.json.error.message, /chat\/transcripts/, 'the message names the kinds that exist');
    for (const person of ['abc', '7 OR 1=1', '-7', '0', '00', '7.0', '1'.repeat(19)])
      assertApiError(assert, await post({ person_id: person }), 422, 'invalid_person_id', 'person_id');
    for (const wrong of [7, ['7'], { $gt: '' }, true])
      assert.equal((await post({ person_id: wrong })).status, 422, JSON.stringify(wrong));
    assertApiError(assert, await post({ person_id: '7', reason: 'x'.repeat(1001) }), 422, undefined, 'reason');
    assert.deepEqual(await written(), before);
  });

  test('a record id that looks like SQL is stored as text and keeps nothing else', async () => {
    const evil = "1' OR '1'='1";
    const r = await dpo.post('/api/v1/dataprotection/holds', { module: 'chat', kind: 'transcripts', record_id: evil, reason: 'Prueba.' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.hold.record_id, evil);
    const pv = await dpo.get('/api/v1/dataprotection/purge/preview');
    assert.equal(pv.status, 200, pv.text);
    assert.equal(pv.json.kinds.find((k) => k.module === 'chat').held, 0);
    assert.equal((await dpo.post(`/api/v1/dataprotection/holds/${r.json.hold.id}/release`, {})).status, 200);
  });

  test('a body over the server\'s limit is refused (413) and nothing is written', async () => {
    const before = await written();
    const r = await dpo.post('/api/v1/dataprotection/holds', JSON.stringify({ person_id: '7', reason: 'x'.repeat(1100 * 1024) }),
      { headers: { 'Content-Type': 'application/json' } }).catch((e) => e);
    // The server answers 413 from the announced length and closes: the client may still be writing
    // the body then (EPIPE / ECONNRESET), which is the same refusal seen from the other side.
    if (r instanceof Error) assert.ok(['EPIPE', 'ECONNRESET'].includes(r.code), String(r));
    else assert.equal(r.status, 413, `${r.status} ${r.text.slice(0, 200)}`);
    assert.deepEqual(await written(), before);
  });

  test('a flood of «Ejecutar ahora» and of holds: only 201/409, one run at a time, every hold recorded once, the server answers', async () => {
    const before = await written();
    const runs = await Promise.all(Array.from({ length: 30 }, () => dpo.post('/api/v1/dataprotection/purge/runs', {})));
    for (const r of runs) assert.ok(r.status === 201 || r.status === 409, `${r.status} ${r.text}`);
    const ran = runs.filter((r) => r.status === 201).length;
    assert.ok(ran >= 1);
    const holds = await Promise.all(Array.from({ length: 40 }, (_, i) => dpo.post('/api/v1/dataprotection/holds',
      { module: 'whatsapp', kind: 'conversations', record_id: `flood-${i}`, reason: 'Prueba de carga.' })));
    for (const r of holds) assert.equal(r.status, 201, r.text);
    const after = await written();
    assert.equal(after.runs, before.runs + ran);
    assert.equal(after.holds, before.holds + 40);
    const list = (await dpo.get('/api/v1/dataprotection/purge/runs')).json.items;
    assert.ok(list.every((x) => x.state !== 'running'), 'no run left running');
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
  });
});
