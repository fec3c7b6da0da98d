// The public landing page: content from the public account, es-CL numbers, quick exit,
// skip link and keyboard focus, and a 360 px wide phone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, newPage, settle, shot, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('landing page explains the platform with the public account figures', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Equidad');
  assert.match(await page.title(), /Equidad/);
  const header = await page.locator('header').innerText();
  assert.match(header, /Ministerio de la Mujer y la Equidad de Género/);
  const body = await page.locator('main').innerText();
  // es-CL formatting: thousands with dots, decimal comma, space before %.
  assert.match(body, /126\.645/);
  assert.match(body, /149,1\s%/);
  assert.match(body, /10\.500/);
  for (const topic of ['Fono 1455', 'Chat web silencioso', 'WhatsApp silencioso', 'Mascarilla 19', 'alerta temprana', 'Monitoreo telemático', 'Pulseras de emergencia', 'Agenda Mujer', 'Plan Nacional de Igualdad', 'PMG', 'Agenda legislativa', 'Registro de Directoras', 'Cuenta Pública Participativa']) {
    assert.ok(body.includes(topic), `landing mentions ${topic}`);
  }
  assert.equal(await page.getByRole('heading', { name: 'Protección', level: 2 }).count(), 1);
  assert.equal(await page.getByRole('heading', { name: 'Políticas y rendición de cuentas', level: 2 }).count(), 1);
  await shot(page, '01-landing');
  assertNoPageErrors(page, assert);
  await page.context().close();
});

test('quick exit leaves for a neutral site and replaces the history entry', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.goto(url('/territorio'));
  const exit = page.getByRole('link', { name: 'Salida rápida' });
  assert.equal(await exit.getAttribute('href'), 'https://www.google.cl/');
  await exit.click();
  await page.waitForURL(/google\.cl/);
  // "Back" must not return to Equidad's territory page (it was replaced), only to the page before it.
  await page.goBack().catch(() => {});
  assert.ok(!page.url().includes('/territorio'), `back went to ${page.url()}`);
  await page.context().close();
});

test('skip link is the first stop of the keyboard and moves to the content', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await settle(page);
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.equal(focused, 'Saltar al contenido principal');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await shot(page, '01-landing-skip-link', { fullPage: false });
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'contenido');
  await page.context().close();
});

test('landing page on a 360 px phone has no horizontal scroll and a reachable menu', async () => {
  const page = await newPage(browser, { mobile: true });
  await page.goto(url('/'));
  await settle(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  const toggle = page.getByRole('button', { name: 'Menú' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await page.getByRole('link', { name: 'Territorio' }).first().isVisible());
  await toggle.click();
  await shot(page, '01-landing-mobile');
  assert.ok(await page.getByRole('link', { name: 'Salida rápida' }).isVisible());
  await page.context().close();
});
