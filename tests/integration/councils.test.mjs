// Councils and intersectoral tables over real HTTP (issue 16 item 1): the COSOC, the Consejo Asesor
// (Ley 20.820: 10 members) and the mesas as public bodies with members, sessions, attendance and
// quorum, minutes published and agreements with follow-up. The demo agrees with the seed; the
// 11th member of the Consejo Asesor is refused (422); a SEREMI manages only her region's bodies;
// bad input is refused with field and reason and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, loginDemo } from './auth_helpers.mjs';

let srv, analyst, seremi, focal, admin;
const pub = (p) => srv.request('GET', p);
const bodies = async (q = '') => (await pub(`/api/v1/councils/public/bodies${q}`)).json.items;
const byKind = async (kind) => (await bodies(`?kind=${kind}`))[0];
const detail = async (id, client) => (client ? client.get(`/api/v1/councils/public/bodies/${id}`) : pub(`/api/v1/councils/public/bodies/${id}`));

// The seed's Consejo Asesor as written in the Cuenta Pública 2020–2021 («h. Consejo Asesor»).
const SEED_ASESOR = ['Gina Ocqueteau', 'Juan Carlos Eichholz', 'Mercedes Ducci', 'Javiera Reyes', 'Carla Kutz', 'David Bravo',
  'Francisca Valdés', 'Francisca Junemann', 'Hans Eben', 'Carmen Gloria Arroyo'];

before(async () => {
  // The whole demo loads first (every module's): slow on a shared machine with PostgreSQL.
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 240_000 });
  [analyst, seremi, focal, admin] = await Promise.all(['analyst', 'seremi', 'focal_point', 'admin'].map((r) => loginDemo(srv, r)));
});
after(async () => { await srv?.stop(); });

describe('public read', () => {
  test('the demo bodies agree with the seed: 10 Consejo Asesor members by name, COSOC monthly June–November 2020 and March 2021', async () => {
    const all = await bodies();
    assert.ok(all.length >= 4, JSON.stringify(all));
    assert.ok(all.every((b) => b.demo), 'demo data say they are demo');
    const asesor = await byKind('consejo_asesor');
    assert.equal(asesor.seats, 10);
    assert.equal(asesor.active_members, 10);
    const a = (await detail(asesor.id)).json;
    assert.deepEqual(a.members.map((m) => m.name).sort(), [...SEED_ASESOR].sort());
    const cosoc = (await detail((await byKind('cosoc')).id)).json;
    const months = cosoc.session_list.map((s) => s.held_on.value.slice(0, 7)).sort();
    assert.deepEqual(months, ['2020-06', '2020-07', '2020-08', '2020-09', '2020-10', '2020-11', '2021-03']);
    assert.ok(cosoc.session_list.some((s) => s.topics.some((t) => /Campaña Radial para Hombres/.test(t))));
    const mesas = await bodies('?kind=mesa');
    assert.ok(mesas.some((m) => m.name === 'Mesa Nacional Mujer y Minería' && m.region_id === ''));
    const arica = mesas.find((m) => m.region_id === '15');
    assert.match(arica.name, /Mujer y Minería/);
    assert.equal(arica.region_name, 'Región de Arica y Parinacota');
    const ad = (await detail(arica.id)).json;
    for (const org of ['Seremi de Minería', 'Pampa Camarones', 'Quiborax', 'Imerys']) assert.ok(ad.members.some((m) => m.organisation === org), org);
    // Regional filter.
    assert.deepEqual((await bodies('?region=15')).map((b) => b.id), [arica.id]);
    assertApiError(assert, await pub('/api/v1/councils/public/bodies?kind=junta'), 400, 'invalid_parameter', 'kind');
    assertApiError(assert, await pub('/api/v1/councils/public/bodies/999999'), 404);
  });

  test('no contact data, no draft minutes and no editor names without a session; quorum and overdue computed', async () => {
    const cosoc = await byKind('cosoc');
    const r = await detail(cosoc.id);
    assert.equal(r.status, 200, r.text);
    assert.doesNotMatch(r.text, /@|email|phone|telefono|correo/i);
    assert.equal(r.json.manageable, false);
    for (const s of r.json.session_list) {
      assert.ok(!('minutes_draft' in s));
      const q = s.quorum;
      assert.equal(q.present + q.absent + q.excused + q.unrecorded, q.members);
      assert.equal(q.needed, Math.floor(q.members / 2) + 1);
      assert.equal(q.met, q.present >= q.needed);
      assert.equal(s.attendance.length, q.members);
    }
    assert.ok(r.json.agreements.every((a) => a.updates.every((u) => !('by' in u))));
    // The election of the second period (due May 2021) is still «en curso»: overdue.
    const election = r.json.agreements.find((a) => /segundo período/.test(a.text));
    assert.equal(election.overdue, true);
    assert.equal(cosoc.agreements_overdue, 1);
    const mine = await detail(cosoc.id, analyst);
    assert.equal(mine.json.manageable, true);
    assert.ok(mine.json.agreements.every((a) => a.updates.every((u) => typeof u.by === 'string')));
  });
});

