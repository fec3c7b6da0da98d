// The case registry's need-to-know under attack (issue 11, items 1, 2, 3, 7 and 10): each attack
// is tried over HTTP the way the issue found it, and must be refused with nothing half-written.
// The attacker is the police case worker (Carabineros); the woman is served by the Centro de la
// Mujer Santiago. The bulk-reading test runs last: it leaves the centre's worker throttled.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { login, loginDemo, runFor } from './auth_helpers.mjs';

let srv;
let centre; // caso@: Centro de la Mujer Santiago (serves the women below)
let police; // policia@: Carabineros de Chile (the attacker)
let instrument;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  centre = await loginDemo(srv, 'case_worker');
  police = await login(srv, 'policia@equidad.demo');
  instrument = (await centre.get('/api/v1/risk/instrument')).json;
});
after(async () => { await srv?.stop(); });

const iso = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
const letters = (n) => Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnprstvz'[b % 17] + 'aeiou'[(b >> 4) % 5]).join('');
const cap = (w) => w[0].toUpperCase() + w.slice(1);
let runSeq = 0;
function newWoman(extra = {}) {
  const pad = (n) => String(n).padStart(2, '0');
  return {
    run: runFor(15_000_000 + ((Date.now() + runSeq++ * 7919) % 900_000)),
    given_names: cap(letters(4)), surname1: cap(letters(4)), surname2: cap(letters(3)),
    birth_date: `${pad(1 + crypto.randomInt(28))}-${pad(1 + crypto.randomInt(12))}-${1960 + crypto.randomInt(45)}`,
    sex: 'F', comuna_id: '13101', phone: `+56 9 ${4000 + crypto.randomInt(5000)} ${1000 + crypto.randomInt(8000)}`,
    address: `Pasaje ${cap(letters(3))} ${100 + crypto.randomInt(800)}, Santiago`, ...extra,
  };
}
const contact = (persons, daysAgo = 1, extra = {}) => ({
  kind: 'contact', occurred_at: iso(daysAgo), comuna_id: '13101', consent_statistics: false, persons,
  details: { channel: 'linea_1455', summary: 'Relato reservado de la atención.' }, ...extra,
});
const post = (client, body) => client.post('/api/v1/cases/records', body);
function answers(worst) {
  const a = {};
  for (const item of instrument.items) a[item.id] = item.answers[worst ? item.answers.length - 1 : 0].id;
  return a;
}
// A woman the centre serves, with a vital risk assessment (which raises a critical alert).
async function centreWoman(extra = {}) {
  const w = newWoman(extra);
  const first = await post(centre, contact([{ role: 'victim', identity: w }], 2));
  assert.equal(first.status, 201, first.text);
  const pid = first.json.linkage[0].person_id;
  const risk = await post(centre, { kind: 'risk_assessment', occurred_at: iso(1), persons: [{ role: 'victim', person_id: pid }],
    details: { answers: answers(false), level: 'vital', raise_reason: 'Amenaza de muerte con arma blanca relatada hoy.' } });
  assert.equal(risk.status, 201, risk.text);
  return { w, pid };
}
const leaks = (text, w) => [w.run, w.phone, w.address].filter((x) => text.includes(x));
const INVISIBLE = ['\u200b'.repeat(40), '\u00a0'.repeat(40), '\u200b\u200c\u200d\u2060\ufeff'.repeat(10), ' \u00ad \u2007 \u202f '.repeat(10), '!!!!!!!!!!!!!!!!!!!!!!!!!'];

