// One protective order (issue 12): the monitoring centre creates a monitored order FROM the
// registry's record of a court's order (its persons are the registry's persons), and the woman's
// page in the registry shows the monitored order and its incidents, within need-to-know. The
// registry's object rule (cases/access.h court_order_basis): «monitoring.manage» resolves telematic
// and approach orders only, never another kind of record nor her file.
// Needs the monitoring side of the contract (notes/protective_order.md, helper "mon"): POST
// /api/v1/monitoring/orders with record_id. The registry side alone is covered by
// tests/cases/protective_order_test.cc.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, request, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo } from './auth_helpers.mjs';

let srv;
let centre; // caso@: Centro de la Mujer Santiago, records the court's order
let op; // operador@: SernamEG control centre (monitoring.manage, alerts.handle), serves nobody in the registry
let police; // policia@: Carabineros de Chile, a plain user of another institution
let admin;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 180_000 }); // generous: CI machines are shared
  [centre, op, police, admin] = await Promise.all([
    loginDemo(srv, 'case_worker'), loginDemo(srv, 'operator'), login(srv, 'policia@equidad.demo'), loginDemo(srv, 'admin'),
  ]);
});
after(async () => { await srv?.stop(); });

const iso = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
const day = (daysAgo = 0) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('-');
const letters = (n) => Array.from(crypto.randomBytes(n), (b) => 'bcdfghjklmnprstvz'[b % 17] + 'aeiou'[(b >> 4) % 5]).join('');
const cap = (w) => w[0].toUpperCase() + w.slice(1);
const person = (sex, year) => ({ given_names: cap(letters(4)), surname1: cap(letters(4)), surname2: cap(letters(3)), birth_date: `0${1 + crypto.randomInt(9)}-0${1 + crypto.randomInt(9)}-${year}`, sex, comuna_id: '13101' });

// A court's order as the centre records it; returns {record_id, victim, aggressor} (person ids).
async function courtOrder(orderType, persons) {
  const details = { court: 'Juzgado de Familia de Santiago (1.º)', order_type: orderType, starts_on: day(1), ends_on: day(-180) };
  if (orderType === 'vigilancia_telematica' || orderType === 'prohibicion_acercamiento') details.distance_m = 300;
  const r = await centre.post('/api/v1/cases/records', {
    kind: 'protective_order', occurred_at: iso(1), comuna_id: '13101', consent_statistics: false, persons, details,
  });
  assert.equal(r.status, 201, r.text);
  const of = (role) => r.json.linkage.find((p) => p.role === role).person_id;
  return { record_id: r.json.id, victim: of('victim'), aggressor: of('aggressor') };
}
const monitoredBody = (record_id, over = {}) => ({
  record_id, label: `RIT F-${record_id}-2026 (${process.pid})`, victim_phone: '+56 9 5555 0101', aggressor_phone: '+56 9 5555 0102',
  approach_m: 1000, ...over,
});

