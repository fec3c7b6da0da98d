// The ministry's studies catalogue over real HTTP (issue 18, item 6): the public catalogue (no
// login) with the seed's studies, accent-insensitive search and filters; a study's page with its
// findings, method, partners and files; drafts that do not exist for the public (404); the studies
// staff (role analyst, permission studies.edit, a ministry account) writing, publishing, editing
// after publication (a new version with who, when and why) and withdrawing with a reason. Bad input
// is refused with field and reason and nothing is written; wrong roles get 403.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo, newPassword, uniq } from './auth_helpers.mjs';

let srv, analyst, focal, admin, outsider;
const pub = (p) => srv.request('GET', p);
const put = (c, p, body) => c.req('PUT', p, { body });
const E = '/api/v1/studies/editor/studies';

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  [analyst, focal, admin] = await Promise.all(['analyst', 'focal_point', 'admin'].map((r) => loginDemo(srv, r)));
  // An analyst of a public service that is not the ministry: same role, not the ministry's studies.
  const inst = await admin.post('/api/v1/institutions', { name: `Servicio de prueba ${uniq()}`, type: 'public_service' });
  assert.equal(inst.status, 201, inst.text);
  const email = `analista.estudios.${uniq()}@equidad.test`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Carla Fuentes', email, institution_id: inst.json.id, roles: ['analyst'], password });
  assert.equal(u.status, 201, u.text);
  outsider = await login(srv, email, { password });
});
after(async () => { await srv?.stop(); });

const form = (over = {}) => ({
  title: `Encuesta de prueba ${uniq()}`,
  kind: 'encuesta',
  year: 2021,
  fieldwork_start: '03-2021',
  fieldwork_end: '04-2021',
  themes: ['violencia', 'salud'],
  summary: 'Encuesta telefónica sobre el acceso a la salud de mujeres en regiones.',
  executor: 'Ministerio de la Mujer y la Equidad de Género',
  partners: ['Universidad de Prueba'],
  regions: ['07'],
  method: { technique: 'Encuesta telefónica', universe: 'Mujeres de 18 años o más', sample_size: 1520, margin_error: 2.5 },
  findings: [
    { text: 'De las mujeres encuestadas declaró haber postergado una consulta médica.', figure: 41.25, decimals: 1, unit: 'porcentaje' },
    { text: 'Mujeres respondieron la encuesta.', figure: 126645, unit: 'personas' },
  ],
  ...over,
});
const count = async () => (await analyst.get(E)).json.items.length;

