// Outreach over real HTTP (issue 18, items 4 and 5): trainings with participants by institution and
// sex and progress against targets, computed from the demo's generated participants and agreeing
// with the seed (4.286 e-learning participants in 2020; 2.500 primary-care staff as a target);
// campaigns with period and channels; talks with public registration (no account), attendance
// marked by the talk's institution and a certificate anyone checks by its code; «Nosotras»'s 23
// talks and 4.458 registrations computed from generated registrations.
// Bad input (each answered with field and reason, nothing written): a session with more participants
// than its capacity (422), a duplicate registration (409), a registration after capacity (409),
// attendance for someone not registered (422), a campaign ending before it starts (422), attendance
// to a talk that has not happened yet (409 talk_not_started; the door opens 30 minutes before),
// a registration to a talk that already began (409 talk_started), a certificate only once her
// attendance is marked. Object rules: another institution's trainer gets 404 for a session or
// talk, and the refusal is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, loginDemo, uniq } from './auth_helpers.mjs';

let srv, analyst, health, company, admin;
const pub = (p) => srv.request('GET', p);
const pubPost = (p, body) => srv.request('POST', p, { body });
const put = (client, p, body) => client.req('PUT', p, { body });

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 240_000 });
  // analyst: the ministry's trainer; focal_point: Ministerio de Salud's (another institution).
  [analyst, health, company, admin] = await Promise.all(['analyst', 'focal_point', 'company', 'admin'].map((r) => loginDemo(srv, r)));
});
after(async () => { await srv?.stop(); });

const courseByName = (items, part) => items.find((c) => c.name.includes(part));
// A talk's date and time fields (Chile's civil time, as the server reads them) for an instant.
const santiago = (ms) => {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { date: `${p.day}-${p.month}-${p.year}`, time: `${p.hour}:${p.minute}` };
};
const MINUTE = 60_000, DAY = 86_400_000;

describe('trainings: public progress computed from generated participants', () => {
  test('e-learning «Chile elige equidad» adds up to the seed\'s 4.286; APS against its 2.500 target', async () => {
    const r = await pub('/api/v1/outreach/public/trainings');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.seed.elearning_2020, 4286);
    assert.equal(r.json.seed.aps_target, 2500);
    assert.match(r.json.seed.source, /Cuenta Pública 2020–2021/);
    assert.equal(r.json.computed.elearning_2020, r.json.seed.elearning_2020);
    const el = courseByName(r.json.items, 'Chile elige equidad');
    assert.equal(el.modality, 'e_learning');
    assert.equal(el.participants, 4286);
    // The course's total is the sum of its sessions' counts, and of its counts by sex.
    assert.equal(el.session_list.reduce((a, s) => a + s.participants, 0), 4286);
    assert.equal(Object.values(el.by_sex).reduce((a, n) => a + n, 0), 4286);
    assert.ok(el.session_list.every((s) => s.participants <= s.capacity && !('rows' in s)), 'public: aggregate per session only');
    const aps = courseByName(r.json.items, 'Atención Primaria');
    assert.equal(aps.target, 2500);
    assert.match(aps.target_source, /2\.500 personas capacitadas de la red APS/);
    assert.equal(aps.session_list[0].participants, 350, 'the seed\'s first workshop');
    assert.equal(aps.progress_tenths, Math.floor(aps.participants * 1000 / 2500));
    assert.ok(aps.participants < 2500, 'still in progress');
    assert.equal(courseByName(r.json.items, 'conscriptos').participants, 40);
    assert.ok(courseByName(r.json.items, 'Carabineros').participants > 2000, '«más de dos mil»');
  });
});

