// Issue 13: an operator who has TAKEN a contact gives it back to the queue without closing it
// (POST /api/v1/channels/contacts/{id}/hand-back, with a reason). Over real HTTP on the demo data:
// a call from the telephony switch (telephony_client.mjs, the signed webhook) and a silent chat
// over a real WebSocket. The contact waits again with its priority and original waiting time, its
// record kept; the operator loses it; another operator is offered it first; audited; the woman in
// the chat is told neutrally. Bad input: someone else's contact, a closed one, a bad reason.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, sleep, startServer, tempDir } from './harness.mjs';
import { auditEntries, login, loginDemo, uniq } from './auth_helpers.mjs';
import { TelephonySwitch } from './telephony_client.mjs';
import { WsClient } from './ws_client.mjs';

let srv, keys, phone;
let op1, op2, admin;
let op1Id, op2Id;

before(async () => {
  keys = tempDir('equidad-handback-');
  const keyFile = path.join(keys.dir, 'equidad.key');
  srv = await startServer({ extraArgs: ['--demo', '--keys', keyFile], env: { EQ_CHANNELS_HOURS: '24/7', EQ_CHANNELS_OFFER_SECONDS: '2' } });
  phone = new TelephonySwitch(srv.baseUrl, fs.readFileSync(path.join(keys.dir, 'equidad.telephony.key'), 'utf8').trim());
  op1 = await loginDemo(srv, 'operator');
  op2 = await login(srv, 'operador2@equidad.demo');
  admin = await loginDemo(srv, 'admin');
  op1Id = (await op1.get('/api/v1/channels/me')).json.user_id;
  op2Id = (await op2.get('/api/v1/channels/me')).json.user_id;
  for (const c of [op1, op2]) assert.equal((await c.post('/api/v1/channels/me/presence', { presence: 'pausa' })).status, 200);
  // The demo's waiting contacts, taken and closed so the queue holds only this file's.
  for (let i = 0; i < 50; i++) {
    const q = (await op2.get('/api/v1/channels/queue')).json.queue;
    if (!q.length) break;
    for (const c of q) {
      const t = await op2.post(`/api/v1/channels/contacts/${c.id}/take`);
      if (t.status === 200) await op2.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    }
  }
});
after(async () => { await srv?.stop(); keys?.cleanup(); });

const number = () => `+56 9 ${crypto.randomInt(1000, 9999)} ${crypto.randomInt(1000, 9999)}`;
async function waitFor(fn, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(150);
  }
}
const inQueue = async (client, pred) => {
  const q = (await client.get('/api/v1/channels/queue')).json;
  return [...q.mine, ...q.queue].find(pred);
};

