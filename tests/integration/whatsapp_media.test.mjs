// Her images and audio on the silent WhatsApp line (src/whatsapp/media.cc) over real HTTP, with a
// local server playing Meta's Cloud API (whatsapp_meta.mjs: GET /{version}/{media-id} → metadata,
// GET {url} → bytes, both with the bearer token): downloaded in the background and stored, served
// to the holding operator and a supervisor only (another operator 403, audited), and each refusal
// (checksum mismatch, too large announced or actual, a type not allowed) ending the download with
// a Spanish reason; Meta's 500s retried; the bytes purged with the conversation. The pane's live
// stream: "changed" pings for her conversation only, refused (403, audited) to another operator. Runs on SQLite and,
// with EQ_TEST_DB=postgresql, on PostgreSQL.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { assertApiError, startServer, tempDir } from './harness.mjs';
import { MetaFake, inbound, pngImage, seconds, waitFor } from './whatsapp_meta.mjs';
import { WsClient } from './ws_client.mjs';

const DAY = 86_400_000;
const TOKEN = 'token-de-prueba';
let srv, keys, meta, secret, op, op2, sup, admin, dpo;
const seen = new Set();

before(async () => {
  meta = await new MetaFake().start();
  meta.token = TOKEN; // a media GET without the bearer token is refused, as Meta does
  keys = tempDir('equidad-wamedia-');
  srv = await startServer({
    extraArgs: ['--demo', '--keys', path.join(keys.dir, 'equidad.key')],
    env: { EQ_CHANNELS_HOURS: '24/7', EQ_WHATSAPP_GRAPH_URL: meta.url, EQ_WHATSAPP_TOKEN: TOKEN },
  });
  secret = fs.readFileSync(path.join(keys.dir, 'equidad.whatsapp.key'), 'utf8').trim();
  op = await login(srv, 'operador2@equidad.demo');
  op2 = await loginDemo(srv, 'operator');
  sup = await login(srv, 'supervision@equidad.demo');
  admin = await loginDemo(srv, 'admin');
  dpo = await login(srv, 'dpo@equidad.demo');
  const p = await op.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] });
  assert.equal(p.status, 200, p.text);
  for (const c of (await op.get('/api/v1/channels/queue')).json.mine)
    if (c.state === 'active') await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
  for (const c of (await sup.get('/api/v1/channels/queue')).json.queue) seen.add(c.id);
});
after(async () => { await srv?.stop(); await meta?.stop(); keys?.cleanup(); });

const phone = () => `569${crypto.randomInt(10_000_000, 99_999_999)}`;

// The operator holds three chats at most: the contacts of earlier tests are closed first.
async function freeSeats() {
  for (const c of (await op.get('/api/v1/channels/queue')).json.mine)
    if (c.state === 'active') assert.equal((await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' })).status, 200);
}

// She sends one media message; the operator takes her contact. Answers { contact, ref }.
async function sendsMedia(type, media, { at = Date.now() } = {}) {
  await freeSeats();
  const r = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type, [type]: media, timestamp: seconds(at) }))));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.received.messages, 1, r.text);
  const contact = await waitFor(async () => {
    const c = (await sup.get('/api/v1/channels/queue')).json.queue.find((x) => x.channel === 'whatsapp' && !seen.has(x.id));
    if (c) seen.add(c.id);
    return c;
  }, 'her contact in the queue');
  const t = await op.post(`/api/v1/channels/contacts/${contact.id}/take`, {});
  assert.equal(t.status, 200, t.text);
  return { contact, ref: t.json.external_ref };
}

// Her message's media once the job is done with it (ready or failed).
async function settled(ref, ms = 30_000) {
  return waitFor(async () => {
    const c = await op.get(`/api/v1/whatsapp/conversations/${ref}`);
    assert.equal(c.status, 200, c.text);
    const m = c.json.messages.find((x) => x.media);
    return m && m.media.state !== 'pending' ? m : null;
  }, 'the media downloaded or given up', ms);
}

const mediaUrl = (ref, id) => `/api/v1/whatsapp/conversations/${ref}/media/${id}`;

