// The Registro Único de casos and its early alerts in the browser. The case worker of the Centro de
// la Mujer Santiago finds Ana María Soto, opens her file, registers a contact (it appears in her
// timeline), a risk assessment (the server's level and the rule that fired are shown) and sees a
// server field error next to its input. The case worker of Carabineros sees the centre's records
// masked, asks for emergency access and then sees them; works the referral inbox and the critical
// alerts of the inbox. The administrator tries a rule on the history (dry run).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

const STAMP = `e2e ${Date.now() % 1000000}`;
let browser;
let anaPath = null;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function searchAna(page) {
  await page.getByLabel('Nombres').fill('Ana María');
  await page.getByLabel('Primer apellido').fill('Soto');
  await page.getByLabel('Fecha de nacimiento').fill('1991');
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  const table = page.getByTestId('search-results');
  await table.waitFor();
  return table;
}

test('case worker: search, file, new contact in the timeline, risk form, field errors', async () => {
  const page = await newPage(browser);
  await login(page, 'caso@equidad.demo');
  const nav = page.getByRole('navigation', { name: 'Navegación principal' });
  await nav.getByRole('link', { name: 'Casos' }).click();
  await page.waitForURL((u) => u.pathname === '/casos');
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Búsqueda de personas');

  // Nobody matches: the way to register a new attention is offered.
  await page.getByLabel('Nombres').fill('Zoraida');
  await page.getByLabel('Primer apellido').fill('Quintanilla');
  await page.getByLabel('Fecha de nacimiento').fill('1950');
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await page.getByTestId('no-results').waitFor();
  assert.ok(await page.getByTestId('no-results').getByRole('link', { name: 'Registrar nueva atención' }).isVisible());
  await shot(page, 'cases-01-search-empty');
  await page.getByRole('button', { name: 'Limpiar' }).click();

  // A malformed birth date is marked on its field before asking the server.
  await page.getByLabel('Nombres').fill('Ana María');
  await page.getByLabel('Fecha de nacimiento').fill('31-02-1991');
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await page.locator('.field-error', { hasText: 'Ese día no existe' }).waitFor();
  assert.equal(await page.getByLabel('Fecha de nacimiento').getAttribute('aria-invalid'), 'true');

  const table = await searchAna(page);
  await until(async () => /Ana María Soto Vergara/.test(await table.innerText()), { message: 'Ana in the results' });
  const row = table.locator('tr', { hasText: 'Ana María Soto Vergara' });
  assert.match(await row.innerText(), /Atendida por su institución/);
  assert.match(await row.innerText(), /14-03-1991/);
  assert.match(await row.innerText(), /Probable|Exacta/);
  await shot(page, 'cases-02-search');

  // Her file: risk, alerts, timeline across both institutions.
  await row.getByRole('link', { name: 'Ana María Soto Vergara', exact: true }).click();
  await page.waitForURL(/\/casos\/personas\/\d+$/);
  anaPath = new URL(page.url()).pathname;
  await page.getByTestId('timeline').waitFor();
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ana María Soto Vergara');
  assert.match(await page.getByTestId('person-summary').innerText(), /vital/i);
  assert.match(await page.getByTestId('identity').innerText(), /\+56 9 6123 4567/);
  const timeline = page.getByTestId('timeline');
  assert.match(await timeline.innerText(), /Carabineros de Chile/);
  assert.match(await timeline.innerText(), /Centro de la Mujer Santiago/);
  assert.ok((await timeline.getByText('Registro de otra institución: solo datos mínimos').count()) >= 1, 'the police records are masked for the centre');
  await shot(page, 'cases-03-person');

  // A new contact from her file.
  await page.getByRole('link', { name: 'Nuevo registro para esta persona' }).click();
  await page.waitForURL(/\/casos\/nuevo\?persona=\d+/);
  await page.getByTestId('record-form').waitFor();
  await settle(page);
  await page.getByLabel('Canal').selectOption('presencial');
  await page.getByLabel('Resumen de la atención').fill(`Seguimiento presencial ${STAMP}: se revisa plan de seguridad.`);
  await page.getByLabel(/La mujer consiente que este registro se cuente/).check();
  await shot(page, 'cases-04-new-contact');
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  const saved = page.getByTestId('saved-record');
  await saved.waitFor();
  assert.match(await page.getByTestId('linkage').innerText(), /Persona ya registrada/);
  await shot(page, 'cases-05-saved');
  await saved.getByRole('link', { name: 'Ver la ficha' }).click();
  await page.waitForURL((u) => u.pathname === anaPath);
  await page.getByTestId('timeline').waitFor();
  await until(async () => (await page.getByTestId('timeline').innerText()).includes(STAMP), { message: 'the new contact in the timeline' });
  const first = page.getByTestId('record').first();
  assert.match(await first.innerText(), new RegExp(STAMP));
  assert.match(await first.innerText(), /Registrado por Valentina Reyes Contreras/);

  // A risk assessment: the server computes the level; a death threat with a weapon makes it vital.
  await page.getByRole('link', { name: 'Nuevo registro para esta persona' }).click();
  await page.getByTestId('record-form').waitFor();
  await page.getByLabel('Tipo de registro').selectOption('risk_assessment');
  const form = page.getByTestId('risk-form');
  await form.waitFor();
  // Saving without answers: the server names the first missing item, marked next to it.
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  await page.locator('.risk-item.has-error').first().waitFor();
  assert.match(await page.locator('.alert-error').innerText(), /Responda la pregunta obligatoria/);
  const items = form.locator('fieldset.risk-item');
  const n = await items.count();
  assert.ok(n >= 10, `the instrument's items (${n})`);
  for (let i = 0; i < n; i++) await items.nth(i).locator('input[type=radio]').first().check();
  await form.locator('fieldset[data-item="amenaza_muerte"]').getByLabel('Sí, con un arma').check();
  await until(async () => /vital/i.test(await page.getByTestId('risk-live').innerText()), { message: 'the live level' });
  assert.match(await page.getByTestId('risk-live').innerText(), /Amenaza de muerte con arma/);
  await shot(page, 'cases-06-risk-form');
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  const result = page.getByTestId('risk-result');
  await result.waitFor();
  const resultText = await result.innerText();
  assert.match(resultText, /Amenaza de muerte con arma/);
  assert.match(resultText, /vital/i);
  await shot(page, 'cases-07-risk-saved');

  // A new person with an impossible phone: the server's error sits next to the phone input.
  await page.goto(url('/casos/nuevo?given_names=Prueba&surname1=Telefono'));
  await page.getByTestId('record-form').waitFor();
  await settle(page);
  assert.equal(await page.getByLabel('Nombres').inputValue(), 'Prueba');
  await page.getByLabel('Canal').selectOption('linea_1455');
  await page.getByLabel('Teléfono').fill('12');
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  const phone = page.getByLabel('Teléfono');
  await until(async () => (await phone.getAttribute('aria-invalid')) === 'true', { message: 'the phone marked invalid' });
  const described = await phone.getAttribute('aria-describedby');
  assert.ok(described);
  const msg = await page.locator(`[id="${described.split(' ').find((x) => x.endsWith('-err'))}"]`).innerText();
  assert.match(msg, /teléfono/i);
  await shot(page, 'cases-08-field-error');

  // A migrant woman typed slightly differently: linkage is unsure and sends her to the review queue,
  // where the two records are compared side by side and a person decides.
  await page.goto(url('/casos/nuevo'));
  await page.getByTestId('record-form').waitFor();
  await settle(page);
  await page.getByLabel('Nombres').fill('Yelitza');
  await page.getByLabel('Primer apellido').fill('Rodriguez');
  await page.getByLabel('Fecha de nacimiento').fill('1993');
  await page.getByLabel('Comuna de residencia').fill('Las Condes');
  await page.getByLabel('Canal').selectOption('chat_silencioso');
  await page.waitForTimeout(600); // the comuna's name is resolved to its code
  await page.getByRole('button', { name: 'Guardar registro' }).click();
  await page.getByTestId('saved-record').waitFor();
  const linkage = await page.getByTestId('linkage').innerText();
  assert.match(linkage, /enviada a revisión|Persona nueva|Vinculada/);
  if (/enviada a revisión/.test(linkage)) {
    await page.getByRole('link', { name: 'Ir a la revisión de vinculaciones' }).click();
    await page.waitForURL(/\/casos\/revisiones\?revision=\d+/);
    const cmp = page.getByTestId('comparison');
    await cmp.waitFor();
    await settle(page);
    assert.match(await cmp.innerText(), /Yelitza/);
    assert.ok((await cmp.locator('tr.cmp-same').count()) >= 1, 'some fields agree');
    assert.ok((await cmp.locator('tr.cmp-diff, tr.cmp-missing').count()) >= 1, 'some fields differ or are missing');
    await shot(page, 'cases-10-review-detail');
    await page.getByLabel('Nota (opcional)').fill('Sin documento en común; se confirmará en la próxima atención.');
    await page.getByRole('button', { name: 'Son personas distintas' }).click();
    await page.getByText(/quedaron como personas distintas/).waitFor();
  }

  // Statistics: small counts are never shown.
  await page.goto(url('/casos/estadisticas'));
  await page.getByTestId('stats-comuna').waitFor();
  await settle(page);
  assert.match(await page.getByTestId('consent-note').innerText(), /consentimiento/);
  assert.match(await page.getByTestId('stats-comuna').innerText(), /<5/);
  await shot(page, 'cases-09-statistics');

  await page.goto(url('/casos/revisiones'));
  await settle(page);
  await shot(page, 'cases-10-reviews');
  assertNoPageErrors(page, assert);
});

