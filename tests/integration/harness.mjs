// Test harness for the integration tests: starts a real `equidad serve` on a free port against a
// fresh database, and speaks HTTP to it. Node 20 built-ins only (no npm dependencies).
//
// Environment:
//   EQ_BIN      path of the server binary (default <repo>/build/equidad)
//   EQ_TEST_DB  sqlite (default: a fresh temporary file per server) or postgresql (a fresh
//               database per server, made by scripts/pg.sh)
import { spawn, spawnSync, execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const execFileP = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const binPath = process.env.EQ_BIN ? path.resolve(process.env.EQ_BIN) : path.join(repoRoot, 'build', 'equidad');
export const dbKind = (process.env.EQ_TEST_DB || 'sqlite').toLowerCase();
if (!['sqlite', 'postgresql'].includes(dbKind)) throw new Error(`EQ_TEST_DB must be sqlite or postgresql, not ${dbKind}`);

let serial = 0;
const live = new Set(); // servers not yet stopped, killed if the test process exits early

process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

// A fresh temporary folder, removed by the returned cleanup function.
export function tempDir(prefix = 'equidad-it-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// Makes a fresh database and returns { url, cleanup }.
export async function freshDatabase() {
  const n = ++serial;
  if (dbKind === 'sqlite') {
    const t = tempDir();
    return { url: `sqlite:${path.join(t.dir, 'equidad.db')}`, cleanup: async () => t.cleanup() };
  }
  const name = `equidad_it_${process.pid}_${n}`;
  // pg.sh may start the cluster; several test files may call it at once, so take a lock. --close:
  // the cluster pg.sh starts must not inherit the lock's descriptor, or it would hold it for ever.
  const { stdout } = await execFileP('flock', ['--close', path.join(os.tmpdir(), 'equidad-it-pg.lock'), path.join(repoRoot, 'scripts', 'pg.sh'), name],
    { timeout: 60_000 });
  const url = stdout.trim().split('\n').pop();
  if (!/^postgresql:\/\//.test(url)) throw new Error(`scripts/pg.sh printed no URL: ${stdout}`);
  // A test database is thrown away: waiting for each commit's WAL flush only slows the suite
  // (a killed server still loses nothing: the commit is in PostgreSQL, which is not killed).
  await execFileP('psql', [url, '-q', '-c', `ALTER DATABASE ${name} SET synchronous_commit = off`], { timeout: 20_000 });
  return {
    url,
    cleanup: async () => {
      // Best effort: the owner may drop its own database.
      const maintenance = url.replace(/\/[^/]*$/, '/postgres');
      await execFileP('dropdb', ['--if-exists', `--maintenance-db=${maintenance}`, name], { timeout: 20_000 }).catch(() => {});
    },
  };
}

// Runs the binary to completion (for commands such as migrate). Resolves { code, signal, stdout, stderr, ms }.
export function runCommand(args, { timeoutMs = 90_000, env } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const proc = spawn(binPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 }); });
  });
}