describe('1. attaching a record to a woman one does not serve', () => {
  test('by person_id without a reason: refused (single and batch), nothing written, she stays hidden', async () => {
    const { w, pid } = await centreWoman();
    const before = (await centre.get(`/api/v1/cases/persons/${pid}`)).json;
    const notesBefore = (await centre.get('/api/v1/cases/notifications')).json.items.length;

    assertApiError(assert, await post(police, contact([{ role: 'victim', person_id: pid }])), 403, 'need_to_know', 'persons[0].person_id');
    // As the second person of a record too (the aggressor slot), and through a batch.
    assertApiError(assert, await post(police, contact([{ role: 'victim', identity: newWoman() }, { role: 'child', person_id: pid }])),
      403, 'need_to_know', 'persons[1].person_id');
    const batch = await police.post('/api/v1/cases/batches', { records: [contact([{ role: 'victim', person_id: pid }])] });
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.json.results[0].status, 403);
    assert.equal(batch.json.results[0].error.code, 'need_to_know');

    // She did not become "served" by the police, and her file is still closed to them.
    const view = await police.get(`/api/v1/cases/persons/${pid}`);
    assertApiError(assert, view, 404);
    assert.deepEqual(leaks(view.text, w), []);
    const after = (await centre.get(`/api/v1/cases/persons/${pid}`)).json;
    assert.equal(after.timeline.length, before.timeline.length, 'a refused record left something in her timeline');
    assert.deepEqual(after.institutions.map((i) => i.name), ['Centro de la Mujer Santiago']);
    assert.equal((await centre.get('/api/v1/cases/notifications')).json.items.length, notesBefore, 'a refused record notified someone');
  });

  test('an emergency reason of invisible characters is refused, on the record and on emergency access', async () => {
    const { pid } = await centreWoman();
    for (const reason of INVISIBLE) {
      assertApiError(assert, await post(police, { ...contact([{ role: 'victim', person_id: pid }]), emergency_reason: reason }),
        422, 'too_short', 'emergency_reason');
      assertApiError(assert, await police.post(`/api/v1/cases/persons/${pid}/emergency-access`, { reason }), 422, 'too_short', 'reason');
    }
    // No access was granted by any of them.
    assertApiError(assert, await police.get(`/api/v1/cases/persons/${pid}`), 404);
    const log = await centre.get(`/api/v1/cases/persons/${pid}/access-log`);
    assert.equal(log.json.emergency_accesses.length, 0, JSON.stringify(log.json.emergency_accesses));
  });

  test('with a real emergency reason: allowed, audited, the centre told; it never lowers her level, closes her case or makes the police serve her', async () => {
    const { pid } = await centreWoman();
    const low = await post(police, { kind: 'risk_assessment', occurred_at: iso(0), persons: [{ role: 'victim', person_id: pid }],
      details: { answers: answers(false) },
      emergency_reason: 'Procedimiento en curso por agresión: se necesita registrar la evaluación en terreno.' });
    assert.equal(low.status, 201, low.text);
    assert.equal(low.json.details.level, 'bajo');
    assert.equal(low.json.linkage[0].linkage.basis, 'emergency');
    // Under an emergency access her data cannot be passed on to a third institution.
    const insts = (await police.get('/api/v1/cases/institutions')).json.items;
    const third = insts.find((i) => i.name !== 'Carabineros de Chile' && i.name !== 'Centro de la Mujer Santiago') ?? insts.find((i) => i.name === 'Centro de la Mujer Santiago');
    assertApiError(assert, await post(police, { kind: 'referral', occurred_at: iso(0), persons: [{ role: 'victim', person_id: pid }],
      details: { to_institution_id: third.id, consent: true, reason: 'Derivación sin atenderla.' } }), 403, 'need_to_know', 'persons[0].person_id');
    const closure = await post(police, { kind: 'closure', occurred_at: iso(0), persons: [{ role: 'victim', person_id: pid }],
      details: { reason: 'otro', note: 'Cierre del procedimiento policial.' } });
    assert.equal(closure.status, 201, closure.text);

    const mine = (await centre.get(`/api/v1/cases/persons/${pid}`)).json;
    assert.equal(mine.summary.risk_level, 'vital', 'another institution lowered her level');
    const cases = Object.fromEntries(mine.cases.map((c) => [c.institution, c.open]));
    assert.equal(cases['Centro de la Mujer Santiago'], true, "another institution closed the centre's case");
    assert.equal(cases['Carabineros de Chile'], false);
    assert.deepEqual(mine.institutions.map((i) => i.name), ['Centro de la Mujer Santiago'], 'emergency records do not make the police serve her');
    const notes = (await centre.get('/api/v1/cases/notifications')).json.items.filter((n) => n.person_id === pid);
    assert.ok(notes.some((n) => n.kind === 'emergency_access'), JSON.stringify(notes));
    assert.ok(notes.some((n) => n.kind === 'emergency_record'), JSON.stringify(notes));
    const log = (await centre.get(`/api/v1/cases/persons/${pid}/access-log`)).json;
    assert.match(log.emergency_accesses[0].reason, /Procedimiento en curso/);

    // The police see her under the emergency access, but not as an institution that serves her,
    // and not the centre's alerts (7a: the same rule as the alerts API).
    const theirs = await police.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(theirs.status, 200, theirs.text);
    assert.equal(theirs.json.served_by_my_institution, false);
    assert.ok(theirs.json.emergency_until);
    assert.equal(theirs.json.summary.risk_level, 'vital');
    assert.ok(mine.summary.open_alerts.some((a) => a.severity === 'critica'), JSON.stringify(mine.summary.open_alerts));
    assert.deepEqual(theirs.json.summary.open_alerts, [], 'alerts of another institution leaked through the person view');
    assert.equal((await police.get(`/api/v1/alerts?person_id=${pid}`)).json.total, 0);
  });
});

