// The Registro de Directoras over real HTTP (issue 18): a woman registers and keeps her profile
// (eligibility checked, nothing half-written), companies search with facets (accent-insensitive,
// typo-tolerant names), open a profile only from a traced search of their own, read contact details
// only when she consented (audited, and she sees who viewed her), the stale-profile reminder, and
// the demo's computed size against the seed's figure.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, sleep, startServer } from './harness.mjs';
import { auditEntries, institutionId, login, loginDemo, newPassword, runFor, uniq } from './auth_helpers.mjs';

let srv, company, company2, admin, analyst, her, her2, herId, her2Id;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], env: { EQ_SWEEP_SECONDS: '1' } });
  company = await loginDemo(srv, 'company');
  admin = await loginDemo(srv, 'admin');
  analyst = await loginDemo(srv, 'analyst');
  her = await login(srv, 'directora@equidad.demo');
  her2 = await login(srv, 'directora2@equidad.demo');
  herId = (await her.get('/api/v1/directoras/me')).json.profile.id;
  her2Id = (await her2.get('/api/v1/directoras/me')).json.profile.id;
  // Another company, in an institution of its own.
  const inst = await admin.post('/api/v1/institutions', { name: `Headhunters ${uniq()}`, type: 'company', region_id: '13', comuna_id: '13101' });
  assert.equal(inst.status, 201, inst.text);
  const email = `hh-${uniq()}@prueba.cl`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Tomás Ruiz Lagos', email, institution_id: inst.json.id, roles: ['company'], password });
  assert.equal(u.status, 201, u.text);
  company2 = await login(srv, email, { password });
});
after(async () => { await srv?.stop(); });

const search = (c, qs = '') => c.get(`/api/v1/directoras/search${qs ? `?${qs}` : ''}`);
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

async function newWoman() {
  const members = await institutionId(admin, 'Mujeres inscritas en el Registro de Directoras');
  const email = `mujer-${uniq()}@prueba.cl`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Ana María Ortúzar Vial', email, institution_id: members, roles: ['board_candidate'], password });
  assert.equal(u.status, 201, u.text);
  return login(srv, email, { password });
}
let rutSeed = 24_000_000 + Math.floor(Math.random() * 500_000);
const profile = (over = {}) => ({
  full_name: 'Ana María Ortúzar Vial', rut: runFor(rutSeed += 7), email: 'ana.ortuzar@prueba.cl', phone: '+56 9 8765 4321',
  birth_year: 1975, studies: 'magister', degree: 'Ingeniera Comercial', experience_years: 22, industries: ['mineria', 'energia'],
  specialties: ['finanzas', 'riesgos'], board_years: 0, board_training: true, region_id: '02', availability: 'inmediata',
  summary: 'Gerenta de finanzas en la gran minería.', contactable: true, ...over,
});

describe('demo data', () => {
  test('the register holds more women than the seed says it launched with, all generated and marked demo', async () => {
    const r = await search(company);
    assert.equal(r.status, 200, r.text);
    const reg = r.json.register;
    assert.ok(reg.seed_launch_at_least === 600 && /agosto de 2019/.test(reg.seed_source), r.text);
    assert.ok(reg.demo > reg.seed_launch_at_least, `computed ${reg.demo} demo women vs the seed's «más de 600»`);
    assert.equal(r.json.total, reg.profiles);
    assert.ok(r.json.items.length === 25 && r.json.items.every((p) => typeof p.demo === 'boolean'));
  });
});

