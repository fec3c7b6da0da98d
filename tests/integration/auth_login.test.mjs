// Signing in and out: passwords, the second factor (TOTP, enrolment, recovery codes), lock-out,
// sessions on several devices, stolen cookies and CSRF.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, startServer } from './harness.mjs';
import {
  Client, DEMO, DEMO_SECRET, UA, auditEntries, enrol, freshTotp, institutionId, peekTotp, totpKey, login, loginDemo, newPassword, passwordStep,
  totpCode, totpCounter, uniq, wrongTotp,
} from './auth_helpers.mjs';

let srv;
let admin;
let centroId;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  admin = await loginDemo(srv, 'admin');
  centroId = await institutionId(admin, 'Centro de la Mujer Santiago');
});
after(async () => { await srv?.stop(); });

const key = (email) => totpKey(srv, email);

// A new account made by the admin for one test (so lock-outs and enrolments touch nobody else).
async function newAccount(roles = ['institution_admin'], extra = {}) {
  const email = `cuenta.${uniq()}@prueba.cl`;
  const password = newPassword();
  const r = await admin.post('/api/v1/users', { name: 'Cuenta de Prueba', email, institution_id: centroId, roles, password, ...extra });
  assert.equal(r.status, 201, r.text);
  return { email, password, id: r.json.id };
}

describe('password step', () => {
  test('wrong password and unknown e-mail give the same 401 code and message', async () => {
    const c = new Client(srv);
    const wrong = await passwordStep(c, DEMO.analyst.email, 'Contraseña-incorrecta-1');
    const unknown = await passwordStep(c, `nadie.${uniq()}@equidad.demo`, 'Contraseña-incorrecta-1');
    const e1 = assertApiError(assert, wrong, 401, 'invalid_credentials');
    const e2 = assertApiError(assert, unknown, 401, 'invalid_credentials');
    assert.deepEqual(e1, e2, 'the answer must not reveal whether the e-mail exists');
    assert.equal(wrong.headers['set-cookie'], undefined);
    assert.equal(unknown.headers['set-cookie'], undefined);
  });

  test('the e-mail is not case-sensitive', async () => {
    const c = new Client(srv);
    const r = await passwordStep(c, DEMO.analyst.email.toUpperCase());
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.next, 'done');
    assert.equal(r.json.session.user.email, DEMO.analyst.email);
  });

  test('a missing password is a 422 on the field, not a login attempt', async () => {
    const c = new Client(srv);
    const r = await c.post('/api/v1/auth/login', { email: DEMO.analyst.email });
    assertApiError(assert, r, 422, undefined, 'password');
  });
});

describe('every demo role', () => {
  test('signs in (TOTP where required) and the session names the right role and permissions', async () => {
    const roles = await admin.get('/api/v1/roles');
    assert.equal(roles.status, 200, roles.text);
    const byId = Object.fromEntries(roles.json.items.map((r) => [r.id, r]));
    for (const [role, d] of Object.entries(DEMO)) {
      const c = new Client(srv);
      const step = await passwordStep(c, d.email);
      assert.equal(step.status, 200, step.text);
      assert.equal(step.json.next, d.totp ? 'totp' : 'done', `${d.email}: ${step.text}`);
      if (d.totp) {
        assert.equal(c.cookie, null, 'no session before the second factor');
        const { code } = await freshTotp(key(d.email));
        const t = await c.post('/api/v1/auth/login/totp', { challenge: step.json.challenge, code });
        assert.equal(t.status, 200, t.text);
        assert.equal(t.json.next, 'done');
      }
      assert.ok(c.cookie, `${d.email}: no session cookie`);
      const s = await c.get('/api/v1/auth/session');
      assert.equal(s.status, 200, s.text);
      assert.equal(s.json.user.email, d.email);
      assert.deepEqual(s.json.user.roles, [role]);
      assert.deepEqual([...s.json.user.permissions].sort(), byId[role].permissions.map((p) => p.id).sort(), role);
      assert.equal(s.json.user.totp_enabled, d.totp);
      assert.equal(s.json.csrf_token, c.csrf, 'the CSRF token stays the one given at login');

      const home = await c.get('/api/v1/me/home');
      assert.equal(home.status, 200, home.text);
      assert.ok(Array.isArray(home.json.items) && home.json.items.length > 0, `${role}: empty home ${home.text}`);
      assert.ok(home.json.role_title.includes(byId[role].name), `${role}: role_title ${home.json.role_title}`);
      assert.match(home.json.greeting, /^Hola, /);
      for (const it of home.json.items) {
        assert.ok(['task', 'metric', 'notice'].includes(it.kind), JSON.stringify(it));
        assert.ok(it.title && typeof it.title === 'string');
      }
      if (!['admin', 'institution_admin'].includes(role))
        assert.ok(home.json.items.some((it) => it.title === byId[role].name), `${role}: no item explaining the role`);
      if (role === 'admin') assert.ok(home.json.items.some((it) => /auditoría/.test(it.title)), 'admin home shows the audit log state');
    }
  });
});

