// Legal holds reach the silent chat and the WhatsApp line (issue 20 item 4), over real HTTP and
// WebSockets, through the jobs that actually delete: the chat's own hourly purge and the
// data-protection module's daily run. A hold names a conversation (its reference) or a registry
// PERSON; a conversation reaches a person only through its queue contact, when the operator
// identified her («Identificar»: channels_contacts.person_id), so the channels' Intake tells the
// chat and WhatsApp purges who she is (channels::Holder::person_id) and the hold on her keeps them.
//
// Transcripts are made old the only way a test can: the server is stopped and the ended times of
// the three conversations moved 100 days back in the database (WhatsApp's are old by Meta's own
// timestamps). The daily run's "yesterday" is made the same way (its last run moved two days
// back). SQLite and, with EQ_TEST_DB=postgresql, PostgreSQL.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo, uniq } from './auth_helpers.mjs';
import { freshDatabase, nextClientAddress, startServer, tempDir, waitFor, rawSqlLines } from './harness.mjs';
import { MetaFake, inbound, seconds } from './whatsapp_meta.mjs';
import { WsClient } from './ws_client.mjs';

const DAY = 86_400_000;
let db, keys, meta, srv;

const rawSql = (sql) => rawSqlLines(db.url, sql);

const serve = (extra = []) => startServer({
  db: db.url,
  env: { EQ_CHANNELS_HOURS: '24/7', EQ_WHATSAPP_GRAPH_URL: meta.url, EQ_WHATSAPP_TOKEN: 'token-de-prueba' },
  extraArgs: ['--keys', path.join(keys.dir, 'equidad.key'), ...extra],
  startTimeoutMs: 240_000,
});
const jobRuns = async (dpo) => (await dpo.get('/api/v1/dataprotection/purge/runs')).json.items.filter((r) => r.origin === 'job');
const kindOf = (run, module) => run.kinds.find((k) => k.module === module);
const quoted = (xs) => xs.map((x) => `'${x}'`).join(',');
const chatsLeft = (refs) => rawSql(`SELECT ref FROM chat_sessions WHERE ref IN (${quoted(refs)}) ORDER BY ref`);

before(async () => {
  meta = await new MetaFake().start();
  db = await freshDatabase();
  keys = tempDir('equidad-dpchat-');
});
after(async () => {
  await srv?.stop();
  await meta?.stop();
  await db?.cleanup();
  keys?.cleanup();
});

