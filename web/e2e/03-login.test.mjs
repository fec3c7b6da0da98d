// Signing in: every demo role reaches its home page (TOTP where the role requires it), the
// header and navigation follow the session's permissions, a failed login explains itself,
// protected pages send anonymous visitors to the login, and logging out ends the session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_USERS, assertNoPageErrors, fillCredentials, launch, login, logout, newPage, settle, shot, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a wrong password shows the server message next to the form, announced to screen readers', async () => {
  const page = await newPage(browser);
  await fillCredentials(page, 'nadie@equidad.demo', 'no-es-la-clave');
  const alert = page.locator('[role="alert"].alert-error');
  await alert.waitFor();
  const text = await alert.innerText();
  assert.ok(text.length > 10, `error text: ${text}`);
  assert.equal(await alert.getAttribute('aria-live'), 'assertive');
  assert.equal(new URL(page.url()).pathname, '/ingresar');
  assert.equal(await page.getByLabel('Contraseña').inputValue(), '', 'the password is cleared');
  await shot(page, '03-login-error');
  await page.context().close();
});

test('empty fields are marked on the inputs themselves', async () => {
  const page = await newPage(browser);
  await page.goto(url('/ingresar'));
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  assert.equal(await page.getByLabel('Correo electrónico').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel('Contraseña').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'email');
  await shot(page, '03-login-empty', { fullPage: false });
  await page.context().close();
});

test('a protected page sends an anonymous visitor to the login and back after it', async () => {
  const page = await newPage(browser);
  await page.goto(url('/mis-sesiones'));
  await page.waitForURL((u) => u.pathname === '/ingresar' && u.searchParams.get('volver') === '/mis-sesiones');
  await shot(page, '03-login', { fullPage: false });
  await login(page, 'analista@equidad.demo', { navigate: false, expectPath: '/mis-sesiones' });
  await page.getByRole('heading', { name: 'Mis sesiones', level: 1 }).waitFor();
  await page.context().close();
});

for (const user of DEMO_USERS) {
  test(`${user.role} (${user.email}) signs in${user.totp ? ' with TOTP' : ''} and sees a home page`, async () => {
    const page = await newPage(browser);
    let p = page;
    if (user.role === 'admin') {
      // Record the TOTP step once, then sign in from a fresh browser.
      await fillCredentials(page, user.email);
      await page.getByLabel('Código de verificación').waitFor();
      await shot(page, '03-login-totp', { fullPage: false });
      await page.context().close();
      p = await newPage(browser);
    }
    await login(p, user.email, { totpExpected: user.totp });
    assert.equal(new URL(p.url()).pathname, '/inicio');
    const name = await p.getByTestId('user-name').innerText();
    assert.ok(name.trim().length > 0, 'header shows the user name');
    assert.ok(await p.getByRole('button', { name: 'Cerrar sesión' }).isVisible());
    const h1 = await p.getByRole('heading', { level: 1 }).innerText();
    assert.ok(h1.trim().length > 0);
    await settle(p);
    assert.equal(await p.locator('[role="alert"].alert-error').count(), 0, 'home loaded without errors');

    // Navigation follows permissions: only the administrator sees administration.
    const nav = p.getByRole('navigation', { name: 'Navegación principal' });
    const hasUsers = (await nav.getByRole('link', { name: 'Usuarios' }).count()) > 0;
    assert.equal(hasUsers, !!user.admin, 'Usuarios link only with users.manage');
    assert.ok((await nav.getByRole('link', { name: 'Mis sesiones' }).count()) === 1);
    await shot(p, `04-home-${user.role}`);
    if (user.role === 'pharmacy') {
      // A pharmacy counter often means a phone: the home page must fit 360 px.
      await p.setViewportSize({ width: 360, height: 740 });
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
      await shot(p, `04-home-${user.role}-mobile`);
      await p.setViewportSize({ width: 1280, height: 860 });
    }

    if (!user.admin) {
      // Typing an administration address is refused politely.
      await p.goto(url('/admin/usuarios'));
      await p.getByRole('heading', { name: 'Acceso no autorizado' }).waitFor();
    }
    assertNoPageErrors(p, assert);
    await logout(p);
    await p.goto(url('/inicio'));
    await p.waitForURL((u) => u.pathname === '/ingresar');
    await p.context().close();
  });
}
