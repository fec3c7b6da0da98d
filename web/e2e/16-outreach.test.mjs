// Trainings and talks in the browser (issue 18 items 4–5): the public trainings page with the
// e-learning figure computed beside the seed's; a visitor registers to an upcoming talk without an
// account and gets her code; the ministry's trainer goes from her home page to the talks and sees that
// attendance is marked only at the door (from 30 minutes before the start); she opens a talk starting
// in a few minutes, a visitor registers, she marks the attendance; the certificate then opens at its
// public address.
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

const TALK = 'Autonomía económica y emprendimiento (charla de demostración)';
const name = `Ana Prueba ${Date.now().toString(36)}`;
let code;

// A visitor registers to `title` on the public talks page (a wrong e-mail first); her code.
async function register(page, title, who) {
  await page.getByRole('button', { name: `Inscribirme en ${title}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/^Nombre y apellidos/).fill(who);
  await dialog.getByLabel(/^Correo electrónico/).fill('no-es-correo');
  await dialog.getByRole('button', { name: 'Inscribirme' }).click();
  await until(async () => (await page.locator('.field.has-error').count()) > 0, { message: 'e-mail marked' });
  await dialog.getByLabel(/^Correo electrónico/).fill(`ana.${Date.now().toString(36)}@correo.test`);
  await dialog.getByLabel(/^Comuna/).fill('Valparaíso');
  await until(async () => (await page.locator('.field.has-error').count()) >= 0, { message: 'typed' });
  await page.waitForTimeout(800); // the comuna's suggestions arrive and the name is recognised
  await dialog.getByRole('button', { name: 'Inscribirme' }).click();
  const done = page.getByTestId('registration-done');
  await done.waitFor();
  const got = (await done.locator('strong.certificate-code').innerText()).trim();
  assert.match(got, /^[A-Za-z0-9_-]{12}$/);
  return got;
}

test('public trainings: courses with progress, the e-learning total beside the seed\'s', async () => {
  const page = await newPage(browser);
  await page.goto(url('/capacitaciones'));
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Capacitaciones');
  const figures = page.getByTestId('training-figures');
  await figures.waitFor();
  assert.match(await figures.innerText(), /4\.286\s*participantes del e-learning «Chile elige equidad» en 2020\s*Cuenta pública: 4\.286/);
  assert.match(await figures.innerText(), /Meta de la cuenta pública: 2\.500/);
  await shot(page, 'outreach-01-trainings', { fullPage: false });
  assertNoPageErrors(page, assert);
});

test('a visitor registers to a talk without an account and gets her code', async () => {
  const page = await newPage(browser);
  await page.goto(url('/charlas'));
  await settle(page);
  const figures = page.getByTestId('nosotras-figures');
  await figures.waitFor();
  assert.match(await figures.innerText(), /23\s*charlas realizadas\s*Cuenta pública: 23/);
  assert.match(await figures.innerText(), /4\.458\s*personas inscritas\s*Cuenta pública: 4\.458/);
  code = await register(page, TALK, name);
  await shot(page, 'outreach-02-registered', { fullPage: false });
  assertNoPageErrors(page, assert);
});

// Today and a time `minutes` from now, as the ministry's clock reads them (America/Santiago).
function chileNowPlus(minutes) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(Date.now() + minutes * 60000))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.day}-${parts.month}-${parts.year}`, time: `${parts.hour}:${parts.minute}` };
}

test('attendance is marked at the door; the certificate opens at its public address', async () => {
  assert.ok(code, 'registered first');
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await page.locator('a.home-link[href="/charlas/gestion"]').first().click();
  await page.waitForURL(/\/charlas\/gestion/);
  await settle(page);
  // The demo talk is two weeks away: her registration is there, the attendance button is not yet.
  await page.getByRole('button', { name: `Inscripciones de ${TALK}` }).click();
  let table = page.getByTestId('registrations');
  await table.waitFor();
  assert.match(await table.innerText(), new RegExp(name));
  assert.match(await table.innerText(), /Se marca desde el/);
  assert.equal(await page.getByRole('button', { name: `Marcar asistencia de ${name}` }).count(), 0);
  await page.getByRole('dialog').getByRole('button', { name: /Cerrar/ }).first().click();

  // A talk starting in 20 minutes: registration still open, the door already open.
  const soon = `Charla de hoy ${Date.now().toString(36)}`;
  const at = chileNowPlus(20);
  await page.getByRole('button', { name: 'Nueva charla' }).click();
  const form = page.getByRole('dialog');
  await form.getByLabel(/^Título/).fill(soon);
  await form.getByLabel(/^Lugar o enlace/).fill('En línea');
  await form.getByLabel(/^Fecha/).fill(at.date);
  await form.getByLabel(/^Hora/).fill(at.time);
  await form.getByLabel(/^Cupos/).fill('10');
  await form.getByRole('button', { name: 'Registrar charla' }).click();
  await until(async () => (await page.getByRole('button', { name: `Inscripciones de ${soon}` }).count()) > 0, { message: 'talk listed' });

  const visitor = await newPage(browser);
  await visitor.goto(url('/charlas'));
  await settle(visitor);
  const who = `Berta Prueba ${Date.now().toString(36)}`;
  code = await register(visitor, soon, who);

  await page.reload();
  await settle(page);
  await page.getByRole('button', { name: `Inscripciones de ${soon}` }).click();
  table = page.getByTestId('registrations');
  await table.waitFor();
  await page.getByRole('button', { name: `Marcar asistencia de ${who}` }).click();
  await until(async () => /Asistió/.test(await table.innerText()), { message: 'attendance marked' });
  await shot(page, 'outreach-03-attendance', { fullPage: false });
  await page.getByRole('dialog').getByRole('button', { name: /Cerrar/ }).first().click();
  assertNoPageErrors(page, assert);
  await logout(page);

  const anon = await newPage(browser);
  await anon.goto(url(`/charlas/certificado/${code}`));
  await settle(anon);
  const cert = anon.getByTestId('certificate');
  await cert.waitFor();
  const text = await cert.innerText();
  assert.match(text, /Certificado de asistencia/);
  assert.match(text, /Berta Prueba/);
  assert.match(text, new RegExp(code));
  await shot(anon, 'outreach-04-certificate', { fullPage: false });
  assertNoPageErrors(anon, assert);
});