// Starts `equidad serve` and resolves once it listens.
// Options: extraArgs (appended), db (a database URL to use instead of a fresh one), env,
// web (web folder; default an empty temporary folder so tests do not depend on a built web app).
export async function startServer({ extraArgs = [], db, env, web, startTimeoutMs = 60_000 } = {}) {
  if (!fs.existsSync(binPath)) throw new Error(`server binary not found: ${binPath} (set EQ_BIN)`);
  const database = db ? { url: db, cleanup: async () => {} } : await freshDatabase();
  const webDir = web ?? tempDir('equidad-it-web-');
  const args = ['serve', '--db', database.url, '--port', '0', '--no-access-log',
    '--web', typeof webDir === 'string' ? webDir : webDir.dir, ...extraArgs];
  // The demo's synthetic channel history (~240.000 rows) is skipped unless a test asks for it.
  const proc = spawn(binPath, args, { env: { EQ_DEMO_CHANNEL_HISTORY: '0', ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let stderr = '';
  let stdout = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => { live.delete(proc); resolve({ code, signal }); }));

  const cleanupAll = async () => {
    await database.cleanup();
    if (typeof webDir !== 'string') webDir.cleanup();
  };
  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`server did not listen within ${startTimeoutMs} ms:\n${stderr}`)); }, startTimeoutMs);
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /Equidad escuchando en (http:\/\/[^\s/]+)\//.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`server exited (code ${code}, signal ${signal}) before listening:\n${stderr}`)); });
  }).catch(async (e) => {
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]); // no exit event if spawn itself failed
    await cleanupAll();
    throw e;
  });
  const { hostname, port } = new URL(baseUrl);

  let stopping = null;
  const server = {
    baseUrl,
    host: hostname,
    port: Number(port),
    proc,
    dbUrl: database.url,
    get stderr() { return stderr; },
    get stdout() { return stdout; },
    exited,
    request: (method, p, opts = {}) => request(method, p, { baseUrl, ...opts }),
    // SIGTERM (unless a signal was already sent, e.g. by a shutdown test: a second SIGTERM
    // during teardown would find the handler gone and kill the process), then waits for the
    // exit; resolves { code, signal }. SIGKILL after timeoutMs.
    stop: (timeoutMs = 30_000) => {
      if (!stopping) {
        stopping = (async () => {
          if (!proc.killed && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
          const result = await exited;
          clearTimeout(timer);
          await cleanupAll();
          // A transaction opened inside another one is refused by the server and logged (it used
          // to stall SQLite for 10 s and could hang PostgreSQL); any such line fails the test.
          const nested = stderr.split('\n').filter((l) => l.includes('nested transaction refused'));
          if (nested.length) throw new Error(`the server refused ${nested.length} nested transaction(s):\n${nested.join('\n')}`);
          // Who held SQLite's write lock, or a session, for seconds: printed with the test's output,
          // so a 503 under load can be traced to the transaction that caused it.
          const slow = stderr.split('\n').filter((l) => /slow transaction at|could not begin after waiting/.test(l));
          if (slow.length) console.log(`# server logged slow transactions:\n# ${slow.join('\n# ')}`);
          return result;
        })();
      }
      return stopping;
    },
  };
  return server;
}

