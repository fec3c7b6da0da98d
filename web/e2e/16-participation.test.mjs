// Citizens' participation in the public account (issue 16 item 4), in a real browser: a citizen
// reads the consultation without an account, verifies her e-mail (the code is read from a real
// local SMTP server the Equidad server sends through), selects a passage and comments it, asks a
// question; the ministry's analyst answers; the citizen reads the answer. On a phone (390x844) the
// «Comentar este párrafo» button is the touch fallback. HTML typed by a citizen is shown as text.
//
// The server under test must send mail to this file's SMTP server: start it with
// EQ_SMTP=127.0.0.1:2526 (or set EQ_E2E_SMTP_PORT for both).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpServer } from '../../tests/integration/smtp_server.mjs';
import { assertNoPageErrors, launch, login, newPage, settle, shot, url } from './helpers.mjs';

const RUN_ID = Date.now().toString(36);
let browser, smtp, processPath;

before(async () => {
  smtp = await startSmtpServer({ port: Number(process.env.EQ_E2E_SMTP_PORT ?? 2526) });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await smtp?.close();
});

// The first mail to `email` after the `sent` ones already there (a second verification of the same
// address must read the new code, not the first one).
const codeMails = (email) => smtp.messages.filter((m) => m.to.includes(email) && /código de verificación/.test(m.body));
async function newMail(email, sent) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const list = codeMails(email);
    if (list.length > sent) return list[sent];
    if (Date.now() > deadline) throw new Error(`no new mail to ${email} within 15 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function verify(page, email, name) {
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Nombre que se mostrará').fill(name);
  const sent = codeMails(email).length;
  await page.getByRole('button', { name: 'Enviar código' }).click();
  const mail = await newMail(email, sent);
  const code = /código de verificación es: (\d{6})/.exec(mail.body)[1];
  await page.locator('input[name="code"]').fill(code);
  await page.getByRole('button', { name: 'Confirmar' }).click();
  await page.getByText(`Participa como ${name}`).waitFor({ timeout: 15000 }).catch(async (e) => {
    throw new Error(`${e.message}\n${await page.locator('main').innerText()}`);
  });
}

test('a citizen reads, selects a passage, verifies her e-mail, comments and asks; the ministry answers; she reads the answer', async () => {
  const page = await newPage(browser);
  await page.goto(url('/participacion'));
  await page.getByRole('heading', { level: 1, name: 'Participación ciudadana' }).waitFor();
  await page.getByRole('link', { name: /datos de demostración/ }).first().click();
  await page.waitForURL((u) => /^\/participacion\/\d+$/.test(u.pathname));
  processPath = new URL(page.url()).pathname;
  await page.getByText(/respondidas a tiempo/).waitFor();
  await settle(page);
  await shot(page, '16-participation-read');

  const email = `camila.${RUN_ID}@correo.test`;
  await verify(page, email, 'Camila');

  // Select a passage of the first paragraph, as a mouse or a finger does (selectionchange).
  const para = page.locator('[data-para]').first();
  const paraText = await para.innerText();
  const quote = await para.evaluate((el) => {
    const node = el.firstChild;
    const text = node.textContent;
    const start = text.indexOf(' ') + 1;
    const end = Math.min(text.length, start + 40);
    const r = document.createRange();
    r.setStart(node, start);
    r.setEnd(node, end);
    const sel = document.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
    return text.slice(start, end);
  });
  await page.getByRole('button', { name: 'Comentar la selección' }).click();
  const form = page.getByRole('form', { name: 'Comentar el pasaje seleccionado' });
  await form.getByText(`«${quote}»`).waitFor();
  const body = `<b>negrita</b><script>window.__pwned = 1</script> Me parece bien ${RUN_ID}`;
  await form.getByLabel('Su comentario').fill(body);
  await shot(page, '16-participation-selection');
  await form.getByRole('button', { name: 'Publicar comentario' }).click();
  await page.getByText('Su comentario fue publicado.').waitFor({ timeout: 60000 });
  const shown = page.locator('.participation-body', { hasText: RUN_ID }).first();
  assert.equal(await shown.innerText(), body, 'the HTML is shown as typed, as text');
  assert.equal(await page.evaluate(() => window.__pwned), undefined, 'no script ran');
  assert.equal(await page.locator('.participation-comment b').count(), 0, 'no element was made from the comment');
  assert.ok(paraText.includes(quote));

  // A question by topic and region.
  await page.getByLabel('Tema').selectOption({ label: 'Vida libre de violencia' });
  await page.getByLabel('Región').selectOption({ label: 'Región de Valparaíso' });
  const question = `¿Cuándo abre el Centro de la Mujer de mi comuna? ${RUN_ID}`;
  await page.getByLabel('Su pregunta').fill(question);
  await page.getByRole('button', { name: 'Enviar pregunta' }).click();
  await page.getByText('Su pregunta fue enviada.').waitFor({ timeout: 60000 });
  const item = page.locator('.participation-question', { hasText: RUN_ID });
  await item.getByText('Esperando respuesta').waitFor();
  assert.match(await item.innerText(), /Plazo de respuesta: \d{2}-\d{2}-\d{4}/);
  await shot(page, '16-participation-asked');
  assertNoPageErrors(page, assert);

  // The ministry answers publicly.
  const analyst = await newPage(browser);
  await login(analyst, 'analista@equidad.demo', { totpExpected: false });
  await analyst.goto(url(processPath));
  const mine = analyst.locator('.participation-question', { hasText: RUN_ID });
  await mine.getByLabel('Respuesta pública del Ministerio').fill('El Centro de la Mujer abrirá en marzo; le informaremos por este medio.');
  await mine.getByRole('button', { name: 'Publicar respuesta' }).click();
  await mine.getByText('Respondida a tiempo').waitFor();
  await shot(analyst, '16-participation-answered');

  // The citizen reads the answer.
  await page.reload();
  const answered = page.locator('.participation-question', { hasText: RUN_ID });
  await answered.getByText('El Centro de la Mujer abrirá en marzo').waitFor();
  assert.match(await answered.innerText(), /Respuesta de .*Ministerio/);
  assertNoPageErrors(page, assert);
});

test('on a phone (390x844): «Comentar este párrafo» comments a whole paragraph without selecting', async () => {
  const page = await newPage(browser, { width: 390, height: 844 });
  await page.goto(url(processPath));
  await page.getByText(/respondidas a tiempo/).waitFor();
  await verify(page, `paula.${RUN_ID}@correo.test`, 'Paula');
  await shot(page, '16-participation-phone', { fullPage: false });
  await page.getByRole('button', { name: 'Comentar este párrafo' }).first().click();
  const form = page.getByRole('form', { name: 'Comentar el pasaje seleccionado' });
  await form.getByLabel('Su comentario').fill(`Desde el teléfono ${RUN_ID}`);
  await form.getByRole('button', { name: 'Publicar comentario' }).scrollIntoViewIfNeeded();
  await shot(page, '16-participation-phone-form', { fullPage: false });
  await form.getByRole('button', { name: 'Publicar comentario' }).click();
  await page.getByText('Su comentario fue publicado.').waitFor({ timeout: 60000 });
  await page.locator('.participation-body', { hasText: `Desde el teléfono ${RUN_ID}` }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll on a phone (${overflow} px)`);
  assertNoPageErrors(page, assert);
});

