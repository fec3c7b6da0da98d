// The retention of the help channels' contacts (issue 20 item 4; src/channels/retention.cc) over
// real HTTP: a closed contact past --channels-retention-days loses what she said, her number, the
// orientation and the notes, and keeps the columns the statistics count. Proved on the database
// itself (the raw rows, as someone who copied the file would read them), on both statistics
// endpoints (the day's and the one over time: identical before and after), on the run record and
// its audit entries, and with a legal hold on one contact that keeps it whole.
//
// The demo's contacts are the last three days of the line. A first server (default 730 days) loads
// them and its daily run at start erases nothing; the same database is then served with
// --channels-retention-days 1, and the officer's «Ejecutar ahora» runs the purge (the same pass as
// the daily job). SQLite and, with EQ_TEST_DB=postgresql, PostgreSQL.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { auditEntries, login, loginDemo } from './auth_helpers.mjs';
import { freshDatabase, startServer, tempDir, waitFor, rawSqlLines } from './harness.mjs';

const DAY = 86_400_000;
const ENV = { EQ_CHANNELS_HOURS: '24/7' };
let db, keys, srv;

const rawSql = (sql) => rawSqlLines(db.url, sql);

// What a purge must erase, and what the statistics count (must stay as it was).
const IDENTIFYING = 'opening_text, caller_number, orientation, notes, caller_hash';
const COUNTED = 'id, channel, state, created_at, closed_at, left_at, comuna_code, outcome, reason, violence_type, risk_yes, risk_level, person_id, record_id';
const rowsOf = (cols, where = '') => rawSql(`SELECT ${cols} FROM channels_contacts ${where} ORDER BY id`);

const serve = (extra = []) => startServer({ db: db.url, env: ENV, extraArgs: ['--keys', path.join(keys.dir, 'equidad.key'), ...extra] });
const cl = (ms) => new Intl.DateTimeFormat('es-CL', { timeZone: 'America/Santiago', day: '2-digit', month: '2-digit', year: 'numeric' })
  .format(new Date(ms)).replaceAll('/', '-');

// Both statistics endpoints for the demo's days, as a supervisor reads them.
async function statistics(sup) {
  const out = {};
  for (let d = 0; d <= 4; d++) {
    const r = await sup.get(`/api/v1/channels/statistics?date=${cl(Date.now() - d * DAY)}`);
    assert.equal(r.status, 200, r.text);
    out[`day-${d}`] = r.json;
  }
  const year = new Date().getUTCFullYear();
  const h = await sup.get(`/api/v1/channels/history/statistics?from=${year}&to=${year}&year=${year}`);
  assert.equal(h.status, 200, h.text);
  out.history = h.json;
  return out;
}

before(async () => {
  db = await freshDatabase();
  keys = tempDir('equidad-dpcontacts-');
});
after(async () => {
  await srv?.stop();
  await db?.cleanup();
  keys?.cleanup();
});

