// The case registry over real HTTP, on the demo data: two case workers of different institutions
// (Centro de la Mujer Santiago and Carabineros), linkage, need-to-know, emergency access, risk,
// referrals, idempotent and batch submissions, and the bad input the issue lists.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import fs from 'node:fs';
import path from 'node:path';

import { assertApiError, freshDatabase, runCommand, startServer, tempDir } from './harness.mjs';
import { auditEntries, login, loginDemo, runFor, uniq } from './auth_helpers.mjs';

let srv;
let centre; // caso@: Centro de la Mujer Santiago
let police; // policia@: Carabineros de Chile
let admin;
let instrument;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  centre = await loginDemo(srv, 'case_worker');
  police = await login(srv, 'policia@equidad.demo');
  admin = await loginDemo(srv, 'admin');
  instrument = (await centre.get('/api/v1/risk/instrument')).json;
});
after(async () => { await srv?.stop(); });

const iso = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();

// A fictional woman with a unique name, so tests do not meet each other's records.
// Random letters and birth dates keep them far apart for the linkage engine.
const letters = (n) => Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnprstvz'[b % 17] + 'aeiou'[(b >> 4) % 5]).join('');
const cap = (w) => w[0].toUpperCase() + w.slice(1);
function newWoman(extra = {}) {
  const day = 1 + crypto.randomInt(28);
  const month = 1 + crypto.randomInt(12);
  const pad = (n) => String(n).padStart(2, '0');
  return {
    given_names: cap(letters(4)), surname1: cap(letters(4)), surname2: cap(letters(3)),
    birth_date: `${pad(day)}-${pad(month)}-${1960 + crypto.randomInt(45)}`, sex: 'F', comuna_id: '13101', ...extra,
  };
}
const contact = (persons, daysAgo = 1, extra = {}) => ({
  kind: 'contact', occurred_at: iso(daysAgo), comuna_id: '13101', consent_statistics: true, persons,
  details: { channel: 'linea_1455', summary: 'Relato de prueba.' }, ...extra,
});
async function post(client, body, headers = {}) { return client.post('/api/v1/cases/records', body, { headers }); }
function answersLow() {
  const a = {};
  for (const item of instrument.items) a[item.id] = item.answers[0].id;
  return a;
}
async function institutionIdOf(client, name) {
  const r = await client.get('/api/v1/cases/institutions');
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((i) => i.name === name).id;
}

