// Certified organisations and agreements in the browser (issue 18 items 2–3): anyone reads the
// public list, filters it and opens a record's status history; the ministry's analyst goes from her
// home page to the list, records an organisation (a bad RUT is marked on its field), changes its
// status and sees the change with her name; then opens the agreements, the expired Walmart
// agreement and the demo one with its alerts, and is refused an end before the start.
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

test('the public list of certified organisations, filtered, with a record\'s history', async () => {
  const page = await newPage(browser);
  await page.goto(url('/registros/certificaciones'));
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Organizaciones certificadas');
  const seed = page.getByTestId('seed-panel');
  await seed.waitFor();
  const seedText = await seed.innerText();
  assert.match(seedText, /62\s*IPG Chile: empresas adheridas\s*Cuenta pública: 62/);
  // The next test certifies one more organisation: on a reused server the count moves, the seed's does not.
  assert.match(seedText, /NCh3262: organizaciones certificadas\s*Cuenta pública: 36/);
  await shot(page, 'registries-01-public-list', { fullPage: false });
  await page.getByLabel('Programa').selectOption('ipg');
  await page.getByLabel('Estado').selectOption('en_proceso_firma');
  await until(async () => /^15 registros/.test(await page.locator('p.summary').innerText()), { message: 'filtered to 15' });
  await page.getByRole('button', { name: /Historial/ }).first().click();
  const history = page.getByTestId('status-history');
  await history.waitFor();
  assert.match(await history.innerText(), /En proceso de firma/);
  assert.doesNotMatch(await history.innerText(), /Carga de demostración ·|Javiera/, 'who changed is not public');
  await shot(page, 'registries-02-public-history', { fullPage: false });
  assertNoPageErrors(page, assert);
});

test('the ministry records an organisation and a status change, kept in the history with who', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await settle(page);
  await page.locator('a.home-link[href="/registros/certificaciones"]').first().click();
  await page.waitForURL(/\/registros\/certificaciones/);
  await settle(page);
  await page.getByRole('button', { name: 'Registrar organización' }).click();
  const name = `Constructora Equidad ${Date.now().toString(36)} S.A.`;
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Organización/).fill(name);
  await dialog.getByLabel(/^RUT/).fill('76.123.456-1');
  await page.getByRole('dialog').getByLabel('Estado').selectOption('en_proceso');
  await page.getByLabel('Organismo certificador').fill('Certificadora acreditada por el INN');
  await page.getByRole('button', { name: 'Registrar', exact: true }).click();
  await page.getByText(/RUT|dígito verificador/i).first().waitFor();
  await until(async () => (await page.locator('.field.has-error').count()) > 0, { message: 'RUT field marked' });
  await shot(page, 'registries-03-bad-rut', { fullPage: false });
  // A valid RUT (76.543.210-3: module 11).
  await dialog.getByLabel(/^RUT/).fill('76.543.210-3');
  await page.getByRole('button', { name: 'Registrar', exact: true }).click();
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.getByLabel('Buscar').fill(name);
  await until(async () => /^1 registro/.test(await page.locator('p.summary').innerText()), { message: 'new record listed' });
  await page.getByRole('button', { name: /Historial/ }).first().click();
  await page.getByRole('dialog').getByLabel('Nuevo estado').selectOption('certificada');
  await page.getByRole('dialog').getByLabel('Nota').fill('Auditoría aprobada');
  await page.getByRole('button', { name: 'Registrar cambio' }).click();
  const history = page.getByTestId('status-history');
  await until(async () => /Certificada/.test(await history.innerText()), { message: 'change in history' });
  assert.match(await history.innerText(), /Javiera Morales Díaz/);
  await shot(page, 'registries-04-history-with-who', { fullPage: false });
  await page.getByRole('dialog').getByRole('button', { name: 'Cerrar' }).first().click();
  assertNoPageErrors(page, assert);
  await logout(page);
});

test('agreements: list, an expired seed agreement, the demo one with its alerts, an end before the start refused', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await settle(page);
  await page.locator('a.home-link[href="/registros/convenios"]').first().click();
  await page.waitForURL(/\/registros\/convenios$/);
  await settle(page);
  const table = page.getByTestId('agreements-table');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /Espacios Solidarios Permanentes/);
  assert.match(text, /Vencido el 31-12-2021/);
  assert.match(text, /Subsidio Habitacional/);
  await shot(page, 'registries-05-agreements');
  await page.getByRole('link', { name: /Convenio de demostración/ }).click();
  await page.waitForURL(/\/registros\/convenios\/\d+/);
  // The job runs when the server starts and then every sweep: reload until its alerts are there.
  const alerts = page.getByTestId('agreement-alerts');
  await until(async () => {
    if (await alerts.count()) return /Obligación con plazo vencido/.test(await alerts.innerText());
    await page.reload();
    await settle(page);
    return false;
  }, { timeout: 45000, message: 'alerts raised by the job' });
  assert.match(await alerts.innerText(), /Vence en 60 días o menos/);
  await shot(page, 'registries-06-agreement-alerts');

  await page.goto(url('/registros/convenios'));
  await settle(page);
  await page.getByRole('button', { name: 'Nuevo convenio' }).click();
  await page.getByLabel('Nombre del convenio').fill('Convenio de prueba del navegador');
  await page.getByLabel('Partes').fill('Ministerio de la Mujer y la Equidad de Género\nMunicipalidad de Prueba');
  await page.getByLabel('Inicio de la vigencia').fill('01-04-2024');
  await page.getByLabel('Término de la vigencia').fill('31-03-2024');
  await page.getByRole('button', { name: 'Registrar convenio' }).click();
  await page.getByText(/es anterior a su inicio/).first().waitFor();
  await shot(page, 'registries-07-end-before-start', { fullPage: false });
  await page.getByRole('dialog').getByRole('button', { name: 'Cancelar' }).click();
  assertNoPageErrors(page, assert);
  await logout(page);
});
