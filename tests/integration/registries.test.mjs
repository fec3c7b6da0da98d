// The ministry's registries over real HTTP (issue 18, items 2 and 3): the public lists of certified
// organisations (NCh3262, Sello Iguala-Conciliación, IPG Chile) computed from the demo's generated
// records and agreeing with the seed's figures; the ministry's editor (role analyst, permission
// registries.manage) records organisations and status changes, each kept in the history with who
// and when; agreements with parties, validity, obligations, documents and the alerts the job raises.
// Bad input is refused with field and reason and nothing is written; wrong roles get 403.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo, newPassword, runFor, uniq } from './auth_helpers.mjs';

let srv, analyst, focal, company, admin, outsider;
const pub = (p) => srv.request('GET', p);

// A company RUT with a valid check digit, unique to this run (the demo's are 76.9 million and up).
let rutSerial = 77_000_000 + Math.floor(Math.random() * 900_000);
const newRut = () => runFor(rutSerial += 7);
// The same number with another check digit.
const wrongDv = (rut) => { const [n, dv] = rut.split('-'); return `${n}-${dv === '1' ? '2' : '1'}`; };

before(async () => {
  // The sweep (and so the agreements' alert job) every second.
  srv = await startServer({ extraArgs: ['--demo'], env: { EQ_SWEEP_SECONDS: '1' } });
  [analyst, focal, company, admin] = await Promise.all(['analyst', 'focal_point', 'company', 'admin'].map((r) => loginDemo(srv, r)));
  // An analyst of a public service that is not a ministry: same role, not the ministry's objects.
  const inst = await admin.post('/api/v1/institutions', { name: `Servicio de prueba ${uniq()}`, type: 'public_service' });
  assert.equal(inst.status, 201, inst.text);
  const email = `analista.servicio.${uniq()}@equidad.test`, password = newPassword();
  const u = await admin.post('/api/v1/users', { name: 'Ana María Rojas', email, institution_id: inst.json.id, roles: ['analyst'], password });
  assert.equal(u.status, 201, u.text);
  outsider = await login(srv, email, { password });
});
after(async () => { await srv?.stop(); });

const certCount = async (program) => (await pub(`/api/v1/registries/public/certifications?program=${program}`)).json.total;

describe('certified organisations: public lists', () => {
  test('without a session, with the demo counts computed from records agreeing with the seed (62, 15, 36)', async () => {
    const r = await pub('/api/v1/registries/public/certifications');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.seed.ipg_adhered, 62);
    assert.equal(r.json.seed.ipg_in_process, 15);
    assert.equal(r.json.seed.nch3262_certified, 36);
    assert.match(r.json.seed.source, /Cuenta Pública 2020–2021/);
    // Computed from the records themselves, and the same figures the lists give.
    assert.equal(r.json.computed.ipg_adhered, r.json.seed.ipg_adhered);
    assert.equal(r.json.computed.ipg_in_process, r.json.seed.ipg_in_process);
    assert.equal(r.json.computed.nch3262_certified, r.json.seed.nch3262_certified);
    const adhered = await pub('/api/v1/registries/public/certifications?program=ipg&status=adherida');
    assert.equal(adhered.json.items.length, 62);
    assert.ok(adhered.json.items.every((c) => c.program === 'ipg' && c.status === 'adherida' && c.demo));
    const inProcess = await pub('/api/v1/registries/public/certifications?program=ipg&status=en_proceso_firma');
    assert.equal(inProcess.json.items.length, 15);
    const nch = await pub('/api/v1/registries/public/certifications?program=nch3262&status=certificada');
    assert.equal(nch.json.items.length, 36);
    assert.ok(nch.json.items.every((c) => c.edition === 'NCh3262:2012' && c.certifier === 'sin información'), 'no certifier invented');
    // Search by name.
    const one = nch.json.items[0];
    const q = await pub(`/api/v1/registries/public/certifications?q=${encodeURIComponent(one.organisation.name)}`);
    assert.ok(q.json.items.some((c) => c.id === one.id));
    assertApiError(assert, await pub('/api/v1/registries/public/certifications?program=iso9001'), 400, 'invalid_parameter', 'program');
  });

  test('a record\'s public history gives dates and statuses but not who; the ministry sees who', async () => {
    const list = await pub('/api/v1/registries/public/certifications?program=ipg');
    const id = list.json.items[0].id;
    const anon = await pub(`/api/v1/registries/public/certifications/${id}`);
    assert.equal(anon.status, 200, anon.text);
    assert.ok(anon.json.history.length >= 1);
    assert.ok(anon.json.history.every((h) => !('by' in h)));
    const mine = await analyst.get(`/api/v1/registries/public/certifications/${id}`);
    assert.ok(mine.json.history.every((h) => typeof h.by === 'string'));
    assertApiError(assert, await pub('/api/v1/registries/public/certifications/999999'), 404);
  });
});

