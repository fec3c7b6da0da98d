// «Mascarilla 19» in the browser (issue 14): the demo pharmacy goes from its home page to the form,
// is told what is wrong with a bad phone, sends a report and sees its status; a report of a woman
// in danger now shows the 133 protocol at once; SernamEG's supervisor sees the follow-up list and
// the enrolment and 2020 activations by region computed from the demo records.
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

test('the pharmacy reports an activation from its home page', async () => {
  const page = await newPage(browser, { width: 1366, height: 960 });
  await login(page, 'farmacia@equidad.demo');
  await page.locator('a.home-link[href="/farmacia"]').first().click();
  await page.waitForURL((u) => u.pathname === '/farmacia');
  await page.getByRole('heading', { level: 1, name: 'Reportar una activación de «Mascarilla 19»' }).waitFor();
  await settle(page);
  assert.match(await page.locator('main').innerText(), /Farmacia Comunitaria Providencia · Providencia/);
  await shot(page, 'pharmacy-01-form');

  // Nothing chosen and a phone with too few digits: each field says what is wrong.
  await page.getByLabel('Teléfono seguro (opcional)').fill('9 1234 567');
  await page.getByRole('button', { name: 'Enviar a SernamEG' }).click();
  const main = page.locator('main');
  await page.getByText('Revise los campos marcados.').waitFor();
  const errs = await main.innerText();
  assert.match(errs, /Indique si está en peligro ahora/);
  assert.match(errs, /El teléfono debe tener 9 dígitos/);
  assert.match(errs, /Escriba su nombre de pila o un alias/);
  await shot(page, 'pharmacy-02-errors');

  const rowsBefore = await page.getByTestId('own-reports').locator('tbody tr').count();
  await page.getByLabel('No', { exact: true }).check();
  await page.getByLabel('Su nombre de pila o un alias').fill('Rosa');
  await page.getByLabel('Teléfono seguro (opcional)').fill('+56 9 8765 4321');
  await page.getByLabel('Cómo y cuándo contactarla sin riesgo').fill('Llamar después de las 18:00; decir que es de la farmacia.');
  await page.getByLabel('Qué pidió (opcional)').fill('Que la llamaran para orientarla.');
  await page.getByRole('button', { name: 'Enviar a SernamEG' }).click();
  await page.getByText('Reporte recibido').waitFor();
  const table = page.getByTestId('own-reports');
  await until(async () => (await table.locator('tbody tr').count()) === rowsBefore + 1, { message: 'the new report listed' });
  assert.match(await table.locator('tbody tr').first().innerText(), /En espera de contacto de SernamEG/);
  // Status only: her name never comes back to the pharmacy's screen.
  assert.doesNotMatch(await table.innerText(), /Rosa/);
  await shot(page, 'pharmacy-03-sent');

  await page.getByLabel('Sí, está en peligro ahora').check();
  await page.getByLabel('Su nombre de pila o un alias').fill('Ana');
  await page.getByLabel('Cómo y cuándo contactarla sin riesgo').fill('Está aquí en la farmacia; su pareja espera afuera.');
  await page.getByRole('button', { name: 'Enviar a SernamEG' }).click();
  const emergency = page.getByTestId('emergency');
  await emergency.waitFor();
  assert.match(await emergency.innerText(), /llame al 133/);
  await until(async () => /En peligro[\s\S]*En espera/.test(await table.locator('tbody tr').first().innerText()), { message: 'the urgent report listed first' });
  await shot(page, 'pharmacy-04-in-danger', { fullPage: false });
  assertNoPageErrors(page, assert);
  await logout(page);
});

test('the form on a phone', async () => {
  const page = await newPage(browser, { mobile: true });
  await login(page, 'farmacia@equidad.demo');
  await page.goto(url('/farmacia'));
  await page.getByTestId('report-form').waitFor();
  await settle(page);
  await shot(page, 'pharmacy-05-phone');
  assertNoPageErrors(page, assert);
});

test('SernamEG follows up and sees enrolment and activations by region', async () => {
  const page = await newPage(browser, { width: 1440, height: 1000 });
  await login(page, 'supervision@equidad.demo');
  await page.goto(url('/farmacia/seguimiento'));
  await page.getByRole('heading', { level: 1, name: 'Mascarilla 19: seguimiento' }).waitFor();
  await page.getByTestId('territories').waitFor();
  await settle(page);
  assert.match(await page.getByTestId('activations').innerText(), /73 activaciones en 2020, 73 contactadas por SernamEG/);
  const regions = await page.getByTestId('territories').innerText();
  assert.match(regions, /Antofagasta\s+63/);
  assert.match(regions, /Tarapacá\s+22/);
  assert.match(regions, /Aysén[^\n]*\s+9\s/);
  const tarapaca = page.getByTestId('comunas-01');
  await tarapaca.locator('summary').click();
  const comunas = await tarapaca.innerText();
  assert.match(comunas, /Iquique\s+14/);
  assert.match(comunas, /Alto Hospicio\s+6/);
  await shot(page, 'pharmacy-06-followup');
  assertNoPageErrors(page, assert);
});

