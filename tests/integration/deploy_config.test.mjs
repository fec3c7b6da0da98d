// The deployment files are checked by the tools that will read them (issue 20 item 1): nginx -t on
// deploy/nginx/equidad.conf and systemd-analyze verify on the units in deploy/. Nothing under /etc
// is touched: each file is copied to a temporary folder with its certificate and binary paths
// rewritten there (a throw-away self-signed certificate, the built server), inside a minimal
// nginx.conf of our own. Each check first proves it can fail: a copy with one broken line must be
// refused, otherwise a green result would mean nothing. Without nginx or systemd-analyze on the
// machine the check is skipped with the reason printed (scripts/deps.sh installs nginx-light).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { binPath, repoRoot, tempDir } from './harness.mjs';

const which = (cmd) => ['/usr/sbin', '/usr/bin', '/sbin', '/bin', ...(process.env.PATH || '').split(':')]
  .map((d) => path.join(d, cmd)).find((p) => fs.existsSync(p));
const nginx = which('nginx');
const systemdAnalyze = which('systemd-analyze');
const tmp = tempDir('equidad-deploy-');
after(() => tmp.cleanup());

// deploy/nginx/equidad.conf as a site of a throw-away nginx whose every path is under `dir`.
function nginxSite(dir, site) {
  fs.mkdirSync(dir, { recursive: true });
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=equidad.test', '-days', '2',
    '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem')], { encoding: 'utf8' });
  assert.equal(cert.status, 0, cert.stderr);
  const text = site.replaceAll('/etc/ssl/equidad/', `${dir}/`);
  const etc = text.split('\n').filter((l) => !l.trim().startsWith('#') && l.includes('/etc/'));
  assert.deepEqual(etc, [], 'every path of the site is rewritten to the temporary folder');
  fs.writeFileSync(path.join(dir, 'equidad.conf'), text);
  const t = (n) => path.join(dir, n);
  fs.writeFileSync(t('nginx.conf'), `pid ${t('nginx.pid')};
error_log ${t('error.log')};
events {}
http {
  client_body_temp_path ${t('body')};
  proxy_temp_path ${t('proxy')};
  fastcgi_temp_path ${t('fastcgi')};
  uwsgi_temp_path ${t('uwsgi')};
  scgi_temp_path ${t('scgi')};
  access_log off;
  include ${t('equidad.conf')};
}
`);
  // -t parses and checks (certificates loaded, upstreams, maps) without binding any port.
  return spawnSync(nginx, ['-t', '-q', '-p', dir, '-c', t('nginx.conf'), '-e', t('error.log')], { encoding: 'utf8' });
}

// systemd-analyze verify exits 0 on an unknown key or a value it cannot parse (it only warns): any
// line it prints about the file is a failure.
function verifyUnits(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  const paths = Object.entries(files).map(([name, text]) => {
    const p = path.join(dir, name);
    // The unit starts the built server instead of /usr/local/bin/equidad (verify checks it is executable).
    fs.writeFileSync(p, text.replaceAll('/usr/local/bin/equidad', binPath));
    return p;
  });
  const r = spawnSync(systemdAnalyze, ['verify', ...paths], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_COLOR: '0' } });
  const about = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => paths.some((p) => l.includes(p)) || /equidad/.test(l));
  return { status: r.status, about, output: `${r.stdout}${r.stderr}` };
}

const read = (...p) => fs.readFileSync(path.join(repoRoot, 'deploy', ...p), 'utf8');

describe('deployment configuration', () => {
  test('nginx -t accepts deploy/nginx/equidad.conf, and refuses it with one broken line', { skip: !nginx && 'nginx is not installed (scripts/deps.sh: nginx-light)' }, () => {
    const site = read('nginx', 'equidad.conf');
    const ok = nginxSite(path.join(tmp.dir, 'nginx-ok'), site);
    assert.equal(ok.status, 0, `nginx -t:\n${ok.stderr}`);
    // The check can fail: a directive nginx does not know, and a location outside any server.
    const broken = nginxSite(path.join(tmp.dir, 'nginx-broken'), site.replace('client_max_body_size 2m;', 'client_max_body_size dos_megas;'));
    assert.notEqual(broken.status, 0, 'a broken site must be refused');
    assert.match(broken.stderr, /client_max_body_size/);
    // What the site promises the server (deploy/equidad.conf: behind-tls): TLS only, no plain HTTP
    // reaches an instance, WebSockets of the chat and the live consoles pass through.
    assert.match(site, /listen 80;[\s\S]*return 301 https:\/\/\$host\$request_uri;/);
    assert.match(site, /ssl_protocols TLSv1\.2 TLSv1\.3;/);
    assert.match(site, /location \^~ \/api\/v1\/chat\/ \{[^}]*Upgrade \$http_upgrade/);
    assert.match(site, /location = \/metrics \{[^}]*deny all;/);
  });

  test('systemd-analyze verify accepts the units in deploy/, and reports a broken one', { skip: !systemdAnalyze && 'systemd-analyze is not installed' }, () => {
    const units = {
      'equidad.service': read('equidad.service'),
      'equidad-backup.service': read('equidad-backup.service'),
      'equidad-backup.timer': read('equidad-backup.timer'),
    };
    const ok = verifyUnits(path.join(tmp.dir, 'units-ok'), units);
    assert.equal(ok.status, 0, ok.output);
    assert.deepEqual(ok.about, [], ok.output);
    const broken = verifyUnits(path.join(tmp.dir, 'units-broken'),
      { 'equidad.service': units['equidad.service'].replace('ProtectSystem=strict', 'ProtectSystem=estricto') });
    assert.ok(broken.status !== 0 || broken.about.length > 0, `a broken unit must be reported:\n${broken.output}`);
    // The hardening the unit promises (README, Operations): nothing but its state folder is writable.
    assert.match(units['equidad.service'], /^ProtectSystem=strict$/m);
    assert.match(units['equidad.service'], /^ReadWritePaths=\/var\/lib\/equidad$/m);
    assert.match(units['equidad.service'], /^NoNewPrivileges=yes$/m);
  });
});
