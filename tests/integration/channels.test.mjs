// The help channels over real HTTP, on the demo data: the telephony switch played by
// telephony_client.mjs speaking the signed webhook, the one queue (order, offers, re-offers,
// "already taken"), the contact record to its close, the registry's record and timeline, call-backs,
// blocks, statistics, and the bad input the issue lists.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertApiError, sleep, startServer, tempDir } from './harness.mjs';
import { enrol, login, loginDemo, newPassword, uniq } from './auth_helpers.mjs';
import { TelephonySwitch, signature } from './telephony_client.mjs';

let srv, keys, phone;
let op1, op2, sup, worker, admin;

before(async () => {
  keys = tempDir('equidad-channels-');
  const keyFile = path.join(keys.dir, 'equidad.key');
  srv = await startServer({ extraArgs: ['--demo', '--keys', keyFile], env: { EQ_CHANNELS_HOURS: '24/7', EQ_CHANNELS_OFFER_SECONDS: '2' } });
  phone = new TelephonySwitch(srv.baseUrl, fs.readFileSync(path.join(keys.dir, 'equidad.telephony.key'), 'utf8').trim());
  op1 = await loginDemo(srv, 'operator');
  op2 = await login(srv, 'operador2@equidad.demo');
  sup = await login(srv, 'supervision@equidad.demo');
  worker = await loginDemo(srv, 'case_worker');
  admin = await loginDemo(srv, 'admin');
  // Both operators on a break; the demo's waiting calls taken and closed as tests, so each test
  // below starts from an empty queue.
  for (const c of [op1, op2]) assert.equal((await c.post('/api/v1/channels/me/presence', { presence: 'pausa' })).status, 200);
  await drain();
});
after(async () => { await srv?.stop(); keys?.cleanup(); });

const number = () => `+56 9 ${crypto.randomInt(1000, 9999)} ${crypto.randomInt(1000, 9999)}`;
const presence = (c, p) => c.post('/api/v1/channels/me/presence', { presence: p });
async function ring(extra = {}) {
  const r = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from: number(), ...extra });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.accept, true, r.text);
  return r;
}
// Takes and closes, as op2, everything still in the queue.
async function drain() {
  for (let i = 0; i < 50; i++) {
    const q = (await op2.get('/api/v1/channels/queue')).json.queue;
    if (!q.length) break;
    for (const c of q) {
      if (c.state === 'offered') await (await clientFor(c.offered_to)).post(`/api/v1/channels/contacts/${c.id}/decline`);
      const t = await op2.post(`/api/v1/channels/contacts/${c.id}/take`);
      if (t.status === 200) await op2.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    }
  }
}
async function clientFor(userId) {
  for (const c of [op1, op2, sup]) if ((await c.get('/api/v1/channels/me')).json.user_id === userId) return c;
  return op2;
}
async function waitFor(fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(200);
  }
}

describe('the signed webhook', () => {
  test('missing, bad, tampered and stale signatures are refused (401) and change nothing', async () => {
    const call = `call-${uniq()}`;
    const ev = { type: 'ringing', call_id: call, from: number() };
    assertApiError(assert, await phone.send(ev, { sign: false }), 401, 'bad_signature');
    assertApiError(assert, await phone.send(ev, { sign: (t, body) => signature('otro-secreto-que-no-es-el-compartido', t, body) }), 401, 'bad_signature');
    const body = JSON.stringify({ event_id: uniq(), at: Date.now(), ...ev });
    assertApiError(assert, await phone.send(ev, { rawBody: body.replace('ringing', 'abandoned'), sign: (t) => signature(phone.secret, t, body) }),
      401, 'bad_signature');
    assertApiError(assert, await phone.send(ev, { t: Date.now() - 3_600_000 }), 401, 'bad_signature');
    assertApiError(assert, await phone.send(ev, { sign: () => 't=abc,v1=00' }), 401, 'bad_signature');
    const q = (await op1.get('/api/v1/channels/queue')).json.queue;
    assert.equal(q.length, 0, 'a refused event queued a call');
  });

  test('a replayed event is refused (409); an out-of-order event is recorded but changes nothing', async () => {
    const call = `call-${uniq()}`;
    const first = await phone.send({ type: 'ringing', call_id: call, from: number(), at: Date.now() - 5000 });
    assert.equal(first.status, 200, first.text);
    const id = first.json.contact_id;
    const again = await phone.send(first.event, { rawBody: JSON.stringify(first.event) });
    assertApiError(assert, again, 409, 'replayed', 'event_id');
    // "answered" at t-1 s, then an "abandoned" stamped before it arrives late: stale, not applied.
    const answered = await phone.send({ type: 'answered', call_id: call, at: Date.now() - 1000 });
    assert.equal(answered.json.applied, true);
    const late = await phone.send({ type: 'abandoned', call_id: call, at: Date.now() - 3000 });
    assert.equal(late.status, 200, late.text);
    assert.equal(late.json.applied, false);
    const q = (await op1.get('/api/v1/channels/queue')).json.queue;
    assert.ok(q.some((c) => c.id === id && c.state === 'waiting'), 'a stale "abandoned" took the call out of the queue');
    // An event for a call never seen (its ringing still on its way) opens it all the same.
    const orphan = await phone.send({ type: 'answered', call_id: `call-${uniq()}` });
    assert.equal(orphan.status, 200, orphan.text);
    assert.ok(orphan.json.contact_id);
    await drain();
  });

  test('unknown type and unknown field are 422 with the field named', async () => {
    assertApiError(assert, await phone.send({ type: 'exploded', call_id: 'x' }), 422, undefined, 'type');
    assertApiError(assert, await phone.send({ type: 'ringing', call_id: 'x', colour: 'red' }), 422, 'unknown_field');
  });
});