test('SernamEG manages enrolment: the map, the filtered list, a training, a suspension the pharmacy is told about', async () => {
  const page = await newPage(browser, { width: 1440, height: 1000 });
  await login(page, 'supervision@equidad.demo');
  await page.goto(url('/farmacia/inscripcion'));
  await page.getByRole('heading', { level: 1, name: 'Mascarilla 19: farmacias inscritas' }).waitFor();
  const map = page.getByTestId('enrolment-map');
  await map.locator('path[data-id="02"]').waitFor();
  await settle(page);
  assert.equal(await map.locator('path[data-id="02"]').getAttribute('data-enrolled'), '63');
  assert.equal(await map.locator('path[data-id="11"]').getAttribute('data-enrolled'), '9');
  await shot(page, 'pharmacy-07-enrolment-map', { fullPage: false });

  // A region clicked on the map: its comunas as circles, and the list filtered to it.
  await map.locator('path[data-id="01"]').click({ force: true });
  await page.locator('[data-testid="enrolment-map"][data-level="comuna"] path[data-circle="01101"]').waitFor();
  await until(async () => /^22 farmacias/.test(await page.getByTestId('enrolment-count').innerText()), { message: 'the list filtered to Tarapacá' });
  await settle(page);
  await shot(page, 'pharmacy-08-region-comunas');
  await page.getByTestId('map-back').click();

  // The demo pharmacy: a training, then a suspension with its reason.
  await page.getByLabel('Región', { exact: true }).selectOption('13');
  const row = page.getByTestId('enrolments').locator('tbody tr', { hasText: 'Farmacia Comunitaria Providencia' });
  await row.getByRole('button', { name: /Ver y editar/ }).click();
  const record = page.getByTestId('pharmacy-record');
  await record.waitFor();
  const trainings = await record.getByTestId('trainings').locator('tbody tr').count();
  await record.getByTestId('training-form').getByLabel('Fecha').fill('15-03-2021');
  await record.getByLabel('Personas capacitadas').fill('3');
  await record.getByLabel('Nota').fill('Refuerzo SEREMI RM');
  await record.getByRole('button', { name: 'Registrar capacitación' }).click();
  await until(async () => (await record.getByTestId('trainings').locator('tbody tr').count()) === trainings + 1, { message: 'the training listed' });
  await record.getByRole('button', { name: 'Suspender' }).click();
  await record.getByText('Indique por qué se suspende.').waitFor();
  await record.getByLabel('Motivo').fill('Local en remodelación, sin personal capacitado');
  await record.getByRole('button', { name: 'Suspender' }).click();
  await record.getByText(/Suspendida desde el/).waitFor();
  await settle(page);
  await shot(page, 'pharmacy-09-suspended', { fullPage: false });
  assertNoPageErrors(page, assert);
  await page.keyboard.press('Escape');
  await record.waitFor({ state: 'hidden' });
  await logout(page);

  // The suspended pharmacy is told so, with the reason and what to do for her; no form to fill in vain
  // (the API refuses a report too: tests/integration/pharmacy_enrolment.test.mjs).
  const ph = await newPage(browser, { width: 1366, height: 960 });
  await login(ph, 'farmacia@equidad.demo');
  await ph.goto(url('/farmacia'));
  const notice = ph.getByTestId('suspended');
  await notice.waitFor();
  assert.match(await notice.innerText(), /Local en remodelación, sin personal capacitado[\s\S]*133[\s\S]*1455/);
  assert.equal(await ph.getByTestId('report-form').count(), 0);
  await settle(ph);
  await shot(ph, 'pharmacy-10-refused', { fullPage: false });
  assertNoPageErrors(ph, assert);
  await logout(ph);

  // Reactivated (so the demo stays usable).
  await login(page, 'supervision@equidad.demo');
  await page.goto(url('/farmacia/inscripcion'));
  await page.getByLabel('Estado', { exact: true }).selectOption('suspended');
  await page.getByTestId('enrolments').locator('tbody tr', { hasText: 'Farmacia Comunitaria Providencia' }).getByRole('button', { name: /Ver y editar/ }).click();
  await page.getByTestId('pharmacy-record').getByLabel('Motivo').fill('Remodelación terminada; personal capacitado');
  await page.getByRole('button', { name: 'Reactivar' }).click();
  await page.getByTestId('pharmacy-record').getByRole('heading', { name: 'Suspender la farmacia' }).waitFor();
  assertNoPageErrors(page, assert);
});
