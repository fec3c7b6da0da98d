// Open-loop load on the WhatsApp webhook (src/whatsapp): Meta's upper tier, 1.000 inbound messages
// and 3.000 statuses a second by default, each POST signed like Meta signs it (X-Hub-Signature-256,
// HMAC-SHA256 of the raw body with the app secret). Requests leave on a fixed schedule whatever the
// server answers (latency counts from the moment each request was DUE, so a stalled server is not
// hidden by a waiting client), over keep-alive connections as Meta's senders use. Then the same
// schedule of GET /healthz (the server's cheapest route) as a same-run baseline.
//
//   node bench/whatsapp/load.mjs <base-url> <app-secret> [MSG_PER_S=1000] [STATUS_PER_S=3000] [SECONDS=20] [USERS=2000]
//
// Users: messages come from a pool of USERS senders (one conversation and one queue contact each,
// reused after their first message); statuses name messages this server never sent (recorded,
// known = 0): the same lookup-and-insert as a real status. Node built-ins only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';

const [base, secret, msgRate = '1000', stRate = '3000', seconds = '20', users = '2000'] = process.argv.slice(2);
if (!base || !secret) {
  console.error('usage: node bench/whatsapp/load.mjs <base-url> <app-secret> [MSG_PER_S] [STATUS_PER_S] [SECONDS] [USERS]');
  process.exit(2);
}
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, noDelay: true, maxSockets: Number(process.env.BENCH_SOCKETS ?? 64) });
const PHONE_NUMBER_ID = '106540352242922';
const run = crypto.randomBytes(4).toString('hex');

const envelope = (value) => JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages',
  value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '56997007000', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }] });
