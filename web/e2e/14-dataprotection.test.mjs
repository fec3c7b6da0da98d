// Ley 21.719 in the browser: the data-protection officer goes from her home page to the register
// of data-subject requests, registers a deletion request (a bad RUT is refused on its field),
// sees its computed deadline, compiles the person's report, refuses the deletion with its legal
// causal (a refusal without one is refused on its field), and reads the record of processing
// activities generated from the modules' contracts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, logout, newPage, settle, shot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the DPO registers a request, sees its deadline, and refuses a deletion with its causal', async () => {
  const page = await newPage(browser);
  await login(page, 'dpo@equidad.demo', { totpExpected: true });
  await shot(page, 'dataprotection-00-home');
  await page.locator('a.home-link[href="/datos-personales/solicitudes"]').first().click();
  await page.waitForURL(/\/datos-personales\/solicitudes$/);
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Solicitudes de derechos sobre datos personales');

  const today = await page.evaluate(() =>
    new Intl.DateTimeFormat('es-CL', { timeZone: 'America/Santiago', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date()));
  await page.getByLabel('Derecho que se ejerce').selectOption('supresion');
  await page.getByLabel('RUT de quien pide').fill('11.111.111-2');
  await page.getByLabel('Nombre de quien pide').fill('Ana Pérez Soto');
  await page.getByLabel('Qué pide').fill('Pide borrar el registro de su denuncia por violencia.');
  await page.getByLabel('Recibida el').fill(today);
  await page.getByRole('button', { name: 'Registrar solicitud' }).click();
  await page.locator('.field-error').first().waitFor();
  assert.match(await page.locator('.field.has-error').first().innerText(), /RUT/);
  await shot(page, 'dataprotection-01-bad-rut');
  await page.getByLabel('RUT de quien pide').fill('11.111.111-1');
  await page.getByRole('button', { name: 'Registrar solicitud' }).click();
  await page.waitForURL(/\/datos-personales\/solicitudes\/\d+$/);
  await settle(page);
  const main = page.locator('main');
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Solicitud \d+: Supresión/);
  assert.match(await main.innerText(), /quedan 30 días/);

  await page.getByRole('button', { name: 'Reunir los datos de la persona' }).click();
  await page.getByTestId('dp-report').waitFor();
  await shot(page, 'dataprotection-02-request-report');

  await page.locator('select[name="action"]').selectOption('analizar');
  await page.getByRole('button', { name: 'Registrar el paso' }).click();
  await page.getByText('En análisis').first().waitFor();
  await page.locator('select[name="action"]').selectOption('denegar');
  await page.getByLabel('Fundamento que se comunica').fill('El registro es necesario para su protección mientras la medida esté vigente.');
  await page.getByRole('button', { name: 'Registrar el paso' }).click();
  await page.locator('.field.has-error').first().waitFor();
  assert.match(await page.locator('.field.has-error').first().innerText(), /causal/i);
  await page.getByLabel('Causal legal').selectOption('proteccion_victima');
  await page.getByRole('button', { name: 'Registrar el paso' }).click();
  await page.getByText('Denegada con causal').first().waitFor();
  assert.match(await main.innerText(), /proteger a una víctima de violencia/);
  assert.equal(await page.getByRole('button', { name: 'Reunir los datos de la persona' }).count(), 0);
  await shot(page, 'dataprotection-03-refused');
  assertNoPageErrors(page, assert);

  await page.getByRole('link', { name: 'Volver a las solicitudes' }).click();
  await page.getByRole('link', { name: 'Registro de tratamiento' }).click();
  await page.waitForURL(/\/datos-personales\/registro$/);
  await page.getByTestId('dp-ropa').waitFor();
  const ropa = await page.getByTestId('dp-ropa').innerText();
  assert.match(ropa, /cases_identities\.data_enc/);
  assert.match(ropa, /dataprotection_requests\.rut_enc/);
  await shot(page, 'dataprotection-04-ropa');
  assertNoPageErrors(page, assert);
  await logout(page);
});

test('the DPO registers a breach and its notification to the Agency', async () => {
  const page = await newPage(browser);
  await login(page, 'dpo@equidad.demo', { totpExpected: true });
  await page.locator('a.home-link[href="/datos-personales/solicitudes"]').first().click();
  await page.getByRole('link', { name: 'Brechas de seguridad' }).click();
  await page.waitForURL(/\/datos-personales\/brechas$/);
  await settle(page);
  await page.getByRole('button', { name: 'Registrar brecha' }).click();
  await page.locator('.field.has-error').first().waitFor();
  // Two hours ago on the browser's wall clock (its zone, not the test runner's).
  const local = await page.evaluate(() => new Date(Date.now() - 2 * 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16));
  await page.getByLabel('Detectada el (día y hora)').fill(local);
  await page.getByLabel('Naturaleza de la brecha').fill('Robo de un computador con planillas de atención.');
  await page.getByLabel('Categorías de datos afectados').fill('Identificación y salud');
  await page.getByLabel('Categorías de titulares').fill('Mujeres atendidas en un centro');
  await page.getByLabel('Titulares afectados (estimado)').fill('40');
  await page.getByLabel('Consecuencias probables').fill('Que el agresor conozca la dirección de la víctima.');
  await page.getByLabel('Medidas adoptadas o propuestas').fill('Cambio de claves y aviso a Carabineros.');
  await page.getByRole('button', { name: 'Registrar brecha' }).click();
  const card = page.locator('article[data-testid^="breach-"]').first();
  await card.waitFor();
  await card.getByLabel('Notificación a la Agencia: cómo se hizo').fill('Formulario de la Agencia, folio 123.');
  await card.getByRole('button', { name: 'Registrar notificación a la Agencia' }).click();
  await card.getByText(/Notificada el .*folio 123/).waitFor();
  await shot(page, 'dataprotection-05-breach');
  assertNoPageErrors(page, assert);
  await logout(page);
});