describe('search', () => {
  test('facets filter and count what they filter', async () => {
    const all = await search(company);
    const mineria = all.json.facets.industry.find((f) => f.id === 'mineria');
    assert.ok(mineria.count > 0);
    const r = await search(company, 'industry=mineria');
    assert.equal(r.json.total, mineria.count);
    assert.ok(r.json.items.every((p) => p.industries.some((i) => i.id === 'mineria')));
    const narrow = await search(company, 'industry=mineria&specialty=finanzas&studies=magister&region=13&board=si');
    assert.equal(narrow.status, 200, narrow.text);
    assert.ok(narrow.json.total < r.json.total);
    for (const p of narrow.json.items) {
      assert.ok(p.specialties.some((s) => s.id === 'finanzas'));
      assert.equal(p.studies, 'magister');
      assert.equal(p.region_id, '13');
      assert.ok(p.board_years > 0);
      assert.ok(!('rut' in p) && !('email' in p) && !('phone' in p), 'no contact details in a result');
    }
    const regionCount = narrow.json.facets.region.find((f) => f.id === '13').count;
    assert.equal(regionCount, narrow.json.total);
  });

  test('text search ignores accents and case, and tolerates a typo in a name', async () => {
    const plain = await search(company, 'q=nunez');
    const accented = await search(company, `q=${encodeURIComponent('NÚÑEZ')}`);
    assert.ok(plain.json.total > 0);
    assert.equal(plain.json.total, accented.json.total);
    assert.ok(plain.json.items.every((p) => fold(p.full_name).includes('nunez')));
    const typo = await search(company, 'q=gonzales');
    assert.ok(typo.json.total > 0 && typo.json.items.every((p) => fold(p.full_name).includes('gonzalez')), typo.text);
    const sepulveda = await search(company, 'q=sepulbeda');  // b for v: one edit away, no common prefix
    assert.ok(sepulveda.json.total > 0 && sepulveda.json.items.every((p) => fold(p.full_name).includes('sepulveda')), sepulveda.text);
    assert.equal((await search(company, 'q=sepxlbxda')).json.total, 0, 'two edits are not a match');
    const achondo = await search(company, `q=${encodeURIComponent('Achondo')}`);
    assert.ok(achondo.json.items.some((p) => p.id === herId));
  });

  test('bad filters are refused with the field', async () => {
    assertApiError(assert, await search(company, 'industry=magia'), 400, 'invalid_parameter', 'industry');
    assertApiError(assert, await search(company, 'specialty=x'), 400, 'invalid_parameter', 'specialty');
    assertApiError(assert, await search(company, 'region=99'), 400, 'invalid_parameter', 'region');
    assertApiError(assert, await search(company, 'board=quizas'), 400, 'invalid_parameter', 'board');
    assertApiError(assert, await search(company, 'page=0'), 400, 'invalid_parameter', 'page');
    assertApiError(assert, await search(company, `q=${'a'.repeat(101)}`), 400, 'invalid_parameter', 'q');
  });

  test('only companies and headhunters search', async () => {
    assert.equal((await search(her)).status, 403);
    assert.equal((await search(analyst)).status, 403);
    assert.equal((await her.get(`/api/v1/directoras/profiles/${herId}`)).status, 403);
  });
});

