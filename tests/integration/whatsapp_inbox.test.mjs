// The WhatsApp webhook's inbox (src/whatsapp/service.cc, "The inbox"; issue 14, reliability at
// Meta's upper tier): a delivery is answered 200 once it is durable (its raw body committed to
// whatsapp_inbox), before it is processed. Proven over real HTTP, on SQLite and, with
// EQ_TEST_DB=postgresql, on PostgreSQL:
//  * killed (-9) after the inbox commit and its 200, before processing (`serve --demo
//    --whatsapp-test-hold-ms` holds the processing; the server says so in its log): the restart
//    processes it, once; a redelivery of the same body (Meta retries whatever it was not sure of)
//    is a duplicate and changes nothing;
//  * a delivery beyond the bound (`--whatsapp-inbox-max`, 20.000 by default, 2 here: deliveries
//    waiting for the accept commit plus those accepted and not processed yet) is
//    answered 503 with Retry-After and nothing of it is written; sent again once the backlog drained,
//    it is accepted as new;
//  * killed (-9) after PostgreSQL's lanes committed a delivery and before its inbox row was deleted
//    (`--whatsapp-test-hold-delete-ms`): the restart processes the row again and finds a duplicate:
//    one message, one audit entry, one queue contact (SQLite deletes the row in the processing's
//    own transaction: there is no such window, and the test is skipped);
//  * the test-only holds are refused without --demo;
//  * the same delivery posted many times at once (several rows of the inbox, in one group or
//    several) is processed once: one message, one audit entry, one queue contact.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { binPath, dbKind } from './harness.mjs';
import { MetaFake, assertAccepted, inbound, messageRows, restartableServer, settled, waitFor as waitUntil, wamidsOf } from './whatsapp_meta.mjs';

const phone = () => `569${crypto.randomInt(10_000_000, 99_999_999)}`;
const waitFor = (fn, what, ms = 20_000) => waitUntil(fn, what, ms);