describe('certified organisations: the ministry\'s editor', () => {
  test('records an organisation; a duplicate certification is 409 and writes nothing', async () => {
    const rut = newRut();
    const body = { organisation_name: `Constructora Prueba ${uniq()} S.A.`, rut, program: 'nch3262', status: 'en_proceso',
      edition: 'NCh3262:2021', certifier: 'Organismo certificador acreditado por el INN', scope: 'Casa matriz y sucursales',
      issued_on: '', note: 'Inicio del proceso' };
    const before = await certCount('nch3262');
    const r = await analyst.post('/api/v1/registries/certifications', body);
    assert.equal(r.status, 201, r.text);
    assert.equal(await certCount('nch3262'), before + 1);
    // The same organisation (same RUT, written otherwise) in the same program.
    const dotted = rut.replace(/^(\d{2})(\d{3})(\d{3})/, '$1.$2.$3');
    assertApiError(assert, await analyst.post('/api/v1/registries/certifications', { ...body, rut: dotted }), 409, 'duplicate_certification', 'rut');
    assert.equal(await certCount('nch3262'), before + 1, 'nothing written');
    // Another program for the same organisation is fine.
    const ipg = await analyst.post('/api/v1/registries/certifications', { organisation_name: body.organisation_name, rut, program: 'ipg', status: 'en_proceso_firma' });
    assert.equal(ipg.status, 201, ipg.text);
  });

  test('a bad RUT is 422 on field rut; a status of another program is 422; expiry before issue is 422; nothing written', async () => {
    const before = await certCount('ipg');
    const base = { organisation_name: `Empresa ${uniq()}`, program: 'ipg', status: 'adherida' };
    assertApiError(assert, await analyst.post('/api/v1/registries/certifications', { ...base, rut: wrongDv(newRut()) }), 422, 'invalid_rut', 'rut');
    assertApiError(assert, await analyst.post('/api/v1/registries/certifications', { ...base, rut: newRut(), status: 'certificada' }), 422, undefined, 'status');
    assertApiError(assert, await analyst.post('/api/v1/registries/certifications',
      { ...base, rut: newRut(), issued_on: '10-05-2022', expires_on: '01-2021' }), 422, 'end_before_start', 'expires_on');
    assertApiError(assert, await analyst.post('/api/v1/registries/certifications', { ...base, rut: newRut(), program: 'nch3262', status: 'certificada' }), 422, undefined, 'edition');
    assert.equal(await certCount('ipg'), before, 'nothing written');
  });

  test('every status change lands in the history with who and when, and in the audit log', async () => {
    const rut = newRut();
    const c = await analyst.post('/api/v1/registries/certifications', { organisation_name: `Minera Prueba ${uniq()}`, rut, program: 'nch3262', status: 'en_proceso', edition: 'NCh3262:2021' });
    assert.equal(c.status, 201, c.text);
    const id = c.json.id;
    const s1 = await analyst.post(`/api/v1/registries/certifications/${id}/status`, { status: 'certificada', note: 'Auditoría de certificación aprobada' });
    assert.equal(s1.status, 200, s1.text);
    const s2 = await analyst.post(`/api/v1/registries/certifications/${id}/status`, { status: 'suspendida', note: 'Hallazgo mayor' });
    assert.equal(s2.status, 200, s2.text);
    assertApiError(assert, await analyst.post(`/api/v1/registries/certifications/${id}/status`, { status: 'adherida' }), 422, 'unknown_code', 'status');
    assertApiError(assert, await analyst.post(`/api/v1/registries/certifications/${id}/status`, { status: 'suspendida' }), 409, 'same_status', 'status');
    const d = await analyst.get(`/api/v1/registries/public/certifications/${id}`);
    assert.equal(d.json.status, 'suspendida');
    assert.deepEqual(d.json.history.map((h) => h.status), ['en_proceso', 'certificada', 'suspendida']);
    assert.deepEqual(d.json.history.map((h) => h.note), ['', 'Auditoría de certificación aprobada', 'Hallazgo mayor']);
    for (const h of d.json.history) {
      assert.match(h.by, /Javiera Morales Díaz/);
      assert.match(h.at, /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}/);
    }
    const audit = await auditEntries(admin, 'action=registries.cert_status');
    assert.ok(audit.filter((e) => e.object === `certificacion:${id}`).length >= 2, 'status changes audited');
  });

  test('wrong roles: no session 401; a focal point or a company 403; an analyst outside the ministry 403', async () => {
    const body = { organisation_name: `Empresa ${uniq()}`, rut: newRut(), program: 'ipg', status: 'adherida' };
    const before = await certCount('ipg');
    assert.equal((await srv.request('POST', '/api/v1/registries/certifications', { body })).status, 401);
    assertApiError(assert, await focal.post('/api/v1/registries/certifications', body), 403);
    assertApiError(assert, await company.post('/api/v1/registries/certifications', body), 403);
    assertApiError(assert, await outsider.post('/api/v1/registries/certifications', body), 403);
    const id = (await pub('/api/v1/registries/public/certifications?program=ipg')).json.items[0].id;
    assertApiError(assert, await outsider.post(`/api/v1/registries/certifications/${id}/status`, { status: 'retirada' }), 403);
    assertApiError(assert, await focal.get('/api/v1/registries/agreements'), 403);
    assertApiError(assert, await outsider.get('/api/v1/registries/agreements'), 403);
    assert.equal(await certCount('ipg'), before, 'nothing written');
    // The object rule's refusals are recorded (the route table's are, by the router).
    const denied = await auditEntries(admin, 'action=registries.cert_status');
    assert.ok(denied.some((e) => e.object === `certificacion:${id}` && e.outcome === 'denied'), 'refused change audited');
  });
});

