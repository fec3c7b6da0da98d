// Issue 15, the PMG as the ministry runs it, over real HTTP: a service files its work programme,
// progress report and compliance report in order; each goes through the technical review
// (enviado → en revisión → observado → corregido → aprobado / rechazado) with observations per
// commitment and the focal point's answers; the outcome only after the compliance report's review.
// Illegal transitions are 409 with a Spanish message and write nothing; another service's filing is
// 404 and audited; a reviewer never reviews her own institution's service (403). The demo history
// produces the public account's 2020 and 2021 figures through this workflow.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo, newPassword, uniq } from './auth_helpers.mjs';

let srv;
let analyst; // Ministerio de la Mujer y la Equidad de Género
let focal; // Ministerio de Salud
let admin;
let pmg; // the PMG instrument
let y2021;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 180_000 });
  [analyst, focal, admin] = await Promise.all(['analyst', 'focal_point', 'admin'].map((r) => loginDemo(srv, r)));
  const all = (await srv.request('GET', '/api/v1/policy/public/instruments')).json.items;
  pmg = all.find((i) => i.code === 'pmg-genero');
  const tree = await srv.request('GET', `/api/v1/policy/public/instruments/${pmg.id}`);
  y2021 = tree.json.items.find((i) => i.code === '2021');
});
after(async () => { await srv?.stop(); });

const institutionOf = async (c) => (await c.get('/api/v1/auth/session')).json.user.institution.id;

// A focal point of another institution (a new account), signed in.
async function focalOf(institutionId) {
  const email = `pmg.${uniq()}@prueba.cl`;
  const password = newPassword();
  const r = await admin.post('/api/v1/users', { name: 'Enlace PMG de prueba', email, institution_id: institutionId, roles: ['focal_point'], password });
  assert.equal(r.status, 201, r.text);
  return login(srv, email, { password });
}

