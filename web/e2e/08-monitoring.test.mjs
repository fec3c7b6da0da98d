// Telematic monitoring in the browser (issue 6). The operator opens the control-centre console; the
// demo order's devices send positions over real HTTP (OsmAnd protocol): the aggressor's tag walks
// into the victim's home zone and the victim presses her bracelet's panic button — the incidents
// appear live, without reloading, each type with its own look. The operator takes the panic, logs a
// call, dispatches; the municipal security of Santiago sees the dispatch and accepts it; the operator
// sees the acceptance live and closes with an outcome. Then the order page: zones on the map, a
// circle zone drawn by clicking, a device registered (its secret shown once).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, BASE_URL, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

let browser;
let operator;
let panicId = null;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Device clocks: each position 30 s after the previous one (none is a duplicate or stale, and the
// aggressor's walk stays under the server's 300 km/h plausibility limit); six positions stay well
// inside the 10 minutes a device clock may run ahead. A fresh server per run (positions sent by an
// earlier run of this file would make these ones stale).
let clock = Math.floor(Date.now() / 1000);
async function send(deviceId, params) {
  clock += 30;
  const q = new URLSearchParams({ id: deviceId, key: `demo-secreto-${deviceId}`, timestamp: String(clock), ...params });
  const r = await fetch(`${BASE_URL}/api/v1/monitoring/osmand?${q}`);
  assert.equal(r.status, 200, `${deviceId} ${q}: ${r.status} ${await r.text()}`);
}

const VICTIM_HOME = { lat: '-33.4378', lon: '-70.6505' };

async function queueTypes(page) {
  return page.getByTestId('queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
}

test('operator console: live incidents of several types, take, call, dispatch', async () => {
  operator = await newPage(browser, { width: 1600, height: 1000 });
  const page = operator;
  await login(page, 'operador@equidad.demo');
  const nav = page.getByRole('navigation', { name: 'Navegación principal' });
  await nav.getByRole('link', { name: 'Centro de control' }).click();
  await page.waitForURL((u) => u.pathname === '/monitoreo');
  await page.getByTestId('live-status').waitFor({ timeout: 15000 });
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Consola del centro de control');
  // Offline map: comuna boundaries drawn, nothing fetched from a tile server.
  assert.equal(await page.locator('.leaflet-tile').count(), 0);
  assert.ok((await page.locator('.mon-map path.leaflet-interactive, .mon-map path').count()) > 10, 'comunas drawn');
  assert.match(await page.locator('.leaflet-control-attribution').innerText(), /BCN/);
  // A first click unlocks sound (no autoplay errors), then it is muted for the rest of the test.
  await page.getByTestId('mute').click();
  assert.equal(await page.getByTestId('mute').getAttribute('aria-pressed'), 'true');

  const before = new Set(await page.getByTestId('queue-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident'))));

  // The victim at home; the aggressor walks into her home's exclusion zone (breach + zone entry).
  await send('demo-movil-1', { ...VICTIM_HOME, batt: '80' });
  await send('demo-pulsera-1', { ...VICTIM_HOME, batt: '35' });
  await send('demo-tag-1', { lat: '-33.4392', lon: '-70.6510', batt: '70' });
  await send('demo-tag-1', { lat: '-33.4380', lon: '-70.6506', batt: '70' });
  // She presses the panic button.
  await send('demo-pulsera-1', { ...VICTIM_HOME, alarm: 'sos', batt: '35' });

  // Live, no reload: the new incidents show up in the queue.
  await until(async () => (await queueTypes(page)).includes('panic'), { timeout: 15000, message: 'panic in the queue' });
  await until(async () => (await queueTypes(page)).includes('proximity_breach'), { timeout: 10000, message: 'breach in the queue' });
  // Most severe first, as the server grades each incident (critical, high, medium, low, info).
  const rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  const sevs = await page.getByTestId('queue-row').evaluateAll((rows) => rows.map((r) => r.querySelector('[data-severity]')?.getAttribute('data-severity')));
  const ranks = sevs.map((x) => rank[x] ?? 9);
  assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), `queue sorted by severity: ${sevs.join(', ')} (${(await queueTypes(page)).join(', ')})`);
  // Each severity has its own word and shape; a low battery is never dressed as a breach.
  const panicRow = page.locator('[data-testid="queue-row"][data-type="panic"]').first();
  assert.match(await panicRow.innerText(), /CRÍTICA/);
  assert.match(await panicRow.innerText(), /Botón de pánico/);
  assert.match(await panicRow.innerText(), /hace|recién/);
  const breachRow = page.locator('[data-testid="queue-row"][data-type="proximity_breach"]').first();
  assert.match(await breachRow.innerText(), /CRÍTICA/);
  const battery = page.locator('[data-testid="queue-row"][data-type="low_battery"]');
  if (await battery.count()) {
    assert.doesNotMatch(await battery.first().innerText(), /CRÍTICA|ALTA/);
    assert.notEqual(await battery.first().locator('.mon-type-glyph').innerText(), await breachRow.locator('.mon-type-glyph').innerText());
  }
  panicId = await panicRow.getAttribute('data-incident');
  assert.ok(!before.has(panicId), 'the panic is a new incident');
  assert.ok(!(await page.getByTestId('live-banner').count()), 'connected: no offline banner');
  await shot(page, 'monitoring-01-console', { fullPage: false });

  // The incident panel.
  await panicRow.getByRole('button').click();
  await page.waitForURL((u) => u.searchParams.get('incidente') === panicId);
  const panel = page.getByTestId('incident-panel');
  await panel.getByTestId('incident-timeline').waitFor();
  assert.match(await panel.innerText(), /Botón de pánico/);
  assert.match(await panel.innerText(), /Ana María Rojas Pérez/);
  assert.match(await panel.innerText(), /Luis Alberto Soto Muñoz/);
  assert.ok(await panel.locator('a[href^="tel:+569"]').first().isVisible(), 'phones are call links');

  await panel.getByRole('button', { name: 'Tomar incidente' }).click();
  await until(async () => (await panel.getByTestId('incident-state').innerText()) === 'En gestión', { message: 'taken' });
  await panel.getByLabel('Nota').fill('Víctima indica que el agresor está afuera de su casa.');
  await panel.getByRole('group', { name: 'Llamé a la víctima' }).getByRole('button', { name: /^Contestó/ }).click();
  await until(async () => /Llamada a la víctima registrada: contestó/.test(await panel.getByTestId('action-done').innerText()), { message: 'call logged' });
  await until(async () => /afuera de su casa/.test(await panel.getByTestId('incident-timeline').innerText()), { message: 'note in the timeline' });

  // The unit is the operator's choice, the comuna's preselected.
  await until(async () => /Municipalidad de Santiago/.test(await panel.getByLabel('Unidad a despachar').locator('option:checked').innerText()), { message: 'default unit preselected' });
  assert.match(await panel.getByLabel('Unidad a despachar').innerText(), /Carabineros/);
  await panel.getByTestId('dispatch').click();
  await panel.getByTestId('dispatch-summary').waitFor();
  assert.match(await panel.getByTestId('dispatch-summary').innerText(), /Santiago/);
  assert.match(await panel.getByTestId('dispatch-summary').innerText(), /Enviado/);
  await until(async () => (await panel.getByTestId('incident-state').innerText()) === 'Unidad despachada', { message: 'dispatched' });
  // Re-dispatch is offered (another unit, the current one not among the choices); not done here.
  await panel.getByTestId('redispatch-open').click();
  assert.doesNotMatch(await panel.getByLabel('Redespachar a').innerText(), /Municipalidad de Santiago/);
  await panel.getByTestId('redispatch').getByRole('button', { name: 'Cancelar' }).click();
  await settle(page);
  await shot(page, 'monitoring-02-incident-panel', { fullPage: false });
  assertNoPageErrors(page, assert);
});