describe('legal holds reach the chat and WhatsApp purges', () => {
  const chat = {};   // A: hold on its reference; B: identified, hold on her person; C: no hold
  const wa = {};     // D: identified, hold on her person; E: no hold
  const holds = {};

  // The operator's queue view does not carry a contact's channel reference (only the contact she
  // takes or holds shows it), so the contact is found as the one of `channel` that was not waiting
  // before (`before`: ids seen just before her message), then taken; the full contact comes back.
  const queueIds = async (op) => new Set((await op.get('/api/v1/channels/queue')).json.queue.map((x) => x.id));
  async function take(op, channel, before) {
    // Waiting in the one queue, or already offered to her (another seat may be free for chats).
    const c = await waitFor('the contact in the queue', async () => {
      const q = (await op.get('/api/v1/channels/queue')).json;
      return [...(q.mine ?? []), ...q.queue].find((x) => x.channel === channel && !before.has(x.id));
    }, 15_000);
    const t = await op.post(`/api/v1/channels/contacts/${c.id}/take`, {});
    assert.equal(t.status, 200, t.text);
    return t.json;
  }
  // Two different women: the registry links an identity close to one it holds (same given names,
  // second surname and birth date) to that person, which would make both holds one.
  const WOMEN = {
    chat: { given_names: 'Rosa Elena', surname2: 'Paillal', birth_date: '03-09-1990' },
    whatsapp: { given_names: 'Marta Isabel', surname2: 'Quilapán', birth_date: '17-02-1984' },
  };
  async function identify(op, contactId, who) {
    const woman = { ...WOMEN[who], surname1: `Huenchumilla${uniq().slice(-5)}`, sex: 'F' };
    const r = await op.post(`/api/v1/channels/contacts/${contactId}/identify`, { persons: [{ role: 'victim', identity: woman }] });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.person_id);
    return String(r.json.person_id);
  }
  const close = async (op, id) => assert.equal((await op.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'prueba' })).status, 200);

  test('three chats and two WhatsApp conversations; two women identified; holds on a chat and on both women', async () => {
    srv = await serve(['--demo']);
    const dpo = await login(srv, 'dpo@equidad.demo');
    const op = await loginDemo(srv, 'operator');
    await waitFor('the daily run at start', async () => (await jobRuns(dpo)).some((r) => r.state !== 'running'), 60_000);
    assert.equal((await op.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] })).status, 200);

    for (const name of ['A', 'B', 'C']) {
      const before = await queueIds(op);
      const ws = await WsClient.connect(srv.baseUrl, '/api/v1/chat/ws', { localAddress: nextClientAddress() });
      ws.sendJson({ type: 'start', urgent: false, comuna: '', text: `Escribo desde el trabajo (${name})` });
      const m = await ws.next((x) => x.type === 'started' || x.type === 'error');
      assert.equal(m.type, 'started', JSON.stringify(m));
      chat[name] = m.session;
      if (name === 'B') {
        const c = await take(op, 'chat', before);
        assert.equal(c.external_ref, m.session, 'the contact taken is her conversation');
        chat.person = await identify(op, c.id, 'chat');
        await close(op, c.id);
      }
      ws.sendJson({ type: 'leave', why: 'exit' });
      await ws.close();
    }
    for (const name of ['D', 'E']) {
      // Only the contact this message opens (the demo has WhatsApp contacts waiting too).
      const before = await queueIds(op);
      const waId = `569${crypto.randomInt(10_000_000, 99_999_999)}`;
      const m = inbound({ wa_id: waId }, { type: 'text', text: { body: 'hola, escribo desde el baño' }, timestamp: seconds(Date.now() - 100 * DAY) });
      const secret = fs.readFileSync(path.join(keys.dir, 'equidad.whatsapp.key'), 'utf8').trim();
      const r = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(m)));
      assert.equal(r.status, 200, r.text);
      const c = await take(op, 'whatsapp', before);
      assert.match(c.external_ref ?? '', /./, JSON.stringify(c));
      wa[name] = c.external_ref;
      if (name === 'D') wa.person = await identify(op, c.id, 'whatsapp');
      await close(op, c.id);
    }
    assert.notEqual(chat.person, wa.person);

    const hold = async (body) => {
      const r = await dpo.post('/api/v1/dataprotection/holds', { reason: 'Oficio del Juzgado de Familia: conservar los antecedentes.', ...body });
      assert.equal(r.status, 201, r.text);
      return r.json.hold.id;
    };
    holds.chatRef = await hold({ module: 'chat', kind: 'transcripts', record_id: chat.A });
    holds.chatPerson = await hold({ person_id: chat.person });
    holds.waPerson = await hold({ person_id: wa.person });

    // The preview already sees the WhatsApp hold on her person (the chats are not old yet).
    const pv = (await dpo.get('/api/v1/dataprotection/purge/preview')).json;
    const w = pv.kinds.find((k) => k.module === 'whatsapp');
    assert.equal(w.held, 1, JSON.stringify(w));
    assert.deepEqual(w.holds.map((h) => h.id), [holds.waPerson]);
    assert.ok(w.due >= 1, JSON.stringify(w));
    assert.equal(pv.kinds.find((k) => k.module === 'chat').due, 0);
    await srv.stop();
    srv = null;
  });

  test('the chat\'s hourly purge keeps the held conversation and the identified woman\'s, and deletes the other', async () => {
    const refs = [chat.A, chat.B, chat.C];
    const back = 100 * DAY;
    rawSql(`UPDATE chat_sessions SET ended_at = ended_at - ${back}, last_at = last_at - ${back} WHERE ref IN (${quoted(refs)})`);
    assert.equal(rawSql(`SELECT COUNT(*) FROM chat_sessions WHERE ref IN (${quoted(refs)}) AND state = 'ended' AND ended_at < ${Date.now() - 90 * DAY}`)[0], '3');
    srv = await serve();
    const admin = await loginDemo(srv, 'admin');
    const entry = await waitFor('the chat purge at start', async () => (await auditEntries(admin, 'action=chat.purge'))[0], 60_000);
    assert.match(entry.detail, /^1 conversaciones; 2 retenidas por orden legal$/);
    assert.deepEqual(chatsLeft(refs), [chat.A, chat.B].sort());
    // The daily run did not run again (its last one is less than a day old): the hourly job did this.
    const dpo = await login(srv, 'dpo@equidad.demo');
    assert.equal((await jobRuns(dpo)).length, 1);
    await srv.stop();
    srv = null;
  });

  test('the daily run keeps them too, and the WhatsApp conversation of the identified woman; released, hers goes', async () => {
    // Yesterday's run: the last daily run moved two days back, so this start runs the daily job.
    rawSql(`UPDATE dp_purge_runs SET started_at = started_at - ${2 * DAY}, finished_at = finished_at - ${2 * DAY} WHERE origin = 'job'`);
    srv = await serve();
    const dpo = await login(srv, 'dpo@equidad.demo');
    const run = await waitFor('the daily run', async () => {
      const runs = await jobRuns(dpo);
      return runs.length === 2 && runs[0].state !== 'running' ? runs[0] : null;
    }, 60_000);
    assert.equal(run.state, 'done', JSON.stringify(run));
    assert.equal(kindOf(run, 'chat').held, 2, JSON.stringify(kindOf(run, 'chat')));
    assert.deepEqual([...kindOf(run, 'chat').holds].sort(), [holds.chatRef, holds.chatPerson].sort());
    assert.equal(kindOf(run, 'whatsapp').held, 1);
    assert.deepEqual(kindOf(run, 'whatsapp').holds, [holds.waPerson]);
    assert.ok(kindOf(run, 'whatsapp').purged >= 1);
    assert.deepEqual(chatsLeft([chat.A, chat.B, chat.C]), [chat.A, chat.B].sort());
    const sup = await login(srv, 'supervision@equidad.demo');
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${wa.D}`)).status, 200, 'her conversation is held');
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${wa.E}`)).status, 404);

    // Released, the next run deletes what the holds on the two women kept.
    for (const id of [holds.chatPerson, holds.waPerson])
      assert.equal((await dpo.post(`/api/v1/dataprotection/holds/${id}/release`, {})).status, 200);
    const r = await dpo.post('/api/v1/dataprotection/purge/runs', {});
    assert.equal(r.status, 201, r.text);
    assert.equal(kindOf(r.json.run, 'chat').purged, 1);
    assert.equal(kindOf(r.json.run, 'chat').held, 1);
    assert.equal(kindOf(r.json.run, 'whatsapp').purged, 1);
    assert.deepEqual(chatsLeft([chat.A, chat.B, chat.C]), [chat.A]);
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${wa.D}`)).status, 404);
  });
});