describe('second factor', () => {
  test('a TOTP code works once: the same code again is refused (totp_reused)', async () => {
    const email = DEMO.operator.email;
    const c1 = new Client(srv);
    const s1 = await passwordStep(c1, email);
    const { code } = await freshTotp(key(email));
    const ok = await c1.post('/api/v1/auth/login/totp', { challenge: s1.json.challenge, code });
    assert.equal(ok.status, 200, ok.text);

    const c2 = new Client(srv);
    const s2 = await passwordStep(c2, email);
    const replay = await c2.post('/api/v1/auth/login/totp', { challenge: s2.json.challenge, code });
    assertApiError(assert, replay, 422, 'totp_reused', 'code');
    assert.equal(c2.cookie, null);
    // The person can still finish with the next code.
    const next = await freshTotp(key(email));
    const again = await c2.post('/api/v1/auth/login/totp', { challenge: s2.json.challenge, code: next.code });
    assert.equal(again.status, 200, again.text);
  });

  test('unknown, used and wrong-kind challenges are refused', async () => {
    const c = new Client(srv);
    const unknown = await c.post('/api/v1/auth/login/totp', { challenge: 'no-such-challenge-0123456789', code: '123456' });
    assertApiError(assert, unknown, 401, 'challenge_expired');
    const unknownEnrol = await c.post('/api/v1/auth/login/enrol', { challenge: 'no-such-challenge-0123456789', code: '123456' });
    assertApiError(assert, unknownEnrol, 401, 'challenge_expired');

    // A TOTP challenge cannot be used at the enrolment step (it would replace the secret).
    const email = DEMO.institution_admin.email;
    const s = await passwordStep(c, email);
    assert.equal(s.json.next, 'totp');
    const wrongKind = await c.post('/api/v1/auth/login/enrol', { challenge: s.json.challenge, code: totpCode(DEMO_SECRET, totpCounter()) });
    assertApiError(assert, wrongKind, 401, 'challenge_expired');

    // After a successful login the challenge is spent.
    const { code } = await freshTotp(key(email));
    const done = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code });
    assert.equal(done.status, 200, done.text);
    const other = new Client(srv);
    const reuse = await other.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code: peekTotp(key(email)) });
    assertApiError(assert, reuse, 401, 'challenge_expired');
    assert.equal(other.cookie, null);
  });

  test('a wrong code is refused; after 5 wrong codes the challenge is dead even for the right one, and the account is locked', async () => {
    const email = DEMO.case_worker.email;
    const c = new Client(srv);
    const s = await passwordStep(c, email);
    assert.equal(s.json.next, 'totp');
    for (let i = 1; i <= 5; i++) {
      const r = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code: wrongTotp() });
      assertApiError(assert, r, 422, 'invalid_code', 'code');
    }
    const dead = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code: peekTotp(key(email)) });
    assertApiError(assert, dead, 401, 'challenge_expired');
    assert.equal(c.cookie, null);
    // Wrong codes count like wrong passwords: five of them make this address wait…
    const again = await passwordStep(new Client(srv, { address: c.address }), email);
    assertApiError(assert, again, 429, 'locked');
    // …but not the person at another address (five failures are no lock-out button).
    const elsewhere = await passwordStep(new Client(srv), email);
    assert.equal(elsewhere.status, 200, elsewhere.text);
    assert.equal(elsewhere.json.next, 'totp');
    // Each wrong code is in the audit log.
    const failures = await auditEntries(admin, 'action=auth.totp&outcome=failed', 200);
    assert.ok(failures.filter((e) => e.detail === 'código incorrecto').length >= 5);
  });

  test('enrolment on first login, then each recovery code works exactly once', async () => {
    const acct = await newAccount(['institution_admin']);
    const c = new Client(srv);
    const s = await passwordStep(c, acct.email, acct.password);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.next, 'enrol', 'a role that requires TOTP must enrol first');
    assert.match(s.json.secret, /^[A-Z2-7]{32}$/);
    const uri = new URL(s.json.otpauth_uri);
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.searchParams.get('secret'), s.json.secret);
    assert.equal(uri.searchParams.get('issuer'), 'Equidad');
    assert.equal(c.cookie, null);

    const bad = await c.post('/api/v1/auth/login/enrol', { challenge: s.json.challenge, code: wrongTotp(s.json.secret) });
    assertApiError(assert, bad, 422, 'invalid_code', 'code');
    const { code } = await freshTotp(key(acct.email), s.json.secret);
    const e = await c.post('/api/v1/auth/login/enrol', { challenge: s.json.challenge, code });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.next, 'done');
    assert.equal(e.json.session.user.totp_enabled, true);
    const codes = e.json.recovery_codes;
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    // 80 bits each (20 hex digits), not guessable by trying.
    for (const rc of codes) assert.match(rc, /^[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}$/);
    assert.ok(c.cookie);
    const out = await c.post('/api/v1/auth/logout');
    assert.equal(out.status, 204, out.text);

    // Second login: a TOTP step now, not a second enrolment.
    const c2 = new Client(srv);
    const s2 = await passwordStep(c2, acct.email, acct.password);
    assert.equal(s2.json.next, 'totp', s2.text);
    const rec = await c2.post('/api/v1/auth/login/totp', { challenge: s2.json.challenge, recovery_code: codes[0] });
    assert.equal(rec.status, 200, rec.text);
    assert.equal(rec.json.next, 'done');
    assert.equal((await c2.get('/api/v1/auth/session')).status, 200);

    const c3 = new Client(srv);
    const s3 = await passwordStep(c3, acct.email, acct.password);
    const reused = await c3.post('/api/v1/auth/login/totp', { challenge: s3.json.challenge, recovery_code: codes[0] });
    assertApiError(assert, reused, 422, 'invalid_code', 'recovery_code');
    assert.equal(c3.cookie, null);
    // Another code, typed in capitals without the dash, still works.
    const other = await c3.post('/api/v1/auth/login/totp', { challenge: s3.json.challenge, recovery_code: codes[1].replaceAll('-', '').toUpperCase() });
    assert.equal(other.status, 200, other.text);
    assert.ok(c3.cookie);
  });
});