describe('the one queue', () => {
  test('urgent first; offered to one operator at a time; re-offered when not taken; "already taken" is 409', async () => {
    const normal = await ring();
    const urgent = await ring({ urgent: true });
    const q = (await sup.get('/api/v1/channels/queue')).json.queue;
    assert.deepEqual(q.map((c) => c.id), [urgent.json.contact_id, normal.json.contact_id]);
    assert.equal(q[0].urgent, true);

    assert.equal((await presence(op1, 'disponible')).status, 200);
    // A call takes a whole operator: op1 gets the urgent call only.
    const offered = await waitFor(async () => (await op1.get('/api/v1/channels/queue')).json.mine.find((c) => c.state === 'offered'));
    assert.equal(offered.id, urgent.json.contact_id);
    assert.equal((await op1.get('/api/v1/channels/queue')).json.mine.length, 1);
    assertApiError(assert, await op2.post(`/api/v1/channels/contacts/${offered.id}/take`), 409, 'offered_to_other');

    // Not taken within EQ_CHANNELS_OFFER_SECONDS: offered to op2 once she is available. (The other
    // caller hangs up first, so op2's one call seat is free when the offer to op1 expires.)
    assert.equal((await phone.send({ type: 'abandoned', call_id: normal.event.call_id })).json.applied, true);
    assert.equal((await presence(op2, 'disponible')).status, 200);
    const moved = await waitFor(async () => (await op2.get('/api/v1/channels/queue')).json.mine.find((c) => c.id === urgent.json.contact_id));
    assert.equal(moved.state, 'offered');
    const taken = await op2.post(`/api/v1/channels/contacts/${moved.id}/take`);
    assert.equal(taken.status, 200, taken.text);
    assert.equal(taken.json.state, 'active');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${moved.id}/take`), 409, 'already_taken');
    for (const c of [op1, op2]) await presence(c, 'pausa');
    await op2.post(`/api/v1/channels/contacts/${moved.id}/close`, { outcome: 'prueba' });
    await drain();
  });

  test('supervisor reassigns; an operator may not (403); the supervisor sees operators with their load', async () => {
    const r = await ring();
    const id = r.json.contact_id;
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/reassign`, { user_id: 1 }), 403);
    const me1 = (await op1.get('/api/v1/channels/me')).json;
    const moved = await sup.post(`/api/v1/channels/contacts/${id}/reassign`, { user_id: me1.user_id });
    assert.equal(moved.status, 200, moved.text);
    assert.equal(moved.json.holder_user_id, me1.user_id);
    const ops = await sup.get('/api/v1/channels/operators');
    assert.equal(ops.status, 200);
    const row = ops.json.items.find((o) => o.user_id === me1.user_id);
    assert.equal(row.active_calls, 1);
    assert.equal(row.name, 'Camila Herrera Silva');
    await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'corto' });
  });
});

