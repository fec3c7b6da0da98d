// Backups that restore (issue 20, item 2), with real processes: a demo server on database A takes
// writes through HTTP in several modules (a case naming a woman, a monitoring order, a policy
// item, a help-channel contact), is stopped, `equidad backup` writes the file, `equidad restore`
// puts it into an EMPTY database B, and a server on B with the same key reads every one of those
// back over HTTP, encrypted fields included; B then takes new writes (its identity sequences were
// moved past the restored ids) and is copied once more into C. With EQ_TEST_DB=postgresql the chain
// is PostgreSQL → SQLite → PostgreSQL (both cross-dialect directions); otherwise SQLite throughout.
// Bad input: a tampered file (checksum), the wrong key, a non-empty target, a truncated file.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { dbKind, freshDatabase, runCommand, startServer, tempDir } from './harness.mjs';
import { login, DEMO, uniq } from './auth_helpers.mjs';

const dir = tempDir('equidad-it-backup-');
const kf = path.join(dir.dir, 'equidad.key');
const dbs = [];

// A database of the given kind, whatever EQ_TEST_DB says (SQLite needs no server).
let sqliteSerial = 0;
async function database(kind) {
  if (kind === 'sqlite') return { url: `sqlite:${path.join(dir.dir, `db${++sqliteSerial}`, 'equidad.db')}`, cleanup: async () => {} };
  const d = await freshDatabase();
  dbs.push(d);
  return d;
}
const chain = dbKind === 'postgresql' ? ['postgresql', 'sqlite', 'postgresql'] : ['sqlite', 'sqlite', 'sqlite'];

// Every server of the chain holds the same users and their spent TOTP steps (restored with the
// data), so the test's record of spent steps is shared between them.
const as = (srv, role) => login({ baseUrl: srv.baseUrl, dbUrl: 'backup-chain' }, DEMO[role].email);
const cmd = async (args) => {
  const r = await runCommand(args, { timeoutMs: 300_000 });
  return { ...r, out: r.stdout + r.stderr };
};

const written = {}; // what was written on A, to read back on B and C
let A, B, C;

before(async () => {
  A = await database(chain[0]);
  B = await database(chain[1]);
  C = await database(chain[2]);
});
after(async () => {
  for (const d of dbs) await d.cleanup();
  dir.cleanup();
});

async function writeEverything(srv, tag) {
  const worker = await as(srv, 'case_worker');
  const operator = await as(srv, 'operator');
  const analyst = await as(srv, 'analyst');
  // Cases: a woman's identity (encrypted at rest) and the record's details.
  // Two women nothing alike (the linkage engine would otherwise join B's record to A's person).
  const woman = tag === 'A'
    ? { given_names: 'Rosalba Inés', surname1: `Quiñones${uniq().slice(-5)}`, surname2: 'Ñancupil', birth_date: '07-09-1987', sex: 'F', comuna_id: '13101' }
    : { given_names: 'Herminia Luz', surname1: `Tapia${uniq().slice(-5)}`, surname2: 'Oyarzún', birth_date: '23-02-1969', sex: 'F', comuna_id: '05101' };
  const rec = await worker.post('/api/v1/cases/records', {
    kind: 'contact', occurred_at: new Date(Date.now() - 86_400_000).toISOString(), comuna_id: '13101', consent_statistics: true,
    persons: [{ role: 'victim', identity: woman }], details: { channel: 'linea_1455', summary: `Relato de prueba ${tag}.` },
  });
  assert.equal(rec.status, 201, rec.text);
  // Monitoring: an order with both people's names and phones (all encrypted columns).
  const order = await operator.post('/api/v1/monitoring/orders', {
    label: `RIT F-${crypto.randomInt(1000, 9999)}-2026 (${tag})`, court: 'Juzgado de Familia de Santiago',
    victim_name: `Valentina ${tag} Díaz`, victim_phone: '+56 9 5555 0101', aggressor_name: 'Rodrigo Respaldo Vera',
    aggressor_phone: '+56 9 5555 0102', comuna_id: '13101', min_distance_m: 500, approach_m: 1000,
  });
  assert.equal(order.status, 201, order.text);
  // Policy: a commitment under the PMG.
  const instruments = (await srv.request('GET', '/api/v1/policy/public/instruments')).json.items;
  const pmg = instruments.find((i) => i.code === 'pmg-genero');
  const tree = (await srv.request('GET', `/api/v1/policy/public/instruments/${pmg.id}`)).json;
  const y2021 = tree.items.find((i) => i.code === '2021');
  const item = await analyst.post('/api/v1/policy/items', {
    instrument_id: pmg.id, parent_id: y2021.id, level: 'compromiso', title: `Servicio del respaldo ${tag}`, start_year: 2021,
  });
  assert.equal(item.status, 201, item.text);
  // Help channels: a contact with a note (encrypted).
  const contact = await operator.post('/api/v1/channels/contacts', { channel: 'phone', note: `Devolución de llamada ${tag}` });
  assert.equal(contact.status, 201, contact.text);
  return {
    tag, woman, person_id: rec.json.linkage[0].person_id, order_id: order.json.order.id, victim_name: `Valentina ${tag} Díaz`,
    pmg_id: pmg.id, item_id: item.json.id, item_title: `Servicio del respaldo ${tag}`, contact_id: contact.json.id,
  };
}

