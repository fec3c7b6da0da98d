// Two instances on one PostgreSQL vs one (issue 20, "Performance"): durable position ingest and the
// p99 position → console latency at a target rate, and the take-over time after SIGKILL of the owner.
// Run by bench/twoinstances/run.sh (which sets EQ_TEST_DB=postgresql and EQ_BIN).
//
// One run = one fresh database with the demo data; the three demo devices send batches of
// `batch` positions (device instants 1 ms apart, so none is a duplicate) at `rate` positions/s in
// total for `seconds`; a console (operator WebSocket) is connected to the LAST instance. Latency:
// from just before the request that carries a position is sent to the moment the console receives
// that position's live message. With two instances the devices alternate between them, so half the
// positions go through the non-owner's durable queue and every console message of a position sent
// to the owner crosses PostgreSQL's NOTIFY.
import os from 'node:os';
import path from 'node:path';

import { request, startServer, tempDir, sleep } from '../../tests/integration/harness.mjs';
import { loginDemo } from '../../tests/integration/auth_helpers.mjs';
import { WsClient } from '../../tests/integration/ws_client.mjs';

const rate = Number(process.env.RATE ?? 5000);
const seconds = Number(process.env.SECONDS ?? 20);
const batch = Number(process.env.BATCH ?? 50);
const basic = (id) => ({ Authorization: `Basic ${Buffer.from(`${id}:demo-secreto-${id}`).toString('base64')}` });
const DEVICES = [['demo-pulsera-1', -33.4378, -70.6505], ['demo-movil-1', -33.4379, -70.6505], ['demo-tag-1', -33.4600, -70.6300]];

async function metric(srv, name) {
  const r = await srv.request('GET', '/metrics', { timeoutMs: 5000 });
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(r.text);
  return m ? Number(m[1]) : NaN;
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };

async function run(instances) {
  const keys = tempDir('equidad-bench-keys-');
  const keyArgs = ['--keys', path.join(keys.dir, 'equidad.key')];
  const servers = [await startServer({ extraArgs: ['--demo', ...keyArgs], startTimeoutMs: 300_000 })];
  for (let t = 0; t < 150 && (await metric(servers[0], 'equidad_engine_owner')) !== 1; t++) await sleep(100);
  for (let i = 1; i < instances; i++) servers.push(await startServer({ db: servers[0].dbUrl, extraArgs: keyArgs, startTimeoutMs: 300_000 }));
  const last = servers[servers.length - 1];
  const op = await loginDemo(last, 'operator');
  const ws = await WsClient.connect(last.baseUrl, '/api/v1/monitoring/live', { headers: { Cookie: op.cookie, 'User-Agent': op.ua }, localAddress: op.address });
  const sentAt = new Map(); // device|at → ms
  const latencies = [];
  ws.messages = new Proxy([], { set(target, prop, value) { // consume as they come: no buffer growth
    if (prop !== 'length' && value?.json?.type === 'position') {
      const t = sentAt.get(`${value.json.device_id}|${value.json.at}`);
      if (t !== undefined) latencies.push(performance.now() - t);
      return true;
    }
    target[prop] = value; return true;
  } });
  const t0 = Date.now() + 2000;
  const perDevice = Math.ceil((rate * seconds) / DEVICES.length);
  let acked = 0, failed = 0, k = 0;
  const started = performance.now();
  const interval = (1000 * batch) / rate; // ms between requests, all devices together
  const inflight = new Set();
  const next = DEVICES.map(() => 0);
  for (let n = 0; n * batch < rate * seconds; n++) {
    const due = started + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const d = n % DEVICES.length;
    const [id, lat, lon] = DEVICES[d];
    const positions = [];
    for (let j = 0; j < batch && next[d] < perDevice; j++, next[d]++) positions.push({ timestamp: t0 + next[d], lat, lon, battery: 80 });
    const srv = servers[k++ % servers.length];
    const now = performance.now();
    for (const p of positions) sentAt.set(`${id}|${p.timestamp}`, now);
    const req = request('POST', '/api/v1/monitoring/positions', { baseUrl: srv.baseUrl, body: { positions }, headers: basic(id), timeoutMs: 30_000 })
      .then((r) => { if (r.status === 200) acked += positions.length; else failed += positions.length; })
      .catch(() => { failed += positions.length; })
      .finally(() => inflight.delete(req));
    inflight.add(req);
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  await sleep(3000); // the last console messages
  const result = { instances, rate, seconds, acked, failed, ingest_per_s: Math.round(acked / elapsed), console_msgs: latencies.length,
    p50_ms: +pct(latencies, 0.5).toFixed(1), p99_ms: +pct(latencies, 0.99).toFixed(1) };
  // Take-over: kill the owner (the first) and time until another says it owns the engine.
  if (instances > 1) {
    const killedAt = performance.now();
    servers[0].proc.kill('SIGKILL');
    await servers[0].exited;
    for (;;) {
      if ((await metric(last, 'equidad_engine_owner').catch(() => 0)) === 1) break;
      await sleep(20);
    }
    result.takeover_ms = Math.round(performance.now() - killedAt);
  }
  ws.socket.destroy();
  for (const s of servers.reverse()) await s.stop().catch(() => {});
  keys.cleanup();
  return result;
}

const load = os.loadavg().map((x) => x.toFixed(2)).join(' ');
const one = await run(1);
const two = await run(2);
console.log(JSON.stringify({ load_before: load, one, two, load_after: os.loadavg().map((x) => x.toFixed(2)).join(' ') }, null, 1));
console.log(`| instances | target pos/s | acknowledged pos/s | p50 → console | p99 → console | take-over |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of [one, two]) console.log(`| ${r.instances} | ${r.rate} | ${r.ingest_per_s} | ${r.p50_ms} ms | ${r.p99_ms} ms | ${r.takeover_ms ? r.takeover_ms + ' ms' : '—'} |`);
console.log(`ratios (two / one): ingest ${(two.ingest_per_s / one.ingest_per_s).toFixed(2)}, p99 ${(two.p99_ms / one.p99_ms).toFixed(2)}`);
