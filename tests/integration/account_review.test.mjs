// The public account's versions, review, curation and PDF over real HTTP (issue 16 items 2–3):
// a version is sent to review, returned with observations or approved by someone other than who
// sent it, and only then published; a published version is never edited (409: publish a new
// version) and a new version copies its text; every figure is frozen with its source and time;
// the ministry decides which regional milestones enter the account (a reason to exclude); the PDF
// of a published edition has pages, an outline and internal links.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, loginDemo, login, newPassword, uniq } from './auth_helpers.mjs';

let srv, analyst, reviewer, seremi, admin;
const put = (c, p, body) => c.req('PUT', p, { body });
const pub = (p) => srv.request('GET', p);
const section = (doc, key) => doc.sections.find((s) => s.key === key);

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 300_000 }); // generous: the demo on a shared machine
  [analyst, seremi, admin] = await Promise.all(['analyst', 'seremi', 'admin'].map((r) => loginDemo(srv, r)));
  const inst = await admin.post('/api/v1/institutions', { name: `Servicio revisor ${uniq()}`, type: 'public_service' });
  assert.equal(inst.status, 201, inst.text);
  const email = `analista.revision.${uniq()}@equidad.test`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Javiera Paz Contreras', email, institution_id: inst.json.id, roles: ['analyst'], password });
  assert.equal(u.status, 201, u.text);
  reviewer = await login(srv, email, { password });
});
after(async () => { await srv?.stop(); });

const newDraft = async (title) => {
  const c = await analyst.post('/api/v1/account/editions', { period: '2022-2023', title, from_on: '01-01-2022', to_on: '31-12-2026' });
  assert.equal(c.status, 201, c.text);
  return c.json;
};

