// The silent WhatsApp line (src/whatsapp) over real HTTP, with a local server playing Meta
// (whatsapp_meta.mjs): the signed webhook and each bad input of issue 14 (wrong or missing
// signature, a body changed after signing, unknown message types, a status for an unknown message,
// duplicate delivery), conversations in the ONE queue, replies through the Graph API with retries,
// statuses out of order, and the 24-hour window. Runs on SQLite and, with EQ_TEST_DB=postgresql, on
// PostgreSQL.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { assertApiError, request, sleep, startServer, tempDir } from './harness.mjs';
import { MetaFake, assertAccepted, inbound, messageRows, restartableServer, seconds, settled, signBody, status, statusRows, waitFor, wamid, wamidsOf } from './whatsapp_meta.mjs';

let srv, keys, meta, secret, verifyToken, op, op2, sup, admin;
const seen = new Set(); // ids of the queue's WhatsApp contacts already known to this file

before(async () => {
  meta = await new MetaFake().start();
  keys = tempDir('equidad-wa-');
  srv = await startServer({
    extraArgs: ['--demo', '--keys', path.join(keys.dir, 'equidad.key')],
    env: { EQ_CHANNELS_HOURS: '24/7', EQ_WHATSAPP_GRAPH_URL: meta.url, EQ_WHATSAPP_TOKEN: 'token-de-prueba', EQ_WHATSAPP_GRAPH_VERSION: 'v21.0' },
  });
  secret = fs.readFileSync(path.join(keys.dir, 'equidad.whatsapp.key'), 'utf8').trim();
  verifyToken = fs.readFileSync(path.join(keys.dir, 'equidad.whatsapp.verify'), 'utf8').trim();
  op = await loginDemo(srv, 'operator');
  op2 = await login(srv, 'operador2@equidad.demo');
  sup = await login(srv, 'supervision@equidad.demo');
  admin = await loginDemo(srv, 'admin');
  // Operators answer WhatsApp when it is one of their skills (the queue's rule).
  for (const c of [op, op2]) {
    const p = await c.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] });
    assert.equal(p.status, 200, p.text);
  }
  for (let i = 0; i < 20; i++) {
    const q = (await op2.get('/api/v1/channels/queue')).json.queue;
    if (!q.length) break;
    for (const c of q) {
      const t = await op2.post(`/api/v1/channels/contacts/${c.id}/take`, {});
      if (t.status === 200) await op2.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    }
  }
  // The demo's contacts the operators already hold would fill their seats (three chats at once).
  for (const client of [op, op2]) {
    for (const c of (await client.get('/api/v1/channels/queue')).json.mine)
      if (c.state === 'active') assert.equal((await client.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' })).status, 200);
  }
});
after(async () => { await srv?.stop(); await meta?.stop(); keys?.cleanup(); });

const send = (value, opts) => meta.post(srv.baseUrl, secret, JSON.stringify(meta.envelope(value)), opts);
// Posts statuses, checks the accept answer, and waits until they are processed.
const deliverStatuses = async (value) => {
  const r = await send(value);
  assertAccepted(assert, r, { statuses: value.statuses.length });
  await settled(sup);
  return r;
};
const phone = () => `569${crypto.randomInt(10_000_000, 99_999_999)}`;
const bsuid = () => `CL.${crypto.randomBytes(9).toString('hex')}`;


// The WhatsApp contact that appeared in the queue since the last call.
async function newContact() {
  return waitFor(async () => {
    const q = (await sup.get('/api/v1/channels/queue')).json.queue;
    const c = q.find((x) => x.channel === 'whatsapp' && !seen.has(x.id));
    if (c) seen.add(c.id);
    return c;
  }, 'a new WhatsApp contact in the queue');
}
async function whatsappContacts() {
  const q = (await sup.get('/api/v1/channels/queue')).json.queue;
  return q.filter((x) => x.channel === 'whatsapp');
}
// Takes the contact; the answer (the full contact record) names the conversation's ref.
async function take(client, c) {
  const r = await client.post(`/api/v1/channels/contacts/${c.id}/take`, {});
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.external_ref, /^[\w-]+\.\d+$/);
  c.external_ref = r.json.external_ref;
}
const conversation = (client, ref) => client.get(`/api/v1/whatsapp/conversations/${ref}`);