describe('search and linkage', () => {
  test('finds the demo woman despite typos and without accents', async () => {
    const r = await centre.get(`/api/v1/cases/persons?given_names=${encodeURIComponent('Ana Maria')}&surname1=Sotto&birth_date=14-03-1991`);
    assert.equal(r.status, 200, r.text);
    const ana = r.json.items[0];
    assert.ok(ana, 'no result');
    assert.equal(ana.identity.name, 'Ana María Soto Vergara');
    assert.ok(['probable', 'posible'].includes(ana.match));
    const byRun = await centre.get('/api/v1/cases/persons?run=19.876.543-1');
    assert.equal(byRun.status, 200);
    // The demo built her RUN with its right check digit; a search needs it exactly.
    assertApiError(assert, await centre.get('/api/v1/cases/persons'), 400, 'missing_query');
  });

  test('a second record of the same woman (no RUN, no accents) links to her automatically; the link can be undone', async () => {
    const w = newWoman({ run: runFor(17_000_000 + (Date.now() % 900_000)) });
    const first = await post(centre, contact([{ role: 'victim', identity: w }], 5));
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.linkage[0].linkage.decision, 'new');
    const pid = first.json.linkage[0].person_id;
    const { run, ...noRun } = w;
    const second = await post(police, contact([{ role: 'victim', identity: { ...noRun, given_names: w.given_names.toLowerCase() } }], 2));
    assert.equal(second.status, 201, second.text);
    assert.equal(second.json.linkage[0].linkage.decision, 'link', JSON.stringify(second.json.linkage));
    assert.equal(second.json.linkage[0].person_id, pid);
    const third = await post(police, contact([{ role: 'victim', identity: { run } }], 1));
    assert.equal(third.json.linkage[0].person_id, pid, 'a valid RUN is an exact key');
    assert.equal(third.json.linkage[0].linkage.exact_run, true);

    const person = await police.get(`/api/v1/cases/persons/${pid}`);
    const auto = person.json.links.find((l) => l.kind === 'auto');
    assert.ok(auto, 'the automatic link is listed');
    assertApiError(assert, await centre.post(`/api/v1/cases/links/${auto.id}/undo`, { reason: 'No es la misma persona, lo confirmó por teléfono.' }), 404);
    const undo = await police.post(`/api/v1/cases/links/${auto.id}/undo`, { reason: 'No es la misma persona, lo confirmó por teléfono.' });
    assert.equal(undo.status, 200, undo.text);
    assert.notEqual(undo.json.person_id, pid);
    const again = await police.post(`/api/v1/cases/links/${auto.id}/undo`, { reason: 'No es la misma persona, lo confirmó por teléfono.' });
    assertApiError(assert, again, 409, 'already_undone');
    const split = await police.get(`/api/v1/cases/persons/${undo.json.person_id}`);
    assert.equal(split.json.timeline.length, 1, 'the split person keeps the record that was linked');
  });

  test('a RUN with a wrong check digit, marked as informed but unverified, is kept as an attribute, never as an exact key', async () => {
    const good = runFor(16_000_000 + (Date.now() % 900_000));
    const bad = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    // Without the mark it is refused (cases_run_check.test.mjs).
    const r = await post(centre, contact([{ role: 'victim', identity: newWoman({ run: bad }), run_unverified: true }]));
    assert.equal(r.status, 201, r.text);
    const pid = r.json.linkage[0].person_id;
    const p = await centre.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(p.json.identity.run_valid, false);
    // Someone else typed with the same invalid RUN is not glued to her by that number.
    const other = await post(centre, contact([{ role: 'victim', identity: newWoman({ run: bad, comuna_id: '05101' }), run_unverified: true }]));
    assert.equal(other.status, 201, other.text);
    assert.notEqual(other.json.linkage[0].person_id, pid);
    assert.notEqual(other.json.linkage[0].linkage.exact_run, true);
  });
});

