// The audit chain anchored outside the database (issue 11, 7c): a signed checkpoint written by
// `equidad audit checkpoint` detects rows deleted from the end, which the chain alone cannot; a
// forged checkpoint is refused; the files the program creates are owner-only (mode 0600).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { dbKind, freshDatabase, runCommand, tempDir } from './harness.mjs';

let db;
let dir;
let withDb;
before(async () => {
  db = await freshDatabase();
  dir = tempDir('equidad-audit-');
  const keys = path.join(dir.dir, 'equidad.key');
  withDb = (args) => [...args, '--db', db.url, '--keys', keys];
  const demo = await runCommand(withDb(['demo']), { timeoutMs: 180_000 });
  assert.equal(demo.code, 0, demo.stderr);
});
after(async () => { await db?.cleanup(); dir?.cleanup(); });

const sql = (statements) => (dbKind === 'sqlite'
  ? spawnSync('sqlite3', [db.url.slice('sqlite:'.length), statements], { encoding: 'utf8' })
  : spawnSync('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-c', statements], { encoding: 'utf8' }));
const mode = (f) => fs.statSync(f).mode & 0o777;

test('key files, the SQLite file and the checkpoint are created owner-only', async () => {
  const cp = path.join(dir.dir, 'modes.json');
  const r = await runCommand(withDb(['audit', 'checkpoint', '--out', cp]));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(mode(cp), 0o600);
  assert.equal(mode(path.join(dir.dir, 'equidad.key')), 0o600);
  assert.equal(mode(path.join(dir.dir, 'equidad.audit.key')), 0o600);
  if (dbKind === 'sqlite') for (const f of ['', '-wal', '-shm']) {
    const file = db.url.slice('sqlite:'.length) + f;
    if (fs.existsSync(file)) assert.equal(mode(file), 0o600, file);
  }
});

test('a checkpoint detects entries deleted from the end; a forged one is refused', async () => {
  const cp = path.join(dir.dir, 'checkpoint.json');
  const made = await runCommand(withDb(['audit', 'checkpoint', '--out', cp]));
  assert.equal(made.code, 0, made.stderr);
  const doc = JSON.parse(fs.readFileSync(cp, 'utf8'));
  assert.equal(doc.format, 'equidad-audit-checkpoint/v1');
  assert.ok(doc.seq > 3, `${doc.seq} entries`);
  assert.match(doc.hash, /^[0-9a-f]{64}$/);
  assert.equal((await runCommand(withDb(['audit', 'checkpoint', '--out', cp]))).code, 1, 'never overwrites');

  const ok = await runCommand(withDb(['audit', 'verify', '--checkpoint', cp]));
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^OK \(\d+ entradas, coincide con el punto de control \d+\)/);

  // A forged checkpoint (an earlier head, to hide what came after) fails its signature.
  const forged = path.join(dir.dir, 'forged.json');
  fs.writeFileSync(forged, JSON.stringify({ ...doc, seq: doc.seq - 2 }));
  const f = await runCommand(withDb(['audit', 'verify', '--checkpoint', forged]));
  assert.equal(f.code, 2);
  assert.match(f.stdout, /BROKEN: La firma del punto de control no es válida/);

  // Whoever can write the database drops the guard and deletes the last three entries.
  const cut = dbKind === 'sqlite'
    ? sql(`DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > ${doc.seq - 3};`)
    : sql(`DROP TRIGGER audit_log_no_change ON audit_log; DELETE FROM audit_log WHERE seq > ${doc.seq - 3};`);
  assert.equal(cut.status, 0, cut.stderr);
  const alone = await runCommand(withDb(['audit', 'verify']));
  assert.equal(alone.code, 0, 'the chain alone cannot see a cut at its end');
  const against = await runCommand(withDb(['audit', 'verify', '--checkpoint', cp]));
  assert.equal(against.code, 2, against.stdout + against.stderr);
  assert.match(against.stdout, new RegExp(`BROKEN at entry ${doc.seq - 2}: el registro termina antes del punto de control`));
});

test('rewriting a row and recomputing the plain hash chain is caught by the seal', async () => {
  // The rewrite itself, with the chain's canonical form: sha256(prev ‖ JSON array of the fields).
  const rows = dbKind === 'sqlite'
    ? JSON.parse(spawnSync('sqlite3', ['-json', db.url.slice('sqlite:'.length),
      'SELECT seq, at, actor_user_id, actor_institution_id, action, object, client_ip, outcome, detail, prev_hash FROM audit_log ORDER BY seq'],
    { encoding: 'utf8' }).stdout)
    : JSON.parse(spawnSync('psql', [db.url, '-At', '-c',
      'SELECT json_agg(t ORDER BY seq) FROM (SELECT seq, at, actor_user_id, actor_institution_id, action, object, client_ip, outcome, detail, prev_hash FROM audit_log) t'],
    { encoding: 'utf8' }).stdout);
  const { createHash } = await import('node:crypto');
  const target = 3;
  let prev = null;
  const updates = [];
  for (const r of rows) {
    if (r.seq < target) { prev = null; continue; }
    if (r.seq === target) r.outcome = 'denied';
    const p = prev ?? r.prev_hash;
    const canon = JSON.stringify([Number(r.seq), Number(r.at), r.actor_user_id === null ? null : Number(r.actor_user_id),
      r.actor_institution_id === null ? null : Number(r.actor_institution_id), r.action, r.object, r.client_ip, r.outcome, r.detail]);
    const h = createHash('sha256').update(p + canon).digest('hex');
    updates.push(`UPDATE audit_log SET outcome = '${r.outcome.replace(/'/g, "''")}', prev_hash = '${p}', hash = '${h}' WHERE seq = ${r.seq};`);
    prev = h;
  }
  const drop = dbKind === 'sqlite' ? 'DROP TRIGGER IF EXISTS audit_log_no_update;' : 'DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log;';
  const w = sql(`${drop} ${updates.join(' ')}`);
  assert.equal(w.status, 0, w.stderr);
  const v = await runCommand(withDb(['audit', 'verify']));
  assert.equal(v.code, 2, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`BROKEN at entry ${target}: el sello no corresponde`));
});
