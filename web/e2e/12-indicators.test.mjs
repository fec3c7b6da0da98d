// Gender indicators in the browser: an anonymous visitor reads the companies' report (findings,
// chart, attrition) and the SEG catalogue on a desktop and on a 360 px phone; the INE steward
// follows her home item to her indicators and uploads a due period (a value contradicting its
// numerator and denominator is refused by the server first).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function noSideScroll(page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 1, `no horizontal scrolling (${over}px over)`);
}

test('an anonymous visitor reads the companies\' report and the SEG catalogue', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Indicadores de género' }).click();
  await page.waitForURL((u) => u.pathname === '/indicadores');
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Indicadores de género en las empresas');
  const summary = await page.getByTestId('ind-summary').innerText();
  assert.match(summary, /solo mejora: proporción de mujeres en gerencias de primera línea/);
  assert.match(await page.getByText('Datos de demostración').first().innerText(), /demostración/);
  assert.equal(await page.getByTestId('ind-findings').locator('li').count(), 12);
  await page.getByTestId('ind-panel-chart').locator('svg').first().waitFor();
  assert.match(await page.getByTestId('ind-attrition').innerText(), /2020/);
  await shot(page, 'indicators-report-desktop');

  await page.getByRole('link', { name: /catálogo del Sistema de Indicadores de Género/ }).click();
  await page.waitForURL((u) => u.pathname === '/indicadores/catalogo');
  await settle(page);
  const cards = page.getByTestId('ind-catalogue').locator('li');
  assert.ok((await cards.count()) >= 5);
  await shot(page, 'indicators-catalogue-desktop');
  await page.getByRole('link', { name: 'Tasa de participación laboral femenina' }).click();
  await page.waitForURL(/\/indicadores\/catalogo\/\d+$/);
  await settle(page);
  await page.getByTestId('ind-series-chart').locator('svg').first().waitFor();
  assert.match(await page.getByTestId('ind-disaggregated').innerText(), /Tramo de edad: 15 a 29 años/);
  await shot(page, 'indicators-indicator-desktop');
  assertNoPageErrors(page, assert);

  const phone = await newPage(browser, { mobile: true });
  await phone.goto(url('/indicadores'));
  await settle(phone);
  await phone.getByTestId('ind-panel-chart').locator('svg').first().waitFor();
  await noSideScroll(phone);
  await shot(phone, 'indicators-report-phone');
  await phone.goto(url('/indicadores/catalogo'));
  await settle(phone);
  await noSideScroll(phone);
  await shot(phone, 'indicators-catalogue-phone');
  assertNoPageErrors(phone, assert);
});

test('the INE steward uploads a due period of her indicator', async () => {
  const page = await newPage(browser);
  await login(page, 'estadisticas@equidad.demo', { totpExpected: false });
  await settle(page);
  await page.getByRole('link', { name: /Indicadores de género por informar/ }).click();
  await page.waitForURL((u) => u.pathname === '/indicadores/mis-indicadores');
  await settle(page);
  const card = page.getByTestId('mine-SEG-TPL-M');
  await card.getByText('Períodos vencidos').waitFor();
  const form = page.getByTestId('upload-SEG-TPL-M');
  // A value that does not match its numerator and denominator: the server refuses the whole upload.
  await form.getByLabel('Valor (%)').fill('60');
  await form.getByLabel('Numerador (opcional)').fill('1');
  await form.getByLabel('Denominador (opcional)').fill('2');
  await form.getByRole('button', { name: 'Agregar a la carga' }).click();
  await form.getByRole('button', { name: /Enviar 1 valor/ }).click();
  await form.locator('.alert-error').waitFor();
  assert.match(await form.locator('.alert-error').innerText(), /no coincide con numerador/);
  // The right figures.
  await form.getByLabel('Valor (%)').fill('51,2');
  await form.getByLabel('Numerador (opcional)').fill('4096000');
  await form.getByLabel('Denominador (opcional)').fill('8000000');
  await form.getByRole('button', { name: 'Agregar a la carga' }).click();
  await form.getByLabel('Desagregación').selectOption('edad=15-29');
  await form.getByLabel('Valor (%)').fill('40,1');
  await form.getByLabel('Numerador (opcional)').fill('');
  await form.getByLabel('Denominador (opcional)').fill('');
  await form.getByRole('button', { name: 'Agregar a la carga' }).click();
  assert.equal(await form.getByTestId('upload-rows').locator('li').count(), 2);
  await form.getByRole('button', { name: /Enviar 2 valores/ }).click();
  await form.getByText('Se guardaron 2 valores.').waitFor();
  await until(async () => (await card.getByText('Al día').count()) > 0, { message: 'the indicator is up to date' });
  await shot(page, 'indicators-steward-upload');
  assertNoPageErrors(page, assert);
});