describe('bad input leaves nothing behind', () => {
  test('impossible and future dates, unknown person, unknown institution, unknown comuna', async () => {
    assertApiError(assert, await post(centre, contact([{ role: 'victim', identity: newWoman({ birth_date: '31-02-1990' }) }])), 422, 'invalid_date',
      'persons[0].identity.birth_date');
    assertApiError(assert, await post(centre, contact([{ role: 'victim', identity: newWoman({ birth_date: '01-01-2090' }) }])), 422, 'invalid_date',
      'persons[0].identity.birth_date');
    assertApiError(assert, await post(centre, { ...contact([{ role: 'victim', identity: newWoman() }]), occurred_at: '2026-13-01T00:00:00Z' }), 422, undefined, 'occurred_at');
    assertApiError(assert, await post(centre, contact([{ role: 'victim', person_id: 99_999_999 }])), 422, 'unknown_person', 'persons[0].person_id');
    assertApiError(assert, await post(centre, contact([{ role: 'victim', identity: newWoman({ comuna_id: '99999' }) }])), 422, 'unknown_comuna',
      'persons[0].identity.comuna_id');
    const w = newWoman();
    const ref = {
      kind: 'referral', occurred_at: iso(0), persons: [{ role: 'victim', identity: w }],
      details: { to_institution_id: 99_999, consent: true, reason: 'Requiere patrocinio judicial.' },
    };
    assertApiError(assert, await post(centre, ref), 422, 'unknown_institution', 'details.to_institution_id');
    assertApiError(assert, await post(centre, { ...ref, details: { ...ref.details, to_institution_id: await institutionIdOf(centre, 'Carabineros de Chile'), consent: false } }),
      422, 'consent_required', 'details.consent');
    // None of the rejected submissions created the woman.
    const s = await centre.get(`/api/v1/cases/persons?given_names=${w.given_names}&surname1=${w.surname1}`);
    assert.ok(!s.json.items.some((i) => i.identity.given_names === w.given_names), 'a rejected record left a person behind');
    assertApiError(assert, await post(centre, { ...contact([{ role: 'victim', identity: newWoman() }]), kind: 'rumour' }), 422, 'invalid_kind', 'kind');
    assertApiError(assert, await post(centre, { ...contact([{ role: 'victim', identity: newWoman() }]), extra: 1 }), 422, 'unknown_field', 'extra');
  });

  test('the same submission twice is stored once (Idempotency-Key); the key with another body is refused', async () => {
    const key = `it-${uniq()}`;
    const body = contact([{ role: 'victim', identity: newWoman() }]);
    const a = await post(centre, body, { 'Idempotency-Key': key });
    assert.equal(a.status, 201, a.text);
    const b = await post(centre, body, { 'Idempotency-Key': key });
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.id, a.json.id);
    assert.equal(b.json.replayed, true);
    assertApiError(assert, await post(centre, { ...body, occurred_at: iso(3) }, { 'Idempotency-Key': key }), 409, 'idempotency_conflict');
  });

  test('a batch from an institution system (API token) answers per record and is idempotent', async () => {
    const withDb = ['--db', srv.dbUrl];
    const added = await runCommand(['token', 'add', '--name', 'sistema policial', '--user', 'policia@equidad.demo', '--scope', 'cases.write', ...withDb]);
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim().split('\n').pop();
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const k = uniq();
    const records = [
      { idempotency_key: `${k}-1`, ...contact([{ role: 'victim', identity: newWoman() }]) },
      { idempotency_key: `${k}-2`, ...contact([{ role: 'victim', identity: newWoman({ birth_date: '30-02-1980' }) }]) },
      { idempotency_key: `${k}-3`, ...contact([{ role: 'victim', identity: newWoman() }]) },
    ];
    const r = await srv.request('POST', '/api/v1/cases/batches', { body: { records }, headers: auth });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.created, r.json.rejected], [2, 1]);
    assert.equal(r.json.results[1].status, 422);
    assert.equal(r.json.results[1].error.field, 'persons[0].identity.birth_date');
    const again = await srv.request('POST', '/api/v1/cases/batches', { body: { records }, headers: auth });
    assert.deepEqual([again.json.created, again.json.replayed, again.json.rejected], [0, 2, 1]);
    assert.equal(again.json.results[0].record_id, r.json.results[0].record_id);
    const big = await srv.request('POST', '/api/v1/cases/batches', { body: { records: [] }, headers: auth });
    assertApiError(assert, big, 422, 'invalid_size', 'records');
  });
});