describe('trainings: a trainer records her institution\'s sessions', () => {
  let courseId, sessionId;
  test('course, session, participants by institution and sex; progress recomputed', async () => {
    const c = await analyst.post('/api/v1/outreach/courses', {
      name: `Curso de prueba ${uniq()}`, modality: 'presencial', population: 'Funcionarias municipales', capacity: 30,
      target: 60, target_source: 'Meta interna de prueba',
    });
    assert.equal(c.status, 201, c.text);
    courseId = c.json.id;
    const s = await analyst.post(`/api/v1/outreach/courses/${courseId}/sessions`, { starts_on: '10-03-2026', place: 'Santiago' });
    assert.equal(s.status, 201, s.text);
    sessionId = s.json.id;
    const rows = [
      { institution: 'Municipalidad de Santiago', sex: 'mujer', count: 12 },
      { institution: 'Municipalidad de Santiago', sex: 'hombre', count: 5 },
      { institution: 'Municipalidad de Maipú', sex: 'mujer', count: 4 },
    ];
    const p = await put(analyst, `/api/v1/outreach/sessions/${sessionId}/participants`, { rows });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.participants, 21);
    const one = await analyst.get(`/api/v1/outreach/sessions/${sessionId}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.capacity, 30, 'the course\'s capacity per session by default');
    assert.equal(one.json.rows.length, 3);
    const list = await pub('/api/v1/outreach/public/trainings');
    const mine = list.json.items.find((x) => x.id === courseId);
    assert.equal(mine.participants, 21);
    assert.deepEqual(mine.by_sex, { mujer: 16, hombre: 5, no_informado: 0 });
    assert.equal(mine.progress_tenths, 350);
  });

  test('more participants than the session\'s capacity: 422 with field and reason, counts unchanged', async () => {
    const over = await put(analyst, `/api/v1/outreach/sessions/${sessionId}/participants`, {
      rows: [{ institution: 'Municipalidad de Santiago', sex: 'mujer', count: 25 }, { institution: 'Municipalidad de Maipú', sex: 'hombre', count: 6 }],
    });
    assertApiError(assert, over, 422, 'over_capacity', 'rows');
    assert.match(over.json.error.message, /30 participantes/);
    assert.equal((await analyst.get(`/api/v1/outreach/sessions/${sessionId}`)).json.participants, 21, 'nothing half-written');
    // A session larger than its course allows, a bad sex code, a repeated row, a negative count.
    assertApiError(assert, await analyst.post(`/api/v1/outreach/courses/${courseId}/sessions`, { starts_on: '11-03-2026', place: 'X', capacity: 31 }),
      422, 'over_course_capacity', 'capacity');
    assertApiError(assert, await put(analyst, `/api/v1/outreach/sessions/${sessionId}/participants`, { rows: [{ institution: 'A', sex: 'F', count: 1 }] }),
      422, undefined, 'rows[0].sex');
    assertApiError(assert, await put(analyst, `/api/v1/outreach/sessions/${sessionId}/participants`, {
      rows: [{ institution: 'A', sex: 'mujer', count: 1 }, { institution: 'A', sex: 'mujer', count: 2 }],
    }), 422, 'duplicate_row', 'rows[1]');
    assertApiError(assert, await put(analyst, `/api/v1/outreach/sessions/${sessionId}/participants`, { rows: [{ institution: 'A', sex: 'mujer', count: -1 }] }),
      422, undefined, 'rows[0].count');
    assertApiError(assert, await analyst.post(`/api/v1/outreach/courses/${courseId}/sessions`, { starts_on: '10-03-2026', ends_on: '01-03-2026', place: 'X' }),
      422, 'end_before_start', 'ends_on');
    assert.equal((await analyst.get(`/api/v1/outreach/sessions/${sessionId}`)).json.participants, 21);
  });

  test('another institution\'s trainer: 404 for the session (read, counts, new session) and the refusal is audited', async () => {
    assertApiError(assert, await health.get(`/api/v1/outreach/sessions/${sessionId}`), 404);
    assertApiError(assert, await put(health, `/api/v1/outreach/sessions/${sessionId}/participants`, { rows: [] }), 404);
    assertApiError(assert, await health.post(`/api/v1/outreach/courses/${courseId}/sessions`, { starts_on: '12-03-2026', place: 'X' }), 404);
    assert.equal((await analyst.get(`/api/v1/outreach/sessions/${sessionId}`)).json.participants, 21);
    const audit = await auditEntries(admin, 'action=outreach.session_read');
    assert.ok(audit.some((e) => e.object === `sesion:${sessionId}` && e.outcome === 'denied'), 'refusal audited');
    const created = await auditEntries(admin, 'action=outreach.session_create');
    assert.ok(created.some((e) => e.object === `curso:${courseId}` && e.outcome === 'denied'));
    // Salud edits its own (the APS workshops of the demo), and sees only those as editable.
    const staff = await health.get('/api/v1/outreach/trainings');
    assert.equal(staff.status, 200, staff.text);
    const aps = courseByName(staff.json.items, 'Atención Primaria');
    assert.ok(aps.editable && aps.session_list.every((s) => s.editable));
    assert.ok(courseByName(staff.json.items, 'Chile elige equidad').session_list.every((s) => !s.editable));
    const own = aps.session_list[0];
    const r = await health.get(`/api/v1/outreach/sessions/${own.id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.participants, 350);
    // A company has no outreach permission at all.
    assertApiError(assert, await company.get('/api/v1/outreach/trainings'), 403);
    assertApiError(assert, await pub('/api/v1/outreach/trainings'), 401);
  });
});