describe('2. reaching a woman by number, and by search', () => {
  test('a number one does not serve answers 404 without identity, logged; a search with enough identifying data opens the shared minimum', async () => {
    const { w, pid } = await centreWoman();
    const refused = await police.get(`/api/v1/cases/persons/${pid}`);
    assertApiError(assert, refused, 404);
    assert.deepEqual(leaks(refused.text, w), []);
    assert.ok(!refused.text.includes(w.surname1));
    const log = (await centre.get(`/api/v1/cases/persons/${pid}/access-log`)).json.items;
    assert.ok(log.some((e) => e.institution === 'Carabineros de Chile' && e.action === 'view_refused'), JSON.stringify(log));

    // A name alone is not enough to reach someone the police do not serve.
    const weak = await police.get(`/api/v1/cases/persons?given_names=${encodeURIComponent(w.given_names)}&surname1=${encodeURIComponent(w.surname1)}`);
    assert.equal(weak.status, 200, weak.text);
    assert.ok(!weak.json.items.some((i) => i.person_id === pid), 'a weak search reached her');
    // Her RUN is: the shared minimum (no RUN, phone or address), and then her file, still masked.
    const strong = await police.get(`/api/v1/cases/persons?run=${encodeURIComponent(w.run)}`);
    const hit = strong.json.items.find((i) => i.person_id === pid);
    assert.ok(hit, strong.text);
    assert.deepEqual(leaks(JSON.stringify(hit), w), []);
    const masked = await police.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(masked.status, 200, masked.text);
    assert.equal(masked.json.served_by_my_institution, false);
    assert.equal(masked.json.may_add_records, false, 'the form must ask for an emergency reason');
    assert.deepEqual(leaks(masked.text, w), []);
    assert.ok(masked.json.timeline.every((r) => r.masked && r.details === undefined));
    assert.deepEqual(masked.json.summary.open_alerts, []);
    assert.deepEqual(masked.json.links, []);
  });
});

// A name and a birth year close to her, what the issue tried, links with the shared minimum; a probe
// that lands in the review queue instead is the next test.
describe('3. a name and a birth year close to her', () => {
  test('a probable match links the record but opens only the shared minimum, and the centre is told', async () => {
    const { w, pid } = await centreWoman();
    const probe = await post(police, contact([{ role: 'victim', identity: { given_names: w.given_names, surname1: w.surname1, surname2: w.surname2,
      birth_date: w.birth_date.slice(6), sex: 'F', comuna_id: '13101' } }]));
    assert.equal(probe.status, 201, probe.text);
    assert.deepEqual(leaks(probe.text, w), []);
    const linkage = probe.json.linkage[0];
    assert.equal(linkage.person_id, pid, JSON.stringify(linkage));
    assert.equal(linkage.linkage.basis, 'linked');
    // Her file opens (the police wrote about her), masked: no RUN, phone or address.
    const view = await police.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(view.status, 200, view.text);
    assert.equal(view.json.served_by_my_institution, false);
    assert.equal(view.json.may_add_records, true, 'follow-ups of its own linked record need no emergency');
    assert.deepEqual(leaks(view.text, w), []);
    assert.ok(view.json.timeline.some((r) => r.id === probe.json.id && !r.masked), 'the police see their own record');
    assert.deepEqual(view.json.summary.open_alerts, []);
    // A follow-up by number stays on the same footing, and cannot pass her on to a third institution.
    const again = await post(police, contact([{ role: 'victim', person_id: pid }]));
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.linkage[0].linkage.basis, 'linked');
    assert.deepEqual(leaks((await police.get(`/api/v1/cases/persons/${pid}`)).text, w), []);
    const notes = (await centre.get('/api/v1/cases/notifications')).json.items.filter((n) => n.person_id === pid);
    assert.ok(notes.some((n) => n.kind === 'linked_record'), JSON.stringify(notes));
  });

});

