// Estadística de los canales de ayuda in the browser (issue 14, item 3): the ministry's analyst
// opens it from the menu, sees the demo labelled as demo data, the monthly chart, the Cuenta
// Pública's figures beside the computed ones (all agreeing), the region table with small cells
// hidden, and downloads the CSV; an operator without the permission gets no menu entry.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, logout, newPage, settle, shot, until, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the analyst reads the channel statistics that reproduce the Cuenta Pública', async () => {
  const page = await newPage(browser, { width: 1366, height: 960 });
  await login(page, 'analista@equidad.demo');
  // Her home page leads there, and so does the menu.
  await page.locator('a.home-link[href="/canales/historial"]').first().waitFor();
  await page.getByRole('link', { name: 'Estadística de canales' }).first().click();
  await page.waitForURL((u) => u.pathname === '/canales/historial');
  await page.getByRole('heading', { level: 1, name: 'Estadística de los canales de ayuda' }).waitFor();
  // The demo history may still be being written: the page says so and asks again by itself.
  await page.getByTestId('seed-table').waitFor({ timeout: 60000 });
  await settle(page);
  const main = page.locator('main');
  const text = await main.innerText();
  assert.match(text, /Datos de demostración/);
  assert.match(text, /126\.645/);
  assert.match(text, /149,1\s%/);
  assert.match(text, /6\.652/);
  assert.match(text, /18\.923/);
  assert.match(text, /may 2020 \(4\.656\)/);
  const seedRows = page.getByTestId('seed-table').locator('tbody tr');
  assert.equal(await seedRows.count(), 9);
  for (const row of await seedRows.all()) assert.match(await row.innerText(), /✓ Sí/);
  assert.ok((await page.getByTestId('month-chart').locator('rect').count()) > 36, 'stacked monthly bars');
  await shot(page, 'channels-history-01');
  await page.getByTestId('month-chart').scrollIntoViewIfNeeded();
  await shot(page, 'channels-history-01-chart', { fullPage: false });

  const download = page.waitForEvent('download');
  await page.getByTestId('csv-regiones').click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^estadistica-canales-regiones-2020\.csv$/);

  // Another year range: the breakdown year follows.
  await page.getByLabel('Desde').selectOption('2020');
  await page.getByLabel('Hasta').selectOption('2021');
  await page.getByLabel('Año del detalle').selectOption('2021');
  await page.getByRole('button', { name: 'Ver' }).click();
  await page.getByRole('heading', { name: 'Contactos en 2021' }).waitFor();
  await until(async () => /compara enero a abril de 2021/.test(await main.innerText()), { message: 'the partial year said' });
  await shot(page, 'channels-history-02-2021');
  assertNoPageErrors(page, assert);
  await logout(page);
});

test('an operator has no menu entry and the page refuses her', async () => {
  const page = await newPage(browser);
  await login(page, 'operador@equidad.demo');
  assert.equal(await page.getByRole('link', { name: 'Estadística de canales' }).count(), 0);
  await page.goto(url('/canales/historial'));
  await settle(page);
  const text = await page.locator('main').innerText();
  assert.match(text, /Acceso no autorizado/);
  assert.doesNotMatch(text, /126\.645/);
  await shot(page, 'channels-history-03-operator');
});