// The operator takes the queue's WhatsApp contact and reads her conversation.
async function readConversation(srv) {
  const op = await loginDemo(srv, 'operator');
  const p = await op.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] });
  assert.equal(p.status, 200, p.text);
  for (const c of (await op.get('/api/v1/channels/queue')).json.mine)
    if (c.state === 'active') assert.equal((await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' })).status, 200);
  const contacts = await waitFor(async () => {
    const q = (await op.get('/api/v1/channels/queue')).json.queue.filter((x) => x.channel === 'whatsapp');
    return q.length ? q : null;
  }, 'her contact in the queue');
  const t = await op.post(`/api/v1/channels/contacts/${contacts[0].id}/take`, {});
  assert.equal(t.status, 200, t.text);
  const conv = await op.get(`/api/v1/whatsapp/conversations/${t.json.external_ref}`);
  assert.equal(conv.status, 200, conv.text);
  return { contacts, messages: conv.json.messages, object: `whatsapp:${t.json.external_ref.split('.')[0]}` };
}
// Audit entries of her conversation's messages (the demo's own conversation is audited too).
const messageEntries = async (admin, object) => (await auditEntries(admin, 'action=whatsapp.message')).filter((e) => e.object === object);

describe('the inbox', () => {
  test('killed (-9) between accept (200) and processing: the restart processes the delivery once, and a redelivery is a duplicate', async () => {
    const meta = await new MetaFake().start();
    const box = await restartableServer(meta, 'equidad-wa-inbox-');
    let srv;
    try {
      srv = await box.start({}, ['--whatsapp-test-hold-ms', '120000']);
      const secret = box.secret();
      const raw = JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type: 'text', text: { body: 'Guardado antes de procesar' } })));
      // Answered 200 once committed to the inbox; its processing is then held.
      const accepted = await meta.post(srv.baseUrl, secret, raw);
      assertAccepted(assert, accepted, { messages: 1 });
      await waitFor(() => /1 deliveries in the inbox; processing held/.test(srv.stderr), 'the inbox commit (server log)');
      srv.proc.kill('SIGKILL');
      await srv.stop();

      srv = await box.start();
      const admin = await loginDemo(srv, 'admin');
      // The start processed what the kill left (the first job tick starts the inbox thread).
      await waitFor(() => /1 deliveries left in the inbox were processed/.test(srv.stderr), 'the leftover delivery processed');

      // The same body again (Meta redelivers what it was not sure of): a duplicate, nothing changes.
      assertAccepted(assert, await meta.post(srv.baseUrl, secret, raw), { messages: 1 });
      await settled(await login(srv, 'supervision@equidad.demo'));
      const { contacts, messages, object } = await readConversation(srv);
      assert.equal(contacts.length, 1, 'one queue contact');
      assert.deepEqual(messages.map((m) => m.text), ['Guardado antes de procesar']);
      assert.equal(messageRows(srv.dbUrl, wamidsOf(raw)[0]), 1, 'the redelivery was stored again');
      assert.equal((await messageEntries(admin, object)).length, 1);
    } finally {
      await srv?.stop();
      await meta.stop();
      await box.cleanup();
    }
  });

  test('killed (-9) between the lanes\' commit and the inbox row\'s delete: the restart finds a duplicate, nothing twice',
    { skip: dbKind !== 'postgresql' && 'SQLite deletes the inbox row in the processing transaction: no window' }, async () => {
      const meta = await new MetaFake().start();
      const box = await restartableServer(meta, 'equidad-wa-inbox-del-');
      let srv;
      try {
        srv = await box.start({}, ['--whatsapp-test-hold-delete-ms', '120000']);
        const secret = box.secret();
        const raw = JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type: 'text', text: { body: 'Procesado antes de borrar' } })));
        assertAccepted(assert, await meta.post(srv.baseUrl, secret, raw), { messages: 1 });
        // Processed and committed by its lane (and her contact opened); the row's delete is held.
        await waitFor(() => /its inbox row's delete held/.test(srv.stderr), 'the lanes\' commit (server log)');
        assert.equal(messageRows(srv.dbUrl, wamidsOf(raw)[0]), 1, 'processed before the kill');
        srv.proc.kill('SIGKILL');
        await srv.stop();

        srv = await box.start();
        const admin = await loginDemo(srv, 'admin');
        // The row was still there: the start processes it again, and finds a duplicate.
        await waitFor(() => /1 deliveries left in the inbox were processed/.test(srv.stderr), 'the leftover row processed');
        await settled(await login(srv, 'supervision@equidad.demo'));
        const { contacts, messages, object } = await readConversation(srv);
        assert.equal(contacts.length, 1, 'one queue contact');
        assert.deepEqual(messages.map((m) => m.text), ['Procesado antes de borrar']);
        assert.equal(messageRows(srv.dbUrl, wamidsOf(raw)[0]), 1, 'stored twice');
        assert.equal((await messageEntries(admin, object)).length, 1, 'audited twice');
      } finally {
        await srv?.stop();
        await meta.stop();
        await box.cleanup();
      }
    });

  test('beyond the waiting bound: 503 with Retry-After, nothing written; accepted once the backlog drained', async () => {
    const meta = await new MetaFake().start();
    const box = await restartableServer(meta, 'equidad-wa-full-');
    let srv;
    try {
      // Two deliveries may be in the server (the held one counts until it is processed); every
      // group's processing is held 5 s so the first stays there.
      srv = await box.start({}, ['--whatsapp-inbox-max', '2', '--whatsapp-test-hold-ms', '5000']);
      const secret = box.secret();
      const body = (text) => JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type: 'text', text: { body: text } })));
      const first = await meta.post(srv.baseUrl, secret, body('Primera'));
      assertAccepted(assert, first, { messages: 1 });  // answered at the accept, before the hold
      await waitFor(() => /1 deliveries in the inbox; processing held/.test(srv.stderr), 'the first group held');
      // The thread holds the first (accepted, not processed); of these two, one waits (the bound)
      // and the other is refused.
      const raws = [body('Segunda'), body('Tercera')];
      const [a, b] = await Promise.all(raws.map((raw) => meta.post(srv.baseUrl, secret, raw)));
      const answers = [a, b];
      const refused = answers.findIndex((r) => r.status === 503);
      assert.notEqual(refused, -1, answers.map((r) => `${r.status} ${r.text}`).join('\n'));
      const other = answers[1 - refused];
      assertAccepted(assert, other, { messages: 1 });
      assert.equal(answers[refused].json.error.code, 'unavailable', answers[refused].text);
      assert.ok(Number(answers[refused].headers['retry-after']) > 0, 'Retry-After on the 503');
      const sup = await login(srv, 'supervision@equidad.demo');
      await settled(sup);
      const queued = async () => (await sup.get('/api/v1/channels/queue')).json.queue.filter((x) => x.channel === 'whatsapp');
      assert.equal((await queued()).length, 2, 'the refused delivery was written (or one accepted was lost)');
      // Meta sends the refused one again once the backlog drained: new, not a duplicate (nothing
      // of it was written the first time), so her contact opens.
      assertAccepted(assert, await meta.post(srv.baseUrl, secret, raws[refused]), { messages: 1 });
      await waitFor(async () => (await queued()).length === 3, 'the third contact (the refused delivery, sent again)');
    } finally {
      await srv?.stop();
      await meta.stop();
      await box.cleanup();
    }
  });

  for (const flag of ['--whatsapp-test-hold-ms', '--whatsapp-test-hold-delete-ms'])
    test(`the test-only ${flag} is refused without --demo`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'equidad-wa-hold-'));
      try {
        const r = spawnSync(binPath, ['serve', flag, '1000', '--port', '0', '--db', `sqlite:${dir}/x.db`,
          '--keys', path.join(dir, 'equidad.key')], { encoding: 'utf8', timeout: 60_000 });
        // A server that started would have been killed by the timeout (status null): refused means an exit code.
        assert.ok(typeof r.status === 'number' && r.status !== 0, `status ${r.status}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr + r.stdout, /--demo/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

  test('the same delivery posted 12 times at once is processed once (one message, one audit entry, one contact)', async () => {
    const meta = await new MetaFake().start();
    const box = await restartableServer(meta, 'equidad-wa-dup-');
    let srv;
    try {
      srv = await box.start();
      const secret = box.secret();
      const raw = JSON.stringify(meta.envelope(inbound({ user_id: `CL.${crypto.randomBytes(9).toString('hex')}` },
        { type: 'text', text: { body: 'Una sola vez' } })));
      const answers = await Promise.all(Array.from({ length: 12 }, () => meta.post(srv.baseUrl, secret, raw)));
      for (const a of answers) assertAccepted(assert, a, { messages: 1 });
      await settled(await login(srv, 'supervision@equidad.demo'));
      const { contacts, messages, object } = await readConversation(srv);
      assert.equal(contacts.length, 1, 'one queue contact');
      assert.deepEqual(messages.map((m) => m.text), ['Una sola vez']);
      assert.equal(messageRows(srv.dbUrl, wamidsOf(raw)[0]), 1, 'eleven of the twelve were duplicates');
      assert.equal((await messageEntries(await loginDemo(srv, 'admin'), object)).length, 1);
    } finally {
      await srv?.stop();
      await meta.stop();
      await box.cleanup();
    }
  });
});
