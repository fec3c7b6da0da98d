// Ley 21.719 data-subject requests over real HTTP (issue 20 item 4): the data-protection officer
// registers a request (RUT validated, nothing half-written on bad input), the legal deadline is
// computed (30 días corridos, one extension of 30 with a reason), a deletion of a violence case
// record is refused with its legal causal, the person's report is compiled from the case registry
// and downloadable as JSON (portability), the RoPA is generated from the module contract, any
// other role is refused, and every step is audited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { newIdentity } from './object_access_table.mjs';

let srv, dpo, worker, admin, today;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  dpo = await login(srv, 'dpo@equidad.demo');
  worker = await loginDemo(srv, 'case_worker');
  admin = await loginDemo(srv, 'admin');
  const l = await dpo.get('/api/v1/dataprotection/requests');
  assert.equal(l.status, 200, l.text);
  const [d, m, y] = l.json.today.split('-');
  today = `${y}-${m}-${d}`; // the server's calendar day in Chile
});
after(async () => { await srv?.stop(); });

// YYYY-MM-DD plus n calendar days.
const plus = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const count = async () => (await dpo.get('/api/v1/dataprotection/requests')).json.items.length;
const request = (over = {}) => ({
  kind: 'supresion', rut: '11.111.111-1', requester_name: 'Ana Pérez Soto', detail: 'Pide borrar su registro.', received_on: today, ...over,
});
async function create(over) {
  const r = await dpo.post('/api/v1/dataprotection/requests', request(over));
  assert.equal(r.status, 201, r.text);
  return r.json.request;
}
const step = (id, body) => dpo.post(`/api/v1/dataprotection/requests/${id}/steps`, body);