async function readEverything(srv, w) {
  const worker = await as(srv, 'case_worker');
  const operator = await as(srv, 'operator');
  const person = await worker.get(`/api/v1/cases/persons/${w.person_id}`);
  assert.equal(person.status, 200, person.text);
  assert.equal(person.json.identity.name, `${w.woman.given_names} ${w.woman.surname1} ${w.woman.surname2}`, 'the victim\'s name (encrypted) reads back');
  assert.match(person.text, new RegExp(`Relato de prueba ${w.tag}`));
  const order = await operator.get(`/api/v1/monitoring/orders/${w.order_id}`);
  assert.equal(order.status, 200, order.text);
  assert.equal(order.json.order.victim_name, w.victim_name);
  assert.equal(order.json.order.aggressor_phone, '+56 9 5555 0102');
  const tree = (await srv.request('GET', `/api/v1/policy/public/instruments/${w.pmg_id}`)).json;
  assert.ok(tree.items.some((i) => i.id === w.item_id && i.title === w.item_title), 'the policy item is there');
  const contact = await operator.get(`/api/v1/channels/contacts/${w.contact_id}`);
  assert.equal(contact.status, 200, contact.text);
  assert.match(contact.text, new RegExp(`Devolución de llamada ${w.tag}`));
}

// A copy of a backup with its content changed and everything else (trailer included) kept.
function tampered(file, out, edit) {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  const changed = edit(text);
  assert.notEqual(changed, text, 'the edit changed nothing');
  fs.writeFileSync(out, zlib.gzipSync(Buffer.from(changed, 'utf8')));
  return out;
}

