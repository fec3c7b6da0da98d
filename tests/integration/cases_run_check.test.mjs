// A RUN with a wrong check digit at entry (issue 12): refused with its field unless marked as
// informed but unverified, leaving nothing behind; the likely existing person is found by the
// same number with its right check digit through the ordinary search, which shows another
// institution's woman only masked (issue 11's need-to-know). Audit action names are served.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { login, loginDemo, runFor } from './auth_helpers.mjs';

// caso@ works at the Centro de la Mujer Santiago, policia@ at Carabineros de Chile.
let srv, centre, police, admin;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  [centre, police, admin] = [await loginDemo(srv, 'case_worker'), await login(srv, 'policia@equidad.demo'), await loginDemo(srv, 'admin')];
});
after(async () => { await srv?.stop(); });

const letters = (n) => Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnprstvz'[b % 17] + 'aeiou'[(b >> 4) % 5]).join('');
const cap = (w) => w[0].toUpperCase() + w.slice(1);
const newWoman = (extra = {}) => ({
  given_names: cap(letters(4)), surname1: cap(letters(4)), surname2: cap(letters(3)),
  birth_date: `0${1 + crypto.randomInt(9)}-0${1 + crypto.randomInt(9)}-${1960 + crypto.randomInt(45)}`, sex: 'F', comuna_id: '13101',
  phone: `+56 9 ${String(10_000_000 + crypto.randomInt(89_999_999))}`, address: `Pasaje ${cap(letters(3))} ${crypto.randomInt(999)}`, ...extra,
});
const contact = (persons) => ({
  kind: 'contact', occurred_at: new Date(Date.now() - 86_400_000).toISOString(), comuna_id: '13101', consent_statistics: true, persons,
  details: { channel: 'linea_1455', summary: 'Relato de prueba.' },
});
const post = (client, body) => client.post('/api/v1/cases/records', body);
let seq = 0;
const freshRun = () => runFor(24_000_000 + (Date.now() % 500_000) * 10 + (seq++ % 10)); // above the demo's RUNs
const wrongDigit = (run) => run.slice(0, -1) + (run.endsWith('0') ? '1' : '0');
const search = (client, q) => client.get(`/api/v1/cases/persons?${new URLSearchParams(q)}`);

describe('a RUN with a wrong check digit at entry', () => {
  test('is refused with its field and a Spanish reason, and nothing is written', async () => {
    const w = newWoman({ run: wrongDigit(freshRun()) });
    const r = await post(centre, contact([{ role: 'victim', identity: w }]));
    assertApiError(assert, r, 422, 'run_check_digit', 'persons[0].identity.run');
    assert.match(r.json.error.message, /El dígito verificador no corresponde a este RUN; revise el número/);
    assert.match(r.json.error.message, /RUN informado sin verificar/);
    // Refused as a whole: no file for her, even when she is the second person of the record.
    const second = await post(centre, contact([{ role: 'victim', identity: newWoman() }, { role: 'aggressor', identity: { ...newWoman(), run: w.run } }]));
    assertApiError(assert, second, 422, 'run_check_digit', 'persons[1].identity.run');
    const found = await search(centre, { given_names: w.given_names, surname1: w.surname1, birth_date: w.birth_date });
    assert.equal(found.status, 200, found.text);
    assert.deepEqual(found.json.items.filter((i) => i.identity.name.startsWith(w.given_names)), [], 'nothing was written');
  });

  test('a malformed RUN is refused too, with what is wrong', async () => {
    const r = await post(centre, contact([{ role: 'victim', identity: newWoman({ run: '12.34a.678-5' }) }]));
    assertApiError(assert, r, 422, 'invalid_rut', 'persons[0].identity.run');
  });

  test('marked "RUN informado sin verificar" it is kept as typed, never as an exact key', async () => {
    const bad = wrongDigit(freshRun());
    const r = await post(centre, contact([{ role: 'victim', identity: newWoman({ run: bad }), run_unverified: true }]));
    assert.equal(r.status, 201, r.text);
    const p = await centre.get(`/api/v1/cases/persons/${r.json.linkage[0].person_id}`);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.identity.run, bad);
    assert.equal(p.json.identity.run_valid, false);
    // The mark is a boolean and nothing else.
    assertApiError(assert, await post(centre, contact([{ role: 'victim', identity: newWoman({ run: bad }), run_unverified: 'sí' }])), 422,
      'invalid_type', 'persons[0].run_unverified');
    // A valid RUN needs no mark, and the mark does not change how it is used (an exact key).
    const good = freshRun();
    const ok = await post(centre, contact([{ role: 'victim', identity: newWoman({ run: good }), run_unverified: true }]));
    assert.equal(ok.status, 201, ok.text);
    const again = await post(centre, contact([{ role: 'victim', identity: newWoman({ run: good }) }]));
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.linkage[0].person_id, ok.json.linkage[0].person_id);
    assert.equal(again.json.linkage[0].linkage.exact_run, true);
  });
});

describe('the likely existing person', () => {
  test('is found by the same number with its right check digit, within need-to-know', async () => {
    const run = freshRun();
    const w = newWoman({ run });
    const r = await post(centre, contact([{ role: 'victim', identity: w }]));
    assert.equal(r.status, 201, r.text);
    const pid = r.json.linkage[0].person_id;

    // What the form asks when the worker typed the wrong digit: the RUN with the right one.
    const mine = await search(centre, { run });
    assert.equal(mine.status, 200, mine.text);
    const hit = mine.json.items.find((i) => i.person_id === pid);
    assert.ok(hit, mine.text);
    assert.equal(hit.match, 'exacta');
    assert.equal(hit.served_by_my_institution, true);

    // Another institution gets the same person, but only what its search shows: no RUN, phone or address.
    const theirs = await search(police, { run });
    assert.equal(theirs.status, 200, theirs.text);
    const masked = theirs.json.items.find((i) => i.person_id === pid);
    assert.ok(masked, theirs.text);
    assert.equal(masked.served_by_my_institution, false);
    for (const leak of [w.run, w.phone, w.address]) assert.ok(!theirs.text.includes(leak), `search leaked ${leak}`);

    // The wrong digit alone is never an exact key: it does not return her as "exacta".
    const typo = await search(police, { run: wrongDigit(run) });
    assert.equal(typo.status, 200, typo.text);
    assert.ok(!typo.json.items.some((i) => i.person_id === pid && i.match === 'exacta'), typo.text);
  });
});

describe('audit action names', () => {
  test('every entry carries its Spanish name, and the catalogue is served to the audit browser only', async () => {
    const list = await admin.get('/api/v1/audit?limit=200');
    assert.equal(list.status, 200, list.text);
    const search = list.json.items.find((e) => e.action === 'case.search');
    assert.ok(search, 'the searches above were audited');
    assert.equal(search.action_es, 'Búsqueda de personas en el registro');
    for (const e of list.json.items) assert.ok(e.action_es, `no Spanish name for ${e.action}`);
    const actions = await admin.get('/api/v1/audit/actions');
    assert.equal(actions.status, 200, actions.text);
    const close = actions.json.items.find((a) => a.code === 'monitoring.incident_cerrar');
    assert.deepEqual(close, { code: 'monitoring.incident_cerrar', label: 'Cierre de un incidente', group: 'Monitoreo' });
    assert.ok(actions.json.items.some((a) => a.code === 'http.denied'));
    assert.ok(actions.json.items.some((a) => a.code === 'keys.rotate'));
    // Without the audit browser's permission: refused like the log itself.
    assertApiError(assert, await centre.get('/api/v1/audit/actions'), 403);
  });
});
