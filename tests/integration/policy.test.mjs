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
  // The demo history takes a while to load on PostgreSQL on a shared machine.
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 180_000 });
  [analyst, focal, admin] = await Promise.all([loginDemo(srv, 'analyst'), loginDemo(srv, 'focal_point'), loginDemo(srv, 'admin')]);
  const list = await srv.request('GET', '/api/v1/policy/public/instruments');
  ins = Object.fromEntries(list.json.items.map((i) => [i.code, i]));
  const cm = await srv.request('GET', `/api/v1/policy/public/instruments/${ins['compromisos-ministeriales'].id}`);
  const items = cm.json.items;
  const parentOf = (name) => items.find((i) => i.title === name && !i.parent_id);
  const leaves = (p) => items.filter((i) => i.parent_id === p.id);
  // The demo history gives each ministry's transversal (T) and specific (E) commitments leaves
  // with reports of 2020; the tests report on the first leaf of each in the period open today.
  const [t, e] = leaves(parentOf('Ministerio de Salud'));
  salud = { transversal: leaves(t)[0], especifico: leaves(e)[0], ministry: parentOf('Ministerio de Salud') };
  educacion = leaves(leaves(parentOf('Ministerio de Educación'))[0])[0];
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

// The focal point's reports in the period open today (the demo history has its 2020 reports).
async function myReports(client = focal) {
  const r = await client.get(`/api/v1/policy/reports?period_id=${openPeriod.id}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

describe('demo instruments from the public account (no session needed)', () => {
  test('seven instruments; every figure the account states is computed from the demo history', async () => {
    assert.deepEqual(Object.keys(ins).sort(), ['agenda-mujer', 'agendas-regionales', 'compromisos-ministeriales', 'instructivo-acoso',
      'plan-igualdad', 'plan-violencia', 'pmg-genero']);
    const fig = (code, label) => ins[code].declared.find((d) => d.label.startsWith(label));
    assert.equal(ins['plan-igualdad'].leaves, 105, "the Plan's 105 goals");
    assert.ok(!JSON.stringify(ins['plan-igualdad']).includes('Meta N° 1 del Plan'));
    // Stated text beside the computed one, and whether they agree.
    assert.equal(fig('agenda-mujer', 'Compromisos cumplidos').text, 'más del 70 %');
    assert.equal(fig('agenda-mujer', 'Compromisos cumplidos').check.text, '73,9 % (17 de 23)');
    assert.equal(fig('agenda-mujer', 'Compromisos cumplidos').check.agrees, true);
    assert.equal(fig('pmg-genero', 'Servicios aprobados en la evaluación 2020').text, '98,7 %');
    assert.equal(fig('pmg-genero', 'Servicios aprobados en la evaluación 2020').check.text, '98,7 % (148 de 150)');
    assert.equal(fig('pmg-genero', 'Promedio de compromisos por servicio').check.text, '2,6 compromisos por servicio');
    assert.equal(fig('pmg-genero', 'Compromisos específicos 2021').check.value, 414);
    assert.equal(ins['agendas-regionales'].leaves > 16, true);
    // Progress bars are no longer 0,0 % beside the stated figures: they come from validated reports.
    for (const code of ['agenda-mujer', 'compromisos-ministeriales', 'pmg-genero', 'agendas-regionales', 'instructivo-acoso'])
      assert.ok(ins[code].progress > 0 && ins[code].reported > 0, code);
    const pmg = await pub(`/api/v1/policy/public/instruments/${ins['pmg-genero'].id}`);
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
    const other = await startServer({ extraArgs: ['--demo'], db: srv.dbUrl, startTimeoutMs: 180_000 });
    try {
      const r = await other.request('GET', '/api/v1/policy/public/instruments');
      assert.equal(r.json.items.length, before);
      const cm = await other.request('GET', `/api/v1/policy/public/instruments/${ins['compromisos-ministeriales'].id}`);
      // 23 ministries; the 18 that sent theirs have T (3 leaves) and E (2 leaves).
      assert.equal(cm.json.items.length, 23 + 18 * (2 + 3 + 2));
      const checks = await other.request('GET', '/api/v1/policy/public/checks');
      assert.deepEqual([checks.json.agree, checks.json.disagree], [29, 2]);
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

  test('a report waiting for validation is not replaced by a new submission (409, nothing written)', async () => {
    const r = await report(focal, good({ progress: 90, narrative: 'Otra versión que intenta reemplazar la enviada.' }));
    assertApiError(assert, r, 409, 'pending_validation', 'period_id');
    assert.match(r.json.error.message, /pendiente de validación/);
    const now = await focal.get(`/api/v1/policy/reports/${id}`);
    assert.equal(now.json.state, 'enviado');
    assert.equal(now.json.versions.length, 1);
    assert.notEqual(now.json.versions[0].progress, 90);
  });

  test('the analyst returns it with comments (comments required)', async () => {
    assertApiError(assert, await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'devolver', version: 1 }), 422, 'required', 'comments');
    assertApiError(assert, await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'aprobar', version: 1 }), 422, 'invalid_decision', 'decision');
    const q = await analyst.get('/api/v1/policy/queue');
    assert.ok(q.json.items.some((x) => x.id === id));
    const r = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'devolver', comments: 'Falta el acta firmada.', version: 1 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, 'devuelto');
    assertApiError(assert, await upload(focal, id, 'otra.pdf', '%PDF-1.4', 'application/pdf'), 409, 'not_editable', 'file');
    const my = await focal.get('/api/v1/policy/my');
    const row = my.json.items.find((x) => x.report_id === id);
    assert.equal(row.review_comments, 'Falta el acta firmada.');
  });

  test('resubmission keeps every version; validation moves the roll-up', async () => {
    const get = async () => (await pub('/api/v1/policy/public/instruments')).json.items.find((i) => i.code === 'compromisos-ministeriales');
    const before = await get();
    const ministryBefore = (await pub(`/api/v1/policy/public/items/${salud.transversal.parent_id}`)).json;
    const r = await report(focal, good({ progress: 80, narrative: 'Se adjunta el acta firmada de la comisión.' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.id, id, 'one report per item and period');
    assert.equal(r.json.versions.length, 2);
    assert.equal(r.json.versions[0].decision, 'devuelto');
    const v = await analyst.post(`/api/v1/policy/reports/${id}/review`, { decision: 'validar', version: 2 });
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.validated_version, 2);
    assertApiError(assert, await report(focal, good()), 409, 'already_validated', 'period_id');

    // The leaf now counts its latest validated report (80, the open period's) instead of its 2020 one.
    const after = await get();
    assert.equal(after.leaves, before.leaves);
    assert.equal(after.reported, before.reported, 'the leaf was already reported in 2020');
    const parent = await pub(`/api/v1/policy/public/items/${salud.transversal.parent_id}`);
    const kids = parent.json.children;
    assert.equal(kids.find((c) => c.id === salud.transversal.id).progress, 80);
    const mean = kids.reduce((a, c) => a + c.progress, 0) / kids.length;
    assert.equal(parent.json.progress, Math.round(mean * 10) / 10);
    assert.notEqual(parent.json.progress, ministryBefore.progress);
    const leaf = await pub(`/api/v1/policy/public/items/${salud.transversal.id}`);
    const mine = leaf.json.reports.find((x) => x.id === id);
    assert.equal(mine.versions.length, 1, 'the public sees the validated version only');
    assert.equal(mine.versions[0].progress, 80);
    assert.equal(mine.evidence[0].filename, 'acta comisión.pdf');
    assert.equal(mine.evidence[0].url, undefined, 'no download without a session');

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
    const kids = p.json.children;
    const weighted = kids.reduce((a, c) => a + c.weight * c.progress, 0) / kids.reduce((a, c) => a + c.weight, 0);
    assert.equal(kids.find((c) => c.id === salud.transversal.id).weight, 3);
    assert.equal(p.json.progress, Math.round(weighted * 10) / 10);
    await analyst.patch(`/api/v1/policy/items/${salud.transversal.id}`, { weight: 1 });
    assert.equal((await focal.patch(`/api/v1/policy/items/${salud.transversal.id}`, { weight: 5 })).status, 403);
  });

  test('CSV exports: RFC 4180 with a UTF-8 BOM', async () => {
    const r = await pub('/api/v1/policy/public/rollup.csv?by=instrument');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /text\/csv/);
    assert.equal(r.body.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.ok(r.text.includes('\r\n'));
    const cm = (await pub('/api/v1/policy/public/instruments')).json.items.find((i) => i.code === 'compromisos-ministeriales');
    assert.ok(r.text.includes(`\r\nCompromisos Ministeriales de Igualdad de Género 2018-2022,${cm.id},"${cm.progress_text.replace(' %', '')}",${cm.leaves},${cm.reported},${cm.sin_reporte}\r\n`), r.text.slice(0, 400));
    const rep = await analyst.get('/api/v1/policy/reports.csv');
    assert.equal(rep.status, 200);
    assert.match(rep.text, /"Se adjunta el acta firmada de la comisión\."|Se adjunta el acta firmada de la comisión\./);
    assertApiError(assert, await pub('/api/v1/policy/public/rollup?by=color'), 400, 'invalid_parameter', 'by');
  });

  test('history: validated progress per instrument at the close of each period', async () => {
    const r = await pub('/api/v1/policy/public/history');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 7, 'every instrument, even without periods');
    const cm = r.json.items.find((i) => i.code === 'compromisos-ministeriales');
    const labels = cm.periods.map((p) => p.label);
    const opened = Object.values(periods).filter((p) => p.state !== 'programado');
    assert.ok(opened.length >= 2);
    assert.deepEqual([...labels].sort(), opened.map((p) => p.label).sort(), 'one point per opened period of the instrument');
    const at = Object.fromEntries(cm.periods.map((p) => [p.period_id, p]));
    const now = (await pub('/api/v1/policy/public/instruments')).json.items.find((i) => i.code === 'compromisos-ministeriales');
    assert.equal(at[periods['2020-S1'].id].reported, 0, 'nothing validated for the first semester of 2020');
    assert.ok(at[periods['2020'].id].reported > 0, 'the 2020 annual reports');
    assert.deepEqual([at[openPeriod.id].progress, at[openPeriod.id].reported], [now.progress, now.reported], 'the open period is today');
    const one = await pub(`/api/v1/policy/public/history?instrument=${ins['compromisos-ministeriales'].id}`);
    assert.deepEqual(one.json.items.map((i) => i.code), ['compromisos-ministeriales']);
    assertApiError(assert, await pub('/api/v1/policy/public/history?instrument=abc'), 400, 'invalid_parameter', 'instrument');
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

describe('responsible institutions offered to analysts', () => {
  test('every active public body, not pharmacies or companies; focal points may not list them', async () => {
    const r = await analyst.get('/api/v1/policy/institutions');
    assert.equal(r.status, 200, r.text);
    const names = r.json.items.map((i) => i.name);
    assert.ok(names.includes('Ministerio de Salud'), names.join(', '));
    assert.ok(r.json.items.some((i) => i.type === 'municipality'), 'municipalities are offered');
    assert.ok(!names.includes('Farmacia Comunitaria Providencia') && !names.includes('Consultora de Directorios Andes'), names.join(', '));
    for (const i of r.json.items) assert.deepEqual(Object.keys(i).sort(), ['id', 'name', 'region_id', 'type']);
    assert.equal((await focal.get('/api/v1/policy/institutions')).status, 403);
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
    const pending = (await focal.get('/api/v1/policy/reports?state=enviado')).json.items[0];
    assert.ok(pending);
    assert.equal((await edu.get(`/api/v1/policy/reports/${pending.id}`)).status, 404);
    assert.equal((await upload(edu, pending.id, 'a.pdf', '%PDF-1.4', 'application/pdf')).status, 404);
    assert.ok((await edu.get('/api/v1/policy/reports')).json.items.every((x) => x.institution_id === eduId), 'lists only its own institution');
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
    assertApiError(assert, await both.post(`/api/v1/policy/reports/${r.json.id}/review`, { decision: 'validar', version: 1 }), 403, 'own_report', 'report_id');
    const still = await analyst.get(`/api/v1/policy/reports/${r.json.id}`);
    assert.equal(still.json.state, 'enviado');
  });

  test('SEREMI staff report on their region agenda only', async () => {
    const seremi = await loginDemo(srv, 'seremi');
    const ag = await pub(`/api/v1/policy/public/instruments/${ins['agendas-regionales'].id}`);
    const open = ag.json.periods.find((p) => p.state === 'abierto');
    // A commitment (leaf) of each region's agenda.
    const rm = ag.json.items.find((i) => i.region_id === '13' && i.parent_id);
    const valpo = ag.json.items.find((i) => i.region_id === '05' && i.parent_id);
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

// ---------------------------------------------------------------- CSV import, bill links, home
const csvPost = (client, path, text, type = 'text/csv; charset=utf-8') =>
  client.req('POST', path, { body: Buffer.from(text, 'utf8'), headers: { 'Content-Type': type } });
const errorsByRow = (json) => Object.fromEntries(json.errors.map((e) => [e.row, e]));

describe('CSV import of items with a per-row report', () => {
  test('good rows imported, bad rows reported by row and column, nothing stored for them', async () => {
    const code = `import-${uniq()}`.toLowerCase();
    const created = await analyst.post('/api/v1/policy/instruments', { code, name: 'Instrumento importado', kind: 'otro' });
    assert.equal(created.status, 201, created.text);
    const saludInst = salud.transversal.institutions[0].id;
    const rows = [
      'instrumento,codigo,codigo_superior,nivel,titulo,peso,region,instituciones,anio_inicio,anio_termino',
      `${code},E1,,eje,Eje de prueba,,,,2021,2022`, // 2: ok
      `${code},C1,E1,compromiso,"Compromiso, con coma",1,5,${saludInst},2021,2022`, // 3: ok
      `${code},C2,E1,nivel_raro,Algo,,,,,`, // 4: nivel
      `${code},C3,E1,compromiso,Peso malo,abc,,,,`, // 5: peso
      `${code},C4,NOEXISTE,compromiso,Sin superior,,,,,`, // 6: codigo_superior
      `${code},C1,E1,compromiso,Código repetido,,,,,`, // 7: codigo
      'no-existe-este,Z,,eje,Z,,,,,', // 8: instrumento
      `${code},C5,E1,compromiso,Institución inexistente,,,999999999,,`, // 9: instituciones
      `${code},C6,E1,accion,"Texto con ""comillas""\r\ny salto de línea",2,,,2023,2021`, // 10–11: anio_termino
      `${code},C7,E1,accion,Última fila buena,"1,5",,,,`, // 12: ok
      `${code},C8,E1,accion,,,,,,`, // 13: titulo
      `${code},C9,E1,accion,Región mala,,99,,,`, // 14: region
    ];
    const r = await csvPost(analyst, '/api/v1/policy/import/items', `\uFEFF${rows.join('\r\n')}\r\n`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.rows, 12);
    assert.equal(r.json.imported, 3);
    assert.equal(r.json.rejected, 9);
    assert.deepEqual(r.json.created.map((c) => c.row), [2, 3, 12]);
    const e = errorsByRow(r.json);
    assert.deepEqual(Object.keys(e).map(Number), [4, 5, 6, 7, 8, 9, 10, 13, 14]);
    const col = (row) => e[row].column;
    assert.equal(col(4), 'nivel');
    assert.equal(col(5), 'peso');
    assert.match(e[5].message, /no es un número/);
    assert.equal(col(6), 'codigo_superior');
    assert.equal(col(7), 'codigo');
    assert.equal(col(8), 'instrumento');
    assert.equal(col(9), 'instituciones');
    assert.equal(col(10), 'anio_termino');
    assert.equal(col(13), 'titulo');
    assert.equal(col(14), 'region');
    for (const x of r.json.errors) assert.ok(x.message.length > 5 && /[a-zá-ú]/.test(x.message), x.message);
    // Only the three good rows are stored, as a tree, with the institution and the decimal comma.
    const tree = await pub(`/api/v1/policy/public/instruments/${created.json.id}`);
    assert.equal(tree.json.items.length, 3);
    const byCode = Object.fromEntries(tree.json.items.map((i) => [i.code, i]));
    assert.deepEqual(Object.keys(byCode).sort(), ['C1', 'C7', 'E1']);
    assert.equal(byCode.C1.parent_id, byCode.E1.id);
    assert.equal(byCode.C1.region_id, '05');
    assert.deepEqual(byCode.C1.institutions.map((i) => i.id), [saludInst]);
    assert.equal(byCode.C7.weight, 1.5);
    assert.equal(byCode.E1.is_leaf, false);
    assert.equal(tree.json.leaves, 2);
    const audit = await auditEntries(admin, 'action=policy.item_import', 200);
    assert.ok(audit.filter((a) => r.json.created.some((c) => a.object === `policy_item:${c.id}`)).length === 3);
  });

  test('file-level problems are refused whole; only analysts import', async () => {
    assertApiError(assert, await csvPost(analyst, '/api/v1/policy/import/items', 'instrumento,nivel\nx,eje\n'), 422, 'missing_column', 'file');
    assertApiError(assert, await csvPost(analyst, '/api/v1/policy/import/items', 'instrumento,nivel,titulo,color\n'), 422, 'unknown_column', 'file');
    assertApiError(assert, await csvPost(analyst, '/api/v1/policy/import/items', 'instrumento,nivel,titulo\n"sin cerrar,eje,x\n'), 422, 'invalid_csv', 'file');
    assertApiError(assert, await csvPost(analyst, '/api/v1/policy/import/items', ''), 422, 'empty', 'file');
    assertApiError(assert, await csvPost(analyst, '/api/v1/policy/import/items', '{}', 'application/json'), 400, 'unsupported_media_type', 'file');
    assert.equal((await csvPost(focal, '/api/v1/policy/import/items', 'instrumento,nivel,titulo\n')).status, 403);
    assert.equal((await csvPost(focal, '/api/v1/policy/import/focal-points', 'nombre,correo,institucion\n')).status, 403);
  });
});

describe('CSV import of focal points', () => {
  test('accounts with role focal_point created through the auth module; broken rows reported', async () => {
    const inst = salud.transversal.institutions[0];
    const u = uniq();
    const rows = [
      'nombre,correo,run,institucion,region',
      `Ana Enlace,ana.${u}@example.cl,,${inst.id},`, // 2: ok by id
      `Bea Enlace,BEA.${u}@example.cl,,"${inst.name}",13`, // 3: ok by name, region
      `,sin.nombre.${u}@example.cl,,${inst.id},`, // 4: nombre
      `Carla,correo-malo,,${inst.id},`, // 5: correo
      `Dora,dora.${u}@example.cl,,Institución que no existe,`, // 6: institucion
      `Eva,enlace@equidad.demo,,${inst.id},`, // 7: correo (taken)
      `Fran,ana.${u}@example.cl,,${inst.id},`, // 8: correo repeated in the file
      `Gabi,gabi.${u}@example.cl,12.345.678-0,${inst.id},`, // 9: run
      `Hilda,hilda.${u}@example.cl,,${inst.id},99`, // 10: region
    ];
    const r = await csvPost(analyst, '/api/v1/policy/import/focal-points', `\uFEFF${rows.join('\n')}\n`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 2);
    assert.deepEqual(r.json.created.map((c) => [c.row, c.email]), [[2, `ana.${u}@example.cl`], [3, `bea.${u}@example.cl`]]);
    const e = errorsByRow(r.json);
    assert.deepEqual(Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v.column])),
      { 4: 'nombre', 5: 'correo', 6: 'institucion', 7: 'correo', 8: 'correo', 9: 'run', 10: 'region' });
    const users = await admin.get(`/api/v1/users?q=${encodeURIComponent(u)}`);
    assert.equal(users.status, 200, users.text);
    const emails = users.json.items.map((x) => x.email).sort();
    assert.deepEqual(emails, [`ana.${u}@example.cl`, `bea.${u}@example.cl`]);
    for (const x of users.json.items) {
      assert.deepEqual(x.roles, ['focal_point']);
      assert.equal(x.institution.id, inst.id);
    }
    assert.equal(users.json.items.find((x) => x.email.startsWith('bea.')).region_id, '13');
    const audit = await auditEntries(admin, 'action=policy.focal_point_import', 50);
    assert.equal(audit.filter((a) => r.json.created.some((c) => a.object === `user:${c.id}`)).length, 2);
  });
});

describe('bills linked to Agenda Mujer commitments', () => {
  test('link by boletín, shown from both sides, refused for bad input, unlinked', async () => {
    const am = await pub(`/api/v1/policy/public/instruments/${ins['agenda-mujer'].id}`);
    const area = am.json.items.find((i) => i.code === 'ii');
    const link = (client, id, body) => client.post(`/api/v1/policy/items/${id}/bills`, body);
    assertApiError(assert, await link(analyst, area.id, { boletin: '11077' }), 422, 'invalid_boletin', 'boletin');
    assertApiError(assert, await link(analyst, area.id, { boletin: '99999-99' }), 422, 'not_found', 'boletin');
    assertApiError(assert, await link(analyst, salud.transversal.id, { boletin: '11077-07' }), 422, 'not_agenda_mujer', 'item_id');
    assert.equal((await link(focal, area.id, { boletin: '11077-07' })).status, 403);
    const ok = await link(analyst, area.id, { boletin: '11077-07' });
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.json.items.map((b) => b.boletin), ['11077-07']);
    assertApiError(assert, await link(analyst, area.id, { boletin: '11077-07' }), 409, 'already_linked', 'boletin');
    const law = await link(analyst, area.id, { law_number: 'Ley N° 21.212' });
    assert.equal(law.status, 201, law.text);
    const bills = await pub(`/api/v1/policy/public/items/${area.id}/bills`);
    assert.deepEqual(bills.json.items.map((b) => b.boletin ?? b.law_number), ['11077-07', '21.212']);
    const billId = bills.json.items[0].id;
    const back = await pub(`/api/v1/policy/public/bills/${billId}/items`);
    // The demo's legislative initiative that follows this bill, and now the area too.
    assert.ok(back.json.items.some((i) => i.id === area.id));
    assert.ok(back.json.items.every((i) => i.instrument_name === 'Agenda Mujer'));
    const del = await analyst.del(`/api/v1/policy/items/${area.id}/bills/${bills.json.items[1].id}`);
    assert.equal(del.status, 200, del.text);
    assert.deepEqual(del.json.items.map((b) => b.boletin), ['11077-07']);
    assert.equal((await analyst.del(`/api/v1/policy/items/${area.id}/bills/${bills.json.items[1].id}`)).status, 404);
    const audit = await auditEntries(admin, 'action=policy.bill_link', 50);
    assert.ok(audit.some((a) => a.object === `policy_item:${area.id}`));
  });
});

describe('home page items', () => {
  const homeItem = async (client, title) => {
    const h = await client.get('/api/v1/me/home');
    assert.equal(h.status, 200, h.text);
    return h.json.items.find((i) => i.title === title);
  };

  test('a focal point sees the reports still pending in open periods and the deadline', async () => {
    const mine = await focal.get('/api/v1/policy/my');
    const pending = mine.json.items.filter((x) => x.period.accepts_reports && (x.report_state === null || x.report_state === 'devuelto'));
    const item = await homeItem(focal, 'Reportes pendientes en períodos abiertos');
    assert.ok(item, 'policy item on the focal point home');
    assert.equal(item.value, pending.length);
    assert.equal(item.link, '/politicas/mis-reportes');
    if (pending.length) assert.match(item.detail, /Plazo más próximo: \d\d-\d\d-\d{4}/);

    // SEREMI staff: their region's agenda only.
    const seremi = await loginDemo(srv, 'seremi');
    const theirs = (await seremi.get('/api/v1/policy/my')).json.items
      .filter((x) => x.period.accepts_reports && (x.report_state === null || x.report_state === 'devuelto'));
    assert.equal((await homeItem(seremi, 'Reportes pendientes en períodos abiertos')).value, theirs.length);
  });

  test('an analyst sees the reports waiting for validation; a case worker sees no policy item', async () => {
    const queue = await analyst.get('/api/v1/policy/queue');
    const item = await homeItem(analyst, 'Reportes por validar');
    assert.ok(item);
    assert.equal(item.value, queue.json.items.length);
    assert.equal(item.link, '/politicas/validacion');
    const municipal = await loginDemo(srv, 'municipal');
    assert.equal(await homeItem(municipal, 'Reportes por validar'), undefined);
  });
});

describe('XLSX exports', () => {
  // The cells of the first sheet ({A1: 'Instrumento', C2: 12.5, …}), read with unzip -p.
  async function sheetCells(bytes) {
    const { execFileSync } = await import('node:child_process');
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(os.tmpdir(), `policy-${uniq()}.xlsx`);
    fs.writeFileSync(file, bytes);
    try {
      execFileSync('unzip', ['-tq', file]); // a valid zip
      const unzip = (member) => execFileSync('unzip', ['-p', file, member]).toString('utf8');
      const unxml = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
      let shared = [];
      try {
        shared = [...unzip('xl/sharedStrings.xml').matchAll(/<si>(.*?)<\/si>/gs)].map((m) => unxml(m[1].replace(/<[^>]+>/g, '')));
      } catch { /* no strings */ }
      const cells = {};
      for (const m of unzip('xl/worksheets/sheet1.xml').matchAll(/<c r="([A-Z]+\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
        const v = /<v>(.*?)<\/v>/s.exec(m[3] ?? '')?.[1];
        if (v === undefined) continue;
        cells[m[1]] = /t="s"/.test(m[2]) ? shared[Number(v)] : Number(v);
      }
      return cells;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  test('the roll-up by instrument as a one-sheet workbook with the same figures as the JSON', async () => {
    const x = await srv.request('GET', '/api/v1/policy/public/rollup.xlsx?by=instrument', { raw: true });
    assert.equal(x.status, 200);
    assert.match(x.headers['content-type'], /spreadsheetml\.sheet/);
    assert.match(x.headers['content-disposition'], /avance-por-instrument\.xlsx/);
    assert.equal(x.body.subarray(0, 2).toString(), 'PK');
    const cells = await sheetCells(x.body);
    assert.deepEqual([cells.A1, cells.B1, cells.C1, cells.D1, cells.E1, cells.F1],
      ['Instrumento', 'Id', 'Avance (%)', 'Ítems considerados', 'Con reporte validado', 'Sin reporte']);
    const json = await pub('/api/v1/policy/public/rollup?by=instrument');
    json.json.items.forEach((g, k) => {
      const row = k + 2;
      assert.equal(cells[`A${row}`], g.name);
      assert.equal(cells[`B${row}`], g.key);
      assert.equal(cells[`C${row}`], g.progress);
      assert.equal(cells[`D${row}`], g.leaves);
      assert.equal(cells[`F${row}`], g.sin_reporte);
    });
    assert.equal(cells[`A${json.json.items.length + 2}`], undefined);
  });

  test('the reports list: an analyst gets every report, a focal point only their institution', async () => {
    const all = await analyst.req('GET', '/api/v1/policy/reports.xlsx');
    assert.equal(all.status, 200, all.text);
    const cells = await sheetCells(all.body);
    assert.equal(cells.A1, 'Reporte');
    assert.equal(cells.M1, 'Narrativa');
    const json = (await analyst.get('/api/v1/policy/reports')).json.items;
    assert.ok(json.length > 0);
    assert.deepEqual(Object.keys(cells).filter((k) => /^A\d+$/.test(k) && k !== 'A1').map((k) => cells[k]).sort((a, b) => a - b),
      json.map((r) => r.id).sort((a, b) => a - b));
    const mine = await sheetCells((await focal.req('GET', '/api/v1/policy/reports.xlsx')).body);
    const names = Object.keys(mine).filter((k) => /^F\d+$/.test(k) && k !== 'F1').map((k) => mine[k]);
    assert.ok(names.length > 0 && names.every((n) => n === salud.transversal.institutions[0].name), names.join(', '));
    assert.equal((await srv.request('GET', '/api/v1/policy/reports.xlsx')).status, 401);
  });

  test('an instrument\'s items (or one subtree) and its periods, as CSV and XLSX, with the figures of the JSON', async () => {
    const id = ins['compromisos-ministeriales'].id;
    const detail = (await pub(`/api/v1/policy/public/instruments/${id}`)).json;
    const x = await srv.request('GET', `/api/v1/policy/public/instruments/${id}/items.xlsx`, { raw: true });
    assert.equal(x.status, 200);
    assert.match(x.headers['content-type'], /spreadsheetml\.sheet/);
    assert.match(x.headers['content-disposition'], /items-compromisos-ministeriales\.xlsx/);
    const cells = await sheetCells(x.body);
    assert.deepEqual([cells.A1, cells.E1, cells.G1, cells.O1], ['Id', 'Título', 'Peso', 'Avance validado (%)']);
    const ids = Object.keys(cells).filter((k) => /^A\d+$/.test(k) && k !== 'A1').map((k) => cells[k]);
    assert.deepEqual([...ids].sort((a, b) => a - b), detail.items.map((i) => i.id).sort((a, b) => a - b));
    const row = ids.indexOf(salud.transversal.id) + 2;
    const json = detail.items.find((i) => i.id === salud.transversal.id);
    assert.equal(cells[`E${row}`], json.title);
    assert.equal(cells[`F${row}`], json.parent_id);
    assert.equal(cells[`G${row}`], json.weight);
    assert.equal(cells[`O${row}`], json.progress);
    // Tree order: a parent comes right before its first child.
    assert.equal(ids[ids.indexOf(salud.transversal.parent_id) + 1], salud.transversal.id);

    const sub = await pub(`/api/v1/policy/public/instruments/${id}/items.csv?under=${salud.transversal.parent_id}`);
    assert.equal(sub.status, 200);
    assert.equal(sub.body.subarray(0, 3).toString('hex'), 'efbbbf');
    const lines = sub.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.match(lines[0], /^id,instrumento,nivel,codigo,titulo,item_superior,peso,/);
    assert.equal(lines.length, 1 + detail.items.filter((i) => i.parent_id === salud.transversal.parent_id).length);
    assert.ok(lines.slice(1).every((l) => l.startsWith(`${l.split(',')[0]},Compromisos Ministeriales`)));
    assertApiError(assert, await pub(`/api/v1/policy/public/instruments/${id}/items.csv?under=999999`), 400, 'invalid_parameter', 'under');
    assertApiError(assert, await pub(`/api/v1/policy/public/instruments/${id}/items.csv?under=abc`), 400, 'invalid_parameter', 'under');
    assert.equal((await pub('/api/v1/policy/public/instruments/999999/items.csv')).status, 404);

    const periodsCsv = await pub(`/api/v1/policy/public/instruments/${id}/periods.csv`);
    assert.equal(periodsCsv.status, 200);
    const plines = periodsCsv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(plines[0], 'periodo,tipo,apertura,cierre,dias_gracia,reabierto_hasta,motivo_reapertura,estado');
    assert.equal(plines.length, 1 + detail.periods.length);
    const first = detail.periods[0];
    assert.ok(plines.some((l) => l.startsWith(`${first.label},${first.kind},${first.opens_on},${first.closes_on},${first.grace_days},`)), plines.join('\n'));
    const px = await sheetCells((await srv.request('GET', `/api/v1/policy/public/instruments/${id}/periods.xlsx`, { raw: true })).body);
    assert.equal(px.A1, 'Período');
    assert.equal(px.H1, 'Estado');
  });
});
