// The legislative agenda: an anonymous visitor reads the demo agenda (bills, laws, filters, a
// bill's timeline, a 360 px phone); the analyst registers a bill (a malformed boletín is marked on
// its field by the server) and makes a «suma» urgency present today, whose deadline is 15 days later.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

// A boletín of this run (number-committee), unlikely to exist already.
const BOLETIN = `${Date.now() % 100000}-07`;
const TITLE = `Proyecto de prueba ${BOLETIN} sobre igualdad salarial`;

/** A calendar day in America/Santiago as dd-mm-aaaa, `offset` days from today. */
function chileDay(offset = 0) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', day: '2-digit', month: '2-digit', year: 'numeric' })
      .formatToParts(new Date())
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, p.value]),
  );
  const d = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day) + offset));
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}-${pad(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an anonymous visitor reads the agenda, filters it and opens a bill', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  const nav = page.getByRole('navigation', { name: 'Navegación principal' });
  await nav.getByRole('link', { name: 'Agenda legislativa' }).click();
  await page.waitForURL((u) => u.pathname === '/agenda-legislativa');
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Agenda legislativa');

  const table = page.getByTestId('bills-table');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /13541-07/);
  assert.match(text, /Ley N° 21\.212/);
  assert.match(text, /Diario Oficial: 04-03-2020/);
  assert.match(text, /Comisión Mixta/);
  assert.ok((await table.locator('tbody tr').count()) >= 10, 'the ten demo bills and laws');
  // Undated urgencies (the public account gives no date) are shown without an invented deadline.
  assert.match(text, /Sin fecha de cuenta/);
  await page.getByTestId('due-panel').getByRole('heading', { name: 'Urgencias por vencer' }).waitFor();
  // Visitors cannot register anything.
  assert.equal(await page.getByRole('button', { name: 'Nuevo proyecto' }).count(), 0);

  // Filter by stage (kept in the address) and by text (accents ignored by the server).
  await page.getByLabel('Etapa').selectOption('segundo_tramite');
  await page.waitForURL(/etapa=segundo_tramite/);
  await until(async () => !/13541-07/.test(await table.innerText()), { message: 'the list filtered by stage' });
  assert.match(await table.innerText(), /11077-07/);
  await page.getByLabel('Etapa').selectOption('');
  await page.getByLabel('Buscar').fill('telematico');
  await until(async () => (await table.locator('tbody tr').count()) === 2, { message: 'the search narrowed to two bills' });
  assert.match(await table.innerText(), /9715-07/);
  await page.getByLabel('Buscar').fill('');
  await until(async () => (await table.locator('tbody tr').count()) >= 10, { message: 'the whole list again' });
  await shot(page, '08-legislative-list');

  // On a 360 px phone the table becomes cards, without horizontal scrolling.
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await shot(page, '08-legislative-list-mobile', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 860 });

  // A bill's detail and timeline, reached from the list (the heading receives focus).
  await table.getByRole('link', { name: /monitoreo telemático/ }).click();
  await page.waitForURL(/\/agenda-legislativa\/\d+$/);
  await settle(page);
  await page.getByText('Boletín N° 13541-07').first().waitFor();
  const facts = await page.getByTestId('bill-facts').innerText();
  assert.match(facts, /27-05-2020/);
  assert.match(facts, /Primer trámite constitucional/);
  const timeline = page.getByTestId('timeline');
  assert.match(await timeline.innerText(), /27-05-2020[\s\S]*Ingreso al Congreso Nacional/);
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  assert.equal(await page.getByRole('heading', { name: 'Registrar un movimiento' }).count(), 0, 'no form for visitors');
  await shot(page, '08-legislative-detail');

  // A published law: its number and Diario Oficial date.
  await page.goto(url('/agenda-legislativa'));
  await settle(page);
  await page.getByTestId('bills-table').getByRole('link', { name: /Ley Gabriela/ }).click();
  await page.getByText('Ley N° 21.212').first().waitFor();
  await settle(page);
  const lawFacts = await page.getByTestId('bill-facts').innerText();
  assert.match(lawFacts, /N° 21\.212/);
  assert.match(lawFacts, /Publicación en el Diario Oficial\s+04-03-2020/i);
  assert.match(await page.getByTestId('timeline').innerText(), /04-03-2020/);
  await shot(page, '08-legislative-law');

  // An unknown bill.
  await page.goto(url('/agenda-legislativa/999999'));
  await settle(page);
  await page.getByRole('heading', { level: 1, name: 'Proyecto no encontrado' }).waitFor();
  assertNoPageErrors(page, assert);
});