describe('the ministry edits', () => {
  test('the Consejo Asesor refuses an 11th member (422 seats_full, nothing written); after a term ends a new member fits', async () => {
    const asesor = await byKind('consejo_asesor');
    const member = { name: 'Integrante Nueva', organisation: 'Universidad de prueba', role: 'consejera', term_from: '01-01-2026' };
    const before = (await detail(asesor.id)).json.members.length;
    assertApiError(assert, await analyst.post(`/api/v1/councils/bodies/${asesor.id}/members`, member), 422, 'seats_full', 'term_from');
    assert.equal((await detail(asesor.id)).json.members.length, before, 'nothing written');
    const leaving = (await detail(asesor.id)).json.members[0];
    // An end before the start is refused.
    assertApiError(assert, await analyst.req('PUT', `/api/v1/councils/bodies/${asesor.id}/members/${leaving.id}`, { body: { term_until: '01-01-2000' } }),
      422, 'end_before_start', 'term_until');
    const ended = await analyst.req('PUT', `/api/v1/councils/bodies/${asesor.id}/members/${leaving.id}`, { body: { term_until: '31-12-2025' } });
    assert.equal(ended.status, 200, ended.text);
    const ok = await analyst.post(`/api/v1/councils/bodies/${asesor.id}/members`, member);
    assert.equal(ok.status, 201, ok.text);
    const after = (await detail(asesor.id)).json;
    assert.equal(after.active_members, 10);
    assert.equal(after.members.find((m) => m.id === leaving.id).active, false);
    // Still full for the next one.
    assertApiError(assert, await analyst.post(`/api/v1/councils/bodies/${asesor.id}/members`, { ...member, name: 'Otra Persona' }), 422, 'seats_full');
  });

  test('a mesa: members, a session with its agenda, attendance with quorum, minutes published once, agreements and follow-up', async () => {
    const created = await analyst.post('/api/v1/councils/bodies', { kind: 'mesa', name: 'Mesa Mujer y Energía (prueba)', legal_basis: 'Mesa público-privada', since: '2021-01-10' });
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    const ids = [];
    for (const [name, org] of [['Ana Pérez', 'Ministerio de Energía'], ['Berta Soto', 'Empresa Eléctrica'], ['Carla Díaz', 'SernamEG']]) {
      const r = await analyst.post(`/api/v1/councils/bodies/${id}/members`, { name, organisation: org, role: 'integrante', term_from: '2021-01-10' });
      assert.equal(r.status, 201, r.text);
      ids.push(r.json.id);
    }
    const session = await analyst.post(`/api/v1/councils/bodies/${id}/sessions`, { held_on: '15-03-2021', modality: 'presencial', place: 'Santiago', topics: ['Plan de trabajo 2021', 'Diagnóstico del sector'] });
    assert.equal(session.status, 201, session.text);
    const sid = session.json.id;
    // Quorum: 3 members in office, 2 needed; one present is not enough.
    let q = await analyst.req('PUT', `/api/v1/councils/sessions/${sid}/attendance`, { body: { attendance: [{ member_id: ids[0], status: 'presente' }, { member_id: ids[1], status: 'excusado' }] } });
    assert.equal(q.status, 200, q.text);
    assert.deepEqual([q.json.members, q.json.present, q.json.needed, q.json.met, q.json.unrecorded], [3, 1, 2, false, 1]);
    q = await analyst.req('PUT', `/api/v1/councils/sessions/${sid}/attendance`, { body: { attendance: [{ member_id: ids[0], status: 'presente' }, { member_id: ids[1], status: 'presente' }, { member_id: ids[2], status: 'ausente' }] } });
    assert.deepEqual([q.json.present, q.json.absent, q.json.met], [2, 1, true]);
    // Draft minutes: visible to the editor, not to the public; published once, then 409.
    assert.equal((await analyst.req('PUT', `/api/v1/councils/sessions/${sid}/minutes`, { body: { minutes: 'Borrador del acta' } })).status, 200);
    let s = (await detail(id)).json.session_list[0];
    assert.ok(!('minutes' in s) && !('minutes_draft' in s));
    assert.equal((await detail(id, analyst)).json.session_list[0].minutes_draft, 'Borrador del acta');
    assertApiError(assert, await analyst.req('PUT', `/api/v1/councils/sessions/${sid}/minutes`, { body: { minutes: '', publish: true } }), 422, undefined, 'minutes');
    assert.equal((await analyst.req('PUT', `/api/v1/councils/sessions/${sid}/minutes`, { body: { minutes: 'Acta aprobada: se acuerda el plan 2021.', publish: true } })).status, 200);
    s = (await detail(id)).json.session_list[0];
    assert.equal(s.minutes, 'Acta aprobada: se acuerda el plan 2021.');
    assert.equal(s.minutes_published, true);
    assertApiError(assert, await analyst.req('PUT', `/api/v1/councils/sessions/${sid}/minutes`, { body: { minutes: 'Otra cosa' } }), 409, 'minutes_published');
    // Agreements: one overdue (due in 2021, pending), one closed by follow-up.
    const a1 = await analyst.post(`/api/v1/councils/sessions/${sid}/agreements`, { text: 'Elaborar el diagnóstico del sector', owner: 'Ministerio de Energía', due_on: '30-06-2021' });
    assert.equal(a1.status, 201, a1.text);
    const a2 = await analyst.post(`/api/v1/councils/sessions/${sid}/agreements`, { text: 'Invitar a nuevas empresas', owner: 'SernamEG', due_on: '31-12-2099' });
    assert.equal(a2.status, 201, a2.text);
    let d = (await detail(id)).json;
    assert.equal(d.agreements.find((a) => a.id === a1.json.id).overdue, true);
    assert.equal(d.agreements.find((a) => a.id === a2.json.id).overdue, false);
    assert.equal(d.agreements_overdue, 1);
    const up = await analyst.post(`/api/v1/councils/agreements/${a1.json.id}/updates`, { status: 'cumplido', note: 'Diagnóstico entregado' });
    assert.equal(up.status, 200, up.text);
    d = (await detail(id)).json;
    const done = d.agreements.find((a) => a.id === a1.json.id);
    assert.equal(done.overdue, false);
    assert.deepEqual(done.updates.map((u) => u.status), ['pendiente', 'cumplido']);
    assertApiError(assert, await analyst.post(`/api/v1/councils/agreements/${a1.json.id}/updates`, { status: 'en_curso', note: 'reabrir' }), 409, 'agreement_closed');
    // Audited.
    const entries = await auditEntries(admin, 'action=councils.');
    for (const act of ['councils.body_create', 'councils.member_add', 'councils.session_add', 'councils.attendance', 'councils.minutes_publish',
      'councils.agreement_add', 'councils.agreement_update'])
      assert.ok(entries.some((e) => e.action === act), act);
  });

  test('bad input: each refused with field and reason, nothing written', async () => {
    const mesa = (await bodies('?kind=mesa')).find((m) => m.region_id === '');
    const before = (await detail(mesa.id)).json;
    const m = (body) => analyst.post(`/api/v1/councils/bodies/${mesa.id}/members`, body);
    assertApiError(assert, await m({ organisation: 'X', role: 'integrante', term_from: '2021-01-01' }), 422, undefined, 'name');
    assertApiError(assert, await m({ name: 'A', organisation: 'X', role: 'reina', term_from: '2021-01-01' }), 422, undefined, 'role');
    assertApiError(assert, await m({ name: 'A', organisation: 'X', role: 'integrante', term_from: '31-02-2021' }), 422, 'invalid_date', 'term_from');
    assertApiError(assert, await m({ name: 'A', organisation: 'X', role: 'integrante', term_from: '2021-05-01', term_until: '2021-01-01' }), 422, 'end_before_start', 'term_until');
    assertApiError(assert, await m({ name: 'A', organisation: 'X', role: 'integrante', term_from: '2021-05-01', email: 'a@b.cl' }), 422, 'unknown_field', 'email');
    const sess = (body) => analyst.post(`/api/v1/councils/bodies/${mesa.id}/sessions`, body);
    assertApiError(assert, await sess({ held_on: '2021-03-01', modality: 'presencial', topics: ['Tema'] }), 422, 'required', 'place');
    assertApiError(assert, await sess({ held_on: '2021-03-01', modality: 'remota', topics: [] }), 422, 'required', 'topics');
    assertApiError(assert, await sess({ held_on: '2021-03-01', modality: 'remota', topics: 'Tema' }), 422, 'invalid_type', 'topics');
    assertApiError(assert, await sess({ held_on: 'ayer', modality: 'remota', topics: ['Tema'] }), 422, 'invalid_date', 'held_on');
    const sid = before.session_list[0].id;
    const att = (list) => analyst.req('PUT', `/api/v1/councils/sessions/${sid}/attendance`, { body: { attendance: list } });
    const foreign = (await detail((await byKind('cosoc')).id)).json.members[0].id;
    assertApiError(assert, await att([{ member_id: foreign, status: 'presente' }]), 422, 'unknown_member', 'attendance[0].member_id');
    assertApiError(assert, await att([{ member_id: before.members[0].id, status: 'tarde' }]), 422, undefined, 'attendance[0].status');
    assertApiError(assert, await att([{ member_id: before.members[0].id, status: 'presente' }, { member_id: before.members[0].id, status: 'ausente' }]), 422, 'duplicate', 'attendance[1].member_id');
    assertApiError(assert, await analyst.post(`/api/v1/councils/sessions/${sid}/agreements`, { text: 'Algo', owner: 'Alguien', due_on: '01-01-2001' }), 422, 'due_before_session', 'due_on');
    assertApiError(assert, await analyst.post('/api/v1/councils/bodies', { kind: 'consejo_asesor', name: 'Otro Consejo Asesor' }), 409, 'duplicate_body', 'kind');
    assertApiError(assert, await analyst.post('/api/v1/councils/bodies', { kind: 'mesa', name: 'Mesa sin región', region_id: '99' }), 422, 'unknown_code', 'region_id');
    assertApiError(assert, await analyst.post('/api/v1/councils/bodies', { kind: 'cosoc', name: 'COSOC regional', region_id: '15' }), 422, 'national_only', 'region_id');
    const after = (await detail(mesa.id)).json;
    assert.equal(after.members.length, before.members.length);
    assert.equal(after.session_list.length, before.session_list.length);
    assert.equal(after.agreements.length, before.agreements.length);
    assert.deepEqual(after.session_list[0].quorum, before.session_list[0].quorum);
  });
});