describe('GET /api/v1/whatsapp/inbox (counts of accepted deliveries)', () => {
  test('refused to an anonymous caller and to an operator; a supervisor reads counts only', async () => {
    const anon = await request('GET', '/api/v1/whatsapp/inbox', { baseUrl: srv.baseUrl });
    assert.equal(anon.status, 401, anon.text);
    const byOperator = await op.get('/api/v1/whatsapp/inbox');
    assert.equal(byOperator.status, 403, byOperator.text);
    const bySupervisor = await sup.get('/api/v1/whatsapp/inbox');
    assert.equal(bySupervisor.status, 200, bySupervisor.text);
    assert.deepEqual(Object.keys(bySupervisor.json).sort(), ['processing', 'stored', 'waiting']);
  });
});

describe('the webhook', () => {
  test('GET verification echoes the challenge only with the verify token (else 403)', async () => {
    const ok = await request('GET', `/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=1158201444`,
      { baseUrl: srv.baseUrl });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.text, '1158201444');
    const wrong = await request('GET', '/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=otro&hub.challenge=1', { baseUrl: srv.baseUrl });
    assert.equal(wrong.status, 403);
    const mode = await request('GET', `/api/v1/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=${verifyToken}&hub.challenge=1`,
      { baseUrl: srv.baseUrl });
    assert.equal(mode.status, 403);
    const none = await request('GET', '/api/v1/whatsapp/webhook?hub.mode=subscribe&hub.challenge=1', { baseUrl: srv.baseUrl });
    assert.equal(none.status, 403);
  });

  test('missing, wrong and tampered signatures are 401 and write nothing', async () => {
    const before = (await whatsappContacts()).length;
    const payload = inbound({ wa_id: phone() }, { type: 'text', text: { body: 'hola, necesito ayuda' } });
    const raw = JSON.stringify(meta.envelope(payload));
    assertApiError(assert, await meta.post(srv.baseUrl, secret, raw, { sign: false }), 401, 'bad_signature');
    assertApiError(assert, await meta.post(srv.baseUrl, secret, raw, { sign: signBody('otro-secreto', raw) }), 401, 'bad_signature');
    assertApiError(assert, await meta.post(srv.baseUrl, secret, raw, { sign: 'sha256=zz' }), 401, 'bad_signature');
    // Signed, then changed on the way (one character of the text).
    const tampered = raw.replace('hola', 'hole');
    assertApiError(assert, await meta.post(srv.baseUrl, secret, tampered, { sign: signBody(secret, raw) }), 401, 'bad_signature');
    await sleep(300);
    assert.equal((await whatsappContacts()).length, before, 'a refused post put a contact in the queue');
    // Nothing was written: the same message, now properly signed, is new to the server.
    const ok = await meta.post(srv.baseUrl, secret, raw);
    assertAccepted(assert, ok, { messages: 1 });
    await newContact();  // processed as a new message: its contact opens
    await settled(sup);
    assert.equal(messageRows(srv.dbUrl, wamidsOf(raw)[0]), 1, 'the signed message was not stored (or stored twice)');
  });

  test('escaped unicode: the signature is over the raw bytes as Meta sent them', async () => {
    const user = phone();
    const id = wamid();
    // Written by hand, as Meta writes it: \u00f1 escapes, not the characters.
    const raw = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp",` +
      `"metadata":{"display_phone_number":"56997007000","phone_number_id":"${meta.phoneNumberId}"},"contacts":[{"profile":{"name":"Se\\u00f1ora"},` +
      `"wa_id":"${user}"}],"messages":[{"from":"${user}","id":"${id}","timestamp":"${seconds()}","type":"text",` +
      `"text":{"body":"Ma\\u00f1ana no puedo hablar, \\u00bfme escriben?"}}]}}]}]}`;
    assert.ok(raw.includes('\\u00f1'));
    const r = await meta.post(srv.baseUrl, secret, raw);
    assertAccepted(assert, r, { messages: 1 });
    // Re-serializing would change the bytes and the signature: a server that did so would refuse.
    assertApiError(assert, await meta.post(srv.baseUrl, secret, JSON.stringify(JSON.parse(raw)), { sign: signBody(secret, raw) }), 401, 'bad_signature');
    const c = await newContact();
    await take(op2, c);
    const conv = await conversation(op2, c.external_ref);
    assert.equal(conv.status, 200, conv.text);
    assert.equal(conv.json.messages[0].text, 'Mañana no puedo hablar, ¿me escriben?');
    await op2.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
  });

  test('text, location, image, audio are stored; an unknown type is recorded as "no soportado" without failing the batch', async () => {
    const who = { wa_id: phone() };
    const v = inbound(who, { type: 'text', text: { body: 'estoy en el baño' } });
    const extra = [
      { type: 'location', location: { latitude: -33.4372, longitude: -70.6506, name: 'Plaza de Armas' } },
      { type: 'image', image: { id: '1479537139650973', mime_type: 'image/jpeg', caption: 'la puerta' } },
      { type: 'audio', audio: { id: '1479537139650974', mime_type: 'audio/ogg; codecs=opus', voice: true } },
      { type: 'sticker', sticker: { id: '1479537139650975', mime_type: 'image/webp', animated: false } },
      { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } },
    ];
    for (const m of extra) v.messages.push({ id: wamid(), from: who.wa_id, timestamp: seconds(), ...m });
    const r = await send(v);
    assertAccepted(assert, r, { messages: 6 });
    const c = await newContact();
    await settled(sup);
    await take(op, c);
    const conv = await conversation(op, c.external_ref);
    assert.equal(conv.status, 200, conv.text);
    const texts = conv.json.messages.map((m) => m.text);
    assert.equal(texts[0], 'estoy en el baño');
    assert.match(texts[1], /^\[ubicación\] -33\.4372, -70\.6506 — Plaza de Armas$/);
    assert.match(texts[2], /^\[imagen\] la puerta/);
    assert.match(texts[3], /^\[audio\]/);
    assert.equal(texts[4], '[no soportado: sticker]');
    assert.equal(texts[5], '[no soportado: reaction]');
    // Six messages stored and audited, two of them as unsupported (the old answer's counts).
    assert.equal(texts.length, 6);
    for (const m of v.messages) assert.equal(messageRows(srv.dbUrl, m.id), 1, `message ${m.type} stored ${messageRows(srv.dbUrl, m.id)} times`);
    const entries = (await auditEntries(admin, 'action=whatsapp.message')).filter((e) => e.object === `whatsapp:${c.external_ref.split('.')[0]}`);
    assert.equal(entries.length, 6, JSON.stringify(entries));
    assert.deepEqual(entries.map((e) => e.detail).filter((d) => d.startsWith('no soportado')).sort(), ['no soportado: reaction', 'no soportado: sticker']);
    await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
  });

  test('a duplicate delivery changes nothing (same message id three more times: no second message, no second contact)', async () => {
    const raw = JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type: 'text', text: { body: 'una vez' } })));
    const first = await meta.post(srv.baseUrl, secret, raw);
    assertAccepted(assert, first, { messages: 1 });
    const c = await newContact();
    for (let i = 0; i < 3; i++) assertAccepted(assert, await meta.post(srv.baseUrl, secret, raw), { messages: 1 });
    await settled(sup);  // the three redeliveries processed (as duplicates: checked below)
    assert.equal((await whatsappContacts()).filter((x) => x.id === c.id).length, 1);
    assert.equal((await whatsappContacts()).filter((x) => !seen.has(x.id)).length, 0, 'a redelivery opened a second contact');
    await take(op, c);
    assert.equal((await conversation(op, c.external_ref)).json.messages.length, 1);
    // The three redeliveries were duplicates: one row, one audit entry (not audited again).
    assert.equal(messageRows(srv.dbUrl, wamidsOf(raw)[0]), 1);
    const entries = (await auditEntries(admin, 'action=whatsapp.message')).filter((e) => e.object === `whatsapp:${c.external_ref.split('.')[0]}`);
    assert.equal(entries.length, 1, `a redelivery was audited again: ${JSON.stringify(entries)}`);
    await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
  });

  test('a status for a message this server never sent is recorded and answered 200 (Meta must not retry)', async () => {
    const before = (await auditEntries(admin, 'action=whatsapp.resolved')).length;
    const wid = wamid();
    await deliverStatuses(status(wid, 'delivered'));  // processed without failing (nothing left in the inbox)
    // Recorded once, as unknown and not applied (status|known|applied).
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|0|0']);
    assert.equal((await auditEntries(admin, 'action=whatsapp.resolved')).length, before, 'an unknown status resolved a reply');
  });

  test('a malformed payload is 422 naming the field; a body that is not JSON is 400', async () => {
    const raw = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messaging_product: 'sms' } }] }] });
    assertApiError(assert, await meta.post(srv.baseUrl, secret, raw), 422, undefined, 'value.messaging_product');
    assertApiError(assert, await meta.post(srv.baseUrl, secret, '{"entry": [}'), 400, 'invalid_json');
  });
});