describe('media download', () => {
  test('an image is downloaded with the bearer token, stored and served to her operator with the right headers', async () => {
    const png = pngImage(40, 30, (x, y) => [200, x * 5, y * 8]);
    const id = meta.addMedia(png, { mime: 'image/png' });
    const { ref } = await sendsMedia('image', { id, mime_type: 'image/png', caption: 'la puerta' });
    const m = await settled(ref);
    assert.equal(m.media.state, 'ready', JSON.stringify(m));
    assert.equal(m.media.mime, 'image/png');
    assert.equal(m.text, '[imagen] la puerta');
    // Both of Meta's GETs carried the token: the metadata, then the bytes.
    const gets = meta.mediaGets.filter((g) => g.path.endsWith(id));
    assert.deepEqual(gets.map((g) => g.path), [`/v21.0/${id}`, `/media-bytes/${id}`]);
    assert.ok(gets.every((g) => g.auth === `Bearer ${TOKEN}`));
    const f = await op.get(mediaUrl(ref, m.media.id));
    assert.equal(f.status, 200, f.text);
    assert.equal(f.headers['content-type'], 'image/png');
    assert.equal(f.headers['cache-control'], 'no-store');
    assert.equal(f.headers['content-disposition'], 'inline');
    assert.equal(f.headers['x-content-type-options'], 'nosniff');
    assert.ok(f.body.equals(png), 'the bytes served are the bytes Meta served');
    // A supervisor reads it too; the reads are audited.
    assert.equal((await sup.get(mediaUrl(ref, m.media.id))).status, 200);
    const reads = await auditEntries(admin, 'action=whatsapp.media_read');
    assert.ok(reads.length >= 2, JSON.stringify(reads.slice(0, 2)));
    assert.ok((await auditEntries(admin, 'action=whatsapp.media')).length >= 1, 'the download is audited');
  });

  test('another operator is refused 403 and the refusal is audited; an id of another conversation is 404', async () => {
    const id = meta.addMedia(pngImage(8, 8, () => [0, 0, 0]));
    const { ref } = await sendsMedia('image', { id, mime_type: 'image/png' });
    const m = await settled(ref);
    const before = (await auditEntries(admin, 'action=whatsapp.denied')).length;
    assertApiError(assert, await op2.get(mediaUrl(ref, m.media.id)), 403, 'not_holder');
    const after = await auditEntries(admin, 'action=whatsapp.denied');
    assert.equal(after.length, before + 1);
    assert.match(after[0].detail ?? '', /archivo/);
    // Her operator asking for a media id of another conversation through this one: not found.
    assert.equal((await op.get(mediaUrl(ref, m.media.id + 100000))).status, 404);
    assert.equal((await op.get(mediaUrl(ref, 'x1'))).status, 422);
  });

  test('audio with codec parameters is kept as audio/ogg', async () => {
    const bytes = Buffer.concat([Buffer.from('OggS'), crypto.randomBytes(3000)]);
    const id = meta.addMedia(bytes, { mime: 'audio/ogg; codecs=opus' });
    const { ref } = await sendsMedia('audio', { id, mime_type: 'audio/ogg; codecs=opus', voice: true });
    const m = await settled(ref);
    assert.equal(m.media.state, 'ready', JSON.stringify(m));
    const f = await op.get(mediaUrl(ref, m.media.id));
    assert.equal(f.headers['content-type'], 'audio/ogg');
    assert.ok(f.body.equals(bytes));
  });

  test('a checksum that does not match the bytes is refused and nothing is served', async () => {
    const id = meta.addMedia(pngImage(8, 8, () => [1, 2, 3]), { sha256: crypto.createHash('sha256').update('otra cosa').digest('hex') });
    const { ref } = await sendsMedia('image', { id, mime_type: 'image/png' });
    const m = await settled(ref);
    assert.equal(m.media.state, 'failed');
    assert.match(m.media.error, /suma de verificación/);
    assertApiError(assert, await op.get(mediaUrl(ref, m.media.id)), 409, 'media_failed');
  });

  test('too large: refused on Meta\'s announced size without downloading, and on the actual bytes when Meta understates it', async () => {
    const announced = meta.addMedia(Buffer.alloc(100), { mime: 'image/jpeg', fileSize: 5 * 1024 * 1024 + 1 });
    const a = await sendsMedia('image', { id: announced, mime_type: 'image/jpeg' });
    const ma = await settled(a.ref);
    assert.equal(ma.media.state, 'failed');
    assert.match(ma.media.error, /supera el tamaño permitido/);
    assert.equal(meta.mediaGets.filter((g) => g.path === `/media-bytes/${announced}`).length, 0, 'bytes fetched despite the announced size');
    const understated = meta.addMedia(Buffer.alloc(5 * 1024 * 1024 + 10, 7), { mime: 'image/jpeg', fileSize: 1000 });
    const b = await sendsMedia('image', { id: understated, mime_type: 'image/jpeg' });
    const mb = await settled(b.ref);
    assert.equal(mb.media.state, 'failed');
    assert.match(mb.media.error, /supera el tamaño permitido/);
  });

  test('a type outside the allowed list is refused', async () => {
    const id = meta.addMedia(Buffer.from('GIF89a'), { mime: 'image/gif' });
    const { ref } = await sendsMedia('image', { id, mime_type: 'image/gif' });
    const m = await settled(ref);
    assert.equal(m.media.state, 'failed');
    assert.match(m.media.error, /tipo de archivo/);
  });

  test('Meta answering 500 is retried with back-off until it answers', async () => {
    const png = pngImage(8, 8, () => [9, 9, 9]);
    const id = meta.addMedia(png, { failures: 2 });
    const { ref } = await sendsMedia('image', { id, mime_type: 'image/png' });
    const m = await settled(ref, 60_000);
    assert.equal(m.media.state, 'ready', JSON.stringify(m));
    assert.equal(meta.mediaGets.filter((g) => g.path === `/v21.0/${id}`).length, 3);
  });
});

