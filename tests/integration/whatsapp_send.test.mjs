// Sending WhatsApp replies in production conditions (src/whatsapp, issue 14 "Performance and
// reliability"), over real HTTP and real TLS with a local server playing the Graph API
// (whatsapp_meta.mjs):
//  * https to Graph with the certificate verified: one from another CA, or one naming another host,
//    is refused (nothing sent, nothing marked sent, retried later), the right one works;
//  * Meta's limits: 131056 (pair rate limit) backs off for that user only while others keep
//    flowing; the line never sends more than EQ_WHATSAPP_SEND_RATE a second per number; a 429's
//    Retry-After is honoured;
//  * never twice: the server killed (-9) after Graph received a send and before its answer is
//    restarted; the reply is NOT sent again (Graph received it exactly once), it shows "uncertain",
//    and the status that names its attempt id (biz_opaque_callback_data) resolves it;
//  * keep-alive: replies sent together reuse one TLS connection; one Graph closed while idle is
//    never written to (the reply goes on a new connection, once, not "uncertain").
// Runs on SQLite and, with EQ_TEST_DB=postgresql, on PostgreSQL.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { sleep, startServer, tempDir } from './harness.mjs';
import { MetaFake, assertAccepted, inbound, restartableServer, settled, status, statusRows, waitFor as waitUntil } from './whatsapp_meta.mjs';

const phone = () => `569${crypto.randomInt(10_000_000, 99_999_999)}`;

const waitFor = (fn, what, ms = 20_000) => waitUntil(fn, what, ms);

