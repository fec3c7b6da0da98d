// Telematic monitoring when things go wrong: the server killed with SIGKILL while devices are
// sending (nothing acknowledged may be lost, nothing may be counted twice), device clocks that
// are off, and a dispatch unit that never answers (escalation to the police).
// (A broker restart for MQTT ingest is covered by the MQTT unit tests.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, request, sleep, startServer, tempDir } from './harness.mjs';
import { login, loginDemo } from './auth_helpers.mjs';
import { WsClient } from './ws_client.mjs';
import { alertKey, alertsOf, metric } from './monitoring_helpers.mjs';

const cleanups = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

const basic = (id, secret) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
const secretOf = (id) => `demo-secreto-${id}`;
const HOME = { lat: -33.4378, lon: -70.6505 }; // the demo victim's home: a zone of 300 m
const TAG_START = { lat: -33.4450, lon: -70.6470 }; // where the demo aggressor's tag stops (about 850 m away)
const M_LAT = 1 / 111_320;

async function demoOrderId(op) {
  const r = await op.get('/api/v1/monitoring/orders');
  // With the server's log: a 503 here was seen once and not reproduced since.
  assert.equal(r.status, 200, `${r.text}\nserver log:\n${op.server.stderr.slice(-4000)}`);
  return r.json.items.find((o) => o.label === 'RIT F-1234-2026').id;
}


// A demo server with an installation key of its own, and restarts of it on the same database and
// key. Stopped in reverse order when the file ends, so the first server drops the database last.
async function restartableDemo() {
  const keys = tempDir('equidad-it-keys-');
  cleanups.push(async () => keys.cleanup());
  const extraArgs = ['--demo', '--keys', path.join(keys.dir, 'equidad.key')];
  const started = async (db) => {
    const srv = await startServer({ db, extraArgs });
    cleanups.push(() => srv.stop());
    return srv;
  };
  const srv = await started();
  return { srv, restart: () => started(srv.dbUrl) };
}

