// The 1455 operator console in the browser (issue 13): the demo operator goes from her home page
// to the console, makes herself available, is offered the urgent demo call (or opens a contact by
// hand when an earlier run already answered it), takes it, records reason, violence type, the short
// risk screen and the orientation given, closes it with an outcome, and sees that it can no longer
// be edited. Then the supervisor's live view and the daily statistics.
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

test('operator takes a contact, fills the record and closes it', async () => {
  const page = await newPage(browser, { width: 1440, height: 1000 });
  await login(page, 'operador@equidad.demo');
  // Her home page leads to the console.
  await page.locator('a.home-link[href="/canales"]').first().click();
  await page.waitForURL((u) => u.pathname === '/canales');
  await page.getByRole('heading', { level: 1, name: 'Consola de atención 1455' }).waitFor();
  await settle(page);
  await shot(page, '12-channels-console');

  await page.getByRole('group', { name: 'Mi presencia' }).getByRole('button', { name: 'Disponible' }).click();
  await page.getByTestId('presence').filter({ hasText: 'Disponible' }).waitFor();
  const offered = page.getByTestId('mine').getByRole('button', { name: 'Tomar' }).first();
  const got = await offered.waitFor({ timeout: 8000 }).then(() => true).catch(() => false);
  if (got) {
    await shot(page, '12-channels-offered');
    await offered.click();
  } else {
    await page.getByText('Abrir un contacto a mano').click();
    await page.getByRole('button', { name: 'Abrir contacto' }).click();
  }
  const panel = page.getByTestId('contact-panel');
  await panel.waitFor();
  // exact: the hand-back form below has its own «Motivo *».
  await panel.getByLabel('Motivo', { exact: true }).selectOption({ label: 'Violencia de pareja o expareja' });
  await panel.getByLabel('Tipo de violencia').selectOption({ label: 'Psicológica' });
  await panel.getByText('¿La violencia ha aumentado en frecuencia o gravedad?').click();
  await panel.getByText('¿Tiene lesiones o necesita atención médica?').click();
  await panel.getByLabel('Orientación entregada').fill('Plan de seguridad y datos del Centro de la Mujer de su comuna.');
  await panel.getByRole('button', { name: 'Guardar registro' }).click();
  await panel.getByRole('status').filter({ hasText: 'Registro guardado.' }).waitFor();
  assert.match(await panel.innerText(), /Nivel según la pauta:\s*Alto/);
  await shot(page, '12-channels-record');

  await panel.getByLabel('Resultado').selectOption({ label: 'Orientación entregada' });
  await panel.getByRole('button', { name: 'Cerrar contacto' }).click();
  await panel.getByTestId('contact-closed').waitFor();
  const text = await panel.innerText();
  assert.match(text, /Contacto cerrado/);
  assert.match(text, /Orientación entregada/);
  assert.match(text, /ya no se puede modificar/);
  assert.equal(await panel.getByRole('button', { name: 'Guardar registro' }).count(), 0, 'a closed contact offers no edit');
  await shot(page, '12-channels-closed');
  await page.getByRole('group', { name: 'Mi presencia' }).getByRole('button', { name: 'En pausa' }).click();
  assertNoPageErrors(page, assert);
  await page.context().close();
});

test('supervisor sees the live queue and operators, and the daily statistics', async () => {
  const page = await newPage(browser, { width: 1440, height: 1000 });
  await login(page, 'supervision@equidad.demo');
  await page.goto(url('/canales/supervision'));
  await page.getByRole('heading', { level: 1, name: 'Supervisión de la línea' }).waitFor();
  await page.getByText('En vivo', { exact: true }).waitFor({ timeout: 15000 });
  await page.getByTestId('operators').waitFor();
  assert.match(await page.getByTestId('operators').innerText(), /Camila Herrera Silva/);
  await shot(page, '12-channels-supervisor');
  await page.getByRole('link', { name: 'Estadística diaria' }).click();
  await page.getByRole('heading', { level: 1, name: 'Estadística diaria de atención' }).waitFor();
  await page.getByTestId('kpis').waitFor();
  assert.match(await page.getByTestId('kpis').innerText(), /contactos/);
  await shot(page, '12-channels-statistics');
  assertNoPageErrors(page, assert);
  await page.context().close();
});
