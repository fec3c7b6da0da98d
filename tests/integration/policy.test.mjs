// Policy tracking over real HTTP: the demo instruments of the 2020–2021 public account, a focal
// point's report → an analyst's return with comments → resubmission → validation → roll-up and
// drill-down, the reporting calendar (a closed period refuses until reopened), evidence files,
// the object rules, CSV exports, and bad input refused with a field error and nothing stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, Client, institutionId, login, loginDemo, newPassword, uniq } from './auth_helpers.mjs';

let srv;
let analyst;
let focal; // Ministerio de Salud
let admin;
let ins; // instruments by code
let salud; // { transversal, especifico } leaf items of the Ministerio de Salud
let educacion; // a leaf of another ministry
let periods; // Compromisos Ministeriales periods by label
let openPeriod;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  [analyst, focal, admin] = await Promise.all([loginDemo(srv, 'analyst'), loginDemo(srv, 'focal_point'), loginDemo(srv, 'admin')]);
  const list = await srv.request('GET', '/api/v1/policy/public/instruments');
  ins = Object.fromEntries(list.json.items.map((i) => [i.code, i]));
  const cm = await srv.request('GET', `/api/v1/policy/public/instruments/${ins['compromisos-ministeriales'].id}`);
  const items = cm.json.items;
  const parentOf = (name) => items.find((i) => i.title === name && !i.parent_id);
  const leaves = (p) => items.filter((i) => i.parent_id === p.id);
  const [t, e] = leaves(parentOf('Ministerio de Salud'));
  salud = { transversal: t, especifico: e };
  educacion = leaves(parentOf('Ministerio de Educación'))[0];
  periods = Object.fromEntries(cm.json.periods.map((p) => [p.label, p]));
  openPeriod = cm.json.periods.find((p) => p.state === 'abierto');
});
after(async () => { await srv?.stop(); });

const pub = (p) => srv.request('GET', p);
const report = (client, body) => client.post('/api/v1/policy/reports', body);
const good = (extra = {}) => ({ item_id: salud.transversal.id, period_id: openPeriod.id, status: 'en_proceso', progress: 60,
  narrative: 'Se aprobó el plan de trabajo de la comisión ministerial de género.', ...extra });

async function upload(client, reportId, filename, bytes, type) {
  return client.req('POST', `/api/v1/policy/reports/${reportId}/evidence?filename=${encodeURIComponent(filename)}`,
    { body: Buffer.from(bytes), headers: { 'Content-Type': type } });
}

