#!/usr/bin/env node
// Runs every browser test (e2e/*.test.mjs) with node's test runner, one file at a time.
// With EQ_BASE_URL set, the tests talk to that server (scripts/test.sh starts `equidad serve`
// with demo data). Without it, this script starts the real server itself (../build/equidad,
// demo data on a throw-away SQLite file) and stops it afterwards.
// EQ_TEST_REPORTER picks node's reporter (spec by default; scripts/test.sh uses tap to count).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, '..');
const files = readdirSync(here)
  .filter((f) => f.endsWith('.test.mjs'))
  .sort()
  .map((f) => join(here, f));

const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;

async function startServer() {
  const bin = process.env.EQ_BIN || join(web, '..', 'build', 'equidad');
  if (!existsSync(bin) || !existsSync(join(web, 'dist', 'index.html'))) {
    console.error('Build first: the server binary and web/dist are needed (scripts/setup.sh).');
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'equidad-e2e-'));
  const child = spawn(bin, ['serve', '--demo', '--db', `sqlite:${join(dir, 'e2e.db')}`, '--port', '0', '--no-access-log',
    '--web', join(web, 'dist')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // Participation codes go to the SMTP server web/e2e/16-participation.test.mjs runs on this port.
    // Every browser test's citizen writes from 127.0.0.1: the per-address flood limit is raised.
    env: { ...process.env, EQ_SMTP: `127.0.0.1:${process.env.EQ_E2E_SMTP_PORT ?? 2526}`, EQ_PARTICIPATION_FLOOD: '500' },
  });
  const base = await new Promise((resolve, reject) => {
    let buf = '';
    child.stderr.on('data', (d) => {
      buf += d;
      const m = /Equidad escuchando en (http:\/\/[^\s/]+)\//.exec(buf);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${buf}`)));
  });
  console.log(`EQ_BASE_URL not set: started the server at ${base}.`);
  return { child, base, cleanup: () => { child.kill('SIGTERM'); rmSync(dir, { recursive: true, force: true }); } };
}

let server = null;
const env = { ...process.env };
if (!env.EQ_BASE_URL) {
  server = await startServer();
  env.EQ_BASE_URL = server.base;
}

const reporter = process.env.EQ_TEST_REPORTER || 'spec';
const code = await new Promise((resolve) => {
  const t = spawn(process.execPath, ['--test', '--test-concurrency=1', `--test-reporter=${reporter}`, ...selected],
    { stdio: 'inherit', env, cwd: web });
  t.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
if (server) server.cleanup();
process.exit(code);
