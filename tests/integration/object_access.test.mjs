// THE object-access test (issue 11, "the class, not only the cases"). The route-permission test
// proves that every route refuses the wrong *role*; this one proves that every route that names an
// object (a path {id}), a person (person_id) or runs a search refuses, or masks, the object of
// *another institution*, for every ordered pair of institutions that hold the route's permission:
// A owns the object, B reaches for it. Reads of a person that answer are in her access log, and A
// itself gets the whole object (so the test cannot pass by refusing everything).
//
// The list of routes comes from the running server's OpenAPI document; object_access_table.mjs
// classifies each of them (owned, national by design, public, own account, no object). A route
// the table does not know fails the first test, so a new module's route cannot slip through.
//
// Pairs: Centro de la Mujer Santiago, Carabineros de Chile and a second women's centre made here
// (two of the same type) for case workers; SernamEG's 1455 operator reads too (cases.read); two
// institution administrators; the municipal units of Santiago and La Pintana and Carabineros'
// patrol for dispatches; the Ministries of Health and Education for policy reports.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { request, startServer } from './harness.mjs';
import {
  Client, DEMO_SECRET, PASSWORD, freshTotp, institutionId, newPassword, passwordStep, totpKey, uniq,
} from './auth_helpers.mjs';
import { CLASSES, DEMO_PERSON_DATA, IDENTITY_KEYS, SHARED_MINIMUM, leaks, newIdentity } from './object_access_table.mjs';
import { WsClient } from './ws_client.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const REFUSED = [403, 404];

let srv;
let sysAdmin; // admin@: creates the second centre and the extra accounts, reads the audit log
let operator; // operador@: the control centre (monitoring orders, incidents, dispatch)
let analyst; // analista@: makes PMG services for the focal points' institutions and reviews their filings
const ops = []; // { method, pattern, name, permission, op }
const inst = {}; // key → { key, name, id, worker?, admin?, unit?, focal? } (each a signed-in Client)
const secrets = new Map(); // e-mail → TOTP secret of accounts enrolled here

// ------------------------------------------------------------------ sign-in
// Copes with every second-factor state: none, TOTP already enabled (demo secret), or enrolment at
// first login (accounts made here, and demo roles that start requiring TOTP later).
async function signIn(email, password = PASSWORD) {
  const c = new Client(srv);
  const r = await passwordStep(c, email, password);
  assert.equal(r.status, 200, `login ${email}: ${r.text}`);
  if (r.json.next === 'totp') {
    const { code } = await freshTotp(totpKey(srv, email), secrets.get(email) ?? DEMO_SECRET);
    const t = await c.post('/api/v1/auth/login/totp', { challenge: r.json.challenge, code });
    assert.equal(t.json?.next, 'done', `totp ${email}: ${t.text}`);
  } else if (r.json.next === 'enrol') {
    secrets.set(email, r.json.secret);
    const { code } = await freshTotp(totpKey(srv, email), r.json.secret);
    const e = await c.post('/api/v1/auth/login/enrol', { challenge: r.json.challenge, code });
    assert.equal(e.json?.next, 'done', `enrol ${email}: ${e.text}`);
  } else {
    assert.equal(r.json.next, 'done', `login ${email}: ${r.text}`);
  }
  const s = await c.get('/api/v1/auth/session');
  assert.equal(s.status, 200, s.text);
  c.user = s.json.user;
  return c;
}

async function newAccount(institution, roles, name) {
  const email = `obj.${roles[0]}.${uniq()}@prueba.cl`;
  const password = newPassword();
  const r = await sysAdmin.post('/api/v1/users', { name, email, institution_id: institution, roles, password });
  assert.equal(r.status, 201, r.text);
  return signIn(email, password);
}

// ------------------------------------------------------------------ setup
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  const doc = await srv.request('GET', '/api/v1/openapi.json');
  assert.equal(doc.status, 200, doc.text);
  for (const [pattern, item] of Object.entries(doc.json.paths))
    for (const [m, op] of Object.entries(item))
      if (METHODS.includes(m)) ops.push({ method: m.toUpperCase(), pattern, name: `${m.toUpperCase()} ${pattern}`, permission: op['x-permission'], op });

  sysAdmin = await signIn('admin@equidad.demo');
  analyst = await signIn('analista@equidad.demo');
  const [caso, policia, instAdmin, op, municipal, patrulla, focal] = await Promise.all([
    'caso@equidad.demo', 'policia@equidad.demo', 'institucion@equidad.demo', 'operador@equidad.demo',
    'municipal@equidad.demo', 'patrulla@equidad.demo', 'enlace@equidad.demo'].map((e) => signIn(e)));
  operator = op;
  // A second women's centre, with its own case worker and administrator: a same-type pair.
  const c2 = await sysAdmin.post('/api/v1/institutions', { name: 'Centro de la Mujer Ñuñoa (prueba)', type: 'sernameg_centre', region_id: '13', comuna_id: '13120' });
  assert.equal(c2.status, 201, c2.text);
  const pintanaId = await institutionId(sysAdmin, 'Municipalidad de La Pintana');
  const educId = await institutionId(sysAdmin, 'Ministerio de Educación');
  // The registry walker works in an institution of its own, so that a throttle or an alert it
  // trips does not touch the pairs below.
  const w = await sysAdmin.post('/api/v1/institutions', { name: 'Fiscalía Local de Prueba', type: 'prosecutor', region_id: '13' });
  assert.equal(w.status, 201, w.text);
  const [worker2, admin2, pintana, focalEduc, walker] = await Promise.all([
    newAccount(c2.json.id, ['case_worker'], 'Profesional Segundo Centro'),
    newAccount(c2.json.id, ['institution_admin'], 'Administración Segundo Centro'),
    newAccount(pintanaId, ['municipal'], 'Seguridad Municipal La Pintana'),
    newAccount(educId, ['focal_point'], 'Enlace Educación'),
    newAccount(w.json.id, ['case_worker'], 'Fiscal de Prueba'),
  ]);
  const add = (key, c, role) => {
    const i = c.user.institution;
    inst[key] ??= { key, name: i.name, id: i.id };
    assert.equal(inst[key].id, i.id, `${key}: one institution per key`);
    inst[key][role] = c;
  };
  add('centro', caso, 'worker');
  add('centro', instAdmin, 'admin');
  add('carab', policia, 'worker');
  add('carab', patrulla, 'unit');
  add('centro2', worker2, 'worker');
  add('centro2', admin2, 'admin');
  add('sernameg', operator, 'worker'); // reads the registry (cases.read), writes nothing in it
  add('muni', municipal, 'unit');
  add('pintana', pintana, 'unit');
  add('salud', focal, 'focal');
  add('educ', focalEduc, 'focal');
  add('walker', walker, 'worker');
  // «Mascarilla 19»: the demo pharmacy (enrolled by the demo) and a second one, enrolled here by
  // SernamEG's supervision.
  const f2 = await sysAdmin.post('/api/v1/institutions', { name: 'Farmacia de Prueba Antofagasta', type: 'pharmacy', region_id: '02', comuna_id: '02101' });
  assert.equal(f2.status, 201, f2.text);
  const [farmacia, farmacia2, supervision] = await Promise.all([
    signIn('farmacia@equidad.demo'), newAccount(f2.json.id, ['pharmacy'], 'Química de Turno'), signIn('supervision@equidad.demo')]);
  const enrolled = await supervision.post('/api/v1/pharmacy/enrolments', { institution_id: f2.json.id, name: 'Farmacia de Prueba Antofagasta', comuna: '02101' });
  assert.equal(enrolled.status, 201, enrolled.text);
  add('farmacia', farmacia, 'pharmacy');
  add('farmacia2', farmacia2, 'pharmacy');
});
after(async () => { await srv?.stop(); });

// Who owns and who reaches for each actor's objects. `sernameg` (the 1455 operator) reads the
// registry but writes nothing in it, and is national for early alerts by design.
const OWNERS = { worker: ['centro', 'carab', 'centro2'], admin: ['centro', 'centro2'], unit: ['muni', 'carab', 'pintana'], focal: ['salud', 'educ'], pharmacy: ['farmacia', 'farmacia2'] };
const EXTRA_READERS = { personRead: ['sernameg'], personSearch: ['sernameg'], accessLogRead: ['sernameg'], recordRead: ['sernameg'] };
function pairs(actor, check) {
  const owners = OWNERS[actor];
  const readers = [...owners, ...(EXTRA_READERS[check] ?? [])];
  const out = [];
  for (const a of owners) for (const b of readers) if (a !== b) out.push([inst[a], inst[b]]);
  return out;
}