describe(`backup and restore (${chain.join(' → ')})`, () => {
  const bak1 = path.join(dir.dir, 'uno.equidad-backup.gz');
  const bak2 = path.join(dir.dir, 'dos.equidad-backup.gz');

  test('a demo server on A takes writes in several modules; backup of A', async () => {
    const srv = await startServer({ db: A.url, extraArgs: ['--demo', '--keys', kf], startTimeoutMs: 300_000, env: { EQ_CHANNELS_HOURS: '24/7' } });
    try {
      written.a = await writeEverything(srv, 'A');
    } finally {
      await srv.stop();
    }
    const r = await cmd(['backup', '--db', A.url, '--keys', kf, '--out', bak1]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.stdout, /respaldo escrito en .* \(\d+ tablas, \d+ filas, SHA-256 [0-9a-f]{64}\)/);
    assert.equal(fs.statSync(bak1).mode & 0o077, 0, 'the backup is private');
    const text = zlib.gunzipSync(fs.readFileSync(bak1)).toString('utf8');
    const header = JSON.parse(text.slice(0, text.indexOf('\n')));
    assert.equal(header.source_dialect, chain[0]);
    assert.match(header.key_fingerprint, /^[0-9a-f]{16}$/);
    assert.ok(header.migrations.cases?.length > 0 && header.migrations.monitoring?.length > 0, JSON.stringify(header.migrations));
    // Encrypted stays encrypted, and the key is not in the file.
    assert.ok(!text.includes(written.a.victim_name), 'a victim\'s name in clear in the backup');
    assert.ok(!text.includes(written.a.woman.surname1), 'a woman\'s surname in clear in the backup');
    assert.ok(!text.includes(fs.readFileSync(kf, 'utf8').trim()), 'the key is in the backup');
    // It refuses to overwrite.
    const again = await cmd(['backup', '--db', A.url, '--keys', kf, '--out', bak1]);
    assert.notEqual(again.code, 0);
    assert.match(again.out, /ya existe/);
    // A key file readable by others is said so and narrowed to the owner.
    fs.chmodSync(kf, 0o644);
    const loose = await cmd(['backup', '--db', A.url, '--keys', kf, '--out', `${bak1}.otra`]);
    assert.equal(loose.code, 0, loose.out);
    assert.match(loose.stderr, /legible por otros usuarios; quedó con permisos 0600/);
    assert.equal(fs.statSync(kf).mode & 0o077, 0);
  });

  test('bad input: tampered file, truncated file, wrong key — nothing written', async () => {
    const t = tampered(bak1, path.join(dir.dir, 'alterado.gz'), (s) => s.replace('Servicio del respaldo A', 'Servicio del respaldo X'));
    const r1 = await cmd(['restore', '--db', B.url, '--keys', kf, '--in', t]);
    assert.equal(r1.code, 1, r1.out);
    assert.match(r1.out, /SHA-256 del respaldo no coincide/);
    const cut = tampered(bak1, path.join(dir.dir, 'cortado.gz'), (s) => s.slice(0, s.lastIndexOf('{"end"')));
    const r2 = await cmd(['restore', '--db', B.url, '--keys', kf, '--in', cut]);
    assert.equal(r2.code, 1, r2.out);
    assert.match(r2.out, /incompleto/);
    const otherKey = path.join(dir.dir, 'otra', 'equidad.key');
    fs.mkdirSync(path.dirname(otherKey));
    fs.writeFileSync(otherKey, `${crypto.randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
    const r3 = await cmd(['restore', '--db', B.url, '--keys', otherKey, '--in', bak1]);
    assert.equal(r3.code, 1, r3.out);
    assert.match(r3.out, /no es la que este respaldo necesita/);
    const r4 = await cmd(['restore', '--db', B.url, '--keys', path.join(dir.dir, 'no-existe.key'), '--in', bak1]);
    assert.notEqual(r4.code, 0);
    assert.match(r4.out, /No se encuentra el archivo de claves/);
    assert.ok(!fs.existsSync(path.join(dir.dir, 'no-existe.key')), 'restore never creates a key');
  });

  test(`restore into an empty ${chain[1]} database; a server on it reads every module back; it refuses a second restore`, async () => {
    const r = await cmd(['restore', '--db', B.url, '--keys', kf, '--in', bak1]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.stdout, /respaldo restaurado \(\d+ tablas, \d+ filas; clave con huella [0-9a-f]{16}\)/);
    const verify = await cmd(['audit', 'verify', '--db', B.url, '--keys', kf]);
    assert.equal(verify.code, 0, verify.out);
    assert.match(verify.stdout, /^OK \(\d+ entradas/);

    const srv = await startServer({ db: B.url, extraArgs: ['--keys', kf], startTimeoutMs: 300_000, env: { EQ_CHANNELS_HOURS: '24/7' } });
    try {
      await readEverything(srv, written.a);
      // New rows get new ids (sequences past the restored ones) and live beside the old.
      written.b = await writeEverything(srv, 'B');
      assert.ok(written.b.order_id > written.a.order_id && written.b.contact_id > written.a.contact_id, JSON.stringify(written));
      await readEverything(srv, written.a);
    } finally {
      await srv.stop();
    }
    // B is no longer empty.
    const again = await cmd(['restore', '--db', B.url, '--keys', kf, '--in', bak1]);
    assert.equal(again.code, 1, again.out);
    assert.match(again.out, /no está vacía/);
  });

  test(`the restored database backs up in turn and restores into ${chain[2]}`, async () => {
    const b = await cmd(['backup', '--db', B.url, '--keys', kf, '--out', bak2]);
    assert.equal(b.code, 0, b.out);
    // A file whose schema is not this version's is refused before any row is copied.
    const old = tampered(bak2, path.join(dir.dir, 'viejo.gz'), (s) => {
      const lines = s.split('\n');
      const h = JSON.parse(lines[0]);
      h.migrations.cases = h.migrations.cases.slice(0, -1);
      lines[0] = JSON.stringify(h);
      const body = lines.slice(0, -2).join('\n') + '\n';
      const sha = crypto.createHash('sha256').update(body).digest('hex');
      const end = JSON.parse(lines[lines.length - 2]);
      end.end.sha256 = sha;
      return `${body}${JSON.stringify(end)}\n`;
    });
    const D = await database(chain[2]);
    const r0 = await cmd(['restore', '--db', D.url, '--keys', kf, '--in', old]);
    assert.equal(r0.code, 1, r0.out);
    assert.match(r0.out, /migraciones del respaldo no coinciden.*cases/);

    const r = await cmd(['restore', '--db', C.url, '--keys', kf, '--in', bak2]);
    assert.equal(r.code, 0, r.out);
    const srv = await startServer({ db: C.url, extraArgs: ['--keys', kf], startTimeoutMs: 300_000, env: { EQ_CHANNELS_HOURS: '24/7' } });
    try {
      await readEverything(srv, written.a);
      await readEverything(srv, written.b);
    } finally {
      await srv.stop();
    }
  });
});