describe('one protective order', () => {
  let woman, man, telematic, leavingHome, contactId;
  before(async () => {
    woman = person('F', 1990);
    man = person('M', 1984);
    telematic = await courtOrder('vigilancia_telematica', [{ role: 'victim', identity: woman }, { role: 'aggressor', identity: man }]);
    leavingHome = await courtOrder('salida_hogar', [{ role: 'victim', person_id: telematic.victim }, { role: 'aggressor', person_id: telematic.aggressor }]);
    const c = await centre.post('/api/v1/cases/records', {
      kind: 'contact', occurred_at: iso(0), comuna_id: '13101', persons: [{ role: 'victim', person_id: telematic.victim }],
      details: { channel: 'presencial', summary: 'Seguimiento.' },
    });
    assert.equal(c.status, 201, c.text);
    contactId = c.json.id;
  });

  test('the control centre creates the monitored order from the registry record; its persons are the registry persons', async () => {
    const r = await op.post('/api/v1/monitoring/orders', monitoredBody(telematic.record_id));
    assert.equal(r.status, 201, r.text);
    const o = r.json.order;
    assert.equal(o.record_id, telematic.record_id);
    assert.equal(o.victim_person_id, telematic.victim);
    assert.equal(o.aggressor_person_id, telematic.aggressor);
    assert.equal(o.court, 'Juzgado de Familia de Santiago (1.º)');
    assert.equal(o.min_distance_m, 300);
    assert.equal(o.victim_name, `${woman.given_names} ${woman.surname1} ${woman.surname2}`);

    // A second monitored order for the same record: 409 naming the first.
    const again = await op.post('/api/v1/monitoring/orders', monitoredBody(telematic.record_id, { label: `otra ${process.pid}` }));
    assertApiError(assert, again, 409);
    assert.match(again.json.error.message, new RegExp(`${o.id}`));

    // The read of her order is on her access log (basis "monitoring") and in the audit.
    const log = await centre.get(`/api/v1/cases/persons/${telematic.victim}/access-log`);
    assert.equal(log.status, 200, log.text);
    assert.ok(log.json.items.some((e) => e.action === 'monitoring' && e.user === 'Camila Herrera Silva'), log.text);
    const audit = await auditEntries(admin, 'action=case.court_order_read');
    assert.ok(audit.some((e) => e.object === `case_record:${telematic.record_id}` && e.outcome === 'ok'), JSON.stringify(audit).slice(0, 800));

    // A panic on the order's bracelet becomes an incident; her page shows the order and the incident, no coordinates.
    const dev = await op.post(`/api/v1/monitoring/orders/${o.id}/devices`, { device_id: `it-po-${process.pid}-${o.id}`, kind: 'victim_bracelet' });
    assert.equal(dev.status, 201, dev.text);
    const q = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams({
      id: dev.json.device_id ?? `it-po-${process.pid}-${o.id}`, key: dev.json.secret, lat: '-33.4378', lon: '-70.6505', timestamp: String(Date.now()), alarm: 'sos',
    })}`, { baseUrl: srv.baseUrl, localAddress: nextClientAddress() });
    assert.equal(q.status, 200, q.text);

    const page = await centre.get(`/api/v1/cases/persons/${telematic.victim}`);
    assert.equal(page.status, 200, page.text);
    const m = page.json.monitoring;
    assert.equal(m.length, 1, page.text);
    assert.equal(m[0].order_id, o.id);
    assert.equal(m[0].record_id, telematic.record_id);
    assert.equal(m[0].role, 'victim');
    assert.equal(m[0].status, 'vigente');
    assert.equal(m[0].starts_on, day(1));
    assert.ok(m[0].incidents.some((i) => i.type === 'panic'), JSON.stringify(m[0]));
    assert.doesNotMatch(JSON.stringify(m), /-33\.43|-70\.65|"lat"|"lon"/);
    // The aggressor's page shows it with his role.
    const his = await centre.get(`/api/v1/cases/persons/${telematic.aggressor}`);
    assert.equal(his.status, 200, his.text);
    assert.equal(his.json.monitoring[0].role, 'aggressor');
  });

  test('the control centre may not resolve another kind of order or record, nor read her file', async () => {
    for (const id of [leavingHome.record_id, contactId, 99_999_999]) {
      const r = await op.post('/api/v1/monitoring/orders', monitoredBody(id));
      assertApiError(assert, r, 404);
      assert.doesNotMatch(r.text, new RegExp(woman.surname1), 'no name of hers in a refusal');
    }
    assertApiError(assert, await op.get(`/api/v1/cases/persons/${telematic.victim}`), 404);
    const audit = await auditEntries(admin, 'action=case.court_order_read');
    assert.ok(audit.some((e) => e.object === `case_record:${leavingHome.record_id}` && e.outcome === 'denied'), 'refusal audited');
  });

  test("another institution's plain user gets 404: neither her page nor her monitored order", async () => {
    const r = await police.get(`/api/v1/cases/persons/${telematic.victim}`);
    assertApiError(assert, r, 404);
    assert.doesNotMatch(r.text, /monitoring|vigente/);
    assertApiError(assert, await police.post('/api/v1/monitoring/orders', monitoredBody(telematic.record_id)), 403);
  });
});
