// «Mascarilla 19» over HTTP (src/pharmacy): a pharmacy reports an activation, the woman becomes a
// contact in the REAL operator queue (src/channels), the operator takes and closes it and the
// pharmacy sees the status move; the bad inputs of issue 14; the object rule between two pharmacies;
// and the demo's enrolment and 2020 activations, computed from records, against the seed's figures.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { assertApiError, freshDatabase, startServer } from './harness.mjs';

const ENV = { EQ_CHANNELS_HOURS: '24/7' };
let srv;
let pharmacy; // Farmacia Comunitaria Providencia (demo, enrolled)
let other; // a second enrolled pharmacy, made here
let unenrolled; // a pharmacy account whose pharmacy is not enrolled
let operator;
let supervisor;
let admin;
let otherEnrolment;

const uniq = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function pharmacyAccount(name) {
  const inst = await admin.post('/api/v1/institutions', { name: `${name} ${uniq()}`, type: 'pharmacy', region_id: '02', comuna_id: '02101' });
  assert.equal(inst.status, 201, inst.text);
  const email = `farmacia.${uniq()}@prueba.cl`;
  const u = await admin.post('/api/v1/users', { name: 'Química de Turno', email, institution_id: inst.json.id, roles: ['pharmacy'], password: 'Equidad2026!' });
  assert.equal(u.status, 201, u.text);
  return { institution: inst.json, client: await login(srv, email) };
}

const form = (extra = {}) => ({ alias: 'Rosa', phone: '+56 9 8765 4321', safe_contact: 'Llamar después de las 18:00, decir que es de la farmacia.', asked_for: 'Pidió que la llamaran.', in_danger: false, ...extra });