describe('agreements', () => {
  const waitForAlerts = async (pred) => {
    for (let i = 0; i < 60; i++) {
      const r = await analyst.get('/api/v1/registries/agreements');
      if (pred(r.json.items)) return r.json.items;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error('alerts not raised');
  };

  test('the seed\'s agreements with only the seed\'s facts; the job alerts on expiry and missed obligations', async () => {
    const items = await waitForAlerts((xs) => xs.some((a) => a.alerts_count > 0 && /demostración/.test(a.title)));
    const walmart = items.find((a) => a.title.startsWith('Espacios Solidarios Permanentes'));
    assert.ok(walmart);
    assert.equal(walmart.ends_on.label, '31-12-2021');
    assert.equal(walmart.signed_on.label, 'enero de 2021', 'only the month the seed gives');
    assert.deepEqual(walmart.parties, ['Walmart Chile', 'Ministerio de la Mujer y la Equidad de Género']);
    assert.equal(walmart.validity.code, 'vencido');
    const renace = items.find((a) => a.title === 'Programa de Capacitación Renace');
    assert.equal(renace.signed_on.label, 'sin información', 'no date invented');
    assert.equal(renace.ends_on.label, 'sin información');
    const minvu = items.find((a) => /Subsidio Habitacional/.test(a.title));
    assert.equal(minvu.signed_on.label, 'noviembre de 2020');
    assert.equal(minvu.parties.length, 3);
    for (const t of [/Bienes Nacionales/, /asistencia jurídica/]) assert.ok(items.some((a) => t.test(a.title)), String(t));
    // The job: the expired Walmart agreement without a closing, the demo one 45 days from its end
    // (the 60-day window) and its obligation 10 days late.
    const w = await analyst.get(`/api/v1/registries/agreements/${walmart.id}`);
    assert.deepEqual(w.json.alerts.map((a) => a.kind), ['vencido']);
    const demo = items.find((a) => /demostración/.test(a.title));
    assert.equal(demo.demo, true);
    const d = await analyst.get(`/api/v1/registries/agreements/${demo.id}`);
    assert.deepEqual(d.json.alerts.map((a) => a.kind).sort(), ['obligacion_atrasada', 'vence_60']);
    assert.ok(d.json.obligations.some((o) => o.overdue));
    assert.equal(d.json.documents[0].url, 'https://www.minmujeryeg.gob.cl/');
    // Raised once: the next sweeps add nothing.
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal((await analyst.get(`/api/v1/registries/agreements/${demo.id}`)).json.alerts.length, 2);
  });

  test('an end before the start is 422 on ends_on with the reason, and nothing is written', async () => {
    const count = async () => (await analyst.get('/api/v1/registries/agreements')).json.items.length;
    const before = await count();
    const body = { title: `Convenio de prueba ${uniq()}`, status: 'suscrito', parties: ['Ministerio de la Mujer y la Equidad de Género', 'Municipalidad de Prueba'],
      signed_on: '15-03-2024', starts_on: '01-04-2024', ends_on: '31-03-2024' };
    const e = assertApiError(assert, await analyst.post('/api/v1/registries/agreements', body), 422, 'end_before_start', 'ends_on');
    assert.match(e.message, /31-03-2024.*anterior.*01-04-2024/);
    // Without a start date the signature counts; a year before the month is caught too.
    assertApiError(assert, await analyst.post('/api/v1/registries/agreements', { ...body, starts_on: '', ends_on: '2023' }), 422, 'end_before_start', 'ends_on');
    assertApiError(assert, await analyst.post('/api/v1/registries/agreements', { ...body, ends_on: '31-02-2025' }), 422, 'invalid_date', 'ends_on');
    assertApiError(assert, await analyst.post('/api/v1/registries/agreements', { ...body, ends_on: '', parties: ['Solo una parte'] }), 422, 'too_few', 'parties');
    assertApiError(assert, await analyst.post('/api/v1/registries/agreements',
      { ...body, ends_on: '', documents: [{ title: 'Texto', url: 'javascript:alert(1)' }] }), 422, 'invalid_url', 'documents[0].url');
    assertApiError(assert, await analyst.post('/api/v1/registries/agreements',
      { ...body, ends_on: '', obligations: [{ description: 'Informe' }] }), 422, undefined, 'obligations[0].owner');
    assertApiError(assert, await focal.post('/api/v1/registries/agreements', { ...body, ends_on: '' }), 403);
    assert.equal(await count(), before, 'nothing written');
  });

  test('an agreement with obligations and documents; an obligation\'s status changes, audited', async () => {
    const body = { title: `Convenio de prueba ${uniq()}`, purpose: 'Capacitación', status: 'suscrito',
      parties: ['Ministerio de la Mujer y la Equidad de Género', 'Municipalidad de Prueba'], signed_on: '03-2024', ends_on: '31-12-2030',
      obligations: [{ description: 'Informe anual', owner: 'Municipalidad de Prueba', due_on: '31-12-2025' }],
      documents: [{ title: 'Texto del convenio', url: 'https://example.org/convenio.pdf', kind: 'texto' }] };
    const r = await analyst.post('/api/v1/registries/agreements', body);
    assert.equal(r.status, 201, r.text);
    const d = await analyst.get(`/api/v1/registries/agreements/${r.json.id}`);
    assert.equal(d.json.validity.code, 'vigente');
    assert.equal(d.json.signed_on.label, 'marzo de 2024');
    assert.equal(d.json.obligations[0].status, 'pendiente');
    const oid = d.json.obligations[0].id;
    const u = await analyst.req('PUT', `/api/v1/registries/agreements/${r.json.id}/obligations/${oid}`, { body: { status: 'cumplida' } });
    assert.equal(u.status, 200, u.text);
    assert.equal((await analyst.get(`/api/v1/registries/agreements/${r.json.id}`)).json.obligations[0].status, 'cumplida');
    assertApiError(assert, await analyst.req('PUT', `/api/v1/registries/agreements/${r.json.id}/obligations/999999`, { body: { status: 'cumplida' } }), 404);
    assertApiError(assert, await outsider.req('PUT', `/api/v1/registries/agreements/${r.json.id}/obligations/${oid}`, { body: { status: 'pendiente' } }), 404);
    assertApiError(assert, await outsider.get(`/api/v1/registries/agreements/${r.json.id}`), 404);
    const audit = await auditEntries(admin, 'action=registries.obligation_status');
    assert.ok(audit.some((e) => e.object === `convenio:${r.json.id}` && e.outcome === 'ok'));
  });

  test('home items lead the ministry to both screens', async () => {
    const h = await analyst.get('/api/v1/me/home');
    assert.equal(h.status, 200, h.text);
    const links = h.json.items.map((i) => i.link);
    assert.ok(links.includes('/registros/certificaciones'));
    assert.ok(links.includes('/registros/convenios'));
  });
});

// dd-mm-aaaa of today (UTC) plus `days`.
const dayFromNow = (days) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
};