describe('need-to-know between institutions', () => {
  test("another institution sees only the shared minimum of a person's records; an emergency access opens them, audited and notified", async () => {
    const w = newWoman({ run: runFor(18_000_000 + (Date.now() % 900_000)) });
    const own = await post(centre, contact([{ role: 'victim', identity: w }], 3));
    assert.equal(own.status, 201, own.text);
    const pid = own.json.linkage[0].person_id;
    const rid = own.json.id;

    const denied = await police.get(`/api/v1/cases/records/${rid}`);
    assertApiError(assert, denied, 403, 'need_to_know');
    // Not by number: through a search with enough identifying data (cases_attacks.test.mjs tries the rest).
    assertApiError(assert, await police.get(`/api/v1/cases/persons/${pid}`), 404);
    const found = await police.get(`/api/v1/cases/persons?run=${encodeURIComponent(w.run)}`);
    assert.ok(found.json.items.some((i) => i.person_id === pid), found.text);
    const view = await police.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(view.status, 200, view.text);
    assert.equal(view.json.served_by_my_institution, false);
    const rec = view.json.timeline.find((x) => x.id === rid);
    assert.equal(rec.masked, true);
    assert.equal(rec.details, undefined, 'details of another institution must not travel');
    assert.equal(view.json.identity.phone, undefined);
    assertApiError(assert, await police.get(`/api/v1/cases/persons/${pid}/access-log`), 403, 'need_to_know');

    assertApiError(assert, await police.post(`/api/v1/cases/persons/${pid}/emergency-access`, { reason: 'urgente' }), 422, 'too_short', 'reason');
    const grant = await police.post(`/api/v1/cases/persons/${pid}/emergency-access`,
      { reason: 'Llamado de emergencia en curso: se necesita el historial para proteger a la víctima.' });
    assert.equal(grant.status, 201, grant.text);
    const full = await police.get(`/api/v1/cases/records/${rid}`);
    assert.equal(full.status, 200, full.text);
    assert.equal(full.json.details.summary, 'Relato de prueba.');

    const notes = await centre.get('/api/v1/cases/notifications');
    assert.ok(notes.json.items.some((n) => n.person_id === pid && n.kind === 'emergency_access'), 'owning institution notified');
    const log = await centre.get(`/api/v1/cases/persons/${pid}/access-log`);
    assert.equal(log.status, 200, log.text);
    assert.ok(log.json.items.some((e) => e.institution === 'Carabineros de Chile' && e.action === 'view'));
    assert.match(log.json.emergency_accesses[0].reason, /Llamado de emergencia/);

    const audit = await auditEntries(admin, 'action=case.');
    assert.ok(audit.some((e) => e.action === 'case.record_read' && e.outcome === 'denied' && e.object === `case_record:${rid}`));
    assert.ok(audit.some((e) => e.action === 'case.emergency_access' && e.object === `case_person:${pid}`));
    assert.ok(audit.some((e) => e.action === 'case.person_read' && e.object === `case_person:${pid}`));
    assert.ok(!JSON.stringify(audit).includes(w.given_names), 'names never reach the audit log');
  });
});

