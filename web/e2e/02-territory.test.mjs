// Territory browser: regions list and map, a region's provinces and comunas, comuna search,
// "¿En qué comuna estoy?".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, newPage, settle, shot, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('regions list and map, then a region with its provinces, comunas and comuna map', async () => {
  const page = await newPage(browser);
  await page.goto(url('/territorio'));
  await settle(page);
  const regions = page.locator('.region-list a');
  assert.equal(await regions.count(), 16);
  assert.match(await regions.first().innerText(), /Arica y Parinacota/, 'ordered north to south');
  assert.match(await regions.last().innerText(), /Magallanes/);
  await page.locator('.map path.leaflet-interactive').first().waitFor();
  assert.ok((await page.locator('.map path.leaflet-interactive').count()) >= 16);
  assert.match(await page.locator('.leaflet-control-attribution').innerText(), /Biblioteca del Congreso Nacional de Chile \(BCN\)/);
  assert.equal(await page.locator('.leaflet-tile').count(), 0, 'no tile layer');
  await shot(page, '02-territory');

  // Choose the Metropolitan Region from the map itself.
  await page.locator('.map path[data-id="13"]').click({ force: true });
  await page.waitForURL((u) => u.pathname === '/territorio/13');
  await settle(page);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Metropolitana/);
  await page.getByRole('heading', { name: /Provincia de Santiago/ }).waitFor();
  assert.ok(await page.getByRole('button', { name: /^Providencia/ }).isVisible());
  await page.locator('.map path[data-id="13101"]').waitFor();
  const comunaPaths = await page.locator('.map path.leaflet-interactive').count();
  assert.ok(comunaPaths >= 52, `comuna polygons: ${comunaPaths}`);

  // Select a comuna in the list: it is highlighted and described.
  await page.getByRole('button', { name: /^Ñuñoa/ }).click();
  await page.waitForURL(/comuna=13120/);
  assert.match(await page.locator('.selected-comuna').innerText(), /Ñuñoa/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, '02-territory-region-13');
  assertNoPageErrors(page, assert);
  await page.context().close();
});

test('comuna search ignores accents and leads to the comuna', async () => {
  const page = await newPage(browser);
  await page.goto(url('/territorio'));
  await settle(page);
  await page.getByLabel('Nombre de la comuna').fill('nunoa');
  const result = page.getByTestId('comuna-results').getByRole('link', { name: /Ñuñoa/ });
  await result.waitFor();
  await result.click();
  await page.waitForURL((u) => u.pathname === '/territorio/13' && u.searchParams.get('comuna') === '13120');
  await settle(page);
  assert.equal(await page.getByRole('button', { name: /^Ñuñoa/ }).getAttribute('aria-pressed'), 'true');
  await page.context().close();
});

test('¿En qué comuna estoy? finds the comuna of a position, and says so when there is none', async () => {
  const page = await newPage(browser);
  await page.goto(url('/territorio'));
  await settle(page);
  await page.getByLabel('Latitud').fill('-33,4372');
  await page.getByLabel('Longitud').fill('-70,6506');
  await page.getByRole('button', { name: 'Buscar comuna' }).click();
  const result = page.getByTestId('locate-result');
  await result.getByText('Santiago').first().waitFor();
  assert.match(await result.innerText(), /comuna de Santiago/);

  // Mid-Pacific: no comuna.
  await page.getByLabel('Latitud').fill('-30');
  await page.getByLabel('Longitud').fill('-100');
  await page.getByRole('button', { name: 'Buscar comuna' }).click();
  const alert = page.locator('.tool-card [role="alert"].alert-error');
  await alert.waitFor();
  assert.ok((await alert.innerText()).length > 0);

  // Not a number: the field itself is marked.
  await page.getByLabel('Latitud').fill('abc');
  await page.getByRole('button', { name: 'Buscar comuna' }).click();
  assert.equal(await page.getByLabel('Latitud').getAttribute('aria-invalid'), 'true');
  await page.context().close();
});

test('territory on a 360 px phone', async () => {
  const page = await newPage(browser, { mobile: true });
  await page.goto(url('/territorio/05'));
  await settle(page);
  await page.locator('.map path.leaflet-interactive').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await shot(page, '02-territory-mobile');
  await page.context().close();
});