describe('lock-out', () => {
  test('after 5 failed passwords this address waits (429 «locked», Spanish message), even for the right password; another address gets in', async () => {
    const acct = await newAccount(['institution_admin']);
    const c = new Client(srv);
    for (let i = 1; i <= 4; i++) assertApiError(assert, await passwordStep(c, acct.email, 'Incorrecta-123456'), 401, 'invalid_credentials');
    const fifth = await passwordStep(c, acct.email, 'Incorrecta-123456');
    assert.ok([401, 429].includes(fifth.status), fifth.text);
    const locked = await passwordStep(c, acct.email, acct.password);
    const e = assertApiError(assert, locked, 429, 'locked');
    assert.match(e.message, /^Demasiados intentos fallidos\. Espere \d+ minutos? antes de intentar nuevamente\.$/);
    assert.equal(c.cookie, null);
    // From another address the right password works: the lock is on (account, address), so
    // failing on purpose does not lock the person out.
    const elsewhere = await passwordStep(new Client(srv), acct.email, acct.password);
    assert.equal(elsewhere.status, 200, elsewhere.text);
    assert.equal(elsewhere.json.next, 'enrol');
    // The account itself is not locked (five failures are far below the account-wide threshold).
    const u = await admin.get(`/api/v1/users/${acct.id}`);
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.locked_until, null);
  });

  test('an attacker at one address fails 50 times for operador@: the operator at another address signs in, with password and TOTP', async () => {
    const email = DEMO.operator.email;
    const operatorAddress = '127.0.0.2';
    const attackerAddress = '127.0.0.3';
    // The operator has signed in from her address before.
    await login(srv, email, { address: operatorAddress });
    const attacker = new Client(srv, { address: attackerAddress });
    const statuses = new Set();
    for (let i = 0; i < 50; i++) {
      const r = await passwordStep(attacker, email, `Adivinanza-${i}-x`);
      assert.ok([401, 429].includes(r.status), r.text);
      statuses.add(r.json?.error?.code);
    }
    assert.ok(statuses.has('locked') || statuses.has('rate_limited'), [...statuses].join(','));
    assert.equal(attacker.cookie, null);
    // The attacker is held back even with the right password now.
    assert.equal((await passwordStep(new Client(srv, { address: attackerAddress }), email)).status, 429);
    // The operator, at her usual address: password, TOTP, session.
    const op = await login(srv, email, { address: operatorAddress });
    assert.equal((await op.get('/api/v1/auth/session')).json.user.email, email);
    // And at an address she never used either: the attacker's failures did not lock the account.
    const away = await login(srv, email, { address: '127.0.0.4' });
    assert.equal((await away.get('/api/v1/auth/session')).status, 200);
  });

  test('failures spread over many addresses lock the account for new addresses, never for an address it signed in from before', async () => {
    const acct = await newAccount(['institution_admin']);
    const home = nextClientAddress();
    const { secret } = await enrol(srv, acct.email, acct.password, { address: home });
    for (let i = 0; i < 26; i++) {
      const r = await passwordStep(new Client(srv), acct.email, `Incorrecta-${i}-abc`);
      assert.ok([401, 429].includes(r.status), r.text);
    }
    const u = await admin.get(`/api/v1/users/${acct.id}`);
    assert.ok(u.json.locked_until, `the account-wide lock is shown to the administrators: ${u.text}`);
    assertApiError(assert, await passwordStep(new Client(srv), acct.email, acct.password), 429, 'locked');
    const c = new Client(srv, { address: home });
    const s = await passwordStep(c, acct.email, acct.password);
    assert.equal(s.status, 200, s.text);
    const { code } = await freshTotp(key(acct.email), secret);
    const t = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code });
    assert.equal(t.status, 200, t.text);
  });

  test('one address failing for many e-mails (password spraying) is held back for every other e-mail it tries', async () => {
    const sprayer = nextClientAddress();
    // Eleven e-mails, one failure each: below the router's 20 requests a minute, so the refusal
    // below comes from the failure count of the address.
    for (let i = 0; i < 11; i++) {
      const r = await passwordStep(new Client(srv, { address: sprayer }), `rociado.${i}.${uniq()}@prueba.cl`, 'Incorrecta-123456');
      assertApiError(assert, r, 401, 'invalid_credentials');
    }
    // Another account, never used from there, with its right password: held back at that address.
    const acct = await newAccount(['institution_admin']);
    const r = await passwordStep(new Client(srv, { address: sprayer }), acct.email, acct.password);
    const e = assertApiError(assert, r, 429, 'rate_limited');
    assert.match(e.message, /desde esta dirección/, 'the refusal names the address, not the account');
    assert.ok(Number(r.headers['retry-after']) > 0, 'Retry-After');
    // The same account from anywhere else is fine.
    assert.equal((await passwordStep(new Client(srv), acct.email, acct.password)).status, 200);
  });

  test('an unknown e-mail locks the same way (the lock-out does not reveal which e-mails exist)', async () => {
    const known = await newAccount(['institution_admin']);
    const unknown = `nadie.${uniq()}@prueba.cl`;
    const c = new Client(srv);
    const answers = { known: [], unknown: [] };
    for (let i = 1; i <= 6; i++) {
      answers.known.push(await passwordStep(c, known.email, 'Incorrecta-123456'));
      answers.unknown.push(await passwordStep(c, unknown, 'Incorrecta-123456'));
    }
    for (let i = 0; i < 6; i++) {
      const k = answers.known[i];
      const u = answers.unknown[i];
      assert.equal(k.status, u.status, `attempt ${i + 1}: known ${k.text} vs unknown ${u.text}`);
      assert.deepEqual(k.json, u.json, `attempt ${i + 1}`);
    }
    assert.equal(answers.unknown[5].status, 429);
  });
});

