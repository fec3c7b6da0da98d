// Hostile bodies against every route that takes a body: the route table is read from
// /api/v1/openapi.json, each route is called by a demo role that holds its permission (so the
// body is really read, not refused at the door), with deep nesting, huge numbers, wrong types,
// arrays and objects where text is expected, invalid UTF-8, control characters and truncated
// JSON. No answer may be a 5xx, every refusal must be the JSON error contract, and the server must
// still answer /healthz at the end (issue 11: one request used to kill the whole server).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Client, DEMO, login } from './auth_helpers.mjs';
import { startServer } from './harness.mjs';

let srv;
const clients = new Map(); // role → signed-in Client
let anonymous;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  anonymous = new Client(srv);
  for (const role of Object.keys(DEMO)) clients.set(role, await login(srv, DEMO[role].email));
});
after(async () => { await srv?.stop(); });

// Routes whose success would end the test's own sessions (not what is under test here).
const SKIP = [/\/auth\/logout/, /\/auth\/sessions\/\{id\}$/];

const DEPTH = 200_000;
const deepArray = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = '{"a":'.repeat(DEPTH / 4) + '1' + '}'.repeat(DEPTH / 4);
const deepInField = (field) => `{${JSON.stringify(field)}:${'['.repeat(50_000)}${']'.repeat(50_000)}}`;

// Values of the wrong kind for a field that expects `type`.
function wrongValues(type) {
  const all = [12345678901234567890, -1e308, 1.5, true, null, [], ['a', 1, null], {}, { a: { b: [1] } }, '',
    'x'.repeat(20_000), '\u0000\u0007\u001b[2J', '\u202e\u200b', '1e999', '-0', 'NaN', '../../etc/passwd'];
  const same = { string: (v) => typeof v === 'string', integer: Number.isInteger, number: (v) => typeof v === 'number',
    boolean: (v) => typeof v === 'boolean', array: Array.isArray, object: (v) => v && typeof v === 'object' && !Array.isArray(v) };
  const keep = same[type];
  // Strings of the right type stay: long, control and bidi characters are what a string field must refuse or store.
  return keep && type !== 'string' ? all.filter((v) => !keep(v)) : all;
}

// A plausible body for the schema, so that one wrong field is what the handler meets.
function plausible(schema) {
  const out = {};
  for (const [k, p] of Object.entries(schema?.properties ?? {})) {
    out[k] = { string: 'texto de prueba', integer: 1, number: 1, boolean: true, array: [], object: {} }[p.type] ?? 'x';
  }
  return out;
}

// Fields that bodies without a declared schema read (records, batches, alerts, monitoring).
const COMMON = ['person_id', 'persons', 'person', 'identity', 'records', 'record', 'details', 'kind', 'type', 'positions',
  'run', 'given_names', 'surname1', 'birth_date', 'comuna_id', 'params', 'template', 'ids', 'reason', 'note', 'outcome',
  'status', 'zones', 'devices', 'lat', 'lon', 'at', 'occurred_at', 'items', 'idempotency_key', 'level', 'answers'];

function bodiesFor(op) {
  const schema = op.requestBody?.content?.['application/json']?.schema;
  const fields = schema ? Object.entries(schema.properties ?? {}) : COMMON.map((k) => [k, { type: '?' }]);
  const base = plausible(schema);
  const bodies = [
    ['deep array (400 KB)', deepArray],
    ['deep object', deepObject],
    ['top-level array', '[]'],
    ['top-level string', '"x"'],
    ['top-level number', '1e400'],
    ['null', 'null'],
    ['truncated', '{"a":'],
    ['empty', ''],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('":"\xed\xa0\x80"}', 'latin1')])],
    ['invalid UTF-8 in value', Buffer.concat([Buffer.from(`{"${fields[0]?.[0] ?? 'a'}":"`), Buffer.from([0xc0, 0xaf, 0xff]), Buffer.from('"}')])],
    ['duplicate keys', `{"${fields[0]?.[0] ?? 'a'}":1,"${fields[0]?.[0] ?? 'a'}":"x"}`],
    ['huge exponent', `{"${fields[0]?.[0] ?? 'a'}":1e999999}`],
  ];
  for (const [k, p] of fields) {
    bodies.push([`deep in ${k}`, deepInField(k)]);
    for (const v of wrongValues(p.type)) bodies.push([`${k} = ${JSON.stringify(v)?.slice(0, 30)}`, JSON.stringify({ ...base, [k]: v })]);
    // Nested records: the wrong kinds one level down too.
    if (!schema) for (const v of [[{ [k]: [] }], { [k]: { x: [1] } }]) bodies.push([`${k} nested`, JSON.stringify({ [k]: v })]);
  }
  return bodies;
}

function clientFor(permission) {
  if (permission === 'public') return anonymous;
  for (const [role, c] of clients) {
    if (permission === 'authenticated') return clients.get('admin');
    if (c.session?.user?.permissions?.includes(permission)) return c;
    void role;
  }
  return null;
}

// Ids of no existing object: handlers read the body before they look the object up, and the demo's
// own objects (accounts, orders) are not changed by a body that happens to be acceptable.
function concrete(pattern) {
  return pattern.replace(/\{[^}]+\}/g, '999999');
}

describe('hostile bodies on every route with a body', () => {
  test('no 5xx, every refusal is the JSON error contract, the server stays up', async () => {
    const spec = (await anonymous.get('/api/v1/openapi.json')).json;
    const failures = [];
    let calls = 0;
    let routes = 0;
    for (const [pattern, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
        if (SKIP.some((re) => re.test(pattern))) continue;
        const client = clientFor(op['x-permission']);
        if (!client) continue; // a permission no demo role holds
        routes++;
        for (const [what, body] of bodiesFor(op)) {
          calls++;
          let r;
          try {
            r = await client.req(method.toUpperCase(), concrete(pattern), { body, headers: { 'Content-Type': 'application/json' } });
          } catch (e) {
            failures.push(`${method.toUpperCase()} ${pattern} [${what}]: no answer (${e.message})`);
            if ((await anonymous.get('/healthz').catch(() => ({ status: 0 }))).status !== 200)
              assert.fail(`the server went down on ${method.toUpperCase()} ${pattern} [${what}]\n${failures.join('\n')}`);
            continue;
          }
          if (r.status >= 500) failures.push(`${method.toUpperCase()} ${pattern} [${what}]: ${r.status} ${r.text.slice(0, 200)}`);
          else if (r.status >= 400 && r.status !== 405 && !(r.json?.error?.code && r.json?.error?.message))
            failures.push(`${method.toUpperCase()} ${pattern} [${what}]: ${r.status} without the error contract: ${r.text.slice(0, 120)}`);
        }
      }
    }
    assert.ok(routes > 30, `routes with a body exercised: ${routes}`);
    assert.ok(calls > 1000, `calls: ${calls}`);
    assert.deepEqual(failures, []);
    assert.equal((await anonymous.get('/healthz')).status, 200);
  });

  test('the deep body is refused as such (400 json_too_deep), with a Spanish message', async () => {
    const r = await clients.get('case_worker').req('POST', '/api/v1/cases/records',
      { body: deepArray, headers: { 'Content-Type': 'application/json' } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'json_too_deep');
    assert.match(r.json.error.message, /niveles anidados/);
    const lr = await anonymous.req('POST', '/api/v1/auth/login', { body: deepObject, headers: { 'Content-Type': 'application/json' } });
    assert.equal(lr.status, 400);
    assert.equal(lr.json.error.code, 'json_too_deep');
  });
});
