// The legislative agenda over real HTTP: public reading of the demo agenda, and an analyst who
// registers a bill, moves it and handles its urgency (Ley N° 18.918 art. 27).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { Client, loginDemo } from './auth_helpers.mjs';

let srv;
let analyst;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  analyst = await loginDemo(srv, 'analyst');
});
after(async () => { await srv?.stop(); });

const get = (p) => srv.request('GET', p);

// Calendar days in America/Santiago, as dd-mm-aaaa, `offset` days from today.
function chileDay(offset = 0) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', day: '2-digit', month: '2-digit', year: 'numeric' })
    .formatToParts(new Date()).filter((p) => p.type !== 'literal').map((p) => [p.type, p.value]));
  const d = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) + offset));
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

describe('public agenda (demo data from the 2020–2021 public account)', () => {
  test('lists the laws and bills of the account, without a session', async () => {
    const r = await get('/api/v1/legislative/bills');
    assert.equal(r.status, 200, r.text);
    const items = r.json.items;
    const laws = items.filter((x) => x.law_number).map((x) => x.law_number).sort();
    assert.deepEqual(laws, ['21.212', '21.264']);
    const boletines = items.map((x) => x.boletin).filter(Boolean).sort();
    assert.deepEqual(boletines, ['11077-07', '11758-07', '12026-13', '12473-07', '13330-07', '13541-07', '7567-07', '9715-07']);
    const gabriela = items.find((x) => x.law_number === '21.212');
    assert.equal(gabriela.stage, 'publicada');
    assert.equal(gabriela.published_on, '04-03-2020');
    assert.match(gabriela.title, /Gabriela/);
    const sala = items.find((x) => x.boletin === '12026-13');
    assert.equal(sala.stage, 'primer_tramite');
    assert.equal(sala.origin_chamber, 'senado');
    assert.equal(sala.urgency.type, 'suma');
    assert.equal(sala.urgency.deadline, null, 'the account gives no date for this urgency');
    assert.equal(items.find((x) => x.boletin === '9715-07').stage, 'comision_mixta');
    assert.equal(items.find((x) => x.boletin === '13541-07').entered_on, '27-05-2020');
  });

  test('filters by stage and by text (accents ignored)', async () => {
    const seg = await get('/api/v1/legislative/bills?stage=segundo_tramite');
    assert.equal(seg.status, 200);
    assert.deepEqual(seg.json.items.map((x) => x.boletin).sort(), ['11077-07', '11758-07', '7567-07']);
    const q = await get(`/api/v1/legislative/bills?q=${encodeURIComponent('telematico')}`);
    assert.deepEqual(q.json.items.map((x) => x.boletin).sort(), ['13541-07', '9715-07']);
    const b = await get('/api/v1/legislative/bills?q=12473');
    assert.deepEqual(b.json.items.map((x) => x.boletin), ['12473-07']);
    assertApiError(assert, await get('/api/v1/legislative/bills?stage=aprobada'), 400, 'invalid_parameter', 'stage');
  });

  test('detail carries the timeline', async () => {
    const list = await get('/api/v1/legislative/bills?q=9715-07');
    const id = list.json.items[0].id;
    const r = await get(`/api/v1/legislative/bills/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.boletin, '9715-07');
    assert.deepEqual(r.json.timeline.map((e) => e.stage), ['tercer_tramite', 'comision_mixta']);
    assert.match(r.json.timeline[1].note, /Comisión Mixta/);
    assertApiError(assert, await get('/api/v1/legislative/bills/999999'), 404, 'not_found');
    assertApiError(assert, await get('/api/v1/legislative/bills/abc'), 404, 'not_found');
  });
});

describe('an analyst manages a bill', () => {
  const boletin = '99901-07';
  let id;

  test('creates a bill', async () => {
    const r = await analyst.post('/api/v1/legislative/bills', {
      boletin, title: 'Proyecto de prueba sobre igualdad salarial', kind: 'mocion', origin_chamber: 'camara',
      entered_on: chileDay(-10), committee: 'Comisión de Mujeres y Equidad de Género',
    });
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
    assert.equal(r.json.stage, 'primer_tramite');
    assert.equal(r.json.entered_on, chileDay(-10));
    assert.equal(r.json.urgency, null);
    assert.equal(r.json.timeline.length, 1);
    const dup = await analyst.post('/api/v1/legislative/bills', {
      boletin, title: 'Otro', kind: 'mensaje', origin_chamber: 'senado', entered_on: chileDay(-1),
    });
    assertApiError(assert, dup, 409, 'duplicate_boletin', 'boletin');
  });

  test('sets a suma urgency: deadline 15 calendar days after it is reported', async () => {
    const r = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'urgency_set', urgency: 'suma', date: chileDay(-5) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.urgency.type, 'suma');
    assert.equal(r.json.urgency.since, chileDay(-5));
    assert.equal(r.json.urgency.deadline, chileDay(10));
    assert.equal(r.json.urgency.days_left, 10);
    const due = await get('/api/v1/legislative/urgencies/due?days=12');
    assert.equal(due.status, 200, due.text);
    assert.ok(due.json.items.some((x) => x.id === id), due.text);
    const soon = await get('/api/v1/legislative/urgencies/due?days=5');
    assert.ok(!soon.json.items.some((x) => x.id === id));
  });

  test('renewal restarts the count; withdrawal ends it', async () => {
    const r = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'urgency_renewed', date: chileDay(0) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.urgency.type, 'suma');
    assert.equal(r.json.urgency.deadline, chileDay(15));
    const due = await get('/api/v1/legislative/urgencies/due?days=20');
    const mine = due.json.items.findIndex((x) => x.id === id);
    assert.ok(mine >= 0, due.text);
    const deadlines = due.json.items.map((x) => x.urgency.days_left);
    assert.deepEqual(deadlines, [...deadlines].sort((a, b) => a - b), 'soonest first');
    assert.ok(!(await get('/api/v1/legislative/urgencies/due?days=12')).json.items.some((x) => x.id === id));

    const w = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'urgency_withdrawn', date: chileDay(0) });
    assert.equal(w.status, 201, w.text);
    assert.equal(w.json.urgency, null);
    assert.ok(!(await get('/api/v1/legislative/urgencies/due?days=60')).json.items.some((x) => x.id === id));
    const again = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'urgency_withdrawn', date: chileDay(0) });
    assertApiError(assert, again, 422, 'no_urgency', 'kind');
    const d = await get(`/api/v1/legislative/bills/${id}`);
    assert.deepEqual(d.json.timeline.map((e) => e.kind), ['stage', 'urgency_set', 'urgency_renewed', 'urgency_withdrawn']);
  });

  test('moves stages forward only; publication needs the law number and date', async () => {
    const ok = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'stage', stage: 'segundo_tramite', committee: 'Comisión de Hacienda' });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.stage, 'segundo_tramite');
    const back = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'stage', stage: 'primer_tramite' });
    const e = assertApiError(assert, back, 422, 'invalid_transition', 'stage');
    assert.match(e.message, /solo avanza/);
    const noLaw = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'stage', stage: 'publicada', published_on: chileDay(0) });
    assertApiError(assert, noLaw, 422, 'invalid_law_number', 'law_number');
    const pub = await analyst.post(`/api/v1/legislative/bills/${id}/events`,
      { kind: 'stage', stage: 'publicada', law_number: 'N° 21.999', published_on: chileDay(0) });
    assert.equal(pub.status, 201, pub.text);
    assert.equal(pub.json.law_number, '21.999');
    assert.equal(pub.json.published_on, chileDay(0));
    const archive = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'stage', stage: 'archivada' });
    assertApiError(assert, archive, 422, 'invalid_transition', 'stage');
    const urg = await analyst.post(`/api/v1/legislative/bills/${id}/events`, { kind: 'urgency_set', urgency: 'simple', date: chileDay(0) });
    assertApiError(assert, urg, 422, 'not_in_congress', 'kind');
  });

  test('changes are in the audit log', async () => {
    // The analyst has no audit.read; the admin reads it.
    const admin = await loginDemo(srv, 'admin');
    const r = await admin.get('/api/v1/audit?action=legislative.&limit=50');
    assert.equal(r.status, 200, r.text);
    const actions = r.json.items.filter((x) => x.object === `legislative_bill:${id}`).map((x) => x.action).sort();
    assert.deepEqual(actions, ['legislative.bill_create', 'legislative.stage_change', 'legislative.stage_change',
      'legislative.urgency_renew', 'legislative.urgency_set', 'legislative.urgency_withdraw']);
  });
});

describe('refusals', () => {
  test('malformed boletín: 422 on boletin, nothing stored', async () => {
    for (const boletin of ['13541', '13541-7', 'ABC-07', '123456-07', '13541/07']) {
      const r = await analyst.post('/api/v1/legislative/bills', {
        boletin, title: 'Proyecto mal numerado', kind: 'mensaje', origin_chamber: 'senado', entered_on: chileDay(-1),
      });
      const e = assertApiError(assert, r, 422, 'invalid_boletin', 'boletin');
      assert.match(e.message, /boletín/);
    }
    const q = await get(`/api/v1/legislative/bills?q=${encodeURIComponent('mal numerado')}`);
    assert.deepEqual(q.json.items, []);
  });

  test('unknown fields and bad values are refused', async () => {
    const base = { boletin: '99902-07', title: 'X', kind: 'mensaje', origin_chamber: 'senado', entered_on: chileDay(-1) };
    assertApiError(assert, await analyst.post('/api/v1/legislative/bills', { ...base, urgencia: 'suma' }), 422, 'unknown_field', 'urgencia');
    assertApiError(assert, await analyst.post('/api/v1/legislative/bills', { ...base, kind: 'decreto' }), 422, undefined, 'kind');
    assertApiError(assert, await analyst.post('/api/v1/legislative/bills', { ...base, entered_on: '31-02-2021' }), 422, 'invalid_date', 'entered_on');
    assertApiError(assert, await analyst.post('/api/v1/legislative/bills', { ...base, entered_on: chileDay(3) }), 422, 'invalid_date', 'entered_on');
    assertApiError(assert, await analyst.post('/api/v1/legislative/bills', { ...base, stage: 'publicada' }), 422, undefined, 'stage');
    assert.equal((await get('/api/v1/legislative/bills?q=99902')).json.items.length, 0);
  });

  test('a focal point may read but not change the agenda (403)', async () => {
    const enlace = await loginDemo(srv, 'focal_point');
    const r = await enlace.post('/api/v1/legislative/bills', {
      boletin: '99903-07', title: 'Sin permiso', kind: 'mensaje', origin_chamber: 'senado', entered_on: chileDay(-1),
    });
    assertApiError(assert, r, 403, 'forbidden');
    const list = await get('/api/v1/legislative/bills');
    const some = list.json.items[0].id;
    assertApiError(assert, await enlace.post(`/api/v1/legislative/bills/${some}/events`, { kind: 'note', note: 'x' }), 403, 'forbidden');
    assert.equal((await get('/api/v1/legislative/bills?q=99903')).json.items.length, 0);
  });

  test('anonymous writes are refused (401)', async () => {
    const c = new Client(srv);
    const r = await c.post('/api/v1/legislative/bills', {
      boletin: '99904-07', title: 'Anónimo', kind: 'mensaje', origin_chamber: 'senado', entered_on: chileDay(-1),
    });
    assertApiError(assert, r, 401, 'unauthenticated');
    assertApiError(assert, await c.post('/api/v1/legislative/bills/1/events', { kind: 'note', note: 'x' }), 401, 'unauthenticated');
  });
});