test('the analyst registers a bill and makes a suma urgency present', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo', { totpExpected: false });
  await page.goto(url('/agenda-legislativa'));
  await settle(page);
  await page.getByRole('button', { name: 'Nuevo proyecto' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();

  // A malformed boletín: the server's message is attached to the boletín input, which gets focus.
  await dialog.getByLabel('Boletín').fill('13541/07');
  await dialog.getByLabel('Título').fill(TITLE);
  await dialog.getByLabel('Iniciativa').selectOption('mocion');
  await dialog.getByLabel('Cámara de origen').selectOption('camara');
  assert.equal(await dialog.getByLabel('Fecha de ingreso').inputValue(), chileDay(0), 'today by default, as dd-mm-aaaa');
  await dialog.getByRole('button', { name: 'Registrar proyecto' }).click();
  await dialog.locator('[role="alert"].alert-error').waitFor();
  const boletin = dialog.getByLabel('Boletín');
  assert.equal(await boletin.getAttribute('aria-invalid'), 'true');
  const described = await boletin.getAttribute('aria-describedby');
  const errorText = await page.evaluate(
    (ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
    described,
  );
  assert.match(errorText, /número-comisión/);
  await until(async () => (await page.evaluate(() => document.activeElement?.getAttribute('name'))) === 'boletin', {
    message: 'focus on the boletín input',
  });
  await shot(page, '08-legislative-new-error', { fullPage: false });

  // A valid one: the page moves to the new bill.
  await boletin.fill(BOLETIN);
  await dialog.getByRole('button', { name: 'Registrar proyecto' }).click();
  await page.waitForURL(/\/agenda-legislativa\/\d+$/);
  await settle(page);
  await page.getByText(`Se registró el proyecto Boletín N° ${BOLETIN}.`).waitFor();
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), TITLE);
  assert.match(await page.getByTestId('timeline').innerText(), new RegExp(`${chileDay(0)}[\\s\\S]*Ingreso del proyecto`));

  // A date in the future is refused by the server and marked on the date input.
  const form = page.locator('form').filter({ has: page.getByLabel('Tipo de movimiento') });
  await form.getByLabel('Tipo de movimiento').selectOption('urgency_set');
  await form.getByLabel('Urgencia').selectOption('suma');
  await form.getByLabel('Fecha de cuenta en la Sala').fill(chileDay(1));
  await form.getByRole('button', { name: 'Registrar movimiento' }).click();
  await page.locator('.event-form [role="alert"].alert-error').waitFor();
  assert.equal(await form.getByLabel('Fecha de cuenta en la Sala').getAttribute('aria-invalid'), 'true');

  // Suma urgency reported today: 15 calendar days.
  await form.getByLabel('Fecha de cuenta en la Sala').fill(chileDay(0));
  await form.getByRole('button', { name: 'Registrar movimiento' }).click();
  await page.getByText('Se registró el movimiento.').waitFor();
  const urgency = page.getByTestId('bill-urgency');
  await until(async () => (await urgency.innerText()).includes(chileDay(15)), { message: `the deadline ${chileDay(15)}` });
  const urgencyText = await urgency.innerText();
  assert.match(urgencyText, /Suma/);
  assert.match(urgencyText, /vence en 15 días/);
  assert.match(urgencyText, new RegExp(`Se dio cuenta el ${chileDay(0)}`));
  assert.match(await page.getByTestId('timeline').innerText(), /Se hace presente urgencia Suma/);
  await shot(page, '08-legislative-urgency');

  // The list shows it too, and so does the panel of urgencies due within 30 days.
  await page.goto(url('/agenda-legislativa'));
  await settle(page);
  const panel = page.getByTestId('due-panel');
  await until(async () => (await panel.innerText()).includes(BOLETIN), { message: 'the new urgency in the due panel' });
  assert.match(await panel.innerText(), new RegExp(`${BOLETIN}[\\s\\S]*${chileDay(15)}[\\s\\S]*vence en 15 días`));
  const row = page.getByTestId('bills-table').locator('tbody tr', { hasText: BOLETIN });
  assert.match(await row.innerText(), new RegExp(`${chileDay(15)}[\\s\\S]*vence en 15 días`));
  assertNoPageErrors(page, assert);
});