describe('replies through the Graph API', () => {
  let c, user;
  before(async () => {
    user = { wa_id: phone(), user_id: bsuid() };
    const r = await send(inbound(user, { type: 'text', text: { body: 'hola' } }));
    assert.equal(r.status, 200, r.text);
    c = await newContact();
    await take(op, c);
  });

  async function sentMessage(ref, id) {
    return waitFor(async () => {
      const m = (await conversation(op, ref)).json.messages.find((x) => x.id === id);
      return m.state !== 'queued' && m.state !== 'sending' ? m : null;
    }, `message ${id} sent`);
  }

  test('a reply is queued, sent once with the Bearer token, and its wamid recorded', async () => {
    const n = meta.sends.length;
    const r = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'Hola, soy orientadora del Fono 1455. ¿Estás en un lugar seguro?' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.state, 'queued');
    const m = await sentMessage(c.external_ref, r.json.id);
    assert.equal(m.state, 'sent');
    await sleep(1500);
    const mine = meta.sends.slice(n);
    assert.equal(mine.length, 1, 'sent more than once');
    assert.equal(mine[0].path, `/v21.0/${meta.phoneNumberId}/messages`);
    assert.equal(mine[0].auth, 'Bearer token-de-prueba');
    // biz_opaque_callback_data: the attempt id (Meta echoes it in the statuses; see whatsapp_send.test.mjs).
    assert.match(mine[0].json.biz_opaque_callback_data, /^eq-[\w-]+$/);
    assert.deepEqual(mine[0].json, { messaging_product: 'whatsapp', recipient_type: 'individual', to: user.wa_id, type: 'text',
      text: { preview_url: false, body: 'Hola, soy orientadora del Fono 1455. ¿Estás en un lugar seguro?' },
      biz_opaque_callback_data: mine[0].json.biz_opaque_callback_data });
  });

  test('429 and 500 are retried with back-off; the 2xx is the last send', async () => {
    const n = meta.sends.length;
    meta.plan.push(429, 500);
    const r = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'reintento' });
    assert.equal(r.status, 201, r.text);
    const m = await sentMessage(c.external_ref, r.json.id);
    assert.equal(m.state, 'sent');
    await sleep(2500);
    assert.deepEqual(meta.sends.slice(n).map((s) => s.status), [429, 500, 200]);
  });

  test('statuses: out of order never move back; read stays read; a late "failed" 131047 fails a sent message', async () => {
    const r = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'estados' });
    await sentMessage(c.external_ref, r.json.id);
    assert.equal(meta.sends.at(-1).json.text.body, 'estados');
    const wamidOf = async () => (await conversation(op, c.external_ref)).json.messages.find((x) => x.id === r.json.id);
    // Statuses name the wamid the fake Graph answered for this send.
    const now = Date.now();
    const wid = meta.lastWamid;
    assert.ok(wid);
    // Each status is recorded (status|known|applied); only those that move the state on apply.
    await deliverStatuses(status(wid, 'delivered', { at: now }));
    assert.equal((await wamidOf()).state, 'delivered');
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1']);
    await deliverStatuses(status(wid, 'sent', { at: now - 5000 }));
    assert.equal((await wamidOf()).state, 'delivered', 'a late "sent" moved "delivered" back');
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'sent|1|0'], 'a late "sent" was applied');
    await deliverStatuses(status(wid, 'read', { at: now + 1000 }));
    assert.equal((await wamidOf()).state, 'read');
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'read|1|1', 'sent|1|0']);
    await deliverStatuses(status(wid, 'read', { at: now + 1000 }));
    assert.equal((await wamidOf()).state, 'read');
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'read|1|1', 'sent|1|0'], 'a redelivered status recorded or applied twice');

    const r2 = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'fuera de ventana asíncrono' });
    await sentMessage(c.external_ref, r2.json.id);
    const wid2 = meta.lastWamid;
    await deliverStatuses(status(wid2, 'failed', { errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message',
      error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } }] }));
    assert.deepEqual(statusRows(srv.dbUrl, wid2), ['failed|1|1']);
    const failed = (await conversation(op, c.external_ref)).json.messages.find((x) => x.id === r2.json.id);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error_code, 131047);
    assert.match(failed.error, /24 horas/);
  });

  test('several statuses of one message in ONE delivery are ranked in arrival order, each pair once', async () => {
    // The group's statuses are looked up and inserted together (service.cc, store_statuses): the
    // ranking must be the one-by-one ranking all the same.
    const r = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'varios estados juntos' });
    await sentMessage(c.external_ref, r.json.id);
    const wid = meta.lastWamid;
    const now = Date.now();
    const many = (...list) => ({ statuses: list.flatMap(([v, at]) => status(wid, v, { at }).statuses) });
    await deliverStatuses(many(['delivered', now], ['sent', now - 5000], ['read', now + 1000], ['read', now + 1000]));
    let m = (await conversation(op, c.external_ref)).json.messages.find((x) => x.id === r.json.id);
    assert.equal(m.state, 'read');
    // Of the four, two applied (delivered, then read); the late sent is recorded, not applied; the
    // second read is the same (wamid, status): not recorded again.
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'read|1|1', 'sent|1|0']);
    // Read, then failed in one delivery: read stays read. The same again: nothing new is applied.
    await deliverStatuses(many(['failed', now + 2000]));
    assert.equal((await conversation(op, c.external_ref)).json.messages.find((x) => x.id === r.json.id).state, 'read');
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'failed|1|0', 'read|1|1', 'sent|1|0'], 'a failed after read was applied');
    await deliverStatuses(many(['delivered', now], ['read', now + 1000], ['failed', now + 2000]));
    m = (await conversation(op, c.external_ref)).json.messages.find((x) => x.id === r.json.id);
    assert.equal(m.state, 'read');
    assert.deepEqual(statusRows(srv.dbUrl, wid), ['delivered|1|1', 'failed|1|0', 'read|1|1', 'sent|1|0'], 'the redelivery recorded or applied something new');
  });

  test('only the operator holding the contact answers; a supervisor reads', async () => {
    assertApiError(assert, await op2.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'no' }), 403, 'not_holder');
    assertApiError(assert, await op2.get(`/api/v1/whatsapp/conversations/${c.external_ref}`), 403, 'not_holder');
    assert.equal((await conversation(sup, c.external_ref)).status, 200);
    assertApiError(assert, await op.get('/api/v1/whatsapp/conversations/no-existe.1'), 404);
    assertApiError(assert, await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, {}), 422, undefined, 'text');
    const audit = await auditEntries(admin, 'action=whatsapp.denied');
    assert.ok(audit.length >= 2, 'refusals are audited');
  });
});