describe('a profile seen by a company', () => {
  test('opens only from a traced search of the caller that listed it; never the RUT', async () => {
    assertApiError(assert, await company.get(`/api/v1/directoras/profiles/${herId}`), 400, 'search_required');
    const s = await search(company, 'q=Achondo');
    const other = await search(company, 'q=zzzzzz');
    assertApiError(assert, await company.get(`/api/v1/directoras/profiles/${herId}?search=${other.json.search_id}`), 400, 'search_required');
    // Another company cannot ride on this company's search.
    assertApiError(assert, await company2.get(`/api/v1/directoras/profiles/${herId}?search=${s.json.search_id}`), 400, 'search_required');
    const r = await company.get(`/api/v1/directoras/profiles/${herId}?search=${s.json.search_id}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.profile.full_name, 'Soledad Achondo Ibarra');
    assert.ok(!r.text.includes('directora@equidad.demo') && !('rut' in r.json.profile));
    assertApiError(assert, await company.get(`/api/v1/directoras/profiles/abc?search=${s.json.search_id}`), 404, 'not_found');
  });

  test('contact details only when she consented; each read audited and shown to her', async () => {
    const s = await search(company, 'q=Achondo');
    const c = await company.get(`/api/v1/directoras/profiles/${herId}/contact?search=${s.json.search_id}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.email, 'directora@equidad.demo');
    assert.match(c.json.rut, /^\d{1,2}\.\d{3}\.\d{3}-[\dK]$/);
    // The second demo woman did not consent.
    const s2 = await search(company, 'q=Valdivia');
    assert.ok(s2.json.items.some((p) => p.id === her2Id && p.contactable === false));
    const refused = await company.get(`/api/v1/directoras/profiles/${her2Id}/contact?search=${s2.json.search_id}`);
    assertApiError(assert, refused, 403, 'not_contactable');
    assert.ok(!refused.text.includes('directora2@equidad.demo'));
    const seen = await company.get(`/api/v1/directoras/profiles/${her2Id}?search=${s2.json.search_id}`);
    assert.equal(seen.status, 200);
    assert.ok(!seen.text.includes('directora2@equidad.demo'));

    const reads = await auditEntries(admin, 'action=directoras.contact_read');
    assert.ok(reads.some((e) => e.object === `directora:${herId}` && e.outcome === 'ok'), 'the read is audited');
    assert.ok(reads.some((e) => e.object === `directora:${her2Id}` && e.outcome === 'denied'), 'the refusal too');
    const searches = await auditEntries(admin, 'action=directoras.search');
    assert.ok(searches.some((e) => e.object === `directoras_search:${s.json.search_id}`));

    const mine = await her.get('/api/v1/directoras/me');
    const views = mine.json.profile.views;
    assert.ok(views.some((v) => v.kind === 'contacto' && v.institution === 'Consultora de Directorios Andes'), JSON.stringify(views));
    assert.ok(views.some((v) => v.kind === 'perfil'));
    const mine2 = await her2.get('/api/v1/directoras/me');
    assert.ok(!mine2.json.profile.views.some((v) => v.kind === 'contacto'));
  });
});