describe('crash safety', () => {
  test('SIGKILL while three devices send: every acknowledged position and alert survives, none twice; a resend is all duplicates', async () => {
    const { srv: srv1, restart } = await restartableDemo();
    const addr = nextClientAddress();

    // Device instants: disjoint per device (ms offsets 0, 1, 2) so an alert's instant names its position.
    const t0 = Date.now() + 1000;
    const N = 420; // more than the 256 recent instants the server keeps per device for duplicate checks
    const stepMs = 100;
    const tagAt = (i) => t0 + i * stepMs;
    const braceletAt = (i) => t0 + i * stepMs + 1;
    const mobileAt = (i) => t0 + i * stepMs + 2;
    // The tag walks from 850 m south-east into the victim's home zone (5 m per 100 ms: 180 km/h,
    // under the speed limit), crossing the 1 km warning, the 500 m order, the 300 m zone, then back.
    const tagPlace = (i) => {
      const k = i < 200 ? i : 400 - i;
      const f = Math.min(1, Math.max(0, k / 170));
      return { lat: TAG_START.lat + (HOME.lat - TAG_START.lat) * f, lon: TAG_START.lon + (HOME.lon - TAG_START.lon) * f };
    };
    const acked = { tag: [], bracelet: [], mobile: [] }; // what the server acknowledged
    const sent = { tag: [], bracelet: [], mobile: [] };

    const post = (baseUrl, id, positions) => request('POST', '/api/v1/monitoring/positions',
      { baseUrl, body: { positions }, headers: basic(id, secretOf(id)), localAddress: addr, timeoutMs: 10_000 });
    const tagReq = (i) => ({ timestamp: tagAt(i), ...tagPlace(i), battery: 90 });
    const braceletReq = (i) => [0, 1].map((j) => ({
      timestamp: braceletAt(2 * i + j), lat: HOME.lat + 0.00001 * j, lon: HOME.lon, battery: 60, ...((2 * i + j) % 25 === 3 ? { alarm: 'sos' } : {}),
    }));
    const mobileParams = (i) => ({ id: 'demo-movil-1', key: secretOf('demo-movil-1'), lat: HOME.lat - 0.0001, lon: HOME.lon, timestamp: String(mobileAt(i)), batt: '80' });

    let stop = false;
    const loops = [
      (async () => { // the aggressor's tag: JSON, one position per request
        for (let i = 0; i < N && !stop; i++) {
          const body = [tagReq(i)];
          sent.tag.push({ i, body });
          const r = await post(srv1.baseUrl, 'demo-tag-1', body).catch(() => null);
          if (!r) break;
          assert.equal(r.status, 200, r.text);
          assert.equal(r.json.accepted, 1, r.text);
          acked.tag.push({ i, body, alerts: r.json.alerts });
        }
      })(),
      (async () => { // the victim's bracelet: JSON, two positions per request, a panic button now and then
        for (let i = 0; i < N / 2 && !stop; i++) {
          const body = braceletReq(i);
          sent.bracelet.push({ i, body });
          const r = await post(srv1.baseUrl, 'demo-pulsera-1', body).catch(() => null);
          if (!r) break;
          assert.equal(r.status, 200, r.text);
          assert.equal(r.json.accepted, 2, r.text);
          acked.bracelet.push({ i, body, alerts: r.json.alerts });
        }
      })(),
      (async () => { // the victim's mobile: OsmAnd GET
        for (let i = 0; i < N && !stop; i++) {
          const q = mobileParams(i);
          sent.mobile.push({ i, q });
          const r = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams(q)}`, { baseUrl: srv1.baseUrl, localAddress: addr, timeoutMs: 10_000 }).catch(() => null);
          if (!r) break;
          assert.equal(r.status, 200, r.text);
          acked.mobile.push({ i, q });
        }
      })(),
    ];
    // Kill once the tag is inside the zone and past the recent-instant window, mid-stream.
    const deadline = Date.now() + 60_000;
    while (acked.tag.length < 300 && Date.now() < deadline) await sleep(5);
    srv1.proc.kill('SIGKILL');
    const exit = await srv1.exited;
    assert.equal(exit.signal, 'SIGKILL');
    await Promise.all(loops);
    stop = true;
    assert.ok(acked.tag.length >= 300, `only ${acked.tag.length} tag positions acknowledged before the kill`);
    assert.ok(acked.bracelet.length > 50 && acked.mobile.length > 50, `bracelet ${acked.bracelet.length}, mobile ${acked.mobile.length}`);
    const unacked = ['tag', 'bracelet', 'mobile'].map((k) => sent[k].length - acked[k].length);
    assert.ok(unacked.every((n) => n <= 1), `at most one request in flight per device: ${unacked}`);

    // Restart on the same database and key.
    const srv2 = await restart();
    const op = await loginDemo(srv2, 'operator');
    const orderId = await demoOrderId(op);

    // 1. Every acknowledged position is stored.
    const trail = await op.get(`/api/v1/monitoring/orders/${orderId}/trail?minutes=30`);
    assert.equal(trail.status, 200, trail.text);
    const stored = Object.fromEntries(trail.json.devices.map((d) => [d.device_id, new Set(d.points.map((p) => p.at))]));
    const missing = [
      ...acked.tag.flatMap((a) => a.body.map((p) => p.timestamp)).filter((t) => !stored['demo-tag-1'].has(t)).map((t) => `tag ${t}`),
      ...acked.bracelet.flatMap((a) => a.body.map((p) => p.timestamp)).filter((t) => !stored['demo-pulsera-1'].has(t)).map((t) => `pulsera ${t}`),
      ...acked.mobile.map((a) => Number(a.q.timestamp)).filter((t) => !stored['demo-movil-1'].has(t)).map((t) => `movil ${t}`),
    ];
    assert.deepEqual(missing, [], 'acknowledged positions lost in the crash');

    // 2. Every alert reported to a device is stored, once.
    const before = await alertsOf(op, orderId);
    const keysBefore = before.map(alertKey);
    assert.equal(new Set(keysBefore).size, keysBefore.length, `duplicate alerts: ${keysBefore.filter((k, i) => keysBefore.indexOf(k) !== i)}`);
    const byAt = new Map();
    for (const a of before) byAt.set(a.at, (byAt.get(a.at) ?? 0) + 1);
    const reported = [...acked.tag, ...acked.bracelet].filter((a) => a.alerts > 0);
    assert.ok(reported.length >= 3, `the stream raised alerts: ${reported.length}`);
    const panics = acked.bracelet.flatMap((a) => a.body).filter((p) => p.alarm === 'sos');
    assert.ok(panics.length >= 2);
    for (const a of [...acked.tag, ...acked.bracelet]) {
      const storedHere = a.body.reduce((n, p) => n + (byAt.get(p.timestamp) ?? 0), 0);
      assert.equal(storedHere, a.alerts, `position(s) ${a.body.map((p) => p.timestamp)}: ${a.alerts} alerts acknowledged, ${storedHere} stored`);
    }
    for (const p of panics) assert.ok(before.some((x) => x.type === 'panic' && x.at === p.timestamp && x.device === 'demo-pulsera-1'), `panic at ${p.timestamp} lost`);
    const types = new Set(before.map((a) => a.type));
    for (const t of ['panic', 'zone_enter', 'proximity_breach']) assert.ok(types.has(t), `no ${t} alert in the stream: ${[...types]}`);

    // 3. The devices resend everything that was acknowledged (they cannot know what was stored):
    // all duplicates, no new alert.
    const addr2 = nextClientAddress();
    const statsBefore = (await op.get('/api/v1/monitoring/console')).json.stats;
    const notDuplicate = []; // resends the server did not recognise as such
    for (const [id, list] of [['demo-tag-1', acked.tag], ['demo-pulsera-1', acked.bracelet]]) {
      for (const a of list) {
        const r = await request('POST', '/api/v1/monitoring/positions', { baseUrl: srv2.baseUrl, body: { positions: a.body }, headers: basic(id, secretOf(id)), localAddress: addr2 });
        assert.equal(r.status, 200, r.text);
        if (r.json.duplicates !== a.body.length || r.json.alerts !== 0) notDuplicate.push(`${id} ${a.body[0].timestamp}${a.body.some((p) => p.alarm) ? ' (sos)' : ''}: ${r.text}`);
      }
    }
    for (const a of acked.mobile) {
      const r = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams(a.q)}`, { baseUrl: srv2.baseUrl, localAddress: addr2 });
      assert.equal(r.status, 200, r.text);
    }
    const after = await alertsOf(op, orderId);
    const counts = new Map();
    for (const k of after.map(alertKey)) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const k of keysBefore) counts.set(k, counts.get(k) - 1);
    const again = [...counts].filter(([, n]) => n !== 0).map(([k, n]) => `${k} ×${n}`);
    assert.deepEqual(again, [], `the resend of acknowledged positions stored ${after.length - before.length} alerts again (incident|type|device|instant × extra copies)`);
    const cons = await op.get('/api/v1/monitoring/console');
    assert.equal(cons.json.stats.accepted, statsBefore.accepted, `resent positions were accepted again: ${JSON.stringify(cons.json.stats)}`);
    assert.equal(cons.json.stats.alerts, statsBefore.alerts, `the resend raised alerts: ${JSON.stringify(cons.json.stats)}`);
    assert.deepEqual(notDuplicate.slice(0, 5), [], `${notDuplicate.length} of ${acked.tag.length + acked.bracelet.length} resent requests not answered as duplicates`);

    // 4. The stream goes on where it stopped: new positions are accepted and evaluated.
    const next = await request('POST', '/api/v1/monitoring/positions', {
      baseUrl: srv2.baseUrl, body: { positions: [{ timestamp: Date.now() + 60_000, lat: HOME.lat, lon: HOME.lon, alarm: 'sos' }] },
      headers: basic('demo-pulsera-1', secretOf('demo-pulsera-1')), localAddress: addr2,
    });
    assert.equal(next.status, 200, next.text);
    assert.equal(next.json.accepted, 1, next.text);
    assert.equal(next.json.alerts, 1, next.text);
    const last = await alertsOf(op, orderId);
    assert.equal(last.length, before.length + 1);
    assert.equal(new Set(last.map(alertKey)).size, last.length);
  });
});

