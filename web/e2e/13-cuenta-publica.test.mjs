// The Cuenta Pública Participativa (issue 16): a citizen goes from the landing page to the demo
// edition, reads it by section (desktop and a 360 px phone) and opens the printable page; the
// analyst drafts an edition beside the live figures, writes its introduction and publishes it,
// after which the editor offers no editing; a SEREMI team records a milestone of her region.
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

test('a citizen reads the published demo edition on the web and opens its printable page', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.getByRole('link', { name: 'Leer la cuenta pública →' }).click();
  await page.waitForURL((u) => u.pathname === '/cuenta-publica');
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Cuenta Pública Participativa');
  await shot(page, 'cuenta-01-lista');
  await page.getByRole('link', { name: /Cuenta Pública Participativa 2020–2021 \(datos de demostración\)/ }).click();
  await page.waitForURL(/\/cuenta-publica\/\d+$/);
  await settle(page);
  await page.getByText('Datos de demostración', { exact: true }).first().waitFor();
  const toc = page.getByRole('navigation', { name: 'Índice de la cuenta pública' });
  for (const title of ['Presentación', 'Agenda legislativa', 'Secretarías Regionales Ministeriales', 'Programación para el período siguiente'])
    await toc.getByRole('link', { name: title }).waitFor();
  // Sections are linkable; the regional tables are the seed's, with its three columns.
  await toc.getByRole('link', { name: 'Secretarías Regionales Ministeriales' }).click();
  await page.waitForURL(/#seremis$/);
  const arica = page.locator('#region-15 + .table-wrap table');
  assert.match(await arica.locator('thead').innerText(), /Hito o acción\s+Descripción\s+Resultados/i);
  assert.match(await arica.innerText(), /Quiborax/);
  assert.match(await page.locator('#agenda_legislativa').innerText(), /Ley N° 21\.212/);
  assert.match(await page.locator('#plan_covid').innerText(), /Fuente: Canales de orientación/);
  assert.match(await page.getByText(/Huella SHA-256/).innerText(), /[0-9a-f]{64}/);
  await page.goto(page.url().replace(/#.*$/, ''));
  await settle(page);
  await shot(page, 'cuenta-02-edicion', { fullPage: false });
  await page.locator('#region-15').scrollIntoViewIfNeeded();
  await shot(page, 'cuenta-03-seremis', { fullPage: false });

  // The printable page: its own document, no script, the same frozen content.
  const href = await page.getByRole('link', { name: 'Versión para imprimir o PDF' }).getAttribute('href');
  const print = await newPage(browser);
  await print.goto(url(href));
  await print.getByRole('heading', { level: 1 }).waitFor();
  assert.match(await print.locator('nav').innerText(), /Índice/);
  assert.equal(await print.locator('script').count(), 0);
  await shot(print, 'cuenta-04-imprimible', { fullPage: false });
  await print.emulateMedia({ media: 'print' });
  const pdf = await print.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10_000, 'prints to PDF');
  assertNoPageErrors(page, assert);

  const phone = await newPage(browser, { width: 360, height: 740, mobile: true });
  await phone.goto(url(new URL(page.url()).pathname + '#seremis'));
  await settle(phone);
  await until(async () => (await phone.locator('#seremis').boundingBox())?.y < 200, { message: 'the linked section in view' });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow} px)`);
  await shot(phone, 'cuenta-05-telefono', { fullPage: false });
});

test('the analyst drafts an edition beside the live figures, writes its introduction and publishes it', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await page.goto(url('/cuenta-publica/editor'));
  await settle(page);
  await page.getByRole('button', { name: 'Nueva edición' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nueva edición de la cuenta pública' });
  const title = `Cuenta Pública 2021–2022 prueba ${Date.now() % 100000}`;
  await dialog.getByRole('textbox', { name: 'Período', exact: true }).fill('2021');
  await dialog.getByLabel('Título').fill(title);
  await dialog.getByLabel('Inicio del período de las cifras').fill('01-01-2021');
  await dialog.getByLabel('Término del período de las cifras').fill('31-12-2022');
  await dialog.getByRole('button', { name: 'Crear borrador' }).click();
  await dialog.getByText('Escriba el período como «2021-2022».').first().waitFor();
  await dialog.getByRole('textbox', { name: 'Período', exact: true }).fill('2021-2022');
  await dialog.getByRole('button', { name: 'Crear borrador' }).click();
  await page.getByRole('heading', { level: 2, name: new RegExp(title) }).waitFor();
  await settle(page);
  const intro = page.getByLabel('Texto de la sección «Presentación»');
  await intro.fill('La Ministra presenta la cuenta del período 2021–2022.');
  await page.locator('#introduccion').getByRole('button', { name: 'Guardar texto' }).click();
  await page.locator('#introduccion').getByText('Texto guardado.').waitFor();
  assert.match(await page.locator('#logros').innerText(), /Fuente: Seguimiento de políticas/);
  await shot(page, 'cuenta-06-editor', { fullPage: false });

  await page.getByRole('button', { name: 'Publicar esta edición' }).click();
  const confirm = page.getByRole('dialog', { name: 'Publicar la cuenta pública' });
  await confirm.getByRole('button', { name: 'Publicar' }).click();
  await page.getByText('Edición publicada', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Texto de la sección «Presentación»').count(), 0, 'a published edition offers no editing');
  await shot(page, 'cuenta-07-publicada', { fullPage: false });
  await page.getByRole('link', { name: 'Ver la edición pública' }).click();
  await settle(page);
  await until(async () => /La Ministra presenta la cuenta/.test(await page.locator('#introduccion').innerText()), { message: 'the published text' });
  assertNoPageErrors(page, assert);
});

test('a SEREMI team records a milestone of her own region', async () => {
  const page = await newPage(browser);
  await login(page, 'seremi@equidad.demo');
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Hitos regionales' }).click();
  await page.waitForURL((u) => u.pathname === '/cuenta-publica/hitos');
  await settle(page);
  await page.getByLabel('Período', { exact: true }).fill('2020-2021');
  await until(async () => /Charla sobre violencia contra la mujer/.test(await page.locator('table').innerText()), { message: 'the RM demo milestones' });
  await page.getByRole('button', { name: 'Registrar hito' }).click();
  const dialog = page.getByRole('dialog', { name: 'Registrar un hito' });
  await dialog.getByLabel('Hito o acción').fill('Mesa regional Mujer y Construcción');
  await dialog.getByLabel('Fecha').fill('15-03-2021');
  await dialog.getByLabel('Descripción').fill('Constitución de la mesa con la CChC.');
  await dialog.getByLabel('Resultados').fill('12 empresas adheridas.');
  await dialog.getByRole('button', { name: 'Registrar hito' }).click();
  await until(async () => /Mesa regional Mujer y Construcción/.test(await page.locator('table').innerText()), { message: 'the new milestone listed' });
  await shot(page, 'cuenta-08-hitos', { fullPage: false });
  assertNoPageErrors(page, assert);
});