describe('the 24-hour window', () => {
  test('outside the window free text is refused 409 in Spanish; an approved template goes; an unknown one is 422', async () => {
    // A username-only user (no phone): keyed and answered on her business-scoped id.
    const user = { user_id: bsuid() };
    const old = Date.now() - 25 * 3600 * 1000;
    const r = await send(inbound(user, { type: 'text', text: { body: 'ayer te escribí' }, timestamp: seconds(old) }));
    assert.equal(r.status, 200, r.text);
    const c = await newContact();
    await take(op, c);
    const conv = await conversation(op, c.external_ref);
    assert.equal(conv.json.window_open, false);
    assert.equal(conv.json.window_seconds_left, 0);
    assert.equal(conv.json.has_phone, false);
    const refused = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'hola' });
    assertApiError(assert, refused, 409, 'outside_window', 'text');
    assert.match(refused.json.error.message, /24 horas/);
    assertApiError(assert, await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { template: 'inventada' }), 422, 'unknown_template');
    const tpl = (await op.get('/api/v1/whatsapp/templates')).json.items;
    assert.ok(tpl.length >= 1);
    const n = meta.sends.length;
    const ok = await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { template: tpl[0].name });
    assert.equal(ok.status, 201, ok.text);
    await waitFor(() => meta.sends.length > n, 'the template sent');
    const sent = meta.sends.at(-1).json;
    assert.equal(sent.recipient, user.user_id);
    assert.equal(sent.to, undefined);
    assert.deepEqual(sent.template, { name: tpl[0].name, language: { code: 'es' } });

    // She writes again: the window opens for 24 hours from her new message.
    assertAccepted(assert, await send(inbound(user, { type: 'text', text: { body: 'ahora sí' } })), { messages: 1 });
    await settled(sup);
    const again = await conversation(op, c.external_ref);
    assert.equal(again.json.window_open, true);
    assert.ok(again.json.window_seconds_left > 23 * 3600 && again.json.window_seconds_left <= 24 * 3600);
    assert.equal((await op.post(`/api/v1/whatsapp/conversations/${c.external_ref}/messages`, { text: 'te leo' })).status, 201);
    await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
  });

  test('after the contact is closed, her next message is a new contact of the same conversation', async () => {
    const user = { wa_id: phone() };
    await send(inbound(user, { type: 'text', text: { body: 'primera vez' } }));
    const c1 = await newContact();
    await take(op, c1);
    assert.equal((await op.post(`/api/v1/channels/contacts/${c1.id}/close`, { outcome: 'prueba' })).status, 200);
    await send(inbound(user, { type: 'text', text: { body: 'volví' } }));
    const c2 = await newContact();
    assert.notEqual(c2.id, c1.id);
    await take(op, c2);
    assert.equal(c2.external_ref.split('.')[0], c1.external_ref.split('.')[0]);
    assert.equal(c2.external_ref.split('.')[1], '2');
    const texts = (await conversation(op, c2.external_ref)).json.messages.map((m) => m.text);
    assert.deepEqual(texts, ['primera vez', 'volví']);
    await op.post(`/api/v1/channels/contacts/${c2.id}/close`, { outcome: 'prueba' });
  });
});