// A record close to her but not close enough to link lands in the police's review queue: given
// names, first surname and birth date agree (+8.6), her comuna and phone do not (-5.6), and no second
// surname: a weight of about 3, between the default thresholds (0 and 5).
describe('3. the review queue: a candidate the reviewer does not serve', () => {
  test('the review withholds her RUN, document, phone and address, is on her access log, and "misma_persona" does not unmask her', async () => {
    const { w, pid } = await centreWoman();
    const probe = await post(police, contact([{ role: 'victim', identity: { given_names: w.given_names, surname1: w.surname1,
      birth_date: w.birth_date, sex: 'F', comuna_id: '13201', phone: '+56 9 1111 2222' } }]));
    assert.equal(probe.status, 201, probe.text);
    assert.deepEqual(leaks(probe.text, w), []);
    const linkage = probe.json.linkage[0].linkage;
    assert.equal(linkage.decision, 'review', JSON.stringify(linkage));
    const mine = probe.json.linkage[0].person_id;
    assert.notEqual(mine, pid);

    const list = await police.get('/api/v1/cases/reviews');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(leaks(list.text, w), []);
    const item = list.json.items.find((r) => r.id === linkage.review_id);
    assert.equal(item.candidate_person_id, pid, JSON.stringify(list.json.items));

    const review = await police.get(`/api/v1/cases/reviews/${linkage.review_id}`);
    assert.equal(review.status, 200, review.text);
    assert.deepEqual(leaks(review.text, w), [], 'the review showed her identifying or contact data');
    assert.equal(review.json.right.identity_masked, true);
    assert.equal(review.json.right.identity.contact_masked, true);
    for (const k of ['run', 'other_document', 'phone', 'address']) assert.equal(review.json.right.identity[k], undefined, k);
    for (const field of ['run', 'other_document', 'phone', 'address']) {
      const row = review.json.comparison.find((c) => c.field === field);
      assert.equal(row.withheld, true, JSON.stringify(row));
      assert.equal(row.right, null);
      assert.equal(row.same, false, 'an equality flag would confirm a guess');
    }
    assert.equal(review.json.right.identity.given_names, w.given_names, 'the shared minimum is what the reviewer decides on');
    const log = (await centre.get(`/api/v1/cases/persons/${pid}/access-log`)).json.items;
    assert.ok(log.some((e) => e.action === `review:${linkage.review_id}` && e.institution === 'Carabineros de Chile' && e.full_view === false),
      JSON.stringify(log));

    // Deciding "same person" merges the police's record into her file, but only on the linked footing.
    const decided = await police.post(`/api/v1/cases/reviews/${linkage.review_id}`, { decision: 'misma_persona', note: 'Mismo nombre y fecha.' });
    assert.equal(decided.status, 200, decided.text);
    assert.equal(decided.json.person_id, pid);
    assert.equal(decided.json.basis, 'linked');
    assert.deepEqual(leaks(decided.text, w), []);
    const view = await police.get(`/api/v1/cases/persons/${pid}`);
    assert.equal(view.status, 200, view.text);
    assert.equal(view.json.served_by_my_institution, false);
    assert.deepEqual(leaks(view.text, w), [], 'deciding "misma_persona" gave the reviewer her identity');
    assert.equal(view.json.identity.contact_masked, true, JSON.stringify(view.json.identity));
    assert.ok(view.json.timeline.some((r) => r.id === probe.json.id && !r.masked), 'the police still see their own record');
    const institutions = (await centre.get(`/api/v1/cases/persons/${pid}`)).json.institutions.map((i) => i.name);
    assert.deepEqual(institutions, ['Centro de la Mujer Santiago']);
    // Follow-ups stay linked; the centre is told.
    const again = await post(police, contact([{ role: 'victim', person_id: pid }]));
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.linkage[0].linkage.basis, 'linked');
    const notes = (await centre.get('/api/v1/cases/notifications')).json.items.filter((n) => n.person_id === pid);
    assert.ok(notes.some((n) => n.kind === 'review_merge_linked'), JSON.stringify(notes));

    // Undoing the merge gives the police back their own woman, in full, as before.
    const links = (await police.get(`/api/v1/cases/persons/${pid}`)).json;
    const undo = await police.post(`/api/v1/cases/links/${decided.json.link_id}/undo`, { reason: 'No era la misma persona, error de revisión.' });
    assert.equal(undo.status, 200, undo.text);
    const back = await police.get(`/api/v1/cases/persons/${mine}`);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.served_by_my_institution, true, JSON.stringify(links.institutions));
    assert.equal(back.json.identity.phone, '+56 9 1111 2222');
  });
});

