// The Registro de Directoras in the browser: a company goes from its home page to the search,
// narrows it with facets and text (no accents typed), opens a profile and reads the contact
// details of a woman who consented (and not of one who did not); the woman sees who viewed her
// profile and is told, field by field, why an edit is refused.
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

test('a company searches the register from its home page and reads a consenting woman\'s contact', async () => {
  const page = await newPage(browser);
  await login(page, 'empresa@equidad.demo');
  await settle(page);
  // The home page's promise leads to the working screen.
  await page.locator('a.home-link[href="/directoras/buscar"]').first().click();
  await page.waitForURL(/\/directoras\/buscar/);
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Registro de Directoras');
  const total = page.getByTestId('directoras-total');
  await until(async () => /\d+ candidatas\./.test(await total.innerText()), { message: 'results counted' });
  assert.match(await page.locator('main').innerText(), /generados para la demostración/);
  await shot(page, 'directoras-01-search');

  await page.getByTestId('facet-industry-mineria').click();
  await until(async () => /con los filtros elegidos/.test(await total.innerText()), { message: 'facet applied' });
  assert.equal(await page.getByTestId('facet-industry-mineria').getAttribute('aria-pressed'), 'true');
  const cards = await page.getByTestId('directoras-results').innerText();
  assert.match(cards, /Minería/);
  await page.getByRole('button', { name: 'Quitar filtros' }).click();

  await page.getByLabel('Nombre, profesión o palabra clave').fill('achondo');
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await page.getByRole('link', { name: 'Soledad Achondo Ibarra' }).click();
  await page.waitForURL(/\/directoras\/perfil\/\d+\?search=\d+/);
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Soledad Achondo Ibarra');
  assert.doesNotMatch(await page.locator('main').innerText(), /directora@equidad\.demo/);
  await page.getByRole('button', { name: 'Ver datos de contacto' }).click();
  await page.getByRole('link', { name: 'directora@equidad.demo' }).waitFor();
  await shot(page, 'directoras-02-profile-contact');
  assertNoPageErrors(page, assert);

  await page.goto(url('/directoras/buscar?q=valdivia'));
  await settle(page);
  await page.getByRole('link', { name: 'Rocío Valdivia Cárcamo' }).click();
  await page.waitForURL(/\/directoras\/perfil\//);
  await page.getByText('Ella no autorizó que las empresas vean sus datos de contacto.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Ver datos de contacto' }).count(), 0);
  assertNoPageErrors(page, assert);
  await logout(page);
});

test('the woman sees who viewed her profile and keeps it eligible', async () => {
  const page = await newPage(browser);
  await login(page, 'directora@equidad.demo');
  await settle(page);
  await page.locator('a.home-link[href="/directoras/mi-perfil"]').first().click();
  await page.waitForURL(/\/directoras\/mi-perfil/);
  await settle(page);
  const views = page.getByTestId('directoras-views');
  await views.waitFor();
  const text = await views.innerText();
  assert.match(text, /Consultora de Directorios Andes/);
  assert.match(text, /Vio sus datos de contacto/);
  assert.equal(await page.getByLabel('Nombre completo').inputValue(), 'Soledad Achondo Ibarra');
  await shot(page, 'directoras-03-my-profile');

  await page.getByLabel('Años de experiencia profesional').fill('2');
  await page.getByRole('button', { name: 'Guardar y confirmar vigencia' }).click();
  await page.getByText(/al menos 5 años de experiencia profesional/).first().waitFor();
  await shot(page, 'directoras-04-ineligible', { fullPage: false });
  await page.getByLabel('Años de experiencia profesional').fill('18');
  await page.getByRole('button', { name: 'Guardar y confirmar vigencia' }).click();
  await page.getByText('Perfil guardado.').waitFor();
  assertNoPageErrors(page, assert);
});
