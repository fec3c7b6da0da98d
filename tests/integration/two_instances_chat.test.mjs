// The silent chat across two `equidad serve` instances on one PostgreSQL (issue 20, item 1): her
// WebSocket on instance A, the operator on instance B, both directions (messages, typing, the
// queue's "an operator joined"), through PostgreSQL LISTEN/NOTIFY only; no NOTIFY payload carries
// the text of a message (her words are stored encrypted: a message crosses as its number and each
// instance reads it from the database). Then SIGKILL of A: her page reconnects (through a front
// that, like nginx, sends a connection to the first instance that accepts it), resumes on B and
// keeps the conversation, including what the operator wrote while she was cut off.
// PostgreSQL only: on SQLite one instance holds the database file, and this file says so and skips.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { dbKind, nextClientAddress, sleep, startServer, tempDir, waitFor } from './harness.mjs';
import { loginDemo } from './auth_helpers.mjs';
import { WsClient } from './ws_client.mjs';
import { metric } from './monitoring_helpers.mjs';

const ENV = { EQ_CHANNELS_HOURS: '24/7' };
const cleanups = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

// A TCP front like nginx's upstream: each connection goes to the first instance that accepts it.
function front(targets) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    client.pause();
    const attempt = (i) => {
      if (i >= targets.length) return client.destroy();
      const up = net.connect({ host: targets[i].host, port: targets[i].port });
      let open = false;
      up.on('connect', () => {
        open = true;
        sockets.add(up);
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
      up.on('error', () => { if (!open) attempt(i + 1); else client.destroy(); });
      up.on('close', () => { sockets.delete(up); if (open) client.destroy(); });
      client.on('close', () => up.destroy());
    };
    attempt(0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  })));
}