// ------------------------------------------------------------------ shared helpers
const iso = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
const once = new Map();
const cached = (key, make) => { if (!once.has(key)) once.set(key, make()); return once.get(key); };
const reason = 'Llamado de emergencia en curso: se necesita el historial para proteger a la víctima.';

// The verdict on B's answer about A's woman: refused (403/404, or 429 when throttled), masked
// (2xx without her identifying data: the rule is in object_access_table.mjs, `typed` is the shared
// minimum when B typed enough to search for her), or the list of what leaked.
function judge(res, identity, opts) {
  const leaked = leaks(identity, res.text ?? '', opts);
  if (REFUSED.includes(res.status) || res.status === 429) return leaked.length ? `refused (${res.status}) but the error carries ${leaked.join(', ')}` : null;
  if (res.status >= 200 && res.status < 300) return leaked.length ? `answered ${res.status} with her ${leaked.join(', ')}` : null;
  return `answered ${res.status}: ${res.text.slice(0, 200)}`;
}
const refusedOnly = (res, what) => (REFUSED.includes(res.status) ? null : `${what}: answered ${res.status} (${res.text.slice(0, 160)}), expected 403/404`);

const contact = (persons, extra = {}) => ({
  kind: 'contact', occurred_at: iso(1), comuna_id: '13101', consent_statistics: true, persons,
  details: { channel: 'presencial', summary: `Relato reservado ${crypto.randomBytes(6).toString('hex')}` }, ...extra,
});
let instrumentCache;
async function instrument() {
  instrumentCache ??= (await inst.centro.worker.get('/api/v1/risk/instrument')).json;
  return instrumentCache;
}
async function lowAnswers() {
  const a = {};
  for (const item of (await instrument()).items) a[item.id] = item.answers[0].id;
  return a;
}

// A's woman, known only to A: a contact record with her full identity and a private summary.
function victim(A, tag) {
  return cached(`victim:${A.key}:${tag}`, async () => {
    const identity = newIdentity();
    const body = contact([{ role: 'victim', identity }]);
    const r = await A.worker.post('/api/v1/cases/records', body);
    assert.equal(r.status, 201, `${A.key} records a woman: ${r.text}`);
    assert.equal(r.json.linkage[0].linkage.decision, 'new', `fixture collided with another person: ${r.text}`);
    return { ...identity, person_id: r.json.linkage[0].person_id, record_id: r.json.id, summary: body.details.summary };
  });
}
// The same, assessed at vital risk by A (raises a critical early alert).
function vitalVictim(A, tag) {
  return cached(`vital:${A.key}:${tag}`, async () => {
    const v = await victim(A, `vital:${tag}`);
    const r = await A.worker.post('/api/v1/cases/records', {
      kind: 'risk_assessment', occurred_at: iso(0), persons: [{ role: 'victim', person_id: v.person_id }],
      details: { answers: await lowAnswers(), level: 'vital', raise_reason: 'Relata amenaza de muerte con arma de fuego.' },
    });
    assert.equal(r.status, 201, `${A.key} assesses her risk: ${r.text}`);
    const alert = r.json.alerts.find((a) => a.severity === 'critica');
    assert.ok(alert, `no critical alert raised: ${r.text}`);
    return { ...v, alert_id: alert.id };
  });
}

// B's entries in A's woman's access log (null when A itself cannot read it).
async function logCount(A, v, B) {
  const r = await A.worker.get(`/api/v1/cases/persons/${v.person_id}/access-log`);
  if (r.status !== 200) return null;
  return r.json.items.filter((e) => e.institution === B.name).length;
}
async function logged(A, v, B, before) {
  const now = await logCount(A, v, B);
  if (now === null) return `${A.name} cannot read her access log`;
  return now > before ? null : `the read is not in her access log (${A.name} sees no entry by ${B.name})`;
}
async function auditedDenied(B, object) {
  const r = await sysAdmin.get(`/api/v1/audit?actor=${B.user.id}&outcome=denied&limit=200`);
  if (r.status !== 200) return `audit: ${r.status}`;
  return r.json.items.some((e) => e.object === object) ? null : `the refusal of ${object} is not in the audit log`;
}

// ------------------------------------------------------------------ fixtures beyond a person
// A review in A's queue: A records a woman "close" to one of its own: her given names, first
// surname and birth year only, in another comuna (the linkage model's review band).
const weakCopy = (v) => ({ given_names: v.given_names, surname1: v.surname1, birth_date: v.birth_date.slice(-4), comuna_id: '05101' });
// B typed enough to search for her (names and birth year): the shared minimum may come back.
const WEAK_TYPED = SHARED_MINIMUM;
function submitWeak(by, v) {
  return by.worker.post('/api/v1/cases/records', contact([{ role: 'victim', identity: weakCopy(v) }]));
}
function ownReview(A) {
  return cached(`review:${A.key}`, async () => {
    const v = await victim(A, 'review-own');
    const r = await submitWeak(A, v);
    assert.equal(r.status, 201, r.text);
    const l = r.json.linkage[0].linkage;
    assert.ok(l.review_id, `a name and birth year close to ${A.key}'s own woman did not go to review: ${JSON.stringify(l)}`);
    return { v, review_id: l.review_id };
  });
}
// B's attack: a record with only the name and birth year of A's woman, then B's review of it.
function attackReview(A, B) {
  return cached(`attack:${A.key}:${B.key}`, async () => {
    const v = await victim(A, `review-attack:${B.key}`);
    const before = await logCount(A, v, B);
    const r = await submitWeak(B, v);
    return { v, before, r, linkage: r.json?.linkage?.[0] };
  });
}
// An automatic (probabilistic) link made by A: a second record of its woman without RUN.
function autoLink(A, tag) {
  return cached(`link:${A.key}:${tag}`, async () => {
    const v = await victim(A, `link:${tag}`);
    const { run, other_document, document_type, ...rest } = v;
    const identity = Object.fromEntries(Object.entries(rest).filter(([k]) => !['person_id', 'record_id', 'summary'].includes(k)));
    const r = await A.worker.post('/api/v1/cases/records', contact([{ role: 'victim', identity: { ...identity, given_names: v.given_names.toLowerCase() } }]));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.linkage[0].linkage.decision, 'link', `no automatic link: ${JSON.stringify(r.json.linkage)}`);
    const p = await A.worker.get(`/api/v1/cases/persons/${v.person_id}`);
    const link = p.json.links?.find((l) => l.kind === 'auto' && !l.undone);
    assert.ok(link, `the automatic link is not listed: ${p.text.slice(0, 400)}`);
    return { v, link_id: link.id };
  });
}
// A referral to A (the recipient owns acknowledging it) sent by `from` about its own woman.
function referralTo(A, from, tag = 'pair') {
  return cached(`referral:${A.key}:${from.key}:${tag}`, async () => {
    const identity = newIdentity();
    const r = await from.worker.post('/api/v1/cases/records', {
      kind: 'referral', occurred_at: iso(0), persons: [{ role: 'victim', identity }],
      details: { to_institution_id: A.id, consent: true, reason: 'Requiere atención psicosocial y patrocinio.' },
    });
    assert.equal(r.status, 201, r.text);
    return { identity, id: r.json.id };
  });
}
// A notification to A: someone else opens an emergency access to A's woman (the operator, or
// if the operator may not, another institution's case worker).
function notified(A) {
  return cached(`notified:${A.key}`, async () => {
    const v = await victim(A, 'notified');
    const others = [operator, ...OWNERS.worker.filter((k) => k !== A.key).map((k) => inst[k].worker)];
    for (const c of others) {
      const r = await c.post(`/api/v1/cases/persons/${v.person_id}/emergency-access`, { reason });
      if (r.status === 201) return v;
    }
    throw new Error(`nobody could open an emergency access to ${A.key}'s woman`);
  });
}
// An account of A's institution, made by the system administrator.
function account(A, tag) {
  return cached(`account:${A.key}:${tag}`, async () => {
    const name = `${newIdentity().given_names} ${newIdentity().surname1}`;
    const r = await sysAdmin.post('/api/v1/users', { name, email: `obj.cuenta.${uniq()}@prueba.cl`, institution_id: A.id, roles: ['case_worker'], password: newPassword() });
    assert.equal(r.status, 201, r.text);
    return r.json;
  });
}

