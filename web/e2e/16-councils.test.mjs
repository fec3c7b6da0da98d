// Councils and intersectoral tables in the browser (issue 16 item 1): anyone reads the list and a
// body (the COSOC: its sessions with quorum, the overdue agreement flagged); the ministry's analyst
// goes from her home page to the councils, opens the Consejo Asesor (10 of 10) and is refused an
// 11th member on the form; on a mesa she records a session, its attendance (the quorum shown),
// an agreement and its follow-up.
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

test('the public list and the COSOC: sessions with quorum, an overdue agreement flagged, no editing', async () => {
  const page = await newPage(browser);
  await page.goto(url('/consejos'));
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Consejos y mesas');
  const table = page.getByTestId('councils-table');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /Consejo Asesor del Ministerio/);
  assert.match(text, /10\s*de 10/);
  assert.match(text, /Mesa Mujer y Minería de Arica y Parinacota/);
  await shot(page, 'councils-01-public-list', { fullPage: false });
  await page.getByRole('link', { name: /Consejo de la Sociedad Civil/ }).click();
  await page.waitForURL(/\/consejos\/\d+/);
  await settle(page);
  await page.getByTestId('session').first().waitFor();
  assert.equal(await page.getByTestId('session').count(), 7);
  assert.match(await page.getByTestId('quorum').first().innerText(), /Con quórum/);
  assert.match(await page.getByTestId('agreements-table').innerText(), /segundo período[\s\S]*Vencido/);
  assert.equal(await page.getByRole('button', { name: 'Registrar sesión' }).count(), 0, 'no editing without a session');
  await shot(page, 'councils-02-cosoc');
  assertNoPageErrors(page, assert);
});

test('the analyst: the Consejo Asesor refuses an 11th member; a mesa gets a session, attendance, an agreement and its follow-up', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await settle(page);
  await page.locator('a.home-link[href="/consejos"]').first().click();
  await page.waitForURL(/\/consejos$/);
  await settle(page);
  await page.getByRole('link', { name: 'Consejo Asesor del Ministerio de la Mujer y la Equidad de Género' }).click();
  await page.waitForURL(/\/consejos\/\d+/);
  await settle(page);
  assert.match(await page.getByTestId('active-members').innerText(), /10 de 10/);
  await page.getByRole('button', { name: 'Agregar integrante' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Nombre/).fill('Persona Undécima');
  await dialog.getByLabel(/^Organización/).fill('Universidad de Chile');
  await dialog.getByLabel(/^Inicio del período/).fill('01-01-2026');
  await dialog.getByRole('button', { name: 'Agregar', exact: true }).click();
  await until(async () => /cupos están completos/.test(await dialog.innerText()), { message: 'seats full shown', timeout: 20000 });
  await shot(page, 'councils-03-eleventh-refused', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancelar' }).click();

  await page.goto(url('/consejos'));
  await settle(page);
  await page.getByRole('link', { name: 'Mesa Nacional Mujer y Minería' }).click();
  await page.waitForURL(/\/consejos\/\d+/);
  await settle(page);
  // Count the sessions once the body has loaded (its manager's buttons come with it).
  await page.getByRole('button', { name: 'Registrar sesión' }).waitFor();
  const before = await page.getByTestId('session').count();
  await page.getByRole('button', { name: 'Registrar sesión' }).click();
  await dialog.getByLabel(/^Fecha/).fill('10-03-2021');
  await dialog.getByLabel(/^Lugar/).fill('Ministerio de Minería, Santiago');
  await dialog.getByLabel(/^Tabla/).fill('Plan de trabajo 2021\nMentorías para estudiantes de minería');
  await dialog.getByRole('button', { name: 'Registrar', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  await until(async () => (await page.getByTestId('session').filter({ hasText: '10-03-2021' }).count()) === 1, { message: 'session listed', timeout: 20000 });
  assert.equal(await page.getByTestId('session').count(), before + 1);
  const session = page.getByTestId('session').filter({ hasText: '10-03-2021' });
  assert.match(await session.innerText(), /Sin quórum/);
  await session.getByRole('button', { name: /Asistencia/ }).click();
  const selects = dialog.locator('select');
  // The dialog lists the members in office once it has loaded them: count the selects after that.
  await selects.first().waitFor({ timeout: 20000 });
  for (let i = 0; i < (await selects.count()); ++i) await selects.nth(i).selectOption(i === 0 ? 'excusado' : 'presente');
  await dialog.getByRole('button', { name: 'Guardar asistencia' }).click();
  await dialog.waitFor({ state: 'detached' });
  await until(async () => /Con quórum/.test(await page.getByTestId('session').filter({ hasText: '10-03-2021' }).innerText()), { message: 'quorum met', timeout: 20000 });
  await page.getByTestId('session').filter({ hasText: '10-03-2021' }).getByRole('button', { name: /Nuevo acuerdo/ }).click();
  await dialog.getByLabel(/^Acuerdo/).fill('Lanzar el programa de mentorías 2021');
  await dialog.getByLabel(/^Responsable/).fill('Ministerio de Minería');
  await dialog.getByLabel(/^Plazo/).fill('30-06-2021');
  await dialog.getByRole('button', { name: 'Registrar acuerdo' }).click();
  await dialog.waitFor({ state: 'detached' });
  const agreements = page.getByTestId('agreements-table');
  await until(async () => /mentorías 2021[\s\S]*Vencido/.test(await agreements.innerText()), { message: 'overdue agreement', timeout: 20000 });
  await agreements.getByRole('button', { name: /Registrar avance del acuerdo Lanzar/ }).click();
  await dialog.getByLabel('Estado').selectOption('cumplido');
  await dialog.getByLabel(/^Avance/).fill('Programa lanzado con 20 estudiantes');
  await dialog.getByRole('button', { name: 'Registrar avance' }).click();
  await dialog.waitFor({ state: 'detached' });
  await until(async () => /Programa lanzado con 20 estudiantes/.test(await agreements.innerText()), { message: 'follow-up shown', timeout: 20000 });
  assert.doesNotMatch(await agreements.locator('tr', { hasText: 'mentorías 2021' }).innerText(), /Vencido/);
  assert.match(await agreements.innerText(), /Javiera Morales Díaz/);
  await shot(page, 'councils-04-mesa-after');
  assertNoPageErrors(page, assert);
  await logout(page);
});
