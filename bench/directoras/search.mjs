// Faceted search of the Registro de Directoras over real HTTP (issue 18: 100.000 profiles, p99 ≤ 20 ms
// with facet counts, on both databases). Starts a throw-away server (tests/integration/harness.mjs:
// SQLite, or PostgreSQL with EQ_TEST_DB=postgresql) whose demo generates EQ_DIRECTORAS_DEMO_WOMEN
// profiles through the module's own generator, signs in the demo company (soft login), then runs a
// mix of searches one after another: no filter, each facet, combinations, a name, a misspelt name
// (typo tolerance) and a word of a specialty. Every search is the real route: traced, audited, with
// every facet's counts. Prints p50/p95/p99/max overall and per kind, and the load average.
//
//   node bench/directoras/search.mjs [PROFILES=100000] [ROUNDS=30]
//   EQ_BENCH_PERF=/tmp/search.perf node bench/directoras/search.mjs …   # also `perf record` the server
//                                                                       # during the measured searches
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { startServer } from '../../tests/integration/harness.mjs';
import { loginDemo } from '../../tests/integration/auth_helpers.mjs';

const profiles = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 30);
const db = process.env.EQ_TEST_DB === 'postgresql' ? 'postgresql' : 'sqlite';
const t0 = performance.now();
const srv = await startServer({ extraArgs: ['--demo'], env: { EQ_DIRECTORAS_DEMO_WOMEN: String(profiles), EQ_SWEEP_SECONDS: '3600' }, startTimeoutMs: 1_800_000 });
const startS = ((performance.now() - t0) / 1000).toFixed(1);
try {
  const company = await loginDemo(srv, 'company');
  const first = await company.get('/api/v1/directoras/search');
  if (first.status !== 200) throw new Error(`search: ${first.status} ${first.text}`);
  const reg = first.json.register.profiles;
  const f = first.json.facets;
  const pickId = (list, i) => list[i % list.length].id;
  const kinds = {
    'sin filtro': () => '',
    industria: (i) => `industry=${pickId(f.industry, i)}`,
    especialidad: (i) => `specialty=${pickId(f.specialty, i)}`,
    'región y estudios': (i) => `region=${pickId(f.region, i)}&studies=${pickId(f.studies, i)}`,
    'con directorios': () => 'board=si',
    combinada: (i) => `industry=${pickId(f.industry, i)}&specialty=${pickId(f.specialty, i + 1)}&board=si&region=13`,
    'página 20': (i) => `specialty=${pickId(f.specialty, i)}&page=20`,
    nombre: (i) => `q=${encodeURIComponent(['González', 'Muñoz Rojas', 'Valentina Soto', 'Fernández'][i % 4])}`,
    'nombre con error': (i) => `q=${encodeURIComponent(['Gonzales', 'Sepulbeda', 'Valenzuella', 'Hernandes'][i % 4])}`,
    'palabra y faceta': (i) => `q=finanzas&region=${pickId(f.region, i)}`,
  };
  // Warm-up (caches, prepared statements), not measured.
  for (let i = 0; i < 10; i++) await company.get(`/api/v1/directoras/search?${kinds['sin filtro'](i)}`);
  const all = [], by = {};
  // Profile (perf, call graphs) the server during the measured searches only, not the generation.
  const perf = process.env.EQ_BENCH_PERF
    ? spawn('perf', ['record', '-F', '999', '-g', '-p', String(srv.proc.pid), '-o', process.env.EQ_BENCH_PERF], { stdio: 'ignore' })
    : null;
  if (perf) await new Promise((r) => setTimeout(r, 1000));
  const load0 = loadavg()[0];
  for (let r = 0; r < rounds; r++)
    for (const [kind, qs] of Object.entries(kinds)) {
      const t = performance.now();
      const res = await company.get(`/api/v1/directoras/search?${qs(r)}`);
      const ms = performance.now() - t;
      if (res.status !== 200 || !res.json.facets) throw new Error(`${kind}: ${res.status} ${res.text}`);
      all.push(ms);
      (by[kind] ??= []).push(ms);
    }
  if (perf) {
    perf.kill('SIGINT');
    await once(perf, 'exit');
  }
  const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
  const fmt = (x) => x.toFixed(1).padStart(6);
  console.log(`${db}: ${reg} profiles (generated and loaded in ${startS} s), ${all.length} searches in sequence, load average ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} (${loadavg().length ? 'cores shared' : ''})`);
  console.log(`  ${'kind'.padEnd(20)}    p50    p95    p99    max   (ms, over HTTP, each with its facet counts)`);
  for (const [kind, xs] of [['TODAS', all], ...Object.entries(by)])
    console.log(`  ${kind.padEnd(20)} ${fmt(pct(xs, 50))} ${fmt(pct(xs, 95))} ${fmt(pct(xs, 99))} ${fmt(Math.max(...xs))}`);
  const p99 = pct(all, 99);
  console.log(`  p99 ${p99.toFixed(1)} ms: ${p99 <= 20 ? 'meets' : 'MISSES'} the 20 ms target`);
} finally {
  await srv.stop();
}