test('municipal unit: sees the dispatch live and accepts it; the console sees the acceptance', async () => {
  assert.ok(panicId, 'the first test dispatched an incident');
  const page = await newPage(browser, { mobile: true });
  await login(page, 'municipal@equidad.demo', { totpExpected: true });
  await page.getByRole('button', { name: 'Menú' }).click();
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Despachos' }).click();
  await page.waitForURL((u) => u.pathname === '/monitoreo/unidad');
  const card = page.locator('[data-testid="dispatch-card"]', { hasText: 'Botón de pánico' }).first();
  await card.waitFor({ timeout: 15000 });
  await page.getByTestId('live-status').waitFor({ timeout: 15000 });
  assert.match(await card.getByTestId('dispatch-state').innerText(), /Enviado/);
  await shot(page, 'monitoring-03-unit');
  await card.getByTestId('dispatch-next').click();
  await until(async () => /Aceptado/.test(await card.getByTestId('dispatch-state').innerText()), { message: 'accepted' });
  assert.equal(await card.getByTestId('dispatch-next').innerText(), 'En camino');
  await shot(page, 'monitoring-04-unit-accepted');
  assertNoPageErrors(page, assert);

  // The operator's console hears it over the WebSocket.
  const panel = operator.getByTestId('incident-panel');
  await until(async () => /Aceptado/.test(await panel.getByTestId('dispatch-summary').innerText()), { timeout: 15000, message: 'acceptance on the console' });
  await until(async () => /aceptado/i.test(await panel.getByTestId('incident-timeline').innerText()), { message: 'acceptance in the timeline' });
});

