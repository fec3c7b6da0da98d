// Two instances on one PostgreSQL vs one (issue 20, "Performance"): durable position ingest and the
// p99 position → console latency at a target rate, and the take-over time after SIGKILL of the owner.
// Run by bench/twoinstances/run.sh (which sets EQ_TEST_DB=postgresql and EQ_BIN).
//
// One run = one fresh database with the demo data; the three demo devices send batches of
// `batch` positions (device instants 1 ms apart, so none is a duplicate) at `rate` positions/s in
// total for `seconds`; a console (operator WebSocket, on a worker thread of its own so that it reads
// as fast as the server writes) is connected to the LAST instance.
//
// What is measured, and how:
// - acknowledged/s: positions answered 200 (the server answers after its commit) over the sending time.
// - durable/s (server side): rows in monitoring_positions (evaluated and committed by the engine's
//   owner) counted in PostgreSQL every 250 ms; the rate is the run's positions over the time from
//   the first send to the sample that saw the last of them stored.
// - latency: absolute clock (performance.timeOrigin + now) just before the request carrying a
//   position is written, and on the console thread when the frame with that position is parsed.
//   Split by path: "direct" (sent to the owner) and "queued" (sent to the other instance, through
//   monitoring_inbox).
// - the server's answer, position by position: `rejected` positions (the answer's `errors`, e.g.
//   absurd_speed) are NOT acknowledged and are counted apart; every acknowledged position is then
//   looked up in PostgreSQL by (device, device time): missing, stored twice, or stored unacknowledged.
// - answer latency (send → HTTP 200) per path, beside the console's: a tail in both is upstream of
//   the publication (request queue, commit), a tail on the console only is the stream's.
// - console messages missing: positions acknowledged but never seen on the console, with their
//   cause from the database: a position older than the device's last one evaluated is stored with
//   status 'stale' (history only, not shown live; its alarms still count).
//
// Routing (PIN): "device" (default) sends each device to one instance, as deploy/nginx/equidad.conf
// does for device requests (hash of the device's credentials); "request" alternates instances per
// request, which reorders a device's positions (the queued path is evaluated after a later direct
// batch: those become 'stale' — the 902 «missing» of the 08:51 run).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

import { freshDatabase, request, startServer, tempDir, sleep } from '../../tests/integration/harness.mjs';
import { loginDemo } from '../../tests/integration/auth_helpers.mjs';

const execFileP = promisify(execFile);
const rate = Number(process.env.RATE ?? 5000);
const seconds = Number(process.env.SECONDS ?? 20);
const batch = Number(process.env.BATCH ?? 50);
const pin = process.env.PIN ?? 'device';
// THREADS: the servers' --threads (default: the server's own default).
const threadArgs = process.env.THREADS ? ['--threads', process.env.THREADS] : [];
const basic = (id) => ({ Authorization: `Basic ${Buffer.from(`${id}:demo-secreto-${id}`).toString('base64')}` });
const DEVICES = [['demo-pulsera-1', -33.4378, -70.6505], ['demo-movil-1', -33.4379, -70.6505], ['demo-tag-1', -33.4600, -70.6300]];
const now = () => performance.timeOrigin + performance.now();