// Three citizens report Paula's comment from the phone test (over the API, each verified through the
// SMTP server): it is hidden. Paula, signed in again with her e-mail, appeals from the page; the
// analyst sees it under «Moderación» with the reasons and the appeal, and restores it.
async function apiToken(email, pseudonym) {
  const post = (p, body) => fetch(url(p), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const asked = await post('/api/v1/participation/public/verify', { email, pseudonym });
  const said = await asked.text();
  assert.ok(asked.ok, said);
  const mail = await smtp.waitFor(email, /código/, 15000);
  const code = /código de verificación es: (\d{6})/.exec(mail.body)[1];
  const ok = await post('/api/v1/participation/public/verify/confirm', { email, code });
  const text = await ok.text();
  assert.ok(ok.ok, text);
  return JSON.parse(text).token;
}

test('moderation: hidden after three reports, the author appeals, the ministry restores it', async () => {
  const processId = processPath.split('/').pop();
  const view = await (await fetch(url(`/api/v1/participation/public/processes/${processId}`))).json();
  const target = view.comments.find((c) => (c.body ?? '').includes(`Desde el teléfono ${RUN_ID}`));
  assert.ok(target, 'the phone comment is published');
  for (const n of [1, 2, 3]) {
    const token = await apiToken(`reporta${n}.${RUN_ID}@correo.test`, `Vecina ${n}`);
    const r = await fetch(url(`/api/v1/participation/public/posts/${target.id}/report`), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token, reason: 'ofensivo' }) });
    const said = await r.text();
    assert.ok(r.ok, said);
  }

  const page = await newPage(browser);
  await page.goto(url(processPath));
  await page.getByText(/respondidas a tiempo/).waitFor();
  await verify(page, `paula.${RUN_ID}@correo.test`, 'Paula');
  const hidden = page.locator('.participation-comment.is-hidden').filter({ has: page.getByRole('button', { name: 'Apelar (si usted lo escribió)' }) }).first();
  await hidden.getByRole('button', { name: 'Apelar (si usted lo escribió)' }).click();
  await page.getByLabel('Por qué su mensaje debería volver a publicarse').fill(`Mi comentario no ofende a nadie ${RUN_ID}`);
  await page.getByRole('button', { name: 'Enviar apelación' }).click();
  await page.getByText('Su apelación quedó registrada; el Ministerio la revisará.').waitFor({ timeout: 30000 });
  assertNoPageErrors(page, assert);

  const analyst = await newPage(browser);
  await login(analyst, 'analista@equidad.demo', { totpExpected: false });
  await analyst.goto(url(processPath));
  const panel = analyst.getByRole('region', { name: 'Moderación' });
  const row = panel.getByRole('row').filter({ hasText: `Desde el teléfono ${RUN_ID}` });
  await row.waitFor();
  assert.match(await row.innerText(), /Ofensivo: 3/);
  assert.match(await row.innerText(), new RegExp(`Mi comentario no ofende a nadie ${RUN_ID}`));
  await shot(analyst, '16-participation-moderation');
  await row.getByRole('button', { name: 'Restaurar' }).click();
  await row.waitFor({ state: 'detached', timeout: 30000 });
  await analyst.locator('.participation-body', { hasText: `Desde el teléfono ${RUN_ID}` }).first().waitFor();
  assertNoPageErrors(analyst, assert);
});

