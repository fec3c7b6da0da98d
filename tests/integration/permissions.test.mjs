// THE route-permission test. Every operation the server publishes in its OpenAPI document is
// called anonymously and as a signed-in account that lacks its permission; both must be refused
// (401 / 403) and every refusal must leave an audit entry. Routes added later are covered
// automatically: the list comes from the running server, not from this file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, runCommand, startServer } from './harness.mjs';
import { Client, DEMO, auditEntries, login, loginDemo } from './auth_helpers.mjs';

const PUBLIC = 'public';
const AUTHENTICATED = 'authenticated';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']; // OpenAPI operation keys

let srv;
const ops = []; // { method, pattern, path, permission, op }
const users = {}; // role → Client (signed in), with .permissions
let admin;

// Path parameters: a real code where the name or context suggests one, so public routes answer
// with data rather than "not found"; "1" otherwise (refusals happen before any lookup).
function concrete(pattern) {
  return pattern.replace(/\{([^}]+)\}/g, (_, name, offset) => {
    const before = pattern.slice(0, offset);
    if (/regions\/$/.test(before)) return '13';
    if (/provinces\/$/.test(before)) return '131';
    if (/comunas\/$/.test(before)) return '13101';
    return name === 'code' ? '13101' : '1';
  });
}

// Sample query strings for public routes that need some (anything else gets none).
const PUBLIC_QUERY = { '/api/v1/territory/locate': '?lat=-33.4489&lon=-70.6693' };

// Public routes for tracking devices, which authenticate with their own id and secret.
const DEVICE_ROUTES = /^(GET|POST) \/api\/v1\/monitoring\/(osmand|positions)$/;

const bodyFor = (method) => (['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined);

// A signed-in demo account that lacks the operation's permission. Prefer the company account
// (it holds only registries.directoras.search), then the others.
const DENY_ORDER = ['company', 'pharmacy', 'municipal', 'analyst', 'focal_point', 'seremi', 'operator', 'case_worker', 'institution_admin'];
function deniedRole(o) {
  const role = DENY_ORDER.find((r) => !users[r].permissions.has(o.permission));
  assert.ok(role, `no demo account lacks «${o.permission}» (${o.method} ${o.pattern})`);
  return role;
}
// A signed-in demo account that holds it ('company' for operations open to any account).
function allowedRole(o) {
  if (o.permission === AUTHENTICATED) return 'company';
  const role = Object.keys(users).find((r) => users[r].permissions.has(o.permission));
  assert.ok(role, `no demo account holds «${o.permission}» (${o.method} ${o.pattern})`);
  return role;
}

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  const doc = await srv.request('GET', '/api/v1/openapi.json');
  assert.equal(doc.status, 200, doc.text);
  for (const [pattern, item] of Object.entries(doc.json.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.includes(m)) continue;
      ops.push({ method: m.toUpperCase(), pattern, path: concrete(pattern), permission: op['x-permission'], op });
    }
  }
  // One signed-in session per demo role (TOTP where the account has it).
  await Promise.all(Object.keys(DEMO).map(async (role) => {
    const c = await loginDemo(srv, role);
    const s = await c.get('/api/v1/auth/session');
    assert.equal(s.status, 200, s.text);
    c.permissions = new Set(s.json.user.permissions);
    c.role = role;
    users[role] = c;
  }));
  admin = users.admin;
});
after(async () => { await srv?.stop(); });

