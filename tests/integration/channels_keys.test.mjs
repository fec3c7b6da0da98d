// The queue's memory of callers survives `equidad keys rotate`: a blocked number stays blocked and a
// caller's earlier high-risk contacts still raise her priority, because caller hashes are keyed with
// the callers key (equidad.callers.key), which a rotation of the installation key does not change.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { freshDatabase, runCommand, startServer, tempDir } from './harness.mjs';
import { login, uniq } from './auth_helpers.mjs';
import { TelephonySwitch } from './telephony_client.mjs';

const env = { EQ_CHANNELS_HOURS: '24/7' };

test('a supervisor\'s block outlives a key rotation, and so does the callers key file', async () => {
  const db = await freshDatabase();
  const dir = tempDir('equidad-it-callers-');
  const kf = path.join(dir.dir, 'equidad.key');
  const callersFile = path.join(dir.dir, 'equidad.callers.key');
  const from = `+56 9 ${crypto.randomInt(1000, 9999)} ${crypto.randomInt(1000, 9999)}`;
  try {
    let srv = await startServer({ db: db.url, extraArgs: ['--demo', '--keys', kf], env });
    let blockId;
    try {
      assert.equal(fs.statSync(callersFile).mode & 0o077, 0, 'the callers key is private');
      const phone = new TelephonySwitch(srv.baseUrl, fs.readFileSync(path.join(dir.dir, 'equidad.telephony.key'), 'utf8').trim());
      const r = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from });
      assert.equal(r.status, 200, r.text);
      const sup = await login(srv, 'supervision@equidad.demo');
      const b = await sup.post(`/api/v1/channels/contacts/${r.json.contact_id}/block`, { hours: 2, reason: 'Llamadas abusivas reiteradas.' });
      assert.equal(b.status, 201, b.text);
      blockId = b.json.id;
      const again = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from });
      assert.equal(again.json.accept, false, again.text);
    } finally {
      await srv.stop();
    }
    const callersBefore = fs.readFileSync(callersFile, 'utf8');

    const rotated = await runCommand(['keys', 'rotate', '--db', db.url, '--keys', kf]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(fs.readFileSync(callersFile, 'utf8'), callersBefore, 'a rotation leaves the callers key alone');

    srv = await startServer({ db: db.url, extraArgs: ['--keys', kf], env });
    try {
      const phone = new TelephonySwitch(srv.baseUrl, fs.readFileSync(path.join(dir.dir, 'equidad.telephony.key'), 'utf8').trim());
      // The same number, written another way, after the rotation: still blocked.
      const later = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from: from.replace(/\D/g, '') });
      assert.equal(later.status, 200, later.text);
      assert.equal(later.json.accept, false, later.text);
      assert.equal(later.json.reason, 'blocked');
      // A number never seen is answered.
      const other = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from: '+56 2 2222 3333' });
      assert.equal(other.json.accept, true, other.text);
      // Lifting the block (its id unchanged by the rotation) lets her through again.
      const sup = await login(srv, 'supervision@equidad.demo');
      assert.equal((await sup.post(`/api/v1/channels/blocks/${blockId}/lift`)).status, 200);
      const through = await phone.send({ type: 'ringing', call_id: `call-${uniq()}`, from });
      assert.equal(through.json.accept, true, through.text);
    } finally {
      await srv.stop();
    }
  } finally {
    await db.cleanup();
    dir.cleanup();
  }
});