describe('her own profile', () => {
  test('an ineligible or malformed registration is refused with field and reason, and nothing is written', async () => {
    const w = await newWoman();
    const post = (body) => w.post('/api/v1/directoras/profiles', body);
    assertApiError(assert, await post(profile({ rut: '12.345.678-9' })), 422, 'invalid_rut', 'rut');
    assertApiError(assert, await post(profile({ experience_years: 2 })), 422, 'ineligible', 'experience_years');
    assertApiError(assert, await post(profile({ board_training: false, board_years: 0 })), 422, 'ineligible', 'board_training');
    assertApiError(assert, await post(profile({ studies: 'media' })), 422, undefined, 'studies');
    assertApiError(assert, await post(profile({ industries: [] })), 422, 'ineligible', 'industries');
    assertApiError(assert, await post(profile({ industries: ['pesca_ilegal'] })), 422, 'unknown_code', 'industries');
    assertApiError(assert, await post(profile({ industries: 'mineria' })), 422, 'invalid_type', 'industries');
    assertApiError(assert, await post(profile({ email: 'sin-arroba' })), 422, 'invalid_email', 'email');
    assertApiError(assert, await post(profile({ phone: '12' })), 422, 'invalid_phone', 'phone');
    assertApiError(assert, await post(profile({ region_id: '99' })), 422, undefined, 'region_id');
    assertApiError(assert, await post(profile({ birth_year: new Date().getFullYear() - 10 })), 422, 'ineligible', 'birth_year');
    assertApiError(assert, await post(profile({ contactable: undefined })), 422, undefined, 'contactable');
    assertApiError(assert, await post(profile({ salario: 1 })), 422, 'unknown_field', 'salario');
    const me = await w.get('/api/v1/directoras/me');
    assert.equal(me.json.profile, null, 'nothing half-written');
  });

  test('she registers, edits (renewing the freshness date); a duplicate RUT, a second profile and someone else\'s edit are refused', async () => {
    const w = await newWoman();
    const body = profile();
    const r = await w.post('/api/v1/directoras/profiles', body);
    assert.equal(r.status, 201, r.text);
    const id = r.json.profile.id;
    assert.equal(r.json.profile.rut.replace(/\./g, ''), body.rut);
    assert.equal(r.json.profile.stale, false);
    assertApiError(assert, await w.post('/api/v1/directoras/profiles', profile()), 409, 'already_registered');
    const w2 = await newWoman();
    assertApiError(assert, await w2.post('/api/v1/directoras/profiles', profile({ rut: body.rut })), 409, 'rut_registered', 'rut');
    assert.equal((await w2.get('/api/v1/directoras/me')).json.profile, null);
    // Someone else's profile: another woman gets 404, a company is not allowed at all.
    assertApiError(assert, await w2.req('PUT', `/api/v1/directoras/profiles/${id}`, { body: profile({ rut: body.rut, full_name: 'Otra' }) }), 404, 'not_found');
    assert.equal((await company.req('PUT', `/api/v1/directoras/profiles/${id}`, { body })).status, 403);
    const denied = await auditEntries(admin, 'action=directoras.profile_update&outcome=denied');
    assert.ok(denied.some((e) => e.object === `directora:${id}`));
    const up = await w.req('PUT', `/api/v1/directoras/profiles/${id}`, { body: { ...body, contactable: false, board_years: 3 } });
    assert.equal(up.status, 200, up.text);
    assert.equal(up.json.profile.contactable, false);
    assert.equal(up.json.profile.full_name, 'Ana María Ortúzar Vial');
    assertApiError(assert, await w.req('PUT', `/api/v1/directoras/profiles/${id}`, { body: { ...body, experience_years: 1 } }), 422, 'ineligible', 'experience_years');
    assert.equal((await w.get('/api/v1/directoras/me')).json.profile.experience_years, 22, 'the refused edit changed nothing');
    // Found by a company, accent-insensitive, in its region.
    const s = await search(company, 'q=ortuzar&region=02');
    assert.ok(s.json.items.some((p) => p.id === id), s.text);
  });

  test('a stale profile is reminded (the job) and shows on her home page until she saves it', async () => {
    let reminded = [];
    for (let i = 0; i < 30 && !reminded.some((e) => e.object === `directora:${her2Id}`); ++i) {
      await sleep(500);
      reminded = await auditEntries(admin, 'action=directoras.stale_reminder');
    }
    assert.ok(reminded.some((e) => e.object === `directora:${her2Id}`), 'the reminder job ran');
    assert.ok(!reminded.some((e) => e.object === `directora:${herId}`), 'a fresh profile is not reminded');
    const home = await her2.get('/api/v1/me/home');
    assert.ok(home.json.items.some((i) => i.title === 'Actualice su perfil del Registro de Directoras' && i.link === '/directoras/mi-perfil'), home.text);
    const me = (await her2.get('/api/v1/directoras/me')).json.profile;
    assert.equal(me.stale, true);
    const body = { full_name: me.full_name, rut: me.rut, email: me.email, phone: me.phone, birth_year: me.birth_year, studies: me.studies,
      degree: me.degree, experience_years: me.experience_years, industries: me.industries, specialties: me.specialties,
      board_years: me.board_years, board_training: me.board_training, region_id: me.region_id, availability: me.availability,
      summary: me.summary, contactable: me.contactable };
    const saved = await her2.req('PUT', `/api/v1/directoras/profiles/${her2Id}`, { body });
    assert.equal(saved.status, 200, saved.text);
    assert.equal(saved.json.profile.stale, false);
    const after = await her2.get('/api/v1/me/home');
    assert.ok(!after.json.items.some((i) => i.title === 'Actualice su perfil del Registro de Directoras'));
  });

  test('the company home page leads to the search', async () => {
    const home = await company.get('/api/v1/me/home');
    const item = home.json.items.find((i) => i.title === 'Registro de Directoras');
    assert.ok(item && item.link === '/directoras/buscar' && item.value > 600, home.text);
  });
});