describe('route permissions', () => {
  test('the API description lists the known operations', () => {
    assert.ok(ops.length >= 20, `only ${ops.length} operations`);
    const names = new Set(ops.map((o) => `${o.method} ${o.pattern}`));
    for (const must of ['POST /api/v1/auth/login', 'GET /api/v1/users', 'POST /api/v1/users', 'GET /api/v1/audit', 'GET /api/v1/openapi.json'])
      assert.ok(names.has(must), `${must} missing from the OpenAPI document`);
  });

  test('every operation declares x-permission, and each names a permission some role grants', async () => {
    const roles = await admin.get('/api/v1/roles');
    assert.equal(roles.status, 200, roles.text);
    const granted = new Set(roles.json.items.flatMap((r) => r.permissions.map((p) => p.id)));
    for (const o of ops) {
      const where = `${o.method} ${o.pattern}`;
      assert.equal(typeof o.permission, 'string', `${where} declares no x-permission`);
      assert.ok(o.permission.length > 0, `${where} has an empty x-permission`);
      if (o.permission === PUBLIC || o.permission === AUTHENTICATED) continue;
      assert.ok(granted.has(o.permission), `${where} needs «${o.permission}», which no role grants: nobody could ever use it`);
      // The description itself tells clients what to expect.
      assert.ok(o.op.responses?.['401'], `${where}: no 401 response documented`);
      assert.ok(o.op.responses?.['403'], `${where}: no 403 response documented`);
    }
  });

  test('operations open to anyone, or to any signed-in account, are only the reviewed ones', () => {
    // Deny by default: a new route that is public or open to every account (company, pharmacy…)
    // must be a decision, not a slip. Extend these lists deliberately when a module needs it.
    const REVIEWED_PUBLIC = [
      /^GET \/healthz$/, /^GET \/metrics$/, /^GET \/api\/v1\/openapi\.json$/,
      /^POST \/api\/v1\/auth\/login(\/totp|\/enrol)?$/,
      /^GET \/api\/v1\/territory\//, // official reference data
      /^GET \/api\/v1\/legislative\/(bills(\/\{id\})?|urgencies\/due)$/, // public legislative agenda
      /^GET \/api\/v1\/policy\/public\/(instruments(\/\{id\}(\/(items|periods)\.(csv|xlsx))?)?|items\/\{id\}(\/bills)?|bills\/\{id\}\/items|rollup(\.csv|\.xlsx)?|history)$/, // validated policy progress, its item tree and calendar as CSV/XLSX, and its links to bills (transparency page)
      // Telematic monitoring: devices authenticate themselves (their own id and secret, not a session),
      // and the public half of the key that signs evidence exports.
      /^(GET|POST) \/api\/v1\/monitoring\/osmand$/, /^POST \/api\/v1\/monitoring\/positions$/,
      /^GET \/api\/v1\/monitoring\/export-key$/,
      // Help channels: the 1455's opening hours (the public site), and the telephony switch's
      // webhook, authenticated by its HMAC signature instead of a session.
      /^GET \/api\/v1\/channels\/hours$/, /^POST \/api\/v1\/channels\/telephony\/events$/,
      // The silent chat: her connection is anonymous by design (no account, no cookie; issue 13).
      /^GET \/api\/v1\/chat\/ws$/,
      // Gender indicators: the companies' report (aggregates only) and the SEG catalogue.
      /^GET \/api\/v1\/indicators\/public\/(report(\.csv|\.xlsx)?|catalogue(\/\{id\})?)$/,
      // Policy: the public account's figures checked against the records, and the PMG technical-assistance log.
      /^GET \/api\/v1\/policy\/public\/(checks|instruments\/\{id\}\/assistance)$/,
      // Network of care: the directory of centres and CAVAS and its HSDS export (never a shelter).
      /^GET \/api\/v1\/care\/(directory(\/\{id\})?|hsds)$/,
      // Cuenta Pública Participativa: published editions (frozen documents of aggregate figures) and their printable page.
      /^GET \/api\/v1\/account\/public\/editions(\/\{id\}(\/print|\/pdf)?)?$/,
      // Certified organisations (NCh3262, Sello Iguala-Conciliación, IPG Chile): legal persons, public by design.
      /^GET \/api\/v1\/registries\/public\/(vocabularies|certifications(\/\{id\})?)$/,
      // The WhatsApp line: Meta's webhook (verify token on GET, X-Hub-Signature-256 HMAC on POST).
      /^(GET|POST) \/api\/v1\/whatsapp\/webhook$/,
      // Policy: counts of PMG filings per year, stage and review state (no filing's content).
      /^GET \/api\/v1\/policy\/public\/instruments\/\{id\}\/pmg-workflow$/,
      // Outreach: courses with aggregate participants, campaigns, talks with free seats; a talk's
      // registration needs no account (rate limited); a certificate is checked by its code.
      /^GET \/api\/v1\/outreach\/public\/(trainings|campaigns|talks|certificates\/\{code\})$/,
      /^POST \/api\/v1\/outreach\/public\/talks\/\{id\}\/registrations$/,
      // Citizens' participation in the public account: reading is open; writing needs the e-mail
      // code's token and a solved proof-of-work, behind a per-address flood limit (participation.test.mjs).
      /^GET \/api\/v1\/participation\/public\/(processes(\/\{id\})?|challenge)$/,
      /^POST \/api\/v1\/participation\/public\/(verify(\/confirm)?|processes\/\{id\}\/(comments|questions)|posts\/\{id\}\/(report|appeal))$/,
      // The ministry's studies catalogue: published and withdrawn studies and their files; a draft is 404 (studies.test.mjs).
      /^GET \/api\/v1\/studies\/public\/(studies(\/\{id\})?|files\/\{id\})$/,
      // Councils (COSOC, Consejo Asesor, mesas): public bodies, members without contact data,
      // sessions with published minutes only, agreements and their follow-up.
      /^GET \/api\/v1\/councils\/public\/(vocabularies|bodies(\/\{id\})?)$/,
    ];
    const REVIEWED_ANY_ACCOUNT = [
      /^(GET|POST|DELETE) \/api\/v1\/auth\//, /^GET \/api\/v1\/me\//,
      // Each person's own password and recovery codes (the service acts only on the caller's account).
      /^POST \/api\/v1\/me\/(password|recovery-codes)$/,
    ];
    const surprises = [];
    for (const o of ops) {
      const name = `${o.method} ${o.pattern}`;
      if (o.permission === PUBLIC && !REVIEWED_PUBLIC.some((re) => re.test(name))) surprises.push(`${name} is public`);
      if (o.permission === AUTHENTICATED && !REVIEWED_ANY_ACCOUNT.some((re) => re.test(name))) surprises.push(`${name} is open to every signed-in account`);
    }
    assert.deepEqual(surprises, []);
  });

  test('public operations answer without a session', async () => {
    const pub = ops.filter((o) => o.permission === PUBLIC);
    assert.ok(pub.length > 0);
    for (const o of pub) {
      const c = new Client(srv);
      const r = await c.req(o.method, o.path + (PUBLIC_QUERY[o.pattern] ?? ''), { body: bodyFor(o.method) });
      // Device routes refuse a caller without the device's own credentials (401 device_unauthenticated);
      // what they never do is ask for a user session.
      if (DEVICE_ROUTES.test(`${o.method} ${o.pattern}`) && r.status === 401) {
        assertApiError(assert, r, 401, 'device_unauthenticated');
        continue;
      }
      // The telephony webhook refuses an unsigned event (401 bad_signature), never asks for a session.
      if (`${o.method} ${o.pattern}` === 'POST /api/v1/channels/telephony/events' && r.status === 401) {
        assertApiError(assert, r, 401, 'bad_signature');
        continue;
      }
      // Meta's webhook: a wrong verify token is 403 and an unsigned post 401, as Meta expects; never a session.
      if (`${o.method} ${o.pattern}` === 'GET /api/v1/whatsapp/webhook' && r.status === 403) {
        assertApiError(assert, r, 403, 'bad_verify_token');
        continue;
      }
      if (`${o.method} ${o.pattern}` === 'POST /api/v1/whatsapp/webhook' && r.status === 401) {
        assertApiError(assert, r, 401, 'bad_signature');
        continue;
      }
      assert.notEqual(r.status, 401, `${o.method} ${o.path} asked for a session: ${r.text}`);
      assert.notEqual(r.status, 403, `${o.method} ${o.path} refused an anonymous caller: ${r.text}`);
      assert.ok(r.status < 500, `${o.method} ${o.path}: ${r.status} ${r.text}`);
    }
  });

  test('every non-public operation refuses an anonymous caller with 401', async () => {
    const priv = ops.filter((o) => o.permission !== PUBLIC);
    assert.ok(priv.length > 0);
    for (const o of priv) {
      const c = new Client(srv);
      const r = await c.req(o.method, o.path, { body: bodyFor(o.method) });
      assertApiError(assert, r, 401, 'unauthenticated');
      if (o.method === 'GET') {
        // HEAD runs the GET route: it must be refused the same way (no body to check).
        const h = await c.req('HEAD', o.path);
        assert.equal(h.status, 401, `HEAD ${o.path} answered ${h.status}`);
      }
    }
  });

  test('methods a path does not declare are refused, never run', async () => {
    const byPath = new Map();
    for (const o of ops) {
      if (!byPath.has(o.path)) byPath.set(o.path, new Set());
      byPath.get(o.path).add(o.method);
    }
    for (const [p, declared] of byPath) {
      for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        if (declared.has(m) || (m === 'GET' && declared.has('HEAD'))) continue;
        const r = await users.admin.req(m, p, { body: bodyFor(m) });
        assert.ok([404, 405].includes(r.status), `${m} ${p} (not declared) answered ${r.status} ${r.text}`);
      }
    }
  });

  test('every non-public operation refuses a made-up session cookie or bearer token with 401', async () => {
    for (const o of ops.filter((x) => x.permission !== PUBLIC)) {
      const c = new Client(srv);
      const r1 = await c.req(o.method, o.path, { body: bodyFor(o.method), cookie: 'eq_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', headers: { 'X-CSRF-Token': 'x' } });
      assertApiError(assert, r1, 401);
      const r2 = await c.req(o.method, o.path, { body: bodyFor(o.method), headers: { Authorization: 'Bearer not-a-real-token' } });
      assertApiError(assert, r2, 401);
    }
  });

  test('every operation with a specific permission refuses a signed-in account without it (403)', async () => {
    const specific = ops.filter((o) => o.permission !== PUBLIC && o.permission !== AUTHENTICATED);
    assert.ok(specific.length > 0);
    for (const o of specific) {
      const role = deniedRole(o);
      const r = await users[role].req(o.method, o.path, { body: bodyFor(o.method) });
      const e = assertApiError(assert, r, 403);
      assert.equal(e.code, 'forbidden', `${o.method} ${o.path} as ${role}: ${r.text}`);
    }
  });

  test('a signed-in account that holds the permission is let through (not 401/403)', async () => {
    for (const o of ops.filter((x) => x.permission !== PUBLIC && x.permission !== AUTHENTICATED)) {
      const role = allowedRole(o);
      // An id no object has, so that state-changing routes change nothing.
      const path = o.pattern.includes('{') ? o.pattern.replace(/\{[^}]+\}/g, '999999') : o.path;
      const r = await users[role].req(o.method, path, { body: bodyFor(o.method) });
      assert.ok(r.status !== 401 && r.status !== 403, `${o.method} ${path} as ${role}: ${r.status} ${r.text}`);
      assert.ok(r.status < 500, `${o.method} ${path} as ${role}: ${r.status} ${r.text}`);
    }
  });

  test('every refusal is in the audit log (http.unauthenticated / http.denied)', async () => {
    const priv = ops.filter((o) => o.permission !== PUBLIC);
    const denials = [];
    for (const o of priv) {
      assertApiError(assert, await new Client(srv).req(o.method, o.path, { body: bodyFor(o.method) }), 401);
      if (o.permission === AUTHENTICATED) continue;
      const role = deniedRole(o);
      assertApiError(assert, await users[role].req(o.method, o.path, { body: bodyFor(o.method) }), 403);
      denials.push([o, users[role].session.user]);
    }
    const entries = await auditEntries(admin, 'outcome=denied');
    assert.ok(entries.length > 0, 'no denied entries at all');
    for (const e of entries) assert.equal(e.outcome, 'denied', 'only refusals are listed under outcome=denied');
    for (const o of priv) {
      const object = `${o.method} ${o.pattern}`;
      const anon = entries.find((e) => e.action === 'http.unauthenticated' && e.object === object);
      assert.ok(anon, `no http.unauthenticated entry for ${object}`);
      assert.equal(anon.actor, null, `anonymous refusal of ${object} names an actor: ${JSON.stringify(anon)}`);
      assert.ok(anon.client_ip, 'the client address is recorded');
    }
    for (const [o, u] of denials) {
      const object = `${o.method} ${o.pattern}`;
      const denied = entries.find((e) => e.action === 'http.denied' && e.object === object && e.actor?.id === u.id);
      assert.ok(denied, `no http.denied entry for ${object} by ${u.email}`);
      assert.equal(denied.actor.name, u.name);
      assert.equal(denied.institution?.id, u.institution.id);
      assert.equal(denied.institution?.name, u.institution.name);
    }
  });

  test('every state-changing operation refuses a cookie session without the CSRF token (403 csrf)', async () => {
    const writes = ops.filter((o) => o.permission !== PUBLIC && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(o.method));
    assert.ok(writes.length > 0);
    for (const o of writes) {
      const c = users[allowedRole(o)];
      const missing = await c.req(o.method, o.path, { body: bodyFor(o.method), csrf: false });
      assertApiError(assert, missing, 403, 'csrf');
      const wrong = await c.req(o.method, o.path, { body: bodyFor(o.method), csrf: false, headers: { 'X-CSRF-Token': 'x'.repeat(c.csrf.length) } });
      assertApiError(assert, wrong, 403, 'csrf');
    }
    // None of them ran: the sessions are still open.
    for (const c of Object.values(users)) assert.equal((await c.get('/api/v1/auth/session')).status, 200);
  });

  test('API tokens: limited to their scopes, no CSRF needed, useless once revoked', async () => {
    const add = async (scopes) => {
      const r = await runCommand(['token', 'add', '--db', srv.dbUrl, '--name', 'prueba', '--user', DEMO.admin.email,
        ...scopes.flatMap((x) => ['--scope', x])]);
      assert.equal(r.code, 0, r.stderr);
      const token = r.stdout.trim().split('\n').pop().trim();
      const id = Number(/token (\d+)/.exec(r.stdout)[1]);
      return { token, id };
    };
    const audit = await add(['audit.read']);
    const bearer = (t) => ({ headers: { Authorization: `Bearer ${t}` } });
    const c = new Client(srv);
    assert.equal((await c.get('/api/v1/audit?limit=1', bearer(audit.token))).status, 200);
    // The owner may manage users, the token may not.
    assertApiError(assert, await c.get('/api/v1/users', bearer(audit.token)), 403, 'forbidden');
    assertApiError(assert, await c.post('/api/v1/institutions', { name: 'X', type: 'health' }, bearer(audit.token)), 403, 'forbidden');
    const inst = await add(['institutions.manage']);
    const created = await c.post('/api/v1/institutions', { name: `Por token ${process.pid}`, type: 'health' }, bearer(inst.token));
    assert.equal(created.status, 201, `a bearer token needs no CSRF token: ${created.text}`);
    // A token cannot get more than its owner has: the owner lacks cases.read.
    const tooMuch = await runCommand(['token', 'add', '--db', srv.dbUrl, '--name', 'x', '--user', DEMO.admin.email, '--scope', 'cases.read']);
    assert.notEqual(tooMuch.code, 0);
    const rev = await runCommand(['token', 'revoke', '--db', srv.dbUrl, '--id', String(audit.id)]);
    assert.equal(rev.code, 0, rev.stderr);
    assertApiError(assert, await c.get('/api/v1/audit?limit=1', bearer(audit.token)), 401, 'invalid_token');
  });

  test("a scoped API token cannot end its owner's browser sessions", async () => {
    // "A token can do at most what its scopes name": a company's search integration (token scoped
    // to registries.directoras.search) must not be able to log its owner out everywhere.
    // (The company account: no later test here relies on its sessions.)
    const r = await runCommand(['token', 'add', '--db', srv.dbUrl, '--name', 'integración', '--user', DEMO.company.email,
      '--scope', 'registries.directoras.search']);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim().split('\n').pop().trim();
    const owner = await loginDemo(srv, 'company');
    const sid = (await owner.get('/api/v1/auth/sessions')).json.items.find((x) => x.current).id;
    const bearer = { headers: { Authorization: `Bearer ${token}` } };
    const c = new Client(srv);
    const del = await c.del(`/api/v1/auth/sessions/${sid}`, bearer);
    const all = await c.post('/api/v1/auth/logout-all', {}, bearer);
    const alive = await owner.get('/api/v1/auth/session');
    assert.deepEqual([del.status >= 400, all.status >= 400, alive.status], [true, true, 200],
      `token scoped to registries.directoras.search: DELETE /api/v1/auth/sessions/${sid} → ${del.status}, ` +
      `POST /api/v1/auth/logout-all → ${all.status}; owner's browser session afterwards → ${alive.status}`);
  });

  test("an API token cannot change its owner's password or recovery codes", async () => {
    const r = await runCommand(['token', 'add', '--db', srv.dbUrl, '--name', 'lectura', '--user', DEMO.admin.email, '--scope', 'roles.read']);
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim().split('\n').pop().trim();
    const bearer = { headers: { Authorization: `Bearer ${token}` } };
    const c = new Client(srv);
    const pw = await c.post('/api/v1/me/password', { current_password: 'Equidad2026!', new_password: 'Otra-Clave-2026!' }, bearer);
    assertApiError(assert, pw, 403, 'forbidden');
    const codes = await c.post('/api/v1/me/recovery-codes', { password: 'Equidad2026!', code: '123456' }, bearer);
    assertApiError(assert, codes, 403, 'forbidden');
    // The admin's password is unchanged.
    assert.equal((await login(srv, DEMO.admin.email)).cookie !== null, true);
  });

  test('the audit log is only readable with audit.read, and reading it is itself recorded', async () => {
    const r = await users.institution_admin.get('/api/v1/audit?outcome=denied');
    assertApiError(assert, r, 403, 'forbidden');
    const reads = await auditEntries(admin, 'action=audit.read', 50);
    assert.ok(reads.some((e) => e.actor?.id === admin.session.user.id), 'audit.read by the admin not recorded');
  });
  test('operations for any signed-in account accept every role', async () => {
    // Fresh sessions, so that logout routes do not end the sessions the other tests use (and this
    // test runs last: logout-all ends the company account's other sessions too).
    for (const o of ops.filter((x) => x.permission === AUTHENTICATED)) {
      const c = await login(srv, DEMO.company.email);
      const path = o.pattern.includes('{') ? o.pattern.replace(/\{[^}]+\}/g, '999999') : o.path;
      const r = await c.req(o.method, path, { body: bodyFor(o.method) });
      assert.ok(r.status !== 401 && r.status !== 403, `${o.method} ${path}: ${r.status} ${r.text}`);
      assert.ok(r.status < 500, `${o.method} ${path}: ${r.status} ${r.text}`);
    }
  });

});