async function ownReports(client = pharmacy) {
  const r = await client.get('/api/v1/pharmacy/reports');
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// The queue's contact of report `ref`: SernamEG's follow-up list names it (contact_id), the queue
// shows it (the queue's own view never shows a pharmacy report's reference).
async function queueContact(ref, op = operator) {
  const f = await op.get('/api/v1/pharmacy/followups');
  assert.equal(f.status, 200, f.text);
  const item = f.json.items.find((x) => x.ref === ref);
  if (!item) return undefined;
  const q = await op.get('/api/v1/channels/queue');
  assert.equal(q.status, 200, q.text);
  return [...q.json.mine, ...q.json.queue].find((c) => c.channel === 'pharmacy' && String(c.id) === String(item.contact_id));
}

async function takeAndClose(ref, op = operator) {
  const c = await queueContact(ref, op);
  assert.ok(c, `report ${ref} in the queue`);
  const t = await op.post(`/api/v1/channels/contacts/${c.id}/take`, {});
  assert.equal(t.status, 200, t.text);
  const read = await op.get(`/api/v1/channels/contacts/${c.id}`);
  assert.equal(read.status, 200, read.text);
  const closed = await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
  assert.equal(closed.status, 200, closed.text);
  return read.json;
}

async function pharmacyContacts() {
  const q = (await operator.get('/api/v1/channels/queue')).json;
  return [...q.mine, ...q.queue].filter((c) => c.channel === 'pharmacy').length;
}

// The demo's contacts (one may already be the operator's): closed, so her seats are free for ours.
async function clearQueue(op) {
  assert.equal((await op.post('/api/v1/channels/me/presence', { presence: 'pausa' })).status, 200);
  for (let i = 0; i < 20; i++) {
    const q = (await op.get('/api/v1/channels/queue')).json;
    const open = [...q.mine, ...q.queue].filter((c) => c.state !== 'closed');
    if (!open.length) break;
    for (const c of open) {
      if (c.state !== 'active') await op.post(`/api/v1/channels/contacts/${c.id}/take`, {});
      await op.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    }
  }
}

before(async () => {
  const db = await freshDatabase();
  srv = await startServer({ db: db.url, env: ENV, extraArgs: ['--demo'] });
  [pharmacy, operator, supervisor, admin] = await Promise.all(['pharmacy', 'operator', 'channels_supervisor', 'admin'].map((r) => loginDemo(srv, r)));
  await clearQueue(operator);
  const a = await pharmacyAccount('Farmacia Independiente Antofagasta (prueba)');
  const e = await supervisor.post('/api/v1/pharmacy/enrolments', { institution_id: a.institution.id, name: a.institution.name, comuna: '02101', trained_at: '15-05-2020' });
  assert.equal(e.status, 201, e.text);
  assert.equal(e.json.region, '02');
  otherEnrolment = e.json;
  other = a.client;
  unenrolled = (await pharmacyAccount('Farmacia No Inscrita (prueba)')).client;
});
after(async () => { await srv?.stop(); });

describe('Mascarilla 19: the pharmacy reports, SernamEG follows up', () => {
  test('the pharmacy home item leads to the form, and the form knows her pharmacy', async () => {
    const home = await pharmacy.get('/api/v1/me/home');
    assert.equal(home.status, 200, home.text);
    const item = home.json.items.find((i) => i.link === '/farmacia');
    assert.ok(item, JSON.stringify(home.json.items));
    assert.match(item.title, /Mascarilla 19/);
    const own = await ownReports();
    assert.equal(own.pharmacy.name, 'Farmacia Comunitaria Providencia');
    assert.equal(own.pharmacy.comuna, '13123');
    assert.equal(own.pharmacy.region, '13');
  });

  test('a report becomes a contact in the one queue; taking and closing it moves the status the pharmacy sees', async () => {
    const before = (await ownReports()).items.length;
    const r = await pharmacy.post('/api/v1/pharmacy/reports', form());
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.state, 'waiting');
    assert.equal(r.json.in_queue, true);
    assert.equal(r.json.emergency, undefined);
    assert.ok(r.json.due_at - r.json.at >= 23 * 3600_000, 'a day to call back when she is not in danger');
    // Status only: the pharmacy's answer never carries her name nor how to reach her.
    assert.doesNotMatch(r.text, /Rosa|8765/);
    const c = await queueContact(r.json.ref);
    assert.ok(c, 'the report waits in the operator queue');
    assert.equal(c.urgent, false);
    const whole = await operator.get(`/api/v1/channels/contacts/${c.id}`);
    // The operator reads the contact once it is hers; take it first.
    const t = await operator.post(`/api/v1/channels/contacts/${c.id}/take`, {});
    assert.equal(t.status, 200, t.text);
    const read = await operator.get(`/api/v1/channels/contacts/${c.id}`);
    assert.equal(read.status, 200, read.text);
    assert.match(read.json.opening_text, /Rosa/);
    assert.equal(read.json.comuna_code, '13123');
    assert.match(read.json.opening_text, /\+56 9 8765 4321/);
    assert.match(read.json.opening_text, /después de las 18:00/);
    void whole;
    let status = await pharmacy.get(`/api/v1/pharmacy/reports/${r.json.ref}`);
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.state, 'in_contact');
    assert.equal(status.json.state_label, 'SernamEG la está atendiendo');
    const closed = await operator.post(`/api/v1/channels/contacts/${c.id}/close`, { outcome: 'prueba' });
    assert.equal(closed.status, 200, closed.text);
    status = await pharmacy.get(`/api/v1/pharmacy/reports/${r.json.ref}`);
    assert.equal(status.json.state, 'contacted');
    assert.equal(status.json.state_label, 'Contactada por SernamEG');
    assert.ok(status.json.contacted_at >= r.json.at);
    assert.equal((await ownReports()).items.length, before + 1);
  });

  test('"en peligro ahora": an urgent contact at once and the 133 protocol for the pharmacist', async () => {
    const r = await pharmacy.post('/api/v1/pharmacy/reports', form({ alias: 'Ana', phone: '', in_danger: true, asked_for: '' }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.emergency.call, '133');
    assert.ok(r.json.emergency.steps.some((s) => /133/.test(s)));
    assert.ok(r.json.due_at - r.json.at <= 15 * 60_000, 'an urgent report is due within 15 minutes');
    const c = await queueContact(r.json.ref);
    assert.equal(c.urgent, true);
    // SernamEG's follow-up list shows it, and the operator's home page counts it.
    const f = await operator.get('/api/v1/pharmacy/followups');
    assert.equal(f.status, 200, f.text);
    assert.ok(f.json.items.some((x) => x.ref === r.json.ref && x.in_danger));
    const home = await operator.get('/api/v1/me/home');
    assert.ok(home.json.items.some((i) => i.link === '/farmacia/seguimiento' && i.value >= 1));
    await takeAndClose(r.json.ref);
  });

  test('bad input: a phone in a wrong format, missing fields, unknown fields: 422 and nothing written', async () => {
    const before = (await ownReports()).items.length;
    const queued = await pharmacyContacts();
    for (const phone of ['12345', '+56 9 1234 567', '+54 9 1234 5678 9', '9876-abcd-1', '+56 1 2345 6789'])
      assertApiError(assert, await pharmacy.post('/api/v1/pharmacy/reports', form({ phone })), 422, 'invalid_phone', 'phone');
    assertApiError(assert, await pharmacy.post('/api/v1/pharmacy/reports', form({ alias: '' })), 422, undefined, 'alias');
    const noDanger = form();
    delete noDanger.in_danger;
    assertApiError(assert, await pharmacy.post('/api/v1/pharmacy/reports', noDanger), 422, undefined, 'in_danger');
    assertApiError(assert, await pharmacy.post('/api/v1/pharmacy/reports', form({ safe_contact: '   ' })), 422, undefined, 'safe_contact');
    const unknown = await pharmacy.post('/api/v1/pharmacy/reports', form({ rut: '12.345.678-5' }));
    assert.ok([400, 422].includes(unknown.status), unknown.text);
    assert.equal((await ownReports()).items.length, before);
    assert.equal(await pharmacyContacts(), queued);
    // The accepted spellings of one number all land the same way.
    for (const phone of ['987654321', '+56987654321', '56 9 8765-4321', '(9) 8765 4321']) {
      const ok = await pharmacy.post('/api/v1/pharmacy/reports', form({ phone }));
      assert.equal(ok.status, 201, `${phone}: ${ok.text}`);
      const read = await takeAndClose(ok.json.ref);
      assert.match(read.opening_text, /Teléfono: \+56 9 8765 4321\./, phone);
    }
  });

  test('a pharmacy reporting for another pharmacy is refused, logged, and nothing is written', async () => {
    const before = (await ownReports(other)).items.length;
    const own = (await ownReports()).items.length;
    const queued = await pharmacyContacts();
    const r = await pharmacy.post('/api/v1/pharmacy/reports', form({ pharmacy_id: otherEnrolment.id }));
    assertApiError(assert, r, 403, 'other_pharmacy', 'pharmacy_id');
    assert.equal((await ownReports(other)).items.length, before);
    assert.equal((await ownReports()).items.length, own);
    assert.equal(await pharmacyContacts(), queued);
    const log = await auditEntries(admin, 'action=pharmacy.denied&outcome=denied');
    assert.ok(log.some((e) => e.object === `pharmacy:${otherEnrolment.id}`), JSON.stringify(log.slice(0, 3)));
    // Naming its own enrolment is fine.
    const mine = (await ownReports()).pharmacy.id;
    const ok = await pharmacy.post('/api/v1/pharmacy/reports', form({ pharmacy_id: mine }));
    assert.equal(ok.status, 201, ok.text);
    await takeAndClose(ok.json.ref);
  });

  test('another pharmacy reading a report gets the same 404 as for none, and the read is logged', async () => {
    const r = await pharmacy.post('/api/v1/pharmacy/reports', form({ alias: 'Luz' }));
    assert.equal(r.status, 201, r.text);
    const theirs = await other.get(`/api/v1/pharmacy/reports/${r.json.ref}`);
    const none = await other.get('/api/v1/pharmacy/reports/no-existe-este-reporte');
    assertApiError(assert, theirs, 404, 'not_found');
    assertApiError(assert, none, 404, 'not_found');
    assert.equal(theirs.json.message, none.json.message);
    assert.ok(!(await ownReports(other)).items.some((x) => x.ref === r.json.ref), 'nor in its list');
    const log = await auditEntries(admin, 'action=pharmacy.denied&outcome=denied');
    assert.ok(log.some((e) => e.object === `pharmacy_report:${r.json.ref}` && e.detail === 'otra farmacia'), JSON.stringify(log.slice(0, 3)));
    // The owner reads it; the other pharmacy's own report works for it.
    assert.equal((await pharmacy.get(`/api/v1/pharmacy/reports/${r.json.ref}`)).status, 200);
    const o = await other.post('/api/v1/pharmacy/reports', form({ alias: 'Eva' }));
    assert.equal(o.status, 201, o.text);
    assert.equal(o.json.state, 'waiting');
    assertApiError(assert, await pharmacy.get(`/api/v1/pharmacy/reports/${o.json.ref}`), 404, 'not_found');
    assert.equal((await takeAndClose(o.json.ref)).comuna_code, '02101');
    await takeAndClose(r.json.ref);
  });

  test('a pharmacy that is not enrolled is told so; other roles may not report; a pharmacy may not see territories', async () => {
    assertApiError(assert, await unenrolled.post('/api/v1/pharmacy/reports', form()), 403, 'not_enrolled');
    assert.equal((await ownReports(unenrolled)).pharmacy, null);
    assert.equal((await operator.post('/api/v1/pharmacy/reports', form())).status, 403);
    assert.equal((await pharmacy.get('/api/v1/pharmacy/overview?year=2020')).status, 403);
    assert.equal((await pharmacy.get('/api/v1/pharmacy/followups')).status, 403);
    assert.equal((await pharmacy.post('/api/v1/pharmacy/enrolments', { name: 'Yo misma', comuna: '13123' })).status, 403);
  });

  test('enrolment: a RUT with a wrong check digit and a phone in a wrong format are refused per field; good ones are kept normalised', async () => {
    // In Santiago: the demo's seed counts (Antofagasta, Tarapacá, Aysén) stay as they are.
    const name = `Farmacia Validada ${uniq()}`;
    assertApiError(assert, await supervisor.post('/api/v1/pharmacy/enrolments', { name, comuna: '13101', rut: '76.123.456-K' }), 422, 'invalid_rut', 'rut');
    assertApiError(assert, await supervisor.post('/api/v1/pharmacy/enrolments', { name, comuna: '13101', phone: '55 123' }), 422, 'invalid_phone', 'phone');
    assertApiError(assert, await supervisor.post('/api/v1/pharmacy/enrolments', { name, comuna: '99999', phone: '552123456' }), 422, undefined, 'comuna');
    const ok = await supervisor.post('/api/v1/pharmacy/enrolments', { name, comuna: '13101', rut: '76123456-0', phone: '2 2212 3456', address: 'Av. Libertador Bernardo O\'Higgins 1234, Santiago' });
    // 76.123.456's check digit is 0 (módulo 11); the refused attempts wrote nothing (else: 409 here).
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.rut, '76.123.456-0');
    assert.equal(ok.json.phone, '+56 2 2212 3456');
    assert.equal(ok.json.address, 'Av. Libertador Bernardo O\'Higgins 1234, Santiago');
  });

  test('enrolment: an unknown comuna, a duplicate and a wrong date are refused', async () => {
    assertApiError(assert, await supervisor.post('/api/v1/pharmacy/enrolments', { name: 'Farmacia X', comuna: '99999' }), 422, undefined, 'comuna');
    assertApiError(assert, await supervisor.post('/api/v1/pharmacy/enrolments', { name: 'Farmacia Y', comuna: '02101', trained_at: '31-02-2020' }), 422, undefined, 'trained_at');
    assertApiError(assert, await supervisor.post('/api/v1/pharmacy/enrolments', { institution_id: otherEnrolment.id && (await ownReports(other)).pharmacy.id ? undefined : 0, name: otherEnrolment.name, comuna: '02101' }), 409, 'already_enrolled');
  });
});