const liveAs = (client, ref) => WsClient.connect(srv.baseUrl, `/api/v1/whatsapp/conversations/${ref}/live`,
  { headers: { Cookie: client.cookie, 'User-Agent': client.ua }, localAddress: client.address });

describe('the live pane', () => {
  test('her operator\'s stream says "changed" when she writes, when a reply is queued and sent, when a media is ready; nothing of another conversation', async () => {
    const other = await sendsMedia('image', { id: meta.addMedia(pngImage(4, 4, () => [1, 1, 1])), mime_type: 'image/png' });
    await settled(other.ref);
    await freeSeats();
    const who = { wa_id: phone() };
    const r0 = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(inbound(who, { type: 'text', text: { body: 'hola' } }))));
    assert.equal(r0.status, 200, r0.text);
    const contact = await waitFor(async () => {
      const c = (await sup.get('/api/v1/channels/queue')).json.queue.find((x) => x.channel === 'whatsapp' && !seen.has(x.id));
      if (c) seen.add(c.id);
      return c;
    }, 'her contact in the queue');
    const t = await op.post(`/api/v1/channels/contacts/${contact.id}/take`, {});
    assert.equal(t.status, 200, t.text);
    const ref = t.json.external_ref;
    const ws = await liveAs(op, ref);
    await ws.next((m) => m.type === 'hello');
    const count = () => ws.messages.filter((m) => m.json?.type === 'changed').length;
    // Another conversation's events (a message to it, its media) reach no one but its watchers.
    const r1 = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type: 'text', text: { body: 'otra' } }))));
    assert.equal(r1.status, 200);
    // Its contact waits in the queue: known here, so later tests do not take it for theirs.
    await waitFor(async () => {
      const c = (await sup.get('/api/v1/channels/queue')).json.queue.find((x) => x.channel === 'whatsapp' && !seen.has(x.id));
      if (c) seen.add(c.id);
      return c;
    }, 'the other conversation\'s contact');
    // She writes: one ping.
    const r2 = await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(inbound(who, { type: 'text', text: { body: '¿siguen ahí?' } }))));
    assert.equal(r2.status, 200);
    await waitFor(async () => count() >= 1, 'her message ping');
    assert.equal(count(), 1, 'only her conversation\'s change reached this pane');
    // A reply: queued (one ping), then sent by the outbox job (another).
    const rep = await op.post(`/api/v1/whatsapp/conversations/${ref}/messages`, { text: 'Sí, aquí estamos.' });
    assert.equal(rep.status, 201, rep.text);
    await waitFor(async () => count() >= 3, 'queued and sent pings');
    // Her image: the message, then its download.
    await meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(inbound(who, { type: 'image', image: { id: meta.addMedia(pngImage(4, 4, () => [2, 2, 2])), mime_type: 'image/png' } }))));
    await waitFor(async () => count() >= 5, 'message and media pings');
    assert.ok(ws.messages.every((m) => !m.json || ['hello', 'changed'].includes(m.json.type)), 'no content travels on the stream');
    await ws.close();
  });

  test('another operator cannot open the stream (403, audited)', async () => {
    const { ref } = await sendsMedia('image', { id: meta.addMedia(pngImage(4, 4, () => [3, 3, 3])), mime_type: 'image/png' });
    const before = (await auditEntries(admin, 'action=whatsapp.denied')).length;
    const refused = await liveAs(op2, ref).catch((e) => e);
    assert.equal(refused.status, 403, String(refused));
    assert.equal((await auditEntries(admin, 'action=whatsapp.denied')).length, before + 1);
    const sv = await liveAs(sup, ref);
    await sv.next((m) => m.type === 'hello');
    await sv.close();
  });
});

describe('retention', () => {
  test('the purge deletes her images with the conversation', async () => {
    // The daily job runs at start: wait for it so the manual run below is the one that purges.
    await waitFor(async () => (await dpo.get('/api/v1/dataprotection/purge/runs')).json.items.some((r) => r.origin === 'job' && r.state !== 'running'),
      'the daily run at start');
    const id = meta.addMedia(pngImage(8, 8, () => [50, 60, 70]));
    const { contact, ref } = await sendsMedia('image', { id, mime_type: 'image/png' }, { at: Date.now() - 100 * DAY });
    const m = await settled(ref);
    assert.equal(m.media.state, 'ready');
    assert.equal((await sup.get(mediaUrl(ref, m.media.id))).status, 200);
    const cl = await op.post(`/api/v1/channels/contacts/${contact.id}/close`, { outcome: 'prueba' });
    assert.equal(cl.status, 200, cl.text);
    const r = await dpo.post('/api/v1/dataprotection/purge/runs', {});
    assert.equal(r.status, 201, r.text);
    const wa = r.json.run.kinds.find((k) => k.module === 'whatsapp' && k.kind === 'conversations');
    assert.ok(wa.purged >= 1, JSON.stringify(wa));
    assert.equal((await sup.get(mediaUrl(ref, m.media.id))).status, 404);
    assert.equal((await sup.get(`/api/v1/whatsapp/conversations/${ref}`)).status, 404);
  });
});
