// Policy tracking in the browser: the public dashboard of validated progress; a focal point
// (Ministerio de Salud) submits a report with an evidence file; an analyst validates it from the
// queue; the public dashboard shows the new percentage. Screenshots in build/screenshots/.
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

async function instrument(page, code) {
  const r = await page.request.get(url('/api/v1/policy/public/instruments'));
  return (await r.json()).items.find((i) => i.code === code);
}

test('public dashboard, report with evidence, validation, new percentage', async () => {
  const page = await newPage(browser);
  await page.goto(url('/'));
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Políticas' }).click();
  await page.waitForURL((u) => u.pathname === '/politicas');
  await page.getByTestId('instrument-cards').locator('article').first().waitFor();
  await settle(page);
  const cards = page.getByTestId('instrument-cards');
  assert.equal(await cards.locator('article').count(), 7);
  const pmg = await cards.locator('article[data-code="pmg-genero"]').innerText();
  assert.match(pmg, /98,7 %/);
  assert.match(pmg, /2,6 compromisos por servicio/);
  assert.match(await cards.locator('article[data-code="plan-igualdad"]').innerText(), /105 sin reporte/);
  await shot(page, 'policy-01-dashboard');
  const before = await instrument(page, 'compromisos-ministeriales');

  // The instrument tree with published weights.
  await cards.locator('article[data-code="compromisos-ministeriales"]').getByRole('link').first().click();
  await page.waitForURL((u) => u.pathname.startsWith('/politicas/instrumentos/'));
  await page.getByTestId('tree-node').first().waitFor();
  await settle(page);
  assert.ok((await page.getByTestId('tree-node').count()) >= 39);
  await shot(page, 'policy-02-tree');

  // The focal point reports with an evidence file.
  await login(page, 'enlace@equidad.demo');
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Mis reportes' }).click();
  await page.waitForURL((u) => u.pathname === '/politicas/mis-reportes');
  const mine = page.getByTestId('my-reports');
  await mine.locator('tbody tr').first().waitFor();
  await settle(page);
  await shot(page, 'policy-03-my-reports');
  await mine.getByRole('link', { name: 'Compromiso sectorial ilustrativo 1' }).first().click();
  await page.waitForURL((u) => u.pathname.startsWith('/politicas/items/'));
  await page.getByRole('heading', { name: 'Reportar avance' }).waitFor();
  // Bad input is marked on its field.
  await page.getByLabel('Estado').selectOption('terminado');
  await page.getByLabel('Avance (%)').fill('120');
  await page.getByLabel('Descripción de lo realizado').fill('Se implementó el protocolo de acoso en todos los servicios de salud.');
  await page.getByRole('button', { name: 'Enviar reporte' }).click();
  await page.getByText('El avance debe ser un número entero entre 0 y 100.').first().waitFor();
  await page.getByLabel('Avance (%)').fill('100');
  await page.locator('#evidence').setInputFiles({ name: 'protocolo-acoso.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nprotocolo\n') });
  await page.getByRole('button', { name: 'Enviar reporte' }).click();
  await page.getByText(/Reporte enviado \(versión 1\)/).waitFor();
  // The item also lists its 2020 report from the demo history; the new one carries the file.
  await page.getByTestId('report').filter({ hasText: 'protocolo-acoso.pdf' }).first().waitFor();
  await settle(page);
  await shot(page, 'policy-04-report-sent');
  assertNoPageErrors(page, assert);
  await logout(page);

  // The analyst validates it from the queue.
  await login(page, 'analista@equidad.demo');
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Validación' }).click();
  await page.waitForURL((u) => u.pathname === '/politicas/validacion');
  const item = page.getByTestId('queue-item').filter({ hasText: 'Ministerio de Salud' }).first();
  await item.waitFor();
  await settle(page);
  await shot(page, 'policy-05-queue');
  await item.getByRole('button', { name: 'Validar' }).click();
  await page.getByText(/validado\./).first().waitFor();
  await logout(page);

  // The public dashboard shows the new percentage.
  const after = await instrument(page, 'compromisos-ministeriales');
  // The leaf had its 2020 report (demo history): it stays reported, now with the new progress.
  assert.equal(after.reported, before.reported);
  assert.notEqual(after.progress_text, before.progress_text);
  await page.goto(url('/politicas'));
  const card = page.getByTestId('instrument-cards').locator('article[data-code="compromisos-ministeriales"]');
  await card.waitFor();
  await until(async () => (await card.innerText()).includes(after.progress_text), { message: `card shows ${after.progress_text}` });
  await settle(page);
  await shot(page, 'policy-06-dashboard-after');
  assertNoPageErrors(page, assert);
});

