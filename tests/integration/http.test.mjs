// HTTP robustness and operations: limits, timeouts, keep-alive, health, metrics, the API
// description, security headers, graceful shutdown, and start-up against bad databases.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  RawClient, assertApiError, binPath, dbKind, freshDatabase, rawExchange, request, runCommand, sleep, startServer, tempDir,
} from './harness.mjs';
import { loginDemo } from './auth_helpers.mjs';

let srv;
before(async () => { srv = await startServer({ extraArgs: ['--body-limit', '4096'] }); });
after(async () => { await srv?.stop(); });

const TERRITORY_PATHS = [
  '/api/v1/territory/regions',
  '/api/v1/territory/regions/{id}/provinces',
  '/api/v1/territory/provinces/{id}/comunas',
  '/api/v1/territory/comunas',
  '/api/v1/territory/comunas/{id}',
  '/api/v1/territory/locate',
  '/api/v1/territory/boundaries/regions',
  '/api/v1/territory/boundaries/regions/{id}/comunas',
];

// The slow tests (timeouts, shutdown, unreachable database) wait on the clock, not the CPU:
// they run side by side.
describe('slow paths', { concurrency: true }, () => {
  test('an unreachable PostgreSQL makes migrate fail cleanly with a Spanish error', async () => {
    const r = await runCommand(['migrate', '--db', 'postgresql://equidad:equidad@127.0.0.1:1/nope'], { timeoutMs: 90_000 });
    assert.equal(r.signal, null, `killed by ${r.signal}: ${r.stderr}`);
    assert.notEqual(r.code, 0);
    assert.ok(r.code > 0 && r.code < 128, `exit code ${r.code} looks like a crash`);
    assert.ok(r.ms < 60_000, `took ${r.ms} ms`);
    assert.match(r.stderr, /No se pudo conectar a la base de datos/);
    assert.doesNotMatch(r.stderr + r.stdout, /equidad:equidad@/, 'the password is not printed');
    assert.doesNotMatch(r.stdout, /migraciones al día/);
  });

  test('serve against an unreachable PostgreSQL exits non-zero without listening', async () => {
    const r = await runCommand(['serve', '--port', '0', '--db', 'postgresql://equidad:equidad@127.0.0.1:1/nope'], { timeoutMs: 90_000 });
    assert.equal(r.signal, null);
    assert.ok(r.code > 0 && r.code < 128, `exit code ${r.code}`);
    assert.doesNotMatch(r.stderr, /escuchando/);
    assert.match(r.stderr, /No se pudo conectar a la base de datos/);
  });

  test('a slow client is disconnected after the read timeout while others are served', async () => {
    const s = await startServer({ extraArgs: ['--read-timeout', '2', '--idle-timeout', '2'] });
    try {
      const slow = await RawClient.connect(s.port);
      const t0 = Date.now();
      const msg = `GET /api/v1/territory/regions HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`;
      let i = 0;
      const drip = setInterval(() => {
        if (i < msg.length && !slow.closed) slow.socket.write(msg[i++]);
      }, 500);
      try {
        // Meanwhile the server answers everyone else promptly.
        await sleep(800);
        const ok = await s.request('GET', '/api/v1/territory/regions');
        assert.equal(ok.status, 200);
        assert.equal(ok.json.items.length, 16);
        assert.ok(!slow.closed && i < msg.length, 'answered while the slow client was still trickling');

        await slow.waitClosed(10_000);
        const held = Date.now() - t0;
        // Bounded by the 2 s timeout, not by the 70 s the whole request would take to trickle in.
        assert.ok(held >= 1500 && held < 9000, `slow client held the connection ${held} ms (timeout 2 s)`);
        assert.ok(i < msg.length, 'the request never completed');
        assert.doesNotMatch(slow.buffer.toString(), /200 OK/);
      } finally {
        clearInterval(drip);
        slow.destroy();
      }
      // And still serving after it.
      assert.equal((await s.request('GET', '/healthz')).status, 200);
    } finally {
      assert.equal((await s.stop()).code, 0);
    }
  });

  test('read timeout bounds the whole request even with a long idle timeout', async (t) => {
    const s = await startServer({ extraArgs: ['--read-timeout', '2', '--idle-timeout', '30'] });
    try {
      // A body trickled after complete headers.
      const body = await RawClient.connect(s.port);
      const t0 = Date.now();
      await body.write('POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n');
      const drip = setInterval(() => { if (!body.closed) body.socket.write('x'); }, 500);
      try {
        await body.waitClosed(10_000);
      } finally {
        clearInterval(drip);
        body.destroy();
      }
      const heldBody = Date.now() - t0;
      assert.ok(heldBody < 9000, `trickled body held the connection ${heldBody} ms`);

      // Headers trickled (slowloris). --read-timeout documents "Seconds a client has to send a whole
      // request"; this part is a subtest so that a failure is reported on its own line.
      await t.test('trickled headers are cut by --read-timeout too', async () => {
        const hdr = await RawClient.connect(s.port);
        const t1 = Date.now();
        const msg = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`;
        let i = 0;
        const drip2 = setInterval(() => { if (i < msg.length && !hdr.closed) hdr.socket.write(msg[i++]); }, 500);
        try {
          await hdr.waitClosed(9500).catch(() => {});
        } finally {
          clearInterval(drip2);
          hdr.destroy();
        }
        const held = Date.now() - t1;
        assert.ok(hdr.closed && held < 9000, `trickled headers held the connection ${held} ms (read timeout 2 s, idle 30 s)`);
      });
    } finally {
      await s.stop();
    }
  });

  test('an idle keep-alive connection is closed after the idle timeout', async () => {
    const s = await startServer({ extraArgs: ['--read-timeout', '2', '--idle-timeout', '2'] });
    try {
      const c = await RawClient.connect(s.port);
      await c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal((await c.readResponse()).status, 200);
      const t0 = Date.now();
      await c.waitClosed(8000);
      const idle = Date.now() - t0;
      assert.ok(idle >= 1500 && idle < 6000, `idle connection kept ${idle} ms (idle timeout 2 s)`);
    } finally {
      await s.stop();
    }
  });

  // A server held in the middle of an answer: twelve pipelined requests for the regional boundaries
  // (1.4 MB each) on a connection whose client has stopped reading, so the server is blocked writing
  // once the socket buffers (a few MB) are full. Resolves when the first answer has been read and the
  // client paused; `finish()` resumes reading and returns every answer once the server closes.
  async function heldAnswer(s) {
    const url = '/api/v1/territory/boundaries/regions';
    const c = await RawClient.connect(s.port);
    await c.write(`GET ${url} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(12));
    const first = await c.readResponse(20_000);
    c.socket.pause();
    // Long enough for the server to fill the buffers; the remaining 15 MB cannot fit in them.
    await sleep(300);
    return {
      first,
      async finish() {
        c.socket.resume();
        await c.waitClosed(20_000);
        const rest = [];
        while (c.buffer.length > 0) rest.push(await c.readResponse(1000));
        c.destroy();
        return [first, ...rest];
      },
    };
  }

  async function waitDraining(s) {
    for (let i = 0; i < 1000 && !/draining/.test(s.stderr); i++) await sleep(10);
    assert.match(s.stderr, /draining/, 'the server announced draining');
  }

  test('SIGTERM lets the answer under way finish in full and the process exits 0', async () => {
    const s = await startServer({ extraArgs: ['--threads', '4'] });
    try {
      const held = await heldAnswer(s);
      s.proc.kill('SIGTERM');
      await waitDraining(s);
      const answers = await held.finish();
      // The answer being written when the signal came is completed; the pipelined ones behind it are
      // not started, and nothing is cut halfway (readResponse throws on a partial answer).
      assert.ok(answers.length >= 2 && answers.length < 12, `${answers.length} answers`);
      for (const r of answers) {
        assert.equal(r.status, 200);
        assert.equal(r.body.length, Number(r.headers['content-length']));
        assert.equal(JSON.parse(r.text).features.length, 16);
      }
      const { code, signal } = await s.stop();
      assert.equal(signal, null, s.stderr.slice(-600));
      assert.equal(code, 0, s.stderr.slice(-600));
      assert.match(s.stderr, /Equidad detenido/);
    } finally {
      await s.stop();
    }
  });

  test('while draining, new connections are refused', async () => {
    const s = await startServer({ extraArgs: ['--threads', '4'] });
    try {
      const held = await heldAnswer(s);
      s.proc.kill('SIGTERM');
      await waitDraining(s);
      assert.equal(s.proc.exitCode, null, 'still draining the held answer');
      const refused = await request('GET', '/healthz', { baseUrl: s.baseUrl, timeoutMs: 3000 }).then((r) => r.status, (e) => e.code);
      assert.equal(refused, 'ECONNREFUSED');
      for (const r of await held.finish()) assert.equal(r.status, 200);
    } finally {
      const ex = await s.stop();
      assert.deepEqual(ex, { code: 0, signal: null }, s.stderr.slice(-600));
    }
  });

  test('SIGTERM with concurrent ordinary requests: every answered request is complete', async () => {
    const s = await startServer();
    const url = '/api/v1/territory/boundaries/regions';
    assert.equal((await s.request('GET', url)).status, 200);
    const inflight = Array.from({ length: 8 }, () => s.request('GET', url).then((r) => r, (e) => e));
    await sleep(5);
    s.proc.kill('SIGTERM');
    const results = await Promise.all(inflight);
    const answered = results.filter((r) => !(r instanceof Error));
    for (const r of answered) {
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.text).features.length, 16);
    }
    // Requests that never reached the server may be refused, but never cut halfway.
    for (const e of results.filter((r) => r instanceof Error)) assert.match(e.code || '', /ECONNREFUSED|ECONNRESET|EPIPE/, String(e));
    const { code, signal } = await s.stop();
    assert.equal(signal, null);
    assert.equal(code, 0);
  });
});

describe('limits and malformed requests', () => {
  test('a header larger than the limit is 431 JSON', async () => {
    const r = await rawExchange(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    assertApiError(assert, r, 431, 'headers_too_large');
    // Many small headers add up too.
    const many = Array.from({ length: 600 }, (_, i) => `X-H${i}: ${'b'.repeat(40)}\r\n`).join('');
    assertApiError(assert, await rawExchange(srv.port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${many}\r\n`), 431);
  });

  test('a body larger than --body-limit is 413 JSON', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(8000) });
    // Announced by Content-Length.
    const r = await rawExchange(srv.port,
      `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assertApiError(assert, r, 413, 'payload_too_large');
    // Chunked, so only counting tells.
    const chunk = body.length.toString(16);
    const c = await rawExchange(srv.port,
      `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk}\r\n${body}\r\n0\r\n\r\n`);
    assertApiError(assert, c, 413, 'payload_too_large');
    // Just under the limit is read (and then refused for the method, not the size).
    const small = JSON.stringify({ pad: 'x'.repeat(4000) });
    const ok = await srv.request('POST', '/api/v1/territory/regions', { body: small, headers: { 'Content-Type': 'application/json' } });
    assert.equal(ok.status, 405);
  });

  test('malformed request lines are 400 JSON', async () => {
    for (const line of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', 'GET /healthz\r\n\r\n', 'GET /healthz HTTP/9.9\r\n\r\n',
      'G(T /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 'GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n',
      'POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n']) {
      const r = await rawExchange(srv.port, line);
      assertApiError(assert, r, 400, 'bad_request');
      assert.equal(r.headers.connection, 'close', JSON.stringify(line));
    }
  });

  test('ambiguous framing (request smuggling) and a missing Host are refused with 400 and the connection closed', async () => {
    const body = '{"a":1}';
    const heads = {
      'Transfer-Encoding and Content-Length':
        `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n${body}\r\n0\r\n\r\n`,
      'Transfer-Encoding other than chunked':
        `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n7\r\n${body}\r\n0\r\n\r\n`,
      'Transfer-Encoding obfuscated': `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n`,
      'Transfer-Encoding twice':
        `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      'two different Content-Length':
        `POST /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\nContent-Length: 3\r\n\r\n${body}`,
      'HTTP/1.1 without Host': 'GET /healthz HTTP/1.1\r\n\r\n',
      'HTTP/1.1 with two Host': 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    };
    for (const [what, raw] of Object.entries(heads)) {
      const r = await rawExchange(srv.port, raw);
      assertApiError(assert, r, 400, 'bad_request');
      assert.equal(r.headers.connection, 'close', what);
    }
    // What stays legal: HTTP/1.0 without Host, and plain chunked.
    assert.equal((await rawExchange(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n')).status, 200);
    const chunked = await rawExchange(srv.port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\nConnection: close\r\n\r\n0\r\n\r\n`);
    assert.equal(chunked.status, 200);
  });

  test('protocol-level errors carry the security headers too', async () => {
    const r = await rawExchange(srv.port, 'GARBAGE\r\n\r\n');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.ok(r.headers['content-security-policy']);
  });

  test('the server survives all of the above', async () => {
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
  });
});

describe('connections', () => {
  test('keep-alive: two requests on one socket', async () => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      const a = await c.readResponse();
      assert.equal(a.status, 200);
      assert.notEqual(a.headers.connection, 'close');
      await c.write('GET /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\n\r\n');
      const b = await c.readResponse();
      assert.equal(b.status, 200);
      assert.equal(b.json.items.length, 16);
      assert.equal(c.closed, false);
      // Pipelined: both answers, in order.
      await c.write('GET /api/v1/territory/comunas/13120 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/territory/comunas/13101 HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.equal((await c.readResponse()).json.name, 'Ñuñoa');
      assert.equal((await c.readResponse()).json.name, 'Santiago');
      // Connection: close is honoured.
      await c.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.equal((await c.readResponse()).headers.connection, 'close');
      await c.waitClosed(3000);
    } finally {
      c.destroy();
    }
  });

  test('HTTP/1.0 without keep-alive is closed after the answer', async () => {
    const c = await RawClient.connect(srv.port);
    try {
      await c.write('GET /healthz HTTP/1.0\r\n\r\n');
      assert.equal((await c.readResponse()).status, 200);
      await c.waitClosed(3000);
    } finally {
      c.destroy();
    }
  });
});

describe('operations', () => {
  test('/healthz is 200 {"status":"ok"}', async () => {
    const r = await srv.request('GET', '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { status: 'ok' });
  });

  test('/metrics exposes request counts and the database pool', async () => {
    await srv.request('GET', '/api/v1/territory/regions');
    const r = await srv.request('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/plain/);
    assert.match(r.text, /^# TYPE equidad_http_requests_total counter$/m);
    assert.match(r.text, /^equidad_http_requests_total\{method="GET",route="\/api\/v1\/territory\/regions",status="200"\} [1-9]\d*$/m);
    assert.match(r.text, /^equidad_db_pool_in_use \d+$/m);
    assert.match(r.text, /^equidad_db_pool_size 4$/m);
    assert.match(r.text, /^equidad_http_request_duration_seconds_bucket\{route="\/api\/v1\/territory\/regions",le="\+Inf"\} \d+$/m);
    // The query string (search terms) never becomes a label.
    await srv.request('GET', '/api/v1/territory/comunas?q=secreto');
    assert.doesNotMatch((await srv.request('GET', '/metrics')).text, /secreto/);
  });

  test('openapi.json is OpenAPI 3, lists every territory path, each operation has x-permission', async () => {
    const r = await srv.request('GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    const doc = r.json;
    assert.match(doc.openapi, /^3\.\d+\.\d+$/);
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    for (const p of TERRITORY_PATHS) {
      assert.ok(doc.paths[p]?.get, `missing GET ${p}`);
      assert.equal(doc.paths[p].get['x-permission'], 'public', p);
    }
    for (const p of ['/healthz', '/metrics', '/api/v1/openapi.json']) assert.ok(doc.paths[p]?.get, `missing ${p}`);
    const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
    let ops = 0;
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        if (!methods.includes(m)) continue;
        ops++;
        assert.equal(typeof op['x-permission'], 'string', `${m} ${p} lacks x-permission`);
        assert.ok(op['x-permission'].length > 0);
        assert.ok(op.responses, `${m} ${p} lacks responses`);
        const params = [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1]);
        for (const name of params) assert.ok(op.parameters?.some((q) => q.name === name && q.in === 'path'), `${m} ${p}: {${name}}`);
      }
    }
    assert.ok(ops >= TERRITORY_PATHS.length + 3);
    assert.ok(doc.components.schemas.Error);
  });

  test('security headers are on every answer', async () => {
    for (const [p, status] of [['/api/v1/territory/regions', 200], ['/healthz', 200], ['/api/v1/nope', 404],
      ['/api/v1/territory/locate?lat=x', 400], ['/api/v1/territory/boundaries/regions', 200]]) {
      const r = await srv.request('GET', p, { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(r.status, status, p);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', p);
      const csp = r.headers['content-security-policy'] || '';
      assert.match(csp, /default-src 'self'/, p);
      assert.match(csp, /frame-ancestors 'none'/, p);
      assert.equal(r.headers['x-frame-options'], 'DENY', p);
      assert.ok(r.headers['referrer-policy'], p);
      if (p.startsWith('/api/')) assert.equal(r.headers['cache-control'], 'no-store', p);
    }
  });
});

describe('start-up', () => {
  test('a missing SQLite database folder is created', async () => {
    const t = tempDir();
    const file = path.join(t.dir, 'new', 'dir', 'a.db');
    try {
      const s = await startServer({ db: `sqlite:${file}` });
      try {
        assert.ok(fs.existsSync(file), 'database file created');
        assert.equal((await s.request('GET', '/healthz')).status, 200);
        assert.equal((await s.request('GET', '/api/v1/territory/regions')).json.items.length, 16);
      } finally {
        assert.equal((await s.stop()).code, 0);
      }
    } finally {
      t.cleanup();
    }
  });

  test('the server restarts on its own existing database', async () => {
    const db = await freshDatabase();
    try {
      const first = await startServer({ db: db.url });
      assert.equal((await first.request('GET', '/healthz')).status, 200);
      assert.equal((await first.stop()).code, 0);
      const second = await startServer({ db: db.url }); // rejects if it exits instead of listening
      try {
        assert.equal((await second.request('GET', '/api/v1/territory/regions')).json.items.length, 16);
        assert.doesNotMatch(second.stderr, /migration applied/, 'nothing to migrate the second time');
      } finally {
        assert.equal((await second.stop()).code, 0);
      }
    } finally {
      await db.cleanup();
    }
  });

  test('migrate is idempotent', async () => {
    // The shared server already migrated its database; migrate again from the command line.
    const r = await runCommand(['migrate', '--db', srv.dbUrl]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /migraciones al día/);
    assert.doesNotMatch(r.stderr, /migration applied/);
  });

  test('the binary under test', () => {
    assert.ok(fs.existsSync(binPath));
    assert.ok(['sqlite', 'postgresql'].includes(dbKind));
  });
});

describe('behind TLS: Secure cookies and HSTS', () => {
  test('--behind-tls: the session cookie is Secure and every answer carries Strict-Transport-Security', async () => {
    const tls = await startServer({ extraArgs: ['--demo', '--behind-tls'] });
    try {
      const c = await loginDemo(tls, 'analyst');
      assert.match(c.setCookie, /;\s*Secure(;|$)/i);
      const r = await c.get('/api/v1/auth/session');
      assert.match(r.headers['strict-transport-security'] ?? '', /max-age=\d+/);
      const out = await c.post('/api/v1/auth/logout', {});
      assert.equal(out.status, 204);
      assert.match(String(out.headers['set-cookie']), /;\s*Secure/i);
    } finally {
      await tls.stop();
    }
  });

  test('X-Forwarded-Proto: https is believed from a trusted proxy only', async () => {
    const ask = (port, proto) => rawExchange(port,
      `GET /healthz HTTP/1.1\r\nHost: x\r\n${proto ? `X-Forwarded-Proto: ${proto}\r\n` : ''}Connection: close\r\n\r\n`);
    // Loopback (the default trusted proxy) says the client used HTTPS.
    assert.match((await ask(srv.port, 'https')).headers['strict-transport-security'] ?? '', /max-age=/);
    assert.equal((await ask(srv.port, 'http')).headers['strict-transport-security'], undefined);
    assert.equal((await ask(srv.port, null)).headers['strict-transport-security'], undefined, 'plain HTTP: no HSTS by default');
    const other = await startServer({ extraArgs: ['--trusted-proxy', '10.9.9.9'] });
    try {
      assert.equal((await ask(other.port, 'https')).headers['strict-transport-security'], undefined, 'an untrusted address cannot claim HTTPS');
    } finally {
      await other.stop();
    }
  });
});
