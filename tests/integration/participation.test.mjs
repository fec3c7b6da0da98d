// Citizens' participation in the Cuenta Pública Participativa over real HTTP (issue 16 item 4):
// reading without an account, e-mail verification through a real local SMTP server, comments
// anchored to a passage (re-anchored on a new version, «desanclado» when the text is gone),
// questions with due dates and the ministry's public answers (late ones counted late), phases
// switched by the background job, moderation with reports / hiding / appeal, the proof-of-work
// challenge (a reused answer refused) and the per-address flood limit (429 with Retry-After).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, sleep, startServer } from './harness.mjs';
import { login, loginDemo, newPassword, uniq } from './auth_helpers.mjs';
import { startSmtpServer } from './smtp_server.mjs';

let srv, smtp, analyst, seremi, reviewer;
const FLOOD = 8;

before(async () => {
  smtp = await startSmtpServer();
  srv = await startServer({
    extraArgs: ['--demo', '--sweep-seconds', '1'],
    env: { EQ_SMTP: `127.0.0.1:${smtp.port}`, EQ_PARTICIPATION_POW_BITS: '8', EQ_PARTICIPATION_FLOOD: String(FLOOD) },
  });
  [analyst, seremi] = await Promise.all(['analyst', 'seremi'].map((r) => loginDemo(srv, r)));
  // A second analyst: a version of the account is approved by someone other than who sent it.
  const admin = await loginDemo(srv, 'admin');
  const inst = await admin.post('/api/v1/institutions', { name: `Servicio revisor ${uniq()}`, type: 'public_service' });
  assert.equal(inst.status, 201, inst.text);
  const email = `analista.revisora.${uniq()}@equidad.test`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Carolina Isabel Muñoz', email, institution_id: inst.json.id, roles: ['analyst'], password });
  assert.equal(u.status, 201, u.text);
  reviewer = await login(srv, email, { password });
});
after(async () => { await srv?.stop(); await smtp?.close(); });

const pub = (p) => srv.request('GET', p);

// A citizen: her own source address (so flood limits are hers), verified through the SMTP server.
async function citizen(name = 'Ana') {
  const address = nextClientAddress();
  const email = `vecina.${uniq()}@correo.test`;
  const post = (p, body) => srv.request('POST', p, { body, localAddress: address });
  const r = await post('/api/v1/participation/public/verify', { email, pseudonym: name });
  assert.equal(r.status, 202, r.text);
  const mail = await smtp.waitFor(email, /código/);
  const code = /código de verificación es: (\d{6})/.exec(mail.body)?.[1];
  assert.ok(code, mail.body);
  const c = await post('/api/v1/participation/public/verify/confirm', { email, code });
  assert.equal(c.status, 200, c.text);
  return { email, address, token: c.json.token, post };
}

// Solves a challenge the way the browser does: SHA-256(nonce ‖ counter) with `bits` zero bits.
async function solved(address) {
  const c = (await srv.request('GET', '/api/v1/participation/public/challenge', { localAddress: address })).json;
  for (let counter = 0; ; counter++) {
    const h = crypto.createHash('sha256').update(c.nonce + String(counter)).digest();
    let bits = 0;
    for (const b of h) { if (b === 0) { bits += 8; continue; } bits += Math.clz32(b) - 24; break; }
    if (bits >= c.bits) return { challenge: { nonce: c.nonce, bits: c.bits, expires_at: c.expires_at, sig: c.sig }, counter };
  }
}