describe('campaigns', () => {
  test('the seed\'s campaigns with period and channels; a new one; end before start 422; unknown channel 422', async () => {
    const r = await pub('/api/v1/outreach/public/campaigns');
    assert.equal(r.status, 200, r.text);
    const archi = r.json.items.find((c) => c.name.includes('ARCHI'));
    assert.equal(archi.starts_on.value, '01-2021');
    assert.equal(archi.ends_on.value, '03-2021');
    assert.deepEqual(archi.channels.map((c) => c.id), ['radio']);
    assert.ok(r.json.items.every((c) => c.demo && /cuenta pública/i.test(c.source)));
    const name = `Campaña de prueba ${uniq()}`;
    assertApiError(assert, await analyst.post('/api/v1/outreach/campaigns', { name, starts_on: '03-2026', ends_on: '02-2026', channels: ['radio'] }),
      422, 'end_before_start', 'ends_on');
    assertApiError(assert, await analyst.post('/api/v1/outreach/campaigns', { name, starts_on: '03-2026', channels: ['telegrafo'] }), 422, 'unknown_code', 'channels');
    assertApiError(assert, await analyst.post('/api/v1/outreach/campaigns', { name, starts_on: '03-2026', channels: [] }), 422, undefined, 'channels');
    const ok = await analyst.post('/api/v1/outreach/campaigns', { name, starts_on: '03-2026', ends_on: '31-03-2026', channels: ['radio', 'redes_sociales'] });
    assert.equal(ok.status, 201, ok.text);
    const again = await pub('/api/v1/outreach/public/campaigns');
    assert.equal(again.json.items.filter((c) => c.name === name).length, 1, 'refused ones wrote nothing');
  });
});

