// Editing the registries from the screen (issue 18, items 2–3): the ministry's analyst opens the demo
// agreement, adds an obligation (a bad deadline is marked on its field), edits its owner, completes
// it; attaches a document link (a javascript: link is refused on its field) and removes it. Then she
// registers an NCh3262 certification that expires in 20 days, sees the expiry alert the job raises
// on the certified organisations' page and records the renewal, which clears it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, logout, newPage, settle, shot, until } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const dayFromNow = (days) => {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${d.getUTCFullYear()}`;
};

test('an agreement\'s obligations and documents edited from its page', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await settle(page);
  await page.locator('a.home-link[href="/registros/convenios"]').first().click();
  await page.waitForURL(/\/registros\/convenios$/);
  await settle(page);
  await page.getByRole('link', { name: /Convenio de demostración/ }).click();
  await page.waitForURL(/\/registros\/convenios\/\d+/);
  await settle(page);
  const table = page.getByTestId('obligations-table');
  await table.waitFor();

  const description = `Informe de avance ${Date.now().toString(36)}`;
  await page.getByRole('button', { name: 'Agregar obligación' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Obligación').fill(description);
  await dialog.getByLabel('Responsable').fill('Municipalidad de Prueba');
  await dialog.getByLabel('Plazo').fill('31-02-2027');
  await dialog.getByRole('button', { name: 'Agregar obligación' }).click();
  await until(async () => (await dialog.locator('.field.has-error').count()) > 0, { message: 'deadline marked' });
  assert.match(await dialog.locator('.field.has-error').first().innerText(), /Plazo/);
  await shot(page, 'registries-edit-01-bad-deadline', { fullPage: false });
  await dialog.getByLabel('Plazo').fill('30-06-2027');
  await dialog.getByRole('button', { name: 'Agregar obligación' }).click();
  await dialog.waitFor({ state: 'detached' });
  await until(async () => (await table.innerText()).includes(description), { message: 'obligation listed' });

  const row = table.locator('tr', { hasText: description });
  await row.getByRole('button', { name: /Editar/ }).click();
  await dialog.getByLabel('Responsable').fill('SernamEG, Dirección Regional');
  await dialog.getByLabel('Estado').selectOption('cumplida');
  await dialog.getByRole('button', { name: 'Guardar cambios' }).click();
  await dialog.waitFor({ state: 'detached' });
  await until(async () => /SernamEG, Dirección Regional/.test(await row.innerText()), { message: 'owner edited' });
  assert.equal(await row.locator('select').inputValue(), 'cumplida');
  assert.match(await row.innerText(), /30-06-2027/);
  await shot(page, 'registries-edit-02-obligation-edited');

  await page.getByLabel('Título del documento').fill('Resolución aprobatoria');
  await page.getByLabel('Enlace').fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Adjuntar', exact: true }).click();
  await page.getByText(/debe comenzar con https:\/\//).first().waitFor();
  await shot(page, 'registries-edit-03-bad-link', { fullPage: false });
  await page.getByLabel('Enlace').fill('https://www.minmujeryeg.gob.cl/resolucion.pdf');
  await page.getByRole('button', { name: 'Adjuntar', exact: true }).click();
  const docs = page.getByTestId('agreement-documents');
  await until(async () => (await docs.count()) > 0 && /Resolución aprobatoria/.test(await docs.innerText()), { message: 'document attached' });
  await shot(page, 'registries-edit-04-document');
  await docs.locator('li', { hasText: 'Resolución aprobatoria' }).getByRole('button', { name: /Retirar/ }).click();
  await until(async () => !/Resolución aprobatoria/.test(await page.locator('main').innerText()), { message: 'document removed' });
  assertNoPageErrors(page, assert);
  await logout(page);
});

test('a certification near its expiry is alerted and its renewal clears the alert', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await settle(page);
  await page.goto(new URL('/registros/certificaciones', page.url()).toString());
  await settle(page);
  await page.getByRole('button', { name: 'Registrar organización' }).click();
  const name = `Servicios Vigencia ${Date.now().toString(36)} SpA`;
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Organización/).fill(name);
  // A RUT unique to this run (module 11 check digit).
  const n = 78_000_000 + Math.floor(Math.random() * 900_000);
  let sum = 0, m = 2;
  for (const c of String(n).split('').reverse()) { sum += Number(c) * m; m = m === 7 ? 2 : m + 1; }
  const dv = 11 - (sum % 11);
  await dialog.getByLabel(/^RUT/).fill(`${n}-${dv === 11 ? '0' : dv === 10 ? 'K' : dv}`);
  await dialog.getByLabel('Estado').selectOption('certificada');
  await dialog.getByLabel('Fecha de emisión').fill(dayFromNow(-700));
  await dialog.getByLabel('Fecha de vencimiento').fill(dayFromNow(20));
  await dialog.getByRole('button', { name: 'Registrar', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  // The job runs every sweep: reload until the alert is there.
  const panel = page.getByTestId('cert-alerts');
  await until(async () => {
    if ((await panel.count()) && (await panel.innerText()).includes(name)) return true;
    await page.reload();
    await settle(page);
    return false;
  }, { timeout: 45000, message: 'expiry alert raised by the job' });
  assert.match(await panel.innerText(), new RegExp(`Vence en 30 días o menos.*${name}.*en 20 días`));
  await shot(page, 'registries-edit-05-cert-alert');
  await panel.locator('li', { hasText: name }).getByRole('button', { name: /Ver registro/ }).click();
  await dialog.getByTestId('cert-record-alerts').waitFor();
  await dialog.getByLabel('Nuevo vencimiento').fill(dayFromNow(1100));
  await dialog.getByLabel('Observación de la renovación').fill('Auditoría de renovación aprobada');
  await dialog.getByRole('button', { name: 'Registrar renovación' }).click();
  await until(async () => /Auditoría de renovación aprobada/.test(await dialog.getByTestId('status-history').innerText()), { message: 'renewal in history' });
  await shot(page, 'registries-edit-06-renewed', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cerrar' }).first().click();
  await until(async () => (await panel.count()) === 0 || !(await panel.innerText()).includes(name), { message: 'alert cleared' });
  assertNoPageErrors(page, assert);
  await logout(page);
});
