// Issue 15 over real HTTP: the public account's figures computed from the demo history (seed
// check), the PMG steps (outcome with its reason, technical-assistance log), a report and its
// evidence saved together or not at all, the validation queue with the evidence and the version
// being validated (409 when stale), and the SEREMI's view of their own region's agenda.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, loginDemo } from './auth_helpers.mjs';

let srv;
let analyst;
let focal; // Ministerio de Salud
let seremi; // Región Metropolitana
let admin;
let ins;
let openPeriod; // Compromisos Ministeriales, open today
let leaves; // the Ministerio de Salud's commitment leaves

before(async () => {
  // The demo history takes a while to load on PostgreSQL on a shared machine.
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 180_000 });
  [analyst, focal, seremi, admin] = await Promise.all(['analyst', 'focal_point', 'seremi', 'admin'].map((r) => loginDemo(srv, r)));
  ins = Object.fromEntries((await srv.request('GET', '/api/v1/policy/public/instruments')).json.items.map((i) => [i.code, i]));
  const cm = await srv.request('GET', `/api/v1/policy/public/instruments/${ins['compromisos-ministeriales'].id}`);
  openPeriod = cm.json.periods.find((p) => p.state === 'abierto');
  const salud = cm.json.items.find((i) => i.title === 'Ministerio de Salud' && !i.parent_id);
  const groups = cm.json.items.filter((i) => i.parent_id === salud.id).map((g) => g.id);
  leaves = cm.json.items.filter((i) => groups.includes(i.parent_id));
});
after(async () => { await srv?.stop(); });

const pub = (p) => srv.request('GET', p);
const b64 = (text) => Buffer.from(text, 'utf8').toString('base64');
const pdf = (n = 200) => `%PDF-1.4\n${'x'.repeat(n)}`;
const body = (item, extra = {}) => ({ item_id: item.id, period_id: openPeriod.id, status: 'en_proceso', progress: 50,
  narrative: 'Avance del compromiso con acta de la comisión.', ...extra });
const reportsOf = async (item) => (await focal.get(`/api/v1/policy/reports?item_id=${item.id}&period_id=${openPeriod.id}`)).json.items;

