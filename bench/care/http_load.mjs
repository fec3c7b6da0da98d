// Times POST /api/v1/care/search over real HTTP (one keep-alive client, requests one after another)
// against a running server, with a same-run baseline: GET /healthz on the same connection, timed
// the same way. Logs in as the demo case worker (caso@equidad.demo, TOTP from the demo secret).
//   node bench/care/http_load.mjs http://127.0.0.1:PORT [iterations]
// Prints one JSON line: p50/p99 (ms) of the search and of the baseline, houses found, load average.
import os from 'node:os';
import { login } from '../../tests/integration/auth_helpers.mjs';

const base = process.argv[2];
const n = Number(process.argv[3] ?? 1000);
if (!base) throw new Error('usage: node bench/care/http_load.mjs BASE_URL [iterations]');
const server = { baseUrl: base };
const worker = await login(server, 'caso@equidad.demo');
// The in-process bench's search: a woman with two children, the aggressor's comuna and its
// neighbours excluded, nationwide with her region first.
const need = { woman_age: 31, children_ages: [4, 9], aggressor_comuna: '13101', exclude_neighbours: true, region_id: '13' };

async function time(fn) {
  const ms = [];
  let last;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    last = await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { p50: at(0.5), p99: at(0.99), last };
}

const warm = await worker.post('/api/v1/care/search', need);
if (warm.status !== 200) throw new Error(`search: ${warm.status} ${warm.text}`);
for (let i = 0; i < 50; i++) await worker.post('/api/v1/care/search', need);
const load0 = os.loadavg()[0];
const search = await time(async () => {
  const r = await worker.post('/api/v1/care/search', need);
  if (r.status !== 200) throw new Error(`search: ${r.status} ${r.text}`);
  return r.json.items.length;
});
const baseline = await time(async () => {
  const r = await worker.get('/healthz');
  if (r.status !== 200) throw new Error(`healthz: ${r.status}`);
  return 0;
});
const load1 = os.loadavg()[0];
console.log(JSON.stringify({
  iterations: n,
  search_p50_ms: +search.p50.toFixed(2), search_p99_ms: +search.p99.toFixed(2), houses_found: search.last,
  baseline_p50_ms: +baseline.p50.toFixed(2), baseline_p99_ms: +baseline.p99.toFixed(2),
  load_avg_start: +load0.toFixed(1), load_avg_end: +load1.toFixed(1),
}));