describe('Mascarilla 19 in the demo data: counted from records, equal to the seed', () => {
  test('73 requests in 2020, each contacted; 63 pharmacies in Antofagasta, 22 in Tarapacá, 9 in Aysén', async () => {
    const r = await supervisor.get('/api/v1/pharmacy/overview?year=2020');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.activations, 73);
    assert.equal(r.json.contacted, 73);
    const region = (code) => r.json.regions.find((x) => x.code === code);
    // The test made one more pharmacy in Antofagasta; the demo's own are marked demo.
    assert.equal(region('02').enrolled - 1, 63);
    assert.equal(region('01').enrolled, 22);
    assert.equal(region('11').enrolled, 9);
    assert.equal(region('01').comunas.find((c) => c.code === '01101').enrolled, 14);
    assert.equal(region('01').comunas.find((c) => c.code === '01107').enrolled, 6);
    assert.match(region('01').name, /Tarapacá/);
    assert.ok(r.json.regions.reduce((n, x) => n + x.activations, 0) === 73);
    for (const s of r.json.seed) {
      const extra = s.region === '02' ? 1 : 0;
      assert.equal(s.computed - extra, s.seed, `${s.what}: computed ${s.computed}, seed ${s.seed} (${s.source})`);
    }
    // Another year counts other records.
    const y21 = await supervisor.get('/api/v1/pharmacy/overview?year=2021');
    assert.equal(y21.status, 200);
    assert.ok(y21.json.activations > 0 && y21.json.activations !== 73);
    assertApiError(assert, await supervisor.get('/api/v1/pharmacy/overview?year=dos-mil'), 422, undefined, 'year');
  });
});

