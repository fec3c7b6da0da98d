// Retention per kind of data and the purge that honours legal holds (issue 20 item 4), over real
// HTTP, with a local server playing Meta (whatsapp_meta.mjs) so that WhatsApp conversations older
// than their retention can be made the way they arrive (Meta's own message timestamps). Proves:
// what is past its period goes when the officer runs the purge («Ejecutar ahora», the same code
// the daily job runs), what a hold names stays and goes on the next run once the hold is released,
// a conversation whose queue contact is still open is kept, the preview says exactly what the run
// then does, every run leaves a record and an audit entry, two runs at once are refused (409), and
// only the data-protection officer may do any of it. SQLite and, with EQ_TEST_DB=postgresql, PostgreSQL.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { assertApiError, sleep, startServer, tempDir } from './harness.mjs';
import { MetaFake, inbound, seconds, waitFor } from './whatsapp_meta.mjs';

const DAY = 86_400_000;
let srv, keys, meta, secret, dpo, sup, op, worker, admin;

// The officer's runs, newest first.
const runs = async () => {
  const r = await dpo.get('/api/v1/dataprotection/purge/runs');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};
const preview = async () => {
  const r = await dpo.get('/api/v1/dataprotection/purge/preview');
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const kindOf = (list, module, kind) => list.find((k) => k.module === module && k.kind === kind);

before(async () => {
  meta = await new MetaFake().start();
  keys = tempDir('equidad-purge-');
  srv = await startServer({
    extraArgs: ['--demo', '--keys', path.join(keys.dir, 'equidad.key')],
    env: { EQ_CHANNELS_HOURS: '24/7', EQ_WHATSAPP_GRAPH_URL: meta.url, EQ_WHATSAPP_TOKEN: 'token-de-prueba' },
  });
  secret = fs.readFileSync(path.join(keys.dir, 'equidad.whatsapp.key'), 'utf8').trim();
  dpo = await login(srv, 'dpo@equidad.demo');
  sup = await login(srv, 'supervision@equidad.demo');
  op = await login(srv, 'operador2@equidad.demo');
  worker = await loginDemo(srv, 'case_worker');
  admin = await loginDemo(srv, 'admin');
  const p = await op.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] });
  assert.equal(p.status, 200, p.text);
  // The daily job runs when the server starts (no job run in the last 24 hours): let it finish,
  // so the runs below are the only ones.
  await waitFor(async () => (await runs()).some((r) => r.origin === 'job' && r.state !== 'running'), 'the daily run at start');
});
after(async () => { await srv?.stop(); await meta?.stop(); keys?.cleanup(); });

// A woman writes to the line; Meta's timestamp says when (100 days ago: past the 90-day retention).
async function oldConversation() {
  const m = inbound({ wa_id: `569${crypto.randomInt(10_000_000, 99_999_999)}` },
    { type: 'text', text: { body: 'hola, escribo desde el baño' }, timestamp: seconds(Date.now() - 100 * DAY) });
  const r = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(m)));
  assert.equal(r.status, 200, r.text);
}