// One HTTP request with node:http (no automatic Accept-Encoding, no connection reuse).
// path: "/api/..." joined to opts.baseUrl, or an absolute URL.
// opts.body: an object/array is sent as JSON (Content-Type application/json unless given);
//            a string or Buffer is sent as is.
// opts.raw: true keeps the body bytes exactly as received (no gunzip, no JSON parsing).
// Resolves { status, headers, body (Buffer), text, json }.
// opts.localAddress: the client's source address (any of 127.0.0.0/8), e.g. to look like
//                    another client to per-IP rate limits.
export function request(method, p, { baseUrl, body, headers = {}, raw = false, timeoutMs = 30_000, localAddress } = {}) {
  const url = new URL(p, baseUrl);
  const hdrs = { ...headers };
  let payload;
  if (body !== undefined) {
    if (Buffer.isBuffer(body) || typeof body === 'string') payload = Buffer.from(body);
    else {
      payload = Buffer.from(JSON.stringify(body));
      if (!Object.keys(hdrs).some((k) => k.toLowerCase() === 'content-type')) hdrs['Content-Type'] = 'application/json';
    }
    if (!Object.keys(hdrs).some((k) => k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding')) hdrs['Content-Length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: hdrs, agent: false, timeout: timeoutMs, localAddress }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        let buf = Buffer.concat(chunks);
        if (!raw && /gzip/i.test(res.headers['content-encoding'] || '')) buf = zlib.gunzipSync(buf);
        const text = buf.toString('utf8');
        let json;
        if (!raw && /json/i.test(res.headers['content-type'] || '')) {
          try { json = JSON.parse(text); } catch { json = undefined; }
        }
        resolve({ status: res.statusCode, headers: res.headers, body: buf, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`request timed out after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

// A raw TCP connection with a small HTTP/1.1 response reader, for what a well-behaved client
// cannot send: malformed request lines, huge headers, keep-alive checks, trickling bytes.
export class RawClient {
  constructor(socket) {
    this.socket = socket;
    this.chunks = [];
    this.closed = false;
    this.error = null;
    this.waiters = [];
    // Chunks are joined when read, not on arrival: joining on every chunk is quadratic for
    // multi-megabyte answers.
    socket.on('data', (d) => { this.chunks.push(d); this.#wake(); });
    socket.on('error', (e) => { this.error = e; this.#wake(); });
    socket.on('close', () => { this.closed = true; this.#wake(); });
  }

  static connect(port, host = '127.0.0.1', localAddress = undefined) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host, localAddress });
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  get buffer() {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  set buffer(b) { this.chunks = [b]; }

  #wake() { for (const w of this.waiters.splice(0)) w(); }

  #changed(timeoutMs) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`raw socket: nothing within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  write(data) { return new Promise((resolve, reject) => this.socket.write(data, (e) => (e ? reject(e) : resolve()))); }

  // Reads one response: { status, headers (lower-case names), body (Buffer), text, json }.
  async readResponse(timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
        if (!m) throw new Error(`not an HTTP response: ${head[0]}`);
        const headers = {};
        for (const line of head.slice(1)) {
          const i = line.indexOf(':');
          const k = line.slice(0, i).trim().toLowerCase();
          const v = line.slice(i + 1).trim();
          headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
        }
        const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
        const start = end + 4;
        if (len !== null && this.buffer.length >= start + len) {
          const body = this.buffer.subarray(start, start + len);
          this.buffer = this.buffer.subarray(start + len);
          const text = body.toString('utf8');
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          return { status: Number(m[1]), headers, body, text, json };
        }
        if (len === null && this.closed) {
          const body = this.buffer.subarray(start);
          this.buffer = Buffer.alloc(0);
          return { status: Number(m[1]), headers, body, text: body.toString('utf8') };
        }
      }
      if (this.closed || this.error) {
        throw new Error(`connection closed before a whole response (${this.error?.code ?? 'closed'}); got ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      }
      await this.#changed(Math.max(1, deadline - Date.now()));
    }
  }

  // Resolves when the peer has closed the connection (or it failed).
  async waitClosed(timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) await this.#changed(Math.max(1, deadline - Date.now()));
  }

  destroy() { this.socket.destroy(); }
}

// Sends raw bytes on a new connection and reads one response.
export async function rawExchange(port, data, timeoutMs = 10_000) {
  const c = await RawClient.connect(port);
  try {
    await c.write(data);
    return await c.readResponse(timeoutMs);
  } finally {
    c.destroy();
  }
}

// Reads the OpenAPI document and answers whether METHOD PATH is a route of this build.
export async function hasRoute(server, method, routePath) {
  const r = await server.request('GET', '/api/v1/openapi.json');
  return Boolean(r.json?.paths?.[routePath]?.[method.toLowerCase()]);
}

// Asserting helpers shared by the test files.
const SPANISH = /[áéíóúñ¿¡«»]|\b(el|la|los|las|de|del|no|es|un|una|debe|solicitud|existe|campo|parámetro)\b/i;

// Checks the API error contract: JSON {"error":{"code","message","field"?}} with a Spanish message.
export function assertApiError(assert, res, status, code, field) {
  assert.equal(res.status, status, `status ${res.status}, body ${res.text}`);
  assert.match(res.headers['content-type'] || '', /^application\/json/, 'errors are JSON');
  const body = res.json ?? JSON.parse(res.text);
  assert.deepEqual(Object.keys(body), ['error'], `error envelope: ${res.text}`);
  const e = body.error;
  assert.equal(typeof e.code, 'string');
  assert.ok(e.code.length > 0);
  assert.equal(typeof e.message, 'string');
  assert.match(e.message, SPANISH, `message should be Spanish: ${e.message}`);
  for (const k of Object.keys(e)) assert.ok(['code', 'message', 'field'].includes(k), `unexpected key ${k} in ${res.text}`);
  if (code !== undefined) assert.equal(e.code, code, res.text);
  if (field !== undefined) assert.equal(e.field, field, res.text);
  if ('field' in e) assert.equal(typeof e.field, 'string');
  return e;
}

// A distinct loopback source address per call (127.0.1.1, 127.0.1.2, ...), so that requests
// count as different clients for per-IP rate limits.
let clientSerial = 0;
export function nextClientAddress() {
  const n = ++clientSerial;
  return `127.${(process.pid % 200) + 1}.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `fn` every 100 ms until it gives a truthy value (a throw counts as not yet); fails with
// «what: not within N ms» after `timeoutMs`.
export async function waitFor(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

// One raw SQL query on a server's own database (its SQLite file or PostgreSQL schema), as someone
// who copied the database would run it; the answer's lines, columns separated by «|».
export function rawSqlLines(dbUrl, sql) {
  const r = dbUrl.startsWith('sqlite:')
    ? spawnSync('sqlite3', ['-separator', '|', dbUrl.slice('sqlite:'.length), sql], { encoding: 'utf8' })
    : spawnSync('psql', [dbUrl.replace(/[?&]options=[^&]*/, ''), '-At', '-F', '|', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raw SQL failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean);
}