describe('device clocks', () => {
  test('a clock 5 min ahead is accepted; 1 h ahead is refused on timestamp and counted in /console and /metrics', async () => {
    const srv = await startServer({ extraArgs: ['--demo'] });
    cleanups.push(() => srv.stop());
    const op = await loginDemo(srv, 'operator');
    const addr = nextClientAddress();
    const id = 'demo-movil-1';
    const stats0 = (await op.get('/api/v1/monitoring/console')).json.stats;
    const metric0 = await metric(srv, 'equidad_monitoring_positions_rejected_total');
    assert.equal(metric0, stats0.rejected);

    const ahead5 = Date.now() + 5 * 60_000;
    const ok = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams({ id, key: secretOf(id), lat: HOME.lat, lon: HOME.lon, timestamp: String(Math.floor(ahead5 / 1000)) })}`,
      { baseUrl: srv.baseUrl, localAddress: addr });
    assert.equal(ok.status, 200, ok.text);
    const cons = await op.get('/api/v1/monitoring/console');
    assert.equal(cons.json.devices.find((d) => d.device_id === id).at, Math.floor(ahead5 / 1000) * 1000, 'the fix 5 min ahead is stored as sent');

    const ahead60 = Date.now() + 3_600_000;
    const bad = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams({ id, key: secretOf(id), lat: HOME.lat, lon: HOME.lon, timestamp: String(ahead60) })}`,
      { baseUrl: srv.baseUrl, localAddress: addr });
    assertApiError(assert, bad, 422, 'bad_timestamp', 'timestamp');
    const batch = await request('POST', '/api/v1/monitoring/positions', {
      baseUrl: srv.baseUrl, body: { positions: [{ timestamp: new Date(ahead60).toISOString(), lat: HOME.lat, lon: HOME.lon }] }, headers: basic(id, secretOf(id)), localAddress: addr,
    });
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.json.rejected, 1, batch.text);
    assert.equal(batch.json.errors[0].field, 'timestamp');
    assert.equal(batch.json.errors[0].code, 'bad_timestamp');

    const stats1 = (await op.get('/api/v1/monitoring/console')).json.stats;
    assert.equal(stats1.rejected, stats0.rejected + 2, JSON.stringify(stats1));
    assert.equal(await metric(srv, 'equidad_monitoring_positions_rejected_total'), metric0 + 2);
    // Nothing of the refused fixes is shown or stored.
    assert.equal((await op.get('/api/v1/monitoring/console')).json.devices.find((d) => d.device_id === id).at, Math.floor(ahead5 / 1000) * 1000);
  });
});