test('an analyst imports items from CSV and reads the per-row report; bills linked to the Agenda Mujer', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await page.goto(url('/politicas/validacion'));
  const form = page.getByTestId('import-items');
  await form.waitFor();
  const csv = [
    'instrumento,codigo,codigo_superior,nivel,titulo,peso',
    'plan-violencia,E2E-1,,eje,Eje importado desde el navegador,',
    'plan-violencia,E2E-2,E2E-1,compromiso,Compromiso importado,"1,5"',
    'plan-violencia,E2E-3,E2E-1,nivel_raro,Fila con nivel inválido,',
  ].join('\r\n');
  await form.locator('input[type=file]').setInputFiles({ name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}\r\n`, 'utf8') });
  await form.getByRole('button', { name: 'Importar' }).click();
  const report = form.getByTestId('import-report');
  await report.waitFor();
  assert.match(await report.innerText(), /3 filas leídas: 2 importadas, 1 rechazadas/);
  const errors = form.getByTestId('import-errors');
  assert.match(await errors.innerText(), /4\s+nivel\s+El nivel debe ser/);
  await settle(page);
  await form.scrollIntoViewIfNeeded();
  await shot(page, 'policy-07-import-report');

  // Link a bill to an Agenda Mujer area from its page; the bill page lists the commitment.
  const am = await instrument(page, 'agenda-mujer');
  const tree = await (await page.request.get(url(`/api/v1/policy/public/instruments/${am.id}`))).json();
  const area = tree.items.find((i) => i.code === 'iii');
  await page.goto(url(`/politicas/items/${area.id}`));
  const bills = page.getByTestId('item-bills');
  await bills.waitFor();
  await bills.getByLabel('Boletín del proyecto (NNNNN-NN)').fill('12026-13');
  await bills.getByRole('button', { name: 'Vincular' }).click();
  await bills.getByRole('link', { name: 'Boletín 12026-13' }).waitFor();
  await settle(page);
  await shot(page, 'policy-08-item-bills');
  await bills.getByRole('link', { name: 'Boletín 12026-13' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/agenda-legislativa/'));
  const commitments = page.getByTestId('bill-commitments');
  await commitments.waitFor();
  assert.match(await commitments.innerText(), /Promoción de la autonomía de las mujeres/);
  await settle(page);
  await shot(page, 'policy-09-bill-commitments');
  assertNoPageErrors(page, assert);
});

test('dashboard charts: by instrument, ministry, region and over time; bars drill down', async () => {
  const page = await newPage(browser);
  await page.goto(url('/politicas'));
  const byInstrument = page.getByTestId('chart-instrument');
  await byInstrument.locator('svg').first().waitFor();
  await settle(page);
  const [ins, inst, reg, hist] = await Promise.all(
    ['/api/v1/policy/public/instruments', '/api/v1/policy/public/rollup?by=institution', '/api/v1/policy/public/rollup?by=region',
      '/api/v1/policy/public/history'].map(async (p) => (await (await page.request.get(url(p))).json()).items));
  const fmt = (n) => `${n.toLocaleString('es-CL', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

  // Each chart is drawn (SVG with bars or lines), has a caption, and its table states the same figures.
  const regionNames = new Map((await (await page.request.get(url('/api/v1/territory/regions'))).json()).items.map((r) => [r.id, r.name]));
  const charts = [['chart-instrument', ins], ['chart-institution', inst]];
  if (reg.length) charts.push(['chart-region', reg.map((g) => ({ ...g, name: regionNames.get(g.key) ?? g.name }))]);
  assert.ok(!reg.length || regionNames.has(reg[0].key), 'regions are shown by name');
  for (const [id, rows] of charts) {
    const fig = page.getByTestId(id);
    await fig.locator('svg path').first().waitFor({ state: 'attached' });
    assert.ok((await fig.locator('figcaption').innerText()).length > 0, `${id} has a caption`);
    const table = await fig.locator('table').textContent();
    for (const r of rows) assert.ok(table.includes(r.name) && table.includes(fmt(r.progress)), `${id}: ${r.name} ${fmt(r.progress)}`);
    assert.match(await fig.locator('.pol-chart-canvas').getAttribute('aria-label'), /Avance validado/);
  }
  assert.match(await byInstrument.locator('table').textContent(), /\d,\d %/, 'es-CL decimal comma');

  // Over time: one row per instrument with periods, the validated report shows from its period on.
  const withPeriods = hist.filter((h) => h.periods.length);
  assert.ok(withPeriods.length > 0, 'the demo has reporting periods');
  const time = page.getByTestId('chart-time');
  await time.locator('svg path').first().waitFor({ state: 'attached' });
  const timeTable = await time.locator('table').textContent();
  const cm = hist.find((h) => h.code === 'compromisos-ministeriales');
  assert.ok(cm.periods.some((p) => p.reported > 0), 'the report validated in the first test counts');
  for (const p of cm.periods) assert.ok(timeTable.includes(p.label) && timeTable.includes(fmt(p.progress)), `${p.label} ${fmt(p.progress)}`);
  await shot(page, 'policy-10-charts');
  await time.locator('details summary').click();
  await time.scrollIntoViewIfNeeded();
  await shot(page, 'policy-11-chart-time-table', { fullPage: false });

  // A ministry's bar opens its commitments; a commitment opens its item page.
  const salud = inst.find((g) => g.name === 'Ministerio de Salud');
  const instChart = page.getByTestId('chart-institution');
  await instChart.scrollIntoViewIfNeeded();
  const bars = instChart.locator('.pol-chart-canvas svg path[fill="#6b3fa0"]');
  assert.equal(await bars.count(), inst.length, 'one bar per institution');
  // Bars are drawn bottom-up in reverse order of the table: the last bar is the first row.
  const idx = inst.length - 1 - inst.indexOf(salud);
  await bars.nth(idx).click();
  const drill = page.getByTestId('group-items');
  await drill.locator('tbody tr').first().waitFor();
  await settle(page);
  assert.match(await drill.locator('h3').innerText(), /Ministerio de Salud/);
  assert.equal(await drill.locator('tbody tr').count(), salud.leaves);
  await shot(page, 'policy-12-drilldown', { fullPage: false });
  await drill.locator('tbody a').first().click();
  await page.waitForURL((u) => u.pathname.startsWith('/politicas/items/'));

  // An instrument's bar opens the instrument.
  await page.goto(url('/politicas'));
  const insBars = page.getByTestId('chart-instrument').locator('.pol-chart-canvas svg path[fill="#6b3fa0"]');
  await insBars.first().waitFor({ state: 'attached' });
  assert.equal(await insBars.count(), ins.length, 'one bar per instrument');
  const top = ins.reduce((a, b) => (b.progress > a.progress ? b : a)); // a 0 % bar has no width to click
  await insBars.nth(ins.length - 1 - ins.indexOf(top)).click();
  await page.waitForURL((u) => u.pathname === `/politicas/instrumentos/${top.id}`);
  await page.getByTestId('tree-node').first().waitFor();
  assertNoPageErrors(page, assert);
});