describe('the public account computed from the records', () => {
  test('every stated figure has its computed twin; all agree but the two the account itself gets wrong', async () => {
    const r = await pub('/api/v1/policy/public/checks');
    assert.equal(r.status, 200, r.text);
    const bad = r.json.items.filter((f) => !f.check.agrees).map((f) => [f.instrument_code, f.text, f.check.text]);
    assert.deepEqual(bad, [
      ['compromisos-ministeriales', '80 %', '78,3 % (18 de 23)'],
      ['instructivo-acoso', '95 %', '94,3 % (197 de 209)'],
    ]);
    assert.equal(r.json.agree, 29);
    const by = (label) => r.json.items.find((f) => f.label.startsWith(label));
    const expected = {
      'Servicios que comprometieron el indicador en 2020': 150, 'Servicios que comprometieron el indicador en 2021': 157,
      'Compromisos específicos 2021': 414, 'Reuniones de asistencia técnica': 69, 'Procedimientos en total': 209,
      'Instituciones públicas que cubren': 280, 'Iniciativas legislativas': 13, 'Iniciativas de gestión': 14,
      'Ministerios con 100 %': 14, 'Maule: actividades comprometidas': 81, 'Los Ríos: compromisos de género cumplidos': 112,
    };
    for (const [label, value] of Object.entries(expected)) {
      assert.equal(by(label).check.value, value, label);
      assert.equal(by(label).check.agrees, true, label);
      assert.equal(by(label).source, 'Cuenta Pública 2021 del Ministerio de la Mujer y la Equidad de Género');
    }
    const central = r.json.items.filter((f) => f.label === '… del nivel central').map((f) => f.check.value);
    assert.deepEqual(central, [111, 114]);
    assert.equal(by('Servicios aprobados en la evaluación 2020').check.text, '98,7 % (148 de 150)');
  });

  test('each PMG figure drills down to the services, their outcomes and the reports behind them', async () => {
    const r = await pub('/api/v1/policy/public/checks');
    const approved = r.json.items.find((f) => f.label === 'Servicios aprobados en la evaluación 2020');
    const year = await pub(`/api/v1/policy/public/items/${approved.check.item_id}`);
    assert.equal(year.status, 200);
    assert.equal(year.json.children.length, 150);
    assert.equal(year.json.children.filter((c) => c.status === 'cumplido').length, 148);
    const failed = year.json.children.find((c) => c.status === 'no_cumplido');
    const svc = await pub(`/api/v1/policy/public/items/${failed.id}`);
    const measure = svc.json.children[0];
    const m = await pub(`/api/v1/policy/public/items/${measure.id}`);
    assert.ok(m.json.reports.length >= 1, 'the validated compliance report behind the figure');
    assert.match(m.json.reports[0].versions[0].narrative, /^\[Demostración\]/);
    assert.ok(m.json.reports[0].evidence.length >= 1);
  });

  test('Agenda Mujer: the legislative initiatives follow their bills; the seed\'s words name them', async () => {
    const am = await pub(`/api/v1/policy/public/instruments/${ins['agenda-mujer'].id}`);
    const gabriela = am.json.items.find((i) => i.title.includes('femicidio') && i.level === 'accion');
    assert.ok(gabriela, am.json.items.map((i) => i.title).join('\n'));
    assert.equal(gabriela.progress, 100, 'published law');
    const bills = await pub(`/api/v1/policy/public/items/${gabriela.id}/bills`);
    assert.equal(bills.json.items[0].stage, 'publicada');
    const sala = am.json.items.find((i) => i.title.includes('Sala Cuna') && i.level === 'accion');
    assert.ok(sala.progress > 0 && sala.progress < 100, 'a bill still in Congress');
    assert.ok(am.json.items.some((i) => i.title === 'Registro de Mujeres para Directorios 2.0'));
  });

  test('technical assistance: 69 sessions June–December 2020 listed; a new one is checked and logged', async () => {
    const id = ins['pmg-genero'].id;
    const list = await pub(`/api/v1/policy/public/instruments/${id}/assistance`);
    assert.equal(list.json.total, 69);
    assert.ok(list.json.items.some((a) => a.topic === 'Indicaciones para el proceso de formulación PMG 2021' && !a.illustrative));
    const add = (client, b) => client.post('/api/v1/policy/assistance', { instrument_id: id, held_on: '10-03-2021', kind: 'reunion',
      topic: 'Revisión del programa de trabajo', participants: 'Servicio de Registro Civil e Identificación', ...b });
    assertApiError(assert, await add(analyst, { kind: 'almuerzo' }), 422, 'invalid_kind', 'kind');
    assertApiError(assert, await add(analyst, { held_on: '31-02-2021' }), 422, undefined, 'held_on');
    assertApiError(assert, await add(analyst, { held_on: '01-01-2099' }), 422, 'future_date', 'held_on');
    assertApiError(assert, await add(analyst, { topic: 'x' }), 422, 'required', 'topic');
    assertApiError(assert, await add(analyst, { instrument_id: ins['agenda-mujer'].id }), 422, 'not_found', 'instrument_id');
    assert.equal((await add(focal, {})).status, 403);
    assert.equal((await pub(`/api/v1/policy/public/instruments/${id}/assistance`)).json.total, 69, 'nothing stored');
    const ok = await add(analyst, {});
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await pub(`/api/v1/policy/public/instruments/${id}/assistance`)).json.total, 70);
    const check = (await pub('/api/v1/policy/public/checks')).json.items.find((f) => f.label.startsWith('Reuniones de asistencia'));
    assert.equal(check.check.value, 69, 'a session of 2021 is outside the account\'s June–December 2020');
  });
});

describe('PMG outcome: cumple / no cumple with the reason', () => {
  let svc;
  before(async () => {
    const pmg = await pub(`/api/v1/policy/public/instruments/${ins['pmg-genero'].id}`);
    const y2021 = pmg.json.items.find((i) => i.code === '2021');
    // A 2021 service with a commitment still unvalidated (no «cumple» without the evidence).
    const services = pmg.json.items.filter((i) => i.parent_id === y2021.id);
    for (const s of services) {
      const d = await pub(`/api/v1/policy/public/items/${s.id}`);
      if (d.json.reported < d.json.leaves) { svc = s; break; }
    }
    assert.ok(svc);
  });
  const decide = (client, id, b) => client.post(`/api/v1/policy/items/${id}/outcome`, b);

  test('bad input refused with its field; «cumple» refused while the compliance report is not reviewed', async () => {
    assertApiError(assert, await decide(analyst, svc.id, { outcome: 'aprobado', reason: 'Cumplió su programa.' }), 422, 'invalid_outcome', 'outcome');
    assertApiError(assert, await decide(analyst, svc.id, { outcome: 'cumple', reason: 'corto' }), 422, 'required', 'reason');
    // The outcome waits for the compliance report's technical review (policy_pmg_review.test.mjs walks it).
    assertApiError(assert, await decide(analyst, svc.id, { outcome: 'cumple', reason: 'Cumplió su programa de trabajo.' }), 409, 'compliance_pending', 'outcome');
    assertApiError(assert, await decide(analyst, svc.parent_id, { outcome: 'no_cumple', reason: 'No es un servicio sino el año.' }), 422, 'not_pmg_service', 'item_id');
    assert.equal((await decide(focal, svc.id, { outcome: 'no_cumple', reason: 'Sin informe de cumplimiento.' })).status, 403);
    assert.equal((await pub(`/api/v1/policy/public/items/${svc.id}`)).json.status, 'vigente', 'nothing stored');
  });

  test('«no cumple» also waits for the compliance report: nothing stored, the refusal says why', async () => {
    const r = await decide(analyst, svc.id, { outcome: 'no_cumple', reason: 'No presentó el informe de cumplimiento con sus medios de verificación.' });
    assertApiError(assert, r, 409, 'compliance_pending', 'outcome');
    assert.match(r.json.error.message, /informe de cumplimiento/);
    assert.equal((await pub(`/api/v1/policy/public/items/${svc.id}`)).json.status, 'vigente');
  });
});

