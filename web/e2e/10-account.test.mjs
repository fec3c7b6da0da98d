// "Mi cuenta": a person changes her own password (wrong current password → error on the field;
// right → done, the new password signs in) and makes new recovery codes with password + TOTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_TOTP_SECRET, PASSWORD, assertNoPageErrors, csrf, fillCredentials, freshCode, launch, login, logout, newPage, settle, shot, url } from './helpers.mjs';

const RUN_ID = Date.now().toString(36);
const FIRST_PASSWORD = 'Primera-Clave-2026!';
const SECOND_PASSWORD = 'Segunda-Clave-2026#';

let browser;
let admin;

before(async () => {
  browser = await launch();
  admin = await newPage(browser);
  await login(admin, 'admin@equidad.demo', { totpExpected: true });
});
after(async () => {
  await browser?.close();
});

test('a person changes her own password from «Mi cuenta», reached from her home page', async () => {
  // An analyst of the ministry (no second factor), made for this test.
  const token = await csrf(admin);
  const session = await (await admin.request.get(url('/api/v1/auth/session'))).json();
  const email = `cuenta-${RUN_ID}@equidad.demo`;
  const created = await admin.request.post(url('/api/v1/users'), {
    headers: { 'X-CSRF-Token': token },
    data: { name: `Analista ${RUN_ID}`, email, institution_id: session.user.institution.id, roles: ['analyst'], password: FIRST_PASSWORD },
  });
  assert.ok(created.ok(), `create user: ${created.status()} ${await created.text()}`);

  const page = await newPage(browser);
  await fillCredentials(page, email, FIRST_PASSWORD);
  await page.waitForURL((u) => u.pathname === '/inicio');
  await page.getByRole('link', { name: /Mi cuenta: contraseña y códigos/ }).click();
  await page.waitForURL((u) => u.pathname === '/mi-cuenta');
  await page.getByRole('heading', { level: 1, name: 'Mi cuenta' }).waitFor();
  const form = page.getByTestId('password-form');

  // Wrong current password: the server's message on that field, nothing changed.
  await form.getByLabel(/^Contraseña actual/).fill('No-es-la-mia-2026');
  await form.getByLabel(/^Contraseña nueva/).fill(SECOND_PASSWORD);
  await form.getByLabel('Repita la contraseña nueva').fill(SECOND_PASSWORD);
  await form.getByRole('button', { name: 'Cambiar contraseña' }).click();
  await form.locator('[role="alert"].alert-error').waitFor();
  assert.equal(await form.getByLabel(/^Contraseña actual/).getAttribute('aria-invalid'), 'true');
  assert.match(await form.innerText(), /La contraseña actual no es correcta/);

  await form.getByLabel(/^Contraseña actual/).fill(FIRST_PASSWORD);
  await form.getByRole('button', { name: 'Cambiar contraseña' }).click();
  await form.getByText('Su contraseña fue cambiada').waitFor();
  // Without a second factor there are no recovery codes to make.
  assert.match(await page.locator('main').innerText(), /no usa verificación en dos pasos/);
  await shot(page, '10-account-password');
  assertNoPageErrors(page, assert);

  await logout(page);
  await fillCredentials(page, email, SECOND_PASSWORD, { navigate: false });
  await page.waitForURL((u) => u.pathname === '/inicio');
  await page.context().close();
});

test('a person with TOTP makes new recovery codes (password + code from her app)', async () => {
  const email = 'institucion@equidad.demo';
  const page = await newPage(browser);
  await login(page, email, { totpExpected: true });
  await page.goto(url('/mi-cuenta'));
  const form = page.getByTestId('recovery-form');
  await form.waitFor();
  await settle(page);
  await form.getByLabel(/^Contraseña/).fill(PASSWORD);
  await form.getByLabel('Código de la aplicación').fill(await freshCode(email, DEMO_TOTP_SECRET));
  await form.getByRole('button', { name: 'Generar códigos nuevos' }).click();
  const codes = page.getByTestId('recovery-codes');
  await codes.waitFor();
  assert.equal(await codes.locator('li').count(), 10);
  for (const c of await codes.locator('code').allInnerTexts()) assert.match(c.trim(), /^[0-9a-f]{5}(-[0-9a-f]{5}){3}$/);
  await page.getByTestId('recovery-remaining').getByText('10').waitFor();
  await shot(page, '10-account-recovery-codes');
  assertNoPageErrors(page, assert);
  await page.context().close();
});
