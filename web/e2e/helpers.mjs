// Shared helpers for the browser tests: Debian's Chromium through playwright-core, screenshots,
// and signing in (with TOTP codes computed here, waiting for a fresh 30 s window when needed).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { chromium } from 'playwright-core';
import { msToNextWindow, timeStep, totp } from './totp.mjs';

const here = dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.EQ_BASE_URL ?? '').replace(/\/$/, '');
if (!BASE_URL) {
  throw new Error('EQ_BASE_URL is not set: run the tests with `npm run e2e` (it starts a server) or set EQ_BASE_URL.');
}
// A relative EQ_SCREENSHOTS is taken from where `npm run e2e` was typed (npm sets INIT_CWD).
export const SHOTS = process.env.EQ_SCREENSHOTS
  ? resolve(process.env.INIT_CWD ?? process.cwd(), process.env.EQ_SCREENSHOTS)
  : join(here, '..', '..', 'build', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

export const PASSWORD = 'Equidad2026!';
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

/** The demo accounts: role id, e-mail, whether they sign in with TOTP, and what they may administer. */
export const DEMO_USERS = [
  { role: 'admin', email: 'admin@equidad.demo', totp: true, admin: true },
  { role: 'institution_admin', email: 'institucion@equidad.demo', totp: true, admin: true },
  { role: 'analyst', email: 'analista@equidad.demo', totp: false },
  { role: 'focal_point', email: 'enlace@equidad.demo', totp: false },
  { role: 'seremi', email: 'seremi@equidad.demo', totp: false },
  { role: 'case_worker', email: 'caso@equidad.demo', totp: true },
  { role: 'operator', email: 'operador@equidad.demo', totp: true },
  { role: 'municipal', email: 'municipal@equidad.demo', totp: true },
  { role: 'pharmacy', email: 'farmacia@equidad.demo', totp: false },
  { role: 'company', email: 'empresa@equidad.demo', totp: false },
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.EQ_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (own cookies) in Chilean Spanish and Santiago time. */
export async function newPage(browser, { width = 1280, height = 860, mobile = false } = {}) {
  const context = await browser.newContext({
    viewport: mobile ? { width: 360, height: 740 } : { width, height },
    deviceScaleFactor: 1,
    locale: 'es-CL',
    timezoneId: 'America/Santiago',
    isMobile: mobile,
    hasTouch: mobile,
  });
  const page = await context.newPage();
  // EQ_E2E_CPU_THROTTLE=N slows the page's CPU N times (Chromium's own emulation): a race that only
  // a loaded CI machine hits (a remount one paint late, a check made before a load began) shows up
  // every time here. Not set in CI; used to hunt flaky tests.
  const throttle = Number(process.env.EQ_E2E_CPU_THROTTLE || 0);
  if (throttle > 1) await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
  });
  // The quick-exit target and anything else outside the server never leaves the machine.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<html><body>sitio neutro</body></html>' }),
  );
  return page;
}

export function url(path) {
  return `${BASE_URL}${path}`;
}

export async function shot(page, name, { fullPage = true } = {}) {
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Waits until the app has finished loading what it shows (no spinners left). */
export async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.waitForFunction(() => !document.querySelector('.loading'), null, { timeout: 15000 }).catch(() => {});
}

// TOTP codes cannot be reused: remember, across test files (separate processes), the last
// window used per account, and wait for the next one when it is still current.
const stepsFile = join(tmpdir(), `equidad-e2e-totp-${createHash('sha1').update(BASE_URL).digest('hex').slice(0, 10)}.json`);

function lastSteps() {
  try {
    return JSON.parse(readFileSync(stepsFile, 'utf8'));
  } catch {
    return {};
  }
}

function rememberStep(email, step) {
  const all = lastSteps();
  all[email] = Math.max(all[email] ?? -1, step);
  writeFileSync(stepsFile, JSON.stringify(all));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A TOTP code for an account, never one of a window already used for it. */
export async function freshCode(email, secret) {
  for (;;) {
    const now = Date.now();
    const step = timeStep(now);
    // Avoid the last second of a window: the code could expire in transit.
    if (step > (lastSteps()[email] ?? -1) && msToNextWindow(now) > 1500) {
      rememberStep(email, step);
      return totp(secret, now);
    }
    await sleep(msToNextWindow(now) + 250);
  }
}

export async function fillCredentials(page, email, password = PASSWORD, { navigate = true } = {}) {
  if (navigate) await page.goto(url('/ingresar'));
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
}

/**
 * Signs in through the login screen. TOTP accounts get a freshly computed code; if the server
 * still says the code was used, the helper waits for the next window and tries again.
 */
export async function login(page, email, { secret = DEMO_TOTP_SECRET, totpExpected, expectPath = '/inicio', navigate = true } = {}) {
  await fillCredentials(page, email, PASSWORD, { navigate });
  const outcome = await Promise.race([
    page.waitForURL((u) => u.pathname === expectPath, { timeout: 15000 }).then(() => 'home'),
    page.getByLabel('Código de verificación').waitFor({ timeout: 15000 }).then(() => 'totp'),
  ]);
  if (totpExpected !== undefined && (outcome === 'totp') !== totpExpected) {
    throw new Error(`${email}: expected ${totpExpected ? 'a TOTP step' : 'no TOTP step'}, got ${outcome}`);
  }
  if (outcome === 'totp') {
    for (let attempt = 0; attempt < 3; attempt++) {
      const code = await freshCode(email, secret);
      await page.getByLabel('Código de verificación').fill(code);
      await page.getByRole('button', { name: 'Verificar' }).click();
      const r = await Promise.race([
        page.waitForURL((u) => u.pathname === expectPath, { timeout: 15000 }).then(() => 'home'),
        page.locator('.alert-error').waitFor({ timeout: 15000 }).then(() => 'error'),
      ]);
      if (r === 'home') break;
      const text = await page.locator('.alert-error').innerText();
      if (attempt === 2) throw new Error(`${email}: TOTP rejected: ${text}`);
      // "Code already used" (another test took this window): wait for the next one.
      rememberStep(email, timeStep());
    }
  }
  await page.getByRole('heading', { level: 1 }).waitFor();
  await settle(page);
}

export async function logout(page) {
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.waitForURL((u) => u.pathname === '/ingresar');
}

/** The CSRF token of the page's current session, for API calls made by a test. */
export async function csrf(page) {
  const r = await page.request.get(url('/api/v1/auth/session'));
  if (!r.ok()) throw new Error(`no session: ${r.status()}`);
  return (await r.json()).csrf_token;
}

export function assertNoPageErrors(page, assert) {
  assert.deepEqual(page.errors, [], `errors in the page: ${page.errors.join('\n')}`);
}

/** Polls an async condition until it holds (the UI refreshes lists asynchronously). */
export async function until(condition, { timeout = 10000, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await condition();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${message} (last: ${last})`);
}