describe('channels contacts past their retention', () => {
  let statsBefore, countedBefore, old, heldId, dpo, admin;

  test('with the default 730 days nothing of the demo is erased, and some closed contacts are older than one day', async () => {
    srv = await serve(['--demo']);
    dpo = await login(srv, 'dpo@equidad.demo');
    await waitFor('the daily run at start', async () => {
      const r = await dpo.get('/api/v1/dataprotection/purge/runs');
      return r.json.items.find((x) => x.origin === 'job' && x.state !== 'running');
    }, 60_000).then((run) => {
      assert.equal(run.kinds.find((k) => k.module === 'channels').purged, 0, JSON.stringify(run));
    });
    const sup = await login(srv, 'supervision@equidad.demo');
    statsBefore = await statistics(sup);
    countedBefore = rowsOf(COUNTED);
    const cutoff = Date.now() - DAY;
    old = rowsOf(`id, ${IDENTIFYING}`,
      `WHERE state IN ('closed', 'abandoned') AND COALESCE(closed_at, left_at, created_at) < ${cutoff} AND (opening_text IS NOT NULL OR caller_number IS NOT NULL OR notes IS NOT NULL OR orientation IS NOT NULL OR caller_hash IS NOT NULL)`)
      .map((l) => l.split('|'));
    assert.ok(old.length >= 3, `closed demo contacts older than a day with something to erase: ${old.length}`);
    // Stored encrypted: nothing of her words in clear, even before the purge.
    assert.ok(old.some((r) => r.slice(1).some((v) => v !== '')), 'the demo contacts carry text or numbers to erase');
    // A hold on one of them, as the officer records a prosecutor's request.
    heldId = old[0][0];
    const h = await dpo.post('/api/v1/dataprotection/holds', {
      module: 'channels', kind: 'contacts', record_id: heldId, reason: 'Oficio de la Fiscalía: conservar el registro del contacto.',
    });
    assert.equal(h.status, 201, h.text);
    await srv.stop();
    srv = null;
  });

  test('served with 1 day, the run erases the text, number, orientation and notes of every old contact but the held one', async () => {
    srv = await serve(['--channels-retention-days', '1']);
    dpo = await login(srv, 'dpo@equidad.demo');
    admin = await loginDemo(srv, 'admin');
    const pv = await dpo.get('/api/v1/dataprotection/purge/preview');
    assert.equal(pv.status, 200, pv.text);
    const kind = pv.json.kinds.find((k) => k.module === 'channels' && k.kind === 'contacts');
    assert.equal(kind.days, 1);
    assert.equal(kind.due, old.length - 1, JSON.stringify(kind));
    assert.equal(kind.held, 1);

    const r = await dpo.post('/api/v1/dataprotection/purge/runs', {});
    assert.equal(r.status, 201, r.text);
    const run = r.json.run;
    assert.equal(run.state, 'done', JSON.stringify(run));
    const done = run.kinds.find((k) => k.module === 'channels' && k.kind === 'contacts');
    assert.equal(done.purged, old.length - 1);
    assert.equal(done.held, 1);

    // The database itself: every identifying column of the purged contacts is NULL; the held one
    // is exactly as it was.
    for (const [id, ...values] of old) {
      const [now] = rowsOf(IDENTIFYING, `WHERE id = ${id}`);
      if (id === heldId) assert.deepEqual(now.split('|'), values, `contact ${id} is held`);
      else assert.equal(now, '||||', `contact ${id}: ${now}`);
    }
    // The callbacks' notes of those contacts go too.
    const ids = old.filter(([id]) => id !== heldId).map(([id]) => id).join(',');
    assert.deepEqual(rawSql(`SELECT note FROM channels_callbacks WHERE contact_id IN (${ids}) AND note IS NOT NULL`), []);
    // No row is deleted and no counted column changes.
    assert.deepEqual(rowsOf(COUNTED), countedBefore);

    // The record of the run and the audit entries (the run's and the module's own).
    const list = (await dpo.get('/api/v1/dataprotection/purge/runs')).json.items;
    assert.equal(list[0].id, run.id);
    assert.equal(list[0].kinds.find((k) => k.module === 'channels').purged, old.length - 1);
    const audited = (await auditEntries(admin, 'action=dataprotection.purge_run')).find((e) => e.object === `dataprotection_purge_run:${run.id}`);
    assert.ok(audited, 'the run is audited');
    assert.match(audited.detail, new RegExp(`channels/contacts: ${old.length - 1}`));
    const mine = await auditEntries(admin, 'action=channels.purge_contacts');
    assert.ok(mine.some((e) => e.detail.startsWith(`${old.length - 1} contactos`) && /1 retenidos por orden legal/.test(e.detail)),
      JSON.stringify(mine.map((e) => e.detail)));

    // A second run finds nothing more to erase.
    const again = await dpo.post('/api/v1/dataprotection/purge/runs', {});
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.run.kinds.find((k) => k.module === 'channels').purged, 0);
  });

  test('the statistics of those days are exactly what they were', async () => {
    const sup = await login(srv, 'supervision@equidad.demo');
    assert.deepEqual(await statistics(sup), statsBefore);
  });
});