test('police case worker: masked records, emergency access, referrals, critical alerts', async () => {
  assert.ok(anaPath, 'the first test found Ana');
  const page = await newPage(browser);
  await login(page, 'policia@equidad.demo');
  await page.goto(url(anaPath));
  await page.getByTestId('timeline').waitFor();
  await settle(page);
  const timeline = page.getByTestId('timeline');
  // Against a server already used by this test, an earlier emergency access may still be in force (4 h).
  const earlier = (await page.getByText('Acceso de emergencia vigente').count()) > 0;
  if (!earlier) {
    const masked = await timeline.getByText('Registro de otra institución: solo datos mínimos').count();
    assert.ok(masked >= 3, `the centre's records are masked (${masked})`);
    assert.ok(!(await timeline.innerText()).includes(STAMP), 'the centre contact summary is not shown');
    await shot(page, 'cases-11-police-masked');

    await page.getByRole('button', { name: 'Acceso de emergencia' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Acceso de emergencia' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /queda registrado y se notifica/);
    await dialog.getByLabel('Motivo de la emergencia').fill('Urgente');
    await dialog.getByRole('button', { name: 'Solicitar acceso de emergencia' }).click();
    await dialog.locator('.field-error').waitFor();
    await dialog.getByLabel('Motivo de la emergencia').fill('Llamado al 149 por agresión en curso; se necesita el plan de seguridad vigente.');
    await shot(page, 'cases-12-emergency-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Solicitar acceso de emergencia' }).click();
    await page.getByText('Acceso de emergencia vigente').waitFor();
    await until(async () => (await timeline.getByText('Registro de otra institución: solo datos mínimos').count()) === 0, { message: 'records unmasked' });
    assert.ok((await timeline.innerText()).includes(STAMP), 'the centre contact is now readable');
  }
  await shot(page, 'cases-13-police-emergency');

  // On a 360 px phone the file reads in one column, without horizontal scrolling.
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
  await shot(page, 'cases-13-person-mobile', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 860 });

  // The referral inbox: the demo referral from the centre is overdue; acknowledge it.
  await page.goto(url('/casos/derivaciones'));
  const refs = page.getByTestId('referrals-table');
  await refs.waitFor();
  await settle(page);
  assert.match(await refs.innerText(), /Rosa Elena Muñoz Tapia/);
  const ack = refs.getByRole('button', { name: /Acusar recibo/ }).first();
  // The demo referral's acknowledgement deadline has passed (unless an earlier run acknowledged it).
  if (await ack.count()) assert.ok((await refs.locator('tr.row-overdue').count()) >= 1, 'an overdue referral is highlighted');
  await shot(page, 'cases-14-referrals');
  if (await ack.count()) {
    await ack.click();
    await page.getByText(/Se registró el acuse de recibo/).waitFor();
  }
  await page.getByRole('tab', { name: 'Enviadas' }).click();
  await page.waitForURL(/bandeja=enviadas/);
  await settle(page);

  // Critical alerts in the inbox; take one and close it.
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Alertas' }).click();
  await page.waitForURL((u) => u.pathname === '/alertas');
  const alerts = page.getByTestId('alerts-table');
  await alerts.waitFor();
  await settle(page);
  assert.ok((await alerts.locator('.sev-critica').count()) >= 1, 'critical alerts are listed');
  await shot(page, 'alerts-01-inbox');
  await page.setViewportSize({ width: 360, height: 740 });
  const overflowInbox = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflowInbox <= 0, `horizontal overflow of ${overflowInbox}px in the inbox`);
  await shot(page, 'alerts-01-inbox-mobile', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.getByLabel('Severidad').selectOption('critica');
  await page.waitForURL(/severidad=critica/);
  await until(async () => (await alerts.locator('.sev-alta').count()) === 0 && (await alerts.locator('.sev-critica').count()) > 0, { message: 'only critical' });
  // Take a new critical alert and close it (three critical alerts in the demo: one per run).
  const fresh = alerts.getByRole('link', { name: /Atender/ });
  if ((await fresh.count()) === 0) return;
  await fresh.first().click();
  await page.waitForURL(/\/alertas\/\d+$/);
  await page.getByTestId('explanation').waitFor();
  await settle(page);
  await page.getByRole('button', { name: 'Tomar alerta' }).click();
  await page.getByText(/Tomó la alerta/).waitFor();
  await page.getByRole('button', { name: 'Cerrar alerta' }).click();
  await page.locator('.field-error').first().waitFor();
  await page.getByLabel('Resultado').selectOption('contacto_realizado');
  await page.getByRole('textbox', { name: /^Nota/ }).fill(`Se contactó a la mujer (${STAMP}).`);
  await shot(page, 'alerts-02-detail');
  await page.getByRole('button', { name: 'Cerrar alerta' }).click();
  await page.getByText('Alerta cerrada.').waitFor();
  await until(async () => /Tomada[\s\S]*Cerrada/.test(await page.getByTestId('events').innerText()), { message: 'the closing in the history' });
  await shot(page, 'alerts-03-closed');
  assertNoPageErrors(page, assert);
});