describe('a report and its evidence: both or neither', () => {
  test('a rejected file leaves no report behind', async () => {
    const item = leaves[0];
    const before = (await reportsOf(item)).length;
    const files = [{ filename: 'acta.pdf', content_type: 'application/pdf', data: b64(pdf()) },
      { filename: 'virus.exe', content_type: 'application/octet-stream', data: b64('MZ....') }];
    const r = await focal.post('/api/v1/policy/reports', body(item, { evidence: files }));
    assertApiError(assert, r, 422, 'forbidden_type', 'evidence[1]');
    assert.match(r.json.error.message, /No se guardó el reporte/);
    const lying = await focal.post('/api/v1/policy/reports', body(item, { evidence: [{ filename: 'falso.pdf', content_type: 'application/pdf', data: b64('<html></html>') }] }));
    assertApiError(assert, lying, 422, 'type_mismatch', 'evidence[0]');
    const notB64 = await focal.post('/api/v1/policy/reports', body(item, { evidence: [{ filename: 'a.pdf', data: '%%%no base64%%%' }] }));
    assertApiError(assert, notB64, 422, 'invalid_base64', 'evidence[0]');
    const noName = await focal.post('/api/v1/policy/reports', body(item, { evidence: [{ data: b64(pdf()) }] }));
    assertApiError(assert, noName, 422, 'invalid_file', 'evidence[0]');
    assert.equal((await reportsOf(item)).length, before, 'no report was stored');
  });

  test('a good report with its files is stored together, and the queue shows them with the version', async () => {
    const item = leaves[0];
    const files = [{ filename: 'acta.pdf', content_type: 'application/pdf', data: b64(pdf()) },
      { filename: 'lista.csv', content_type: 'text/csv', data: b64('nombre,asistio\nAna,si\n') }];
    const r = await focal.post('/api/v1/policy/reports', body(item, { evidence: files }));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.evidence.map((e) => e.filename), ['acta.pdf', 'lista.csv']);
    const q = await analyst.get('/api/v1/policy/queue');
    const row = q.json.items.find((x) => x.id === r.json.id);
    assert.equal(row.current_version, 1);
    assert.deepEqual(row.evidence.map((e) => e.filename), ['acta.pdf', 'lista.csv']);
    assert.ok(row.evidence.every((e) => e.url), 'the analyst can open each file from the queue');
  });
});

describe('the analyst validates the version they read', () => {
  test('a decision on a version that is no longer current: 409, nothing changes', async () => {
    const item = leaves[1];
    const first = await focal.post('/api/v1/policy/reports', body(item, { progress: 30 }));
    assert.equal(first.status, 201, first.text);
    const id = first.json.id;
    assertApiError(assert, await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'validar' }), 422, undefined, 'version');
    const back = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'devolver', comments: 'Falta el acta.', version: 1 });
    assert.equal(back.status, 200, back.text);
    const second = await focal.post('/api/v1/policy/reports', body(item, { progress: 60, narrative: 'Se adjunta el acta solicitada por el Ministerio.' }));
    assert.equal(second.status, 200, second.text);
    // An analyst who still has version 1 open validates it: refused.
    const stale = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'validar', version: 1 });
    assertApiError(assert, stale, 409, 'stale_version', 'version');
    assert.match(stale.json.error.message, /versión vigente del reporte es la 2/);
    const still = await analyst.get(`/api/v1/policy/reports/${id}`);
    assert.deepEqual([still.json.state, still.json.validated_version], ['enviado', null]);
    const ok = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'validar', version: 2 });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.validated_version, 2);
  });
});

describe('the SEREMI sees their own region\'s agenda', () => {
  test('own region with its items, figures and reports; another region refused', async () => {
    const r = await seremi.get('/api/v1/policy/regional');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.region_id, '13');
    assert.ok(r.json.children.length > 0);
    assert.ok(r.json.reports !== undefined);
    assertApiError(assert, await seremi.get('/api/v1/policy/regional?region=07'), 403, 'forbidden_region', 'region');
    const maule = await analyst.get('/api/v1/policy/regional?region=07');
    assert.equal(maule.status, 200, maule.text);
    assert.deepEqual(maule.json.declared.map((d) => [d.check.value, d.check.agrees]), [[78, true], [81, true]]);
    assertApiError(assert, await analyst.get('/api/v1/policy/regional'), 422, 'required', 'region');
    assert.equal((await srv.request('GET', '/api/v1/policy/regional')).status, 401);
  });
});
