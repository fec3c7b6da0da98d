// Administration as the demo administrator: users (with a name full of HTML, shown as text),
// roles, institutions, the audit browser and its verification, "Mis sesiones", and the TOTP
// enrolment of a new account whose role requires it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, csrf, freshCode, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

const RUN_ID = Date.now().toString(36);
const HTML_NAME = `<img src=x onerror="window.__xss=1"> Prueba ${RUN_ID} <script>window.__xss=2</script>`;
const NEW_PASSWORD = 'Prueba-Segura-2026!';
const MINISTRY = 'Ministerio de la Mujer y la Equidad de Género';

let browser;
let admin; // one signed-in administrator page for the whole file (TOTP codes are one per 30 s)

before(async () => {
  browser = await launch();
  admin = await newPage(browser);
  await login(admin, 'admin@equidad.demo', { totpExpected: true });
});
after(async () => {
  await browser?.close();
});

test('users list shows accounts with institution, roles and state', async () => {
  await admin.goto(url('/admin/usuarios'));
  await settle(admin);
  const table = admin.getByTestId('users-table');
  await table.waitFor();
  const rows = table.locator('tbody tr');
  assert.ok((await rows.count()) >= 9, 'the nine demo accounts at least');
  assert.match(await table.innerText(), /admin@equidad\.demo/);
  await shot(admin, '05-admin-users');

  // Filtering by role narrows the list.
  await admin.getByLabel('Rol').selectOption('case_worker');
  await admin.waitForURL(/rol=case_worker/);
  await until(async () => !/admin@equidad\.demo/.test(await table.innerText()), { message: 'the list filtered by role' });
  assert.match(await table.innerText(), /caso@equidad\.demo/);
  await admin.getByLabel('Rol').selectOption('');
  await until(async () => /admin@equidad\.demo/.test(await table.innerText()), { message: 'the whole list again' });

  // On a 360 px phone the table becomes one card per account, without horizontal scrolling.
  await admin.setViewportSize({ width: 360, height: 740 });
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await shot(admin, '05-admin-users-mobile', { fullPage: false });
  await admin.setViewportSize({ width: 1280, height: 860 });
  assertNoPageErrors(admin, assert);
});

