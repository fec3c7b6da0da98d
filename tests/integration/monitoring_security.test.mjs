// Issue 11, telematic monitoring, tried as an attacker would over real HTTP on the demo data:
// panic alarms cannot be silenced by failed device keys from the same address (NAT), device
// readings are range-checked, what locates a person is ciphertext at rest and the files are
// private, live streams are audited, /metrics does not say whether a console is watching, a unit
// reaches only its own dispatches, and `keys rotate` keeps every module readable (the retired key
// is refused; a backup names the key it needs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertApiError, dbKind, freshDatabase, nextClientAddress, request, runCommand, sleep, startServer, tempDir } from './harness.mjs';
import { UA, auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { WsClient } from './ws_client.mjs';

const HOME = { lat: -33.4378, lon: -70.6505 }; // the demo victim's home
const NAT = '127.0.0.1'; // every device and the attacker behind one address
const demoSecret = (id) => `demo-secreto-${id}`;
const basic = (id, secret) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

let srv;
let op; // operator (alerts.handle, monitoring.manage)
let muni; // municipal unit, Municipalidad de Santiago
let police; // police responder, Carabineros
let admin;
const keys = tempDir('equidad-it-monsec-');
const keyFile = path.join(keys.dir, 'equidad.key');

// One raw SQL query on the server's own database file / schema, as someone who copied it would.
function rawSql(dbUrl, sql) {
  const r = dbKind === 'sqlite'
    ? spawnSync('sqlite3', ['-separator', '|', dbUrl.slice('sqlite:'.length), sql], { encoding: 'utf8' })
    : spawnSync('psql', [dbUrl.replace(/[?&]options=[^&]*/, ''), '-At', '-F', '|', '-c', sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let lastAt = Date.now() - 60_000;
const nextAt = () => (lastAt = Math.max(Date.now(), lastAt + 1000));
function osmand(params, address = NAT) {
  return request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams(params)}`, { baseUrl: srv.baseUrl, localAddress: address });
}
function batch(id, secret, positions, address = NAT) {
  return request('POST', '/api/v1/monitoring/positions', { baseUrl: srv.baseUrl, body: { positions }, headers: basic(id, secret), localAddress: address });
}

before(async () => {
  srv = await startServer({ extraArgs: ['--demo', '--keys', keyFile] });
  [op, muni, police, admin] = await Promise.all([
    loginDemo(srv, 'operator'), loginDemo(srv, 'municipal'), login(srv, 'patrulla@equidad.demo'), loginDemo(srv, 'admin'),
  ]);
});
after(async () => { await srv?.stop(); keys.cleanup(); });

describe('panic alarms cannot be silenced', () => {
  test('after floods of wrong keys for the bracelet and of unknown ids from its address, its SOS is ingested and raises an incident', async () => {
    const wrong = [];
    for (let i = 0; i < 30; i++) {
      const r = await osmand({ id: 'demo-pulsera-1', key: `adivina-${i}`, lat: HOME.lat, lon: HOME.lon, timestamp: String(nextAt()) });
      wrong.push(r.status);
      if (r.status === 429) assertApiError(assert, r, 429, 'rate_limited');
      else assertApiError(assert, r, 401, 'device_unauthenticated');
    }
    assert.ok(wrong.includes(429), `wrong keys for one device were never throttled: ${wrong.join(',')}`);
    const unknown = [];
    for (let i = 0; i < 30; i++) unknown.push((await osmand({ id: `no-existe-${i}`, key: 'x', lat: HOME.lat, lon: HOME.lon })).status);
    assert.ok(unknown.includes(429), `unknown ids from one address were never throttled: ${unknown.join(',')}`);
    for (let i = 0; i < 5; i++) assert.ok([401, 429].includes((await batch('demo-pulsera-1', 'mala', [{ timestamp: Date.now(), lat: HOME.lat, lon: HOME.lon }])).status));

    // The real bracelet, same address, its own key: the panic press is taken.
    const at = nextAt();
    const sos = await osmand({ id: 'demo-pulsera-1', key: demoSecret('demo-pulsera-1'), lat: HOME.lat, lon: HOME.lon, timestamp: String(at), alarm: 'sos' });
    assert.equal(sos.status, 200, sos.text);
    assert.equal(sos.text, 'OK');
    const list = await op.get('/api/v1/monitoring/incidents?state=open');
    assert.equal(list.status, 200, list.text);
    const panic = list.json.items.find((i) => i.type === 'panic' && i.device_id === 'demo-pulsera-1' && i.last_at >= at);
    assert.ok(panic, `no panic incident: ${list.text}`);
    // The victim's mobile, same address, JSON batch with HTTP Basic: also taken.
    const mobile = await batch('demo-movil-1', demoSecret('demo-movil-1'), [{ timestamp: nextAt(), lat: HOME.lat, lon: HOME.lon, alarm: 'sos' }]);
    assert.equal(mobile.status, 200, mobile.text);
    assert.equal(mobile.json.accepted, 1, mobile.text);
    assert.ok(mobile.json.alerts >= 1, mobile.text);
    // The guesser is still throttled.
    assertApiError(assert, await osmand({ id: 'demo-pulsera-1', key: 'otra', lat: HOME.lat, lon: HOME.lon }), 429, 'rate_limited');
  });
});

describe('device answers made after the commit', () => {
  // Both device protocols answer from the writer's thread once the batch is committed
  // (http::Upgrade::answer_later): the answer must still be the whole one a synchronous route gives.
  test('a wrong key is a 401 with WWW-Authenticate on both protocols; OsmAnd\'s acknowledgement stays plain text', async () => {
    const address = nextClientAddress();
    const json = await batch('demo-tag-1', 'mala', [{ timestamp: nextAt(), lat: HOME.lat, lon: HOME.lon }], address);
    assertApiError(assert, json, 401, 'device_unauthenticated');
    assert.match(json.headers['www-authenticate'] ?? '', /realm=/, JSON.stringify(json.headers));
    const form = await osmand({ id: 'demo-tag-1', key: 'mala', lat: HOME.lat, lon: HOME.lon, timestamp: String(nextAt()) }, address);
    assertApiError(assert, form, 401, 'device_unauthenticated');
    assert.match(form.headers['www-authenticate'] ?? '', /realm=/, JSON.stringify(form.headers));
    const ok = await osmand({ id: 'demo-movil-1', key: demoSecret('demo-movil-1'), lat: HOME.lat, lon: HOME.lon, timestamp: String(nextAt()) }, address);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.text, 'OK');
    assert.match(ok.headers['content-type'], /^text\/plain/);
    // An invalid reading is refused after evaluation, with the field named, as before.
    const bad = await osmand({ id: 'demo-movil-1', key: demoSecret('demo-movil-1'), lat: 91, lon: HOME.lon, timestamp: String(nextAt()) }, address);
    assertApiError(assert, bad, 422, 'bad_coordinates');
    assert.equal(bad.json.error.field, 'lat', bad.text);
  });
});

describe('device readings', () => {
  test('absurd speed, bearing, altitude, accuracy and battery are refused naming the field; nothing is stored', async () => {
    const dev = 'demo-tag-1';
    const base = () => ({ id: dev, key: demoSecret(dev), lat: '-33.4850', lon: '-70.6300', timestamp: String(nextAt()) });
    for (const [k, v] of [['speed', '1e38'], ['speed', '400'], ['bearing', '400'], ['altitude', '1e9'], ['accuracy', '-5'], ['batt', '-3'], ['batt', '1e38']]) {
      const e = assertApiError(assert, await osmand({ ...base(), [k]: v }), 422, 'invalid_position', k);
      assert.match(e.message, /entre/);
    }
    for (const [k, v] of [['speed_kmh', 1e38], ['bearing', -1], ['altitude_m', 1e300], ['accuracy_m', 1e9], ['battery', -3], ['battery', 101]]) {
      assertApiError(assert, await batch(dev, demoSecret(dev), [{ timestamp: nextAt(), lat: -33.485, lon: -70.63, [k]: v }]), 422, 'invalid_position', `positions[0].${k}`);
    }
    assertApiError(assert, await batch(dev, demoSecret(dev), [{ timestamp: nextAt(), lat: -33.485, lon: -70.63, valid: 'sí' }]), 422, undefined, 'positions[0].valid');
    assertApiError(assert, await batch(dev, demoSecret(dev), [{ timestamp: nextAt(), lat: -33.485, lon: -70.63, alarm: 7 }]), 422, undefined, 'positions[0].alarm');
    const stored = rawSql(srv.dbUrl, "SELECT COUNT(*) FROM monitoring_positions WHERE speed_kmh > 500 OR accuracy_m < 0 OR battery < 0 OR battery > 100");
    assert.equal(stored, '0');
  });

  test('a panic press with a garbage reading is still taken, without the reading', async () => {
    const at = nextAt();
    const r = await osmand({ id: 'demo-pulsera-1', key: demoSecret('demo-pulsera-1'), lat: HOME.lat, lon: HOME.lon, timestamp: String(at), alarm: 'sos', speed: '1e38', batt: '900' });
    assert.equal(r.status, 200, r.text);
    const row = rawSql(srv.dbUrl, `SELECT COUNT(*) FROM monitoring_positions WHERE device_id = 'demo-pulsera-1' AND at = ${at} AND speed_kmh IS NULL AND battery IS NULL`);
    assert.equal(row, '1');
  });
});

describe('at rest', () => {
  test('positions, zones, incident places, RIT, court and notes are ciphertext in the database; the API reads them', async () => {
    const inc = (await op.get('/api/v1/monitoring/incidents?state=open')).json.items.find((i) => i.device_id === 'demo-pulsera-1');
    assert.ok(inc);
    const note = await op.post(`/api/v1/monitoring/incidents/${inc.id}/actions`, { kind: 'nota', note: 'Se refugia donde su hermana, Pasaje Los Aromos 12' });
    assert.equal(note.status, 201, note.text);
    const dump = [
      rawSql(srv.dbUrl, 'SELECT label, court, victim_name, victim_home FROM monitoring_orders'),
      rawSql(srv.dbUrl, 'SELECT label, lat, lon, polygon, geom_enc FROM monitoring_zones'),
      rawSql(srv.dbUrl, 'SELECT note FROM monitoring_actions'),
      rawSql(srv.dbUrl, 'SELECT lat, lon FROM monitoring_incidents WHERE lat IS NOT NULL'),
      rawSql(srv.dbUrl, 'SELECT lat, lon FROM monitoring_alerts WHERE lat IS NOT NULL'),
      rawSql(srv.dbUrl, 'SELECT lat, lon FROM monitoring_positions WHERE lat IS NOT NULL'),
    ].join('\n');
    // Each probe has a space, a dot or an accent, which base64url ciphertext never holds.
    for (const leak of ['RIT F-1234', 'Juzgado de', 'Domicilio de', 'Ana María', 'Los Aromos', '-33.4', '-70.6']) assert.ok(!dump.includes(leak), `«${leak}» in clear at rest:\n${dump}`);
    assert.ok(Number(rawSql(srv.dbUrl, "SELECT COUNT(*) FROM monitoring_positions WHERE loc_enc LIKE 'v1.%'")) > 30);

    const order = (await op.get('/api/v1/monitoring/orders')).json.items.find((o) => o.label === 'RIT F-1234-2026');
    assert.ok(order, 'the API reads the label back');
    const full = await op.get(`/api/v1/monitoring/orders/${order.id}`);
    assert.equal(full.json.order.court, 'Juzgado de Familia de Santiago');
    assert.ok(full.json.order.zones.some((z) => z.label === 'Domicilio de la víctima' && Math.abs(z.lat - HOME.lat) < 1e-9), full.text);
    const detail = await op.get(`/api/v1/monitoring/incidents/${inc.id}`);
    assert.equal(typeof detail.json.incident.lat, 'number', detail.text);
    assert.ok(detail.json.actions.some((a) => a.note === 'Se refugia donde su hermana, Pasaje Los Aromos 12'), detail.text);
    assert.ok(detail.json.track.devices.some((d) => d.points.length > 0 && typeof d.points[0].lat === 'number'));
    const ev = await op.get(`/api/v1/monitoring/incidents/${inc.id}/export`);
    assert.equal(ev.status, 200);
    assert.ok(ev.json.entries.some((e) => e.kind === 'position' && typeof e.data.lat === 'number'), 'the evidence carries the positions opened');
  });

  test('the database files and the key are readable by their owner only', { skip: dbKind !== 'sqlite' && 'PostgreSQL keeps its own files' }, () => {
    const db = srv.dbUrl.slice('sqlite:'.length);
    for (const f of [db, `${db}-wal`, `${db}-shm`, keyFile]) {
      if (!fs.existsSync(f)) continue;
      assert.equal(fs.statSync(f).mode & 0o077, 0, `${f} is mode ${(fs.statSync(f).mode & 0o777).toString(8)}`);
    }
    assert.ok(fs.existsSync(db));
  });
});

describe('object rules and streams', () => {
  test('a unit reaches only dispatches sent to its institution', async () => {
    const at = nextAt();
    const sos = await osmand({ id: 'demo-movil-1', key: demoSecret('demo-movil-1'), lat: HOME.lat, lon: HOME.lon, timestamp: String(at), alarm: 'sos' });
    assert.equal(sos.status, 200, sos.text);
    const inc = (await op.get('/api/v1/monitoring/incidents?state=open')).json.items.find((i) => i.device_id === 'demo-movil-1' && i.type === 'panic' && i.last_at >= at);
    assert.ok(inc);
    const d = await op.post(`/api/v1/monitoring/incidents/${inc.id}/dispatch`, {});
    assert.equal(d.status, 201, d.text);
    assert.equal(d.json.dispatch.unit_kind, 'municipal', d.text);
    const theirs = (await police.get('/api/v1/monitoring/dispatches')).json.items;
    assert.ok(!theirs.some((x) => x.id === d.json.dispatch.id), 'the police list shows a municipal dispatch');
    assertApiError(assert, await police.post(`/api/v1/monitoring/dispatches/${d.json.dispatch.id}/status`, { state: 'aceptado' }), 404, 'not_found');
    assert.equal((await police.get(`/api/v1/monitoring/incidents/${inc.id}`)).status, 403);
    const mine = await muni.post(`/api/v1/monitoring/dispatches/${d.json.dispatch.id}/status`, { state: 'aceptado' });
    assert.equal(mine.status, 200, mine.text);
  });

  test('opening and closing a live stream is audited with who; /metrics does not tell whether anyone is watching', async () => {
    const before = (await request('GET', '/metrics', { baseUrl: srv.baseUrl })).text;
    assert.doesNotMatch(before, /live_connections|websocket|consoles?/i);
    const ws = await WsClient.connect(srv.baseUrl, '/api/v1/monitoring/live', { headers: { Cookie: op.cookie, 'User-Agent': op.ua }, localAddress: op.address });
    await ws.next((m) => m?.type === 'hello', 15_000);
    const unit = await WsClient.connect(srv.baseUrl, '/api/v1/monitoring/unit/live', { headers: { Cookie: muni.cookie, 'User-Agent': muni.ua }, localAddress: muni.address });
    await unit.next((m) => m?.type === 'hello', 15_000);
    const during = (await request('GET', '/metrics', { baseUrl: srv.baseUrl })).text;
    const gauges = (t) => t.split('\n').filter((l) => l.startsWith('equidad_monitoring_')).map((l) => l.split(' ')[0]);
    assert.deepEqual(gauges(during), gauges(before), 'no monitoring metric appears with a console');
    // The operations alert "no console connected" reads it from the reserved endpoint instead:
    // anonymous 401, a role without system.metrics 403, the administration sees both streams.
    assert.equal((await request('GET', '/api/v1/system/metrics', { baseUrl: srv.baseUrl })).status, 401);
    assert.equal((await op.get('/api/v1/system/metrics')).status, 403);
    const reserved = await admin.get('/api/v1/system/metrics');
    assert.equal(reserved.status, 200, reserved.text);
    assert.match(reserved.text, /^equidad_monitoring_live_connections 2$/m);
    // The stage timings of positions on their way to a console (src/http/stages.h) count frames
    // written to consoles: reserved too, never public.
    assert.doesNotMatch(during, /live_stage/);
    assert.match(reserved.text, /^equidad_live_stage_seconds_count\{stage="queued_to_written"\} \d+$/m);
    await ws.close();
    await unit.close();
    const find = async (action, userId) => {
      for (let i = 0; i < 50; i++) {
        const e = (await auditEntries(admin, `action=${action}`)).find((x) => x.actor?.id === userId);
        if (e) return e;
        await sleep(100);
      }
      return null;
    };
    assert.ok(await find('monitoring.live_open', op.session.user.id), 'console stream opening not audited');
    assert.ok(await find('monitoring.live_close', op.session.user.id), 'console stream closing not audited');
    assert.ok(await find('monitoring.unit_live_open', muni.session.user.id), 'unit stream opening not audited');
    assert.ok(await find('monitoring.unit_live_close', muni.session.user.id), 'unit stream closing not audited');
  });
});

describe('keys', () => {
  test('rotation of a full demo database keeps every monitoring field readable; the retired key is refused; a backup names its key', async () => {
    const db = await freshDatabase();
    const dir = tempDir('equidad-it-monkeys-');
    const kf = path.join(dir.dir, 'equidad.key');
    const args = ['--db', db.url, '--keys', kf];
    try {
      const demo = await runCommand(['demo', ...args]);
      assert.equal(demo.code, 0, demo.stderr);
      const out = path.join(dir.dir, dbKind === 'sqlite' ? 'copia.db' : 'copia.dump');
      const backup = await runCommand(['backup', '--out', out, ...args]);
      assert.equal(backup.code, 0, backup.stderr);
      const fpBefore = /huella ([0-9a-f]{16})/.exec(backup.stdout)?.[1];
      assert.ok(fpBefore, backup.stdout);
      assert.match(fs.readFileSync(`${out}.clave.txt`, 'utf8'), new RegExp(`${fpBefore}[\\s\\S]*monitoring_positions\\.loc_enc: [1-9]`));
      assert.equal(fs.statSync(out).mode & 0o077, 0, 'the backup is private');

      const rotated = await runCommand(['keys', 'rotate', ...args]);
      assert.equal(rotated.code, 0, rotated.stderr);
      const s = await startServer({ db: db.url, extraArgs: ['--keys', kf] });
      try {
        const o2 = await loginDemo(s, 'operator');
        const orders = await o2.get('/api/v1/monitoring/orders');
        assert.equal(orders.status, 200, orders.text);
        const o = orders.json.items.find((x) => x.label === 'RIT F-1234-2026');
        assert.ok(o, orders.text);
        const full = (await o2.get(`/api/v1/monitoring/orders/${o.id}`)).json.order;
        assert.equal(full.victim_name, 'Ana María Rojas Pérez');
        assert.equal(full.aggressor_name, 'Luis Alberto Soto Muñoz');
        assert.equal(full.victim_phone, '+56 9 8765 4321');
        assert.equal(full.aggressor_phone, '+56 9 1234 5678');
        assert.equal(full.court, 'Juzgado de Familia de Santiago');
        assert.equal(typeof full.victim_home?.lat, 'number');
        assert.ok(full.zones.every((z) => z.label && (z.shape === 'circle' ? typeof z.lat === 'number' : z.polygon.length >= 3)), JSON.stringify(full.zones));
        assert.ok(full.devices.every((d) => typeof d.last?.lat === 'number'), JSON.stringify(full.devices));
        const inc = (await o2.get('/api/v1/monitoring/incidents?state=all')).json.items;
        assert.ok(inc.length > 0 && inc.every((i) => i.order_label === 'RIT F-1234-2026' && typeof i.lat === 'number'), JSON.stringify(inc));
        const tr = await o2.get(`/api/v1/monitoring/orders/${o.id}/trail?minutes=120`);
        assert.ok(tr.json.devices.every((d) => d.points.length > 0), tr.text);
      } finally {
        await s.stop();
      }
      const retired = fs.readdirSync(dir.dir).filter((f) => f.startsWith('equidad.key.retired-'));
      assert.equal(retired.length, 1);
      const after = await runCommand(['backup', '--out', `${out}.2`, ...args]);
      assert.equal(after.code, 0, after.stderr);
      assert.notEqual(/huella ([0-9a-f]{16})/.exec(after.stdout)?.[1], fpBefore, 'the new backup needs the new key');

      fs.copyFileSync(path.join(dir.dir, retired[0]), kf);
      const old = await startServer({ db: db.url, extraArgs: ['--keys', kf] }).catch((e) => e);
      assert.ok(old instanceof Error, 'the server must refuse to start with the retired key');
      assert.match(old.message, /descifrar/);
      assert.match(old.message, new RegExp(fpBefore));
    } finally {
      await db.cleanup();
      dir.cleanup();
    }
  });
});
