// The Cuenta Pública Participativa (issue 16): a citizen goes from the landing page to the demo
// edition, reads it by section (desktop and a 360 px phone), searches it, copies a link to a
// section, downloads the PDF and opens the printable page; the analyst drafts an edition beside
// the live figures, writes its introduction and sends it to review, another analyst approves it,
// and it is published, after which the editor offers no editing but a new version; a SEREMI team
// records a milestone of her region, which waits for the ministry's curation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, csrf, fillCredentials, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

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

  // Search: accents and case do not matter; only the sections that match stay, matches marked.
  const search = page.getByRole('search', { name: 'Buscar en la cuenta pública' }).getByLabel('Buscar');
  await search.fill('quiborax');
  await page.getByText('1 sección contiene «quiborax»; las coincidencias están marcadas.').waitFor();
  assert.equal(await page.locator('#introduccion').count(), 0, 'a section without the words is hidden');
  assert.equal(await page.locator('#seremis mark').first().innerText(), 'Quiborax');
  assert.equal(await page.locator('#region-15').count(), 1, 'the region with the match');
  assert.equal(await page.locator('#region-13').count(), 0, 'a region without it is hidden');
  await shot(page, 'cuenta-02b-busqueda', { fullPage: false });
  await search.fill('región de los ríos');
  await until(async () => (await page.locator('#region-14').count()) === 1, { message: 'accent-insensitive region match' });
  await search.fill('zzzz sin resultado');
  await page.getByText('Ninguna sección contiene «zzzz sin resultado».').waitFor();
  await search.fill('');
  await page.locator('#introduccion').waitFor();

  // A link to a section: the address gets its #anchor and the link is shown (or copied).
  await page.locator('#agenda_legislativa').getByRole('button', { name: 'Copiar enlace' }).click();
  await until(async () => /#agenda_legislativa$/.test(page.url()), { message: 'the address names the section' });
  assert.match(await page.locator('#agenda_legislativa .account-link-status').innerText(), /\/cuenta-publica\/\d+#agenda_legislativa/);
  const linked = await newPage(browser);
  await linked.goto(page.url());
  await settle(linked);
  await until(async () => Math.abs((await linked.locator('#agenda_legislativa').boundingBox())?.y ?? 9999) < 200, { message: 'the linked section in view' });
  await linked.close();

  // The PDF made by the server (cairo + pango).
  const pdfHref = await page.getByRole('link', { name: 'Descargar PDF' }).getAttribute('href');
  const pdfRes = await page.request.get(url(pdfHref));
  assert.equal(pdfRes.status(), 200);
  assert.match(pdfRes.headers()['content-type'], /application\/pdf/);
  assert.equal((await pdfRes.body()).subarray(0, 5).toString('latin1'), '%PDF-');
  await page.locator('#region-15').scrollIntoViewIfNeeded();
  await shot(page, 'cuenta-03-seremis', { fullPage: false });

  // The printable page: its own document, no script, the same frozen content.
  const href = await page.getByRole('link', { name: 'Versión para imprimir' }).getAttribute('href');
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

test('the analyst drafts an edition, sends it to review, another analyst approves it, and it is published', async () => {
  // A second analyst of the ministry, to review (whoever sends a version does not approve it).
  const admin = await newPage(browser);
  await login(admin, 'admin@equidad.demo', { totpExpected: true });
  const session = await (await admin.request.get(url('/api/v1/auth/session'))).json();
  const reviewerEmail = `revisora-${Date.now().toString(36)}@equidad.demo`;
  const created = await admin.request.post(url('/api/v1/users'), {
    headers: { 'X-CSRF-Token': await csrf(admin) },
    data: { name: 'Revisora de la cuenta', email: reviewerEmail, institution_id: session.user.institution.id, roles: ['analyst'], password: 'Revisora-Clave-2026!' },
  });
  assert.ok(created.ok(), `create reviewer: ${created.status()} ${await created.text()}`);
  await admin.context().close();

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

  await page.getByRole('button', { name: 'Enviar a revisión' }).click();
  await page.getByText('En revisión', { exact: true }).first().waitFor();
  assert.equal(await page.getByLabel('Texto de la sección «Presentación»').count(), 0, 'in review: no editing');
  // She cannot approve her own version.
  await page.getByRole('button', { name: 'Aprobar' }).click();
  await page.getByText('Otra persona del equipo debe revisar la versión que usted envió.').waitFor();

  const reviewer = await newPage(browser);
  await fillCredentials(reviewer, reviewerEmail, 'Revisora-Clave-2026!');
  await reviewer.waitForURL((u) => u.pathname === '/inicio');
  await reviewer.goto(url('/cuenta-publica/editor'));
  await settle(reviewer);
  await reviewer.getByRole('button', { name: new RegExp(title) }).click();
  await reviewer.getByRole('button', { name: 'Aprobar' }).click();
  await reviewer.getByText('Aprobada: lista para publicar', { exact: true }).first().waitFor();
  await shot(reviewer, 'cuenta-06b-aprobada', { fullPage: false });
  await reviewer.context().close();

  await page.reload();
  await settle(page);
  await page.getByRole('button', { name: new RegExp(title) }).click();
  await page.getByRole('button', { name: 'Publicar esta versión' }).click();
  const confirm = page.getByRole('dialog', { name: 'Publicar la cuenta pública' });
  await confirm.getByRole('button', { name: 'Publicar' }).click();
  await page.getByText('Versión publicada', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Texto de la sección «Presentación»').count(), 0, 'a published edition offers no editing');
  await page.getByRole('button', { name: 'Crear nueva versión' }).waitFor();
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
  await dialog.getByLabel('Eje de la Agenda Mujer').selectOption({ label: 'Autonomía económica y participación laboral' });
  await dialog.getByLabel('Comunas').fill('Santiago, Maipú');
  await dialog.getByRole('button', { name: 'Registrar hito' }).click();
  await until(async () => /Mesa regional Mujer y Construcción/.test(await page.locator('table').innerText()), { message: 'the new milestone listed' });
  const row = page.locator('tr', { hasText: 'Mesa regional Mujer y Construcción' }).last();
  assert.match(await row.innerText(), /Pendiente de revisión del Ministerio/);
  assert.match(await row.innerText(), /Comunas: Santiago, Maipú/);
  await shot(page, 'cuenta-08-hitos', { fullPage: false });
  assertNoPageErrors(page, assert);
});