describe('risk, referrals and alerts', () => {
  test('the computed level may be raised with a reason, never lowered; a vital level raises a critical alert', async () => {
    const w = newWoman();
    const base = { kind: 'risk_assessment', occurred_at: iso(0), persons: [{ role: 'victim', identity: w }] };
    const all = {};
    for (const item of instrument.items) all[item.id] = item.answers[item.answers.length - 1].id; // the worst answer of each item
    const high = await post(centre, { ...base, details: { answers: all } });
    assert.equal(high.status, 201, high.text);
    assert.ok(['alto', 'vital'].includes(high.json.details.computed_level));
    const pid = high.json.linkage[0].person_id;
    assertApiError(assert, await post(centre, { ...base, persons: [{ role: 'victim', person_id: pid }], details: { answers: all, level: 'bajo' } }),
      422, undefined, 'details.level');
    const raised = await post(centre, { ...base, persons: [{ role: 'victim', person_id: pid }],
      details: { answers: answersLow(), level: 'vital', raise_reason: 'Relata amenaza de muerte con arma de fuego.' } });
    assert.equal(raised.status, 201, raised.text);
    assert.equal(raised.json.details.level, 'vital');
    assert.equal(raised.json.details.raised, true);
    const p = await centre.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(p.json.summary.risk_level, 'vital');
    assert.ok(p.json.summary.open_alerts.some((a) => a.severity === 'critica'), JSON.stringify(p.json.summary.open_alerts));
  });

  test('three contacts in 30 days raise an alert on the third', async () => {
    const run = runFor(14_000_000 + (Date.now() % 900_000));
    const first = await post(centre, contact([{ role: 'victim', identity: newWoman({ run }) }], 20));
    const pid = first.json.linkage[0].person_id;
    // The police identify her by her RUN (by number alone they could not: she is the centre's).
    const second = await post(police, contact([{ role: 'victim', identity: { run } }], 10));
    assert.equal(second.json.linkage[0].person_id, pid, second.text);
    assert.equal(second.json.alerts.filter((a) => /contactos/.test(a.rule)).length, 0);
    const third = await post(centre, contact([{ role: 'victim', person_id: pid }], 1));
    assert.ok(third.json.alerts.some((a) => /contactos/.test(a.rule)), JSON.stringify(third.json.alerts));
  });

  test('a referral reaches the other institution, which acknowledges it and records the first contact', async () => {
    const to = await institutionIdOf(centre, 'Carabineros de Chile');
    const r = await post(centre, {
      kind: 'referral', occurred_at: iso(0), persons: [{ role: 'victim', identity: newWoman({ phone: '+56 9 5555 1234' }) }],
      details: { to_institution_id: to, consent: true, reason: 'Necesita medidas de protección.' },
    });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.details.ack_due_at > Date.now(), 'the deadline is computed by the system');
    const inbox = await police.get('/api/v1/cases/referrals?direction=in');
    const item = inbox.json.items.find((x) => x.id === r.json.id);
    assert.ok(item, 'in the receiving inbox');
    assert.equal(item.state, 'pendiente');
    assert.equal(item.victim.phone, '+56 9 5555 1234', 'the receiving institution can call her (she consented)');
    assertApiError(assert, await centre.post(`/api/v1/cases/referrals/${r.json.id}/acknowledge`, {}), 404);
    assertApiError(assert, await police.post(`/api/v1/cases/referrals/${r.json.id}/first-contact`, {}), 409, 'not_acknowledged');
    assert.equal((await police.post(`/api/v1/cases/referrals/${r.json.id}/acknowledge`, {})).status, 200);
    assertApiError(assert, await police.post(`/api/v1/cases/referrals/${r.json.id}/acknowledge`, {}), 409, 'already_acknowledged');
    assert.equal((await police.post(`/api/v1/cases/referrals/${r.json.id}/first-contact`, {})).status, 200);
    const out = await centre.get('/api/v1/cases/referrals?direction=out');
    assert.equal(out.json.items.find((x) => x.id === r.json.id).state, 'contactada');
  });

  test('referrals past a deadline are counted for the operations alert, on the reserved metrics only', async () => {
    const overdue = async () => {
      const r = await admin.get('/api/v1/system/metrics');
      assert.equal(r.status, 200, r.text);
      const m = /^equidad_referrals_overdue (\d+)$/m.exec(r.text);
      assert.ok(m, `gauge missing:\n${r.text}`);
      return Number(m[1]);
    };
    const before = await overdue();
    assert.doesNotMatch((await srv.request('GET', '/metrics')).text, /referrals_overdue/, 'not on the public /metrics');
    assert.equal((await centre.get('/api/v1/system/metrics')).status, 403, 'a case worker may not read it');
    // Made ten days ago: both the acknowledgement and the first-contact deadlines have passed.
    const to = await institutionIdOf(centre, 'Carabineros de Chile');
    const r = await post(centre, {
      kind: 'referral', occurred_at: iso(10), persons: [{ role: 'victim', identity: newWoman() }],
      details: { to_institution_id: to, consent: true, reason: 'Derivación antigua sin respuesta.' },
    });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.details.ack_due_at < Date.now());
    assert.equal(await overdue(), before + 1, 'not acknowledged in time');
    assert.equal((await police.post(`/api/v1/cases/referrals/${r.json.id}/acknowledge`, {})).status, 200);
    assert.equal(await overdue(), before + 1, 'acknowledged, but the first contact is late too');
    assert.equal((await police.post(`/api/v1/cases/referrals/${r.json.id}/first-contact`, {})).status, 200);
    assert.equal(await overdue(), before, 'done: no longer counted');
  });

  test('statistics count consented records only and hide small cells', async () => {
    const r = await centre.get('/api/v1/cases/statistics');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.by_month.length > 0);
    for (const row of [...r.json.by_month, ...r.json.by_comuna])
      for (const v of Object.values(row.counts)) assert.ok(v === null || v >= 5, `small cell published: ${v}`);
    // The demo raised alerts this month from consented records: they are counted, small cells hidden.
    assert.ok(r.json.alerts.length > 0, JSON.stringify(r.json.alerts));
    for (const a of r.json.alerts) assert.ok(a.count === null || a.count >= 5);
    assertApiError(assert, await centre.get('/api/v1/cases/statistics?from=2026-13'), 400, 'invalid_parameter', 'from');
  });
});

