// The Cuenta Pública Participativa over real HTTP (issue 16): the demo edition compiled from the
// demo history and published; an analyst drafts, edits and publishes an edition whose figures then
// stay frozen; SEREMI teams record milestones of their own region only; bad input refused with the
// field, nothing written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, loginDemo, login, newPassword, uniq } from './auth_helpers.mjs';

let srv, analyst, reviewer, seremi, seremiMaule, admin, focal;
const put = (c, p, body) => c.req('PUT', p, { body });

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 300_000 }); // generous: the demo on a shared machine
  [analyst, seremi, admin, focal] = await Promise.all(['analyst', 'seremi', 'admin', 'focal_point'].map((r) => loginDemo(srv, r)));
  // A second SEREMI team, of the Región del Maule (07).
  const inst = await admin.post('/api/v1/institutions', { name: `SEREMI de la Mujer, Región del Maule ${uniq()}`, type: 'seremi', region_id: '07' });
  assert.equal(inst.status, 201, inst.text);
  const email = `seremi.maule.${uniq()}@equidad.test`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Paula Andrea Soto', email, institution_id: inst.json.id, roles: ['seremi'], region_id: '07', password });
  assert.equal(u.status, 201, u.text);
  seremiMaule = await login(srv, email, { password });
  // A second analyst: the review of a version is done by someone other than who sent it.
  const inst2 = await admin.post('/api/v1/institutions', { name: `Servicio revisor ${uniq()}`, type: 'public_service' });
  assert.equal(inst2.status, 201, inst2.text);
  const email2 = `analista.revisora.${uniq()}@equidad.test`, password2 = newPassword();
  const r = await admin.post('/api/v1/users', { name: 'Carolina Isabel Muñoz', email: email2, institution_id: inst2.json.id, roles: ['analyst'], password: password2 });
  assert.equal(r.status, 201, r.text);
  reviewer = await login(srv, email2, { password: password2 });
});
after(async () => { await srv?.stop(); });

const pub = (p) => srv.request('GET', p);
const section = (doc, key) => doc.sections.find((s) => s.key === key);

describe('the demo edition', () => {
  test('is published, labelled demo, and carries the seed\'s 16 regional tables and live figures with source and date', async () => {
    const list = await pub('/api/v1/account/public/editions');
    assert.equal(list.status, 200, list.text);
    const demo = list.json.items.find((e) => e.demo);
    assert.ok(demo, 'a demo edition is published');
    assert.equal(demo.state, 'publicada');
    assert.match(demo.title, /demostración/);
    assert.match(demo.sha256, /^[0-9a-f]{64}$/);
    const r = await pub(`/api/v1/account/public/editions/${demo.id}`);
    assert.equal(r.status, 200, r.text);
    const doc = r.json.document;
    assert.deepEqual(doc.sections.map((s) => s.key), ['introduccion', 'agenda_legislativa', 'logros', 'plan_covid', 'seremis', 'proyeccion']);
    assert.match(section(doc, 'introduccion').text, /DATOS DE DEMOSTRACIÓN/);
    // Regional tables: every region, in geographic order, imported from the seed's text.
    const regions = section(doc, 'seremis').figures.regions;
    assert.equal(regions.length, 16);
    assert.deepEqual(regions.map((x) => x.region_id), ['15', '01', '02', '03', '04', '05', '13', '06', '07', '16', '08', '09', '14', '10', '11', '12']);
    for (const reg of regions) assert.ok(reg.milestones.length > 0, `${reg.name} has milestones`);
    const arica = regions[0].milestones;
    assert.match(arica[0].title, /^Firma Convenio con Empresa Minera Quiborax/);
    assert.equal(arica[0].date, '03-11-2020', 'dd-mm-yy recognised');
    const tarapaca = regions[1].milestones;
    assert.equal(tarapaca.find((m) => /Mascarilla 19/.test(m.title)).date, '28-04-2020', '«28 de abril de 2020» recognised');
    assert.equal(tarapaca[0].date_text, 'enero de 2020', 'a month without a day is kept as a month');
    // Figures pulled from the modules, each with its source and time.
    const agenda = section(doc, 'agenda_legislativa').figures;
    assert.match(agenda.source, /Agenda legislativa/);
    assert.match(agenda.as_of, /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$/);
    assert.ok(agenda.bills.some((b) => b.law_number === '21.212'), 'Ley Gabriela from the legislative module');
    const achievements = section(doc, 'logros').figures;
    assert.ok(achievements.instruments.length > 0);
    const pmg = achievements.instruments.find((i) => i.code === 'pmg-genero');
    assert.ok(pmg, 'the PMG from policy tracking');
    assert.ok(pmg.declared.some((d) => d.computed_text && d.agrees === true), 'seed figures beside the computed ones, agreeing');
    const covid = section(doc, 'plan_covid').figures;
    assert.ok(covid.total > 0, 'contacts counted from the channels\' demo records');
    assert.equal(covid.total, covid.by_channel.reduce((a, c) => a + c.count, 0));
  });

  test('the printable page renders the frozen document: contents, tables with headers, the hash; no script', async () => {
    const list = await pub('/api/v1/account/public/editions');
    const demo = list.json.items.find((e) => e.demo);
    const r = await pub(`/api/v1/account/public/editions/${demo.id}/print`);
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/html/);
    assert.match(r.text, /<nav aria-label="Índice">/);
    assert.match(r.text, /<thead><tr><th>Hito o acción<\/th><th>Descripción<\/th><th>Resultados<\/th><\/tr><\/thead>/);
    assert.ok(r.text.includes(demo.sha256));
    assert.match(r.text, /Datos de demostración/);
    assert.doesNotMatch(r.text, /<script/i);
    assertApiError(assert, await pub('/api/v1/account/public/editions/999999/print'), 404, 'not_found');
  });
});

