// The printable evidence export (issue 12): the same signed document as the JSON export, inside an
// A4 page a court can read (dates in America/Santiago, es-CL), and `equidad monitor verify` checks
// the downloaded page: chain, signature and that what it shows agrees with what is signed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertApiError, nextClientAddress, request, runCommand, startServer, tempDir } from './harness.mjs';
import { auditEntries, loginDemo } from './auth_helpers.mjs';

let srv;
let op; // operador@: alerts.handle, monitoring.manage
let admin;
let muni; // municipal@: a unit, no alerts.handle
const tmp = tempDir('equidad-it-evidence-');

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 180_000 }); // generous: CI machines are shared
  [op, admin, muni] = await Promise.all([loginDemo(srv, 'operator'), loginDemo(srv, 'admin'), loginDemo(srv, 'municipal')]);
});
after(async () => { await srv?.stop(); tmp.cleanup(); });

const HOME = { lat: -33.4378, lon: -70.6505 };
const M_LAT = 1 / 111_320;
const north = (p, m) => ({ lat: p.lat + m * M_LAT, lon: p.lon });
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('-');
const DEVICES = nextClientAddress();

// dd-mm-aaaa HH:MM:SS in America/Santiago, as the page must print it.
function santiago(ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'America/Santiago', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.day}-${parts.month}-${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}

// An order with an aggressor tag walking into the victim's home zone, and an operator's note with
// markup in it: one zone-entry incident to export.
async function incident() {
  const o = await op.post('/api/v1/monitoring/orders', {
    label: `RIT F-${process.pid}-2026 imprimible`, court: 'Juzgado de Familia de Santiago', victim_name: 'Valentina Prueba Díaz',
    victim_phone: '+56 9 5555 0001', aggressor_name: 'Rodrigo Prueba Vera', aggressor_phone: '+56 9 5555 0002', comuna_id: '13101',
    min_distance_m: 500, approach_m: 1000, starts_on: yesterday(),
  });
  assert.equal(o.status, 201, o.text);
  const id = o.json.order.id;
  const device = `it-print-${process.pid}-${id}`;
  const d = await op.post(`/api/v1/monitoring/orders/${id}/devices`, { device_id: device, kind: 'aggressor_tag' });
  assert.equal(d.status, 201, d.text);
  const z = await op.post(`/api/v1/monitoring/orders/${id}/zones`, { label: 'Domicilio', shape: 'circle', lat: HOME.lat, lon: HOME.lon, radius_m: 300 });
  assert.equal(z.status, 201, z.text);
  const t0 = Date.now() - 10 * 60_000;
  for (const [i, m] of [1500, 1000, 600, 100, 50].entries()) {
    const p = north(HOME, m);
    const r = await request('GET', `/api/v1/monitoring/osmand?${new URLSearchParams({
      id: device, key: d.json.secret, lat: p.lat.toFixed(7), lon: p.lon.toFixed(7), timestamp: String(t0 + i * 60_000),
    })}`, { baseUrl: srv.baseUrl, localAddress: DEVICES });
    assert.equal(r.status, 200, r.text);
  }
  const list = await op.get('/api/v1/monitoring/incidents?state=open');
  const inc = list.json.items.find((i) => i.order_id === id && i.type === 'zone_enter');
  assert.ok(inc, 'zone entry incident');
  const n = await op.post(`/api/v1/monitoring/incidents/${inc.id}/actions`, { kind: 'nota', note: 'Se llama a Carabineros <b>urgente</b> & "ya".' });
  assert.equal(n.status, 201, n.text);
  return inc;
}