describe('escalation', () => {
  test('an incident nobody takes escalates; a unit that never accepts brings in the police', async () => {
    const srv = await startServer({ extraArgs: ['--demo', '--monitoring-accept-timeout', '2', '--monitoring-take-timeout', '2'] });
    cleanups.push(() => srv.stop());
    const [op, muni, patrol] = await Promise.all([loginDemo(srv, 'operator'), loginDemo(srv, 'municipal'), login(srv, 'patrulla@equidad.demo')]);
    const ws = (c, p) => WsClient.connect(srv.baseUrl, p, { headers: { Cookie: c.cookie, 'User-Agent': c.ua }, localAddress: c.address });
    const [consoleWs, unitWs, policeWs] = await Promise.all([ws(op, '/api/v1/monitoring/live'), ws(muni, '/api/v1/monitoring/unit/live'), ws(patrol, '/api/v1/monitoring/unit/live')]);
    cleanups.push(async () => { await Promise.all([consoleWs.close(), unitWs.close(), policeWs.close()]); });
    for (const w of [consoleWs, unitWs, policeWs]) await w.next((m) => m?.type === 'hello', 15_000);

    const id = 'demo-pulsera-1';
    const r = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams({ id, key: secretOf(id), lat: HOME.lat, lon: HOME.lon, timestamp: String(Date.now()), alarm: 'sos' })}`,
      { baseUrl: srv.baseUrl, localAddress: nextClientAddress() });
    assert.equal(r.status, 200, r.text);
    const sent = Date.now();
    const raised = await consoleWs.next((m) => m?.type === 'incident' && m.incident.type === 'panic', 15_000);
    assert.equal(raised.incident.escalated, false);
    const incId = raised.incident.id;

    // Nobody takes it: escalated after the 2 s take timeout (the sweep runs every second).
    const esc = await consoleWs.next((m) => m?.type === 'incident' && m.incident.id === incId && m.incident.escalated === true, 15_000);
    const waited = Date.now() - sent;
    assert.ok(waited >= 1500, `escalated after ${waited} ms, before the 2 s take timeout`);
    assert.equal(esc.incident.state, 'nueva');
    assert.equal((await op.get(`/api/v1/monitoring/incidents/${incId}`)).json.incident.escalated, true);

    // Dispatched to the municipality, which never accepts: after the 2 s accept timeout the police get a dispatch too.
    const d = await op.post(`/api/v1/monitoring/incidents/${incId}/dispatch`, {});
    assert.equal(d.status, 201, d.text);
    assert.equal(d.json.dispatch.unit_name, 'Municipalidad de Santiago');
    const toUnit = await unitWs.next((m) => m?.type === 'dispatch' && m.dispatch.id === d.json.dispatch.id, 15_000);
    assert.equal(toUnit.dispatch.state, 'enviado');
    const toPolice = await policeWs.next((m) => m?.type === 'dispatch' && m.dispatch.incident_id === incId, 15_000);
    assert.equal(toPolice.dispatch.unit_name, 'Carabineros de Chile');
    assert.equal(toPolice.dispatch.state, 'enviado');
    const late = await unitWs.next((m) => m?.type === 'dispatch' && m.dispatch.id === d.json.dispatch.id && m.dispatch.escalated === true, 15_000);
    assert.equal(late.dispatch.state, 'enviado');

    const theirs = await patrol.get('/api/v1/monitoring/dispatches');
    assert.equal(theirs.status, 200, theirs.text);
    const pd = theirs.json.items.find((x) => x.incident_id === incId);
    assert.ok(pd, theirs.text);
    // The police accept and report; the municipality's list still shows its own, escalated.
    const acc = await patrol.post(`/api/v1/monitoring/dispatches/${pd.id}/status`, { state: 'aceptado' });
    assert.equal(acc.status, 200, acc.text);
    const mine = (await muni.get('/api/v1/monitoring/dispatches')).json.items.find((x) => x.id === d.json.dispatch.id);
    assert.equal(mine.escalated, true);
    assert.ok(!(await muni.get('/api/v1/monitoring/dispatches')).json.items.some((x) => x.id === pd.id), 'the municipality sees the police dispatch');
    const detail = await op.get(`/api/v1/monitoring/incidents/${incId}`);
    assert.equal(detail.json.dispatches.length, 2);
    const escalations = detail.json.actions.filter((a) => a.kind === 'escalada');
    assert.equal(escalations.length, 2, JSON.stringify(detail.json.actions));
    assert.ok(escalations.some((a) => /Carabineros de Chile/.test(a.note)), JSON.stringify(escalations));
  });
});

describe('ended orders across a restart', () => {
  test('after a restart an ended order stays ended: its devices are refused; one ended before its start does not stop the server', async () => {
    const { srv: srv1, restart } = await restartableDemo();
    const op1 = await loginDemo(srv1, 'operator');
    const demo = await demoOrderId(op1);
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('-');
    const future = await op1.post('/api/v1/monitoring/orders', {
      label: 'RIT F-7777-2026', victim_name: 'Ana Futura', victim_phone: '+56 9 5555 0101', aggressor_name: 'Juan Futuro',
      aggressor_phone: '+56 9 5555 0102', comuna_id: '13101', min_distance_m: 500, starts_on: tomorrow,
    });
    assert.equal(future.status, 201, future.text);
    for (const id of [demo, future.json.order.id]) {
      const r = await op1.post(`/api/v1/monitoring/orders/${id}/end`, { reason: 'Alzada por el tribunal' });
      assert.equal(r.status, 200, r.text);
    }
    // Stopped by hand: srv1.stop() would drop the database (it runs last, from the clean-ups).
    srv1.proc.kill('SIGTERM');
    assert.equal((await srv1.exited).code, 0);

    const srv2 = await restart();
    const op2 = await loginDemo(srv2, 'operator');
    const again = await op2.get(`/api/v1/monitoring/orders/${demo}`);
    assert.equal(again.json.order.status, 'terminada', again.text);
    assert.equal(again.json.order.ended_reason, 'Alzada por el tribunal');
    for (const id of ['demo-tag-1', 'demo-pulsera-1', 'demo-movil-1']) {
      const r = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams({ id, key: secretOf(id), lat: HOME.lat, lon: HOME.lon, timestamp: String(Date.now()), alarm: 'sos' })}`,
        { baseUrl: srv2.baseUrl, localAddress: nextClientAddress() });
      assertApiError(assert, r, 401, 'device_unauthenticated');
    }
  });
});