describe('a restart', () => {
  test('loses no accepted message or reply, resumes the outbox, and sends the reply once', async () => {
    const box = await restartableServer(meta, 'equidad-wa-restart-');
    let a = await box.start();
    try {
      const sec = box.secret();
      const operator = await loginDemo(a, 'operator');
      await operator.post('/api/v1/channels/me/presence', { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'] });
      const queued = async () => (await operator.get('/api/v1/channels/queue')).json.queue.filter((x) => x.channel === 'whatsapp');
      const demo = new Set((await queued()).map((x) => x.id)); // the demo's conversation
      const r = await meta.post(a.baseUrl, sec, JSON.stringify(meta.envelope(inbound({ wa_id: phone() }, { type: 'text', text: { body: 'antes del reinicio' } }))));
      assert.equal(r.status, 200, r.text);
      const contact = await waitFor(async () => (await queued()).find((x) => !demo.has(x.id)), 'her contact');
      const taken = await operator.post(`/api/v1/channels/contacts/${contact.id}/take`, {});
      assert.equal(taken.status, 200, taken.text);
      const ref = taken.json.external_ref;
      // Graph is down: the reply waits in the outbox when the server stops.
      meta.plan.push(503, 503, 503, 503, 503, 503);
      const n = meta.sends.length;
      const reply = await operator.post(`/api/v1/whatsapp/conversations/${ref}/messages`, { text: 'después del reinicio' });
      assert.equal(reply.status, 201, reply.text);
      await waitFor(() => meta.sends.length > n, 'a first (failed) attempt');
      await a.stop();
      meta.plan.length = 0;
      a = await box.start();
      const again = await loginDemo(a, 'operator');
      await waitFor(async () => {
        const m = (await again.get(`/api/v1/whatsapp/conversations/${ref}`)).json.messages?.find((x) => x.id === reply.json.id);
        return m?.state === 'sent';
      }, 'the reply sent after the restart', 20_000);
      const conv = (await again.get(`/api/v1/whatsapp/conversations/${ref}`)).json;
      assert.deepEqual(conv.messages.map((m) => m.text), ['antes del reinicio', 'después del reinicio']);
      await sleep(2000);
      const oks = meta.sends.slice(n).filter((s) => s.json?.text?.body === 'después del reinicio' && s.status === 200);
      assert.equal(oks.length, 1, 'sent twice');
    } finally {
      await a.stop();
      await box.cleanup();
    }
  });
});
