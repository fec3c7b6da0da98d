// Load generator for the whole-server monitoring benchmark (bench/monitoring/ingest.sh starts the
// server and calls this). Node 20 built-ins only. Every phase is bounded in time and in count, and
// all traffic goes to 127.0.0.1.
//
//   node bench/monitoring/load.mjs --base http://127.0.0.1:PORT --pid PID [--orders 2000]
//        [--duration 10] [--conns 16] [--batch 50] [--rate 5000] [--lat-batch 10] [--sos 0.01]
//        [--phases register,batch,osmand,latency,healthz]
//
// Phases:
//   register  operator login (TOTP from the demo secret), N orders × (1 zone + 3 devices) through the
//             API; server RSS (/proc/PID/status VmRSS) before and after → bytes per device
//   batch     max throughput: JSON batches of --batch positions (HTTP Basic), --conns connections
//   osmand    max throughput: one OsmAnd GET per position, --conns connections
//   latency   paced --rate positions/s in batches of --lat-batch for --duration s; a fraction --sos
//             are panic presses sent alone; the operator's WebSocket measures send → incident message
//   healthz   /healthz requests/s with the same generator (baseline of the HTTP layer)
// Prints one JSON object with every figure on stdout (progress on stderr).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

import { WsClient } from '../../tests/integration/ws_client.mjs';
import { totpCode } from '../../tests/integration/auth_helpers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const BASE = args.base ?? 'http://127.0.0.1:8080';
const PID = Number(args.pid ?? 0);
const ORDERS = Math.min(Number(args.orders ?? 2000), 50_000);
const DURATION_S = Math.min(Number(args.duration ?? 10), 120);
const CONNS = Math.min(Number(args.conns ?? 16), 256);
const BATCH = Math.min(Number(args.batch ?? 50), 1000);
const RATE = Math.min(Number(args.rate ?? 5000), 100_000);
const LAT_BATCH = Math.min(Number(args['lat-batch'] ?? 10), 1000);
const SOS = Math.min(Number(args.sos ?? 0.01), 0.5);
const PHASES = new Set((args.phases ?? 'register,batch,osmand,latency,healthz').split(','));
const UA = 'EquidadMonitoringBench/1.0 (node)';
const url = new URL(BASE);
if (!['127.0.0.1', 'localhost'].includes(url.hostname)) throw new Error('loopback only');
void here;

const log = (...a) => console.error(new Date().toISOString().slice(11, 19), ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS + 8 });