test('operator: replay, evidence export, close with an outcome', async () => {
  const page = operator;
  const panel = page.getByTestId('incident-panel');
  // Replay of the incident's track with its slider.
  await panel.getByTestId('replay').click();
  const controls = panel.getByTestId('replay-controls');
  await controls.waitFor();
  await controls.getByRole('slider').fill(await controls.getByRole('slider').getAttribute('max'));
  await until(async () => (await page.locator('.mon-map .mon-dev').count()) > 0, { message: 'replay markers' });
  await shot(page, 'monitoring-05-replay', { fullPage: false });
  await controls.getByRole('button', { name: 'Terminar' }).click();

  // Evidence export: a signed, hash-chained JSON document.
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId('export').click()]);
  assert.equal(download.suggestedFilename(), `evidencia-incidente-${panicId}.json`);
  const doc = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  assert.equal(doc.format, 'equidad-evidencia-1');
  assert.ok(doc.entries.length > 0 && doc.signature, 'entries and signature');

  // Closing needs an outcome.
  await panel.getByRole('button', { name: 'Cerrar incidente' }).click();
  await panel.locator('.field-error', { hasText: 'Elija el resultado' }).waitFor();
  await panel.getByLabel('Resultado del cierre').selectOption('unidad_en_sitio');
  await panel.getByRole('button', { name: 'Cerrar incidente' }).click();
  await until(async () => (await panel.getByTestId('incident-state').innerText()) === 'Cerrada', { message: 'closed' });
  await until(async () => !(await queueTypes(page)).length || !(await page.locator(`[data-testid="queue-row"][data-incident="${panicId}"]`).count()), { message: 'closed incident leaves the queue' });
  assert.match(await panel.getByTestId('incident-timeline').innerText(), /Unidad en el sitio|unidad_en_sitio|Cerr/i);
  assertNoPageErrors(page, assert);
});