// A CA and server certificates made with the openssl CLI: `good` is issued by the CA for
// 127.0.0.1, `otherHost` by the same CA for another name, `otherCa` by a CA the server does not trust.
function makeCertificates(dir) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name) => {
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`);
  };
  const leaf = (name, caName, san) => {
    run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    fs.writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-out', `${name}.pem`,
      '-days', '2', '-extfile', `${name}.ext`);
    return { key: fs.readFileSync(path.join(dir, `${name}.key`)), cert: fs.readFileSync(path.join(dir, `${name}.pem`)) };
  };
  ca('prueba-ca');
  ca('otra-ca');
  return {
    caFile: path.join(dir, 'prueba-ca.pem'),
    good: leaf('graph-bueno', 'prueba-ca', 'IP:127.0.0.1,DNS:localhost'),
    otherHost: leaf('graph-otro-host', 'prueba-ca', 'DNS:graph.ejemplo.invalid'),
    otherCa: leaf('graph-otra-ca', 'otra-ca', 'IP:127.0.0.1,DNS:localhost'),
  };
}

// An operator with the WhatsApp skill and her seats free; opens a conversation per user.
async function lineOperator(srv, meta, secret) {
  const op = await loginDemo(srv, 'operator');
  const p = await op.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] });
  assert.equal(p.status, 200, p.text);
  for (const c of (await op.get('/api/v1/channels/queue')).json.mine)
    if (c.state === 'active') assert.equal((await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' })).status, 200);
  const seen = new Set((await op.get('/api/v1/channels/queue')).json.queue.map((x) => x.id));
  return {
    op,
    // She writes; her contact appears in the queue and the operator takes it. Answers the ref and contact id.
    async open(user, text = 'hola') {
      const r = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(inbound(user, { type: 'text', text: { body: text } }))));
      assert.equal(r.status, 200, r.text);
      const c = await waitFor(async () => (await op.get('/api/v1/channels/queue')).json.queue.find((x) => x.channel === 'whatsapp' && !seen.has(x.id)),
        'her contact in the queue');
      seen.add(c.id);
      const t = await op.post(`/api/v1/channels/contacts/${c.id}/take`, {});
      assert.equal(t.status, 200, t.text);
      return { ref: t.json.external_ref, id: c.id };
    },
    close: (c) => op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' }),
    reply: async (c, text) => {
      const r = await op.post(`/api/v1/whatsapp/conversations/${c.ref}/messages`, { text });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    },
    message: async (c, id) => (await op.get(`/api/v1/whatsapp/conversations/${c.ref}`)).json.messages.find((m) => m.id === id),
  };
}

describe('https to Graph and the send limits', () => {
  let srv, keys, meta, certs, line;
  const RATE = 4;

  before(async () => {
    keys = tempDir('equidad-wa-send-');
    certs = makeCertificates(keys.dir);
    meta = await new MetaFake().start(0, { tls: certs.otherCa });
    srv = await startServer({
      extraArgs: ['--demo', '--keys', path.join(keys.dir, 'equidad.key')],
      env: { EQ_CHANNELS_HOURS: '24/7', EQ_WHATSAPP_GRAPH_URL: meta.url, EQ_WHATSAPP_CA_FILE: certs.caFile, EQ_WHATSAPP_TOKEN: 'token-de-prueba',
        EQ_WHATSAPP_SEND_RATE: String(RATE) },
    });
    const secret = fs.readFileSync(path.join(keys.dir, 'equidad.whatsapp.key'), 'utf8').trim();
    line = await lineOperator(srv, meta, secret);
  });
  after(async () => { await srv?.stop(); await meta?.stop(); keys?.cleanup(); });

  test('a certificate from an untrusted CA, or for another host, is refused (nothing sent, retried); the right one works', async () => {
    assert.match(meta.url, /^https:/);
    const c = await line.open({ wa_id: phone() });
    const id = await line.reply(c, 'por un canal cifrado');
    // Another CA: the handshake is refused, Graph receives nothing, the reply waits in the outbox.
    await waitFor(() => meta.tlsRefused >= 1, 'a refused handshake (untrusted CA)');
    await sleep(300);
    assert.equal(meta.sends.length, 0, 'a request went out over a certificate the server does not trust');
    assert.equal((await line.message(c, id)).state, 'queued');
    // The right CA but a certificate for another host name: refused as well.
    meta.setCertificate(certs.otherHost);
    const refused = meta.tlsRefused;
    await waitFor(() => meta.tlsRefused > refused, 'a refused handshake (another host)');
    await sleep(300);
    assert.equal(meta.sends.length, 0, 'a request went out to a certificate naming another host');
    assert.equal((await line.message(c, id)).state, 'queued');
    // The right certificate: the retry goes through, once.
    meta.setCertificate(certs.good);
    await waitFor(async () => (await line.message(c, id)).state === 'sent', 'the reply sent over https', 30_000);
    assert.equal(meta.sends.length, 1);
    assert.equal(meta.sends[0].json.text.body, 'por un canal cifrado');
    assert.equal(meta.sends[0].auth, 'Bearer token-de-prueba');
    await line.close(c);
  });

  test('131056 (pair rate limit) backs off for that user only; the others keep flowing; hers goes once, later', async () => {
    const a = await line.open({ wa_id: phone() });
    const b = await line.open({ wa_id: phone() });
    const aTo = (await line.op.get(`/api/v1/whatsapp/conversations/${a.ref}`)).json;
    assert.equal(aTo.messages.length, 1);
    let limited = 2; // Graph answers 131056 twice for her, then accepts
    const herNumber = [];
    meta.rule = (json) => {
      if (json?.text?.body?.startsWith('para A') && limited > 0) {
        limited -= 1;
        return { status: 400, code: 131056 };
      }
      return undefined;
    };
    const n = meta.sends.length;
    const a1 = await line.reply(a, 'para A: uno');
    const a2 = await line.reply(a, 'para A: dos');
    const b1 = await line.reply(b, 'para B: uno');
    await waitFor(async () => (await line.message(a, a2)).state === 'sent', 'her replies sent after the back-off', 30_000);
    meta.rule = null;
    const log = meta.sends.slice(n).map((s) => `${s.json.text.body}:${s.status}`);
    herNumber.push(...meta.sends.slice(n).filter((s) => s.json.text.body.startsWith('para A')).map((s) => s.json.to));
    // B was not held up by A's limit: sent at the first try, before A's first accepted send.
    assert.equal(log.filter((x) => x.startsWith('para B')).length, 1, log.join(', '));
    assert.ok(log.indexOf('para B: uno:200') < log.indexOf('para A: uno:200'), log.join(', '));
    // Hers: refused twice (131056), then each once and in order ("dos" never overtakes "uno").
    assert.equal(log.filter((x) => x === 'para A: uno:400').length, 2, log.join(', '));
    assert.equal(log.filter((x) => x === 'para A: uno:200').length, 1, log.join(', '));
    assert.equal(log.filter((x) => x.startsWith('para A: dos')).length, 1, log.join(', '));
    assert.ok(log.indexOf('para A: uno:200') < log.indexOf('para A: dos:200'), log.join(', '));
    assert.equal((await line.message(b, b1)).state, 'sent');
    assert.equal((await line.message(a, a1)).state, 'sent');
    assert.equal(new Set(herNumber).size, 1);
    await line.close(a);
    await line.close(b);
  });

  test(`no more than EQ_WHATSAPP_SEND_RATE (${RATE}) a second per phone number id, in order`, async () => {
    const c = await line.open({ wa_id: phone() });
    const n = meta.sends.length;
    const ids = [];
    const COUNT = 3 * RATE;
    for (let i = 0; i < COUNT; i++) ids.push(await line.reply(c, `ráfaga ${i}`));
    await waitFor(async () => (await line.message(c, ids.at(-1))).state === 'sent', 'the burst sent', 30_000);
    const mine = meta.sends.slice(n);
    assert.deepEqual(mine.map((s) => s.json.text.body), ids.map((_, i) => `ráfaga ${i}`), 'sent out of order or more than once');
    // A bucket of RATE with RATE a second: the last can leave no sooner than (COUNT - RATE) / RATE
    // seconds after the first (a lower bound: a slow machine only spreads them more). 100 ms of slack
    // for the clock's granularity.
    const span = mine.at(-1).at - mine[0].at;
    assert.ok(span >= ((COUNT - RATE) / RATE) * 1000 - 100, `${COUNT} sends in ${span} ms at ${RATE}/s`);
    await line.close(c);
  });

  test('a 429 with Retry-After pauses the number for that long', async () => {
    const c = await line.open({ wa_id: phone() });
    const n = meta.sends.length;
    meta.plan.push({ status: 429, retryAfter: 3 });
    const id = await line.reply(c, 'tras el 429');
    await waitFor(async () => (await line.message(c, id)).state === 'sent', 'the reply sent after Retry-After', 30_000);
    const mine = meta.sends.slice(n);
    assert.deepEqual(mine.map((s) => s.status), [429, 200]);
    // Without Retry-After the first back-off is 1 s; Graph asked for 3.
    assert.ok(mine[1].at - mine[0].at >= 2900, `retried after ${mine[1].at - mine[0].at} ms`);
    await line.close(c);
  });

  test('keep-alive: replies sent together share a TLS connection; one Graph closed while idle is never written to (nothing uncertain)', async () => {
    meta.plan.length = 0;
    meta.rule = null;
    const c = await line.open({ wa_id: phone() });
    const conns0 = meta.connections;
    const sends0 = meta.sends.length;
    const ids = [];
    for (const t of ['uno', 'dos', 'tres']) ids.push(await line.reply(c, `seguidos ${t}`));
    await waitFor(async () => {
      for (const id of ids) if ((await line.message(c, id)).state !== 'sent') return false;
      return true;
    }, 'the three replies sent');
    assert.equal(meta.sends.length - sends0, 3);
    assert.ok(meta.connections - conns0 < 3, `${meta.connections - conns0} connections for 3 sends: none reused`);
    // Graph closes its idle connections (any server does, after its idle timeout): the next reply
    // sees the kept one closed before writing, opens a new one, and is sent once, not "uncertain".
    meta.closeIdle();
    const conns1 = meta.connections;
    const id = await line.reply(c, 'después del cierre');
    await waitFor(async () => ['sent', 'uncertain', 'failed'].includes((await line.message(c, id)).state), 'the reply after the close');
    assert.equal((await line.message(c, id)).state, 'sent');
    assert.equal(meta.connections, conns1 + 1);
    assert.equal(meta.sends.length - sends0, 4);
    await line.close(c);
  });
});

describe('never twice', () => {
  test('killed (-9) after Graph received a send: after the restart it is not sent again, shows "uncertain", and the status naming its attempt resolves it', async () => {
    const meta = await new MetaFake().start();
    const box = await restartableServer(meta, 'equidad-wa-kill-');
    let srv = await box.start();
    try {
      const secret = box.secret();
      const line = await lineOperator(srv, meta, secret);
      const c = await line.open({ wa_id: phone() });
      // Graph receives the send and answers only after 5 s: the server is killed in between.
      meta.plan.push({ status: 200, delayMs: 5000 });
      const received = new Promise((r) => { meta.onSend = r; });
      const id = await line.reply(c, 'una sola vez');
      await received;
      meta.onSend = null;
      srv.proc.kill('SIGKILL');
      await srv.stop();
      assert.equal(meta.sends.length, 1);
      const attempt = meta.sends[0].json.biz_opaque_callback_data;
      assert.match(attempt, /^eq-/);

      srv = await box.start();
      const op = await loginDemo(srv, 'operator');
      const message = async () => (await op.get(`/api/v1/whatsapp/conversations/${c.ref}`)).json.messages.find((m) => m.id === id);
      // Several outbox ticks: nothing goes out again.
      await sleep(3500);
      assert.equal(meta.sends.length, 1, 'the reply was sent twice');
      const m = await message();
      assert.equal(m.state, 'uncertain');
      assert.match(m.error, /No se sabe si llegó/);
      assert.ok((await auditEntries(await loginDemo(srv, 'admin'), 'action=whatsapp.uncertain')).length >= 1);

      // Meta's status for that message names the attempt: the reply is known to have gone.
      const wid = 'wamid.HBgLNTY5ZW50cmVnYWRv';
      const s = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(status(wid, 'delivered', { callback: attempt }))));
      assertAccepted(assert, s, { statuses: 1 });
      const sup = await login(srv, 'supervision@equidad.demo');
      await settled(sup);
      // Known (by its attempt id) and applied (status|known|applied).
      assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1']);
      const resolved = await message();
      assert.equal(resolved.state, 'delivered');
      assert.equal(resolved.error ?? '', '');
      // A later status of the same message applies by its wamid, as for any sent reply.
      assertAccepted(assert, await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(status(wid, 'read')))), { statuses: 1 });
      await settled(sup);
      assert.equal((await message()).state, 'read');
      assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'read|1|1']);
      assert.ok((await auditEntries(await loginDemo(srv, 'admin'), 'action=whatsapp.resolved')).length >= 1);
      await sleep(1500);
      assert.equal(meta.sends.length, 1, 'the reply was sent twice');
    } finally {
      await srv.stop();
      await meta.stop();
      await box.cleanup();
    }
  });
});