async function metric(srv, name) {
  const r = await srv.request('GET', '/metrics', { timeoutMs: 5000 });
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(r.text);
  return m ? Number(m[1]) : NaN;
}
// The server's own time for the positions route (request read → answer written), from its
// /metrics histogram: what share of requests took longer than each bucket. Set against the client's
// answer time, it tells waiting for a worker thread (client only) from engine + commit (both).
async function routeHistogram(srv) {
  const r = await srv.request('GET', '/metrics', { timeoutMs: 5000 });
  const re = /^equidad_http_request_duration_seconds_bucket\{route="\/api\/v1\/monitoring\/positions",le="([^"]+)"\} (\d+)$/gm;
  const out = {};
  for (let m; (m = re.exec(r.text));) out[m[1]] = Number(m[2]);
  return out;
}
function over(h) {
  const n = h['+Inf'] ?? 0;
  const share = (le) => (n ? +(100 * (1 - (h[le] ?? 0) / n)).toFixed(2) : NaN);
  return { requests: n, over_25ms_pct: share('0.025'), over_100ms_pct: share('0.1'), over_250ms_pct: share('0.25') };
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1) : NaN; };
// Where the console's positions spent their time inside the servers (src/http/stages.h), from the
// reserved operation metrics of every instance, merged: the commit is counted on the owner, the
// strand and the socket on the console's instance. Each stage's p50/p99 is the upper bound of the
// histogram bucket it falls in («≤ x ms»).
const STAGES = ['received_to_committed', 'writer_wait', 'writer_commit', 'committed_to_published', 'published_to_queued', 'queued_to_written', 'inbox_written', 'inbox_taken', 'relayed'];
// Per instance as well (the owner is the first; the console is on the last): the queued path's
// stages are the non-owner's (inbox_written, request → inbox commit) and the owner's (inbox_taken,
// request on the non-owner → drainer's take), the relay's is the receiver's.
function summarize(merged) {
  const out = {};
  for (const stage of STAGES) {
    const h = merged[stage];
    const n = h.get('+Inf') ?? 0;
    const bound = (p) => {
      if (!n) return null;
      for (const [le, c] of h) if (c >= p * n) return le === '+Inf' ? '> 5000' : `≤ ${+(Number(le) * 1000).toFixed(2)}`;
      return null;
    };
    out[stage] = { n, p50_ms: bound(0.5), p99_ms: bound(0.99), p999_ms: bound(0.999) };
  }
  return out;
}
async function stageHistograms(servers) {
  const empty = () => Object.fromEntries(STAGES.map((s) => [s, new Map()]));
  const merged = empty();
  const each = [];
  for (const srv of servers) {
    const admin = await loginDemo(srv, 'admin');
    const r = await admin.get('/api/v1/system/metrics');
    const mine = empty();
    const re = /^equidad_live_stage_seconds_bucket\{stage="([a-z_]+)",le="([^"]+)"\} (\d+)$/gm;
    for (let m; (m = re.exec(r.text));) {
      merged[m[1]]?.set(m[2], (merged[m[1]].get(m[2]) ?? 0) + Number(m[3]));
      mine[m[1]]?.set(m[2], Number(m[3]));
    }
    each.push(summarize(mine));
  }
  return { ...summarize(merged), by_instance: each };
}
// Load-independent counters: the servers' CPU (utime + stime from /proc, ms) and the database's
// committed transactions (pg_stat_database, every backend of the run's database: both instances,
// the bench's own samples included), per 1.000 positions.
const ticks = 100; // USER_HZ (clock ticks a second in /proc/<pid>/stat) on Linux
function cpuMs(pids) {
  let t = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      t += Number(f[11]) + Number(f[12]);
    } catch { /* exited */ }
  }
  return (1000 * t) / ticks;
}
async function sql(url, q) {
  const { stdout } = await execFileP('psql', [url, '-X', '-At', '-F', '\t', '-c', q], { timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  return stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t'));
}

// The demo database is made once (a server started with --demo on a fresh database, then stopped)
// and every run starts on a copy of it (CREATE DATABASE … TEMPLATE: a file copy, seconds instead of
// the demo's minute of inserts), so that ten runs of each configuration fit in about ten minutes.
// The same key file for all: the demo's sealed fields must open in every copy.
const keys = tempDir('equidad-bench-keys-');
const keyArgs = ['--keys', path.join(keys.dir, 'equidad.key')];
const template = await freshDatabase();
const templateName = template.url.replace(/^.*\//, '').replace(/\?.*$/, '');
const maintenance = template.url.replace(/\/[^/]*$/, '/postgres');
{
  const s = await startServer({ db: template.url, extraArgs: ['--demo', ...keyArgs], startTimeoutMs: 300_000 });
  for (let t = 0; t < 300 && (await metric(s, 'equidad_engine_owner')) !== 1; t++) await sleep(100);
  await s.stop();
}
// The copy's strategy (COPY=file_copy, the default, or wal_log). PostgreSQL 15's default,
// WAL_LOG, writes the whole demo database through the WAL and leaves its pages dirty in shared
// buffers, so the first run's positions share the disk with that copy's write-out and every few
// runs max_wal_size asks for a checkpoint in the middle of one; FILE_COPY copies the files and
// checkpoints before and after: every run starts right after a checkpoint, from the same state.
const copyStrategy = (process.env.COPY ?? 'file_copy').toUpperCase();
let copies = 0;
async function copyOfDemo() {
  const name = `${templateName}_${++copies}`;
  await sql(maintenance, `CREATE DATABASE ${name} TEMPLATE ${templateName} STRATEGY ${copyStrategy}`);
  await sql(maintenance, `ALTER DATABASE ${name} SET synchronous_commit = off`);  // as freshDatabase does
  return { url: template.url.replace(`/${templateName}`, `/${name}`), drop: () => execFileP('dropdb', ['--if-exists', `--maintenance-db=${maintenance}`, name], { timeout: 20_000 }).catch(() => {}) };
}

// What else happened to the machine and to PostgreSQL during a run (issue 20: one instance's p99
// moved 30 → 104 ms between quiet windows): the checkpointer's and background writer's counters
// (the whole cluster: other databases' writes count), the WAL written, the CPU time the kernel
// gave to everyone (steal and I/O wait included, /proc/stat), and what the run's database held.
const BGW = ['checkpoints_timed', 'checkpoints_req', 'checkpoint_write_time', 'checkpoint_sync_time', 'buffers_checkpoint', 'buffers_clean', 'buffers_backend', 'buffers_backend_fsync', 'maxwritten_clean'];
async function clusterCounters(url) {
  const [row] = await sql(url, `SELECT ${BGW.join(', ')}, pg_current_wal_lsn() - '0/0'::pg_lsn, (SELECT count(*) FROM pg_stat_activity WHERE datname IS DISTINCT FROM current_database() AND backend_type = 'client backend' AND state = 'active'), (SELECT count(*) FROM pg_database) FROM pg_stat_bgwriter`);
  const out = Object.fromEntries(BGW.map((k, i) => [k, Number(row[i])]));
  out.wal_bytes = Number(row[BGW.length]);
  out.other_active_backends = Number(row[BGW.length + 1]);
  out.databases = Number(row[BGW.length + 2]);
  return out;
}
function procStat() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f;
  return { busy: user + nice + system + irq + softirq, idle, iowait, steal, total: f.slice(0, 8).reduce((a, b) => a + b, 0) };
}
function delta(after, before) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));
}
// Run in each run's own database before it starts: rows the demo left and the tables' sizes.
async function databaseState(url) {
  const [[positions, inbox, incidents, size]] = await sql(url, `SELECT (SELECT count(*) FROM monitoring_positions), (SELECT count(*) FROM monitoring_inbox), (SELECT count(*) FROM monitoring_incidents), pg_database_size(current_database())`);
  return { positions: Number(positions), inbox: Number(inbox), incidents: Number(incidents), db_mb: +(Number(size) / 1048576).toFixed(1) };
}
// CHECKPOINT=1: also an explicit CHECKPOINT (as the postgres superuser, through runuser or sudo -n)
// right before the run's load starts; best effort, recorded per run.
async function explicitCheckpoint() {
  if (process.env.CHECKPOINT !== '1') return 'not asked';
  const port = new URL(template.url).port || '5432';
  for (const cmd of [['runuser', '-u', 'postgres', '--'], ['sudo', '-n', '-u', 'postgres']]) {
    try {
      await execFileP(cmd[0], [...cmd.slice(1), 'psql', '-X', '-q', '-p', port, '-c', 'CHECKPOINT'], { timeout: 120_000 });
      return 'done';
    } catch { /* the next way */ }
  }
  return 'not possible (no superuser)';
}