describe('7b. statistics over overlapping windows', () => {
  test('a hidden cell (3 records in a month) cannot be recovered by subtracting two windows', async () => {
    const now = new Date();
    const monthsAgo = (k) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 15, 15));
    const ym = (d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    const comuna = '13120'; // Ñuñoa: no demo record there
    const add = async (when) => {
      const r = await post(centre, { ...contact([{ role: 'victim', identity: newWoman({ comuna_id: comuna }) }]), occurred_at: when.toISOString(),
        comuna_id: comuna, consent_statistics: true });
      assert.equal(r.status, 201, r.text);
    };
    for (let i = 0; i < 5; i++) await add(monthsAgo(3));
    for (let i = 0; i < 3; i++) await add(monthsAgo(2));
    const cell = async (from, to) => {
      const r = await centre.get(`/api/v1/cases/statistics?from=${ym(from)}&to=${ym(to)}`);
      assert.equal(r.status, 200, r.text);
      const row = r.json.by_comuna.find((x) => x.key === comuna);
      return row ? row.counts.contact ?? null : 0;
    };
    const wide = await cell(monthsAgo(3), monthsAgo(2));
    const older = await cell(monthsAgo(3), monthsAgo(3));
    const newer = await cell(monthsAgo(2), monthsAgo(2));
    assert.equal(older, 5);
    assert.equal(newer, null, 'the small cell is hidden');
    assert.notEqual(wide - older, 3, `the hidden cell was recovered: ${wide} - ${older}`);
    assert.equal(wide, 5);
  });
});

describe('2. reading the registry in bulk (last: leaves the centre worker throttled)', () => {
  test('walking ids is refused person by person, then throttled with 429, and the institution admin is told', async () => {
    let throttled = null;
    for (let id = 1; id <= 400 && !throttled; id++) {
      const r = await centre.get(`/api/v1/cases/persons/${id}`);
      if (r.status === 429) throttled = r;
      else if (r.status === 404) assert.ok(!('identity' in (r.json ?? {})), r.text);
      else assert.equal(r.status, 200, r.text);
    }
    assert.ok(throttled, 'never throttled');
    assertApiError(assert, throttled, 429, 'too_many_persons');
    assert.match(throttled.json.error.message, /demasiadas fichas/);
    const admin = await loginDemo(srv, 'institution_admin');
    const home = await admin.get('/api/v1/me/home');
    assert.equal(home.status, 200, home.text);
    const item = home.json.items.find((i) => /Lecturas masivas/.test(i.title));
    assert.ok(item, JSON.stringify(home.json.items));
    assert.match(item.detail, /fichas distintas/);
    // A search is a way to read persons too: also throttled now.
    assertApiError(assert, await centre.get('/api/v1/cases/persons?run=19.876.543-1'), 429, 'too_many_persons');
  });
});