describe('hand-back', () => {
  test('a taken call goes back to the queue with its priority, waiting time and record; the other operator gets it', async () => {
    const call = `call-${uniq()}`;
    const r = await phone.send({ type: 'ringing', call_id: call, from: number(), urgent: true });
    assert.equal(r.status, 200, r.text);
    await op1.post('/api/v1/channels/me/presence', { presence: 'disponible', skills: ['phone'] });
    const offered = await waitFor(() => inQueue(op1, (c) => c.external_ref === call && c.state === 'offered' && c.offered_to === op1Id));
    const taken = await op1.post(`/api/v1/channels/contacts/${offered.id}/take`);
    assert.equal(taken.status, 200, taken.text);
    const rec = await op1.post(`/api/v1/channels/contacts/${offered.id}/record`, { reason: 'violencia_pareja', notes: 'Llamó desde el trabajo.' });
    assert.equal(rec.status, 200, rec.text);

    // Bad input first: a reason not on the list; another operator's contact; nothing changes.
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${offered.id}/hand-back`, { reason: 'me aburrí' }), 422, undefined, 'reason');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${offered.id}/hand-back`, {}), 422, undefined, 'reason');
    const stranger = await op2.post(`/api/v1/channels/contacts/${offered.id}/hand-back`, { reason: 'fin_turno' });
    assert.ok([403, 404].includes(stranger.status), stranger.text);
    assert.equal((await op1.get(`/api/v1/channels/contacts/${offered.id}`)).json.state, 'active');
    assertApiError(assert, await op1.post('/api/v1/channels/contacts/99999999/hand-back', { reason: 'fin_turno' }), 404);

    // op1 is also ending her shift: on a break, so the queue does not offer it straight back to her.
    await op1.post('/api/v1/channels/me/presence', { presence: 'pausa' });
    const back = await op1.post(`/api/v1/channels/contacts/${offered.id}/hand-back`, { reason: 'fin_turno' });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.state, 'waiting');
    assert.equal(back.json.holder_user_id, null);
    assert.equal(back.json.priority, taken.json.priority, 'keeps its priority');
    assert.equal(back.json.created_at, taken.json.created_at, 'keeps its original arrival (queue order)');
    assert.equal(back.json.urgent, true);

    // She lost it: no record, no write.
    assertApiError(assert, await op1.get(`/api/v1/channels/contacts/${offered.id}`), 404);
    assert.ok([403, 404].includes((await op1.post(`/api/v1/channels/contacts/${offered.id}/record`, { notes: 'x' })).status));
    // Handing it back again: she does not hold it any more.
    const twice = await op1.post(`/api/v1/channels/contacts/${offered.id}/hand-back`, { reason: 'fin_turno' });
    assert.ok([403, 404].includes(twice.status), twice.text);

    // The other operator is offered it and finds the record as op1 left it.
    await op2.post('/api/v1/channels/me/presence', { presence: 'disponible', skills: ['phone'] });
    const again = await waitFor(() => inQueue(op2, (c) => c.id === offered.id && c.state === 'offered' && c.offered_to === op2Id));
    assert.ok(again.waiting_s >= 0);
    const t2 = await op2.post(`/api/v1/channels/contacts/${offered.id}/take`);
    assert.equal(t2.status, 200, t2.text);
    assert.equal(t2.json.reason, 'violencia_pareja');
    assert.equal(t2.json.notes, 'Llamó desde el trabajo.');

    const log = await auditEntries(admin, 'action=channels.contact_hand_back');
    assert.ok(log.some((e) => e.object === `channels_contact:${offered.id}` || String(e.object).endsWith(`:${offered.id}`)), JSON.stringify(log.slice(0, 3)));

    // Closed: no hand-back (409), as no edit.
    const closed = await op2.post(`/api/v1/channels/contacts/${offered.id}/close`, { outcome: 'orientacion' });
    assert.equal(closed.status, 200, closed.text);
    assertApiError(assert, await op2.post(`/api/v1/channels/contacts/${offered.id}/hand-back`, { reason: 'otro' }), 409, 'contact_closed');
    await op2.post('/api/v1/channels/me/presence', { presence: 'pausa' });
  });

  test('a chat handed back: she is told neutrally, the transcript stays, the next operator reads it', async () => {
    await op1.post('/api/v1/channels/me/presence', { presence: 'disponible', skills: ['chat'] });
    const ws = await WsClient.connect(srv.baseUrl, '/api/v1/chat/ws', { localAddress: nextClientAddress() });
    try {
      ws.sendJson({ type: 'start', urgent: false, comuna: '', text: 'Necesito orientación' });
      const started = await ws.next((x) => x.type === 'started');
      const ref = started.session;
      const c = await waitFor(() => inQueue(op1, (x) => x.external_ref === ref && x.state === 'offered'));
      assert.equal((await op1.post(`/api/v1/channels/contacts/${c.id}/take`)).status, 200);
      await ws.next((x) => x.type === 'msg' && x.from === 'system' && /se unió/.test(x.text));
      assert.equal((await op1.post(`/api/v1/chat/sessions/${ref}/messages`, { text: 'Hola, te leo.' })).status, 201);

      await op1.post('/api/v1/channels/me/presence', { presence: 'pausa' });
      const back = await op1.post(`/api/v1/channels/contacts/${c.id}/hand-back`, { reason: 'otra_competencia' });
      assert.equal(back.status, 200, back.text);
      const told = await ws.next((x) => x.type === 'msg' && x.from === 'system' && x.seq > 2);
      assert.match(told.text, /Te atenderá otra orientadora/);
      assert.doesNotMatch(told.text, /turno|competencia|motivo/i, 'never why');
      // She may go on writing while she waits; op1 no longer reads nor writes the conversation.
      ws.sendJson({ type: 'say', id: 'w1', text: '¿Sigue alguien ahí?' });
      await ws.next((x) => x.type === 'ack' && x.id === 'w1');
      assert.equal((await op1.get(`/api/v1/chat/sessions/${ref}`)).status, 403);
      assert.equal((await op1.post(`/api/v1/chat/sessions/${ref}/messages`, { text: 'hola' })).status, 403);

      await op2.post('/api/v1/channels/me/presence', { presence: 'disponible', skills: ['chat'] });
      const again = await waitFor(() => inQueue(op2, (x) => x.id === c.id && x.state === 'offered' && x.offered_to === op2Id));
      assert.equal((await op2.post(`/api/v1/channels/contacts/${again.id}/take`)).status, 200);
      await ws.next((x) => x.type === 'msg' && x.from === 'system' && /se unió/.test(x.text) && x.seq > told.seq);
      const t = await op2.get(`/api/v1/chat/sessions/${ref}`);
      assert.equal(t.status, 200, t.text);
      const texts = t.json.messages.map((m) => m.text);
      assert.ok(texts.includes('Necesito orientación') && texts.includes('Hola, te leo.') && texts.includes('¿Sigue alguien ahí?'), JSON.stringify(texts));
      await op2.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    } finally {
      ws.close();
      await op2.post('/api/v1/channels/me/presence', { presence: 'pausa' });
    }
  });
});