async function run(instances) {
  const copy = await copyOfDemo();
  const servers = [await startServer({ db: copy.url, extraArgs: ['--demo', ...keyArgs, ...threadArgs], startTimeoutMs: 300_000 })];
  for (let t = 0; t < 150 && (await metric(servers[0], 'equidad_engine_owner')) !== 1; t++) await sleep(100);
  for (let i = 1; i < instances; i++) servers.push(await startServer({ db: servers[0].dbUrl, extraArgs: [...keyArgs, ...threadArgs], startTimeoutMs: 300_000 }));
  const db = servers[0].dbUrl;
  // Start-up work (the territory preload, every module's first job run: the owner's purge and
  // sweeps) must not overlap the load: with one instance it did (the load began ~2 s after the only
  // server listened), with two the owner had the second's start-up to finish it. Wait until the
  // servers are idle (under 10 ms of CPU in 250 ms), at most 20 s; recorded per run.
  const settleStart = now();
  const settleCpuBefore = cpuMs(servers.map((x) => x.proc.pid));
  for (let prev = settleCpuBefore; now() - settleStart < 20_000;) {
    await sleep(250);
    const c = cpuMs(servers.map((x) => x.proc.pid));
    if (c - prev < 10) break;
    prev = c;
  }
  const settle = { ms: Math.round(now() - settleStart), cpu_ms: Math.round(cpuMs(servers.map((x) => x.proc.pid)) - settleCpuBefore) };
  const dbState = await databaseState(db);
  const checkpoint = await explicitCheckpoint();
  const last = servers[servers.length - 1];
  const op = await loginDemo(last, 'operator');
  const consoleThread = new Worker(new URL('./console_worker.mjs', import.meta.url), { workerData: { baseUrl: last.baseUrl, cookie: op.cookie, ua: op.ua, address: op.address } });
  await new Promise((resolve, reject) => { consoleThread.once('message', resolve); consoleThread.once('error', reject); });

  const t0 = Date.now() + 2000;
  const perDevice = Math.ceil((rate * seconds) / DEVICES.length);
  const sentAt = new Map(); // device|at → absolute ms
  const pathOf = new Map(); // device|at → 'direct' | 'queued'
  // What the server answered, position by position: accepted (stored, live), stale or duplicate
  // (stored or already stored, not live), rejected (refused, with a reason: NOT acknowledged).
  let acked = 0, failed = 0, rejected = 0, k = 0;
  const answered = { accepted: 0, stale: 0, duplicates: 0 };
  const rejections = {}; // code → count
  const rejectedKeys = new Set();
  const ackedKeys = new Set(); // device|at of every position the server acknowledged (not rejected)
  const ackLat = { direct: [], queued: [] }; // send → HTTP answer, ms
  const started = now();
  // The server side, sampled while it runs: positions evaluated and stored, requests still queued.
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [[stored, queued]] = await sql(db, `SELECT (SELECT count(*) FROM monitoring_positions WHERE at >= ${t0}), (SELECT count(*) FROM monitoring_inbox)`).catch(() => [[NaN, NaN]]);
      samples.push({ t: now(), stored: Number(stored), queued: Number(queued) });
      await sleep(250);
    }
  })();
  // The PostgreSQL backends serving the run's database (the servers' pools; the bench's own psql
  // sessions come and go and are not among them): their CPU per position, load-independent.
  const pgPids = (await sql(db, 'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).map(([p]) => Number(p));
  const pgCpuBefore = cpuMs(pgPids);
  const clusterBefore = await clusterCounters(db);
  const machineBefore = procStat();
  const benchBefore = process.cpuUsage(); // µs, this process with its console thread
  const cpuBefore = cpuMs(servers.map((x) => x.proc.pid));
  const [[xactBefore]] = await sql(db, 'SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
  const interval = (1000 * batch) / rate; // ms between requests, all devices together
  const inflight = new Set();
  const next = DEVICES.map(() => 0);
  for (let n = 0; n * batch < rate * seconds; n++) {
    const due = started + n * interval;
    const wait = due - now();
    if (wait > 0) await sleep(wait);
    const d = n % DEVICES.length;
    const [id, lat, lon] = DEVICES[d];
    const positions = [];
    for (let j = 0; j < batch && next[d] < perDevice; j++, next[d]++) positions.push({ timestamp: t0 + next[d], lat, lon, battery: 80 });
    const srv = servers[pin === 'request' ? k++ % servers.length : d % servers.length];
    const via = srv === servers[0] ? 'direct' : 'queued';
    const at = now();
    for (const p of positions) { sentAt.set(`${id}|${p.timestamp}`, at); pathOf.set(`${id}|${p.timestamp}`, via); }
    const req = request('POST', '/api/v1/monitoring/positions', { baseUrl: srv.baseUrl, body: { positions }, headers: basic(id), timeoutMs: 30_000 })
      .then((r) => {
        if (r.status !== 200) { failed += positions.length; return; }
        ackLat[via].push(now() - at);
        const refused = new Set();
        for (const e of r.json?.errors ?? []) {
          refused.add(e.index);
          rejections[e.code] = (rejections[e.code] ?? 0) + 1;
        }
        for (const key of ['accepted', 'stale', 'duplicates']) answered[key] += r.json?.[key] ?? 0;
        rejected += refused.size;
        positions.forEach((p, i) => (refused.has(i) ? rejectedKeys : ackedKeys).add(`${id}|${p.timestamp}`));
        acked += positions.length - refused.size;
      })
      .catch(() => { failed += positions.length; })
      .finally(() => inflight.delete(req));
    inflight.add(req);
  }
  await Promise.all(inflight);
  const elapsed = (now() - started) / 1000;
  // Until everything acknowledged is evaluated and stored (or 30 s), then the last console messages.
  for (let t = 0; t < 120 && !(samples.length && samples[samples.length - 1].stored >= acked); t++) await sleep(250);
  await sleep(1500);
  sampling = false;
  await sampler;
  const cpuUsed = cpuMs(servers.map((x) => x.proc.pid)) - cpuBefore;
  const pgCpuUsed = cpuMs(pgPids) - pgCpuBefore;
  const machine = delta(procStat(), machineBefore);
  const benchUsed = process.cpuUsage(benchBefore);
  // Everyone else's CPU: the machine's busy time less the servers', their PostgreSQL backends' and
  // the bench's own (ms; /proc/stat counts USER_HZ ticks). Not zero on a quiet machine: PostgreSQL's
  // background processes, the bench's psql samples; large when another job shared the machine.
  const othersMs = (1000 * machine.busy) / ticks - cpuUsed - pgCpuUsed - (benchUsed.user + benchUsed.system) / 1000;
  const clusterAfter = await clusterCounters(db);
  const cluster = delta(clusterAfter, clusterBefore);
  await sleep(600); // the statistics collector's report of the last transactions
  const [[xactAfter]] = await sql(db, 'SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
  const finalStored = samples[samples.length - 1].stored;
  const allStoredAt = samples.find((s) => s.stored >= finalStored).t;
  const received = await new Promise((resolve) => { consoleThread.once('message', resolve); consoleThread.postMessage('stop'); });
  await consoleThread.terminate().catch(() => {});

  const lat = { direct: [], queued: [] };
  const seen = new Set();
  let consoleTwice = 0;
  for (let i = 0; i < received.keys.length; i++) {
    const key = received.keys[i];
    const t = sentAt.get(key);
    if (seen.has(key)) consoleTwice++;
    if (t === undefined || seen.has(key)) continue;
    seen.add(key);
    lat[pathOf.get(key)].push(received.times[i] - t);
  }
  const all = [...lat.direct, ...lat.queued];
  // Every acknowledged position must be in the database exactly once, and nothing else of the run:
  // compared key by key (device, device time), not by count.
  const storedKeys = new Map();
  for (const [d, a] of await sql(db, `SELECT device_id, at FROM monitoring_positions WHERE at >= ${t0}`)) {
    const key = `${d}|${a}`;
    storedKeys.set(key, (storedKeys.get(key) ?? 0) + 1);
  }
  const missingInDb = [...ackedKeys].filter((x) => !storedKeys.has(x));
  const twiceInDb = [...storedKeys].filter(([, n]) => n > 1).map(([x]) => x);
  const notAcked = [...storedKeys.keys()].filter((x) => !ackedKeys.has(x));
  const serverTime = [];
  for (const srv of servers) serverTime.push(over(await routeHistogram(srv)));
  const statuses = Object.fromEntries((await sql(db, `SELECT status, count(*) FROM monitoring_positions WHERE at >= ${t0} GROUP BY status ORDER BY status`)).map(([s, n]) => [s, Number(n)]));
  const result = {
    instances, rate, seconds, pin, threads: process.env.THREADS ?? 'default', acked, failed, answered, rejected, rejections,
    rejected_first: [...rejectedKeys].slice(0, 5),
    db_check: { acked: ackedKeys.size, missing: missingInDb.length, missing_first: missingInDb.slice(0, 5), stored_twice: twiceInDb.length, stored_not_acked: notAcked.length },
    ingest_ack_per_s: Math.round(acked / elapsed),
    durable_per_s: Math.round(finalStored / ((allStoredAt - started) / 1000)),
    stored: finalStored, stored_by_status: statuses,
    db_before: dbState, checkpoint, copy_strategy: copyStrategy, settle,
    pg: { checkpoints: cluster.checkpoints_timed + cluster.checkpoints_req, ...cluster, wal_mb: +(cluster.wal_bytes / 1048576).toFixed(1), wal_bytes: undefined, other_active_backends: undefined, databases: undefined },
    pg_others: { active_backends_before: clusterBefore.other_active_backends, active_backends_after: clusterAfter.other_active_backends, databases: clusterBefore.databases },
    machine: { busy_pct: +((100 * machine.busy) / Math.max(1, machine.total)).toFixed(1), iowait_pct: +((100 * machine.iowait) / Math.max(1, machine.total)).toFixed(1), steal_pct: +((100 * machine.steal) / Math.max(1, machine.total)).toFixed(1), load_after: loadNow(),
      cpu_s: { servers: +(cpuUsed / 1000).toFixed(2), pg_backends: +(pgCpuUsed / 1000).toFixed(2), bench: +((benchUsed.user + benchUsed.system) / 1e6).toFixed(2), others: +(othersMs / 1000).toFixed(2) } },
    per_1000_positions: { server_cpu_ms: +((1000 * cpuUsed) / Math.max(1, acked)).toFixed(1), pg_backends_cpu_ms: +((1000 * pgCpuUsed) / Math.max(1, acked)).toFixed(1), pg_backends: pgPids.length, db_commits: +((1000 * (Number(xactAfter) - Number(xactBefore))) / Math.max(1, acked)).toFixed(1) },
    console_msgs: seen.size, console_missing: acked - seen.size, console_twice: consoleTwice,
    server_time: serverTime,
    ack: { direct: { p50_ms: pct(ackLat.direct, 0.5), p99_ms: pct(ackLat.direct, 0.99) }, queued: { p50_ms: pct(ackLat.queued, 0.5), p99_ms: pct(ackLat.queued, 0.99) } },
    console_cut_off: received.closedAt ? `after ${Math.round(received.closedAt - started)} ms (code ${received.closeCode})` : null,
    p50_ms: pct(all, 0.5), p99_ms: pct(all, 0.99),
    direct: { n: lat.direct.length, p50_ms: pct(lat.direct, 0.5), p99_ms: pct(lat.direct, 0.99) },
    queued: { n: lat.queued.length, p50_ms: pct(lat.queued, 0.5), p99_ms: pct(lat.queued, 0.99) },
  };
  result.stages = await stageHistograms(servers).catch((e) => ({ error: String(e) }));
  // Take-over: kill the owner (the first) and time until another says it owns the engine.
  if (instances > 1) {
    const killedAt = now();
    servers[0].proc.kill('SIGKILL');
    await servers[0].exited;
    for (;;) {
      if ((await metric(last, 'equidad_engine_owner').catch(() => 0)) === 1) break;
      await sleep(20);
    }
    result.takeover_ms = Math.round(now() - killedAt);
  }
  for (const s of servers.reverse()) await s.stop().catch(() => {});
  await copy.drop();
  return result;
}

// RUNS=n: n runs of one instance and n of two, alternated (one, two, one, two…), each printed as
// it ends, then the distribution: median and max of each configuration's p99 → console and the
// ratio of the medians. One run of each (RUNS=1, the default) prints the single comparison.
const runs = Number(process.env.RUNS ?? 1);
const loadNow = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const f = (r, p) => `${r[p].p50_ms} / ${r[p].p99_ms} ms (${r[p].n})`;
const stageOf = (st) => STAGES.filter((s) => st?.[s]?.n).map((s) => `${s.replaceAll('_', ' ')} p50 ${st[s].p50_ms} / p99 ${st[s].p99_ms}`).join('; ');
const stageText = (r) => (r.stages?.error ? r.stages.error
  : r.instances === 1 ? stageOf(r.stages)
  : (r.stages?.by_instance ?? []).map((st, i) => `[${i === 0 ? 'owner' : 'non-owner, console'}] ${stageOf(st)}`).join(' '));
const row = (r) => `| ${r.run ?? 1} | ${r.instances} | ${r.rate} | ${r.ingest_ack_per_s} | ${r.durable_per_s} | ${r.rejected} ${JSON.stringify(r.rejections)} | ${r.db_check.missing} / ${r.db_check.stored_twice} | ${r.console_msgs} / ${r.acked}${r.console_cut_off ? ' (cut off ' + r.console_cut_off + ')' : ''} | ${r.p50_ms} ms | ${r.p99_ms} ms | ${f(r, 'direct')} | ${r.queued.n ? f(r, 'queued') : '—'} | ${r.ack.direct.p50_ms} / ${r.ack.direct.p99_ms} ms | ${r.takeover_ms ? r.takeover_ms + ' ms' : '—'} | ${r.load} |`;
const header = `| run | instances | target pos/s | acknowledged pos/s | durable pos/s (server) | rejected | acknowledged missing / twice in DB | console seen / acknowledged | p50 → console | p99 → console | direct p50/p99 | queued p50/p99 | answer p50/p99 (direct) | take-over | load before |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`;
const all = { one: [], two: [] };
const loadBefore = loadNow();
// INSTANCES=1 (or 2): only that configuration, RUNS times (finding what moves one instance's p99).
const configs = process.env.INSTANCES ? [Number(process.env.INSTANCES)] : [1, 2];
const envText = (r) => `CPU per 1.000 positions: servers ${r.per_1000_positions.server_cpu_ms} ms, PostgreSQL backends ${r.per_1000_positions.pg_backends_cpu_ms} ms; checkpoints ${r.pg.checkpoints} (timed ${r.pg.checkpoints_timed}, requested ${r.pg.checkpoints_req}, ${r.pg.buffers_checkpoint} buffers, write ${r.pg.checkpoint_write_time} ms, sync ${r.pg.checkpoint_sync_time} ms), bgwriter ${r.pg.buffers_clean} / backends ${r.pg.buffers_backend} buffers, WAL ${r.pg.wal_mb} MB; machine busy ${r.machine.busy_pct} % (CPU s: servers ${r.machine.cpu_s?.servers}, their PostgreSQL backends ${r.machine.cpu_s?.pg_backends}, bench ${r.machine.cpu_s?.bench}, everything else ${r.machine.cpu_s?.others}), iowait ${r.machine.iowait_pct} %, steal ${r.machine.steal_pct} %; other PG backends active ${r.pg_others.active_backends_before}/${r.pg_others.active_backends_after}, databases ${r.pg_others.databases}; run's database before: ${r.db_before.positions} positions, ${r.db_before.inbox} inbox, ${r.db_before.db_mb} MB; checkpoint ${r.checkpoint}, copy ${r.copy_strategy}; servers idle after ${r.settle?.ms} ms (${r.settle?.cpu_ms} ms of start-up CPU waited out)`;
for (let i = 1; i <= runs; i++) {
  for (const n of configs) {
    const load = loadNow();
    const r = await run(n);
    Object.assign(r, { run: i, load });
    all[n === 1 ? 'one' : 'two'].push(r);
    console.log(JSON.stringify(r));
    console.error(`run ${i} instances ${n}: p99 → console ${r.p99_ms} ms, answer p99 ${r.ack.direct.p99_ms} ms, load ${load}; stages (ms) ${stageText(r)}`);
    console.error(`  environment: ${envText(r)}`);
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log(header);
for (let i = 0; i < runs; i++) for (const r of [all.one[i], all.two[i]]) if (r) console.log(row(r));
console.log('');
console.log('what else happened during each run (PostgreSQL: the whole cluster; machine: /proc/stat):');
for (const r of [...all.one, ...all.two]) console.log(`  run ${r.run}, ${r.instances} instance(s): p99 ${r.p99_ms} ms; ${envText(r)}`);
// The tail against the checkpointer: the p99 median of the runs during which a checkpoint wrote
// buffers, and of those during which none did.
for (const [name, rs] of Object.entries(all)) {
  if (!rs.length) continue;
  const during = rs.filter((r) => r.pg.buffers_checkpoint > 0), clean = rs.filter((r) => !(r.pg.buffers_checkpoint > 0));
  const m = (xs) => (xs.length ? +median(xs.map((r) => r.p99_ms)).toFixed(1) : '—');
  console.log(`  ${name}: p99 median ${m(during)} ms over ${during.length} run(s) with checkpoint writes, ${m(clean)} ms over ${clean.length} without`);
}
console.log('');
console.log('stages inside the servers, p50 / p99 (upper bound of the bucket, ms):');
for (const r of [...all.one, ...all.two]) console.log(`  run ${r.run}, ${r.instances} instance(s): ${stageText(r)}`);
const dist = (rs) => {
  const p99 = rs.map((r) => r.p99_ms);
  return { p99_median: +median(p99).toFixed(1), p99_max: Math.max(...p99), p99_min: Math.min(...p99), durable_median: median(rs.map((r) => r.durable_per_s)),
    cpu: median(rs.map((r) => r.per_1000_positions.server_cpu_ms)), pg_cpu: median(rs.map((r) => r.per_1000_positions.pg_backends_cpu_ms)), commits: median(rs.map((r) => r.per_1000_positions.db_commits)) };
};
const one = all.one.length ? dist(all.one) : null, two = all.two.length ? dist(all.two) : null;
// Each stage's p50 / p99 bound, median over the runs, per instance (load-independent-ish: where
// the time goes, not how much the machine had to give).
const boundMs = (b) => (b == null ? NaN : b.startsWith('>') ? Infinity : Number(b.replace('≤ ', '')));
const stageMedians = (rs, pick) => STAGES.map((s) => {
  const xs = rs.map((r) => pick(r)?.[s]).filter((x) => x?.n);
  return xs.length ? `${s.replaceAll('_', ' ')} ≤ ${median(xs.map((x) => boundMs(x.p50_ms)))} / ≤ ${median(xs.map((x) => boundMs(x.p99_ms)))}` : null;
}).filter(Boolean).join('; ');
console.log('');
console.log('stage medians over the runs, p50 / p99 (ms, bucket bounds):');
if (one) console.log(`  one instance: ${stageMedians(all.one, (r) => r.stages)}`);
if (!one || !two) {
  if (two) console.log(`  two, owner: ${stageMedians(all.two, (r) => r.stages?.by_instance?.[0])}\n  two, non-owner (console): ${stageMedians(all.two, (r) => r.stages?.by_instance?.[1])}`);
  for (const [name, d] of [['one instance', one], ['two instances', two]]) if (d) console.log(`${name}: p99 → console median ${d.p99_median} ms, min ${d.p99_min}, max ${d.p99_max}; durable median ${d.durable_median}/s; per 1.000 positions: servers' CPU ${d.cpu} ms, PostgreSQL backends' CPU ${d.pg_cpu} ms, PostgreSQL commits ${d.commits}`);
  console.log(`runs: ${runs} of one configuration only; load average before ${loadBefore}, after ${loadNow()}`);
  await template.cleanup();
  keys.cleanup();
  process.exit(0);
}
console.log(`  two, owner: ${stageMedians(all.two, (r) => r.stages?.by_instance?.[0])}`);
console.log(`  two, non-owner (console): ${stageMedians(all.two, (r) => r.stages?.by_instance?.[1])}`);
console.log(`  two, queued path p50 / p99 → console median: ${median(all.two.map((r) => r.queued.p50_ms))} / ${median(all.two.map((r) => r.queued.p99_ms))} ms; direct: ${median(all.two.map((r) => r.direct.p50_ms))} / ${median(all.two.map((r) => r.direct.p99_ms))} ms`);
console.log('');
console.log(`runs: ${runs} of each; load average before ${loadBefore}, after ${loadNow()}`);
console.log(`one instance:  p99 → console median ${one.p99_median} ms, min ${one.p99_min}, max ${one.p99_max}; durable median ${one.durable_median}/s; per 1.000 positions: servers' CPU ${one.cpu} ms, PostgreSQL backends' CPU ${one.pg_cpu} ms, PostgreSQL commits ${one.commits}`);
console.log(`two instances: p99 → console median ${two.p99_median} ms, min ${two.p99_min}, max ${two.p99_max}; durable median ${two.durable_median}/s; per 1.000 positions: servers' CPU ${two.cpu} ms, PostgreSQL backends' CPU ${two.pg_cpu} ms, PostgreSQL commits ${two.commits}`);
await template.cleanup();
keys.cleanup();
console.log(`ratios (two / one, medians): p99 → console ${(two.p99_median / one.p99_median).toFixed(2)}, durable ${(two.durable_median / one.durable_median).toFixed(2)}`);