describe('who may change what', () => {
  test('a SEREMI (Región Metropolitana) manages her region\'s mesa only; national and other regions 403; a focal point 403', async () => {
    const own = await seremi.post('/api/v1/councils/bodies', { kind: 'mesa', name: 'Mesa Regional Mujer y Trabajo (prueba)', region_id: '13' });
    assert.equal(own.status, 201, own.text);
    const add = await seremi.post(`/api/v1/councils/bodies/${own.json.id}/members`, { name: 'Rosa Vera', organisation: 'Seremi del Trabajo', role: 'integrante', term_from: '2021-01-01' });
    assert.equal(add.status, 201, add.text);
    assertApiError(assert, await seremi.post('/api/v1/councils/bodies', { kind: 'mesa', name: 'Otra región', region_id: '15' }), 403, 'forbidden', 'region_id');
    const arica = (await bodies('?region=15'))[0];
    assertApiError(assert, await seremi.post(`/api/v1/councils/bodies/${arica.id}/members`, { name: 'X', organisation: 'Y', role: 'integrante', term_from: '2021-01-01' }), 403, 'forbidden');
    const aricaSession = (await detail(arica.id)).json.session_list[0].id;
    assertApiError(assert, await seremi.req('PUT', `/api/v1/councils/sessions/${aricaSession}/minutes`, { body: { minutes: 'x' } }), 403);
    const cosoc = await byKind('cosoc');
    assertApiError(assert, await seremi.post(`/api/v1/councils/bodies/${cosoc.id}/sessions`, { held_on: '2021-03-01', modality: 'remota', topics: ['T'] }), 403);
    const agreement = (await detail(cosoc.id)).json.agreements[0].id;
    assertApiError(assert, await seremi.post(`/api/v1/councils/agreements/${agreement}/updates`, { status: 'cumplido', note: 'x' }), 403);
    assertApiError(assert, await focal.post(`/api/v1/councils/bodies/${cosoc.id}/sessions`, { held_on: '2021-03-01', modality: 'remota', topics: ['T'] }), 403);
    assertApiError(assert, await srv.request('POST', '/api/v1/councils/bodies', { body: { kind: 'mesa', name: 'x' } }), 401);
    const listed = (await seremi.get('/api/v1/councils/public/bodies')).json.items;
    assert.equal(listed.find((b) => b.id === own.json.id).manageable, true);
    assert.equal(listed.find((b) => b.id === cosoc.id).manageable, false);
    const denied = await auditEntries(admin, 'action=councils.');
    assert.ok(denied.some((e) => e.outcome === 'denied' && e.action === 'councils.member_add'));
  });
});