// Every NOTIFY on the cluster's channel while it runs (psql prints them after each command).
// Resolves once the LISTEN is in force (psql has answered the query after it): events sent before
// that would not be queued for this listener, and a loaded machine can take seconds to get there.
async function listenAll(url) {
  const p = spawn('psql', [url, '-X', '-q', '-A', '-t'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { out += d; });
  p.stdin.write("LISTEN equidad_live;\nSELECT 'listening-' || 'now';\n");
  const exited = new Promise((r) => p.on('exit', r));
  await waitFor('the psql listener is listening', async () => out.includes('listening-now'), 30_000);
  return {
    stop: async () => {
      p.stdin.write('SELECT 1;\n\\q\n');
      await exited;
      return [...out.matchAll(/Asynchronous notification "equidad_live" with payload "(.*)" received from server process/g)].map((m) => m[1]);
    },
  };
}

// Her page (web/src/chat/connection.ts): the session and its secret in memory, the last message
// number seen; when the connection drops it connects again and resumes after that number.
class HerPage {
  constructor(baseUrl) { this.baseUrl = baseUrl; this.lastSeq = 0; this.seen = []; }
  async connect() {
    this.ws = await WsClient.connect(this.baseUrl, '/api/v1/chat/ws', { localAddress: nextClientAddress() });
    const list = this.ws.messages;
    list.push = (...xs) => {
      for (const v of xs) if (v?.json?.type === 'msg') { this.lastSeq = Math.max(this.lastSeq, v.json.seq); this.seen.push(v.json); }
      return Array.prototype.push.apply(list, xs);
    };
    for (const v of list) if (v?.json?.type === 'msg') { this.lastSeq = Math.max(this.lastSeq, v.json.seq); this.seen.push(v.json); }
  }
  next(pred, ms = 10_000) { return this.ws.next(pred, ms); }
  send(j) { this.ws.sendJson(j); }
  async say(text, id) {
    this.send({ type: 'say', id, text });
    const a = await this.next((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);
    assert.equal(a.type, 'ack', JSON.stringify(a));
    this.lastSeq = Math.max(this.lastSeq, a.seq);
    return a;
  }
}

async function takeContact(client, ref) {
  const c = await waitFor(`the queue shows the chat ${ref}`, async () => {
    const q = await client.get('/api/v1/channels/queue');
    const x = [...q.json.mine, ...q.json.queue].find((y) => y.channel === 'chat' && y.external_ref === ref);
    return x && (x.state === 'offered' || x.state === 'waiting') ? x : undefined;
  }, 10_000);
  const r = await client.post(`/api/v1/channels/contacts/${c.id}/take`, {});
  assert.equal(r.status, 200, r.text);
  return c;
}

describe('the silent chat on two instances', { skip: dbKind !== 'postgresql' && 'two instances need PostgreSQL (EQ_TEST_DB=postgresql): on SQLite one instance holds the database file' }, () => {
  test('her socket on A, the operator on B: both directions through NOTIFY without her words; SIGKILL of A: she resumes on B and keeps the conversation', async () => {
    const keys = tempDir('equidad-it-keys-');
    cleanups.push(async () => keys.cleanup());
    const keyArgs = ['--keys', path.join(keys.dir, 'equidad.key')];
    const a = await startServer({ env: ENV, extraArgs: ['--demo', ...keyArgs], startTimeoutMs: 180_000 });
    cleanups.push(() => a.stop());
    await waitFor('A owns the engine', async () => (await metric(a, 'equidad_engine_owner')) === 1, 15_000);
    const b = await startServer({ db: a.dbUrl, env: ENV, extraArgs: keyArgs, startTimeoutMs: 180_000 });
    cleanups.push(() => b.stop());
    if (process.env.EQ_IT_LOGS) cleanups.push(async () => console.log(`# A:\n${a.stderr}\n# B:\n${b.stderr}`));
    const fr = await front([a, b]);
    cleanups.push(() => fr.close());

    // The operator works on B only: available for chats, the demo's waiting contacts cleared.
    const op = await loginDemo(b, 'operator');
    assert.equal((await op.post('/api/v1/channels/me/presence', { presence: 'pausa' })).status, 200);
    for (const c of (await op.get('/api/v1/channels/queue')).json.queue) {
      if ((await op.post(`/api/v1/channels/contacts/${c.id}/take`, {})).status === 200) await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    }
    const ready = await op.post('/api/v1/channels/me/presence', { presence: 'disponible', skills: ['chat'], max_chats: 6 });
    assert.equal(ready.status, 200, ready.text);

    const notifies = await listenAll(a.dbUrl);
    const SECRET_WORDS = ['Zanahoria-violeta', 'Mandarina-azul', 'Pomelo-rojo', 'Frambuesa-verde'];

    // Her page through the front: A takes her connection (B is second).
    const her = new HerPage(fr.baseUrl);
    await her.connect();
    her.send({ type: 'start', urgent: true, comuna: '13101', text: '' });
    const started = await her.next((m) => m.type === 'started' || m.type === 'error');
    assert.equal(started.type, 'started', JSON.stringify(started));
    const ref = started.session;

    // B takes the conversation: the queue's change happens on B, her "an operator joined" on A.
    await takeContact(op, ref);
    const joined = await her.next((m) => m.type === 'msg' && m.from === 'system');
    assert.match(joined.text, /se unió/);
    assert.equal(joined.name, 'Orientadora 1455');

    const pane = await WsClient.connect(b.baseUrl, `/api/v1/chat/sessions/${ref}/live`, { headers: { Cookie: op.cookie, 'User-Agent': op.ua }, localAddress: op.address });
    cleanups.push(async () => pane.close?.());
    await pane.next((m) => m.type === 'hello');

    // Her message on A → the operator's pane on B, with its text (read and decrypted on B).
    await her.say(SECRET_WORDS[0], 'h1');
    const onPane = await pane.next((m) => m.type === 'msg' && m.from === 'her', 10_000);
    assert.equal(onPane.text, SECRET_WORDS[0]);
    assert.equal(onPane.session, ref);
    // Her typing on A → B; the operator's typing on B → her on A.
    her.send({ type: 'typing' });
    await pane.next((m) => m.type === 'typing' && m.from === 'her');
    assert.equal((await op.post(`/api/v1/chat/sessions/${ref}/typing`, {})).status, 204);
    await her.next((m) => m.type === 'typing' && m.from === 'operator');
    // The operator's reply on B → her on A, and the pane.
    const reply = await op.post(`/api/v1/chat/sessions/${ref}/messages`, { text: SECRET_WORDS[1] });
    assert.equal(reply.status, 201, reply.text);
    const got = await her.next((m) => m.type === 'msg' && m.from === 'operator');
    assert.equal(got.text, SECRET_WORDS[1]);
    assert.equal(got.seq, reply.json.seq);
    await pane.next((m) => m.type === 'msg' && m.from === 'operator' && m.seq === reply.json.seq);

    // What crossed PostgreSQL: the chat's events, by number, never the words.
    await sleep(300);
    const payloads = await notifies.stop();
    const chatPayloads = payloads.filter((p) => p.includes(`chat:${ref}`));
    assert.ok(chatPayloads.length >= 4, `chat NOTIFYs seen: ${chatPayloads.length} of ${payloads.length}`);
    for (const w of SECRET_WORDS.slice(0, 2)) assert.ok(!payloads.some((p) => p.includes(w)), `a NOTIFY payload carries her/the operator's words: ${w}`);
    assert.ok(chatPayloads.some((p) => p.includes('\\"seq\\"') || p.includes('"seq"')), `no message crossed by number: ${chatPayloads.join('\n')}`);

    // SIGKILL of A, the instance holding her socket.
    a.proc.kill('SIGKILL');
    assert.equal((await a.exited).signal, 'SIGKILL');
    await waitFor('her connection drops', async () => her.ws.closed, 10_000);
    // While she is cut off the operator writes (B serves it, the message waits in the transcript).
    const during = await op.post(`/api/v1/chat/sessions/${ref}/messages`, { text: SECRET_WORDS[2] });
    assert.equal(during.status, 201, during.text);

    // Her page reconnects through the same front (now B) and resumes after the last number it saw.
    const before = her.lastSeq;
    await her.connect();
    her.send({ type: 'resume', session: ref, secret: started.secret, after: before });
    const resumed = await her.next((m) => m.type === 'resumed' || m.type === 'error');
    assert.equal(resumed.type, 'resumed', JSON.stringify(resumed));
    const missed = await her.next((m) => m.type === 'msg' && m.seq === during.json.seq);
    assert.equal(missed.text, SECRET_WORDS[2]);
    // The conversation goes on, both ways, on the survivor.
    await her.say(SECRET_WORDS[3], 'h2');
    const after2 = await pane.next((m) => m.type === 'msg' && m.from === 'her' && m.text === SECRET_WORDS[3], 10_000);
    assert.equal(after2.session, ref);
    const last = await op.post(`/api/v1/chat/sessions/${ref}/messages`, { text: 'Sigo aquí contigo.' });
    assert.equal(last.status, 201, last.text);
    assert.equal((await her.next((m) => m.type === 'msg' && m.seq === last.json.seq)).text, 'Sigo aquí contigo.');
    // Nothing seen twice, nothing missing: her page's numbers are the transcript's, in order.
    const t = await op.get(`/api/v1/chat/sessions/${ref}`);
    assert.equal(t.status, 200, t.text);
    const seqs = her.seen.map((m) => m.seq);
    assert.deepEqual([...new Set(seqs)].sort((x, y) => x - y), t.json.messages.map((m) => m.seq).filter((s) => seqs.includes(s)));
    assert.equal(new Set(seqs).size, seqs.length, `a message reached her twice: ${seqs}`);
    for (const m of t.json.messages.filter((x) => x.from !== 'her')) assert.ok(seqs.includes(m.seq), `she never got message ${m.seq} (${m.from})`);
  });
});