describe('printable evidence', () => {
  test('the HTML carries the signed document unchanged, shows it in Chilean time, and verifies; an edited page does not', async () => {
    const inc = await incident();
    const json = await op.get(`/api/v1/monitoring/incidents/${inc.id}/export`);
    assert.equal(json.status, 200, json.text);
    const r = await op.get(`/api/v1/monitoring/incidents/${inc.id}/export?formato=html`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.match(r.headers['content-disposition'] ?? '', new RegExp(`attachment; filename="evidencia-alerta-${inc.id}\\.html"`));
    const html = r.text;

    // The embedded block is the signed document (same chain, head, signature as the JSON export).
    const block = html.match(/<script type="application\/json" id="evidencia">([\s\S]*?)<\/script>/);
    assert.ok(block, 'embedded document');
    const doc = JSON.parse(block[1]);
    assert.equal(doc.format, 'equidad-evidencia-1');
    assert.deepEqual(doc.entries, json.json.entries);
    assert.equal(doc.head, json.json.head);
    assert.equal(doc.public_key, json.json.public_key);
    // The operator's markup is text on the page, never markup, and cannot end the block early.
    assert.doesNotMatch(html, /<b>urgente<\/b>/);
    assert.match(html, /Se llama a Carabineros &lt;b&gt;urgente&lt;\/b&gt; &amp; &quot;ya&quot;\./);
    assert.equal(html.split('</script>').length, 2);

    // What a person reads: Spanish headings, dates in Santiago to the second, every hash, the key.
    for (const h of ['Orden', 'Incidente', 'Dispositivo', 'Registro encadenado', 'Cadena de hashes, firma y clave pública', 'Cómo verificar'])
      assert.match(html, new RegExp(`<h2>${h}`), h);
    assert.match(html, /<html lang="es-CL">/);
    assert.match(html, /@page \{ size: A4/);
    const position = doc.entries.find((e) => e.kind === 'position');
    assert.ok(html.includes(`<td>${position.seq}</td><td>${santiago(position.at)}</td><td>Posición</td>`), `position row at ${santiago(position.at)}`);
    assert.match(html, /lat\. -33,\d{6}; long\. -70,\d{6}/, 'coordinates with a decimal comma');
    assert.ok(html.includes(santiago(doc.generated_at)), 'generated at, Santiago time');
    for (const e of doc.entries) assert.ok(html.includes(e.hash), `hash of entry ${e.seq}`);
    assert.ok(html.includes(doc.signature) && html.includes(doc.public_key));
    assert.doesNotMatch(html, /\b1[7-9]\d{11}\b(?![^<]*<\/script>)/, 'no Unix timestamp on the readable page');

    const file = path.join(tmp.dir, `evidencia-alerta-${inc.id}.html`);
    fs.writeFileSync(file, r.body);
    const ok = await runCommand(['monitor', 'verify', file]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^OK: .*la parte legible coincide con el documento firmado/);
    // The JSON export still verifies as before.
    const jfile = path.join(tmp.dir, `evidencia-alerta-${inc.id}.json`);
    fs.writeFileSync(jfile, json.body);
    assert.equal((await runCommand(['monitor', 'verify', jfile])).code, 0);

    // A page whose readable table was edited (one instant moved by an hour) while the signed block is intact: refused.
    const when = santiago(position.at);
    const edited = html.replace(`<td>${when}</td>`, `<td>${santiago(position.at + 3_600_000)}</td>`);
    assert.notEqual(edited, html);
    const bad = path.join(tmp.dir, 'editada.html');
    fs.writeFileSync(bad, edited);
    const refused = await runCommand(['monitor', 'verify', bad]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /^NO VÁLIDA: La parte legible no coincide/);
    // A page whose signed block was edited: the chain breaks, as for the JSON.
    const moved = html.replace(block[1], block[1].replace(`"lat":${position.data.lat}`, `"lat":${position.data.lat + 0.001}`));
    assert.notEqual(moved, html);
    const chain = path.join(tmp.dir, 'bloque.html');
    fs.writeFileSync(chain, moved);
    const broken = await runCommand(['monitor', 'verify', chain]);
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(broken.stdout, /^NO VÁLIDA: La entrada \d+ fue modificada/);
    // Any other page is not evidence.
    const other = path.join(tmp.dir, 'otra.html');
    fs.writeFileSync(other, '<!DOCTYPE html><html><body>hola</body></html>');
    assert.equal((await runCommand(['monitor', 'verify', other])).code, 2);

    // The export is audited like the JSON one, and follows its object rule (a unit may not export).
    const audit = await auditEntries(admin, 'action=monitoring.evidence_export');
    assert.ok(audit.filter((e) => e.object === `monitoring_incident:${inc.id}`).length >= 2, JSON.stringify(audit).slice(0, 500));
    assertApiError(assert, await muni.get(`/api/v1/monitoring/incidents/${inc.id}/export?formato=html`), 403);
  });
});