describe('Mascarilla 19 outside the line\'s opening hours', () => {
  let closed;
  after(async () => { await closed?.stop(); });
  test('the report is accepted and kept, waiting for the queue to open; nothing is lost', async () => {
    // A day of the week that is not today in Santiago: the queue refuses every contact now.
    const names = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
    const today = names[new Intl.DateTimeFormat('en-US', { timeZone: 'America/Santiago', weekday: 'short' }).format(new Date())];
    const other = (today % 7) + 1;
    const db = await freshDatabase();
    closed = await startServer({ db: db.url, env: { EQ_CHANNELS_HOURS: `${other}-${other} 08:00-09:00` }, extraArgs: ['--demo'] });
    const [p, op] = await Promise.all([loginDemo(closed, 'pharmacy'), loginDemo(closed, 'operator')]);
    const r = await p.post('/api/v1/pharmacy/reports', form({ in_danger: true }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.in_queue, false);
    assert.equal(r.json.state, 'waiting');
    assert.equal(r.json.emergency.call, '133', 'the pharmacist is told to call 133 whatever the line\'s hours');
    const f = await op.get('/api/v1/pharmacy/followups');
    assert.ok(f.json.items.some((x) => x.ref === r.json.ref && x.in_danger && !x.in_queue), JSON.stringify(f.json.items));
    assert.equal((await p.get(`/api/v1/pharmacy/reports/${r.json.ref}`)).json.state_label, 'En espera de contacto de SernamEG');
  });
});

describe('Mascarilla 19: a report past its deadline without closure escalates', () => {
  let esc;
  after(async () => { await esc?.stop(); });
  test('to the supervision once, then to the second level once; closing stops it; audited', async () => {
    const db = await freshDatabase();
    // Deadlines of seconds and a sweep every second, so the escalation job runs while we watch; wide
    // enough that closing a report in time stays in time on a loaded machine.
    esc = await startServer({
      db: db.url,
      extraArgs: ['--demo'],
      env: { ...ENV, EQ_SWEEP_SECONDS: '1', EQ_PHARMACY_FOLLOWUP_SECONDS: '4', EQ_PHARMACY_URGENT_SECONDS: '1', EQ_PHARMACY_SECOND_LEVEL_SECONDS: '8' },
    });
    const [p, op, sup, adm] = await Promise.all(['pharmacy', 'operator', 'channels_supervisor', 'admin'].map((r) => loginDemo(esc, r)));
    await clearQueue(op);
    const report = async (extra) => {
      const r = await p.post('/api/v1/pharmacy/reports', form(extra));
      assert.equal(r.status, 201, r.text);
      return r.json.ref;
    };
    const open = await report({ alias: 'Abierta' }); // nobody calls her: level 1, then level 2
    const closedEarly = await report({ alias: 'A tiempo' }); // closed before its deadline: never escalates
    const closedLate = await report({ alias: 'Tarde', in_danger: true }); // escalated once, then closed: stops there
    await takeAndClose(closedEarly, op);
    const escalations = async () => {
      const r = await sup.get('/api/v1/pharmacy/escalations');
      assert.equal(r.status, 200, r.text);
      return Object.fromEntries(r.json.items.map((x) => [x.ref, x]));
    };
    const until = async (what, ok) => {
      for (let i = 0; i < 150; i++) {
        const e = await escalations();
        if (ok(e)) return e;
        await new Promise((res) => setTimeout(res, 200));
      }
      assert.fail(`timed out waiting for ${what}: ${JSON.stringify(await escalations())}`);
    };
    let e = await until('level 1', (x) => x[open]?.escalation >= 1 && x[closedLate]?.escalation >= 1);
    assert.equal(e[closedEarly], undefined, 'closed before its deadline');
    assert.equal(e[closedLate].escalation_label, 'Escalada a supervisión 1455');
    assert.ok(e[closedLate].overdue_ms > 0);
    // The supervisor's home: an item with the time overdue, leading to the follow-up screen.
    const home = await sup.get('/api/v1/me/home');
    const item = home.json.items.find((i) => i.title === 'Activaciones «Mascarilla 19» escaladas');
    assert.ok(item, JSON.stringify(home.json.items));
    assert.equal(item.link, '/farmacia/seguimiento');
    assert.ok(item.value >= 2);
    assert.match(item.detail, /vencida hace \d+ min/);
    // An operator without supervision does not get it; a pharmacy may not list escalations.
    assert.ok(!(await op.get('/api/v1/me/home')).json.items.some((i) => i.title === item.title));
    assert.equal((await p.get('/api/v1/pharmacy/escalations')).status, 403);
    await takeAndClose(closedLate, op);
    e = await until('level 2', (x) => x[open]?.escalation === 2);
    assert.equal(e[open].escalation_label, 'Escalada al segundo nivel (coordinación nacional)');
    assert.equal(e[closedLate], undefined, 'closing takes it off the escalations');
    // Several more sweeps: nothing escalates again.
    await new Promise((res) => setTimeout(res, 5000));
    const log = await auditEntries(adm, 'action=pharmacy.escalate');
    const of = (ref) => log.filter((x) => x.object === `pharmacy_report:${ref}`);
    assert.deepEqual(of(open).map((x) => x.detail.slice(0, 7)).sort(), ['nivel 1', 'nivel 2']);
    assert.equal(of(closedLate).length, 1, JSON.stringify(of(closedLate)));
    assert.match(of(closedLate)[0].detail, /en peligro ahora/);
    assert.equal(of(closedEarly).length, 0);
    assert.equal((await escalations())[open].escalation, 2);
  });
});