describe('drafting and publishing', () => {
  let id;
  test('an analyst drafts an edition, edits a section, sees live figures, publishes; the published one never changes', async () => {
    const c = await analyst.post('/api/v1/account/editions', { period: '2021-2022', title: 'Cuenta Pública 2021–2022', from_on: '01-01-2021', to_on: '31-12-2026' });
    assert.equal(c.status, 201, c.text);
    id = c.json.id;
    assert.equal(c.json.state, 'borrador');
    // A draft is not public.
    assertApiError(assert, await pub(`/api/v1/account/public/editions/${id}`), 404, 'not_found');
    const t = await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'Presentación <b>de la ministra</b>.' });
    assert.equal(t.status, 200, t.text);
    // Live: a milestone recorded now appears in the draft.
    const m = await seremi.post('/api/v1/account/milestones', { period: '2021-2022', date: '15-03-2021', title: 'Mesa Mujer y Construcción RM', description: 'Constitución de la mesa.', results: '12 empresas adheridas.' });
    assert.equal(m.status, 201, m.text);
    assert.equal(m.json.region_id, '13', 'the SEREMI\'s own region by default');
    assert.equal(m.json.curation, 'pendiente', 'the ministry decides whether it enters the account');
    const cur = await put(analyst, `/api/v1/account/milestones/${m.json.id}/curation`, { decision: 'incluir' });
    assert.equal(cur.status, 200, cur.text);
    let d = await analyst.get(`/api/v1/account/editions/${id}`);
    assert.equal(d.status, 200, d.text);
    assert.equal(section(d.json.document, 'introduccion').text, 'Presentación <b>de la ministra</b>.');
    const rm = () => section(d.json.document, 'seremis').figures.regions.find((r) => r.region_id === '13');
    assert.deepEqual(rm().milestones.map((x) => x.title), ['Mesa Mujer y Construcción RM']);
    // Protection totals: the registry's as its statistics publish them (consent, small cells out),
    // monitoring's counts; each row is the same figure the registry's own statistics give.
    const prot = section(d.json.document, 'logros').figures.protection;
    assert.ok(prot, 'the achievements carry the protection totals');
    assert.match(prot.source, /consentimiento/);
    assert.match(prot.note, /1 a 4/);
    const row = (label) => prot.rows.find((r) => r.label === label);
    const worker = await loginDemo(srv, 'case_worker');
    const stats = await worker.get('/api/v1/cases/statistics?from=2021-01&to=2026-12');
    assert.equal(stats.status, 200, stats.text);
    const contacts = stats.json.by_month.reduce((n, m) => n + (typeof m.counts.contact === 'number' ? m.counts.contact : 0), 0);
    assert.ok(contacts > 0, 'the demo registry has consented contacts');
    assert.equal(row('Contacto o atención').count, contacts);
    assert.match(row('Contacto o atención').count_text, /^\d{1,3}(\.\d{3})*$/);
    assert.ok(row('Medidas con monitoreo vigentes al cierre').count > 0, 'the demo monitors court orders');
    assert.ok(prot.rows.every((r) => !/\d{7,8}-[\dkK]/.test(r.label)), 'no RUN, no person');

    assert.equal((await analyst.post(`/api/v1/account/editions/${id}/submit`)).status, 200);
    const ok = await reviewer.post(`/api/v1/account/editions/${id}/review`, { decision: 'aprobar' });
    assert.equal(ok.status, 200, ok.text);
    const p = await analyst.post(`/api/v1/account/editions/${id}/publish`);
    assert.equal(p.status, 200, p.text);
    assert.match(p.json.sha256, /^[0-9a-f]{64}$/);
    const first = await pub(`/api/v1/account/public/editions/${id}`);
    assert.equal(first.status, 200);

    // The live data change; the published edition does not.
    const m2 = await seremi.post('/api/v1/account/milestones', { period: '2021-2022', title: 'Hito posterior', description: 'Registrado después de publicar.' });
    assert.equal(m2.status, 201, m2.text);
    const upd = await put(seremi, `/api/v1/account/milestones/${m.json.id}`, { period: '2021-2022', title: 'Título cambiado', description: 'Otra.' });
    assert.equal(upd.status, 200, upd.text);
    const again = await pub(`/api/v1/account/public/editions/${id}`);
    assert.deepEqual(again.json, first.json, 'the published edition is frozen');
    const html = await pub(`/api/v1/account/public/editions/${id}/print`);
    assert.ok(html.text.includes('Mesa Mujer y Construcción RM') && !html.text.includes('Título cambiado'));
    assert.ok(html.text.includes('Presentación &lt;b&gt;de la ministra&lt;/b&gt;.'), 'editorial text escaped');

    // Editing or republishing a published edition is refused (publish a new edition), and logged.
    assertApiError(assert, await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'otra' }), 409, 'published_account');
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${id}/publish`), 409, 'published_account');
    const after = await pub(`/api/v1/account/public/editions/${id}`);
    assert.equal(after.json.sha256, first.json.sha256);
    const log = await auditEntries(admin, 'action=account.section_update');
    assert.ok(log.some((e) => e.object === `account_edition:${id}` && e.outcome === 'denied'), 'the refused edit is in the audit log');
  });

  test('wrong role: citizens, SEREMI teams and focal points cannot draft or publish', async () => {
    assert.equal((await pub('/api/v1/account/editions')).status, 401);
    assert.equal((await seremi.post('/api/v1/account/editions', { period: '2021-2022', title: 'x', from_on: '01-01-2021', to_on: '31-12-2021' })).status, 403);
    assert.equal((await focal.get('/api/v1/account/editions')).status, 403);
    assert.equal((await focal.post('/api/v1/account/milestones', { period: '2021-2022', title: 'x', description: 'y' })).status, 403);
    // An analyst has no region: she curates the account but records no region's milestones.
    assertApiError(assert, await analyst.post('/api/v1/account/milestones', { region_id: '13', period: '2021-2022', title: 'x', description: 'y' }), 403, 'forbidden', 'region_id');
  });

  test('bad input: each refused with its field and nothing written', async () => {
    const before = (await analyst.get('/api/v1/account/editions')).json.items.length;
    const base = { period: '2021-2022', title: 'Edición', from_on: '01-01-2021', to_on: '31-12-2021' };
    assertApiError(assert, await analyst.post('/api/v1/account/editions', { ...base, period: '2021' }), 422, 'invalid_period', 'period');
    assertApiError(assert, await analyst.post('/api/v1/account/editions', { ...base, period: '2021-2025' }), 422, 'invalid_period', 'period');
    assertApiError(assert, await analyst.post('/api/v1/account/editions', { ...base, title: '   ' }), 422, 'required', 'title');
    assertApiError(assert, await analyst.post('/api/v1/account/editions', { ...base, from_on: '31-02-2021' }), 422, 'invalid_date', 'from_on');
    assertApiError(assert, await analyst.post('/api/v1/account/editions', { ...base, to_on: '01-12-2020' }), 422, 'invalid_range', 'to_on');
    assertApiError(assert, await analyst.post('/api/v1/account/editions', { ...base, extra: 1 }), 422, undefined, 'extra');
    assert.equal((await analyst.get('/api/v1/account/editions')).json.items.length, before, 'nothing written');
    assertApiError(assert, await put(analyst, `/api/v1/account/editions/${id}/sections/no_existe`, { text: 'x' }), 404, 'not_found');
    assertApiError(assert, await put(analyst, '/api/v1/account/editions/999999/sections/introduccion', { text: 'x' }), 404, 'not_found');

    const mine = (await seremi.get('/api/v1/account/milestones?period=2021-2022')).json.items.length;
    const ok = { period: '2021-2022', title: 'Hito', description: 'Descripción' };
    assertApiError(assert, await seremi.post('/api/v1/account/milestones', { ...ok, title: '' }), 422, 'required', 'title');
    assertApiError(assert, await seremi.post('/api/v1/account/milestones', { ...ok, description: ' ' }), 422, 'required', 'description');
    assertApiError(assert, await seremi.post('/api/v1/account/milestones', { ...ok, date: '2021-03-15' }), 422, 'invalid_date', 'date');
    assertApiError(assert, await seremi.post('/api/v1/account/milestones', { ...ok, date: '01-01-2099' }), 422, 'invalid_date', 'date');
    assertApiError(assert, await seremi.post('/api/v1/account/milestones', { ...ok, period: 'dos mil' }), 422, 'invalid_period', 'period');
    assertApiError(assert, await seremi.post('/api/v1/account/milestones', { ...ok, title: 'x'.repeat(501) }), 422, undefined, 'title');
    assert.equal((await seremi.get('/api/v1/account/milestones?period=2021-2022')).json.items.length, mine, 'nothing written');
  });
});

describe('regional milestones: each SEREMI her own region', () => {
  test('another region\'s milestone is refused (create, change, read) and the refusal logged', async () => {
    const rm = await seremi.post('/api/v1/account/milestones', { period: '2021-2022', title: 'Hito RM', description: 'De la Región Metropolitana.' });
    assert.equal(rm.status, 201, rm.text);
    const maule = await seremiMaule.post('/api/v1/account/milestones', { period: '2021-2022', date: '02-02-2021', title: 'Hito Maule', description: 'Del Maule.' });
    assert.equal(maule.status, 201, maule.text);
    assert.equal(maule.json.region_id, '07');

    assertApiError(assert, await seremiMaule.post('/api/v1/account/milestones', { region_id: '13', period: '2021-2022', title: 'x', description: 'y' }), 403, 'forbidden', 'region_id');
    assertApiError(assert, await put(seremiMaule, `/api/v1/account/milestones/${rm.json.id}`, { period: '2021-2022', title: 'Tomado', description: 'y' }), 403, 'forbidden', 'region_id');
    assertApiError(assert, await put(seremi, `/api/v1/account/milestones/${maule.json.id}`, { period: '2021-2022', title: 'Tomado', description: 'y' }), 403, 'forbidden', 'region_id');
    assertApiError(assert, await seremiMaule.get('/api/v1/account/milestones?region_id=13'), 403, 'forbidden', 'region_id');
    assertApiError(assert, await put(seremi, `/api/v1/account/milestones/${rm.json.id}`, { region_id: '07', period: '2021-2022', title: 'x', description: 'y' }), 422, 'not_allowed', 'region_id');

    // Unchanged, and each sees only her region.
    const own = await seremiMaule.get('/api/v1/account/milestones?period=2021-2022');
    assert.deepEqual(own.json.items.map((m) => m.title), ['Hito Maule']);
    const all = await analyst.get('/api/v1/account/milestones?period=2021-2022');
    assert.ok(all.json.items.some((m) => m.title === 'Hito RM') && all.json.items.some((m) => m.title === 'Hito Maule'), 'the ministry reads every region');
    const created = await auditEntries(admin, 'action=account.milestone_create');
    assert.ok(created.some((e) => e.outcome === 'denied' && e.object === 'account_region:13'), 'refused creation logged');
    const changed = await auditEntries(admin, 'action=account.milestone_update');
    assert.ok(changed.some((e) => e.outcome === 'denied' && e.object === `account_milestone:${rm.json.id}`), 'refused change logged');
    const read = await auditEntries(admin, 'action=account.milestones_read');
    assert.ok(read.some((e) => e.outcome === 'denied' && e.object === 'account_region:13'), 'refused read logged');
  });
});
