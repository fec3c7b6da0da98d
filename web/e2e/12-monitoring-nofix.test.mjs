// A device reporting without a GPS fix, in the console (issue 22). A victim's bracelet registered
// for the demo order gets a fix at her home 25 minutes ago, then goes indoors: it keeps reporting
// (cell towers and Wi-Fi, battery) and presses SOS with the Traccar Client's JSON, all over real
// HTTP. The console must show it as "sin GPS" with its last known place and that place's age, never
// as a position at (0, 0) nor at the last fix as if it were current.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, BASE_URL, csrf, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

let browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const HOME = { lat: -33.4378, lon: -70.6505 };

test('console: a bracelet without GPS shows its last known place and age, an SOS without GPS says so', async () => {
  const page = await newPage(browser, { width: 1600, height: 1000 });
  await login(page, 'operador@equidad.demo');
  const token = await csrf(page);
  const orders = await (await page.request.get(url('/api/v1/monitoring/orders'))).json();
  const demo = orders.items.find((o) => o.label === 'RIT F-1234-2026');
  assert.ok(demo, 'the demo order');
  const id = `e2e-sin-gps-${Date.now().toString(36)}`;
  const reg = await page.request.post(url(`/api/v1/monitoring/orders/${demo.id}/devices`), {
    headers: { 'X-CSRF-Token': token }, data: { device_id: id, kind: 'victim_bracelet' },
  });
  assert.equal(reg.status(), 201, await reg.text());
  const secret = (await reg.json()).secret;

  const now = Date.now();
  const fixAt = now - 25 * 60_000;
  const q = (p) => new URLSearchParams({ id, key: secret, ...p });
  let r = await fetch(`${BASE_URL}/api/v1/monitoring/osmand?${q({ lat: String(HOME.lat), lon: String(HOME.lon), timestamp: String(fixAt), batt: '64' })}`);
  assert.equal(r.status, 200, await r.text());

  await page.goto(url('/monitoreo'));
  await page.getByTestId('live-status').waitFor({ timeout: 15000 });
  await settle(page);
  await page.getByTestId('mute').click();

  // Indoors: cell towers and Wi-Fi, no coordinates, battery going down.
  r = await fetch(`${BASE_URL}/api/v1/monitoring/osmand?${q({ timestamp: String(now - 60_000), batt: '58', cell: '730,01,12001,55501,-85', wifi: '00-1c-b3-09-85-15,-70' })}`);
  assert.equal(r.status, 200, await r.text());
  const row = page.locator(`[data-testid="no-fix-device"][data-device="${id}"]`);
  await until(async () => (await row.count()) === 1, { timeout: 15000, message: 'the device in "Reportan sin GPS"' });
  const text = await row.innerText();
  assert.match(text, /sin GPS/);
  assert.match(text, /Último reporte hace 1 min/);
  assert.match(text, /batería 58 %/);
  assert.match(text, /Último lugar conocido hace 25 min/);

  // She presses SOS from the Traccar Client, still without GPS.
  r = await fetch(`${BASE_URL}/api/v1/monitoring/osmand?key=${encodeURIComponent(secret)}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ device_id: id, location: { timestamp: new Date(now - 5000).toISOString(), battery: { level: 0.57, is_charging: false }, extras: { alarm: 'sos' }, event: 'heartbeat' } }),
  });
  assert.equal(r.status, 200, await r.text());
  const panic = page.locator('[data-testid="queue-row"][data-type="panic"]', { hasText: 'sin GPS' }).first();
  await until(async () => (await panic.count()) === 1, { timeout: 15000, message: 'the panic without GPS in the queue' });
  await panic.click();
  const place = page.getByTestId('incident-place');
  await place.waitFor({ timeout: 15000 });
  assert.match(await place.innerText(), /sin GPS/);
  assert.match(await place.innerText(), /Último lugar conocido, fijado hace 25 min/);
  // The device's marker on the map is the faded "?" one, at the last fix; none at (0, 0).
  assert.ok((await page.locator('.mon-dev-nofix').count()) >= 1, 'a no-fix marker');
  await settle(page);
  await shot(page, 'monitoring-sin-gps', { fullPage: false });
  await place.scrollIntoViewIfNeeded();
  await shot(page, 'monitoring-sin-gps-incidente', { fullPage: false });
  assertNoPageErrors(page, assert);
});
