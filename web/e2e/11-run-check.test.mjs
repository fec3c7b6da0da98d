// Issue 12 in the browser. A case worker types a woman's RUN with a wrong check digit in a new
// record: the field says so at once, the registry offers the woman that RUN most likely belongs to
// ("¿Es esta persona?"), and choosing her turns the block into her existing file, so no duplicate is
// started. The administrator's audit browser names every action in Spanish, the raw code beneath.
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

test('a RUN with a wrong check digit is flagged at its field and the likely existing person is offered', async () => {
  const page = await newPage(browser);
  await login(page, 'caso@equidad.demo');
  await page.goto(url('/casos/nuevo'));
  await page.getByTestId('record-form').waitFor();
  await settle(page);

  // Ana María Soto's RUN is 19.876.543-0 (demo data); the worker types a 1 as the check digit.
  const run = page.getByLabel('RUN', { exact: true });
  await run.fill('19.876.543-1');
  const warning = page.getByTestId('run-warning');
  await until(async () => /El dígito verificador no corresponde a este RUN; revise el número/.test(await warning.innerText()), {
    message: 'the check-digit warning under the RUN',
  });
  const likely = page.getByTestId('likely-person');
  await likely.waitFor();
  assert.match(await likely.innerText(), /¿Es esta persona\?/);
  assert.match(await likely.innerText(), /Ana María Soto Vergara/);
  await shot(page, 'cases-11-run-check-digit');

  // Saving as is: stopped at the field, before the server.
  await page.getByLabel('Canal').selectOption('linea_1455');
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  await until(async () => (await run.getAttribute('aria-invalid')) === 'true', { message: 'the RUN marked invalid' });

  // Fixing the digit clears the warning; typing it wrong again brings it back.
  await run.fill('19.876.543-0');
  await until(async () => (await warning.innerText()).trim() === '', { message: 'no warning for the right digit' });
  assert.equal(await likely.count(), 0);
  await run.fill('19.876.543-1');
  await likely.waitFor();

  // "Sí, usar su ficha": the block becomes her existing file and the record is saved on it.
  await likely.getByRole('button', { name: /Sí, usar su ficha/ }).first().click();
  const block = page.getByTestId('person-block').first();
  await until(async () => /Persona ya registrada: Ficha N° \d+/.test(await block.innerText()), { message: 'the block is her file' });
  assert.equal(await page.getByLabel('RUN', { exact: true }).count(), 0);
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  await page.getByTestId('saved-record').waitFor();
  assert.match(await page.getByTestId('linkage').innerText(), /Persona ya registrada/);
  await shot(page, 'cases-12-run-likely-person-saved');
  assertNoPageErrors(page, assert);
});

test('a RUN informed but unverified can be kept, marked as such', async () => {
  const page = await newPage(browser);
  await login(page, 'caso@equidad.demo');
  await page.goto(url('/casos/nuevo'));
  await page.getByTestId('record-form').waitFor();
  await settle(page);
  await page.getByLabel('RUN', { exact: true }).fill('7.654.321-0');
  await page.getByTestId('run-warning').filter({ hasText: /dígito verificador/ }).waitFor();
  await page.getByLabel('Nombres').fill('Prueba');
  await page.getByLabel('Primer apellido').fill(`Sinverificar${Date.now() % 100000}`);
  await page.getByLabel('Canal').selectOption('linea_1455');
  await page.getByLabel(/RUN informado sin verificar/).check();
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  await page.getByTestId('saved-record').waitFor();
  assertNoPageErrors(page, assert);
});

test('the audit browser names every action in Spanish', async () => {
  const admin = await newPage(browser);
  await login(admin, 'admin@equidad.demo', { totpExpected: true });
  await admin.goto(url('/admin/auditoria'));
  await settle(admin);
  const table = admin.getByTestId('audit-table');
  await table.waitFor();
  // The searches of the test above, named and with their code beneath.
  const rows = table.locator('tbody tr');
  await until(async () => (await rows.count()) >= 1, { message: 'audit rows' });
  const named = await table.locator('tbody tr td:nth-child(4) .cell-main').allInnerTexts();
  const codes = await table.locator('tbody tr td:nth-child(4) code').allInnerTexts();
  assert.ok(named.length === codes.length && named.length > 0);
  for (let i = 0; i < named.length; i++) assert.notEqual(named[i], codes[i], `row ${i} shows its raw code ${codes[i]} as its name`);
  assert.ok(!(await table.innerText()).includes('Acción sin nombre'), 'an action without a Spanish name');

  // Filtered by an action chosen by its Spanish name.
  await admin.getByLabel('Acción').selectOption({ label: 'Búsqueda de personas en el registro' });
  await admin.getByRole('button', { name: 'Filtrar' }).click();
  await admin.waitForURL((u) => u.searchParams.get('accion') === 'case.search');
  await until(async () => (await table.locator('tbody tr td:nth-child(4) .cell-main').allInnerTexts()).every((t) => t === 'Búsqueda de personas en el registro'), {
    message: 'the log filtered by action',
  });
  await shot(admin, '05-admin-audit-labels');
  assertNoPageErrors(admin, assert);
});
