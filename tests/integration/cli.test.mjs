// The administration commands, run as an operator would, against both databases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { binPath, dbKind, freshDatabase, startServer, tempDir, request } from './harness.mjs';

function run(args, input = '') {
  const r = spawnSync(binPath, args, { input, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

test('command line: accounts, tokens, backup and audit verification', async (t) => {
  const db = await freshDatabase();
  const keys = tempDir();
  const withDb = (args) => [...args, '--db', db.url, '--keys', path.join(keys.dir, 'k')];
  t.after(async () => { await db.cleanup(); keys.cleanup(); });

  assert.match(run(['version']).stdout, /^equidad \d+\.\d+\.\d+/);
  const demo = run(withDb(['demo']));
  assert.equal(demo.code, 0, demo.stderr);
  assert.match(demo.stdout, /admin@equidad\.demo/);

  await t.test('user add reads the password from stdin and validates the RUN', () => {
    const ok = run(withDb(['user', 'add', '--email', 'Nueva@Equidad.demo', '--name', 'Ana Nueva', '--institution', '1',
      '--role', 'analyst', '--run', '11.111.111-1']), 'Contraseña-larga-1\n');
    assert.equal(ok.code, 0, ok.stderr);
    const list = run(withDb(['user', 'list']));
    assert.match(list.stdout, /nueva@equidad\.demo\tAna Nueva/);
    const bad = run(withDb(['user', 'add', '--email', 'x@equidad.demo', '--name', 'X', '--institution', '1',
      '--role', 'analyst', '--run', '11.111.111-2']), 'Contraseña-larga-1\n');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /dígito verificador/);
    const weak = run(withDb(['user', 'passwd', '--email', 'nueva@equidad.demo']), 'corta\n');
    assert.notEqual(weak.code, 0);
    assert.match(weak.stderr, /al menos 10 caracteres/);
  });

  await t.test('a scoped API token works over HTTP until it is revoked', async () => {
    const added = run(withDb(['token', 'add', '--name', 'sistema institucional', '--user', 'admin@equidad.demo', '--scope', 'roles.read']));
    assert.equal(added.code, 0, added.stderr);
    const token = added.stdout.trim().split('\n').pop();
    assert.match(token, /^eqt_/);
    const tooMuch = run(withDb(['token', 'add', '--name', 'x', '--user', 'analista@equidad.demo', '--scope', 'users.manage']));
    assert.notEqual(tooMuch.code, 0, 'a token cannot exceed its owner');

    const server = await startServer({ db: db.url, extraArgs: ['--keys', path.join(keys.dir, 'k')] });
    try {
      const auth = { Authorization: `Bearer ${token}` };
      assert.equal((await server.request('GET', '/api/v1/roles', { headers: auth })).status, 200);
      assert.equal((await server.request('GET', '/api/v1/users', { headers: auth })).status, 403, 'outside the scope');
      const id = run(withDb(['token', 'list'])).stdout.trim().split('\n')[0].split('\t')[0];
      assert.equal(run(withDb(['token', 'revoke', '--id', id])).code, 0);
      const after = await server.request('GET', '/api/v1/roles', { headers: auth });
      assert.equal(after.status, 401);
      assert.equal(after.json.error.code, 'invalid_token');
    } finally {
      await server.stop();
    }
  });

  await t.test('tokens expire: 90 days by default, --expires-days, shown in token list, refused once past with a clear error', async () => {
    const added = run(withDb(['token', 'add', '--name', 'por vencer', '--user', 'admin@equidad.demo', '--scope', 'roles.read', '--expires-days', '7']));
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /vence en 7 días/);
    const token = added.stdout.trim().split('\n').pop();
    const id = added.stdout.match(/^token (\d+)/)[1];
    for (const days of ['0', '731', '-1']) {
      const bad = run(withDb(['token', 'add', '--name', 'x', '--user', 'admin@equidad.demo', '--scope', 'roles.read', '--expires-days', days]));
      assert.notEqual(bad.code, 0, `--expires-days ${days}`);
    }
    const def = run(withDb(['token', 'add', '--name', 'por defecto', '--user', 'admin@equidad.demo', '--scope', 'roles.read']));
    assert.equal(def.code, 0, def.stderr);
    assert.match(def.stdout, /vence en 90 días/);
    const list = run(withDb(['token', 'list'])).stdout;
    assert.match(list, new RegExp(`^${id}\tpor vencer\t.*\tvence \\d{2}-\\d{2}-\\d{4}`, 'm'));

    // A week later (the clock moved by editing the row, as a test can): refused, with the reason.
    const past = Date.now() - 60_000;
    const age = dbKind === 'sqlite'
      ? spawnSync('sqlite3', [db.url.slice('sqlite:'.length), `UPDATE auth_api_tokens SET expires_at = ${past} WHERE id = ${id};`], { encoding: 'utf8' })
      : spawnSync('psql', [db.url, '-c', `UPDATE auth_api_tokens SET expires_at = ${past} WHERE id = ${id};`], { encoding: 'utf8' });
    assert.equal(age.status, 0, age.stderr);
    assert.match(run(withDb(['token', 'list'])).stdout, new RegExp(`^${id}\t.*\(vencido\)`, 'm'));
    const server = await startServer({ db: db.url, extraArgs: ['--keys', path.join(keys.dir, 'k')] });
    try {
      const r = await server.request('GET', '/api/v1/roles', { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error.code, 'token_expired');
      assert.match(r.json.error.message, /venció el \d{2}-\d{2}-\d{4}/);
      const fresh = def.stdout.trim().split('\n').pop();
      assert.equal((await server.request('GET', '/api/v1/roles', { headers: { Authorization: `Bearer ${fresh}` } })).status, 200);
    } finally {
      await server.stop();
    }
  });

  await t.test('disable ends access; enable restores it', () => {
    assert.equal(run(withDb(['user', 'disable', '--email', 'nueva@equidad.demo'])).code, 0);
    assert.match(run(withDb(['user', 'list'])).stdout, /nueva@equidad\.demo.*desactivada/);
    assert.equal(run(withDb(['user', 'enable', '--email', 'nueva@equidad.demo'])).code, 0);
  });

  await t.test('backup writes a usable copy and refuses to overwrite', () => {
    const out = path.join(keys.dir, 'copia.equidad-backup.gz');
    const r = run(withDb(['backup', '--out', out]));
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.statSync(out).size > 10_000);
    // Usable: it restores into an empty SQLite database whose audit chain verifies (backup.test.mjs
    // covers every module and both dialects).
    const copy = `sqlite:${path.join(keys.dir, 'copia', 'equidad.db')}`;
    const restored = run(['restore', '--db', copy, '--keys', path.join(keys.dir, 'k'), '--in', out]);
    assert.equal(restored.code, 0, restored.stderr);
    const verify = run(['audit', 'verify', '--db', copy, '--keys', path.join(keys.dir, 'k')]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.notEqual(run(withDb(['backup', '--out', out])).code, 0);
  });

  await t.test('audit verify names the first altered entry', () => {
    const ok = run(withDb(['audit', 'verify']));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^OK \(\d+ entradas\)/);
    const tamper = dbKind === 'sqlite'
      ? spawnSync('sqlite3', [db.url.slice('sqlite:'.length),
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'denied' WHERE seq = 4;"], { encoding: 'utf8' })
      : spawnSync('psql', [db.url, '-c',
        "DROP TRIGGER audit_log_no_change ON audit_log; UPDATE audit_log SET outcome = 'denied' WHERE seq = 4;"], { encoding: 'utf8' });
    assert.equal(tamper.status, 0, tamper.stderr);
    const broken = run(withDb(['audit', 'verify']));
    assert.equal(broken.code, 2);
    assert.match(broken.stdout, /BROKEN at entry 4/);
  });
});