describe('the register', () => {
  test('the deadline is 30 calendar days from receipt; one extension of 30 needs a reason', async () => {
    // The date as people write it in Chile is read too.
    const [y, m, d] = today.split('-');
    const r = await create({ kind: 'acceso', received_on: `${d}-${m}-${y}` });
    assert.equal(r.received_on, today);
    assert.equal(r.state, 'recibida');
    assert.equal(r.deadline_on, plus(today, 30));
    assert.equal(r.days_left, 30);
    assert.equal(r.overdue, false);
    assert.equal(r.rut, '11.111.111-1');
    // Without a reason: refused, nothing changed.
    assertApiError(assert, await step(r.id, { action: 'prorrogar' }), 422, 'required', 'reason');
    const same = await dpo.get(`/api/v1/dataprotection/requests/${r.id}`);
    assert.equal(same.json.request.deadline_on, plus(today, 30));
    assert.equal(same.json.request.state, 'recibida');
    const ext = await step(r.id, { action: 'prorrogar', reason: 'Los registros están en tres instituciones y deben revisarse.' });
    assert.equal(ext.status, 200, ext.text);
    assert.equal(ext.json.request.state, 'prorrogada');
    assert.equal(ext.json.request.deadline_on, plus(today, 60));
    assert.equal(ext.json.request.extended, true);
    // The law allows one extension only.
    assertApiError(assert, await step(r.id, { action: 'prorrogar', reason: 'Otra vez.' }), 409, 'wrong_state');
    const done = await step(r.id, { action: 'responder', response: 'Se le entrega copia de sus datos.' });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.request.state, 'respondida');
    assert.equal(done.json.request.days_left, null);
    assert.deepEqual(done.json.request.events.map((e) => e.to), ['recibida', 'prorrogada', 'respondida']);
  });

  test('bad input is refused with its field, and nothing is written', async () => {
    const before = await count();
    const post = (over) => dpo.post('/api/v1/dataprotection/requests', request(over));
    assertApiError(assert, await post({ rut: '11.111.111-2' }), 422, 'invalid_rut', 'rut');
    assertApiError(assert, await post({ rut: 'abc' }), 422, 'invalid_rut', 'rut');
    assertApiError(assert, await post({ kind: 'olvido' }), 422, undefined, 'kind');
    assertApiError(assert, await post({ received_on: '2026-02-31' }), 422, 'invalid_date', 'received_on');
    assertApiError(assert, await post({ received_on: '31-02-2027' }), 422, 'invalid_date', 'received_on');
    assertApiError(assert, await post({ received_on: plus(today, 1) }), 422, 'future_date', 'received_on');
    assertApiError(assert, await post({ received_on: '2026-11-30' }), 422, 'before_law', 'received_on');
    assertApiError(assert, await post({ requester_name: '' }), 422, undefined, 'requester_name');
    assertApiError(assert, await post({ extra: 1 }), 422, undefined, 'extra');
    assert.equal(await count(), before);
  });

  test('a deletion of a violence case record is refused with its legal causal; then no report is compiled', async () => {
    // A woman in the case registry, recorded by a case worker.
    const identity = newIdentity();
    const rec = await worker.post('/api/v1/cases/records', {
      kind: 'contact', occurred_at: new Date(Date.now() - 86_400_000).toISOString(), comuna_id: '13101', consent_statistics: true,
      persons: [{ role: 'victim', identity }], details: { channel: 'linea_1455', summary: 'Relato de prueba.' },
    });
    assert.ok(rec.status === 201 || rec.status === 200, rec.text);
    const r = await create({ rut: identity.run, requester_name: `${identity.given_names} ${identity.surname1}`,
      detail: 'Pide borrar el registro de su denuncia por violencia.' });

    // The report, compiled from the case registry, and its download (portability).
    const rep = await dpo.get(`/api/v1/dataprotection/requests/${r.id}/report`);
    assert.equal(rep.status, 200, rep.text);
    const cases = rep.json.sections.filter((s) => s.module === 'cases');
    assert.equal(cases.length, 1, rep.text);
    assert.ok(cases[0].items.some((i) => i.kind === 'contact' && i.role === 'víctima' && i.institution === 'Centro de la Mujer Santiago'), rep.text);
    assert.ok(!rep.text.includes('Relato de prueba'), 'the record details (with third parties) are not in the report');
    const dl = await dpo.get(`/api/v1/dataprotection/requests/${r.id}/report?download=1`);
    assert.equal(dl.status, 200);
    assert.match(dl.headers['content-disposition'], /attachment; filename="datos-personales-solicitud-\d+\.json"/);
    assert.deepEqual(dl.json.sections, rep.json.sections);

    assertApiError(assert, await step(r.id, { action: 'denegar', response: 'No procede.' }), 409, 'wrong_state');
    assert.equal((await step(r.id, { action: 'analizar' })).status, 200);
    assertApiError(assert, await step(r.id, { action: 'denegar', response: 'No procede.' }), 422, 'required', 'exception');
    assertApiError(assert, await step(r.id, { action: 'denegar', exception: 'capricho', response: 'No procede.' }), 422, 'unknown_code', 'exception');
    assertApiError(assert, await step(r.id, { action: 'denegar', exception: 'proteccion_victima' }), 422, 'required', 'response');
    const still = await dpo.get(`/api/v1/dataprotection/requests/${r.id}`);
    assert.equal(still.json.request.state, 'en_analisis');
    const no = await step(r.id, { action: 'denegar', exception: 'proteccion_victima',
      response: 'El registro es necesario para su protección mientras la medida esté vigente. Puede reclamar ante la Agencia de Protección de Datos Personales.' });
    assert.equal(no.status, 200, no.text);
    assert.equal(no.json.request.state, 'denegada');
    assert.equal(no.json.request.exception, 'proteccion_victima');
    assert.match(no.json.request.exception_name, /proteger a una víctima/);
    // The case record is still there.
    const p = await worker.get(`/api/v1/cases/persons?run=${identity.run}`);
    assert.equal(p.status, 200, p.text);
    assert.ok(p.json.items.length >= 1, p.text);
    // A refused request gives no ground to compile her data.
    assertApiError(assert, await dpo.get(`/api/v1/dataprotection/requests/${r.id}/report`), 404, 'not_found');

    const object = `dataprotection_request:${r.id}`;
    const mine = (await auditEntries(admin, 'action=dataprotection.')).filter((e) => e.object === object);
    const actions = mine.map((e) => `${e.action}/${e.outcome}`);
    for (const a of ['dataprotection.request_create/ok', 'dataprotection.report_read/ok', 'dataprotection.report_download/ok',
      'dataprotection.request_analizar/ok', 'dataprotection.request_denegar/ok', 'dataprotection.request_read/ok', 'dataprotection.report_read/denied'])
      assert.ok(actions.includes(a), `${a} not audited: ${actions.join(', ')}`);
  });

  test('the list says what is overdue (none here: every request is in time)', async () => {
    const l = await dpo.get('/api/v1/dataprotection/requests');
    assert.equal(l.status, 200);
    assert.ok(l.json.items.length >= 2);
    assert.equal(l.json.overdue, 0);
    assert.ok(l.json.items.every((i) => i.overdue === false && !('rut' in i) && !('requester_name' in i)), l.text);
    assert.equal((await dpo.get('/api/v1/dataprotection/requests?overdue=1')).json.items.length, 0);
    assertApiError(assert, await dpo.get('/api/v1/dataprotection/requests?state=perdida'), 400, 'invalid_parameter', 'state');
  });

  test('no other role reaches the register, a case worker holding the records included', async () => {
    const r = await create({});
    for (const c of [worker, admin, await loginDemo(srv, 'analyst')]) {
      assert.equal((await c.get('/api/v1/dataprotection/requests')).status, 403);
      assert.equal((await c.get(`/api/v1/dataprotection/requests/${r.id}`)).status, 403);
      assert.equal((await c.get(`/api/v1/dataprotection/requests/${r.id}/report`)).status, 403);
      assert.equal((await c.post(`/api/v1/dataprotection/requests/${r.id}/steps`, { action: 'analizar' })).status, 403);
      assert.equal((await c.post('/api/v1/dataprotection/requests', request())).status, 403);
    }
    assertApiError(assert, await dpo.get('/api/v1/dataprotection/requests/999999'), 404, 'not_found');
  });
});