async function myReports(client = focal) {
  const r = await client.get('/api/v1/policy/reports');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

describe('demo instruments from the public account (no session needed)', () => {
  test('six instruments with the seed figures, every item counted and none reported', async () => {
    assert.deepEqual(Object.keys(ins).sort(), ['agenda-mujer', 'agendas-regionales', 'compromisos-ministeriales', 'plan-igualdad',
      'plan-violencia', 'pmg-genero']);
    const text = (code, label) => ins[code].declared.find((d) => d.label.startsWith(label))?.text;
    assert.equal(ins['plan-igualdad'].leaves, 105, "the Plan's 105 goals");
    assert.equal(ins['plan-igualdad'].sin_reporte, 105);
    assert.equal(ins['plan-igualdad'].progress_text, '0,0 %');
    assert.equal(text('agenda-mujer', 'Compromisos cumplidos'), 'más del 70 %');
    assert.equal(text('agenda-mujer', 'Compromisos'), '23 compromisos');
    assert.equal(text('compromisos-ministeriales', 'Ministerios con 100 %'), '14 ministerios');
    assert.equal(text('compromisos-ministeriales', 'Ministerios que remitieron'), '80 %');
    assert.equal(text('pmg-genero', 'Servicios aprobados en la evaluación 2020'), '98,7 %');
    assert.equal(text('pmg-genero', 'Promedio de compromisos por servicio'), '2,6 compromisos por servicio');
    assert.equal(text('pmg-genero', 'Compromisos específicos 2021'), '414 compromisos');
    assert.equal(ins['agendas-regionales'].leaves, 16);
    const pmg = await pub(`/api/v1/policy/public/instruments/${ins['pmg-genero'].id}`);
    assert.equal(pmg.json.items.find((i) => i.code === '2020').indicator.computed_text, '98,7 %');
    assert.match(pmg.json.method, /Σ pesoᵢ × avanceᵢ/);
  });

  test('the calendar of the account: 2020 semester in August, annual in January; one open demo period', () => {
    assert.equal(periods['2020-S1'].opens_on, '01-08-2020');
    assert.equal(periods['2020-S1'].closes_on, '31-08-2020');
    assert.equal(periods['2020-S1'].state, 'cerrado');
    assert.equal(periods['2020'].opens_on, '01-01-2021');
    assert.ok(openPeriod, 'a period open today');
    assert.equal(openPeriod.accepts_reports, true);
  });

  test('loading the demo again adds nothing', async () => {
    const before = (await pub('/api/v1/policy/public/instruments')).json.items.length;
    // The server was started with --demo; a second server on the same database loads it again.
    const other = await startServer({ extraArgs: ['--demo'], db: srv.dbUrl });
    try {
      const r = await other.request('GET', '/api/v1/policy/public/instruments');
      assert.equal(r.json.items.length, before);
      const cm = await other.request('GET', `/api/v1/policy/public/instruments/${ins['compromisos-ministeriales'].id}`);
      assert.equal(cm.json.items.length, 13 * 3);
    } finally {
      await other.stop();
    }
  });
});

describe('bad input: refused with a field error, nothing stored', () => {
  test('progress 120, inconsistent status, short narrative, unknown fields', async () => {
    assertApiError(assert, await report(focal, good({ progress: 120 })), 422, 'out_of_range', 'progress');
    assertApiError(assert, await report(focal, good({ progress: -1 })), 422, 'out_of_range', 'progress');
    assertApiError(assert, await report(focal, good({ status: 'terminado', progress: 50 })), 422, 'inconsistent', 'progress');
    assertApiError(assert, await report(focal, good({ status: 'casi' })), 422, 'invalid_status', 'status');
    assertApiError(assert, await report(focal, good({ narrative: 'corto' })), 422, 'required', 'narrative');
    assertApiError(assert, await report(focal, good({ progress: '60' })), 422, 'invalid_type', 'progress');
    assertApiError(assert, await report(focal, { ...good(), extra: 1 }), 422, undefined, 'extra');
    assert.equal((await myReports()).length, 0);
  });

  test("a report on another institution's item is forbidden", async () => {
    const r = await report(focal, good({ item_id: educacion.id }));
    assertApiError(assert, r, 403, 'forbidden_item', 'item_id');
    assert.equal((await myReports()).length, 0);
  });

  test('a report on an item that groups others, or with a period of another instrument', async () => {
    assertApiError(assert, await report(focal, good({ item_id: salud.transversal.parent_id })), 422, 'not_leaf', 'item_id');
    const agenda = await pub(`/api/v1/policy/public/instruments/${ins['agendas-regionales'].id}`);
    assertApiError(assert, await report(focal, good({ period_id: agenda.json.periods[0].id })), 422, 'not_found', 'period_id');
  });

  test('without a session: 401; an analyst cannot report; a focal point cannot validate', async () => {
    assert.equal((await srv.request('POST', '/api/v1/policy/reports', { body: good() })).status, 401);
    assert.equal((await report(analyst, good())).status, 403);
    assert.equal((await focal.get('/api/v1/policy/queue')).status, 403);
    assert.equal((await focal.post('/api/v1/policy/periods/1/reopen', { until: '01-01-2030', reason: 'prueba' })).status, 403);
  });
});

describe('report → return with comments → resubmission → validation → roll-up', () => {
  let id;
  test('the focal point submits version 1 and attaches evidence', async () => {
    const r = await report(focal, good());
    assert.equal(r.status, 201, r.text);
    id = r.json.id;
    assert.equal(r.json.state, 'enviado');
    assert.equal(r.json.versions.length, 1);
    const pdf = `%PDF-1.4\n${'x'.repeat(2000)}`;
    const up = await upload(focal, id, 'acta comisión.pdf', pdf, 'application/pdf');
    assert.equal(up.status, 201, up.text);
    assert.match(up.json.sha256, /^[0-9a-f]{64}$/);
    const dl = await focal.get(up.json.url);
    assert.equal(dl.status, 200);
    assert.equal(dl.text, pdf);
    assert.equal(dl.headers['x-content-sha256'], up.json.sha256);
  });

  test('evidence too large, of a forbidden type or lying about its type is refused and not stored', async () => {
    assertApiError(assert, await upload(focal, id, 'grande.txt', 'a'.repeat(1_000_001), 'text/plain'), 422, 'file_too_large', 'file');
    assertApiError(assert, await upload(focal, id, 'script.exe', 'MZ....', 'application/octet-stream'), 422, 'forbidden_type', 'file');
    assertApiError(assert, await upload(focal, id, 'falso.pdf', '<html></html>', 'application/pdf'), 422, 'type_mismatch', 'file');
    const r = await focal.get(`/api/v1/policy/reports/${id}`);
    assert.equal(r.json.evidence.length, 1);
  });

  test('the analyst returns it with comments (comments required)', async () => {
    assertApiError(assert, await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'devolver' }), 422, 'required', 'comments');
    assertApiError(assert, await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'aprobar' }), 422, 'invalid_decision', 'decision');
    const q = await analyst.get('/api/v1/policy/queue');
    assert.ok(q.json.items.some((x) => x.id === id));
    const r = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'devolver', comments: 'Falta el acta firmada.' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'devuelto');
    assertApiError(assert, await upload(focal, id, 'otra.pdf', '%PDF-1.4', 'application/pdf'), 409, 'not_editable', 'file');
    const my = await focal.get('/api/v1/policy/my');
    const row = my.json.items.find((x) => x.report_id === id);
    assert.equal(row.review_comments, 'Falta el acta firmada.');
  });

  test('resubmission keeps every version; validation moves the roll-up', async () => {
    const before = (await pub('/api/v1/policy/public/instruments')).json.items.find((i) => i.code === 'compromisos-ministeriales');
    assert.equal(before.reported, 0);
    const r = await report(focal, good({ progress: 80, narrative: 'Se adjunta el acta firmada de la comisión.' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, id, 'one report per item and period');
    assert.equal(r.json.versions.length, 2);
    assert.equal(r.json.versions[0].decision, 'devuelto');
    const v = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'validar' });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.validated_version, 2);
    assertApiError(assert, await report(focal, good()), 409, 'already_validated', 'period_id');

    const after = (await pub('/api/v1/policy/public/instruments')).json.items.find((i) => i.code === 'compromisos-ministeriales');
    // 13 ministries × 2 leaves, equal weights: Salud = (80 + 0) / 2 = 40; instrument = 40 / 13.
    assert.equal(after.leaves, 26);
    assert.equal(after.reported, 1);
    assert.equal(after.sin_reporte, 25);
    assert.equal(after.progress, Math.round((40 / 13) * 10) / 10);
    assert.equal(after.progress_text, '3,1 %');

    // Drill-down from the figure: the ministry, its leaves, the validated report and its evidence.
    const parent = await pub(`/api/v1/policy/public/items/${salud.transversal.parent_id}`);
    assert.equal(parent.json.progress, 40);
    assert.equal(parent.json.children.find((c) => c.id === salud.transversal.id).progress, 80);
    assert.equal(parent.json.children.find((c) => c.id === salud.especifico.id).no_report, true);
    const leaf = await pub(`/api/v1/policy/public/items/${salud.transversal.id}`);
    assert.equal(leaf.json.reports.length, 1);
    assert.equal(leaf.json.reports[0].versions.length, 1, 'the public sees the validated version only');
    assert.equal(leaf.json.reports[0].versions[0].progress, 80);
    assert.equal(leaf.json.reports[0].evidence[0].filename, 'acta comisión.pdf');
    assert.equal(leaf.json.reports[0].evidence[0].url, undefined, 'no download without a session');

    const byInst = await pub('/api/v1/policy/public/rollup?by=institution');
    const s = byInst.json.items.find((x) => x.name === 'Ministerio de Salud');
    assert.deepEqual([s.leaves, s.reported, s.progress], [2, 1, 40]);

    const audit = await auditEntries(admin, 'action=policy.');
    const actions = audit.map((e) => e.action);
    for (const a of ['policy.report_submit', 'policy.report_return', 'policy.report_resubmit', 'policy.report_validate', 'policy.evidence_upload'])
      assert.ok(actions.includes(a), `${a} audited`);
  });

  test('weights are editable and the figure is recomputed', async () => {
    const parent = salud.transversal.parent_id;
    assertApiError(assert, await analyst.patch(`/api/v1/policy/items/${salud.transversal.id}`, { weight: 0 }), 422, 'out_of_range', 'weight');
    const r = await analyst.patch(`/api/v1/policy/items/${salud.transversal.id}`, { weight: 3 });
    assert.equal(r.status, 200, r.text);
    const p = await pub(`/api/v1/policy/public/items/${parent}`);
    assert.equal(p.json.progress, 60); // (3·80 + 1·0) / 4
    await analyst.patch(`/api/v1/policy/items/${salud.transversal.id}`, { weight: 1 });
    assert.equal((await focal.patch(`/api/v1/policy/items/${salud.transversal.id}`, { weight: 5 })).status, 403);
  });

  test('CSV exports: RFC 4180 with a UTF-8 BOM', async () => {
    const r = await pub('/api/v1/policy/public/rollup.csv?by=instrument');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /text\/csv/);
    assert.equal(r.body.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.ok(r.text.includes('\r\n'));
    assert.match(r.text, /\r\nCompromisos Ministeriales de Igualdad de Género 2018-2022,\d+,"3,1",26,1,25\r\n/);
    const rep = await analyst.get('/api/v1/policy/reports.csv');
    assert.equal(rep.status, 200);
    assert.match(rep.text, /"Se adjunta el acta firmada de la comisión\."|Se adjunta el acta firmada de la comisión\./);
    assertApiError(assert, await pub('/api/v1/policy/public/rollup?by=color'), 400, 'invalid_parameter', 'by');
  });
});