// A 2021 service of the PMG for `institutionId` with one measure and one specific commitment.
async function newService(institutionId, tag) {
  const mk = async (b) => {
    const r = await analyst.post('/api/v1/policy/items', { instrument_id: pmg.id, institution_ids: [String(institutionId)], ...b });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const svc = await mk({ parent_id: y2021.id, level: 'compromiso', title: `Servicio de prueba ${tag}`, start_year: 2021 });
  const measure = await mk({ parent_id: svc.id, level: 'medida', code: 'M4', title: 'Capacitación en materia de género' });
  const commitment = await mk({ parent_id: measure.id, level: 'accion', code: 'C1', title: `Curso básico de género (${tag})` });
  return { svc, measure, commitment };
}

const NARR = 'Programa de trabajo con compromisos, plazos e indicadores.';
const file = (c, svc, stage, extra = {}) => c.post(`/api/v1/policy/pmg/services/${svc.id}/filings`, { stage, narrative: NARR, ...extra });
const stageOf = async (c, svc, stage) => (await c.get(`/api/v1/policy/pmg/services/${svc.id}`)).json.stages.find((s) => s.stage === stage).filing;

// First, before the tests below add services and commitments of their own.
describe('the demo history runs through the workflow and computes the account', () => {
  test('2020: 150 services, every programme approved, 148 compliance reports approved and 2 rejected = the 148 that comply', async () => {
    const w = await srv.request('GET', `/api/v1/policy/public/instruments/${pmg.id}/pmg-workflow`);
    assert.equal(w.status, 200, w.text);
    const y = (n) => w.json.years.find((x) => x.year === n).stages;
    assert.deepEqual(y(2020).programa, { aprobado: 150 });
    assert.deepEqual(y(2020).avance, { aprobado: 150 });
    assert.deepEqual(y(2020).cumplimiento, { aprobado: 148, rechazado: 2 });
    assert.equal(Object.values(y(2021).programa).reduce((a, b) => a + b, 0) >= 157, true);
    assert.equal(y(2021).programa.aprobado >= 157, true);
    const checks = (await srv.request('GET', '/api/v1/policy/public/checks')).json.items;
    const approved = checks.find((f) => f.label === 'Servicios aprobados en la evaluación 2020');
    assert.equal(approved.check.text, '98,7 % (148 de 150)');
    assert.equal(approved.check.agrees, true);
    const commitments = checks.find((f) => f.label === 'Compromisos específicos 2021');
    assert.equal(commitments.check.value, 414);
    // The queue holds 2021's progress reports waiting for the reviewer, with their rounds.
    const q = (await analyst.get('/api/v1/policy/pmg/queue')).json.items.filter((x) => x.demo);
    assert.ok(q.some((x) => x.state === 'corregido' && x.round === 2));
    assert.ok(q.some((x) => x.state === 'en_revision'));
    assert.ok(q.every((x) => x.days_waiting >= 0));
  });
});

describe('a service through the three filings and the review rounds', () => {
  let s;
  let programme;
  before(async () => {
    s = await newService((await institutionOf(focal)), uniq());
  });

  test('the programme: filed, edited while waiting, locked under review, observed, answered, corrected, approved', async () => {
    // Out of order: no progress or compliance report before the programme is approved.
    assertApiError(assert, await file(focal, s.svc, 'cumplimiento', { evidence: 'Actas.' }), 409, 'previous_stage_pending', 'state');
    assertApiError(assert, await file(focal, s.svc, 'avance'), 409, 'previous_stage_pending', 'state');
    assertApiError(assert, await file(focal, s.svc, 'programa', { narrative: 'corto' }), 422, 'required', 'narrative');
    assertApiError(assert, await file(focal, s.svc, 'anual'), 422, 'invalid_stage', 'stage');
    const r = await file(focal, s.svc, 'programa');
    assert.equal(r.status, 201, r.text);
    programme = r.json;
    assert.equal(programme.state, 'enviado');
    assert.equal(programme.round, 1);
    assertApiError(assert, await file(focal, s.svc, 'programa'), 409, 'already_filed', 'state');
    // Edited while it waits for the reviewer.
    const ed = await focal.patch(`/api/v1/policy/pmg/filings/${programme.id}`, { narrative: `${NARR} Versión revisada.` });
    assert.equal(ed.status, 200, ed.text);
    // The reviewer takes it: from now on the focal point cannot edit it.
    const take = await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/review`, {});
    assert.equal(take.status, 200, take.text);
    assert.equal(take.json.state, 'en_revision');
    assertApiError(assert, await focal.patch(`/api/v1/policy/pmg/filings/${programme.id}`, { narrative: `${NARR} Intento bajo revisión.` }), 409, 'filing_locked', 'state');
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/review`, {}), 409, 'not_waiting', 'state');
    // Observations: bad ones refused with their field; then one per commitment.
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/observations`, { observations: [] }), 422, 'required', 'observations');
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/observations`, { observations: [{ text: 'corta' }] }), 422, 'required', 'observations[0].text');
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/observations`,
      { observations: [{ item_id: y2021.id, text: 'Esto no es un compromiso del servicio.' }] }), 422, 'not_in_service', 'observations[0].item_id');
    const obs = await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/observations`, { observations: [
      { item_id: s.commitment.id, text: 'Indique la meta de cobertura del curso y su medio de verificación.' },
      { text: 'Agregue el cronograma mensual del programa.' }] });
    assert.equal(obs.status, 200, obs.text);
    assert.equal(obs.json.state, 'observado');
    assert.equal(obs.json.observations_to_answer, 2);
    assert.equal(obs.json.observations[0].item_title, s.commitment.title);
    // «Mi PMG» shows what is due and the observations to answer.
    const mine = (await focal.get('/api/v1/policy/pmg/mine')).json.items.find((x) => x.service.id === s.svc.id);
    assert.match(mine.due, /responder las observaciones/);
    assert.equal(mine.stages[0].filing.observations.filter((o) => o.to_answer).length, 2);
    // Re-filing with an observation unanswered is refused.
    assertApiError(assert, await focal.post(`/api/v1/policy/pmg/observations/${obs.json.observations[0].id}/answer`, { answer: 'no' }), 422, 'required', 'answer');
    const a1 = await focal.post(`/api/v1/policy/pmg/observations/${obs.json.observations[0].id}/answer`, { answer: 'Meta: 30 % de la dotación; lista de asistencia firmada.' });
    assert.equal(a1.status, 200, a1.text);
    assertApiError(assert, await focal.post(`/api/v1/policy/pmg/filings/${programme.id}/correct`, {}), 409, 'unanswered_observations', 'state');
    await focal.post(`/api/v1/policy/pmg/observations/${obs.json.observations[1].id}/answer`, { answer: 'Se agrega el cronograma de marzo a diciembre.' });
    const corr = await focal.post(`/api/v1/policy/pmg/filings/${programme.id}/correct`, {});
    assert.equal(corr.status, 200, corr.text);
    assert.equal(corr.json.state, 'corregido');
    assert.equal(corr.json.round, 2);
    // The queue shows it with its round and the days it has waited.
    const q = (await analyst.get('/api/v1/policy/pmg/queue')).json.items.find((x) => x.id === programme.id);
    assert.equal(q.round, 2);
    assert.equal(q.days_waiting, 0);
    assert.equal(q.service_title, s.svc.title);
    // Second round: no new observations, only a decision.
    await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/review`, {});
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/observations`, { observations: [{ text: 'Otra observación más.' }] }), 409, 'rounds_exhausted', 'state');
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/decision`, { decision: 'rechazado' }), 422, 'required', 'note');
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/decision`, { decision: 'visto' }), 422, 'invalid_decision', 'decision');
    const ok = await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/decision`, { decision: 'aprobado' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.state, 'aprobado');
    // An approved filing is neither observed, edited, taken nor decided again.
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/observations`, { observations: [{ text: 'Observación tardía al programa.' }] }), 409, 'not_in_review', 'state');
    assertApiError(assert, await focal.patch(`/api/v1/policy/pmg/filings/${programme.id}`, { narrative: `${NARR} Cambio después de aprobado.` }), 409, 'filing_locked', 'state');
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${programme.id}/decision`, { decision: 'rechazado', note: 'Cambio de opinión del revisor.' }), 409, 'not_in_review', 'state');
    const log = await auditEntries(admin, 'action=policy.pmg_', 200);
    for (const a of ['policy.pmg_file', 'policy.pmg_edit', 'policy.pmg_review_start', 'policy.pmg_observe', 'policy.pmg_answer', 'policy.pmg_correct', 'policy.pmg_approve'])
      assert.ok(log.some((e) => e.action === a && e.outcome === 'ok'), a);
  });

  test('progress and compliance reports; the outcome only after the compliance report is reviewed', async () => {
    const decide = (b) => analyst.post(`/api/v1/policy/items/${s.svc.id}/outcome`, b);
    assertApiError(assert, await decide({ outcome: 'cumple', reason: 'Cumplió su programa de trabajo.' }), 409, 'compliance_pending', 'outcome');
    const av = await file(focal, s.svc, 'avance', { narrative: 'Avance: curso dictado a 120 funcionarias y funcionarios.' });
    assert.equal(av.status, 201, av.text);
    assertApiError(assert, await file(focal, s.svc, 'cumplimiento', { evidence: 'Listas de asistencia.' }), 409, 'previous_stage_pending', 'state');
    await analyst.post(`/api/v1/policy/pmg/filings/${av.json.id}/review`, {});
    assert.equal((await analyst.post(`/api/v1/policy/pmg/filings/${av.json.id}/decision`, { decision: 'aprobado' })).status, 200);
    assertApiError(assert, await file(focal, s.svc, 'cumplimiento', { narrative: 'Informe de cumplimiento del programa 2021.' }), 422, 'required', 'evidence');
    const cu = await file(focal, s.svc, 'cumplimiento', { narrative: 'Informe de cumplimiento del programa 2021.', evidence: 'Listas de asistencia firmadas; resolución del curso.' });
    assert.equal(cu.status, 201, cu.text);
    assertApiError(assert, await decide({ outcome: 'cumple', reason: 'Cumplió su programa de trabajo.' }), 409, 'compliance_pending', 'outcome');
    await analyst.post(`/api/v1/policy/pmg/filings/${cu.json.id}/review`, {});
    assertApiError(assert, await decide({ outcome: 'no_cumple', reason: 'Todavía en revisión técnica.' }), 409, 'compliance_pending', 'outcome');
    assert.equal((await analyst.post(`/api/v1/policy/pmg/filings/${cu.json.id}/decision`, { decision: 'aprobado' })).status, 200);
    const r = await decide({ outcome: 'cumple', reason: 'Informe de cumplimiento aprobado con sus medios de verificación.' });
    assert.equal(r.status, 200, r.text);
    const w = await focal.get(`/api/v1/policy/pmg/services/${s.svc.id}`);
    assert.equal(w.json.outcome.outcome_name, 'Cumple');
    assert.deepEqual(w.json.stages.map((x) => x.filing.state), ['aprobado', 'aprobado', 'aprobado']);
    assert.equal((await srv.request('GET', `/api/v1/policy/public/items/${s.svc.id}`)).json.status, 'cumplido');
  });

  test('a compliance report rejected in the second round: «no cumple» only', async () => {
    const t = await newService((await institutionOf(focal)), uniq());
    for (const stage of ['programa', 'avance']) {
      const f = await file(focal, t.svc, stage);
      await analyst.post(`/api/v1/policy/pmg/filings/${f.json.id}/review`, {});
      await analyst.post(`/api/v1/policy/pmg/filings/${f.json.id}/decision`, { decision: 'aprobado' });
    }
    const cu = await file(focal, t.svc, 'cumplimiento', { evidence: 'Acta del comité.' });
    await analyst.post(`/api/v1/policy/pmg/filings/${cu.json.id}/review`, {});
    const o = await analyst.post(`/api/v1/policy/pmg/filings/${cu.json.id}/observations`, { observations: [{ item_id: t.commitment.id, text: 'El acta no acredita el curso comprometido.' }] });
    await focal.post(`/api/v1/policy/pmg/observations/${o.json.observations[0].id}/answer`, { answer: 'Se adjunta nuevamente el acta del comité.' });
    await focal.post(`/api/v1/policy/pmg/filings/${cu.json.id}/correct`, { evidence: 'Acta del comité (reenvío).' });
    await analyst.post(`/api/v1/policy/pmg/filings/${cu.json.id}/review`, {});
    const rej = await analyst.post(`/api/v1/policy/pmg/filings/${cu.json.id}/decision`, { decision: 'rechazado', note: 'Los medios de verificación no acreditan el curso.' });
    assert.equal(rej.status, 200, rej.text);
    assertApiError(assert, await focal.post(`/api/v1/policy/pmg/filings/${cu.json.id}/correct`, {}), 409, 'not_observed', 'state');
    const decide = (b) => analyst.post(`/api/v1/policy/items/${t.svc.id}/outcome`, b);
    assertApiError(assert, await decide({ outcome: 'cumple', reason: 'Cumplió su programa de trabajo.' }), 409, 'compliance_rejected', 'outcome');
    const r = await decide({ outcome: 'no_cumple', reason: 'Informe de cumplimiento rechazado en la segunda vuelta.' });
    assert.equal(r.status, 200, r.text);
    assert.equal((await focal.get('/api/v1/policy/pmg/mine')).json.items.find((x) => x.service.id === t.svc.id).outcome.outcome, 'no_cumple');
  });
});

describe('object rules', () => {
  test('another service\'s filing is 404 and audited; nothing changes', async () => {
    const s = await newService((await institutionOf(focal)), uniq());
    const f = await file(focal, s.svc, 'programa');
    const educId = (await admin.get(`/api/v1/institutions?q=${encodeURIComponent('Ministerio de Educación')}`)).json.items.find((i) => i.name === 'Ministerio de Educación').id;
    const other = await focalOf(educId);
    assert.equal((await other.get(`/api/v1/policy/pmg/services/${s.svc.id}`)).status, 404);
    assert.equal((await file(other, s.svc, 'programa')).status, 404);
    assert.equal((await other.patch(`/api/v1/policy/pmg/filings/${f.json.id}`, { narrative: 'Edición hecha por otro servicio distinto.' })).status, 404);
    assert.ok(!(await other.get('/api/v1/policy/pmg/mine')).json.items.some((x) => x.service.id === s.svc.id));
    assert.equal((await other.get('/api/v1/policy/pmg/queue')).status, 403, 'a focal point has no reviewer queue');
    assert.equal((await other.post(`/api/v1/policy/pmg/filings/${f.json.id}/review`, {})).status, 403);
    assert.equal((await stageOf(focal, s.svc, 'programa')).narrative, NARR, 'nothing changed');
    const log = await auditEntries(admin, 'outcome=denied', 200);
    assert.ok(log.some((e) => e.action === 'policy.pmg_read' && e.object === `policy_item:${s.svc.id}`), 'the refused read is audited');
    assert.ok(log.some((e) => e.action === 'policy.pmg_edit' && e.object === `policy_pmg_filing:${f.json.id}`), 'the refused edit is audited');
  });

  test('a reviewer cannot review her own institution\'s service', async () => {
    const mine = await institutionOf(analyst);
    const own = await focalOf(mine);
    const s = await newService(mine, uniq());
    const f = await file(own, s.svc, 'programa');
    assert.equal(f.status, 201, f.text);
    assertApiError(assert, await analyst.post(`/api/v1/policy/pmg/filings/${f.json.id}/review`, {}), 403, 'own_service', 'filing_id');
    assert.equal((await stageOf(own, s.svc, 'programa')).state, 'enviado');
    assert.equal((await analyst.get('/api/v1/policy/pmg/queue')).json.items.find((x) => x.id === f.json.id).own_service, true);
  });
});