let seq = 0;
function messageBody() {
  const u = seq % Number(users);
  const waId = `5690${String(u).padStart(7, '0')}`;
  const n = ++seq;
  return envelope({ contacts: [{ profile: { name: 'Carga' }, wa_id: waId, user_id: `CL.bench${run}${u}` }],
    messages: [{ from: waId, id: `wamid.bench-${run}-m${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text',
      text: { body: `mensaje de carga ${n} \u00e1\u00f1` } }] });
}
function statusBody() {
  const n = ++seq;
  const st = ['sent', 'delivered', 'read'][n % 3];
  return envelope({ statuses: [{ id: `wamid.bench-${run}-s${Math.floor(n / 3)}`, status: st, timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: '56911112222' }] });
}
const sign = (raw) => `sha256=${crypto.createHmac('sha256', secret).update(raw).digest('hex')}`;

function send(method, path, body) {
  return new Promise((resolve) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body),
      'X-Hub-Signature-256': sign(body) };
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(30_000, () => req.destroy());
    // Headers and body in one write: two small writes on one socket meet Nagle and the peer's
    // delayed ACK (40 ms a request), which would measure the client, not the server.
    req.end(body);
  });
}

// The server's backlog: deliveries accepted (answered 200) and not processed yet, from the line
// «whatsapp: inbox backlog N …» the server logs once a second while there is one (run.sh names the
// log in BENCH_SERVER_LOG). A binary that never logs it answers only after processing: 0.
const serverLog = process.env.BENCH_SERVER_LOG;
const backlog = async () => {
  if (!serverLog) return NaN;
  let text = '';
  try { text = fs.readFileSync(serverLog, 'utf8'); } catch { return NaN; }
  const all = [...text.matchAll(/whatsapp: inbox backlog (\d+)/g)];
  return all.length ? Number(all.at(-1)[1]) : 0;
};

// One phase: `kinds` is a list of [name, per second, make()] where make() answers [method, path, body].
async function phase(kinds, secs, watchInbox = false) {
  const stats = Object.fromEntries(kinds.map(([k]) => [k, { lat: [], status: {}, sent: 0 }]));
  const start = performance.now();
  const tickMs = 5;
  const pending = [];
  const due = Object.fromEntries(kinds.map(([k]) => [k, 0]));
  const cpu0 = process.cpuUsage();
  const server0 = serverCpu();
  const pg0 = pgCpu();
  let peak = 0;
  let sampling = watchInbox;
  const sampler = (async () => {
    while (sampling) {
      const n = await backlog();
      if (n > peak) peak = n;
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      if (elapsed >= secs * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (const [k, rate, make] of kinds) {
        // Requests due by now that were not sent yet: each keeps the time it was due.
        const target = Math.floor((elapsed / 1000) * rate);
        for (; due[k] < target; due[k]++) {
          const dueAt = start + (due[k] * 1000) / rate;
          const [m, p, b] = make();
          stats[k].sent++;
          pending.push(send(m, p, b).then((code) => {
            stats[k].lat.push(performance.now() - dueAt);
            stats[k].status[code] = (stats[k].status[code] ?? 0) + 1;
          }));
        }
      }
    }, tickMs);
  });
  await Promise.all(pending);
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const serverAnswered = serverCpu() - server0;
  sampling = false;
  await sampler;
  // Then until the backlog is processed: the processing rate is what must keep up with Meta.
  let drained = NaN;
  if (watchInbox) {
    for (let i = 0; i < 1200; i++) {
      const n = await backlog();
      if (n > peak) peak = n;
      if (n === 0) { drained = (performance.now() - start) / 1000; break; }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { stats, wall, clientCpu: (cpu.user + cpu.system) / 1e6, serverCpu: serverAnswered, serverCpuAll: serverCpu() - server0, peak, drained,
    watchInbox, pgCpuAll: pgCpu() - pg0 };
}

// The server's own CPU (user + system, seconds) from /proc, when run.sh names its pid: CPU per
// request does not depend on how loaded the machine is, latency does.
const serverPid = process.env.BENCH_SERVER_PID;
function serverCpu() {
  if (!serverPid) return NaN;
  try {
    const f = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz on Linux)
  } catch { return NaN; }
}

// PostgreSQL's backends serving this database (run.sh names it: BENCH_PG_DB), user + system
// seconds from /proc: the database's share of the work per delivery, also load-independent. The
// cluster's shared processes (WAL writer, checkpointer) are not counted.
const pgDb = process.env.BENCH_PG_DB;
function pgCpu() {
  if (!pgDb) return NaN;
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith('postgres: ') || !cmd.includes(` ${pgDb} `)) continue;
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(f[11]) + Number(f[12])) / 100;
    } catch { /* the process ended */ }
  }
  return total;
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
function report(title, { stats, wall, clientCpu, serverCpu: scpu, serverCpuAll, peak, drained, watchInbox, pgCpuAll }) {
  const n = Object.values(stats).reduce((a, s) => a + s.sent, 0);
  console.log(`\n${title} (wall ${wall.toFixed(1)} s incl. the last answer, server CPU ${scpu.toFixed(1)} s = ${((scpu * 1000) / n).toFixed(2)} ms per request, ` +
    `load tool CPU ${clientCpu.toFixed(1)} s, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  if (watchInbox)
    console.log(`processing: backlog peak ${peak} deliveries; inbox empty ${Number.isNaN(drained) ? 'NOT within 5 min' : `${drained.toFixed(1)} s after the first post`}` +
      ` = ${Number.isNaN(drained) ? '?' : (n / drained).toFixed(0)} deliveries processed/s; server CPU until then ${serverCpuAll.toFixed(1)} s = ` +
      `${((serverCpuAll * 1000) / n).toFixed(2)} ms per delivery` +
      (Number.isNaN(pgCpuAll) ? '' : `; PostgreSQL backends' CPU ${pgCpuAll.toFixed(1)} s = ${((pgCpuAll * 1000) / n).toFixed(2)} ms per delivery`));
  console.log('| kind | sent | answered/s | p50 ms | p95 ms | p99 ms | max ms | HTTP codes |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  const out = {};
  for (const [k, s] of Object.entries(stats)) {
    const l = [...s.lat].sort((a, b) => a - b);
    out[k] = { p99: pct(l, 99), ok: s.status[200] ?? 0, sent: s.sent };
    console.log(`| ${k} | ${s.sent} | ${(s.sent / wall).toFixed(0)} | ${pct(l, 50).toFixed(1)} | ${pct(l, 95).toFixed(1)} | ${pct(l, 99).toFixed(1)} | ` +
      `${l.at(-1)?.toFixed(1)} | ${Object.entries(s.status).map(([c, n]) => `${c}: ${n}`).join(', ')} |`);
  }
  return out;
}

const secs = Number(seconds);
console.log(`# WhatsApp webhook load: ${msgRate} messages/s + ${stRate} statuses/s for ${secs} s, ${users} senders, ` +
  `${agent.maxSockets} keep-alive sockets, ${os.cpus().length} CPUs, load average before ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const waRun = await phase([
  ['message', Number(msgRate), () => ['POST', '/api/v1/whatsapp/webhook', messageBody()]],
  ['status', Number(stRate), () => ['POST', '/api/v1/whatsapp/webhook', statusBody()]],
], secs, true);
const wa = report('webhook', waRun);
const total = Number(msgRate) + Number(stRate);
const hz = report(`baseline: GET /healthz at the same total rate (${total}/s)`, await phase([['healthz', total, () => ['GET', '/healthz']]], secs));
// The target holds only if processing keeps up too: otherwise the backlog reaches the bound
// (20.000) and Meta is answered 503 after a few more seconds than this run lasted.
const keepsUp = !waRun.watchInbox || (!Number.isNaN(waRun.drained) && waRun.drained <= secs + 5);
const ok = ['message', 'status'].every((k) => wa[k].ok === wa[k].sent && wa[k].p99 <= 250) && keepsUp;
const full = Number(msgRate) >= 1000 && Number(stRate) >= 3000 ? '' : ` at ${msgRate} + ${stRate}/s, NOT the target's 1000 + 3000/s`;
console.log(`\ntarget (every post 200, p99 <= 250 ms, backlog processed within 5 s of the last post${full}): ${ok ? 'MET' : 'NOT MET'}; p99 ratio webhook/healthz: message ` +
  `${(wa.message.p99 / hz.healthz.p99).toFixed(1)}x, status ${(wa.status.p99 / hz.healthz.p99).toFixed(1)}x`);
agent.destroy();