describe('home pages', () => {
  test("a case worker's home shows the registry's work; the 1455 operator sees alerts of the whole country", async () => {
    const home = await police.get('/api/v1/me/home');
    assert.equal(home.status, 200, home.text);
    const titles = home.json.items.map((i) => i.title);
    assert.ok(titles.includes('Derivaciones con plazo vencido'), titles.join(' | '));
    assert.ok(titles.includes('Alertas críticas sin tomar'), titles.join(' | '));
    const operator = await loginDemo(srv, 'operator');
    const op = await operator.get('/api/v1/me/home');
    const fresh = op.json.items.find((i) => i.title === 'Alertas nuevas');
    assert.ok(fresh && fresh.value > 0, JSON.stringify(op.json.items));
    const inbox = await operator.get('/api/v1/alerts');
    assert.equal(inbox.status, 200, inbox.text);
    assert.ok(inbox.json.total > 0, 'the control centre sees alerts of institutions it does not belong to');
  });
});

describe('key rotation', () => {
  test('`equidad keys rotate` re-encrypts every identifying field; the registry reads them with the new key only', async () => {
    const db = await freshDatabase();
    const keys = tempDir('equidad-it-keys-');
    const keyFile = path.join(keys.dir, 'equidad.key');
    const args = ['--keys', keyFile];
    try {
      let s = await startServer({ db: db.url, extraArgs: ['--demo', ...args] });
      // Recorded through an API token, so policia@ spends her TOTP step only after the rotation.
      const added = await runCommand(['token', 'add', '--name', 'rotación', '--user', 'policia@equidad.demo', '--scope', 'cases.write', '--db', db.url, ...args]);
      assert.equal(added.code, 0, added.stderr);
      const token = added.stdout.trim().split('\n').pop();
      const w = newWoman({ run: runFor(15_000_000 + crypto.randomInt(900_000)), phone: '+56 9 8888 7777' });
      const r = await s.request('POST', '/api/v1/cases/records', { body: contact([{ role: 'victim', identity: w }]),
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } });
      assert.equal(r.status, 201, r.text);
      const pid = r.json.linkage[0].person_id;
      await s.stop();
      const before = fs.readFileSync(keyFile, 'utf8');

      const rotated = await runCommand(['keys', 'rotate', '--db', db.url, ...args]);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.notEqual(fs.readFileSync(keyFile, 'utf8'), before, 'a new key was written');
      const retired = fs.readdirSync(keys.dir).filter((f) => f.startsWith('equidad.key.retired-'));
      assert.equal(retired.length, 1, 'the old key is kept for old backups');
      assert.equal(fs.readFileSync(path.join(keys.dir, retired[0]), 'utf8'), before);

      s = await startServer({ db: db.url, extraArgs: args });
      try {
        const c = await login(s, 'policia@equidad.demo'); // TOTP secrets were re-encrypted too
        const p = await c.get(`/api/v1/cases/persons/${pid}`);
        assert.equal(p.status, 200, p.text);
        assert.equal(p.json.identity.phone, w.phone);
        const found = await c.get(`/api/v1/cases/persons?run=${w.run}`);
        assert.equal(found.json.items[0]?.match, 'exacta', 'blind indexes were recomputed under the new key');
        const verify = await runCommand(['audit', 'verify', '--db', db.url, ...args]);
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      } finally {
        await s.stop();
      }
      // With the retired key the data no longer opens.
      fs.copyFileSync(path.join(keys.dir, retired[0]), keyFile);
      const old = await startServer({ db: db.url, extraArgs: args }).catch((e) => e);
      assert.ok(old instanceof Error, 'the server must refuse to start with a key that cannot open the data');
      assert.match(old.message, /descifrar|decrypt/);
    } finally {
      await db.cleanup();
      keys.cleanup();
    }
  });
});