// ---- monitoring: an order whose panic is dispatched to unit A
const PILOT = new Set(['13101', '13123', '13112', '13110', '13114', '13125']);
const PLACES = {
  muni: [{ lat: -33.4378, lon: -70.6505 }],
  pintana: [{ lat: -33.5833, lon: -70.6333 }, { lat: -33.5900, lon: -70.6300 }, { lat: -33.6050, lon: -70.6350 }],
  carab: [{ lat: -33.4569, lon: -70.5975 }, { lat: -33.4050, lon: -70.6380 }, { lat: -33.3600, lon: -70.7300 }, { lat: -33.4640, lon: -70.6980 }],
};
const UNIT_COMUNA = { muni: (c) => c === '13101', pintana: (c) => c === '13112', carab: (c) => !PILOT.has(c) };
const placeFor = (key) => cached(`place:${key}`, async () => {
  for (const p of PLACES[key]) {
    const r = await srv.request('GET', `/api/v1/territory/locate?lat=${p.lat}&lon=${p.lon}`);
    const code = r.json?.comuna?.id;
    if (r.status === 200 && UNIT_COMUNA[key](String(code))) return { ...p, comuna: String(code) };
  }
  throw new Error(`no place found for ${key}'s dispatches`);
});
let deviceSerial = 0;
async function dispatchTo(A, tag) {
  const place = await placeFor(A.key);
  const who = newIdentity();
  const victimName = `${who.given_names} ${who.surname1}`;
  const dayBefore = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('-');
  const o = await operator.post('/api/v1/monitoring/orders', {
    label: `RIT F-${crypto.randomInt(1000, 9999)}-2026 obj ${tag}`, court: 'Juzgado de Familia de Santiago',
    victim_name: victimName, victim_phone: who.phone, aggressor_name: 'Agresor de Prueba', aggressor_phone: '+56 9 5555 0002',
    comuna_id: place.comuna, min_distance_m: 500, approach_m: 1000, starts_on: dayBefore, victim_home: { lat: place.lat, lon: place.lon },
  });
  assert.equal(o.status, 201, o.text);
  const id = `obj-${process.pid}-${++deviceSerial}`;
  const d = await operator.post(`/api/v1/monitoring/orders/${o.json.order.id}/devices`, { device_id: id, kind: 'victim_bracelet' });
  assert.equal(d.status, 201, d.text);
  const q = new URLSearchParams({ id, key: d.json.secret, lat: place.lat.toFixed(6), lon: place.lon.toFixed(6), timestamp: String(Date.now()), alarm: 'sos' });
  const f = await request('GET', `/api/v1/monitoring/osmand?${q}`, { baseUrl: srv.baseUrl });
  assert.equal(f.status, 200, f.text);
  const incs = await operator.get('/api/v1/monitoring/incidents?state=open');
  const inc = incs.json.items.find((i) => i.order_id === o.json.order.id);
  assert.ok(inc, `no incident for the panic: ${incs.text.slice(0, 400)}`);
  const disp = await operator.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, {});
  assert.equal(disp.status, 201, disp.text);
  assert.equal(disp.json.dispatch.unit_name, A.name, `the panic in ${place.comuna} went to another unit`);
  return { id: disp.json.dispatch.id, identity: who, victimName, place };
}
const dispatchFixture = (A, tag) => cached(`dispatch:${A.key}:${tag}`, () => dispatchTo(A, tag));
// Coordinates of the victim's home, as they would appear in an answer.
const coords = (p) => new RegExp(`${p.lat.toFixed(3).replace('.', '\\.')}\\d*[^\\d]{1,40}${p.lon.toFixed(3).replace('.', '\\.')}`);

