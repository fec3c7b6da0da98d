// The error contract: every failure is JSON {"error":{"code","message","field"?}} in Spanish.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { assertApiError, rawExchange, startServer } from './harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('unknown API route is 404 JSON in Spanish', async () => {
  for (const p of ['/api/v1/nope', '/api/v2/territory/regions', '/api/v1/territory/regions/13/nope', '/api/']) {
    const r = await srv.request('GET', p);
    const e = assertApiError(assert, r, 404, 'not_found');
    assert.equal(e.field, undefined);
  }
});

test('unknown page outside the API is 404 JSON too (no web app built)', async () => {
  for (const p of ['/nope.html', '/%2e%2e/%2e%2e/etc/passwd', '/../../etc/passwd']) {
    const r = await srv.request('GET', p);
    assertApiError(assert, r, 404, 'not_found');
    assert.doesNotMatch(r.text, /root:/);
  }
});

test('wrong method on a known route is 405 JSON', async () => {
  for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const r = await srv.request(m, '/api/v1/territory/regions', { body: m === 'DELETE' ? undefined : {} });
    assertApiError(assert, r, 405, 'method_not_allowed');
  }
  // A method the server has never heard of.
  const raw = await rawExchange(srv.port, 'BREW /api/v1/territory/regions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assertApiError(assert, raw, 405, 'method_not_allowed');
});

test('405 names the allowed methods in an Allow header (RFC 9110 §15.5.6)', async () => {
  const r = await srv.request('POST', '/api/v1/territory/regions', { body: {} });
  assert.equal(r.status, 405);
  assert.match(r.headers.allow || '', /\bGET\b/);
});

test('HEAD on a GET route answers the headers without a body', async () => {
  const r = await srv.request('HEAD', '/api/v1/territory/regions');
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 0);
  assert.ok(Number(r.headers['content-length']) > 100, 'Content-Length of the GET body');
});

test('bad parameters are 400 with the offending field', async () => {
  const e = assertApiError(assert, await srv.request('GET', '/api/v1/territory/locate?lat=x&lon=1'), 400, 'invalid_coordinate', 'lat');
  assert.match(e.message, /«lat»/);
  assertApiError(assert, await srv.request('GET', '/api/v1/territory/comunas?limit=100000'), 400, 'invalid_parameter', 'limit');
});

test('invalid bytes in path parameters are a plain 404', async () => {
  for (const p of ['/api/v1/territory/regions/%FF/provinces', '/api/v1/territory/comunas/%C3%28',
    '/api/v1/territory/boundaries/regions/%FF/comunas']) {
    const r = await srv.request('GET', p);
    assertApiError(assert, r, 404, 'not_found');
  }
  assertApiError(assert, await srv.request('GET', '/api/v1/territory/locate?lat=%FF&lon=1'), 400, undefined, 'lat');
  const r = await srv.request('GET', '/api/v1/territory/comunas?q=%ZZ'); // not a percent escape: literal text
  assert.equal(r.status, 200);
});

test('a search that is not valid UTF-8 is not a server error', async () => {
  // A stray byte from a badly encoded link must not become a 500 (PostgreSQL refuses such text).
  for (const q of ['%FF', '%C3', '%C3%B1%FF', 'nu%F1oa']) {
    const r = await srv.request('GET', `/api/v1/territory/comunas?q=${q}`);
    assert.ok(r.status < 500, `q=${q} → ${r.status} ${r.text}`);
    if (r.status === 200) assert.deepEqual(r.json, { items: [] });
    else assertApiError(assert, r, 400, undefined, 'q');
  }
});

test('a NUL byte in the search is not a wildcard', async () => {
  const r = await srv.request('GET', '/api/v1/territory/comunas?q=%00');
  assert.ok(r.status === 400 || (r.status === 200 && r.json.items.length === 0), `${r.status} ${r.text.slice(0, 120)}`);
});

test('errors are not cached and carry the security headers', async () => {
  const r = await srv.request('GET', '/api/v1/nope');
  assert.equal(r.status, 404);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.ok(r.headers['content-security-policy']);
});

test('errors never leak internals (stack traces, SQL, paths)', async () => {
  for (const p of ['/api/v1/territory/comunas?q=%27', '/api/v1/territory/regions/%27/provinces', '/api/v1/nope']) {
    const r = await srv.request('GET', p);
    assert.doesNotMatch(r.text, /SELECT|sqlite|postgres|soci|\.cc\b|std::|exception/i, `${p}: ${r.text}`);
  }
});