describe('versions with review', () => {
  test('draft → review → returned with observations → corrected → approved → published; then a new version', async () => {
    const v1 = await newDraft('Cuenta Pública 2022–2023');
    assert.equal(v1.review, '');
    assert.ok(v1.version >= 1);
    const id = v1.id;
    assert.equal((await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'Primera redacción.' })).status, 200);
    // Not approved: not published.
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${id}/publish`), 409, 'not_approved');
    const sent = await analyst.post(`/api/v1/account/editions/${id}/submit`);
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.json.review, 'en_revision');
    // In review: the text the reviewer reads does not move under her; no second submission.
    assertApiError(assert, await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'cambio' }), 409, 'in_review');
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${id}/submit`), 409, 'in_review');
    // Four eyes: whoever sent it does not review it.
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${id}/review`, { decision: 'aprobar' }), 403, 'forbidden');
    // Bad review input.
    assertApiError(assert, await reviewer.post(`/api/v1/account/editions/${id}/review`, { decision: 'quizás' }), 422, 'invalid_choice', 'decision');
    assertApiError(assert, await reviewer.post(`/api/v1/account/editions/${id}/review`, { decision: 'devolver', observations: '  ' }), 422, 'required', 'observations');
    const back = await reviewer.post(`/api/v1/account/editions/${id}/review`, { decision: 'devolver', observations: 'Falta citar la Ley N° 21.212.' });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.review, 'devuelta');
    assert.equal(back.json.review_note, 'Falta citar la Ley N° 21.212.');
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${id}/publish`), 409, 'not_approved');
    // Corrected and sent again; approved; published.
    assert.equal((await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'Redacción corregida: Ley N° 21.212.' })).status, 200);
    assert.equal((await analyst.post(`/api/v1/account/editions/${id}/submit`)).status, 200);
    const ok = await reviewer.post(`/api/v1/account/editions/${id}/review`, { decision: 'aprobar' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.review, 'aprobada');
    assertApiError(assert, await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'después' }), 409, 'in_review');
    const p = await analyst.post(`/api/v1/account/editions/${id}/publish`);
    assert.equal(p.status, 200, p.text);
    const published = await pub(`/api/v1/account/public/editions/${id}`);
    assert.equal(section(published.json.document, 'introduccion').text, 'Redacción corregida: Ley N° 21.212.');

    // A published version is not edited: 409 «publique una nueva versión», nothing changes, logged.
    const refused = await put(analyst, `/api/v1/account/editions/${id}/sections/introduccion`, { text: 'retoque' });
    assertApiError(assert, refused, 409, 'published_account');
    assert.match(refused.json.error.message, /publique una nueva versión/);
    assertApiError(assert, await reviewer.post(`/api/v1/account/editions/${id}/review`, { decision: 'devolver', observations: 'x' }), 409, 'published_account');
    assert.deepEqual((await pub(`/api/v1/account/public/editions/${id}`)).json, published.json);

    // A new version: a draft with the published text, numbered after it, back through review.
    const v2 = await analyst.post(`/api/v1/account/editions/${id}/versions`);
    assert.equal(v2.status, 201, v2.text);
    assert.equal(v2.json.version, v1.version + 1);
    assert.equal(v2.json.previous_id, id);
    assert.equal(v2.json.state, 'borrador');
    assert.equal(v2.json.review, '');
    const d2 = await analyst.get(`/api/v1/account/editions/${v2.json.id}`);
    assert.equal(section(d2.json.document, 'introduccion').text, 'Redacción corregida: Ley N° 21.212.');
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${v2.json.id}/publish`), 409, 'not_approved');
    // Only a published version gets a new version.
    assertApiError(assert, await analyst.post(`/api/v1/account/editions/${v2.json.id}/versions`), 409, 'not_published');
    assertApiError(assert, await analyst.post('/api/v1/account/editions/999999/submit'), 404, 'not_found');

    const log = await auditEntries(admin, 'action=account.edition_review');
    assert.ok(log.some((e) => e.object === `account_edition:${id}` && e.outcome === 'ok'));
    assert.ok(log.some((e) => e.object === `account_edition:${id}` && e.outcome === 'denied'), 'the self-review and the review of a published version are logged as refused');
  });

  test('every figure of a published edition carries its source and the time it was read', async () => {
    const list = await pub('/api/v1/account/public/editions');
    const demo = list.json.items.find((e) => e.demo);
    const doc = (await pub(`/api/v1/account/public/editions/${demo.id}`)).json.document;
    const withFigures = doc.sections.filter((s) => s.figures);
    assert.deepEqual(withFigures.map((s) => s.key), ['agenda_legislativa', 'logros', 'plan_covid', 'seremis']);
    for (const s of withFigures) {
      assert.ok(s.figures.source.length > 20, `${s.key} names its source`);
      assert.match(s.figures.as_of, /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}$/, `${s.key} says when it was read`);
    }
  });
});

describe('curation of the regional milestones', () => {
  test('a SEREMI records a milestone with axis, comunas and evidence; the ministry includes or excludes it with a reason', async () => {
    const draft = await newDraft('Borrador para curar hitos');
    const inRm = async () => {
      const d = await analyst.get(`/api/v1/account/editions/${draft.id}`);
      return section(d.json.document, 'seremis').figures.regions.find((r) => r.region_id === '13').milestones.map((m) => m.title);
    };
    const title = `Feria de autonomía económica ${uniq()}`;
    const m = await seremi.post('/api/v1/account/milestones', {
      period: '2022-2023', date: '08-03-2022', title, description: 'Feria con emprendedoras de la región.', results: '45 emprendedoras; 1.200 visitas.',
      axis: 'Autonomía económica', comunas: 'Santiago, Puente Alto', evidence: 'https://www.minmujeryeg.gob.cl/feria-2022',
    });
    assert.equal(m.status, 201, m.text);
    assert.equal(m.json.axis, 'Autonomía económica');
    assert.equal(m.json.comunas, 'Santiago, Puente Alto');
    assert.equal(m.json.evidence, 'https://www.minmujeryeg.gob.cl/feria-2022');
    assert.equal(m.json.curation, 'pendiente');
    assert.ok(!(await inRm()).includes(title), 'pending: not in the account yet');

    const url = `/api/v1/account/milestones/${m.json.id}/curation`;
    // Bad input, nothing written.
    assertApiError(assert, await put(analyst, url, { decision: 'excluir' }), 422, 'required', 'reason');
    assertApiError(assert, await put(analyst, url, { decision: 'tal vez' }), 422, 'invalid_choice', 'decision');
    assert.equal((await put(analyst, '/api/v1/account/milestones/999999/curation', { decision: 'incluir' })).status, 404);
    // A SEREMI team does not curate (no permission), not even her own region's milestone.
    assert.equal((await put(seremi, url, { decision: 'incluir' })).status, 403);
    // An editor with a region (account.edit, but regional) reaches the object rule: 403, audited.
    const email = `editora.regional.${uniq()}@equidad.test`, password = newPassword();
    const u = await admin.post('/api/v1/users', { name: 'Editora Regional', email, institution_id: (await admin.get('/api/v1/auth/session')).json.user.institution.id, roles: ['analyst'], region_id: '07', password });
    assert.equal(u.status, 201, u.text);
    const regional = await login(srv, email, { password });
    assert.equal((await put(regional, url, { decision: 'incluir' })).status, 403);
    const denied = await auditEntries(admin, 'action=account.milestone_curate&outcome=denied');
    assert.ok(denied.some((e) => e.object === `account_milestone:${m.json.id}`), 'the refused curation is audited');

    const inc = await put(analyst, url, { decision: 'incluir' });
    assert.equal(inc.status, 200, inc.text);
    assert.ok((await inRm()).includes(title), 'included: in the draft');
    const exc = await put(analyst, url, { decision: 'excluir', reason: 'Actividad sin evidencia verificable.' });
    assert.equal(exc.status, 200, exc.text);
    assert.equal(exc.json.curation, 'excluido');
    assert.equal(exc.json.curation_reason, 'Actividad sin evidencia verificable.');
    assert.ok(!(await inRm()).includes(title), 'excluded: out of the draft');
    const listed = (await analyst.get('/api/v1/account/milestones?period=2022-2023&region_id=13')).json.items.find((x) => x.id === m.json.id);
    assert.equal(listed.curation_reason, 'Actividad sin evidencia verificable.', 'the reason stays with the milestone');

    // Included, then changed by the SEREMI: back to the ministry.
    assert.equal((await put(analyst, url, { decision: 'incluir' })).status, 200);
    const upd = await put(seremi, `/api/v1/account/milestones/${m.json.id}`, { period: '2022-2023', title, description: 'Otra descripción.', axis: 'Autonomía económica' });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(upd.json.curation, 'pendiente');
    assert.ok(!(await inRm()).includes(title));
    const log = await auditEntries(admin, 'action=account.milestone_curate');
    assert.ok(log.filter((e) => e.object === `account_milestone:${m.json.id}`).length >= 3);
  });
});

describe('the PDF', () => {
  test('a published edition as a PDF: pages, outline, internal links, the same bytes every time', async () => {
    const demo = (await pub('/api/v1/account/public/editions')).json.items.find((e) => e.demo);
    const r = await pub(`/api/v1/account/public/editions/${demo.id}/pdf`);
    assert.equal(r.status, 200, r.text.slice(0, 200));
    assert.match(r.headers['content-type'], /^application\/pdf/);
    const pdf = r.body.toString('latin1');
    assert.ok(pdf.startsWith('%PDF-'), 'a PDF');
    const pages = (pdf.match(/\/Type\s*\/Page\b(?!s)/g) || []).length;
    const count = Number(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/s.exec(pdf)?.[1]);
    assert.equal(pages, count, 'every page of the page tree is there');
    // Cover, contents, six sections, 16 regional tables with 166 rows: dozens of pages.
    assert.ok(pages >= 20, `${pages} pages`);
    assert.match(pdf, /\/Outlines\s+\d+ 0 R/, 'an outline (bookmarks)');
    assert.match(pdf, /\/Subtype\s*\/Link/, 'links from the contents');
    assert.match(pdf, /\/Dests|\/Dest\s/, 'named destinations for the sections');
    const again = await pub(`/api/v1/account/public/editions/${demo.id}/pdf`);
    assert.ok(again.body.equals(r.body), 'the same bytes for the same published edition');
  });

  test('a draft or an unknown edition has no PDF', async () => {
    const draft = await newDraft('Borrador sin PDF');
    assertApiError(assert, await pub(`/api/v1/account/public/editions/${draft.id}/pdf`), 404, 'not_found');
    assertApiError(assert, await pub('/api/v1/account/public/editions/999999/pdf'), 404, 'not_found');
    assertApiError(assert, await pub('/api/v1/account/public/editions/abc/pdf'), 404, 'not_found');
  });
});