async function newEdition(period, texts) {
  const [y1] = period.split('-');
  const e = await analyst.post('/api/v1/account/editions', { period, title: `Cuenta Pública ${period}`, from_on: `01-01-${y1}`, to_on: `31-12-${y1}` });
  assert.equal(e.status, 201, e.text);
  for (const [key, text] of Object.entries(texts)) {
    const r = await analyst.req('PUT', `/api/v1/account/editions/${e.json.id}/sections/${key}`, { body: { text } });
    assert.equal(r.status, 200, r.text);
  }
  assert.equal((await analyst.post(`/api/v1/account/editions/${e.json.id}/submit`, {})).status, 200);
  const ok = await reviewer.post(`/api/v1/account/editions/${e.json.id}/review`, { decision: 'aprobar' });
  assert.equal(ok.status, 200, ok.text);
  const p = await analyst.post(`/api/v1/account/editions/${e.json.id}/publish`, {});
  assert.equal(p.status, 200, p.text);
  return e.json.id;
}

const iso = (ms) => new Date(ms).toISOString();
async function newProcess(period, { consult = -60_000, answers = 3_600_000, final = 7_200_000, days = 5 } = {}) {
  const now = Date.now();
  const r = await analyst.post('/api/v1/participation/processes', {
    period, title: `Consulta ${period}`, consult_from: iso(now + consult), answers_from: iso(now + answers), final_from: iso(now + final), answer_days: days,
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

describe('reading without an account', () => {
  test('the demo consultation: labelled demo, the edition\'s text, anchored comments and the answered figure computed from its records', async () => {
    const list = await pub('/api/v1/participation/public/processes');
    assert.equal(list.status, 200, list.text);
    const demo = list.json.items.find((p) => p.demo);
    assert.ok(demo, list.text);
    assert.match(demo.title, /datos de demostración/);
    assert.equal(demo.phase, 'consulta');
    const r = await pub(`/api/v1/participation/public/processes/${demo.id}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.edition.sections.length > 0);
    assert.ok(r.json.comments.length > 0);
    for (const c of r.json.comments) {
      assert.equal(c.anchored, true);
      const sec = r.json.edition.sections.find((s) => s.key === c.section_key);
      assert.equal([...sec.text].slice(c.offset, c.offset + [...c.quote].length).join(''), c.quote, 'the quote is where the offset says');
    }
    const qs = r.json.questions;
    const onTime = qs.filter((q) => q.answer && !q.answer.late).length;
    assert.equal(r.json.answered.text, `${onTime} de ${qs.length} respondidas a tiempo`);
    assert.ok(onTime > 0 && onTime < qs.length);
    assert.doesNotMatch(r.text, /@participacion\.demo/, 'no e-mail is ever shown');
  });
});

describe('verification, comments and the challenge', () => {
  let period, edition, process, ana;
  const intro = 'Presentación. La ministra rinde cuenta de la gestión del período. Se abrieron nuevos Centros de la Mujer en regiones.';
  before(async () => {
    period = '2031-2032';
    edition = await newEdition(period, { introduccion: intro, proyeccion: 'Proyección: ampliar la cobertura de casas de acogida.' });
    process = await newProcess(period);
    ana = await citizen('Ana');
  });

  test('a wrong code is refused; the mail came through the SMTP relay, with the code and nothing else of hers', async () => {
    const address = nextClientAddress();
    const email = `otra.${uniq()}@correo.test`;
    await srv.request('POST', '/api/v1/participation/public/verify', { body: { email }, localAddress: address });
    const mail = await smtp.waitFor(email, /código/);
    assert.match(mail.subject, /Su código para participar/);
    assertApiError(assert, await srv.request('POST', '/api/v1/participation/public/verify/confirm', { body: { email, code: '000000' }, localAddress: address }), 422, 'invalid_code', 'code');
    assertApiError(assert, await srv.request('POST', '/api/v1/participation/public/verify', { body: { email: 'no-es-correo' }, localAddress: address }), 422, 'invalid_email', 'email');
  });

  test('a comment on a selected passage; HTML and scripts are kept as text', async () => {
    const quote = 'Se abrieron nuevos Centros de la Mujer';
    const offset = [...intro.slice(0, intro.indexOf(quote))].length;
    const body = '<script>alert("x")</script><img src=x onerror=alert(1)> ¿cuántos?';
    const r = await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { token: ana.token, section_key: 'introduccion', quote, offset, body, ...(await solved(ana.address)) });
    assert.equal(r.status, 201, r.text);
    const p = await pub(`/api/v1/participation/public/processes/${process}`);
    const c = p.json.comments.find((x) => x.id === r.json.id);
    assert.equal(c.body, body, 'stored and returned exactly as text');
    assert.equal(c.pseudonym, 'Ana');
    assert.equal(c.offset, offset);
    assert.match(p.headers['content-type'], /^application\/json/);
    assert.doesNotMatch(p.text, new RegExp(ana.email.replace(/\./g, '\\.')), 'her e-mail is never shown');
  });

  test('a quote that is not at its offset, no verification, a wrong or reused challenge: refused, nothing written', async () => {
    // Her own fresh address: this test sends more than the flood limit allows from one.
    const address = nextClientAddress();
    ana = { ...ana, address, post: (p, body) => srv.request('POST', p, { body, localAddress: address }) };
    const base = { token: ana.token, section_key: 'introduccion', quote: 'Presentación.', offset: 0, body: 'Bien' };
    const before = (await pub(`/api/v1/participation/public/processes/${process}`)).json.comments.length;
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { ...base, offset: 5, ...(await solved(ana.address)) }), 422, 'quote_mismatch', 'quote');
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { ...base, token: 'x', ...(await solved(ana.address)) }), 401, 'unverified', 'token');
    const proof = await solved(ana.address);
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { ...base, ...proof, counter: proof.counter + 1 }), 422, 'wrong_proof', 'counter');
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { ...base, challenge: { ...proof.challenge, bits: 9 }, counter: proof.counter }), 422, 'invalid_challenge', 'challenge');
    const ok = await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { ...base, ...proof });
    assert.equal(ok.status, 201, ok.text);
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { ...base, ...proof }), 409, 'challenge_spent', 'challenge');
    const afterAll = (await pub(`/api/v1/participation/public/processes/${process}`)).json.comments.length;
    assert.equal(afterAll, before + 1, 'only the accepted comment was written');
  });

  test('a new version of the text: comments re-anchored near their old place, or kept and shown «desanclado»', async () => {
    const p0 = (await pub(`/api/v1/participation/public/processes/${process}`)).json;
    assert.equal(p0.edition.id, edition);
    const centros = p0.comments.find((c) => c.quote === 'Se abrieron nuevos Centros de la Mujer');
    const pres = p0.comments.find((c) => c.quote === 'Presentación.');
    // Version 2: the first sentence is reworded (its quote is gone); the other moves.
    const v2 = 'Introducción de la ministra. La ministra rinde cuenta de la gestión del período. Se abrieron nuevos Centros de la Mujer en regiones.';
    const e2 = await newEdition(period, { introduccion: v2 });
    const p1 = (await pub(`/api/v1/participation/public/processes/${process}`)).json;
    assert.equal(p1.edition.id, e2, 'the newest published version of the period');
    const moved = p1.comments.find((c) => c.id === centros.id);
    assert.equal(moved.anchored, true);
    assert.equal(moved.offset, [...v2.slice(0, v2.indexOf(moved.quote))].length);
    const gone = p1.comments.find((c) => c.id === pres.id);
    assert.equal(gone.anchored, false);
    assert.equal(gone.anchor_label, 'desanclado');
    assert.equal(gone.body, 'Bien', 'kept, with its text and quote');
    assert.equal(gone.quote, 'Presentación.');
  });
});

describe('questions, due dates, phases and answers', () => {
  test('a question gets its due date; the job closes the consultation by date; a late answer is counted late and shown', async () => {
    const period = '2035-2036';
    await newEdition(period, { introduccion: 'Texto de la cuenta 2035.' });
    // The consultation closes 6 s from now; answers are due the moment the answers phase starts.
    const process = await newProcess(period, { consult: -60_000, answers: 6_000, final: 3_600_000, days: 0 });
    const ana = await citizen('Rosa');
    const q = await ana.post(`/api/v1/participation/public/processes/${process}/questions`, { token: ana.token, topic: 'violencia', region_id: '13', body: '¿Cuándo abre el centro de mi comuna?', ...(await solved(ana.address)) });
    assert.equal(q.status, 201, q.text);
    assert.ok(q.json.due_at > Date.now());
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/questions`, { token: ana.token, topic: 'x', body: 'a', ...(await solved(ana.address)) }), 422, undefined, 'topic');
    // Nobody logs in: the background job switches the phase when the date comes.
    let phase;
    for (let i = 0; i < 40; i++) {
      phase = (await pub(`/api/v1/participation/public/processes/${process}`)).json.process.phase;
      if (phase === 'respuestas') break;
      await sleep(500);
    }
    assert.equal(phase, 'respuestas');
    const closed = assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/questions`, { token: ana.token, topic: 'violencia', body: 'Otra', ...(await solved(ana.address)) }), 409, 'phase_closed', 'phase');
    assert.match(closed.message, /Respuestas del Ministerio/);
    assertApiError(assert, await ana.post(`/api/v1/participation/public/processes/${process}/comments`, { token: ana.token, section_key: 'introduccion', quote: 'Texto', offset: 0, body: 'x', ...(await solved(ana.address)) }), 409, 'phase_closed');
    // The ministry answers after the due date: counted late, never hidden.
    await sleep(200);
    const a = await analyst.post(`/api/v1/participation/questions/${q.json.id}/answer`, { text: 'El centro abre en marzo.' });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.late, true);
    assertApiError(assert, await analyst.post(`/api/v1/participation/questions/${q.json.id}/answer`, { text: 'Otra' }), 409, 'already_answered');
    const p = (await pub(`/api/v1/participation/public/processes/${process}`)).json;
    const shown = p.questions.find((x) => x.id === q.json.id);
    assert.equal(shown.answer.text, 'El centro abre en marzo.');
    assert.equal(shown.answer.late, true);
    assert.equal(shown.answer.label, 'Respondida fuera de plazo');
    assert.match(shown.answer.on, /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$/);
    assert.equal(shown.region_name, 'Región Metropolitana de Santiago');
    assert.deepEqual([p.answered.on_time, p.answered.late, p.answered.total], [0, 1, 1]);
    assert.equal(p.answered.text, '0 de 1 respondidas a tiempo');
  });

  test('a consultation that has not begun refuses writing; only the ministry answers', async () => {
    const period = '2037-2038';
    await newEdition(period, { introduccion: 'Texto 2037.' });
    const process = await newProcess(period, { consult: 3_600_000, answers: 7_200_000, final: 9_000_000 });
    const ana = await citizen('Luz');
    const r = await ana.post(`/api/v1/participation/public/processes/${process}/questions`, { token: ana.token, topic: 'salud', body: '¿?', ...(await solved(ana.address)) });
    const e = assertApiError(assert, r, 409, 'phase_closed', 'phase');
    assert.match(e.message, /Aún no comienza/);
    assert.equal((await seremi.post(`/api/v1/participation/questions/1/answer`, { text: 'x' })).status, 403);
    assert.equal((await srv.request('POST', '/api/v1/participation/questions/1/answer', { body: { text: 'x' } })).status, 401);
    assertApiError(assert, await analyst.post('/api/v1/participation/processes', { period: '2099-2100', title: 'x', consult_from: '01-01-2030', answers_from: '01-02-2030', final_from: '01-03-2030', answer_days: 5 }), 422, 'no_edition', 'period');
    assertApiError(assert, await analyst.post('/api/v1/participation/processes', { period, title: 'x', consult_from: '01-03-2030', answers_from: '01-02-2030', final_from: '01-04-2030', answer_days: 5 }), 422, 'calendar_order', 'answers_from');
  });
});

describe('moderation', () => {
  test('hidden after 3 distinct reporters, the author told by e-mail, appeal, the moderator restores', async () => {
    const list = (await pub('/api/v1/participation/public/processes')).json.items;
    const process = list.find((p) => p.demo).id;
    const sec = (await pub(`/api/v1/participation/public/processes/${process}`)).json.edition.sections.find((s) => s.text.length > 10);
    const author = await citizen('Marta');
    const quote = [...sec.text].slice(0, 5).join('');
    const c = await author.post(`/api/v1/participation/public/processes/${process}/comments`, { token: author.token, section_key: sec.key, quote, offset: 0, body: 'Mi opinión', ...(await solved(author.address)) });
    assert.equal(c.status, 201, c.text);
    const path = `/api/v1/participation/public/posts/${c.json.id}/report`;
    assertApiError(assert, await author.post(path, { token: author.token, reason: 'spam' }), 409, 'own_post');
    const [r1, r2, r3] = [await citizen('R1'), await citizen('R2'), await citizen('R3')];
    assertApiError(assert, await r1.post(path, { token: r1.token, reason: 'insulto' }), 422, undefined, 'reason');
    assert.equal((await r1.post(path, { token: r1.token, reason: 'spam' })).json.hidden, false);
    assertApiError(assert, await r1.post(path, { token: r1.token, reason: 'ofensivo' }), 409, 'already_reported');
    assert.equal((await r2.post(path, { token: r2.token, reason: 'ofensivo' })).json.hidden, false, 'the same reporter twice counts once');
    const third = await r3.post(path, { token: r3.token, reason: 'no_corresponde' });
    assert.equal(third.json.hidden, true);
    const hidden = (await pub(`/api/v1/participation/public/processes/${process}`)).json.comments.find((x) => x.id === c.json.id);
    assert.equal(hidden.state, 'oculto');
    assert.equal(hidden.body, undefined, 'the text is not shown while hidden');
    const told = await smtp.waitFor(author.email, /ocultado|oculto/);
    assert.match(told.body, /apelar/);
    assertApiError(assert, await r1.post(`/api/v1/participation/public/posts/${c.json.id}/appeal`, { token: r1.token, text: 'no' }), 403, 'not_author');
    assert.equal((await author.post(`/api/v1/participation/public/posts/${c.json.id}/appeal`, { token: author.token, text: 'No es spam.' })).status, 200);
    const queue = await analyst.get(`/api/v1/participation/processes/${process}/moderation`);
    const item = queue.json.items.find((x) => x.id === c.json.id);
    assert.deepEqual(item.reasons, { spam: 1, ofensivo: 1, no_corresponde: 1 });
    assert.equal(item.appeal, 'No es spam.');
    const m = await analyst.post(`/api/v1/participation/posts/${c.json.id}/moderate`, { decision: 'restaurar' });
    assert.equal(m.status, 200, m.text);
    const back = (await pub(`/api/v1/participation/public/processes/${process}`)).json.comments.find((x) => x.id === c.json.id);
    assert.equal(back.state, 'visible');
    assert.equal(back.body, 'Mi opinión');
    await smtp.waitFor(author.email, /restaur/);
  });
});

describe('flood from one address', () => {
  test(`after ${FLOOD} writes in the window the address gets 429 with Retry-After; another address is not blocked`, async () => {
    const address = nextClientAddress();
    const send = () => srv.request('POST', '/api/v1/participation/public/verify', { body: { email: `flood.${uniq()}@correo.test` }, localAddress: address });
    for (let i = 0; i < FLOOD; i++) assert.equal((await send()).status, 202);
    const r = await send();
    assertApiError(assert, r, 429, 'rate_limited');
    assert.ok(Number(r.headers['retry-after']) > 0, r.headers['retry-after']);
    const other = await srv.request('POST', '/api/v1/participation/public/verify', { body: { email: `ok.${uniq()}@correo.test` }, localAddress: nextClientAddress() });
    assert.equal(other.status, 202, 'another address is not blocked by this one');
  });
});
