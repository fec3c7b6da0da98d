// The SEG catalogue editor in the browser: the INE steward opens the editor from the menu, is told
// on the field that a code is already taken, creates and publishes an indicator, uploads two years
// of its series from "Mis indicadores" and finds it, with its chart, on the public catalogue; then
// changes its definition and the public page says when it changed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, newPage, settle, shot, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const CODE = `SEG-E2E-${Date.now() % 100000}`;
const NAME = 'Proporción de mujeres entre las personas tituladas de educación superior';

test('a steward creates an indicator, uploads a value and sees it on the public catalogue', async () => {
  const page = await newPage(browser);
  await login(page, 'estadisticas@equidad.demo', { totpExpected: false });
  await settle(page);
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Editor de indicadores' }).click();
  await page.waitForURL((u) => u.pathname === '/indicadores/editor');
  await settle(page);
  assert.match(await page.getByTestId('editor-list').innerText(), /Tasa de participación laboral femenina/);
  await shot(page, 'indicators-editor-list');

  await page.getByRole('link', { name: 'Nuevo indicador' }).click();
  await page.waitForURL((u) => u.pathname === '/indicadores/editor/nuevo');
  await settle(page);
  const form = page.getByTestId('editor-form');
  // A code the catalogue already has: the server says so on the field.
  await form.getByLabel('Código').fill('SEG-TPL-M');
  await form.getByLabel('Nombre').fill(NAME);
  await form.getByLabel('Definición').fill('Mujeres tituladas sobre el total de personas tituladas de educación superior en el año.');
  await form.getByLabel('Numerador').fill('Mujeres tituladas');
  await form.getByLabel('Denominador').fill('Personas tituladas');
  await form.getByLabel('Fuente').fill('SIES, Ministerio de Educación');
  await form.getByLabel('Primer año de la serie').fill('2023');
  await form.getByLabel('Región').check();
  await form.getByLabel('Estado').selectOption('publicado');
  await form.getByRole('button', { name: 'Crear indicador' }).click();
  await form.locator('.alert-error').waitFor();
  assert.match(await form.locator('.alert-error').innerText(), /Ya existe un indicador con el código «SEG-TPL-M»/);
  await shot(page, 'indicators-editor-duplicate-code');
  await form.getByLabel('Código').fill(CODE);
  await form.getByRole('button', { name: 'Crear indicador' }).click();
  await page.waitForURL(/\/indicadores\/editor\/\d+\?creado=1$/);
  await settle(page);
  await page.getByText('Indicador creado (publicado).').waitFor();
  await shot(page, 'indicators-editor-created');

  // Two years of its series, from the steward's page.
  await page.goto(url('/indicadores/mis-indicadores'));
  await settle(page);
  const up = page.getByTestId(`upload-${CODE}`);
  await up.getByLabel('Período').selectOption('2024');
  await up.getByLabel('Valor (%)').fill('58,3');
  await up.getByRole('button', { name: 'Agregar a la carga' }).click();
  await up.getByLabel('Período').selectOption('2025');
  await up.getByLabel('Valor (%)').fill('59,1');
  await up.getByRole('button', { name: 'Agregar a la carga' }).click();
  await up.getByRole('button', { name: /Enviar 2 valores/ }).click();
  await up.getByText('Se guardaron 2 valores.').waitFor();

  // On the public catalogue, with its chart.
  const visitor = await newPage(browser);
  await visitor.goto(url('/indicadores/catalogo'));
  await settle(visitor);
  const card = visitor.getByTestId('ind-catalogue').locator('li', { hasText: CODE });
  await card.waitFor();
  assert.match(await card.innerText(), /59,1\s%/);
  await card.getByTestId(`ind-card-chart-${CODE}`).locator('svg').first().waitFor();
  await card.scrollIntoViewIfNeeded();
  await shot(visitor, 'indicators-catalogue-with-new');

  // The steward changes the published definition: the public page says when, and keeps the earlier one.
  await page.goto(url('/indicadores/editor'));
  await settle(page);
  await page.getByTestId('editor-list').getByRole('row').filter({ hasText: CODE }).getByRole('link', { name: NAME }).click();
  await page.waitForURL(/\/indicadores\/editor\/\d+$/);
  await settle(page);
  const edit = page.getByTestId('editor-form');
  await edit.getByLabel('Definición').fill('Mujeres tituladas de pregrado y posgrado sobre el total de personas tituladas en el año.');
  await edit.getByRole('button', { name: 'Guardar cambios' }).click();
  await edit.getByText(/Guardado: versión 2, publicado/).waitFor();
  await shot(page, 'indicators-editor-saved');
  await edit.getByRole('link', { name: 'Ver en el catálogo público' }).click();
  await page.waitForURL(/\/indicadores\/catalogo\/\d+$/);
  await settle(page);
  assert.match(await page.getByTestId('ind-modified').innerText(), /Definición modificada el \d{2}-\d{2}-\d{4}/);
  await page.getByText('Definiciones anteriores').click();
  assert.match(await page.getByTestId('ind-modified').innerText(), /Mujeres tituladas sobre el total de personas tituladas de educación superior en el año/);
  await shot(page, 'indicators-indicator-modified');
  assertNoPageErrors(page, assert);
  assertNoPageErrors(visitor, assert);
});