describe('public catalogue', () => {
  test('lists the seed\'s published studies without a session, never a draft, with facets', async () => {
    const r = await pub('/api/v1/studies/public/studies');
    assert.equal(r.status, 200, r.text);
    const titles = r.json.items.map((x) => x.title);
    for (const t of ['Encuesta de Evaluación Rápida sobre el Impacto del COVID-19', 'Reapertura Colegios y Empleo Femenino'])
      assert.ok(titles.includes(t), `${t} in ${titles}`);
    assert.ok(titles.some((t) => /Participación Política y Proceso Constituyente/.test(t)));
    assert.ok(r.json.items.every((x) => x.status.id !== 'borrador'));
    assert.ok(r.json.items.every((x) => x.demo && /Cuenta Pública 2020–2021/.test(x.source)), 'demo data say so, with the seed as source');
    assert.ok(!titles.some((t) => /educadores\/as de párvulo/.test(t)), 'a draft of the seed is not public');
    assert.ok(r.json.facets.partners.some((p) => p.id === 'CADEM' && p.count === 2));
    const covid = r.json.items.find((x) => /Evaluación Rápida/.test(x.title));
    assert.equal(covid.findings[0].figure_label, '35,0 %');
    assert.equal(covid.findings[1].figure_label, '27,3 %');
  });

  test('searches without accents or case over title, summary and findings; filters narrow', async () => {
    const q = async (qs) => (await pub(`/api/v1/studies/public/studies?${qs}`)).json.items.map((x) => x.title);
    assert.deepEqual(await q('q=PARTICIPACION%20politica'), ['Encuesta de opinión «Participación Política y Proceso Constituyente»']);
    assert.deepEqual(await q('q=jornada%20escolar'), ['Reapertura Colegios y Empleo Femenino']);  // in a finding
    assert.deepEqual(await q(`partner=${encodeURIComponent('ONU Mujeres')}`), ['Encuesta de Evaluación Rápida sobre el Impacto del COVID-19']);
    assert.deepEqual(await q('kind=documento_trabajo'), ['Reapertura Colegios y Empleo Femenino']);
    const maule = await q('region=07'), metropolitana = await q('region=13');
    assert.ok(maule.includes('Estudio regional sobre conciliación laboral y familiar en trabajo remoto'));
    assert.ok(!metropolitana.includes('Estudio regional sobre conciliación laboral y familiar en trabajo remoto'));
    assert.equal((await q('theme=covid19&year=2020')).length, 3);
    assert.deepEqual(await q('year=2019'), []);
    assertApiError(assert, await pub('/api/v1/studies/public/studies?theme=astrologia'), 400, 'invalid_parameter', 'theme');
    assertApiError(assert, await pub('/api/v1/studies/public/studies?year=20x1'), 400, 'invalid_parameter', 'year');
    assertApiError(assert, await pub('/api/v1/studies/public/studies?region=99'), 400, 'invalid_parameter', 'region');
  });

  test('a study\'s page: findings, method, partners, stable link; the seed\'s figures as the seed writes them', async () => {
    const list = await pub('/api/v1/studies/public/studies?q=segmentacion');
    const id = list.json.items[0].id;
    const r = await pub(`/api/v1/studies/public/studies/${id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.link, `/estudios/${id}`);
    assert.equal(r.json.method.sample_label, '1.300');
    assert.equal(r.json.fieldwork.start.label, 'noviembre de 2020');
    assert.deepEqual(r.json.partners, ['CADEM']);
    assert.deepEqual(r.json.findings.filter((f) => f.unit === 'porcentaje').map((f) => f.figure_label), ['14 %', '19 %', '16 %', '31 %', '21 %']);
    assertApiError(assert, await pub('/api/v1/studies/public/studies/999999'), 404);
  });
});

describe('editing by the studies staff', () => {
  let id;
  test('a draft: created by the ministry\'s analyst, audited, 404 to anyone else', async () => {
    const r = await analyst.post(E, form());
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
    assert.equal(r.json.status.id, 'borrador');
    assert.equal(r.json.findings[0].figure_label, '41,3 %');
    assert.equal(r.json.findings[1].figure_label, '126.645 personas');
    assert.equal(r.json.method.margin_label, '±2,5 puntos porcentuales');
    assert.deepEqual(r.json.regions, [{ id: '07', name: r.json.regions[0].name }]);
    // Anonymous, a focal point and an analyst of another institution: the draft does not exist.
    assertApiError(assert, await pub(`/api/v1/studies/public/studies/${id}`), 404);
    assertApiError(assert, await focal.get(`/api/v1/studies/public/studies/${id}`), 404);
    assertApiError(assert, await outsider.get(`/api/v1/studies/public/studies/${id}`), 404);
    assertApiError(assert, await outsider.get(`${E}/${id}`), 404);
    assert.ok(!(await pub('/api/v1/studies/public/studies')).json.items.some((x) => x.id === id));
    // The staff sees it, on the public route too (so the editor previews it).
    assert.equal((await analyst.get(`/api/v1/studies/public/studies/${id}`)).status, 200);
    const audit = await auditEntries(admin, 'action=studies.create');
    assert.ok(audit.some((e) => e.object === `estudio:${id}`));
  });

  test('files: a PDF is stored with its checksum; too large or the wrong type is 422 and writes nothing', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% informe de prueba\n');
    const up = await analyst.req('POST', `${E}/${id}/files?filename=informe.pdf&title=${encodeURIComponent('Informe final')}`,
      { body: pdf, headers: { 'Content-Type': 'application/pdf' } });
    assert.equal(up.status, 201, up.text);
    assert.equal(up.json.sha256, crypto.createHash('sha256').update(pdf).digest('hex'));
    const before = (await analyst.get(`${E}/${id}`)).json.files.length;
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_000_001, 0x61)]);
    assertApiError(assert, await analyst.req('POST', `${E}/${id}/files?filename=grande.pdf`, { body: big, headers: { 'Content-Type': 'application/pdf' } }),
      422, 'file_too_large', 'file');
    assertApiError(assert, await analyst.req('POST', `${E}/${id}/files?filename=informe.exe`, { body: pdf, headers: { 'Content-Type': 'application/pdf' } }),
      422, 'forbidden_type', 'filename');
    assertApiError(assert, await analyst.req('POST', `${E}/${id}/files?filename=informe.pdf`, { body: Buffer.from('MZ\x90\x00binario'), headers: { 'Content-Type': 'application/pdf' } }),
      422, 'type_mismatch', 'file');
    assertApiError(assert, await analyst.req('POST', `${E}/${id}/files?filename=datos.csv`, { body: Buffer.from('a;b\n'), headers: { 'Content-Type': 'text/html' } }),
      422, 'type_mismatch', 'file');
    const page = (await analyst.get(`${E}/${id}`)).json;
    assert.equal(page.files.length, before);
    // The draft's file is not public either.
    assertApiError(assert, await pub(page.files[0].url), 404);
    const dl = await analyst.get(page.files[0].url);
    assert.equal(dl.status, 200);
    assert.equal(dl.headers['x-content-sha256'], up.json.sha256);
  });

  test('publishing: public at once; twice is 409', async () => {
    const r = await analyst.post(`${E}/${id}/publish`, {});
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status.id, 'publicado');
    const page = await pub(`/api/v1/studies/public/studies/${id}`);
    assert.equal(page.status, 200);
    assert.equal(page.json.files.length, 1);
    const dl = await srv.request('GET', page.json.files[0].url, { raw: true });
    assert.equal(dl.status, 200);
    assert.equal(dl.body.toString(), '%PDF-1.4\n% informe de prueba\n');
    assert.match(dl.headers['content-disposition'], /attachment; filename="informe.pdf"/);
    assertApiError(assert, await analyst.post(`${E}/${id}/publish`, {}), 409, 'already_published');
    // Accent-insensitive search finds it by a word of its findings.
    const found = await pub('/api/v1/studies/public/studies?q=POSTERGADO%20medica');
    assert.ok(found.json.items.some((x) => x.id === id));
  });

  test('an edit after publication needs a reason and is kept as a version with who and when', async () => {
    const current = (await analyst.get(`${E}/${id}`)).json;
    const changed = form({ title: current.title, findings: [{ text: 'De las mujeres encuestadas declaró haber postergado una consulta médica.', figure: 39.8, decimals: 1, unit: 'porcentaje' }] });
    assertApiError(assert, await put(analyst, `${E}/${id}`, changed), 422, 'required', 'reason');
    assert.equal((await pub(`/api/v1/studies/public/studies/${id}`)).json.findings[0].figure_label, '41,3 %', 'nothing changed');
    const r = await put(analyst, `${E}/${id}`, { ...changed, reason: 'Corrección del factor de expansión' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    const page = (await pub(`/api/v1/studies/public/studies/${id}`)).json;
    const edit = page.revisions.find((v) => v.action === 'edicion');
    assert.equal(edit.reason, 'Corrección del factor de expansión');
    assert.equal(edit.before.findings[0].figure, '41,3 %');
    assert.equal(edit.after.findings[0].figure, '39,8 %');
    assert.match(edit.at, /^\d{2}-\d{2}-\d{4}/);
    assert.equal(edit.by, null, 'the public sees when and why, not who');
    const staff = (await analyst.get(`${E}/${id}`)).json.revisions.find((v) => v.action === 'edicion');
    assert.equal(typeof staff.by, 'string');
    assert.ok(staff.by.length > 0);
  });

  test('withdrawing keeps the page with the reason; a withdrawn study is not published again', async () => {
    assertApiError(assert, await analyst.post(`${E}/${id}/withdraw`, {}), 422, undefined, 'reason');
    const r = await analyst.post(`${E}/${id}/withdraw`, { reason: 'Se detectó un error en la muestra; será reemplazado.' });
    assert.equal(r.status, 200, r.text);
    const page = await pub(`/api/v1/studies/public/studies/${id}`);
    assert.equal(page.status, 200);
    assert.equal(page.json.status.id, 'retirado');
    assert.equal(page.json.withdrawn_reason, 'Se detectó un error en la muestra; será reemplazado.');
    assertApiError(assert, await analyst.post(`${E}/${id}/publish`, {}), 409, 'withdrawn');
    assertApiError(assert, await analyst.post(`${E}/${id}/withdraw`, { reason: 'otra vez' }), 409, 'not_published');
  });
});

describe('bad input: field and reason, nothing written', () => {
  test('missing title, fieldwork ending before it starts, an unknown theme, a figure without unit', async () => {
    const n = await count();
    assertApiError(assert, await analyst.post(E, form({ title: '' })), 422, 'required', 'title');
    assertApiError(assert, await analyst.post(E, form({ title: undefined })), 422, 'required', 'title');
    assertApiError(assert, await analyst.post(E, form({ fieldwork_start: '05-2021', fieldwork_end: '04-2021' })), 422, 'end_before_start', 'fieldwork_end');
    assertApiError(assert, await analyst.post(E, form({ fieldwork_start: '2021', fieldwork_end: '12-2020' })), 422, 'end_before_start', 'fieldwork_end');
    assertApiError(assert, await analyst.post(E, form({ themes: ['violencia', 'astrologia'] })), 422, 'unknown_code', 'themes[1]');
    assertApiError(assert, await analyst.post(E, form({ themes: [] })), 422, 'required', 'themes');
    assertApiError(assert, await analyst.post(E, form({ kind: 'novela' })), 422, 'unknown_code', 'kind');
    assertApiError(assert, await analyst.post(E, form({ regions: ['99'] })), 422, 'unknown_code', 'regions[0]');
    assertApiError(assert, await analyst.post(E, form({ findings: [{ text: 'x', figure: 3 }] })), 422, 'required', 'findings[0].unit');
    assertApiError(assert, await analyst.post(E, form({ findings: [{ text: 'x', figure: '3' , unit: 'personas' }] })), 422, 'invalid_type', 'findings[0].figure');
    assertApiError(assert, await analyst.post(E, form({ method: { margin_error: 140 } })), 422, 'out_of_range', 'method.margin_error');
    assertApiError(assert, await analyst.post(E, form({ colour: 'rojo' })), 422, 'unknown_field');
    assert.equal(await count(), n, 'nothing written');
  });

  test('editing without the permission: 403; an analyst of another institution: 403, audited', async () => {
    const n = await count();
    assertApiError(assert, await focal.post(E, form()), 403);
    assertApiError(assert, await pub(E), 401);
    assertApiError(assert, await outsider.post(E, form()), 403);
    const list = (await pub('/api/v1/studies/public/studies')).json.items.filter((x) => x.status.id === 'publicado');
    assertApiError(assert, await put(focal, `${E}/${list[0].id}`, form({ reason: 'x' })), 403);
    assertApiError(assert, await outsider.post(`${E}/${list[0].id}/withdraw`, { reason: 'intento' }), 403);
    assertApiError(assert, await outsider.req('POST', `${E}/${list[0].id}/files?filename=x.pdf`, { body: Buffer.from('%PDF-1.4'), headers: { 'Content-Type': 'application/pdf' } }), 403);
    assert.equal(await count(), n);
    assert.equal((await pub(`/api/v1/studies/public/studies/${list[0].id}`)).json.status.id, 'publicado');
    const denied = await auditEntries(admin, 'action=studies.withdraw');
    assert.ok(denied.some((e) => e.outcome === 'denied' && e.object === `estudio:${list[0].id}`));
  });

  test('publishing twice: 409; a draft of the seed read anonymously: 404', async () => {
    const drafts = (await analyst.get(`${E}?status=borrador`)).json.items;
    const seedDraft = drafts.find((x) => /párvulo/.test(x.title));
    assert.ok(seedDraft, 'the seed\'s study under way is a draft');
    assertApiError(assert, await pub(`/api/v1/studies/public/studies/${seedDraft.id}`), 404);
    const r = await analyst.post(E, form());
    assert.equal((await analyst.post(`${E}/${r.json.id}/publish`, {})).status, 200);
    assertApiError(assert, await analyst.post(`${E}/${r.json.id}/publish`, {}), 409, 'already_published', 'status');
    // A draft without findings cannot be published.
    const empty = await analyst.post(E, form({ findings: [] }));
    assertApiError(assert, await analyst.post(`${E}/${empty.json.id}/publish`, {}), 422, 'incomplete', 'findings');
  });
});