describe('the contact record', () => {
  test('record, risk screen, close; a closed contact cannot be edited (409); non-data outcomes need no reason', async () => {
    const r = await ring();
    const id = r.json.contact_id;
    const t = await op1.post(`/api/v1/channels/contacts/${id}/take`);
    assert.equal(t.status, 200, t.text);
    // Another operator does not see it; the supervisor sees it but only the holder writes it.
    assertApiError(assert, await op2.post(`/api/v1/channels/contacts/${id}/record`, { reason: 'acoso' }), 404);
    assertApiError(assert, await sup.post(`/api/v1/channels/contacts/${id}/record`, { reason: 'acoso' }), 403, 'not_holder');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/record`, { reason: 'rumor' }), 422, undefined, 'reason');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/record`, { risk_screen: ['nada'] }), 422, 'invalid_answer', 'risk_screen');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/record`, { motivo: 'x' }), 422, 'unknown_field');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'orientacion' }), 422, 'required', 'reason');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'feliz' }), 422, 'invalid_outcome', 'outcome');
    const rec = await op1.post(`/api/v1/channels/contacts/${id}/record`, {
      reason: 'violencia_pareja', violence_type: 'psicologica', risk_screen: ['amenaza_muerte'], orientation: 'Plan de seguridad; Centro de la Mujer.',
      number_consent: true,
    });
    assert.equal(rec.status, 200, rec.text);
    assert.equal(rec.json.risk_level, 'vital');
    assert.match(rec.json.caller_number, /^\+56 9/);
    const closed = await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'orientacion' });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.state, 'closed');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/record`, { notes: 'después' }), 409, 'contact_closed');
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'prueba' }), 409, 'contact_closed');
    // The same caller again: her earlier screen ("vital") raises her in the queue.
    const again = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from: r.event.from });
    assert.equal(again.json.repeat_caller, true);
    const q = (await sup.get('/api/v1/channels/queue')).json.queue;
    assert.equal(q.find((c) => c.id === again.json.contact_id).priority, 1);
    await drain();
  });

  test('identified, the contact becomes a registry record and her timeline opens; anonymous has none', async () => {
    const id = (await op1.post('/api/v1/channels/contacts', { channel: 'phone', note: 'Devolución de llamada' })).json.id;
    assertApiError(assert, await op1.get(`/api/v1/channels/contacts/${id}/timeline`), 409, 'not_identified');
    await op1.post(`/api/v1/channels/contacts/${id}/record`, { reason: 'violencia_pareja' });
    const woman = { given_names: 'Gilda Yanet', surname1: `Quelopana${uniq().slice(-4)}`, surname2: 'Rivas', birth_date: '11-04-1984', sex: 'F' };
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/identify`, { persons: [{ role: 'victim', identity: { ...woman, birth_date: '31-02-1984' } }] }),
      422, 'invalid_date', 'persons[0].identity.birth_date');
    const idf = await op1.post(`/api/v1/channels/contacts/${id}/identify`, { persons: [{ role: 'victim', identity: woman }] });
    assert.equal(idf.status, 200, idf.text);
    assert.equal(idf.json.anonymous, false);
    assert.ok(idf.json.record_id && idf.json.person_id);
    const tl = await op1.get(`/api/v1/channels/contacts/${id}/timeline`);
    assert.equal(tl.status, 200, tl.text);
    assert.match(tl.text, /Gilda Yanet/);
    // A referral through the registry's flow.
    const inst = (await op1.get('/api/v1/cases/institutions')).json.items.find((i) => i.name === 'Centro de la Mujer Santiago');
    const ref = await op1.post(`/api/v1/channels/contacts/${id}/referral`, { to_institution_id: inst.id, consent: true, reason: 'Atención psicosocial.' });
    assert.equal(ref.status, 200, ref.text);
    const incoming = await worker.get('/api/v1/cases/referrals?direction=in');
    assert.equal(incoming.status, 200, incoming.text);
    assert.ok(incoming.text.includes(String(ref.json.referral_record_id)), 'the centre does not see the referral');
    const closed = await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'derivacion' });
    assert.equal(closed.status, 200, closed.text);
  });

  test('anonymous 401, wrong role 403, another operator or another institution 404', async () => {
    const r = await ring();
    const id = r.json.contact_id;
    assert.equal((await op1.post(`/api/v1/channels/contacts/${id}/take`)).status, 200);
    assertApiError(assert, await srv.request('GET', `/api/v1/channels/contacts/${id}`), 401);
    assertApiError(assert, await worker.get(`/api/v1/channels/contacts/${id}`), 403);
    assertApiError(assert, await worker.get('/api/v1/channels/queue'), 403);
    assertApiError(assert, await op2.get(`/api/v1/channels/contacts/${id}`), 404);
    assert.equal((await sup.get(`/api/v1/channels/contacts/${id}`)).status, 200);
    // A supervisor of another institution does not see a contact held by this one.
    const name = `Servicio de prueba ${uniq()}`;
    const inst = await admin.post('/api/v1/institutions', { name, type: 'public_service' });
    assert.equal(inst.status, 201, inst.text);
    const email = `sup-${uniq()}@prueba.cl`;
    const password = newPassword();
    const u = await admin.post('/api/v1/users', { name: 'Supervisora Externa', email, institution_id: inst.json.id, roles: ['channels_supervisor'], password });
    assert.equal(u.status, 201, u.text);
    const { client: other } = await enrol(srv, email, password);
    assertApiError(assert, await other.get(`/api/v1/channels/contacts/${id}`), 404);
    assertApiError(assert, await other.post(`/api/v1/channels/contacts/${id}/reassign`, { user_id: 1 }), 404);
    assertApiError(assert, await other.post(`/api/v1/channels/contacts/${id}/block`, { hours: 2, reason: 'x' }), 404);
    await op1.post(`/api/v1/channels/contacts/${id}/close`, { outcome: 'silencio' });
  });
});

describe('phone: call-backs, blocks, hours, statistics', () => {
  test('an abandoned call goes to the call-back list with a deadline; done once', async () => {
    const r = await ring();
    const a = await phone.send({ type: 'abandoned', call_id: r.event.call_id });
    assert.equal(a.status, 200, a.text);
    const list = await op1.get('/api/v1/channels/callbacks');
    const cb = list.json.items.find((c) => c.contact_id === r.json.contact_id);
    assert.ok(cb, list.text);
    assert.ok(cb.deadline_at > Date.now());
    assert.equal(cb.state, 'pending');
    assert.ok(!list.text.includes(r.event.from), 'the caller number is shown without her consent');
    assert.equal((await op1.post(`/api/v1/channels/callbacks/${cb.id}/done`, { result: 'done', note: 'Se habló con ella.' })).status, 200);
    assertApiError(assert, await op1.post(`/api/v1/channels/callbacks/${cb.id}/done`, { result: 'done' }), 409, 'callback_done');
  });

  test('a supervisor blocks a caller for a time (audited); her next call is not queued', async () => {
    const r = await ring();
    const id = r.json.contact_id;
    assertApiError(assert, await op1.post(`/api/v1/channels/contacts/${id}/block`, { hours: 2, reason: 'Llamadas abusivas reiteradas.' }), 403);
    assertApiError(assert, await sup.post(`/api/v1/channels/contacts/${id}/block`, { hours: 0, reason: 'x' }), 422, undefined, 'hours');
    const b = await sup.post(`/api/v1/channels/contacts/${id}/block`, { hours: 2, reason: 'Llamadas abusivas reiteradas.' });
    assert.equal(b.status, 201, b.text);
    const next = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from: r.event.from });
    assert.equal(next.json.accept, false);
    assert.equal(next.json.reason, 'blocked');
    const audit = await admin.get('/api/v1/audit?action=channels.block');
    assert.ok(audit.text.includes(`channels_contact:${id}`), audit.text.slice(0, 300));
    assert.equal((await sup.post(`/api/v1/channels/blocks/${b.json.id}/lift`)).status, 200);
    assert.equal((await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from: r.event.from })).json.accept, true);
    await drain();
  });

  test('hours are public; statistics are for supervisors', async () => {
    const h = await srv.request('GET', '/api/v1/channels/hours');
    assert.equal(h.status, 200);
    assert.equal(h.json.open, true);
    const s = await sup.get('/api/v1/channels/statistics');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.total >= 5);
    assert.ok(s.json.by_channel.some((c) => c.id === 'phone'));
    assert.ok(s.json.by_outcome.some((c) => c.id === 'prueba'));
    assert.equal(s.json.by_hour.length, 24);
    assertApiError(assert, await op1.get('/api/v1/channels/statistics'), 403);
    assertApiError(assert, await sup.get('/api/v1/channels/statistics?date=31-02-2026'), 400, 'invalid_parameter', 'date');
  });
});