describe('retention purge with legal holds', () => {
  let refA, refB, hold;

  test('a conversation past its period whose contact is still open is kept (exempt), then purged once closed, except the held one', async () => {
    const seen = new Set((await sup.get('/api/v1/channels/queue')).json.queue.map((c) => c.id));
    await oldConversation();
    await oldConversation();
    const contacts = await waitFor(async () => {
      const q = (await sup.get('/api/v1/channels/queue')).json.queue.filter((c) => c.channel === 'whatsapp' && !seen.has(c.id));
      return q.length === 2 ? q : null;
    }, 'two new WhatsApp contacts in the queue');

    // Still in the queue: somebody's work, not purged.
    let pv = await preview();
    let wa = kindOf(pv.kinds, 'whatsapp', 'conversations');
    assert.ok(wa, JSON.stringify(pv.kinds.map((k) => [k.module, k.kind])));
    assert.equal(wa.days, 90);
    assert.ok(wa.exempt >= 2, JSON.stringify(wa));
    const dueWhileOpen = wa.due;

    const refs = [];
    for (const c of contacts) {
      const t = await op.post(`/api/v1/channels/contacts/${c.id}/take`, {});
      assert.equal(t.status, 200, t.text);
      refs.push(t.json.external_ref);
      const cl = await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
      assert.equal(cl.status, 200, cl.text);
    }
    [refA, refB] = refs;
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${refB}`)).status, 200);

    // A hold on conversation A (the officer writes the reference the queue shows).
    const h = await dpo.post('/api/v1/dataprotection/holds', {
      module: 'whatsapp', kind: 'conversations', record_id: refA, reason: 'Oficio de la Fiscalía: conservar la conversación.',
    });
    assert.equal(h.status, 201, h.text);
    hold = h.json.hold;

    pv = await preview();
    wa = kindOf(pv.kinds, 'whatsapp', 'conversations');
    assert.equal(wa.due, dueWhileOpen + 1, JSON.stringify(wa));
    assert.equal(wa.held, 1, JSON.stringify(wa));
    assert.deepEqual(wa.holds.map((x) => x.id), [hold.id]);
    assert.equal(pv.running, false);

    const before = (await runs()).length;
    const r = await dpo.post('/api/v1/dataprotection/purge/runs', {});
    assert.equal(r.status, 201, r.text);
    const run = r.json.run;
    assert.equal(run.origin, 'manual');
    assert.equal(run.state, 'done', JSON.stringify(run));
    // The preview said exactly what the run did, kind by kind.
    for (const k of pv.kinds) {
      const done = kindOf(run.kinds, k.module, k.kind);
      assert.ok(done, `${k.module}/${k.kind} in the run`);
      assert.equal(done.purged, k.due, `${k.module}/${k.kind}: preview ${k.due}, run ${done.purged}`);
      assert.equal(done.held, k.held, `${k.module}/${k.kind} held`);
    }
    assert.equal(kindOf(run.kinds, 'whatsapp', 'conversations').purged, dueWhileOpen + 1);
    assert.equal(run.held, pv.held);

    // B is gone, A (held) is still there.
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${refB}`)).status, 404);
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${refA}`)).status, 200);

    // The run record and its audit entries.
    const list = await runs();
    assert.equal(list.length, before + 1);
    assert.equal(list[0].id, run.id);
    assert.equal(kindOf(list[0].kinds, 'whatsapp', 'conversations').held, 1);
    const audit = await auditEntries(admin, 'action=dataprotection.purge_run');
    const entry = audit.find((e) => e.object === `dataprotection_purge_run:${run.id}`);
    assert.ok(entry, 'the run is audited');
    assert.equal(entry.outcome, 'ok');
    assert.ok((await auditEntries(admin, 'action=whatsapp.purge')).length >= 1, 'the module audits its purge');
  });

  test('released, the held conversation goes on the next run', async () => {
    let pv = await preview();
    assert.equal(kindOf(pv.kinds, 'whatsapp', 'conversations').due, 0);
    assert.equal(kindOf(pv.kinds, 'whatsapp', 'conversations').held, 1);
    const rel = await dpo.post(`/api/v1/dataprotection/holds/${hold.id}/release`, {});
    assert.equal(rel.status, 200, rel.text);
    pv = await preview();
    assert.equal(kindOf(pv.kinds, 'whatsapp', 'conversations').due, 1);
    assert.equal(kindOf(pv.kinds, 'whatsapp', 'conversations').held, 0);
    const r = await dpo.post('/api/v1/dataprotection/purge/runs', {});
    assert.equal(r.status, 201, r.text);
    assert.equal(kindOf(r.json.run.kinds, 'whatsapp', 'conversations').purged, 1);
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${refA}`)).status, 404);
    // Releasing twice: 409, nothing changes.
    assertApiError(assert, await dpo.post(`/api/v1/dataprotection/holds/${hold.id}/release`, {}), 409, 'already_released', 'id');
  });

  test('two runs at once: one runs, the other is refused with 409 and nothing is counted twice', async () => {
    const before = (await runs()).length;
    const answers = await Promise.all([1, 2, 3].map(() => dpo.post('/api/v1/dataprotection/purge/runs', {})));
    for (const a of answers) {
      assert.ok(a.status === 201 || a.status === 409, `${a.status} ${a.text}`);
      if (a.status === 409) assertApiError(assert, a, 409, 'purge_running');
    }
    const ran = answers.filter((a) => a.status === 201).length;
    assert.ok(ran >= 1);
    const after = await runs();
    assert.equal(after.length, before + ran);
    assert.ok(after.every((r) => r.state !== 'running'));
  });

  test('bad input: named field and reason, nothing written', async () => {
    const before = (await runs()).length;
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/purge/runs', { dry: true }), 422, 'unknown_field', 'dry');
    assert.equal((await runs()).length, before);
    const holds = (await dpo.get('/api/v1/dataprotection/holds')).json.items.length;
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/holds', {
      module: 'whatsapp', kind: 'conversations', record_id: 'x.1', reason: 'Orden judicial.', from_on: '10-01-2027', until_on: '09-01-2027',
    }), 422, 'before_from', 'until_on');
    assert.equal((await dpo.get('/api/v1/dataprotection/holds')).json.items.length, holds);
  });

  test('the record of processing activities shows each kind with its retention', async () => {
    const r = await dpo.get('/api/v1/dataprotection/ropa');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.retention_declared, true);
    assert.deepEqual(r.json.retention.map((x) => [x.module, x.kind, x.days]),
      [['monitoring', 'positions', 180], ['chat', 'transcripts', 90], ['whatsapp', 'conversations', 90], ['channels', 'contacts', 730]]);
    assert.equal(r.json.retention[0].protection_record, true);
    assert.ok(r.json.retention.every((x) => x.basis && x.data));
  });

  test('only the data-protection officer previews, lists or runs the purge', async () => {
    assert.equal((await worker.get('/api/v1/dataprotection/purge/preview')).status, 403);
    assert.equal((await worker.get('/api/v1/dataprotection/purge/runs')).status, 403);
    assert.equal((await sup.post('/api/v1/dataprotection/purge/runs', {})).status, 403);
  });
});