function rssKiB() {
  if (!PID) return null;
  const s = fs.readFileSync(`/proc/${PID}/status`, 'utf8');
  return { rss: Number(/VmRSS:\s+(\d+)/.exec(s)[1]), hwm: Number(/VmHWM:\s+(\d+)/.exec(s)[1]) };
}
function cpuTicks() {
  if (!PID) return null;
  const f = fs.readFileSync(`/proc/${PID}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (100 Hz)
}

// One request on the keep-alive agent: resolves { status, text, json }.
function req(method, p, { body, headers = {}, ag = agent } = {}) {
  return new Promise((resolve, reject) => {
    const h = { 'User-Agent': UA, ...headers };
    let payload;
    if (body !== undefined) {
      payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      if (!h['Content-Type']) h['Content-Type'] = 'application/json';
      h['Content-Length'] = payload.length;
    }
    const r = http.request({ host: url.hostname, port: url.port, path: p, method, headers: h, agent: ag }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        if (/json/.test(res.headers['content-type'] ?? '')) { try { json = JSON.parse(text); } catch { /* keep text */ } }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}

// --- operator session
const session = { cookie: null, csrf: null };
async function loginOperator() {
  const step = await req('POST', '/api/v1/auth/login', { body: { email: 'operador@equidad.demo', password: 'Equidad2026!' } });
  if (step.status !== 200) throw new Error(`login: ${step.status} ${step.text}`);
  const cookieOf = (r) => /eq_session=([^;]*)/.exec([].concat(r.headers['set-cookie'] ?? []).join('\n'))?.[1];
  let c = cookieOf(step);
  if (step.json.next === 'totp') {
    // Steps already used by other logins of this account are refused: try the next ones.
    for (const off of [0, 1, -1]) {
      const code = totpCode('JBSWY3DPEHPK3PXP', Math.floor(Date.now() / 30_000) + off);
      const t = await req('POST', '/api/v1/auth/login/totp', { body: { challenge: step.json.challenge, code }, headers: c ? { Cookie: `eq_session=${c}` } : {} });
      if (t.status === 200) { c = cookieOf(t) ?? c; session.csrf = t.json.session?.csrf_token; break; }
    }
  } else {
    session.csrf = step.json.session?.csrf_token;
  }
  if (!c || !session.csrf) throw new Error('operator login failed');
  session.cookie = `eq_session=${c}`;
}
const asOperator = (method, p, body) => req(method, p, { body, headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf } });

// --- devices: an order every few hundred metres over Santiago; the aggressor lives 5 km away
const devices = []; // { id, secret, kind, home:{lat,lon}, t (device clock, ms), lat, lon }
function place(i) {
  const cols = 60;
  return { lat: -33.52 + Math.floor(i / cols) * 0.004, lon: -70.75 + (i % cols) * 0.004 };
}
async function pool(n, concurrency, fn) {
  let next = 0;
  const errors = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      try { await fn(i); } catch (e) { errors.push(e); if (errors.length > 5) throw e; }
    }
  }));
  return errors;
}

async function register() {
  const before = rssKiB();
  const engineBefore = (await asOperator('GET', '/api/v1/monitoring/console')).json?.stats?.devices ?? 0;
  const t0 = performance.now();
  const errors = await pool(ORDERS, 8, async (i) => {
    const home = place(i);
    const o = await asOperator('POST', '/api/v1/monitoring/orders', {
      label: `RIT BENCH-${i}-2026`, victim_name: 'Víctima de prueba', victim_phone: '+56 9 1234 5678', aggressor_name: 'Agresor de prueba',
      aggressor_phone: '+56 9 8765 4321', comuna_id: '13101', min_distance_m: 500, approach_m: 1000, victim_home: home,
      aggressor_home: { lat: home.lat - 0.045, lon: home.lon },
    });
    if (o.status !== 201) throw new Error(`order ${i}: ${o.status} ${o.text}`);
    const z = await asOperator('POST', `/api/v1/monitoring/orders/${o.json.order.id}/zones`, { label: 'Domicilio', shape: 'circle', lat: home.lat, lon: home.lon, radius_m: 200 });
    if (z.status !== 201) throw new Error(`zone ${i}: ${z.status} ${z.text}`);
    for (const kind of ['aggressor_tag', 'victim_bracelet', 'victim_mobile']) {
      const id = `bench-${kind}-${i}`;
      const d = await asOperator('POST', `/api/v1/monitoring/orders/${o.json.order.id}/devices`, { device_id: id, kind });
      if (d.status !== 201) throw new Error(`device ${id}: ${d.status} ${d.text}`);
      const start = kind === 'aggressor_tag' ? { lat: home.lat - 0.045, lon: home.lon } : { lat: home.lat + 0.0003, lon: home.lon };
      devices.push({ id, secret: d.json.secret, kind, auth: `Basic ${Buffer.from(`${id}:${d.json.secret}`).toString('base64')}`, t: Date.now() - 3_600_000, ...start });
    }
    if (i % 250 === 249) log(`registered ${i + 1} orders`);
  });
  const secs = (performance.now() - t0) / 1000;
  await sleep(1500); // let the allocator settle
  const after = rssKiB();
  const engineAfter = (await asOperator('GET', '/api/v1/monitoring/console')).json?.stats?.devices ?? 0;
  const n = devices.length;
  return {
    orders: ORDERS, zones: ORDERS, devices: n, requests: ORDERS * 5, seconds: +secs.toFixed(1), requests_per_s: Math.round((ORDERS * 5) / secs), errors: errors.length,
    engine_devices_before: engineBefore, engine_devices_after: engineAfter,
    rss_before_kib: before?.rss, rss_after_kib: after?.rss, bytes_per_device: before ? Math.round(((after.rss - before.rss) * 1024) / n) : null,
  };
}

// Next fix of a device: a slow walk (about 1 m per second of device time) near where it started.
function nextFix(d, extra) {
  d.t += 1000;
  d.lat += (Math.random() - 0.5) * 0.00002;
  d.lon += (Math.random() - 0.5) * 0.00002;
  return { timestamp: d.t, lat: +d.lat.toFixed(7), lon: +d.lon.toFixed(7), battery: 80, ...extra };
}
const pct = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};

// Closed loop: CONNS workers, each with its own slice of devices, for DURATION_S.
async function closedLoop(name, makeRequest) {
  const cpu0 = cpuTicks();
  const t0 = performance.now();
  const end = t0 + DURATION_S * 1000;
  let requests = 0; let positions = 0; let failures = 0;
  const lat = [];
  await Promise.all(Array.from({ length: CONNS }, async (_, w) => {
    const mine = devices.filter((_, i) => i % CONNS === w);
    let k = 0;
    while (performance.now() < end && requests < 5_000_000) {
      const s = performance.now();
      const r = await makeRequest(mine.length ? mine[k++ % mine.length] : null);
      lat.push(performance.now() - s);
      requests++;
      if (r.ok) positions += r.positions; else if (++failures < 5) log(`${name}: ${r.text?.slice(0, 200)}`);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const cpu = cpuTicks() - cpu0;
  return {
    seconds: +secs.toFixed(2), requests, requests_per_s: Math.round(requests / secs), positions_per_s: Math.round(positions / secs), failures,
    request_p50_ms: pct(lat, 50), request_p99_ms: pct(lat, 99), server_cpu_cores: cpu0 === null ? null : +(cpu / 100 / secs).toFixed(2),
  };
}

async function batchPhase() {
  return closedLoop('batch', async (d) => {
    const positions = Array.from({ length: BATCH }, () => nextFix(d));
    const r = await req('POST', '/api/v1/monitoring/positions', { body: { positions }, headers: { Authorization: d.auth } });
    return { ok: r.status === 200 && r.json?.accepted === BATCH, positions: r.json?.accepted ?? 0, text: r.text };
  });
}
async function osmandPhase() {
  return closedLoop('osmand', async (d) => {
    const f = nextFix(d);
    const r = await req('GET', `/api/v1/monitoring/osmand?id=${d.id}&key=${d.secret}&lat=${f.lat}&lon=${f.lon}&timestamp=${f.timestamp}&batt=80`);
    return { ok: r.status === 200, positions: r.status === 200 ? 1 : 0, text: r.text };
  });
}
async function healthzPhase() {
  return closedLoop('healthz', async () => {
    const r = await req('GET', '/healthz');
    return { ok: r.status === 200, positions: 0, text: r.text };
  });
}

// Open loop at RATE positions/s: every 10 ms the positions due are sent in batches of LAT_BATCH
// (one device per batch); every 1/SOS-th position is instead a panic press sent alone from a
// victim's bracelet. Latency: request start → the operator's WebSocket delivers the incident
// (matched on device and instant: a repeat folds into the open incident and updates last_at).
// The operator's WebSocket is read by a worker thread with its own event loop, so that a busy
// sender does not delay reading (instants: timeOrigin + now, comparable across threads).
const clock = () => performance.timeOrigin + performance.now();
async function latencyPhase() {
  const listener = new Worker(new URL(import.meta.url), { workerData: { listener: true, base: BASE, cookie: session.cookie } });
  await new Promise((resolve, reject) => {
    listener.once('message', (m) => (m.ready ? resolve() : reject(new Error(m.error))));
    listener.once('error', reject);
  });
  const pending = new Map(); // `${device}|${at}` → send time
  const lat = [];
  let positionMsgs = 0;
  let wsClosed = false;
  listener.on('message', (m) => {
    if (m.closed) { wsClosed = m.closed; positionMsgs = m.positions; return; }
    const sent = pending.get(m.key);
    if (sent !== undefined) { lat.push(m.at - sent); pending.delete(m.key); }
  });
  const stopListening = async () => {
    listener.postMessage('stop');
    const t = Date.now();
    while (!wsClosed && Date.now() - t < 3000) await sleep(20);
    await listener.terminate();
  };
  const bracelets = devices.filter((d) => d.kind === 'victim_bracelet');
  const others = devices.filter((d) => d.kind !== 'victim_bracelet');
  const latAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let sentPositions = 0; let sos = 0; let inflight = 0; let maxInflight = 0; let failures = 0; let behind = 0; let b = 0; let o = 0;
  const sosEvery = Math.max(1, Math.round(1 / SOS));
  const t0 = performance.now();
  const total = Math.round(RATE * DURATION_S);
  const send = (d, positions, isSos) => {
    inflight++; maxInflight = Math.max(maxInflight, inflight);
    if (isSos) pending.set(`${d.id}|${positions[0].timestamp}`, clock());
    req('POST', '/api/v1/monitoring/positions', { body: { positions }, headers: { Authorization: d.auth }, ag: latAgent })
      .then((r) => { if (r.status !== 200 || r.json?.accepted !== positions.length) { if (++failures < 5) log(`latency: ${r.text.slice(0, 200)}`); } })
      .catch(() => { failures++; })
      .finally(() => { inflight--; });
  };
  while (sentPositions < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE));
    if (due - sentPositions > RATE) behind++; // more than a second behind schedule
    while (sentPositions < due) {
      if (inflight >= 256) break; // the server cannot keep up: do not pile up sockets
      let batch = [];
      const d = others[o++ % others.length];
      while (batch.length < LAT_BATCH && sentPositions < due) {
        sentPositions++;
        if (sentPositions % sosEvery === 0) {
          const br = bracelets[b++ % bracelets.length];
          send(br, [nextFix(br, { alarm: 'sos' })], true);
          sos++;
        } else {
          batch.push(nextFix(d));
        }
      }
      if (batch.length) send(d, batch, false);
    }
    await sleep(10);
    if (performance.now() - t0 > (DURATION_S + 30) * 1000) break; // hard bound
  }
  const sendSecs = (performance.now() - t0) / 1000;
  const drain = performance.now() + 5000;
  while ((inflight > 0 || pending.size > 0) && performance.now() < drain) await sleep(20);
  await stopListening();
  latAgent.destroy();
  return {
    target_positions_per_s: RATE, achieved_positions_per_s: Math.round(sentPositions / sendSecs), seconds: +sendSecs.toFixed(2), positions: sentPositions,
    batch: LAT_BATCH, sos_sent: sos, incident_messages_matched: lat.length, unmatched: pending.size, failures, max_inflight: maxInflight, ticks_behind: behind,
    position_messages: positionMsgs, ws_closed_by_server: wsClosed === 'server', p50_ms: pct(lat, 50), p90_ms: pct(lat, 90), p99_ms: pct(lat, 99), max_ms: pct(lat, 100),
  };
}

if (!isMainThread && workerData?.listener) {
  const ws = await WsClient.connect(workerData.base, '/api/v1/monitoring/live', { headers: { Cookie: workerData.cookie, 'User-Agent': UA } })
    .catch((e) => { parentPort.postMessage({ error: String(e) }); process.exit(1); });
  await ws.next((m) => m?.type === 'hello', 3000);
  let positions = 0;
  ws.onMessage((m) => {
    if (!m.text.includes('"type":"incident"')) { positions++; return; }
    const inc = JSON.parse(m.text).incident;
    parentPort.postMessage({ key: `${inc.device_id}|${inc.last_at}`, at: performance.timeOrigin + m.at });
  });
  let stopping = false;
  ws.socket.on('close', () => { if (!stopping) parentPort.postMessage({ closed: 'server', positions }); });
  parentPort.on('message', async () => { stopping = true; await ws.close(); parentPort.postMessage({ closed: 'client', positions }); });
  parentPort.postMessage({ ready: true });
} else {
const out = { base: BASE, orders: ORDERS, duration_s: DURATION_S, conns: CONNS, batch: BATCH, rate: RATE, lat_batch: LAT_BATCH, sos: SOS };
await loginOperator();
out.rss_start_kib = rssKiB()?.rss;
if (PHASES.has('register')) { log('registering'); out.register = await register(); log(JSON.stringify(out.register)); }
if (!devices.length) throw new Error('no devices registered (the register phase is needed)');
if (PHASES.has('healthz')) { log('healthz'); out.healthz = await healthzPhase(); log(JSON.stringify(out.healthz)); }
if (PHASES.has('batch')) { log('batch'); out.batch_ingest = await batchPhase(); log(JSON.stringify(out.batch_ingest)); }
if (PHASES.has('osmand')) { log('osmand'); out.osmand_ingest = await osmandPhase(); log(JSON.stringify(out.osmand_ingest)); }
if (PHASES.has('latency')) { log('latency'); out.latency = await latencyPhase(); log(JSON.stringify(out.latency)); }
if (out.healthz) {
  out.ratios = {
    batch_requests_vs_healthz: out.batch_ingest ? +(out.batch_ingest.requests_per_s / out.healthz.requests_per_s).toFixed(3) : null,
    osmand_requests_vs_healthz: out.osmand_ingest ? +(out.osmand_ingest.requests_per_s / out.healthz.requests_per_s).toFixed(3) : null,
  };
}
const end = rssKiB();
out.rss_end_kib = end?.rss;
out.rss_peak_kib = end?.hwm;
agent.destroy();
console.log(JSON.stringify(out, null, 2));
process.exit(0);
}
