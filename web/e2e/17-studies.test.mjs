// The ministry's studies catalogue in the browser (issue 18 item 6): the public catalogue with the
// seed's studies and an accent-insensitive search; a study's page with its findings, method and
// partners; the ministry's analyst goes from her home page to the editor, writes a draft with a
// finding and a PDF, publishes it, changes a figure (the reason is asked for and kept as a version)
// and the public page shows the file with its checksum and the change.
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

const TITLE = `Encuesta de prueba del navegador ${Date.now().toString(36)}`;

test('public catalogue: the seed\'s studies, search without accents, a study\'s page', async () => {
  const page = await newPage(browser);
  await page.goto(url('/estudios'));
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Estudios y encuestas');
  const list = page.getByTestId('studies-list');
  await list.waitFor();
  assert.match(await list.innerText(), /Encuesta de Evaluación Rápida sobre el Impacto del COVID-19/);
  assert.match(await list.innerText(), /35,0 %/);
  await shot(page, 'studies-01-catalogue', { fullPage: false });
  await page.getByRole('searchbox', { name: 'Buscar' }).fill('participacion POLITICA');
  await until(async () => (await list.locator('li.study-card').count()) === 1, { message: 'one result' });
  await shot(page, 'studies-02-search', { fullPage: false });
  await list.getByRole('link', { name: /Participación Política y Proceso Constituyente/ }).click();
  await page.waitForURL(/\/estudios\/\d+$/);
  await settle(page);
  const findings = page.getByTestId('findings');
  await findings.waitFor();
  assert.match(await findings.innerText(), /68 %/);
  assert.match(await findings.innerText(), /81 %/);
  assert.match(await page.locator('dl.facts').innerText(), /Muestra\s*700/i);
  assert.match(await page.locator('dl.facts').innerText(), /Contrapartes\s*CADEM/i);
  await shot(page, 'studies-03-study');
  assertNoPageErrors(page, assert);
});

test('the analyst writes, publishes and corrects a study; the public page shows the file and the change', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await page.locator('a.home-link[href="/estudios/gestion"]').first().click();
  await page.waitForURL(/\/estudios\/gestion$/);
  await settle(page);
  await page.getByTestId('studies-editor').waitFor();
  await page.getByRole('link', { name: 'Nuevo estudio' }).click();
  await page.waitForURL(/\/estudios\/gestion\/nuevo$/);
  await settle(page);
  const form = page.getByTestId('study-form');
  // Without a title or a theme, the form says so.
  await form.getByRole('button', { name: 'Crear borrador' }).click();
  await until(async () => (await page.locator('.field.has-error, .field-error').count()) > 0, { message: 'errors marked' });
  await form.getByLabel(/^Título/).fill(TITLE);
  await form.getByLabel('Salud').check();
  await form.getByLabel(/^Resumen/).fill('Encuesta de prueba sobre acceso a la salud.');
  await form.getByLabel(/^Inicio del trabajo de campo/).fill('03-2021');
  await form.getByLabel(/^Término del trabajo de campo/).fill('04-2021');
  await form.getByRole('button', { name: 'Agregar hallazgo' }).click();
  await form.getByLabel(/^Hallazgo 1/).fill('De las mujeres postergó una consulta médica.');
  await form.getByLabel(/^Cifra/).fill('41,25');
  await form.getByLabel(/^Decimales/).selectOption('1');
  await form.getByLabel(/^Unidad/).selectOption('porcentaje');
  await shot(page, 'studies-04-new');
  await form.getByRole('button', { name: 'Crear borrador' }).click();
  await page.waitForURL(/\/estudios\/gestion\/\d+$/);
  await settle(page);
  const id = page.url().match(/(\d+)$/)[1];
  await page.setInputFiles('#study-file', { name: 'informe.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% informe de prueba\n') });
  await page.getByLabel(/^Título del archivo/).fill('Informe final');
  await page.getByRole('button', { name: 'Subir archivo' }).click();
  await page.getByTestId('editor-files').waitFor();
  await page.getByRole('button', { name: 'Publicar' }).click();
  await until(async () => (await page.getByRole('button', { name: 'Retirar…' }).count()) === 1, { message: 'published' });
  await settle(page);
  // A change after publication asks for the reason.
  await page.getByTestId('study-form').getByLabel(/^Cifra/).fill('39,8');
  await page.getByRole('button', { name: 'Guardar nueva versión' }).click();
  await until(async () => (await page.locator('.field.has-error, .field-error').count()) > 0, { message: 'reason asked' });
  await page.getByLabel(/^Motivo del cambio/).fill('Corrección del factor de expansión');
  await page.getByRole('button', { name: 'Guardar nueva versión' }).click();
  await page.getByText('Cambios guardados como nueva versión.').waitFor();
  // The editor shows the version just saved, not the one it had before.
  await page.getByText('Publicado · versión 2').waitFor();
  assert.equal(await page.getByTestId('study-form').getByLabel(/^Cifra/).inputValue(), '39,8');
  await shot(page, 'studies-05-editor');
  assertNoPageErrors(page, assert);

  const anon = await newPage(browser);
  await anon.goto(url(`/estudios/${id}`));
  await settle(anon);
  assert.match(await anon.getByTestId('findings').innerText(), /39,8 %/);
  assert.match(await anon.getByTestId('files').innerText(), /Informe final[\s\S]*SHA-256: [0-9a-f]{64}/);
  assert.match(await anon.getByTestId('revisions').innerText(), /Modificación después de publicado \(versión 2\).*Motivo: Corrección del factor de expansión/);
  await shot(anon, 'studies-06-public-page');
  assertNoPageErrors(anon, assert);
});