test('the ministry opens a process: dates out of order are refused on the field, then it opens', async () => {
  const analyst = await newPage(browser);
  await login(analyst, 'analista@equidad.demo', { totpExpected: false });
  await analyst.goto(url('/participacion'));
  await analyst.getByRole('button', { name: 'Abrir un proceso de participación' }).click();
  const form = analyst.getByRole('form', { name: 'Abrir un proceso de participación' });
  await form.getByLabel('Cuenta pública (período publicado)').selectOption({ index: 1 });
  await form.getByLabel('Título del proceso').fill(`Consulta de prueba ${RUN_ID}`);
  await form.getByLabel('Consulta desde (dd-mm-aaaa)').fill('01-03-2030');
  await form.getByLabel('Respuestas del Ministerio desde (dd-mm-aaaa)').fill('01-02-2030');
  await form.getByLabel('Publicación final desde (dd-mm-aaaa)').fill('01-04-2030');
  await form.getByRole('button', { name: 'Abrir el proceso' }).click();
  await form.getByText(/seguir el orden: consulta, respuestas, publicación final/).first().waitFor();
  await shot(analyst, '16-participation-new-process-error');
  await form.getByLabel('Consulta desde (dd-mm-aaaa)').fill('01-01-2030');
  await form.getByRole('button', { name: 'Abrir el proceso' }).click();
  await analyst.waitForURL((u) => /^\/participacion\/\d+$/.test(u.pathname));
  await analyst.getByRole('heading', { level: 1, name: `Consulta de prueba ${RUN_ID}` }).waitFor();
  await analyst.getByText(/La consulta no está abierta/).waitFor();
  assertNoPageErrors(analyst, assert);
});
