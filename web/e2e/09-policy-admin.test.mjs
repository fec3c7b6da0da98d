// Policy management in the browser (analyst, policy.validate): a new instrument from the dashboard,
// a top-level item and a child item with a weight, reporting periods (one reopened), a weight
// edited with the roll-up rule in view, the CSV/XLSX downloads of the instrument and item pages;
// bad input (code, empty title, negative weight, closing before opening, no reopening date) shows
// the API's Spanish message on its field. Screenshots policy-admin-*.
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

/** dd-mm-aaaa of today + `days` in Santiago. */
function dayCl(days) {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Santiago', day: '2-digit', month: '2-digit', year: 'numeric' })
    .formatToParts(new Date(Date.now() + days * 86400000));
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('day')}-${get('month')}-${get('year')}`;
}

/** The message shown on a form field (FieldShell puts it in .field-error inside the field's .field). */
async function fieldError(dialog, label) {
  const field = dialog.locator('.field', { has: dialog.page().getByLabel(label) });
  const err = field.locator('.field-error');
  await err.waitFor();
  return (await err.innerText()).replace(/^Error:\s*/, '');
}

test('an analyst creates an instrument, its items and weights, and its reporting periods', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  const code = `plan-e2e-${Date.now().toString(36)}`;
  const name = 'Plan de Igualdad entre Mujeres y Hombres 2026-2030 (prueba)';

  // New instrument from the dashboard; a bad code is refused on its field.
  await page.goto(url('/politicas'));
  await page.getByRole('button', { name: 'Nuevo instrumento' }).click();
  let dialog = page.getByRole('dialog', { name: 'Nuevo instrumento' });
  await dialog.getByLabel('Nombre').fill(name);
  await dialog.getByLabel('Código').fill('Plan 2030');
  await dialog.getByLabel('Año de inicio').fill('2026');
  await dialog.getByLabel('Año de término').fill('2030');
  await dialog.getByRole('button', { name: 'Crear instrumento' }).click();
  assert.equal(await fieldError(dialog, 'Código'), 'El código admite minúsculas, dígitos y guiones.');
  await shot(page, 'policy-admin-01-instrument-error', { fullPage: false });
  await dialog.getByLabel('Código').fill(code);
  await dialog.getByRole('button', { name: 'Crear instrumento' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/politicas/instrumentos/'));
  await page.getByRole('heading', { level: 1, name }).waitFor();
  const manage = page.getByTestId('manage');
  await manage.waitFor();

  // A top-level item: an empty title is refused with the API's message on the field.
  await manage.getByRole('button', { name: 'Agregar ítem de primer nivel' }).click();
  dialog = page.getByRole('dialog', { name: 'Agregar ítem' });
  await dialog.getByRole('button', { name: 'Agregar ítem' }).click();
  assert.equal(await fieldError(dialog, 'Título'), 'Escriba el título del ítem.');
  await shot(page, 'policy-admin-02-item-title-error', { fullPage: false });
  await dialog.getByLabel('Código').fill('1');
  await dialog.getByLabel('Título').fill('Autonomía económica de las mujeres');
  await dialog.getByLabel('Peso').fill('2');
  await dialog.getByRole('button', { name: 'Agregar ítem' }).click();
  await page.getByText('Se agregó «Autonomía económica de las mujeres» al primer nivel del instrumento.').waitFor();
  await manage.getByRole('button', { name: 'Agregar ítem de primer nivel' }).click();
  dialog = page.getByRole('dialog', { name: 'Agregar ítem' });
  await dialog.getByLabel('Código').fill('2');
  await dialog.getByLabel('Título').fill('Vida libre de violencia');
  await dialog.getByRole('button', { name: 'Agregar ítem' }).click();
  await page.getByText('Se agregó «Vida libre de violencia»').waitFor();

  // A child item with a weight, a responsible institution and an indicator; a negative weight first.
  const axis = page.getByTestId('tree-node').filter({ hasText: 'Autonomía económica de las mujeres' });
  await axis.getByRole('button', { name: 'Agregar subítem' }).click();
  dialog = page.getByRole('dialog', { name: 'Agregar ítem' });
  assert.match(await dialog.getByLabel('Ubicación en el árbol').inputValue(), /^\d+$/);
  assert.equal(await dialog.getByLabel('Nivel').inputValue(), 'meta');
  await dialog.getByLabel('Título').fill('Programa Mujer Emprende en todas las regiones');
  await dialog.getByLabel('Código').fill('1.1');
  await dialog.getByLabel('Peso').fill('-1');
  await dialog.locator('.pol-checks .check').first().click();
  // Every public body is offered; the filter narrows them by name, accents aside, keeping the chosen one.
  const chosenName = (await dialog.locator('.pol-checks .check').first().innerText()).trim();
  await dialog.getByLabel('Buscar institución').fill('SALUD');
  const offered = await dialog.locator('.pol-checks .check').allInnerTexts();
  assert.ok(offered.some((t) => /Ministerio de Salud/.test(t)), offered.join(' | '));
  assert.ok(offered.every((t) => /salud/i.test(t) || t.trim() === chosenName), offered.join(' | '));
  await dialog.getByLabel('Buscar institución').fill('');
  await dialog.getByLabel('Nombre del indicador').fill('Mujeres capacitadas');
  await dialog.getByLabel('Unidad', { exact: true }).fill('personas');
  await dialog.getByLabel('Línea base').fill('1.200');
  await dialog.getByLabel('Meta', { exact: true }).fill('5.000');
  await dialog.getByRole('button', { name: 'Agregar ítem' }).click();
  assert.equal(await fieldError(dialog, 'Peso'), 'El peso debe ser mayor que 0 y como máximo 1000.');
  await shot(page, 'policy-admin-03-weight-error', { fullPage: false });
  await dialog.getByLabel('Peso').fill('3');
  await dialog.getByRole('button', { name: 'Agregar ítem' }).click();
  await page.getByText('Se agregó «Programa Mujer Emprende en todas las regiones» bajo «Autonomía económica de las mujeres».').waitFor();
  const child = page.getByTestId('tree-node').filter({ hasText: 'Programa Mujer Emprende' });
  assert.match(await child.innerText(), /Meta · peso 3 de 3/);
  assert.match(await child.innerText(), /sin reporte/);

  // Periods: closing before opening is refused on the closing date; then a semester and a past year.
  await manage.getByRole('button', { name: 'Nuevo período de reporte' }).click();
  dialog = page.getByRole('dialog', { name: 'Nuevo período de reporte' });
  await dialog.getByLabel('Año').fill('2026');
  await dialog.getByLabel('Apertura').fill('01-08-2026');
  await dialog.getByLabel('Cierre (último día)').fill('01-07-2026');
  await dialog.getByRole('button', { name: 'Crear período' }).click();
  assert.equal(await fieldError(dialog, 'Cierre (último día)'), 'El cierre debe ser posterior a la apertura.');
  await shot(page, 'policy-admin-04-period-error', { fullPage: false });
  await dialog.getByLabel('Cierre (último día)').fill('31-08-2026');
  await dialog.getByLabel('Días de gracia').fill('5');
  await dialog.getByRole('button', { name: 'Crear período' }).click();
  await page.getByText('Se creó el período 2026-S1: recibe reportes del 01-08-2026 al 31-08-2026 y 5 días de gracia.').waitFor();
  await manage.getByRole('button', { name: 'Nuevo período de reporte' }).click();
  dialog = page.getByRole('dialog', { name: 'Nuevo período de reporte' });
  await dialog.getByLabel('Tipo de período').selectOption('anual');
  await dialog.getByLabel('Año').fill('2024');
  await dialog.getByRole('button', { name: 'Crear período' }).click();
  await page.getByText('Se creó el período 2024: recibe reportes del 01-01-2025 al 31-01-2025.').waitFor();

  // Reopen the closed year: without a date the API names the field; then until a week from today.
  const periods = page.getByTestId('periods');
  const closed = periods.locator('tr', { hasText: '2024' });
  assert.match(await closed.innerText(), /Cerrado/);
  await closed.getByRole('button', { name: 'Reabrir' }).click();
  dialog = page.getByRole('dialog', { name: 'Reabrir el período 2024' });
  await dialog.getByLabel('Motivo').fill('Cambio de autoridades en el servicio');
  await dialog.getByRole('button', { name: 'Reabrir período' }).click();
  assert.ok((await fieldError(dialog, 'Reabierto hasta (inclusive)')).length > 5);
  const until7 = dayCl(7);
  await dialog.getByLabel('Reabierto hasta (inclusive)').fill(until7);
  await dialog.getByRole('button', { name: 'Reabrir período' }).click();
  await page.getByText(`Se reabrió el período 2024 hasta el ${until7}.`).waitFor();
  await until(async () => new RegExp(`Reabierto[\\s\\S]*Reabierto hasta ${until7}`).test(await closed.innerText()), { message: 'period reopened in the table' });

  // Edit a weight: the form states the roll-up rule and the share the new weight gives.
  const violence = page.getByTestId('tree-node').filter({ hasText: 'Vida libre de violencia' });
  await violence.getByRole('button', { name: 'Editar' }).click();
  dialog = page.getByRole('dialog', { name: 'Editar ítem' });
  await dialog.getByLabel('Peso').fill('4');
  const rule = await dialog.getByTestId('weight-rule').innerText();
  assert.match(rule, /promedio ponderado/);
  assert.match(rule, /Con peso 4 y 2 de los demás ítems del nivel, este ítem pesa 66,7 %/);
  await dialog.getByLabel('Estado del ítem').selectOption('suspendido');
  await shot(page, 'policy-admin-05-edit-weight', { fullPage: false });
  await dialog.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.getByText('Se guardaron los cambios de «Vida libre de violencia».').waitFor();
  await until(async () => /peso 4 de 6 · suspendido/.test(await violence.innerText()), { message: 'new weight in the tree' });
  assert.match(await page.getByTestId('tree-node').filter({ hasText: 'Autonomía económica' }).first().innerText(), /peso 2 de 6/);

  // Every list of the page downloads as CSV and XLSX.
  const csvHref = await page.getByRole('link', { name: 'Descargar ítems (CSV)' }).getAttribute('href');
  const csv = await (await page.request.get(url(csvHref))).text();
  assert.match(csv, /Programa Mujer Emprende en todas las regiones/);
  assert.match(csv, /Vida libre de violencia,,"4,00",suspendido,/);
  const xlsx = await page.request.get(url(await page.getByRole('link', { name: 'Descargar ítems (XLSX)' }).getAttribute('href')));
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  const pcsv = await (await page.request.get(url(await page.getByRole('link', { name: 'Descargar períodos (CSV)' }).getAttribute('href')))).text();
  assert.match(pcsv, /2024,anual,01-01-2025,31-01-2025,0,/);
  await page.mouse.move(0, 0);
  await settle(page);
  await shot(page, 'policy-admin-06-instrument');

  // The item page: management buttons and the downloads of its subitems.
  await page.getByRole('link', { name: '1. Autonomía económica de las mujeres' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/politicas/items/'));
  await page.getByTestId('manage').getByRole('button', { name: 'Editar ítem' }).waitFor();
  const sub = await (await page.request.get(url(await page.getByRole('link', { name: 'Descargar subítems (CSV)' }).getAttribute('href')))).text();
  assert.match(sub, /Programa Mujer Emprende/);
  assert.doesNotMatch(sub, /Vida libre de violencia/);
  await settle(page);
  await shot(page, 'policy-admin-07-item');

  // The dashboard lists the new instrument with its 0 % and "sin reporte".
  await page.goto(url('/politicas'));
  const card = page.getByTestId('instrument-cards').locator(`article[data-code="${code}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /0(,0)? %[\s\S]*2 sin reporte/);
  assertNoPageErrors(page, assert);
});
