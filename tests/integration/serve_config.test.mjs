// `equidad serve --config FILE` (issue 20, item 3) with a real process: the file's database,
// address, logging and retention are used, a flag on the command line overrides the file, the
// metrics the alert rules read are exported, and an unknown key stops the server with an error
// naming it before anything is opened.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { freshDatabase, runCommand, startServer, tempDir, dbKind } from './harness.mjs';

test('serve --config: the file configures the server, flags override it, unknown keys are refused', async () => {
  const dir = tempDir('equidad-it-conf-');
  const db = await freshDatabase();
  try {
    const conf = path.join(dir.dir, 'equidad.conf');
    fs.writeFileSync(conf, [
      '# test configuration',
      `db = "${db.url}"`,
      `keys = ${path.join(dir.dir, 'equidad.key')}`,
      'address = 127.0.0.1',
      'port = 1', // overridden by the harness's --port 0: a privileged port would fail to bind
      'log-format = json',
      'chat-retention-days = 30',
      'trusted-proxy = ["127.0.0.1"]',
      '',
    ].join('\n'));
    // startServer adds --db of its own only when given none: pass the file's, so both agree.
    const srv = await startServer({ db: db.url, extraArgs: ['--config', conf] });
    try {
      const health = await srv.request('GET', '/healthz');
      assert.equal(health.status, 200, health.text);
      assert.ok(fs.existsSync(path.join(dir.dir, 'equidad.key')), 'the key file named in the configuration is used');
      // Diagnostics are JSON lines.
      const diag = srv.stderr.split('\n').filter((l) => l.startsWith('{'));
      assert.ok(diag.length > 0, srv.stderr);
      for (const l of diag) {
        const j = JSON.parse(l);
        assert.ok(j.time && j.level && typeof j.msg === 'string', l);
      }
      const metrics = await srv.request('GET', '/metrics');
      assert.equal(metrics.status, 200);
      // Whether anyone watches the monitoring console is not public: the "no console connected"
      // rule reads it from the reserved /api/v1/system/metrics (monitoring_security.test.mjs).
      assert.doesNotMatch(metrics.text, /live_connections/);
      if (dbKind === 'sqlite') assert.match(metrics.text, /^equidad_sqlite_wal_bytes \d+/m);
    } finally {
      await srv.stop();
    }
    fs.appendFileSync(conf, 'prot = 8080\n');
    const bad = await runCommand(['serve', '--config', conf, '--port', '0']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /clave «prot»: no es una opción de «equidad serve»/);
    assert.doesNotMatch(bad.stderr, /escuchando/);
    const missing = await runCommand(['serve', '--config', path.join(dir.dir, 'no-existe.conf')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no se pudo leer/);
  } finally {
    await db.cleanup();
    dir.cleanup();
  }
});