test('administrator: alert rules and a dry run over the history', async () => {
  const page = await newPage(browser);
  await login(page, 'admin@equidad.demo');
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Reglas de alerta' }).click();
  await page.waitForURL((u) => u.pathname === '/alertas/reglas');
  const rules = page.getByTestId('rules-table');
  await rules.waitFor();
  await settle(page);
  assert.match(await rules.innerText(), /Tres o más contactos o denuncias en 30 días/);
  await shot(page, 'alerts-04-rules');

  // Try the burst rule with a lower threshold.
  await rules.locator('tr', { hasText: 'Tres o más contactos' }).getByRole('button', { name: /Probar/ }).click();
  const dry = page.getByTestId('dry-run');
  await until(async () => (await dry.getByLabel('Plantilla').inputValue()) === 'contact_burst', { message: 'the rule in the dry-run panel' });
  await dry.getByLabel('Cantidad mínima').fill('2');
  await dry.getByRole('button', { name: 'Probar sobre la historia' }).click();
  const result = page.getByTestId('dry-result');
  await result.waitFor({ timeout: 30000 });
  assert.match(await result.innerText(), /alertas/);
  assert.ok((await result.getByText(/Ficha N° \d+/).count()) >= 1, 'examples are listed');
  await shot(page, 'alerts-05-dry-run');

  // Editing a rule saves a new version.
  await rules.locator('tr', { hasText: 'Reevaluación de riesgo vencida' }).getByRole('button', { name: /Editar/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const take = dialog.getByLabel('Plazo para tomarla (minutos)');
  await take.fill(String(Number(await take.inputValue()) + 5));
  await shot(page, 'alerts-06-rule-edit', { fullPage: false });
  await dialog.getByRole('button', { name: 'Guardar versión nueva' }).click();
  await page.getByText(/Se guardó la versión \d+/).waitFor();
  assertNoPageErrors(page, assert);
});