describe('talks: public registration, attendance, certificates', () => {
  test('«Nosotras»: 23 talks and 4.458 registrations computed from the records, as the seed says', async () => {
    const r = await pub('/api/v1/outreach/public/talks');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.seed.nosotras_talks, 23);
    assert.equal(r.json.seed.nosotras_registered, 4458);
    assert.equal(r.json.computed.nosotras_talks, 23);
    assert.equal(r.json.computed.nosotras_registered, 4458);
    const nosotras = r.json.items.filter((t) => t.series === 'Nosotras');
    assert.equal(nosotras.length, 23);
    assert.equal(nosotras.reduce((a, t) => a + t.registered, 0), 4458);
    assert.ok(nosotras.every((t) => t.registered <= t.capacity));
    assert.ok(r.json.items.some((t) => !t.past && t.seats_left > 0), 'an upcoming talk is open');
  });

  let talk, other, codeA, codeB;
  const emailA = `ana.${uniq()}@correo.test`, emailB = `berta.${uniq()}@correo.test`;
  test('registration without an account; duplicate 409; full 409; bad e-mail and comuna 422', async () => {
    // It starts in about a quarter of an hour: registration still open, the door (attendance) open.
    const t = await analyst.post('/api/v1/outreach/talks', { title: `Charla de prueba ${uniq()}`, place: 'En línea', ...santiago(Date.now() + 15 * MINUTE), capacity: 2 });
    assert.equal(t.status, 201, t.text);
    talk = t.json.id;
    const o = await analyst.post('/api/v1/outreach/talks', { title: `Otra charla ${uniq()}`, place: 'En línea', ...santiago(Date.now() + 14 * DAY), capacity: 50 });
    other = o.json.id;
    const path = `/api/v1/outreach/public/talks/${talk}/registrations`;
    assertApiError(assert, await pubPost(path, { name: 'Ana Pérez', email: 'no-es-correo', comuna_id: '13101' }), 422, 'invalid_email', 'email');
    assertApiError(assert, await pubPost(path, { name: 'Ana Pérez', email: emailA, comuna_id: '99999' }), 422, 'unknown_code', 'comuna_id');
    assertApiError(assert, await pubPost(path, { email: emailA, comuna_id: '13101' }), 422, undefined, 'name');
    const a = await pubPost(path, { name: 'Ana Pérez Soto', email: emailA, comuna_id: '13101' });
    assert.equal(a.status, 201, a.text);
    codeA = a.json.code;
    assert.match(codeA, /^[A-Za-z0-9_-]{12}$/);
    // The same e-mail again, in another case: the blind index folds it.
    assertApiError(assert, await pubPost(path, { name: 'Ana P.', email: emailA.toUpperCase(), comuna_id: '13101' }), 409, 'duplicate_registration', 'email');
    const b = await pubPost(path, { name: 'Berta Rojas', email: emailB, comuna_id: '05101' });
    assert.equal(b.status, 201, b.text);
    codeB = b.json.code;
    assertApiError(assert, await pubPost(path, { name: 'Carla Díaz', email: `carla.${uniq()}@correo.test`, comuna_id: '13101' }), 409, 'talk_full');
    assertApiError(assert, await pubPost('/api/v1/outreach/public/talks/999999/registrations', { name: 'X Y', email: `x.${uniq()}@correo.test`, comuna_id: '13101' }), 404);
    const list = await pub('/api/v1/outreach/public/talks');
    const mine = list.json.items.find((x) => x.id === talk);
    assert.equal(mine.registered, 2);
    assert.equal(mine.seats_left, 0);
    // The same person may register to another talk.
    assert.equal((await pubPost(`/api/v1/outreach/public/talks/${other}/registrations`, { name: 'Ana Pérez Soto', email: emailA, comuna_id: '13101' })).status, 201);
  });

  test('staff read registrations (audited); another institution 404 (audited); a company 403', async () => {
    const r = await analyst.get(`/api/v1/outreach/talks/${talk}/registrations`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((x) => x.email).sort(), [emailA, emailB].sort());
    assert.ok(r.json.items.every((x) => !x.attended && x.certificate_url === null));
    assertApiError(assert, await health.get(`/api/v1/outreach/talks/${talk}/registrations`), 404);
    assertApiError(assert, await company.get(`/api/v1/outreach/talks/${talk}/registrations`), 403);
    const audit = await auditEntries(admin, 'action=outreach.registrations_read');
    assert.ok(audit.some((e) => e.object === `charla:${talk}` && e.outcome === 'ok'));
    assert.ok(audit.some((e) => e.object === `charla:${talk}` && e.outcome === 'denied'));
  });

  test('attendance: someone not registered 422; another institution 404 (audited); twice 409; certificate verifiable', async () => {
    const path = `/api/v1/outreach/talks/${talk}/attendance`;
    const regs = (await analyst.get(`/api/v1/outreach/talks/${talk}/registrations`)).json.items;
    const regA = regs.find((x) => x.email === emailA);
    const otherRegs = (await analyst.get(`/api/v1/outreach/talks/${other}/registrations`)).json.items;
    // Registered to ANOTHER talk, or not at all: not registered to this one.
    assertApiError(assert, await analyst.post(path, { registration_id: otherRegs[0].id }), 422, 'not_registered', 'registration_id');
    assertApiError(assert, await analyst.post(path, { email: `nadie.${uniq()}@correo.test` }), 422, 'not_registered', 'email');
    assertApiError(assert, await analyst.post(path, {}), 422, 'required', 'registration_id');
    assertApiError(assert, await health.post(path, { registration_id: regA.id }), 404);
    const denied = await auditEntries(admin, 'action=outreach.attendance');
    assert.ok(denied.some((e) => e.object === `charla:${talk}` && e.outcome === 'denied'), 'refusal audited');
    // Before attendance the code shows a registration, not a certificate.
    const before = await pub(`/api/v1/outreach/public/certificates/${codeA}`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.json.valid, false);
    const ok = await analyst.post(path, { registration_id: regA.id });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.certificate_url, `/charlas/certificado/${codeA}`);
    assertApiError(assert, await analyst.post(path, { email: emailA }), 409, 'already_marked');
    const cert = await pub(`/api/v1/outreach/public/certificates/${codeA}`);
    assert.equal(cert.status, 200, cert.text);
    assert.equal(cert.json.valid, true);
    assert.equal(cert.json.name, 'Ana Pérez Soto');
    assert.equal(cert.json.talk.id, talk);
    assert.ok(!('email' in cert.json), 'the certificate never shows her e-mail');
    assert.equal((await pub(`/api/v1/outreach/public/certificates/${codeB}`)).json.valid, false, 'B did not attend');
    assertApiError(assert, await pub('/api/v1/outreach/public/certificates/AAAAAAAAAAAA'), 404);
    assertApiError(assert, await pub('/api/v1/outreach/public/certificates/x'), 404);
    const after = (await analyst.get(`/api/v1/outreach/talks/${talk}/registrations`)).json.items;
    assert.equal(after.filter((x) => x.attended).length, 1);
  });

  test('attendance to a talk that has not happened yet: 409 talk_not_started, nothing written, no certificate', async () => {
    // Ana is registered to the other talk, two weeks ahead.
    const regs = (await analyst.get(`/api/v1/outreach/talks/${other}/registrations`)).json.items;
    const ana = regs.find((x) => x.email === emailA);
    assert.ok(ana, 'Ana is registered to the other talk');
    const r = await analyst.post(`/api/v1/outreach/talks/${other}/attendance`, { registration_id: ana.id });
    assertApiError(assert, r, 409, 'talk_not_started', 'talk');
    assert.match(r.json.error.message, /aún no se realiza.*30 minutos antes/);
    assertApiError(assert, await analyst.post(`/api/v1/outreach/talks/${other}/attendance`, { email: emailA }), 409, 'talk_not_started');
    const again = (await analyst.get(`/api/v1/outreach/talks/${other}/registrations`)).json.items.find((x) => x.id === ana.id);
    assert.equal(again.attended, false);
    assert.equal(again.certificate_url, null);
    const talks = (await pub('/api/v1/outreach/public/talks')).json.items;
    assert.equal(talks.find((x) => x.id === other).attended, 0);
    // An hour before its start the door is not open yet either.
    const soon = await analyst.post('/api/v1/outreach/talks', { title: `Charla en una hora ${uniq()}`, place: 'En línea', ...santiago(Date.now() + 62 * MINUTE), capacity: 5 });
    const email = `dora.${uniq()}@correo.test`;
    assert.equal((await pubPost(`/api/v1/outreach/public/talks/${soon.json.id}/registrations`, { name: 'Dora Soto', email, comuna_id: '13101' })).status, 201);
    assertApiError(assert, await analyst.post(`/api/v1/outreach/talks/${soon.json.id}/attendance`, { email }), 409, 'talk_not_started');
  });

  test('a talk that already began: registration 409 talk_started (no seat taken); its attendance is marked', async () => {
    const past = await analyst.post('/api/v1/outreach/talks', { title: `Charla de ayer ${uniq()}`, place: 'Santiago', ...santiago(Date.now() - DAY), capacity: 3 });
    assert.equal(past.status, 201, past.text);
    const path = `/api/v1/outreach/public/talks/${past.json.id}/registrations`;
    assertApiError(assert, await pubPost(path, { name: 'Eva Muñoz', email: `eva.${uniq()}@correo.test`, comuna_id: '13101' }), 409, 'talk_started', 'talk');
    const t = (await pub('/api/v1/outreach/public/talks')).json.items.find((x) => x.id === past.json.id);
    assert.equal(t.registered, 0);
    assert.equal(t.past, true);
    assert.equal((await analyst.get(`/api/v1/outreach/talks/${past.json.id}/registrations`)).json.items.length, 0);
    // After a talk its attendance can still be recorded (staff catch up on the paper list).
    const held = (await analyst.get('/api/v1/outreach/talks')).json.items.find((x) => x.past && x.editable && x.registered > x.attended);
    assert.ok(held, 'a past demo talk of the ministry with someone not yet marked');
    const absent = (await analyst.get(`/api/v1/outreach/talks/${held.id}/registrations`)).json.items.find((x) => !x.attended);
    const ok = await analyst.post(`/api/v1/outreach/talks/${held.id}/attendance`, { registration_id: absent.id });
    assert.equal(ok.status, 200, ok.text);
    const code = ok.json.certificate_url.split('/').pop();
    assert.equal((await pub(`/api/v1/outreach/public/certificates/${code}`)).json.valid, true);
  });

  test('home items lead trainers to the staff screens', async () => {
    const h = await analyst.get('/api/v1/me/home');
    assert.equal(h.status, 200, h.text);
    const links = (h.json.items ?? []).map((i) => i.link);
    assert.ok(links.includes('/capacitaciones/gestion') && links.includes('/charlas/gestion'), JSON.stringify(links));
  });
});