describe('certification expiry alerts (90 and 30 days, expired)', () => {
  const newCert = async (over) => {
    const r = await analyst.post('/api/v1/registries/certifications', { organisation_name: `Empresa Vigencia ${uniq()} S.A.`, rut: newRut(),
      program: 'nch3262', status: 'certificada', edition: 'NCh3262:2021', issued_on: dayFromNow(-700), ...over });
    assert.equal(r.status, 201, r.text);
    return r.json.id;
  };
  const waitForCertAlerts = async (pred) => {
    for (let i = 0; i < 60; i++) {
      const r = await analyst.get('/api/v1/registries/certification-alerts');
      assert.equal(r.status, 200, r.text);
      if (pred(r.json.items)) return r.json.items;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error('certification alerts not raised');
  };

  test('the job alerts once in the narrowest window reached; a certification not in force is not alerted; a renewal clears it', async () => {
    const in45 = await newCert({ expires_on: dayFromNow(45) });
    const in10 = await newCert({ expires_on: dayFromNow(10) });
    const past = await newCert({ expires_on: dayFromNow(-3) });
    const far = await newCert({ expires_on: dayFromNow(400) });
    const sello = await newCert({ program: 'sello_iguala', status: 'otorgado', edition: '', expires_on: dayFromNow(20) });
    const inProcess = await newCert({ status: 'en_proceso', expires_on: dayFromNow(5) });
    const ids = [in45, in10, past, far, sello, inProcess];
    const items = await waitForCertAlerts((xs) => [in45, in10, past, sello].every((id) => xs.some((x) => x.certification_id === id)));
    const of = (id) => items.filter((x) => x.certification_id === id).map((x) => x.kind);
    assert.deepEqual(of(in45), ['vence_90']);
    assert.deepEqual(of(in10), ['vence_30'], 'the 90-day window skipped is not raised late');
    assert.deepEqual(of(past), ['vencida']);
    assert.deepEqual(of(sello), ['vence_30']);
    assert.deepEqual(of(far), []);
    assert.deepEqual(of(inProcess), [], 'only a certification in force expires');
    const a = items.find((x) => x.certification_id === in45);
    assert.match(a.kind_name, /90 días/);
    assert.match(a.message, /vence el \d{2}-\d{2}-\d{4} \(en 45 días\)/);
    // Raised once: later sweeps add nothing.
    await new Promise((res) => setTimeout(res, 1500));
    const again = (await analyst.get('/api/v1/registries/certification-alerts')).json.items;
    assert.equal(again.filter((x) => ids.includes(x.certification_id)).length, 4);
    const audit = await auditEntries(admin, 'action=registries.cert_alert_raised');
    assert.ok(audit.some((e) => e.object === `certificacion:${in45}`));
    // The ministry sees the alerts on the record; the public record does not carry them.
    assert.deepEqual((await analyst.get(`/api/v1/registries/public/certifications/${in10}`)).json.alerts.map((x) => x.kind), ['vence_30']);
    assert.ok(!('alerts' in (await pub(`/api/v1/registries/public/certifications/${in10}`)).json));
    // The home page leads to them.
    const h = await analyst.get('/api/v1/me/home');
    assert.ok(h.json.items.some((i) => i.title === 'Certificaciones por vencer o vencidas' && i.link === '/registros/certificaciones' && i.value >= 4));
    // A renewal: new dates, in the history; the open list drops the old alert, the record keeps it.
    const r = await analyst.req('PUT', `/api/v1/registries/certifications/${past}/validity`, { body: { issued_on: dayFromNow(-2), expires_on: dayFromNow(1000), note: 'Auditoría de renovación aprobada' } });
    assert.equal(r.status, 200, r.text);
    const open = (await analyst.get('/api/v1/registries/certification-alerts')).json.items;
    assert.ok(!open.some((x) => x.certification_id === past));
    const d = await analyst.get(`/api/v1/registries/public/certifications/${past}`);
    assert.equal(d.json.expires_on.value, dayFromNow(1000));
    assert.equal(d.json.issued_on.value, dayFromNow(-2));
    assert.equal(d.json.history.at(-1).note, 'Auditoría de renovación aprobada');
    assert.deepEqual(d.json.alerts.map((x) => x.kind), ['vencida']);
  });

  test('a renewal with the expiry before the issue, of an IPG adhesion, without an expiry, or by someone else is refused; nothing written', async () => {
    const id = await newCert({ expires_on: dayFromNow(200) });
    const before = (await analyst.get(`/api/v1/registries/public/certifications/${id}`)).json;
    const put = (who, body, cid = id) => who.req('PUT', `/api/v1/registries/certifications/${cid}/validity`, { body });
    assertApiError(assert, await put(analyst, { issued_on: '10-05-2026', expires_on: '01-2026' }), 422, 'end_before_start', 'expires_on');
    assertApiError(assert, await put(analyst, { issued_on: '10-05-2026' }), 422, undefined, 'expires_on');
    assertApiError(assert, await put(analyst, { expires_on: '31-02-2030' }), 422, 'invalid_date', 'expires_on');
    assertApiError(assert, await put(analyst, { expires_on: '2030', colour: 'azul' }), 422, undefined, 'colour');
    // Without a new issue date the recorded one stands, and the new expiry may not precede it.
    assertApiError(assert, await put(analyst, { expires_on: dayFromNow(-800) }), 422, 'end_before_start', 'expires_on');
    const ipg = (await pub('/api/v1/registries/public/certifications?program=ipg')).json.items[0].id;
    assertApiError(assert, await put(analyst, { expires_on: '2030' }, ipg), 422, 'no_term', 'expires_on');
    assertApiError(assert, await put(analyst, { expires_on: '2030' }, 999999), 404);
    assertApiError(assert, await put(outsider, { expires_on: '2030' }), 403);
    assertApiError(assert, await put(focal, { expires_on: '2030' }), 403);
    assertApiError(assert, await outsider.get('/api/v1/registries/certification-alerts'), 403);
    const after = (await analyst.get(`/api/v1/registries/public/certifications/${id}`)).json;
    assert.deepEqual(after.expires_on, before.expires_on, 'nothing written');
    assert.equal(after.history.length, before.history.length);
  });
});

describe('editing an agreement\'s obligations and documents', () => {
  let id;
  before(async () => {
    const r = await analyst.post('/api/v1/registries/agreements', { title: `Convenio editable ${uniq()}`, status: 'en_ejecucion',
      parties: ['Ministerio de la Mujer y la Equidad de Género', 'Municipalidad de Prueba'], signed_on: '03-2024', ends_on: '31-12-2030' });
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
  });
  const get = async () => (await analyst.get(`/api/v1/registries/agreements/${id}`)).json;

  test('adds an obligation, edits it, completes it; each change audited', async () => {
    const r = await analyst.post(`/api/v1/registries/agreements/${id}/obligations`, { description: 'Informe trimestral', owner: 'Municipalidad de Prueba', due_on: '30-06-2025' });
    assert.equal(r.status, 201, r.text);
    const oid = r.json.id;
    let o = (await get()).obligations.find((x) => x.id === oid);
    assert.equal(o.status, 'pendiente');
    assert.equal(o.overdue, true);
    const e = await analyst.req('PUT', `/api/v1/registries/agreements/${id}/obligations/${oid}`, { body: { owner: 'SernamEG regional', due_on: '30-06-2031' } });
    assert.equal(e.status, 200, e.text);
    o = (await get()).obligations.find((x) => x.id === oid);
    assert.equal(o.owner, 'SernamEG regional');
    assert.equal(o.description, 'Informe trimestral', 'what was not sent stays');
    assert.equal(o.due_on.label, '30-06-2031');
    assert.equal(o.overdue, false);
    const c = await analyst.req('PUT', `/api/v1/registries/agreements/${id}/obligations/${oid}`, { body: { status: 'cumplida', description: 'Informe trimestral (entregado)' } });
    assert.equal(c.status, 200, c.text);
    o = (await get()).obligations.find((x) => x.id === oid);
    assert.equal(o.status, 'cumplida');
    assert.equal(o.description, 'Informe trimestral (entregado)');
    for (const action of ['registries.obligation_create', 'registries.obligation_edit']) {
      const audit = await auditEntries(admin, `action=${action}`);
      assert.ok(audit.some((x) => x.object === `convenio:${id}` && x.outcome === 'ok'), action);
    }
  });

  test('bad obligations are 422 with the field; unknown ones 404; someone else 404; nothing written', async () => {
    const count = async () => (await get()).obligations.length;
    const n = await count();
    const post = (body, who = analyst, aid = id) => who.post(`/api/v1/registries/agreements/${aid}/obligations`, body);
    assertApiError(assert, await post({ description: 'Informe' }), 422, undefined, 'owner');
    assertApiError(assert, await post({ owner: 'Municipalidad' }), 422, undefined, 'description');
    assertApiError(assert, await post({ description: 'Informe', owner: 'M', due_on: '31-02-2026' }), 422, 'invalid_date', 'due_on');
    assertApiError(assert, await post({ description: 'Informe', owner: 'M', status: 'archivada' }), 422, undefined, 'status');
    assertApiError(assert, await post({ description: 'Informe', owner: 'M', plazo: 'mañana' }), 422, undefined, 'plazo');
    assertApiError(assert, await post({ description: 'Informe', owner: 'M' }, analyst, 999999), 404);
    assertApiError(assert, await post({ description: 'Informe', owner: 'M' }, outsider), 404);
    assertApiError(assert, await post({ description: 'Informe', owner: 'M' }, focal), 403);
    assert.equal(await count(), n, 'nothing written');
    const oid = (await post({ description: 'Acta de constitución', owner: 'Ministerio' })).json.id;
    const put = (body, who = analyst, o = oid) => who.req('PUT', `/api/v1/registries/agreements/${id}/obligations/${o}`, { body });
    assertApiError(assert, await put({}), 422, 'empty_edit', 'description');
    assertApiError(assert, await put({ owner: '' }), 422, undefined, 'owner');
    assertApiError(assert, await put({ owner: 'Otra', due_on: '2026-13-01' }), 422, undefined, 'due_on');
    assertApiError(assert, await put({ owner: 'Otra' }, analyst, 999999), 404);
    assertApiError(assert, await put({ owner: 'Otra' }, outsider), 404);
    const o = (await get()).obligations.find((x) => x.id === oid);
    assert.equal(o.owner, 'Ministerio', 'nothing written');
    const denied = await auditEntries(admin, 'action=registries.obligation_create');
    assert.ok(denied.some((x) => x.object === `convenio:${id}` && x.outcome === 'denied'), 'refusal audited');
  });

  test('attaches a document link and removes it; a bad link is 422; a document of another agreement 404', async () => {
    const r = await analyst.post(`/api/v1/registries/agreements/${id}/documents`, { title: 'Resolución aprobatoria', url: 'https://www.minmujeryeg.gob.cl/convenio.pdf', kind: 'resolución' });
    assert.equal(r.status, 201, r.text);
    const did = r.json.id;
    assert.deepEqual((await get()).documents.map((d) => d.title), ['Resolución aprobatoria']);
    assertApiError(assert, await analyst.post(`/api/v1/registries/agreements/${id}/documents`, { title: 'X', url: 'javascript:alert(1)' }), 422, 'invalid_url', 'url');
    assertApiError(assert, await analyst.post(`/api/v1/registries/agreements/${id}/documents`, { url: 'https://example.org/a.pdf' }), 422, undefined, 'title');
    assertApiError(assert, await outsider.post(`/api/v1/registries/agreements/${id}/documents`, { title: 'X', url: 'https://example.org/a.pdf' }), 404);
    assert.equal((await get()).documents.length, 1, 'nothing written');
    // Another agreement's id with this document: 404, and the document stays.
    const other = (await analyst.get('/api/v1/registries/agreements')).json.items.find((a) => a.id !== id).id;
    assertApiError(assert, await analyst.req('DELETE', `/api/v1/registries/agreements/${other}/documents/${did}`), 404);
    assertApiError(assert, await outsider.req('DELETE', `/api/v1/registries/agreements/${id}/documents/${did}`), 404);
    assert.equal((await get()).documents.length, 1);
    const del = await analyst.req('DELETE', `/api/v1/registries/agreements/${id}/documents/${did}`);
    assert.equal(del.status, 200, del.text);
    assert.equal((await get()).documents.length, 0);
    assertApiError(assert, await analyst.req('DELETE', `/api/v1/registries/agreements/${id}/documents/${did}`), 404);
    for (const action of ['registries.document_add', 'registries.document_remove']) {
      const audit = await auditEntries(admin, `action=${action}`);
      assert.ok(audit.some((x) => x.object === `convenio:${id}` && x.outcome === 'ok'), action);
    }
  });
});