describe('the calendar: a closed period refuses late reports until an analyst reopens it', () => {
  test('closed → 409; reopened → accepted and marked late', async () => {
    const closed = periods['2020-S1'];
    const body = good({ item_id: salud.especifico.id, period_id: closed.id, progress: 30 });
    assertApiError(assert, await report(focal, body), 409, 'period_closed', 'period_id');
    assert.equal((await myReports()).filter((x) => x.period_id === closed.id).length, 0);
    assertApiError(assert, await analyst.post(`/api/v1/policy/periods/${closed.id}/reopen`, { until: '01-01-2020', reason: 'Atraso justificado' }),
      422, 'invalid_date', 'until');
    assertApiError(assert, await analyst.post(`/api/v1/policy/periods/${openPeriod.id}/reopen`, { until: openPeriod.closes_on, reason: 'x'.repeat(6) }),
      409, 'not_closed', 'until');
    const until = new Date(Date.now() + 3 * 86400_000);
    const d = `${String(until.getUTCDate()).padStart(2, '0')}-${String(until.getUTCMonth() + 1).padStart(2, '0')}-${until.getUTCFullYear()}`;
    const ro = await analyst.post(`/api/v1/policy/periods/${closed.id}/reopen`, { until: d, reason: 'Atraso justificado por el sector' });
    assert.equal(ro.status, 200, ro.text);
    assert.equal(ro.json.state, 'reabierto');
    const r = await report(focal, body);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.versions[0].late, true);
  });
});

