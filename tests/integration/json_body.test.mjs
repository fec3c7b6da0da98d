// JSON request bodies, exercised on POST /api/v1/auth/login. These tests are skipped until the
// route appears in the OpenAPI document of the server under test, and then light up by themselves.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';

import { assertApiError, hasRoute, nextClientAddress, rawExchange, startServer } from './harness.mjs';

const LOGIN = '/api/v1/auth/login';
// Top-level await: the skip decision needs the running server.
const srv = await startServer();
const routeExists = await hasRoute(srv, 'POST', LOGIN);
after(async () => { await srv.stop(); });

// Each request from its own loopback address, so the login rate limit does not interfere.
const post = (body, headers, localAddress = nextClientAddress()) => srv.request('POST', LOGIN, { body, headers, localAddress });

// Per test (not per suite) so that the runner's summary counts what was skipped.
const when = { skip: routeExists ? false : 'POST /api/v1/auth/login is not in openapi.json yet' };

describe('POST /api/v1/auth/login body validation', () => {
  test('malformed JSON is 400 malformed_json', when, async () => {
    for (const body of ['{"email": "a@b.cl", "password": ', '{email: 1}', 'not json', '']) {
      const r = await post(body, { 'Content-Type': 'application/json' });
      assertApiError(assert, r, 400, 'malformed_json');
    }
  });

  test('a JSON value that is not an object is 400 malformed_json', when, async () => {
    for (const body of ['[]', '"x"', '42', 'null']) {
      assertApiError(assert, await post(body, { 'Content-Type': 'application/json' }), 400, 'malformed_json');
    }
  });

  test('deeply nested JSON (a parser-stack attack) is refused and the server keeps serving', when, async () => {
    // Refused by the pre-scan before the parser runs: nothing that deep is ever built, copied or dumped.
    const deep = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
    const r = await post(deep, { 'Content-Type': 'application/json' });
    assertApiError(assert, r, 400, 'json_too_deep');
    assert.match(r.json.error.message, /niveles anidados \(máximo 32\)/);
    const inField = `{"email":${'['.repeat(300_000)}${']'.repeat(300_000)},"password":"x"}`;
    assertApiError(assert, await post(inField, { 'Content-Type': 'application/json' }), 400, 'json_too_deep');
    // Brackets inside a string are text, not nesting.
    const inString = JSON.stringify({ email: `${'['.repeat(5000)}@example.cl`, password: 'x' });
    assertApiError(assert, await post(inString, { 'Content-Type': 'application/json' }), 422, 'too_long', 'email');
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
  });

  test('wrong content type is 415', when, async () => {
    const json = JSON.stringify({ email: 'a@b.cl', password: 'x' });
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      assertApiError(assert, await post(json, { 'Content-Type': ct }), 415);
    }
    assertApiError(assert, await post(json, {}), 415); // no Content-Type at all
  });

  test('an unknown field is 422 naming the field', when, async () => {
    const r = await post({ email: 'ana@example.cl', password: 'secreto-largo-1', is_admin: true });
    assertApiError(assert, r, 422, undefined, 'is_admin');
  });

  test('very long strings are 422 too_long naming the field', when, async () => {
    assertApiError(assert, await post({ email: `${'a'.repeat(20_000)}@example.cl`, password: 'x' }), 422, 'too_long', 'email');
    assertApiError(assert, await post({ email: 'ana@example.cl', password: 'p'.repeat(200_000) }), 422, 'too_long', 'password');
  });

  test('wrong types and missing fields are 422 naming the field', when, async () => {
    assertApiError(assert, await post({ email: 42, password: 'x' }), 422, undefined, 'email');
    assertApiError(assert, await post({ password: 'x' }), 422, undefined, 'email');
    assertApiError(assert, await post({ email: 'ana@example.cl' }), 422, undefined, 'password');
  });

  test('a body over the limit is 413', when, async () => {
    // Announced size above the default 1 MiB limit: refused from the headers alone.
    const announced = await rawExchange(srv.port,
      `POST ${LOGIN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n{"email":"`);
    assertApiError(assert, announced, 413, 'payload_too_large');
    // A real body of 1.5 MiB sent whole.
    const r = await post({ email: 'ana@example.cl', password: 'x', pad: 'x'.repeat(1536 * 1024) }).catch((e) => e);
    if (!(r instanceof Error)) assertApiError(assert, r, 413, 'payload_too_large');
    else assert.match(r.code || '', /ECONNRESET|EPIPE/, 'the server may cut the upload once the limit is passed');
  });

  test('wrong credentials are 401 with a Spanish message', when, async () => {
    const r = await post({ email: 'nadie@example.cl', password: 'no-es-la-clave' });
    assertApiError(assert, r, 401);
  });

  test('repeated failed attempts on one account are refused with 429, whatever the client address', when, async () => {
    let refused;
    for (let i = 0; i < 40 && !refused; i++) {
      const r = await post({ email: 'objetivo@example.cl', password: `intento-${i}` });
      if (r.status === 429) refused = r;
    }
    assert.ok(refused, 'no 429 within 40 attempts on one account from 40 addresses');
    assertApiError(assert, refused, 429);
    // Another account is not affected.
    assert.notEqual((await post({ email: 'otra@example.cl', password: 'x' })).status, 429);
  });

  test('many attempts from one client are throttled with 429 rate_limited and Retry-After', when, async () => {
    const from = nextClientAddress();
    let throttled;
    for (let i = 0; i < 40 && !throttled; i++) {
      const r = await post({ email: `persona${i}@example.cl`, password: 'x' }, undefined, from);
      if (r.status === 429) throttled = r;
    }
    assert.ok(throttled, 'no 429 within 40 attempts from one address');
    assertApiError(assert, throttled, 429, 'rate_limited');
    assert.ok(Number(throttled.headers['retry-after']) > 0, 'Retry-After');
    // Another client is not affected.
    assert.notEqual((await post({ email: 'nueva@example.cl', password: 'x' })).status, 429);
  });
});