test('a name containing HTML is stored and shown as text, never run', async () => {
  await admin.goto(url('/admin/usuarios'));
  await settle(admin);
  await admin.getByRole('button', { name: 'Nueva cuenta' }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByLabel('Nombre completo').fill(HTML_NAME);
  await dialog.getByLabel('Correo electrónico').fill(`xss-${RUN_ID}@equidad.demo`);
  // The administrator's own institution and role: an administrator may only grant permissions it holds.
  await dialog.locator('select[name="institution_id"]').selectOption({ label: MINISTRY });
  await dialog.getByRole('checkbox', { name: /Administración del sistema/ }).check();
  await dialog.getByLabel('Contraseña inicial').fill(NEW_PASSWORD);
  await shot(admin, '05-admin-user-new', { fullPage: false });
  await dialog.getByRole('button', { name: 'Crear cuenta' }).click();
  await admin.locator('.alert-success').waitFor();

  await admin.getByLabel('Buscar').fill(RUN_ID);
  const table = admin.getByTestId('users-table');
  const cell = table.locator('.cell-main', { hasText: `Prueba ${RUN_ID}` });
  await cell.waitFor();
  await until(async () => (await table.locator('tbody tr').count()) === 1, { message: 'the search narrowed to the new account' });
  assert.equal((await cell.innerText()).trim(), HTML_NAME.replace(/\s+/g, ' '));
  assert.equal(await admin.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await admin.locator('main img[src="x"]').count(), 0, 'no element was created from the name');
  await shot(admin, '05-admin-users-html-name');
});

test('a form error from the server is attached to its field', async () => {
  await admin.goto(url('/admin/usuarios'));
  await settle(admin);
  await admin.getByRole('button', { name: 'Nueva cuenta' }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByLabel('Nombre completo').fill('Correo Repetido');
  await dialog.getByLabel('Correo electrónico').fill('admin@equidad.demo');
  await dialog.locator('select[name="institution_id"]').selectOption({ label: MINISTRY });
  await dialog.getByRole('checkbox', { name: /Administración del sistema/ }).check();
  await dialog.getByLabel('Contraseña inicial').fill(NEW_PASSWORD);
  await dialog.getByRole('button', { name: 'Crear cuenta' }).click();
  await dialog.locator('[role="alert"].alert-error').waitFor();
  assert.equal(await dialog.getByLabel('Correo electrónico').getAttribute('aria-invalid'), 'true');
  await shot(admin, '05-admin-user-error', { fullPage: false });
  await dialog.getByRole('button', { name: 'Cancelar' }).click();
});

test('roles and their permissions', async () => {
  await admin.goto(url('/admin/roles'));
  await settle(admin);
  const cards = admin.locator('.role-card');
  assert.ok((await cards.count()) >= 9);
  assert.match(await admin.locator('main').innerText(), /users\.manage/);
  await shot(admin, '05-admin-roles');
});

test('institutions list', async () => {
  await admin.goto(url('/admin/instituciones'));
  await settle(admin);
  const table = admin.getByTestId('institutions-table');
  await table.waitFor();
  assert.ok((await table.locator('tbody tr').count()) >= 1);
  await shot(admin, '05-admin-institutions');
});

test('audit browser lists the log, filters it and verifies the chain', async () => {
  await admin.goto(url('/admin/auditoria'));
  await settle(admin);
  const table = admin.getByTestId('audit-table');
  await table.waitFor();
  assert.ok((await table.locator('tbody tr').count()) >= 1);
  // Dates are shown as dd-mm-yyyy hh:mm:ss, Santiago time.
  assert.match(await table.locator('tbody tr td').nth(1).innerText(), /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
  await admin.getByRole('button', { name: 'Verificar integridad' }).click();
  await admin.getByText('La cadena de auditoría está íntegra.').waitFor();
  await shot(admin, '05-admin-audit');

  // Dates are typed the Chilean way; a malformed one is marked on its field.
  await admin.getByLabel('Desde').fill('31-02-2026');
  await admin.getByRole('button', { name: 'Filtrar' }).click();
  assert.equal(await admin.getByLabel('Desde').getAttribute('aria-invalid'), 'true');
  const today = new Intl.DateTimeFormat('es-CL', { timeZone: 'America/Santiago', day: '2-digit', month: '2-digit', year: 'numeric' })
    .formatToParts(new Date())
    .reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  await admin.getByLabel('Desde').fill(`${today.day}-${today.month}-${today.year}`);

  // The action filter lists the server's Spanish names, grouped by module (issue 12).
  assert.match(await admin.getByLabel('Acción').innerText(), /Creación de una cuenta/);
  await admin.getByLabel('Acción').selectOption({ label: 'Creación de una cuenta' });
  await admin.getByRole('button', { name: 'Filtrar' }).click();
  await admin.waitForURL((u) => u.searchParams.get('accion') === 'user.create' && u.searchParams.get('desde') === `${today.year}-${today.month}-${today.day}`);
  await until(async () => (await table.locator('tbody tr td:nth-child(4) code').allInnerTexts()).every((a) => a.startsWith('user.create')), {
    message: 'the log filtered by action',
  });
  // The account created above left a trace.
  const actions = await table.locator('tbody tr td:nth-child(4) code').allInnerTexts();
  assert.ok(actions.length >= 1 && actions.every((a) => a.startsWith('user.create')), actions.join(', '));
  // Each row names the action in Spanish above its code.
  const names = await table.locator('tbody tr td:nth-child(4) .cell-main').allInnerTexts();
  assert.ok(names.every((n) => n === 'Creación de una cuenta'), names.join(', '));
  assertNoPageErrors(admin, assert);
});

test('my sessions lists this browser and closes another session', async () => {
  // A second session of the same account, from another browser context.
  const other = await newPage(browser);
  await login(other, 'admin@equidad.demo', { totpExpected: true });

  await admin.goto(url('/mis-sesiones'));
  await settle(admin);
  const rows = admin.locator('tbody tr');
  assert.ok((await rows.count()) >= 2);
  assert.equal(await admin.locator('tbody tr.row-current').count(), 1);
  await shot(admin, '06-sessions');

  const before = await rows.count();
  await admin.locator('tbody tr:not(.row-current)').first().getByRole('button', { name: /Cerrar/ }).click();
  await admin.locator('.alert-success').waitFor();
  await until(async () => (await rows.count()) === before - 1, { message: 'one session less' });

  // That other browser is now signed out: its next request goes to the login.
  const r = await other.request.get(url('/api/v1/auth/session'));
  assert.equal(r.status(), 401);
  await other.context().close();
});

test('a new account whose role requires TOTP enrols at first login and gets recovery codes', async () => {
  // Create the account through the API with the administrator's session (CSRF header included).
  // The role is "admin" (it requires TOTP, and an administrator may only grant permissions it holds).
  const token = await csrf(admin);
  const session = await (await admin.request.get(url('/api/v1/auth/session'))).json();
  const email = `enrol-${RUN_ID}@equidad.demo`;
  const created = await admin.request.post(url('/api/v1/users'), {
    headers: { 'X-CSRF-Token': token },
    data: { name: `Enrolamiento ${RUN_ID}`, email, institution_id: session.user.institution.id, roles: ['admin'], password: NEW_PASSWORD },
  });
  assert.ok(created.ok(), `create user: ${created.status()} ${await created.text()}`);

  const page = await newPage(browser);
  await page.goto(url('/ingresar'));
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  const secretEl = page.getByTestId('totp-secret');
  await secretEl.waitFor();
  const secret = (await secretEl.innerText()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  const link = await page.getByTestId('otpauth-link').getAttribute('href');
  assert.ok(link.startsWith('otpauth://totp/'), link);
  await shot(page, '07-enrol');

  await page.getByLabel('Código de verificación').fill(await freshCode(email, secret));
  await page.getByRole('button', { name: 'Activar y continuar' }).click();
  const codes = page.getByTestId('recovery-codes');
  await codes.waitFor();
  assert.equal(await codes.locator('li').count(), 10);
  const recovery = (await codes.locator('code').allInnerTexts()).map((c) => c.trim());
  assert.match(await page.locator('main').innerText(), /Guárdelos/);
  await shot(page, '07-recovery-codes');
  await page.getByRole('button', { name: 'Ya los guardé, continuar' }).click();
  await page.waitForURL((u) => u.pathname === '/inicio');
  await page.getByTestId('user-name').waitFor();

  // Without the phone: a recovery code signs in once.
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.waitForURL((u) => u.pathname === '/ingresar');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  await page.getByRole('button', { name: /usar un código de recuperación/ }).click();
  await page.getByLabel('Código de recuperación').fill(recovery[0]);
  await page.getByRole('button', { name: 'Verificar' }).click();
  await page.waitForURL((u) => u.pathname === '/inicio');
  await page.context().close();
});

test('logging out from all sessions ends this one too', async () => {
  await admin.goto(url('/mis-sesiones'));
  await settle(admin);
  await admin.getByRole('button', { name: 'Cerrar todas las sesiones' }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Cerrar todas' }).click();
  await admin.waitForURL((u) => u.pathname === '/ingresar');
  const r = await admin.request.get(url('/api/v1/auth/session'));
  assert.equal(r.status(), 401);
});


