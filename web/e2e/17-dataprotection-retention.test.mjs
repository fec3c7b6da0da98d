// Retention and legal holds in the browser (issue 20 item 4): the data-protection officer goes
// from her home page to «Conservación y purgas», reads each kind's period and legal basis with
// what is due today, runs the purge now (confirmed; the run appears in «Purgas»), then records a
// legal hold (a period ending before it starts is refused on its field), sees it in the preview
// of the kind it holds, and releases it after confirming.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, launch, login, logout, newPage, settle, shot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the DPO reads the retention periods, runs the purge, and records and releases a legal hold', async () => {
  const page = await newPage(browser);
  await login(page, 'dpo@equidad.demo', { totpExpected: true });
  await page.locator('a.home-link[href="/datos-personales/conservacion"]').first().click();
  await page.waitForURL(/\/datos-personales\/conservacion$/);
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Conservación y purgas');
  const kinds = page.getByTestId('dp-kinds');
  await kinds.waitFor();
  const text = await kinds.innerText();
  for (const label of ['Posiciones de los dispositivos de monitoreo telemático', 'Transcripciones del chat silencioso',
    'Conversaciones de la línea silenciosa de WhatsApp', 'Relato, número y notas de los contactos'])
    assert.ok(text.includes(label), `${label} in ${text}`);
  assert.match(text, /180 días desde su recepción/);
  assert.match(text, /730 días desde el cierre del contacto/);
  assert.match(text, /Registro de protección/);
  await shot(page, 'retention-01-periods');

  const before = await page.getByTestId('dp-runs').locator('tbody tr').count();
  await page.getByTestId('dp-purge-run').click();
  await page.getByRole('dialog').getByText(/pasaron su plazo de conservación/).waitFor();
  await shot(page, 'retention-02-confirm', { fullPage: false });
  await page.getByTestId('dp-purge-confirm').click();
  await page.getByText(/Purga n\.º \d+ terminada/).waitFor();
  await settle(page);
  const runs = page.getByTestId('dp-runs');
  assert.equal(await runs.locator('tbody tr').count(), before + 1);
  assert.match(await runs.locator('tbody tr').first().innerText(), /Ejecutada por la encargada/);
  assert.match(await runs.locator('tbody tr').first().innerText(), /Terminada/);
  await shot(page, 'retention-03-run');

  await page.getByRole('link', { name: 'Retenciones legales' }).click();
  await page.waitForURL(/\/datos-personales\/retenciones$/);
  await settle(page);
  await page.getByLabel('Tipo de dato').selectOption('chat/transcripts');
  await page.getByLabel('Referencia del registro').fill('e2e-conversacion-1');
  await page.getByLabel('Fundamento').fill('Oficio de la Fiscalía Local de Santiago, causa RUC 2600123456-7.');
  await page.getByLabel(/^Desde/).fill('10-01-2027');
  await page.getByLabel(/^Hasta/).fill('09-01-2027');
  await page.getByRole('button', { name: 'Registrar retención' }).click();
  await page.locator('.field.has-error').first().waitFor();
  assert.match(await page.locator('.field.has-error').first().innerText(), /anterior a la de inicio/);
  await shot(page, 'retention-04-bad-dates');
  await page.getByLabel(/^Desde/).fill('');
  await page.getByLabel(/^Hasta/).fill('');
  await page.getByRole('button', { name: 'Registrar retención' }).click();
  const row = page.getByTestId('dp-holds').locator('tbody tr', { hasText: 'e2e-conversacion-1' });
  await row.waitFor();
  assert.match(await row.innerText(), /Transcripciones del chat silencioso: e2e-conversacion-1/);
  assert.match(await row.innerText(), /Vigente/);
  assert.match(await row.innerText(), /hasta su liberación/);
  await shot(page, 'retention-05-hold');

  await row.getByRole('button', { name: /Liberar/ }).click();
  await page.getByRole('dialog').getByText('La liberación no se puede deshacer').waitFor();
  await shot(page, 'retention-06-release-confirm', { fullPage: false });
  await page.getByTestId('dp-hold-release-confirm').click();
  await row.getByText(/Liberada el/).waitFor();
  assert.equal(await row.getByRole('button', { name: /Liberar/ }).count(), 0);
  await shot(page, 'retention-07-released');
  assertNoPageErrors(page, assert);
  await logout(page);
});