describe('object rules', () => {
  test("another institution's focal point cannot read or attach to a pending report", async () => {
    const name = 'Ministerio de Educación';
    const eduId = await institutionId(admin, name);
    const email = `enlace-edu-${uniq()}@equidad.demo`;
    const password = newPassword();
    const c = await admin.post('/api/v1/users', { name: 'Enlace Educación', email, institution_id: eduId, roles: ['focal_point'], password });
    assert.equal(c.status, 201, c.text);
    const edu = await login(srv, email, { password });
    const pending = (await myReports()).find((x) => x.state === 'enviado');
    assert.ok(pending);
    assert.equal((await edu.get(`/api/v1/policy/reports/${pending.id}`)).status, 404);
    assert.equal((await upload(edu, pending.id, 'a.pdf', '%PDF-1.4', 'application/pdf')).status, 404);
    assert.equal((await edu.get('/api/v1/policy/reports')).json.items.length, 0, 'lists only its own institution');
    const r = await report(edu, good({ item_id: educacion.id, progress: 10 }));
    assert.equal(r.status, 201, r.text);
  });

  test('an analyst who is also a focal point cannot validate their own report', async () => {
    const saludId = await institutionId(admin, 'Ministerio de Salud');
    const email = `doble-${uniq()}@equidad.demo`;
    const password = newPassword();
    const c = await admin.post('/api/v1/users', { name: 'Analista y Enlace', email, institution_id: saludId, roles: ['analyst', 'focal_point'], password });
    assert.equal(c.status, 201, c.text);
    const both = await login(srv, email, { password });
    const r = await report(both, good({ item_id: salud.especifico.id, progress: 20 }));
    assert.equal(r.status, 201, r.text);
    assertApiError(assert, await both.post(`/api/v1/policy/reports/${r.json.id}/review`, { decision: 'validar' }), 403, 'own_report', 'report_id');
    const still = await analyst.get(`/api/v1/policy/reports/${r.json.id}`);
    assert.equal(still.json.state, 'enviado');
  });

  test('SEREMI staff report on their region agenda only', async () => {
    const seremi = await loginDemo(srv, 'seremi');
    const ag = await pub(`/api/v1/policy/public/instruments/${ins['agendas-regionales'].id}`);
    const open = ag.json.periods.find((p) => p.state === 'abierto');
    const rm = ag.json.items.find((i) => i.region_id === '13');
    const valpo = ag.json.items.find((i) => i.region_id === '05');
    const body = { period_id: open.id, status: 'en_proceso', progress: 50, narrative: 'Plan de trabajo regional en ejecución.' };
    assert.equal((await report(seremi, { ...body, item_id: rm.id })).status, 201);
    assertApiError(assert, await report(seremi, { ...body, item_id: valpo.id }), 403, 'forbidden_item', 'item_id');
  });

  test('PMG: from 2021 at most 5 measures per service', async () => {
    const pmg = await pub(`/api/v1/policy/public/instruments/${ins['pmg-genero'].id}`);
    const y2021 = pmg.json.items.find((i) => i.code === '2021');
    const svc = await analyst.post('/api/v1/policy/items', { instrument_id: ins['pmg-genero'].id, parent_id: y2021.id, level: 'compromiso',
      title: `Servicio de prueba ${uniq()}`, start_year: 2021 });
    assert.equal(svc.status, 201, svc.text);
    for (let k = 1; k <= 5; k++) {
      const m = await analyst.post('/api/v1/policy/items', { instrument_id: ins['pmg-genero'].id, parent_id: svc.json.id, level: 'medida', title: `Medida ${k}` });
      assert.equal(m.status, 201, m.text);
    }
    const sixth = await analyst.post('/api/v1/policy/items', { instrument_id: ins['pmg-genero'].id, parent_id: svc.json.id, level: 'medida', title: 'Medida 6' });
    assertApiError(assert, sixth, 422, 'too_many_measures', 'parent_id');
  });
});