// ---- policy: a report of A's institution on one of its items, in the open period
const policyBase = () => cached('policy', async () => {
  const list = await srv.request('GET', '/api/v1/policy/public/instruments');
  const cm = list.json.items.find((i) => i.code === 'compromisos-ministeriales');
  const detail = await srv.request('GET', `/api/v1/policy/public/instruments/${cm.id}`);
  const items = detail.json.items;
  // The ministry's first commitment that takes reports (the demo groups them under axes).
  const leaf = (name) => {
    let p = items.find((i) => i.title === name && !i.parent_id);
    while (p && !p.is_leaf) p = items.find((i) => i.parent_id === p.id);
    return p;
  };
  return { items: { salud: leaf('Ministerio de Salud'), educ: leaf('Ministerio de Educación') }, period: detail.json.periods.find((p) => p.state === 'abierto') };
});
const policyReport = (A) => cached(`report:${A.key}`, async () => {
  const base = await policyBase();
  const narrative = `Avance reservado de la institución ${crypto.randomBytes(6).toString('hex')}`;
  const r = await A.focal.post('/api/v1/policy/reports', { item_id: base.items[A.key].id, period_id: base.period.id, status: 'en_proceso', progress: 40, narrative });
  assert.equal(r.status, 201, r.text);
  const up = await A.focal.req('POST', `/api/v1/policy/reports/${r.json.id}/evidence?filename=acta.txt`,
    { body: Buffer.from(`Acta reservada ${narrative}`), headers: { 'Content-Type': 'text/plain' } });
  assert.equal(up.status, 201, up.text);
  return { id: r.json.id, narrative, item_id: base.items[A.key].id, evidence: up.json.url ?? `/api/v1/policy/evidence/${up.json.id}` };
});
// ---- PMG: a 2021 service of A's institution with a programme filed by A's focal point, under review
// with one observation waiting for A's answer.
const pmgFiling = (A) => cached(`pmg:${A.key}`, async () => {
  const list = await srv.request('GET', '/api/v1/policy/public/instruments');
  const pmg = list.json.items.find((i) => i.code === 'pmg-genero');
  const tree = await srv.request('GET', `/api/v1/policy/public/instruments/${pmg.id}`);
  const y2021 = tree.json.items.find((i) => i.code === '2021');
  const tag = crypto.randomBytes(4).toString('hex');
  const mk = async (b) => {
    const r = await analyst.post('/api/v1/policy/items', { instrument_id: pmg.id, institution_ids: [String(A.id)], ...b });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const svc = await mk({ parent_id: y2021.id, level: 'compromiso', title: `Servicio de prueba ${tag}`, start_year: 2021 });
  const measure = await mk({ parent_id: svc.id, level: 'medida', code: 'M4', title: 'Capacitación en materia de género' });
  await mk({ parent_id: measure.id, level: 'accion', code: 'C1', title: `Curso básico de género (${tag})` });
  const narrative = `Programa de trabajo reservado del servicio ${crypto.randomBytes(6).toString('hex')}`;
  const f = await A.focal.post(`/api/v1/policy/pmg/services/${svc.id}/filings`, { stage: 'programa', narrative });
  assert.equal(f.status, 201, f.text);
  assert.equal((await analyst.post(`/api/v1/policy/pmg/filings/${f.json.id}/review`, {})).status, 200);
  const o = await analyst.post(`/api/v1/policy/pmg/filings/${f.json.id}/observations`, { observations: [{ text: 'Falta el cronograma de las capacitaciones.' }] });
  assert.equal(o.status, 200, o.text);
  return { service_id: svc.id, filing_id: f.json.id, observation_id: o.json.observations[0].id, narrative };
});
// Text of an answer, with the parts of an XLSX (zip) inflated so that a secret inside is found.
function answerText(res) {
  if (!res.body || res.body.readUInt32LE?.(0) !== 0x04034b50) return res.text;
  let out = '';
  for (let i = 0; i + 30 <= res.body.length;) {
    if (res.body.readUInt32LE(i) !== 0x04034b50) break;
    const method = res.body.readUInt16LE(i + 8);
    const size = res.body.readUInt32LE(i + 18);
    const start = i + 30 + res.body.readUInt16LE(i + 26) + res.body.readUInt16LE(i + 28);
    const data = res.body.subarray(start, start + size);
    try { out += method === 8 ? zlib.inflateRawSync(data).toString('utf8') : data.toString('utf8'); } catch { /* not text */ }
    i = start + size;
  }
  return out;
}

// ------------------------------------------------------------------ the checks
// Each resolves the list of failures for one pair (A owns, B reaches), or for A as owner.
// A course of institution A with one session of 3 participants, and a talk of A with one
// registrant (registered publicly), made once per run.
const outreachSession = (A) => cached(`os:${A.key}`, async () => {
  const c = await A.focal.post('/api/v1/outreach/courses', { name: `Curso de ${A.name}`, modality: 'presencial', population: 'Funcionarias', capacity: 10 });
  const s = await A.focal.post(`/api/v1/outreach/courses/${c.json.id}/sessions`, { starts_on: '01-2026', place: 'Santiago' });
  await A.focal.req('PUT', `/api/v1/outreach/sessions/${s.json.id}/participants`, { body: { rows: [{ institution: A.name, sex: 'mujer', count: 3 }] } });
  return { course: c.json.id, session: s.json.id };
});
// A talk a month from now: registration closes once a talk has begun, so no fixed date.
const inAMonth = () => {
  const d = new Date(Date.now() + 30 * 86400000);
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
};
const outreachTalk = (A) => cached(`ot:${A.key}`, async () => {
  const t = await A.focal.post('/api/v1/outreach/talks', { title: `Charla de ${A.name}`, place: 'En línea', date: inAMonth(), time: '18:00', capacity: 10 });
  const email = `inscrita.${crypto.randomBytes(4).toString('hex')}@correo.test`;
  await srv.request('POST', `/api/v1/outreach/public/talks/${t.json.id}/registrations`, { body: { name: 'Inscrita de Prueba', email, comuna_id: '13101' } });
  return { talk: t.json.id, email };
});

// One report of pharmacy A (a woman who said «Mascarilla 19» there), made once per run.
const pharmacyReport = (A) => cached(`m19:${A.key}`, async () => {
  const r = await A.pharmacy.post('/api/v1/pharmacy/reports', { alias: 'Prueba', safe_contact: 'Llamar por la tarde.', in_danger: false });
  assert.equal(r.status, 201, r.text);
  return r.json;
});

const CHECKS = {
  // ---- persons
  async personRead(A, B) {
    const v = await victim(A, 'shared');
    const before = await logCount(A, v, B);
    const r = await B.worker.get(`/api/v1/cases/persons/${v.person_id}`);
    const out = [judge(r, v, { extra: { summary: v.summary } })];
    if (r.status === 200) {
      const keys = Object.keys(r.json.identity ?? {}).filter((k) => IDENTITY_KEYS.includes(k));
      if (keys.length) out.push(`her identity carries ${keys.join(', ')}`);
    }
    // Answered or refused, the attempt on her file is in her access log.
    out.push(await logged(A, v, B, before));
    // Issue 11 item 7: what the alerts API refuses B (A's alert about her) the person view does not show.
    const withAlert = await vitalVictim(A, 'alert');
    const p = await B.worker.get(`/api/v1/cases/persons/${withAlert.person_id}`);
    const direct = await B.worker.get(`/api/v1/alerts/${withAlert.alert_id}`);
    if (p.status === 200 && REFUSED.includes(direct.status) && (p.json.summary?.open_alerts ?? []).some((a) => a.id === withAlert.alert_id))
      out.push(`her person view lists ${A.name}'s alert ${withAlert.alert_id}, which GET /api/v1/alerts/{id} refuses`);
    return out;
  },
  async personOwner(A) {
    const v = await victim(A, 'shared');
    const r = await A.worker.get(`/api/v1/cases/persons/${v.person_id}`);
    if (r.status !== 200) return [`owner reads her: ${r.status} ${r.text.slice(0, 200)}`];
    const seen = leaks(v, r.text, { extra: { summary: v.summary } });
    const missing = ['given_names', 'surname1', 'run', 'phone', 'address', 'summary'].filter((k) => !seen.includes(k));
    return [missing.length ? `the owner does not get her ${missing.join(', ')}` : null];
  },
  async personSearch(A, B) {
    // A weak search (names and birth year): whatever comes back carries nothing B did not type.
    const v = await victim(A, 'shared');
    const before = await logCount(A, v, B);
    const q = new URLSearchParams({ given_names: v.given_names, surname1: v.surname1, birth_date: v.birth_date.slice(-4) });
    const r = await B.worker.get(`/api/v1/cases/persons?${q}`);
    const out = [judge(r, v, { typed: SHARED_MINIMUM, extra: { summary: v.summary } })];
    if (r.status === 200 && r.json.items?.some((i) => i.person_id === v.person_id)) out.push(await logged(A, v, B, before));
    return out;
  },
  async personSearchOwner(A) {
    const v = await victim(A, 'shared');
    const r = await A.worker.get(`/api/v1/cases/persons?run=${v.run}`);
    const hit = r.json?.items?.find((i) => i.person_id === v.person_id);
    if (!hit) return [`the owner's search by RUN does not find her: ${r.status} ${r.text.slice(0, 200)}`];
    return [leaks(v, JSON.stringify(hit)).includes('phone') ? null : 'the owner\'s search does not show her phone'];
  },
  async accessLogRead(A, B) {
    const v = await victim(A, 'shared');
    return [refusedOnly(await B.worker.get(`/api/v1/cases/persons/${v.person_id}/access-log`), 'her access log')];
  },
  async accessLogOwner(A) {
    const v = await victim(A, 'shared');
    const r = await A.worker.get(`/api/v1/cases/persons/${v.person_id}/access-log`);
    return [r.status === 200 && Array.isArray(r.json.items) ? null : `owner reads her access log: ${r.status}`];
  },
  async emergencyAccess(A, B) {
    // Break-glass by design; what must hold is that A learns of it.
    const v = await victim(A, `emergency:${B.key}`);
    const r = await B.worker.post(`/api/v1/cases/persons/${v.person_id}/emergency-access`, { reason });
    if (REFUSED.includes(r.status)) return [];
    if (r.status !== 201) return [`emergency access answered ${r.status} ${r.text.slice(0, 200)}`];
    const notes = await A.worker.get('/api/v1/cases/notifications');
    const log = await A.worker.get(`/api/v1/cases/persons/${v.person_id}/access-log`);
    return [
      notes.json?.items?.some((n) => n.person_id === v.person_id && n.kind === 'emergency_access') ? null : `${A.name} is not notified`,
      log.json?.emergency_accesses?.some((g) => g.institution === B.name) ? null : 'the emergency access is not in her access log',
    ];
  },

  // ---- records
  async recordRead(A, B) {
    const v = await victim(A, 'shared');
    const before = await logCount(A, v, B);
    const r = await B.worker.get(`/api/v1/cases/records/${v.record_id}`);
    const out = [judge(r, v, { extra: { summary: v.summary } })];
    if (r.status === 200) out.push(await logged(A, v, B, before));
    if (r.status === 403) out.push(await auditedDenied(B.worker, `case_record:${v.record_id}`));
    return out;
  },
  async recordOwner(A) {
    const v = await victim(A, 'shared');
    const r = await A.worker.get(`/api/v1/cases/records/${v.record_id}`);
    return [r.status === 200 && r.json.details?.summary === v.summary ? null : `owner reads the record: ${r.status} ${r.text.slice(0, 200)}`];
  },
  async recordAttach(A, B) {
    // Issue 11 item 1: B names A's woman by person_id, without an emergency reason.
    const v = await vitalVictim(A, `attach:${B.key}`);
    const who = [{ role: 'victim', person_id: v.person_id }];
    const tries = {
      contact: contact(who),
      risk_assessment: { kind: 'risk_assessment', occurred_at: iso(0), persons: who, details: { answers: await lowAnswers() } },
      closure: { kind: 'closure', occurred_at: iso(0), persons: who, details: { reason: 'egreso_favorable' } },
    };
    const out = [];
    for (const [kind, body] of Object.entries(tries)) {
      const r = await B.worker.post('/api/v1/cases/records', body);
      if (r.status < 400) out.push(`a ${kind} naming her person_id was accepted (${r.status})`);
    }
    out.push(...(await afterAttach(A, B, v)));
    // The same through linkage: B types only her names and birth year, and the record is linked
    // automatically to her. Linked or not, B gets nothing of her that it did not type.
    const w = await victim(A, `linkattack:${B.key}`);
    const typed = { given_names: w.given_names, surname1: w.surname1, surname2: w.surname2, birth_date: w.birth_date.slice(-4) };
    const r = await B.worker.post('/api/v1/cases/records', contact([{ role: 'victim', identity: typed }]));
    if (r.status === 201 && r.json.linkage[0].person_id === w.person_id) {
      const seen = judge(await B.worker.get(`/api/v1/cases/persons/${w.person_id}`), w, { typed: SHARED_MINIMUM, extra: { summary: w.summary } });
      if (seen) out.push(`her names and birth year linked B's record to her; afterwards B reads her: ${seen}`);
    }
    return out;
  },
  async recordAttachOwner(A) {
    const v = await victim(A, 'attach-own');
    const r = await A.worker.post('/api/v1/cases/records', contact([{ role: 'victim', person_id: v.person_id }]));
    return [r.status === 201 ? null : `the owner cannot add a record to its own woman: ${r.status} ${r.text.slice(0, 200)}`];
  },
  async batchAttach(A, B) {
    const v = await vitalVictim(A, `batch:${B.key}`);
    const r = await B.worker.post('/api/v1/cases/batches', { records: [{ idempotency_key: uniq(), ...contact([{ role: 'victim', person_id: v.person_id }]) }] });
    const status = r.json?.results?.[0]?.status ?? r.status;
    return [status < 400 ? `a batched record naming her person_id was accepted (${status})` : null, ...(await afterAttach(A, B, v))];
  },
  async batchAttachOwner(A) {
    const v = await victim(A, 'batch-own');
    const r = await A.worker.post('/api/v1/cases/batches', { records: [contact([{ role: 'victim', person_id: v.person_id }])] });
    return [r.json?.results?.[0]?.status === 201 ? null : `the owner's batch record: ${r.status} ${r.text.slice(0, 200)}`];
  },

  // ---- reviews and links
  async reviewRead(A, B) {
    const own = await ownReview(A);
    const out = [refusedOnly(await B.worker.get(`/api/v1/cases/reviews/${own.review_id}`), `${A.name}'s review`)];
    // Issue 11 item 3: a name and a birth year close to A's woman; B's review of it.
    const atk = await attackReview(A, B);
    if (atk.r.status !== 201) return [...out, `the name+birth-year record was refused (${atk.r.status}); nothing to review`];
    const decision = atk.linkage.linkage.decision;
    if (decision === 'link' || atk.linkage.person_id === atk.v.person_id) {
      out.push('a name and birth year attached B\'s record to her (automatic link)');
      out.push(judge(await B.worker.get(`/api/v1/cases/persons/${atk.v.person_id}`), atk.v, { typed: WEAK_TYPED }));
      return out;
    }
    if (!atk.linkage.linkage.review_id) return [...out, `test setup: no review was created (decision ${decision})`];
    const r = await B.worker.get(`/api/v1/cases/reviews/${atk.linkage.linkage.review_id}`);
    out.push(judge(r, atk.v, { typed: WEAK_TYPED, extra: { summary: atk.v.summary } }));
    if (r.status === 200 && r.json.right?.person_id === atk.v.person_id) out.push(await logged(A, atk.v, B, atk.before));
    return out;
  },
  async reviewList(A, B) {
    const own = await ownReview(A);
    const atk = await attackReview(A, B);
    const r = await B.worker.get('/api/v1/cases/reviews');
    if (r.status !== 200) return [`B's review queue: ${r.status}`];
    return [
      r.json.items.some((x) => x.id === own.review_id) ? `lists ${A.name}'s review` : null,
      judge(r, own.v, { extra: { summary: own.v.summary } }),
      judge(r, atk.v, { typed: WEAK_TYPED }),
    ];
  },
  async reviewDecide(A, B) {
    const own = await ownReview(A);
    const r = await B.worker.post(`/api/v1/cases/reviews/${own.review_id}`, { decision: 'distintas' });
    const still = await A.worker.get(`/api/v1/cases/reviews/${own.review_id}`);
    return [refusedOnly(r, `deciding ${A.name}'s review`), still.json?.state === 'pendiente' ? null : `the review is now ${still.json?.state}`];
  },
  async reviewOwner(A) {
    const own = await ownReview(A);
    const r = await A.worker.get(`/api/v1/cases/reviews/${own.review_id}`);
    const list = await A.worker.get('/api/v1/cases/reviews');
    return [
      r.status === 200 && leaks(own.v, r.text).includes('run') ? null : `the owner's review does not show its own woman's RUN: ${r.status} ${r.text.slice(0, 200)}`,
      list.json?.items?.some((x) => x.id === own.review_id) ? null : 'the owner\'s queue does not list its review',
    ];
  },
  async linkUndo(A, B) {
    const l = await autoLink(A, 'shared');
    const r = await B.worker.post(`/api/v1/cases/links/${l.link_id}/undo`, { reason: 'No es la misma persona según su documento.' });
    const p = await A.worker.get(`/api/v1/cases/persons/${l.v.person_id}`);
    return [refusedOnly(r, `undoing ${A.name}'s link`), p.json?.links?.find((x) => x.id === l.link_id)?.undone ? 'the link was undone' : null];
  },
  async linkUndoOwner(A) {
    const l = await autoLink(A, 'owner');
    const r = await A.worker.post(`/api/v1/cases/links/${l.link_id}/undo`, { reason: 'No es la misma persona según su documento.' });
    return [r.status === 200 ? null : `the owner cannot undo its link: ${r.status} ${r.text.slice(0, 200)}`];
  },

  // ---- referrals and notifications
  async referralStep(A, B, route) {
    // B sent the referral itself; acknowledging it belongs to A, the recipient.
    const ref = await referralTo(A, B);
    if (route.endsWith('first-contact')) {
      const ack = await A.worker.post(`/api/v1/cases/referrals/${ref.id}/acknowledge`, {});
      if (![200, 409].includes(ack.status)) return [`the recipient cannot acknowledge: ${ack.status}`];
    }
    const step = route.endsWith('first-contact') ? 'first-contact' : 'acknowledge';
    return [refusedOnly(await B.worker.post(`/api/v1/cases/referrals/${ref.id}/${step}`, {}), `${step} of a referral addressed to ${A.name}`)];
  },
  async referralList(A, B) {
    const third = OWNERS.worker.map((k) => inst[k]).find((x) => x !== A && x !== B);
    const ref = await referralTo(A, third);
    const out = [];
    for (const dir of ['in', 'out']) {
      const r = await B.worker.get(`/api/v1/cases/referrals?direction=${dir}`);
      if (r.status !== 200) { out.push(`B's referrals (${dir}): ${r.status}`); continue; }
      if (r.json.items.some((x) => x.id === ref.id)) out.push(`B's ${dir} list shows a referral from ${third.name} to ${A.name}`);
      out.push(judge(r, ref.identity));
    }
    return out;
  },
  async referralOwner(A, route) {
    // The recipient sees the referral with her phone (she consented), and takes each step.
    const from = OWNERS.worker.map((k) => inst[k]).find((x) => x !== A);
    const ref = await referralTo(A, from, `owner:${route}`);
    const inbox = await A.worker.get('/api/v1/cases/referrals?direction=in');
    const item = inbox.json?.items?.find((x) => x.id === ref.id);
    const out = [item && leaks(ref.identity, JSON.stringify(item)).includes('phone') ? null : `the recipient's inbox does not show the referral with her phone: ${inbox.status}`];
    if (route.endsWith('}/acknowledge') || route.endsWith('first-contact')) {
      const ack = await A.worker.post(`/api/v1/cases/referrals/${ref.id}/acknowledge`, {});
      out.push(ack.status === 200 ? null : `the recipient cannot acknowledge: ${ack.status} ${ack.text.slice(0, 200)}`);
    }
    if (route.endsWith('first-contact')) {
      const fc = await A.worker.post(`/api/v1/cases/referrals/${ref.id}/first-contact`, {});
      out.push(fc.status === 200 ? null : `the recipient cannot record the first contact: ${fc.status} ${fc.text.slice(0, 200)}`);
    }
    return out;
  },
  async notificationList(A, B) {
    const v = await notified(A);
    const r = await B.worker.get('/api/v1/cases/notifications');
    return [r.json?.items?.some((n) => n.person_id === v.person_id) ? `B sees a notification meant for ${A.name}` : null, judge(r, v)];
  },
  async notificationOwner(A) {
    const v = await notified(A);
    const r = await A.worker.get('/api/v1/cases/notifications');
    return [r.json?.items?.some((n) => n.person_id === v.person_id) ? null : `${A.name} is not notified of the emergency access`];
  },

  // ---- early alerts (the 1455 operator sees every alert by design, and is not a B here)
  async alertRead(A, B) {
    const v = await vitalVictim(A, 'alert');
    return [refusedOnly(await B.worker.get(`/api/v1/alerts/${v.alert_id}`), `${A.name}'s alert`)];
  },
  async alertList(A, B) {
    const v = await vitalVictim(A, 'alert');
    const r = await B.worker.get(`/api/v1/alerts?person_id=${v.person_id}&per_page=100`);
    if (REFUSED.includes(r.status)) return [];
    return [r.status === 200 && r.json.items.length === 0 ? null : `alerts about her: ${r.status} ${r.json?.items?.length ?? ''} item(s)`];
  },
  async alertTake(A, B) {
    const v = await vitalVictim(A, `take:${B.key}`);
    const r = await B.worker.post(`/api/v1/alerts/${v.alert_id}/take`, {});
    const still = await A.worker.get(`/api/v1/alerts/${v.alert_id}`);
    return [refusedOnly(r, `taking ${A.name}'s alert`), still.json?.state === 'nueva' ? null : `the alert is now ${still.json?.state}`];
  },
  async alertClose(A, B) {
    const v = await vitalVictim(A, `close:${B.key}`);
    const taken = await A.worker.post(`/api/v1/alerts/${v.alert_id}/take`, {});
    assert.equal(taken.status, 200, taken.text);
    const r = await B.worker.post(`/api/v1/alerts/${v.alert_id}/close`, { outcome: taken.json.outcomes[0].id, note: 'Cerrada por otra institución.' });
    const still = await A.worker.get(`/api/v1/alerts/${v.alert_id}`);
    return [refusedOnly(r, `closing ${A.name}'s alert`), still.json?.state === 'en_gestion' ? null : `the alert is now ${still.json?.state}`];
  },
  async alertOwner(A) {
    const v = await vitalVictim(A, 'alert');
    const r = await A.worker.get(`/api/v1/alerts/${v.alert_id}`);
    const list = await A.worker.get(`/api/v1/alerts?person_id=${v.person_id}`);
    return [r.status === 200 ? null : `the owner reads its alert: ${r.status}`,
      list.json?.items?.some((x) => x.id === v.alert_id) ? null : 'the owner\'s inbox does not list its alert'];
  },

  // ---- dispatches (units own them; the control centre is national)
  async dispatchList(A, B) {
    const d = await dispatchFixture(A, 'shared');
    const r = await B.unit.get('/api/v1/monitoring/dispatches');
    if (r.status !== 200) return [`B's dispatches: ${r.status}`];
    return [r.json.items.some((x) => x.id === d.id) ? `lists ${A.name}'s dispatch` : null,
      judge(r, d.identity, { extra: { victim: d.victimName, home: coords(d.place) } })];
  },
  async dispatchStatus(A, B) {
    const d = await dispatchFixture(A, `status:${B.key}`);
    const r = await B.unit.post(`/api/v1/monitoring/dispatches/${d.id}/status`, { state: 'aceptado' });
    const mine = await A.unit.get('/api/v1/monitoring/dispatches');
    const still = mine.json?.items?.find((x) => x.id === d.id);
    return [refusedOnly(r, `moving ${A.name}'s dispatch`), judge(r, d.identity, { extra: { victim: d.victimName } }),
      still?.state === 'enviado' ? null : `the dispatch is now ${still?.state}`];
  },
  async dispatchStream(A, B) {
    const headers = (c) => ({ headers: { Cookie: c.cookie, 'User-Agent': c.ua }, localAddress: c.address });
    const [mine, theirs] = await Promise.all([A, B].map((x) => WsClient.connect(srv.baseUrl, '/api/v1/monitoring/unit/live', headers(x.unit))));
    try {
      await Promise.all([mine, theirs].map((w) => w.next((m) => m?.type === 'hello', 5000)));
      const d = await dispatchTo(A, `stream:${B.key}`);
      await mine.next((m) => m?.type === 'dispatch' && m.dispatch?.id === d.id, 15_000);
      // A barrier instead of a wait: a dispatch to B itself, published after A's. Once B's stream
      // has it, anything of A's it was going to get would have arrived before it.
      const barrier = await dispatchTo(B, `barrier:${A.key}`);
      await theirs.next((m) => m?.type === 'dispatch' && m.dispatch?.id === barrier.id, 15_000);
      const got = theirs.messages.filter((m) => m.json?.type !== 'hello').map((m) => m.text).join('\n');
      return [got.includes(`"id":${d.id}`) ? `B's stream received ${A.name}'s dispatch` : null,
        judge({ status: 200, text: got }, d.identity, { extra: { victim: d.victimName } })];
    } finally {
      await Promise.all([mine.close(), theirs.close()]);
    }
  },
  async dispatchOwner(A) {
    const d = await dispatchFixture(A, 'shared');
    const r = await A.unit.get('/api/v1/monitoring/dispatches');
    const item = r.json?.items?.find((x) => x.id === d.id);
    return [item && JSON.stringify(item).includes(d.victimName) ? null : `the unit does not get its dispatch with the victim's name: ${r.status}`];
  },

  // ---- accounts (institution administrators)
  async userList(A, B) {
    const u = await account(A, 'shared');
    const r = await B.admin.get('/api/v1/users');
    if (r.status !== 200) return [`B's accounts: ${r.status}`];
    return [r.json.items.some((x) => x.id === u.id || x.institution?.id === A.id) ? `lists accounts of ${A.name}` : null];
  },
  async userRead(A, B) {
    const u = await account(A, 'shared');
    const r = await B.admin.get(`/api/v1/users/${u.id}`);
    return [refusedOnly(r, `${A.name}'s account`), r.text.includes(u.email) ? 'the answer carries the account\'s e-mail' : null];
  },
  async userPatch(A, B) {
    const u = await account(A, `patch:${B.key}`);
    const r = await B.admin.patch(`/api/v1/users/${u.id}`, { name: 'Nombre Cambiado Por Otra' });
    const now = await sysAdmin.get(`/api/v1/users/${u.id}`);
    return [refusedOnly(r, `renaming ${A.name}'s account`), now.json?.name === u.name ? null : `the account is now named ${now.json?.name}`];
  },
  async userResetTotp(A, B) {
    const u = await account(A, `totp:${B.key}`);
    return [refusedOnly(await B.admin.post(`/api/v1/users/${u.id}/reset-totp`, {}), `resetting the second factor of ${A.name}'s account`)];
  },
  async userCreateElsewhere(A, B) {
    const email = `obj.intrusa.${uniq()}@prueba.cl`;
    const r = await B.admin.post('/api/v1/users', { name: 'Cuenta Intrusa', email, institution_id: A.id, roles: ['case_worker'], password: newPassword() });
    const all = await sysAdmin.get('/api/v1/users');
    return [r.status >= 400 ? null : `created an account in ${A.name} (${r.status})`,
      all.json?.items?.some((x) => x.email === email) ? 'the account exists' : null];
  },
  async userOwner(A) {
    const u = await account(A, 'shared');
    const r = await A.admin.get(`/api/v1/users/${u.id}`);
    return [r.status === 200 && r.json.name === u.name ? null : `the owner's administrator reads its account: ${r.status}`];
  },

  // ---- outreach: a trainer edits only her institution's sessions and reads only her institution's
  // talks' registrants (src/outreach/access.cc); focal points hold outreach.manage.
  async sessionOwner(A) {
    const x = await outreachSession(A);
    const r = await A.focal.get(`/api/v1/outreach/sessions/${x.session}`);
    return [r.status === 200 && r.json.participants === 3 ? null : `the trainer reads her own session: ${r.status}`];
  },
  async outreachSessionRead(A, B) {
    const x = await outreachSession(A);
    return [refusedOnly(await B.focal.get(`/api/v1/outreach/sessions/${x.session}`), `${A.name}'s session`)];
  },
  async outreachSessionCounts(A, B) {
    const x = await outreachSession(A);
    const r = await B.focal.req('PUT', `/api/v1/outreach/sessions/${x.session}/participants`, { body: { rows: [] } });
    const after = await A.focal.get(`/api/v1/outreach/sessions/${x.session}`);
    return [refusedOnly(r, `${A.name}'s session counts`), after.json.participants === 3 ? null : `${A.name}'s counts changed`];
  },
  async outreachSessionCreate(A, B) {
    const x = await outreachSession(A);
    return [refusedOnly(await B.focal.post(`/api/v1/outreach/courses/${x.course}/sessions`, { starts_on: '01-2026', place: 'Intrusa' }), `a session in ${A.name}'s course`)];
  },
  async talkOwner(A) {
    const t = await outreachTalk(A);
    const r = await A.focal.get(`/api/v1/outreach/talks/${t.talk}/registrations`);
    return [r.status === 200 && r.json.items.some((x) => x.email === t.email) ? null : `the trainer reads her own talk's registrants: ${r.status}`];
  },
  async talkRegistrations(A, B) {
    const t = await outreachTalk(A);
    const r = await B.focal.get(`/api/v1/outreach/talks/${t.talk}/registrations`);
    return [refusedOnly(r, `${A.name}'s registrants`), r.text.includes(t.email) ? `${A.name}'s registrant's e-mail leaked` : null];
  },
  async talkAttendance(A, B) {
    const t = await outreachTalk(A);
    const r = await B.focal.post(`/api/v1/outreach/talks/${t.talk}/attendance`, { email: t.email });
    return [refusedOnly(r, `attendance in ${A.name}'s talk`), r.text.includes(t.email) ? 'e-mail leaked' : null];
  },

  // ---- «Mascarilla 19»: a pharmacy sees the status of its own reports only (src/pharmacy/access.cc)
  async pharmacyOwner(A) {
    const r = await pharmacyReport(A);
    const got = await A.pharmacy.get(`/api/v1/pharmacy/reports/${r.ref}`);
    return [got.status === 200 && got.json.state ? null : `the pharmacy reads its own report: ${got.status}`];
  },
  async pharmacyRead(A, B) {
    const r = await pharmacyReport(A);
    return [refusedOnly(await B.pharmacy.get(`/api/v1/pharmacy/reports/${r.ref}`), `${A.name}'s report`)];
  },
  async pharmacyList(A, B) {
    const r = await pharmacyReport(A);
    const list = await B.pharmacy.get('/api/v1/pharmacy/reports');
    if (list.status !== 200) return [`listing its own reports: ${list.status}`];
    return [list.json.items.some((x) => x.ref === r.ref) ? `${A.name}'s report is in the list` : null];
  },
  async pharmacyReportElsewhere(A, B) {
    const own = (await A.pharmacy.get('/api/v1/pharmacy/reports')).json;
    const r = await B.pharmacy.post('/api/v1/pharmacy/reports', { alias: 'Intrusa', safe_contact: 'No llamar.', in_danger: false, pharmacy_id: own.pharmacy.id });
    const after = (await A.pharmacy.get('/api/v1/pharmacy/reports')).json;
    return [refusedOnly(r, `reporting for ${A.name}`), after.items.length === own.items.length ? null : `${A.name} has a new report`];
  },

  // ---- own sessions
  async sessionDelete() {
    const [victimSession, other, intruder] = await Promise.all(['analista@equidad.demo', 'analista@equidad.demo', 'enlace@equidad.demo'].map((e) => signIn(e)));
    const sid = (await victimSession.get('/api/v1/auth/sessions')).json.items.find((x) => x.current).id;
    const r = await intruder.del(`/api/v1/auth/sessions/${sid}`);
    const alive = await victimSession.get('/api/v1/auth/session');
    const own = await other.del(`/api/v1/auth/sessions/${sid}`);
    const gone = await victimSession.get('/api/v1/auth/session');
    return [refusedOnly(r, 'closing another account\'s session'), alive.status === 200 ? null : 'the session was closed by another account',
      own.status < 300 && gone.status === 401 ? null : `the owner cannot close its own session (${own.status}, then ${gone.status})`];
  },

  // ---- policy reports (institutions' objects; ministry analysts are national)
  async policyReportRead(A, B) {
    const rep = await policyReport(A);
    const r = await B.focal.get(`/api/v1/policy/reports/${rep.id}`);
    return [refusedOnly(r, `${A.name}'s report`), r.text.includes(rep.narrative) ? 'the answer carries the report' : null];
  },
  async policyReportList(A, B) {
    const rep = await policyReport(A);
    const r = await B.focal.get(`/api/v1/policy/reports?institution_id=${A.id}`);
    const all = await B.focal.get('/api/v1/policy/reports');
    return [[r, all].some((x) => x.text.includes(rep.narrative) || x.json?.items?.some((i) => i.id === rep.id)) ? `lists ${A.name}'s report` : null];
  },
  async policyReportExport(A, B, route) {
    const rep = await policyReport(A);
    const r = await B.focal.get(route.split(' ')[1]);
    if (REFUSED.includes(r.status)) return [];
    return [r.status === 200 ? null : `export: ${r.status}`, answerText(r).includes(rep.narrative) ? `the export carries ${A.name}'s report` : null];
  },
  async policyReportElsewhere(A, B) {
    const base = await policyBase();
    const r = await B.focal.post('/api/v1/policy/reports', { item_id: base.items[A.key].id, period_id: base.period.id, status: 'en_proceso', progress: 90, narrative: 'Reporte hecho por otra institución en su nombre.' });
    return [r.status >= 400 ? null : `reported on ${A.name}'s item (${r.status})`];
  },
  async policyEvidenceAdd(A, B) {
    const rep = await policyReport(A);
    const r = await B.focal.req('POST', `/api/v1/policy/reports/${rep.id}/evidence?filename=intrusa.txt`, { body: Buffer.from('Evidencia intrusa'), headers: { 'Content-Type': 'text/plain' } });
    return [refusedOnly(r, `attaching evidence to ${A.name}'s report`)];
  },
  async policyEvidenceRead(A, B) {
    const rep = await policyReport(A);
    const r = await B.focal.get(rep.evidence);
    return [refusedOnly(r, `${A.name}'s evidence`), r.text.includes(rep.narrative) ? 'the answer carries the evidence' : null];
  },
  async policyItemRead(A, B) {
    const rep = await policyReport(A);
    const r = await B.focal.get(`/api/v1/policy/items/${rep.item_id}`);
    return [r.text.includes(rep.narrative) ? `the item shows ${A.name}'s unvalidated report` : null];
  },
  // ---- PMG filings: another institution's focal point reaches for A's service and filing
  async pmgServiceRead(A, B) {
    const p = await pmgFiling(A);
    const r = await B.focal.get(`/api/v1/policy/pmg/services/${p.service_id}`);
    const mine = await B.focal.get('/api/v1/policy/pmg/mine');
    return [refusedOnly(r, `${A.name}'s PMG service`), r.text.includes(p.narrative) ? 'the answer carries the programme' : null,
      mine.json?.items?.some((x) => x.service.id === p.service_id) ? `«Mi PMG» lists ${A.name}'s service` : null,
      REFUSED.includes(r.status) ? await auditedDenied(B.focal, `policy_item:${p.service_id}`) : null];
  },
  async pmgFileElsewhere(A, B) {
    const p = await pmgFiling(A);
    const r = await B.focal.post(`/api/v1/policy/pmg/services/${p.service_id}/filings`, { stage: 'avance', narrative: 'Informe presentado por otra institución en su nombre.' });
    return [refusedOnly(r, `filing for ${A.name}'s service`)];
  },
  async pmgFilingEdit(A, B, route) {
    const p = await pmgFiling(A);
    const r = route.startsWith('PATCH')
      ? await B.focal.patch(`/api/v1/policy/pmg/filings/${p.filing_id}`, { narrative: 'Edición hecha por otra institución distinta.' })
      : await B.focal.post(`/api/v1/policy/pmg/filings/${p.filing_id}/correct`, {});
    const after = await A.focal.get(`/api/v1/policy/pmg/services/${p.service_id}`);
    return [refusedOnly(r, `changing ${A.name}'s filing`), after.text.includes(p.narrative) ? null : `${A.name}'s programme changed`];
  },
  async pmgAnswer(A, B) {
    const p = await pmgFiling(A);
    const r = await B.focal.post(`/api/v1/policy/pmg/observations/${p.observation_id}/answer`, { answer: 'Respuesta escrita por otra institución.' });
    return [refusedOnly(r, `answering ${A.name}'s observation`)];
  },
  async pmgOwner(A) {
    const p = await pmgFiling(A);
    const r = await A.focal.get(`/api/v1/policy/pmg/services/${p.service_id}`);
    return [r.status === 200 && r.text.includes(p.narrative) ? null : `the owner reads its PMG service: ${r.status}`];
  },
  async policyReportOwner(A) {
    const rep = await policyReport(A);
    const r = await A.focal.get(`/api/v1/policy/reports/${rep.id}`);
    const e = await A.focal.get(rep.evidence);
    return [r.status === 200 && r.text.includes(rep.narrative) ? null : `the owner reads its report: ${r.status}`,
      e.status === 200 ? null : `the owner reads its evidence: ${e.status}`];
  },
};

// After an attempt to attach a record to A's woman: B still sees her masked, her level is A's, the
// case is open, and her timeline holds nothing of B.
async function afterAttach(A, B, v) {
  const seen = await B.worker.get(`/api/v1/cases/persons/${v.person_id}`);
  const mine = await A.worker.get(`/api/v1/cases/persons/${v.person_id}`);
  const byB = (mine.json?.timeline ?? []).filter((r) => r.institution_id === B.id);
  return [
    judge(seen, v, { extra: { summary: v.summary } }) && `afterwards B reads her: ${judge(seen, v, { extra: { summary: v.summary } })}`,
    mine.json?.summary?.risk_level === 'vital' ? null : `her risk level is now ${mine.json?.summary?.risk_level} (was vital)`,
    byB.length ? `her timeline now holds ${byB.map((r) => r.kind).join(', ')} of ${B.name}` : null,
  ];
}

// ------------------------------------------------------------------ the tests
// Every route that names an object, a person or a search: a path {param}, any GET (lists and
// searches take their filters in the query, which the API description does not list), or a body
// field naming a person or another object (persons, person_id, …_id).
// Permissions held only by national teams: system administration, the ministry's analysts and the
// 1455 control centre (src/auth/catalogue.cc).
const NATIONAL_PERMISSIONS = ['users.manage_all', 'institutions.manage', 'audit.read', 'alerts.configure', 'policy.validate',
  'legislative.manage', 'alerts.handle', 'monitoring.manage', 'channels.answer', 'channels.supervise'];
function selected(o) {
  if (o.pattern.includes('{')) return true;
  if (o.permission === 'public') return false;
  if (o.method === 'GET') return true;
  const props = Object.keys(o.op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
  return props.some((p) => p === 'persons' || /_id$/.test(p));
}

describe('known attacks (issue 11)', () => {
  test('issue 11 item 2: walking GET /api/v1/cases/persons/1..N gives no identity of persons the institution does not serve', async () => {
    // The walker's institution serves none of the demo's persons; its own woman is the only one
    // it may read in full.
    const B = inst.walker;
    const mine = await victim(B, 'walker-own');
    // First the woman B serves reads in full (no blanket refusal); read before the walk, since a
    // walk that trips the bulk-reading limit may be refused anything new for a while.
    const own = await B.worker.get(`/api/v1/cases/persons/${mine.person_id}`);
    assert.equal(own.status, 200, own.text);
    assert.ok(leaks(mine, own.text).includes('phone'), 'B does not see the woman it serves');
    const others = await Promise.all([victim(inst.centro, 'shared'), victim(inst.carab, 'shared')]);
    const before = await logCount(inst.centro, others[0], B);
    const max = Math.max(mine.person_id, ...others.map((o) => o.person_id)) + 2;
    const failures = [];
    let shown = 0;
    let refused = 0;
    for (let id = 1; id <= max; id++) {
      const r = await B.worker.get(`/api/v1/cases/persons/${id}`);
      if (r.status === 404 || r.status === 403 || r.status === 429) { refused++; continue; }
      if (r.status !== 200) { failures.push(`${id}: ${r.status}`); continue; }
      if (r.json.id === mine.person_id) continue;
      shown++;
      const keys = Object.keys(r.json.identity ?? {}).filter((k) => IDENTITY_KEYS.includes(k));
      const demo = Object.entries(DEMO_PERSON_DATA).filter(([, re]) => re.test(r.text)).map(([what]) => what);
      const known = others.flatMap((o) => leaks(o, r.text, { extra: { summary: o.summary } }));
      if (keys.length || demo.length || known.length)
        failures.push(`person ${id}: ${[...keys, ...demo, ...known].join(', ')}`);
    }
    const summary = `${max} ids walked: ${shown} answered, ${refused} refused; ${failures.length} with identity`;
    if (shown > 0) failures.unshift(await logged(inst.centro, others[0], B, before));
    const shownFailures = failures.filter(Boolean);
    assert.ok(shownFailures.length === 0, `${summary}\n  ${shownFailures.slice(0, 12).join('\n  ')}${shownFailures.length > 12 ? '\n  …' : ''}`);
  });
});

describe('object access between institutions', () => {
  test('every route with an id, a person_id or a search is classified', () => {
    const names = new Set(ops.map((o) => o.name));
    const missing = ops.filter(selected).map((o) => o.name).filter((n) => !CLASSES[n]);
    assert.deepEqual(missing, [], 'routes not in object_access_table.mjs: classify them (owned with a check, or why not)');
    const stale = Object.keys(CLASSES).filter((n) => !names.has(n) && !CLASSES[n].arriving);
    assert.deepEqual(stale, [], 'table entries for routes the server does not have');
    for (const [n, c] of Object.entries(CLASSES)) {
      if (c.kind === 'owned' || c.kind === 'own') {
        assert.ok(CHECKS[c.check], `${n}: no check «${c.check}»`);
        if (c.owner) assert.ok(CHECKS[c.owner], `${n}: no owner check «${c.owner}»`);
        if (c.kind === 'owned') assert.ok(OWNERS[c.actor], `${n}: unknown actor ${c.actor}`);
      } else {
        assert.ok(['national', 'public', 'none', 'aggregate'].includes(c.kind), `${n}: unknown kind ${c.kind}`);
        assert.ok(c.why?.length > 10, `${n}: say why no pair check applies`);
      }
    }
    // Public routes are what the route-permission test reviewed as public, and "national" routes
    // need a permission that only national teams hold: if a route opens to a per-institution
    // role (a unit, a case worker), its objects become owned and it must be classified again.
    for (const o of ops) {
      const c = CLASSES[o.name];
      if (c?.kind === 'public') assert.equal(o.permission, 'public', `${o.name} is not public`);
      if (c?.kind === 'national') assert.ok(NATIONAL_PERMISSIONS.includes(o.permission), `${o.name} is classified national but needs «${o.permission}»`);
    }
  });

  // One test per owned route: first A reads its own object in full, then every ordered pair.
  for (const [name, c] of Object.entries(CLASSES)) {
    if (c.kind !== 'owned') continue;
    test(`${name}: another institution's object is refused or masked${c.attack ? ` (${c.attack})` : ''}`, async () => {
      const failures = [];
      const note = (who, list) => { for (const f of list.flat()) if (f) failures.push(`${who}: ${f}`); };
      if (c.owner)
        for (const k of OWNERS[c.actor]) note(`${inst[k].name} (owner)`, await CHECKS[c.owner](inst[k], name));
      for (const [A, B] of pairs(c.actor, c.check)) note(`${A.name} → ${B.name}`, await CHECKS[c.check](A, B, name));
      assert.ok(failures.length === 0, `${name}: ${failures.length} failure(s)\n  ${failures.join('\n  ')}`);
    });
  }

  test('DELETE /api/v1/auth/sessions/{id}: another account\'s session cannot be closed', async () => {
    const failures = (await CHECKS.sessionDelete()).filter(Boolean);
    assert.ok(failures.length === 0, failures.join('\n'));
  });
});

// The checks themselves can fail: run with B = A (the owner reaching for its own object), each must
// report something, because A is entitled to what B is refused. Last, since it changes A's objects.
const SELF_EXEMPT = {
  referralStep: 'a referral to one\'s own institution is refused at creation, so there is no object to try',
  policyReportElsewhere: 'A already reported on its item this period (409), which is not an object rule',
};
describe('the checks can fail', () => {
  test('every pair check reports a failure when B is the owner itself', async () => {
    const silent = [];
    for (const [name, c] of Object.entries(CLASSES)) {
      if (c.kind !== 'owned' || SELF_EXEMPT[c.check]) continue;
      const A = inst[OWNERS[c.actor][0]];
      const found = (await CHECKS[c.check](A, A, name)).flat().filter(Boolean);
      if (!found.length) silent.push(`${name} (${c.check})`);
    }
    assert.deepEqual(silent, [], 'these checks pass even for the owner: they could not detect a leak');
  });
});