describe('second factor brute force', () => {
  test('wrong second-factor codes count as failed logins: after 30 wrong codes over 6 challenges the account is locked', async () => {
    // Someone who knows the password must not get unlimited guesses at the 6-digit code by
    // asking for a new challenge every 5 wrong codes.
    const acct = await newAccount(['institution_admin']);
    const { secret } = await enrol(srv, acct.email, acct.password);
    for (let round = 1; round <= 6; round++) {
      const c = new Client(srv); // a new client address each round, as an attacker would
      const s = await passwordStep(c, acct.email, acct.password);
      if (s.status === 429) break; // locked already: good
      assert.equal(s.status, 200, s.text);
      for (let i = 0; i < 5; i++) {
        const r = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code: wrongTotp(secret) });
        if (r.status === 429 || r.status === 401) break; // locked or challenge ended
        assertApiError(assert, r, 422, 'invalid_code', 'code');
      }
    }
    const last = await passwordStep(new Client(srv), acct.email, acct.password);
    assert.equal(last.status, 429,
      `after 30 wrong TOTP codes the next POST /api/v1/auth/login with the right password answered ${last.status} ${last.text}`);
    assertApiError(assert, last, 429, 'locked');
  });
});

describe('sessions', () => {
  test('two logins of the same account both work and both appear in the session list', async () => {
    const email = DEMO.seremi.email;
    const [a, b] = await Promise.all([login(srv, email), login(srv, email, { ua: `${UA} segundo` })]);
    assert.notEqual(a.cookie, b.cookie);
    for (const c of [a, b]) assert.equal((await c.get('/api/v1/auth/session')).status, 200);
    const list = await a.get('/api/v1/auth/sessions');
    assert.equal(list.status, 200, list.text);
    const mine = list.json.items;
    assert.ok(mine.length >= 2, list.text);
    const current = mine.filter((s) => s.current);
    assert.equal(current.length, 1);
    assert.equal(current[0].user_agent, UA);
    const other = mine.find((s) => s.user_agent === `${UA} segundo`);
    assert.ok(other, 'the second device is listed with its browser');
    const fromB = await b.get('/api/v1/auth/sessions');
    assert.deepEqual(fromB.json.items.map((s) => s.id).sort(), mine.map((s) => s.id).sort());
    for (const s of mine) {
      assert.ok(!Number.isNaN(Date.parse(s.created_at)));
      assert.ok(!Number.isNaN(Date.parse(s.last_seen_at)));
    }

    // Closing the other device's session from this one.
    const del = await a.del(`/api/v1/auth/sessions/${other.id}`);
    assert.equal(del.status, 204, del.text);
    assertApiError(assert, await b.get('/api/v1/auth/session'), 401);
    assert.equal((await a.get('/api/v1/auth/session')).status, 200);
    assertApiError(assert, await a.del(`/api/v1/auth/sessions/${other.id}`), 404, 'not_found');
  });

  test('logout-all ends every session of the account', async () => {
    const email = DEMO.focal_point.email;
    const clients = await Promise.all([0, 1, 2].map(() => login(srv, email)));
    for (const c of clients) assert.equal((await c.get('/api/v1/auth/session')).status, 200);
    const r = await clients[0].post('/api/v1/auth/logout-all');
    assert.equal(r.status, 204, r.text);
    assert.match(String(r.headers['set-cookie']), /eq_session=;.*Max-Age=0/);
    for (const c of clients) assertApiError(assert, await c.get('/api/v1/auth/session'), 401);
    // Other accounts are untouched.
    assert.equal((await admin.get('/api/v1/auth/session')).status, 200);
    // And a new login still works.
    const again = await login(srv, email);
    assert.equal((await again.get('/api/v1/auth/sessions')).json.items.length, 1);
  });

  test("another account's session id is «not found» and stays open", async () => {
    const a = await loginDemo(srv, 'municipal');
    const b = await loginDemo(srv, 'pharmacy');
    const bs = await b.get('/api/v1/auth/sessions');
    const bid = bs.json.items.find((s) => s.current).id;
    const r = await a.del(`/api/v1/auth/sessions/${bid}`);
    assertApiError(assert, r, 404, 'not_found');
    assert.equal((await b.get('/api/v1/auth/session')).status, 200, "B's session must survive");
    // Nonsense ids too.
    assertApiError(assert, await a.del('/api/v1/auth/sessions/abc'), 404);
    assertApiError(assert, await a.del('/api/v1/auth/sessions/0'), 404);
  });

  test('a cookie presented by another browser is treated as stolen: 401, and the session is ended for the owner too', async () => {
    const c = await loginDemo(srv, 'pharmacy');
    assert.equal((await c.get('/api/v1/auth/session')).status, 200);
    const sid = (await c.get('/api/v1/auth/sessions')).json.items.find((s) => s.current).id;
    const thief = await c.get('/api/v1/auth/session', { ua: 'Mozilla/5.0 (otro navegador)' });
    assertApiError(assert, thief, 401, 'session_invalid');
    assertApiError(assert, await c.get('/api/v1/auth/session'), 401);
    assertApiError(assert, await c.get('/api/v1/me/home'), 401);
    const entries = await auditEntries(admin, 'action=auth.session_suspicious', 100);
    const e = entries.find((x) => x.object === `session:${sid}`);
    assert.ok(e, 'the suspicious use is in the audit log');
    assert.equal(e.outcome, 'denied');
    assert.equal(e.actor?.id, c.session.user.id);
  });

  test('logout needs the CSRF token: missing or wrong → 403 csrf and the session stays; right → 204', async () => {
    const c = await loginDemo(srv, 'analyst');
    const missing = await c.post('/api/v1/auth/logout', {}, { csrf: false });
    assertApiError(assert, missing, 403, 'csrf');
    const wrong = await c.post('/api/v1/auth/logout', {}, { csrf: false, headers: { 'X-CSRF-Token': `${c.csrf.slice(0, -2)}xx` } });
    assertApiError(assert, wrong, 403, 'csrf');
    const other = await loginDemo(srv, 'analyst');
    const foreign = await c.post('/api/v1/auth/logout', {}, { csrf: false, headers: { 'X-CSRF-Token': other.csrf } });
    assertApiError(assert, foreign, 403, 'csrf', undefined);
    assert.equal((await c.get('/api/v1/auth/session')).status, 200, 'refused logouts leave the session open');
    const saved = c.cookie;
    const ok = await c.post('/api/v1/auth/logout');
    assert.equal(ok.status, 204, ok.text);
    assert.match(String(ok.headers['set-cookie']), /^eq_session=;/);
    assert.match(String(ok.headers['set-cookie']), /Max-Age=0/);
    // The old cookie no longer works, even if the browser kept it.
    assert.equal(c.cookie, null, 'the browser is told to drop the cookie');
    const old = await c.get('/api/v1/auth/session', { cookie: saved });
    assertApiError(assert, old, 401, 'session_expired');
    assert.equal((await other.get('/api/v1/auth/session')).status, 200, 'logout ends only this session');
  });

  test('the session cookie is HttpOnly, SameSite=Strict, Path=/', async () => {
    const c = await loginDemo(srv, 'company');
    const attrs = c.setCookie.split(';').map((s) => s.trim());
    assert.match(attrs[0], /^eq_session=[A-Za-z0-9_\-]{32,}$/, c.setCookie);
    assert.ok(attrs.includes('HttpOnly'), c.setCookie);
    assert.ok(attrs.includes('SameSite=Strict'), c.setCookie);
    assert.ok(attrs.includes('Path=/'), c.setCookie);
    assert.ok(!c.setCookie.includes(c.csrf), 'the CSRF token is not the cookie');
  });

  test('with --secure-cookies the session cookie is also Secure', async () => {
    const s2 = await startServer({ extraArgs: ['--demo', '--secure-cookies'] });
    try {
      const c = await login(s2, DEMO.company.email);
      assert.ok(c.setCookie.split(';').map((x) => x.trim()).includes('Secure'), c.setCookie);
      const out = await c.post('/api/v1/auth/logout');
      assert.match(String(out.headers['set-cookie']), /; Secure/);
    } finally {
      await s2.stop();
    }
    // Without the flag (plain http on a developer machine) it must not be, or the browser would drop it.
    const c = await loginDemo(srv, 'company');
    assert.ok(!/;\s*Secure/i.test(c.setCookie), c.setCookie);
  });

  test('a token in the response body is not a session: the CSRF token alone does not authenticate', async () => {
    const c = await loginDemo(srv, 'company');
    const r = await new Client(srv).get('/api/v1/auth/session', { headers: { 'X-CSRF-Token': c.csrf } });
    assertApiError(assert, r, 401, 'unauthenticated');
    const bearer = await new Client(srv).get('/api/v1/auth/session', { headers: { Authorization: `Bearer ${c.cookie.split('=')[1]}` } });
    assertApiError(assert, bearer, 401);
  });
});
