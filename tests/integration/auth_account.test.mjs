// A person's own account: changing her password (current one required, strength rules, other
// sessions end) and making new recovery codes (password and TOTP required, old codes stop working).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import {
  Client, auditEntries, enrol, freshTotp, institutionId, loginDemo, newPassword, passwordStep, totpKey, uniq, wrongTotp,
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

// A new case worker of the centre, enrolled: { email, password, id, secret, codes, client }.
async function person() {
  const email = `persona.${uniq()}@prueba.cl`;
  const password = newPassword();
  const r = await admin.post('/api/v1/users', { name: 'Rosa Elena Quiroga', email, institution_id: centroId, roles: ['case_worker'], password });
  assert.equal(r.status, 201, r.text);
  const { client, secret, recoveryCodes } = await enrol(srv, email, password);
  return { email, password, id: r.json.id, secret, codes: recoveryCodes, client };
}

async function signIn(p, password = p.password) {
  const c = new Client(srv);
  const s = await passwordStep(c, p.email, password);
  if (s.status !== 200) return { status: s.status, res: s };
  const { code } = await freshTotp(key(p.email), p.secret);
  const t = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, code });
  assert.equal(t.status, 200, t.text);
  return { status: 200, client: c };
}

describe('changing one’s own password', () => {
  test('needs the right current password; a wrong one changes nothing', async () => {
    const p = await person();
    const next = newPassword();
    const wrong = await p.client.post('/api/v1/me/password', { current_password: 'No-es-la-mia-123', new_password: next });
    assertApiError(assert, wrong, 422, 'invalid_password', 'current_password');
    const missing = await p.client.post('/api/v1/me/password', { new_password: next });
    assertApiError(assert, missing, 422, undefined, 'current_password');
    assert.equal((await signIn(p)).status, 200, 'the old password still works');
    assert.equal((await passwordStep(new Client(srv), p.email, next)).status, 401);
  });

  test('strength rules: length, letters with numbers or symbols, not the e-mail or name, not the same as before', async () => {
    const p = await person();
    const local = p.email.split('@')[0];
    const cases = [
      ['corta-1', 'weak_password'],
      ['soloLetrasLargas', 'weak_password'],
      ['12345678901234', 'weak_password'],
      [`${local}-2026!`, 'weak_password'],
      ['Quiroga-2026!x', 'weak_password'],
      ['Password-2026!', 'weak_password'],
      [p.password, 'same_password'],
    ];
    for (const [pw, code] of cases) {
      const r = await p.client.post('/api/v1/me/password', { current_password: p.password, new_password: pw });
      assertApiError(assert, r, 422, code, 'new_password');
    }
    assert.equal((await signIn(p)).status, 200);
  });

  test('a change ends every other session, keeps this one, and the new password works (audited)', async () => {
    const p = await person();
    const other = (await signIn(p)).client;
    assert.equal((await other.get('/api/v1/auth/session')).status, 200);
    const next = newPassword();
    const r = await p.client.post('/api/v1/me/password', { current_password: p.password, new_password: next });
    assert.equal(r.status, 204, r.text);
    assert.equal((await p.client.get('/api/v1/auth/session')).status, 200, 'the session that changed it stays');
    assertApiError(assert, await other.get('/api/v1/auth/session'), 401);
    assertApiError(assert, await passwordStep(new Client(srv), p.email, p.password), 401, 'invalid_credentials');
    assert.equal((await signIn(p, next)).status, 200);
    const entries = await auditEntries(admin, 'action=user.password_change', 200);
    assert.ok(entries.some((e) => e.object === `user:${p.id}` && e.outcome === 'ok'));
  });

  test('needs the CSRF token', async () => {
    const p = await person();
    const r = await p.client.post('/api/v1/me/password', { current_password: p.password, new_password: newPassword() }, { csrf: false });
    assertApiError(assert, r, 403);
    assert.equal((await signIn(p)).status, 200);
  });

  test('guessing the current password through a session is throttled like the login', async () => {
    const p = await person();
    let last;
    for (let i = 0; i < 7; i++) last = await p.client.post('/api/v1/me/password', { current_password: `Adivina-${i}-xx`, new_password: newPassword() });
    assertApiError(assert, last, 429, 'locked');
  });
});

describe('new recovery codes', () => {
  test('need the password and a current TOTP code; wrong ones change nothing', async () => {
    const p = await person();
    const left = await p.client.get('/api/v1/me/recovery-codes');
    assert.equal(left.status, 200, left.text);
    assert.equal(left.json.remaining, 10);
    const { code } = await freshTotp(key(p.email), p.secret);
    assertApiError(assert, await p.client.post('/api/v1/me/recovery-codes', { password: 'Incorrecta-12345', code }), 422, 'invalid_password', 'password');
    assertApiError(assert, await p.client.post('/api/v1/me/recovery-codes', { password: p.password, code: wrongTotp(p.secret) }), 422, 'invalid_code', 'code');
    assertApiError(assert, await p.client.post('/api/v1/me/recovery-codes', { password: p.password }), 422, undefined, 'code');
    // The old codes still work.
    const c = new Client(srv);
    const s = await passwordStep(c, p.email, p.password);
    const rec = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, recovery_code: p.codes[0] });
    assert.equal(rec.status, 200, rec.text);
  });

  test('replace the old codes: the old ones are refused, each new one (80 bits) works once; audited', async () => {
    const p = await person();
    const { code } = await freshTotp(key(p.email), p.secret);
    const r = await p.client.post('/api/v1/me/recovery-codes', { password: p.password, code });
    assert.equal(r.status, 200, r.text);
    const codes = r.json.recovery_codes;
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const rc of codes) assert.match(rc, /^[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}-[0-9a-f]{5}$/);
    assert.ok(!codes.some((x) => p.codes.includes(x)));
    assert.equal((await p.client.get('/api/v1/me/recovery-codes')).json.remaining, 10);

    const c = new Client(srv);
    const s = await passwordStep(c, p.email, p.password);
    assertApiError(assert, await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, recovery_code: p.codes[1] }), 422, 'invalid_code', 'recovery_code');
    const ok = await c.post('/api/v1/auth/login/totp', { challenge: s.json.challenge, recovery_code: codes[0] });
    assert.equal(ok.status, 200, ok.text);
    const c2 = new Client(srv);
    const s2 = await passwordStep(c2, p.email, p.password);
    assertApiError(assert, await c2.post('/api/v1/auth/login/totp', { challenge: s2.json.challenge, recovery_code: codes[0] }), 422, 'invalid_code', 'recovery_code');
    assert.equal((await p.client.get('/api/v1/me/recovery-codes')).json.remaining, 9);
    const entries = await auditEntries(admin, 'action=auth.recovery_codes', 200);
    assert.ok(entries.some((e) => e.object === `user:${p.id}` && e.outcome === 'ok'));
  });

  test('an account without a second factor has no codes to make (409)', async () => {
    const analyst = await loginDemo(srv, 'analyst');
    const r = await analyst.post('/api/v1/me/recovery-codes', { password: 'Equidad2026!', code: '123456' });
    assertApiError(assert, r, 409, 'totp_not_enabled');
  });
});