describe('breach register', () => {
  const breach = (over = {}) => ({
    detected_at: new Date(Date.now() - 3_600_000).toISOString(), nature: 'Un computador con planillas de atención fue robado.',
    data_categories: 'Identificación y datos de salud', subjects: 'Mujeres atendidas en un centro', subjects_affected: 40,
    consequences: 'Riesgo de que el agresor conozca la dirección de la víctima.', measures: 'Cambio de claves; aviso a Carabineros.', ...over,
  });
  test('a breach is registered, notified to the Agency and to the subjects once each; a late notification is flagged', async () => {
    const bad = await dpo.post('/api/v1/dataprotection/breaches', breach({ detected_at: '2026-12-01T10:00' }));
    assertApiError(assert, bad, 422, 'invalid_date', 'detected_at');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/breaches', breach({ nature: '' })), 422, undefined, 'nature');
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/breaches', breach({ subjects_affected: -1 })), 422, undefined, 'subjects_affected');
    const r = await dpo.post('/api/v1/dataprotection/breaches', breach());
    assert.equal(r.status, 201, r.text);
    const id = r.json.breach.id;
    assert.equal(r.json.breach.agency_overdue, false);
    assert.equal(r.json.breach.agency_notified, null);
    // Detected four days ago and not notified: past the ministry's 72-hour target.
    const late = await dpo.post('/api/v1/dataprotection/breaches', breach({ detected_at: new Date(Date.now() - 4 * 86_400_000).toISOString() }));
    assert.equal(late.json.breach.agency_overdue, true);
    const list = await dpo.get('/api/v1/dataprotection/breaches');
    assert.ok(list.json.agency_overdue >= 1);

    const notify = (body) => dpo.post(`/api/v1/dataprotection/breaches/${id}/notifications`, body);
    assertApiError(assert, await notify({ to: 'agencia' }), 422, undefined, 'note');
    assertApiError(assert, await notify({ to: 'prensa', note: 'x' }), 422, undefined, 'to');
    const a = await notify({ to: 'agencia', note: 'Formulario de la Agencia, folio 123.' });
    assert.equal(a.status, 200, a.text);
    assert.ok(a.json.breach.agency_notified);
    assertApiError(assert, await notify({ to: 'agencia', note: 'otra vez' }), 409, 'already_notified', 'to');
    const t = await notify({ to: 'titulares', note: 'Carta certificada y llamada a cada mujer.' });
    assert.ok(t.json.breach.subjects_notified && t.json.breach.agency_notified, t.text);
    assertApiError(assert, await dpo.post('/api/v1/dataprotection/breaches/999999/notifications', { to: 'agencia', note: 'x' }), 404, 'not_found');
    assert.equal((await worker.get('/api/v1/dataprotection/breaches')).status, 403);
    assert.equal((await worker.post(`/api/v1/dataprotection/breaches/${id}/notifications`, { to: 'titulares', note: 'x' })).status, 403);
    const audited = (await auditEntries(admin, 'action=dataprotection.breach')).filter((e) => e.object === `dataprotection_breach:${id}`);
    assert.deepEqual(audited.map((e) => e.action).sort(),
      ['dataprotection.breach_create', 'dataprotection.breach_notify_agencia', 'dataprotection.breach_notify_titulares']);
  });
});

describe('record of processing activities', () => {
  test('generated from every module\'s declared encrypted columns', async () => {
    const r = await dpo.get('/api/v1/dataprotection/ropa');
    assert.equal(r.status, 200, r.text);
    const mod = (m) => r.json.activities.find((a) => a.module === m);
    assert.ok(mod('cases').fields.some((f) => f.table === 'cases_identities' && f.column === 'data_enc' && f.blind_index), r.text);
    assert.ok(mod('directoras').fields.some((f) => f.column === 'rut_enc'));
    assert.ok(mod('dataprotection').fields.some((f) => f.table === 'dataprotection_requests' && f.column === 'rut_enc' && f.blind_index));
    assert.equal(r.json.retention_declared, true);
    // Each kind of data with a retention, with this server's configured periods (serve's defaults).
    assert.deepEqual(r.json.retention.map((x) => [x.module, x.days]), [['monitoring', 180], ['chat', 90], ['whatsapp', 90], ['channels', 730]]);
    assert.equal((await worker.get('/api/v1/dataprotection/ropa')).status, 403);
  });
});

describe('home', () => {
  test('the officer\'s home leads to the register and the RoPA', async () => {
    const h = await dpo.get('/api/v1/me/home');
    assert.equal(h.status, 200, h.text);
    const links = (h.json.items ?? []).map((i) => i.link);
    assert.ok(links.includes('/datos-personales/solicitudes') && links.includes('/datos-personales/registro'), h.text);
  });
});