test('monitored orders: zones on the map, a circle drawn by clicking, a device with its secret shown once', async () => {
  const page = operator;
  await page.goto(url('/monitoreo/ordenes'));
  const table = page.getByTestId('orders-table');
  await table.waitFor();
  assert.match(await table.innerText(), /RIT F-1234-2026/);

  // A server field error lands next to its field.
  // The registry's order is offered first; this one is entered by hand.
  await page.getByRole('button', { name: 'Nueva orden' }).click();
  await page.getByTestId('order-from-record').waitFor();
  await page.getByRole('button', { name: 'Ingresarla a mano' }).click();
  const form = page.getByTestId('new-order');
  await form.getByLabel('Nombre de la orden').fill('RIT F-9999-2026 e2e');
  await form.getByLabel('Nombre de la víctima').fill('Víctima de Prueba');
  await form.getByLabel('Teléfono de la víctima').fill('123');
  await form.getByLabel('Nombre del agresor').fill('Agresor de Prueba');
  await form.getByLabel('Teléfono del agresor').fill('+56 9 1111 2222');
  await form.getByLabel('Comuna de la víctima').fill('Providencia');
  await until(async () => (await form.getByLabel('Comuna de la víctima').getAttribute('aria-invalid')) !== 'true', { message: 'comuna' });
  await page.waitForTimeout(500);
  await form.getByRole('button', { name: 'Crear orden' }).click();
  await until(async () => (await form.getByLabel('Teléfono de la víctima').getAttribute('aria-invalid')) === 'true', { message: 'phone error on its field' });
  assert.match(await form.locator('.field-error').first().innerText(), /teléfono/i);
  // Homes 200 m apart with a 500 m order: saved, with a warning shown prominently.
  await form.getByLabel('Teléfono de la víctima').fill('+56 9 3333 4444');
  await form.getByLabel('Latitud del domicilio de la víctima').fill('-33,4300');
  await form.getByLabel('Longitud del domicilio de la víctima').fill('-70,6100');
  await form.getByLabel('Latitud del domicilio del agresor').fill('-33,4318');
  await form.getByLabel('Longitud del domicilio del agresor').fill('-70,6100');
  await form.getByRole('button', { name: 'Crear orden' }).click();
  await page.waitForURL(/\/monitoreo\/ordenes\/\d+\?creada=1$/);
  await page.getByTestId('order-warnings').waitFor();
  await page.getByTestId('order-map').waitFor();

  // A circle zone: click the map for the centre, type the radius.
  await page.getByRole('button', { name: 'Agregar zona' }).click();
  const map = page.getByTestId('order-map');
  const box = await map.boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await until(async () => /Centro:/.test(await page.getByTestId('draw-status').innerText()), { message: 'centre chosen' });
  await page.getByLabel('Nombre de la zona').fill('Domicilio de la víctima');
  await page.getByLabel('Radio (metros)').fill('250');
  await page.getByRole('button', { name: 'Guardar zona' }).click();
  await page.getByTestId('zone-list').waitFor();
  assert.match(await page.getByTestId('zone-list').innerText(), /Domicilio de la víctima — círculo de 250 m/);
  // The reloaded order and the new zone's answer carry the same warnings: each is listed once.
  const warned = await page.locator('.mon-warnings li').allInnerTexts();
  assert.ok(warned.length > 0);
  assert.deepEqual(warned, [...new Set(warned)], 'a warning is listed twice');

  // A device: its secret is shown once.
  await page.getByLabel('Identificador del dispositivo').fill(`e2e-pulsera-${Date.now() % 100000}`);
  await page.getByLabel('Tipo').selectOption('victim_bracelet');
  await page.getByRole('button', { name: 'Registrar dispositivo' }).click();
  const dialog = page.getByTestId('secret-dialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /se muestra una sola vez/);
  assert.ok((await page.getByTestId('device-secret').innerText()).trim().length >= 16);
  await shot(page, 'monitoring-06-device-secret', { fullPage: false });
  await dialog.getByRole('button', { name: 'Ya la copié' }).click();
  await settle(page);
  await shot(page, 'monitoring-07-order-zones');

  // The court lifts it: ending asks why, then the page says what stopped and offers no more forms.
  await page.getByRole('button', { name: 'Terminar la medida' }).click();
  const endForm = page.getByTestId('end-order-form');
  await endForm.waitFor();
  await endForm.getByRole('button', { name: 'Terminar la medida' }).click();
  await until(async () => (await endForm.getByLabel('Motivo').getAttribute('aria-invalid')) === 'true', { message: 'reason required' });
  await endForm.getByLabel('Motivo').fill('Alzada por el tribunal (prueba e2e)');
  await shot(page, 'monitoring-07b-end-order', { fullPage: false });
  await endForm.getByRole('button', { name: 'Terminar la medida' }).click();
  const ended = page.getByTestId('order-ended');
  await ended.waitFor();
  assert.match(await ended.innerText(), /Medida terminada el \d{2}-\d{2}-\d{4} \d{2}:\d{2}[\s\S]*Alzada por el tribunal/);
  assert.equal(await page.getByTestId('device-form').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Agregar zona' }).count(), 0);
  assert.match(await page.getByTestId('devices-table').innerText(), /Inactivo/);
  await settle(page);
  await shot(page, 'monitoring-07c-order-ended');

  // The demo order with its two zones (circle and polygon).
  await page.goto(url('/monitoreo/ordenes'));
  await page.getByTestId('orders-table').getByRole('link', { name: /RIT F-1234-2026/ }).click();
  await page.getByTestId('zone-list').waitFor();
  await settle(page);
  assert.ok((await page.locator('[data-testid="order-map"] path.leaflet-interactive').count()) >= 2, 'zones drawn');
  await shot(page, 'monitoring-08-demo-order');
  assertNoPageErrors(page, assert);
});

test('console: a lost live connection is said plainly', async () => {
  const page = await newPage(browser, { width: 1280, height: 860 });
  await login(page, 'operador@equidad.demo');
  // The WebSocket is refused from here on: the console must say it is not live.
  await page.context().route(/\/api\/v1\/monitoring\/live$/, (route) => route.abort());
  await page.routeWebSocket(/\/api\/v1\/monitoring\/live$/, (ws) => ws.close({ code: 1011, reason: 'test' }));
  await page.goto(url('/monitoreo'));
  await page.getByTestId('live-banner').waitFor({ timeout: 15000 });
  assert.match(await page.getByTestId('live-banner').innerText(), /Sin conexión en vivo/i);
  await shot(page, 'monitoring-09-offline', { fullPage: false });
});
