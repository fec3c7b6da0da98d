// A PMG service from commitment to outcome, in the browser: the ministry's reviewer registers a
// service's commitment of the gender indicator (a measure and its specific commitment, for the
// focal point's institution); the focal point reports on it with its means of verification; the
// reviewer returns it with observations; the focal point sends a second version; the reviewer
// validates the version named in the queue. Then the PMG's own review rounds: in «Mi PMG» the focal
// point files the work programme; the reviewer takes it from the PMG queue and observes the
// commitment; the focal point answers and re-files (second round); the reviewer approves; the
// progress report and the compliance report (with its means of verification) follow and are
// approved; the reviewer records the outcome «cumple»; the public PMG summary counts the service.
// Screenshots in build/screenshots/ (policy-pmg-*).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, csrf, launch, login, logout, newPage, settle, shot, url } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function post(page, path, data) {
  const r = await page.request.post(url(path), { data, headers: { 'X-CSRF-Token': await csrf(page) } });
  assert.ok(r.ok(), `${path}: ${r.status()} ${await r.text()}`);
  return r.json();
}

test('a PMG service: commitment → report with evidence → observations → second round → validation → outcome', async () => {
  const page = await newPage(browser);
  const ins = (await (await page.request.get(url('/api/v1/policy/public/instruments'))).json()).items.find((i) => i.code === 'pmg-genero');
  const tree = await (await page.request.get(url(`/api/v1/policy/public/instruments/${ins.id}`))).json();
  const y2021 = tree.items.find((i) => i.code === '2021');
  const inst = await (await page.request.get(url('/api/v1/policy/public/rollup?by=institution'))).json();

  // The reviewer registers the service's commitment (its institution is the focal point's).
  await login(page, 'analista@equidad.demo');
  const institutions = (await (await page.request.get(url('/api/v1/policy/institutions'))).json()).items;
  const salud = institutions.find((i) => i.name === 'Ministerio de Salud');
  const tag = Date.now().toString(36);
  const svc = await post(page, '/api/v1/policy/items', { instrument_id: ins.id, parent_id: y2021.id, level: 'compromiso',
    title: `Servicio de prueba e2e ${tag}`, start_year: 2021, institution_ids: [String(salud.id)] });
  const measure = await post(page, '/api/v1/policy/items', { instrument_id: ins.id, parent_id: svc.id, level: 'medida', code: 'M4',
    title: 'Capacitación a funcionarias/os del servicio en materia de género, nivel básico o avanzado', institution_ids: [String(salud.id)] });
  const commitment = await post(page, '/api/v1/policy/items', { instrument_id: ins.id, parent_id: measure.id, level: 'accion', code: 'C1',
    title: `Curso básico de género para el 30 % de la dotación (${tag})`, institution_ids: [String(salud.id)] });
  await logout(page);
  assert.ok(inst.items.length > 0);

  // The focal point reports with a file; the file travels with the report.
  await login(page, 'enlace@equidad.demo');
  await page.goto(url(`/politicas/items/${commitment.id}`));
  await page.getByRole('heading', { name: 'Reportar avance' }).waitFor();
  await page.getByLabel('Avance (%)').fill('40');
  await page.getByLabel('Descripción de lo realizado').fill('Se dictó el curso a 120 funcionarias y funcionarios.');
  await page.locator('#evidence').setInputFiles({ name: 'virus.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ....') });
  await page.getByRole('button', { name: 'Enviar reporte' }).click();
  await page.getByText(/No se guardó el reporte/).first().waitFor();
  await page.locator('#evidence').setInputFiles({ name: 'asistencia-curso.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nasistencia\n') });
  await page.getByRole('button', { name: 'Enviar reporte' }).click();
  await page.getByText(/Reporte enviado \(versión 1\)/).waitFor();
  await settle(page);
  await shot(page, 'policy-pmg-01-report');
  await logout(page);

  // The reviewer sees the file in the queue and returns it with observations.
  await login(page, 'analista@equidad.demo');
  await page.goto(url('/politicas/validacion'));
  let row = page.getByTestId('queue-item').filter({ hasText: `(${tag})` });
  await row.waitFor();
  assert.match(await row.getByTestId('queue-evidence').innerText(), /asistencia-curso\.pdf/);
  await row.getByLabel('Observaciones (obligatorias para devolver)').fill('Adjunte la lista de asistencia firmada.');
  await row.getByRole('button', { name: 'Devolver con observaciones' }).click();
  await page.getByText(/devuelto con observaciones/).first().waitFor();
  await logout(page);

  // Second round.
  await login(page, 'enlace@equidad.demo');
  await page.goto(url(`/politicas/items/${commitment.id}`));
  await page.getByRole('heading', { name: 'Reportar avance' }).waitFor();
  await page.getByLabel('Estado').selectOption('terminado');
  await page.getByLabel('Avance (%)').fill('100');
  await page.getByLabel('Descripción de lo realizado').fill('Se adjunta la lista de asistencia firmada del curso.');
  await page.locator('#evidence').setInputFiles({ name: 'lista-firmada.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nfirmas\n') });
  await page.getByRole('button', { name: 'Enviar reporte' }).click();
  await page.getByText(/Reporte enviado \(versión 2\)/).waitFor();
  await logout(page);

  // The reviewer validates version 2 and records the outcome.
  await login(page, 'analista@equidad.demo');
  await page.goto(url('/politicas/validacion'));
  row = page.getByTestId('queue-item').filter({ hasText: `(${tag})` });
  await row.waitFor();
  assert.match(await row.getByTestId('queue-evidence').innerText(), /versión 2[\s\S]*lista-firmada\.pdf/);
  await settle(page);
  await shot(page, 'policy-pmg-02-queue');
  await row.getByRole('button', { name: 'Validar versión 2' }).click();
  await page.getByText(/validado\./).first().waitFor();
  await logout(page);

  // «Mi PMG»: the focal point files the work programme; the progress report must wait for it.
  await login(page, 'enlace@equidad.demo');
  await page.goto(url('/politicas/mi-pmg'));
  let card = page.locator(`[data-testid="pmg-service"][data-service="${svc.id}"]`);
  await card.waitFor();
  assert.match(await card.getByTestId('pmg-due').innerText(), /Enviar el programa de trabajo/);
  const programme = card.getByTestId('pmg-stage-programa');
  await programme.getByLabel('Contenido de la presentación').fill('Programa de trabajo 2021: curso básico de género para el 30 % de la dotación.');
  await programme.getByRole('button', { name: 'Enviar programa de trabajo' }).click();
  await card.getByText('Programa de trabajo enviado al Ministerio.').waitFor();
  await settle(page);
  await shot(page, 'policy-pmg-03-mi-pmg-filed');
  await logout(page);

  // The reviewer's PMG queue: the programme waits, round 1; she takes it and observes the commitment.
  await login(page, 'analista@equidad.demo');
  await page.goto(url('/politicas/pmg/revision'));
  const qrow = page.getByTestId('pmg-queue').locator('tbody tr').filter({ hasText: `Servicio de prueba e2e ${tag}` });
  await qrow.waitFor();
  assert.match(await qrow.innerText(), /Programa de trabajo\s+1 de 2\s+Enviado\s+0/);
  await settle(page);
  await shot(page, 'policy-pmg-04-review-queue');
  await qrow.getByRole('link').click();
  card = page.locator(`[data-testid="pmg-service"][data-service="${svc.id}"]`);
  await card.getByRole('button', { name: 'Tomar para revisión' }).click();
  await card.getByText('Programa de trabajo en revisión.').waitFor();
  const observe = card.getByTestId('pmg-observe');
  await observe.getByLabel('Compromiso observado 1').selectOption(String(commitment.id));
  await observe.getByLabel('Observación 1').fill('Indique la meta de cobertura del curso y su medio de verificación.');
  await observe.getByRole('button', { name: 'Enviar observaciones' }).click();
  await card.getByText(/Programa de trabajo observado/).waitFor();
  await settle(page);
  await shot(page, 'policy-pmg-05-observed');
  await logout(page);

  // The focal point answers the observation and re-files: second round.
  await login(page, 'enlace@equidad.demo');
  await page.goto(url('/politicas/mi-pmg'));
  card = page.locator(`[data-testid="pmg-service"][data-service="${svc.id}"]`);
  await card.waitFor();
  assert.match(await card.getByTestId('pmg-due').innerText(), /responder las observaciones/);
  assert.ok(await card.getByRole('button', { name: 'Reenviar corregido (segunda vuelta)' }).isDisabled(), 'not before the answer');
  await settle(page);
  await shot(page, 'policy-pmg-06-to-answer');
  await card.getByLabel('Respuesta a la observación').fill('Meta: 30 % de la dotación; medio de verificación: lista de asistencia firmada.');
  await card.getByRole('button', { name: 'Responder' }).click();
  await card.getByText('Respuesta guardada.').waitFor();
  await card.getByRole('button', { name: 'Reenviar corregido (segunda vuelta)' }).click();
  await card.getByText(/reenviado corregido/).waitFor();
  await logout(page);

  // Second round: the reviewer approves the programme, then the progress report.
  const review = async (stageName) => {
    await page.goto(url(`/politicas/pmg/servicios/${svc.id}`));
    card = page.locator(`[data-testid="pmg-service"][data-service="${svc.id}"]`);
    await card.getByRole('button', { name: 'Tomar para revisión' }).click();
    await card.getByText(`${stageName} en revisión.`).waitFor();
    await card.getByTestId('pmg-decide').getByRole('button', { name: 'Aprobar' }).click();
    await card.getByText(`${stageName} aprobado.`).waitFor();
  };
  await login(page, 'analista@equidad.demo');
  await review('Programa de trabajo');
  // The message comes first; the stage is redrawn when the service is read again.
  await card.getByTestId('pmg-stage-programa').getByText(/Aprobado · vuelta 2 de 2/).waitFor();
  await logout(page);
  const fileStage = async (testId, text, button, evidence) => {
    await page.goto(url('/politicas/mi-pmg'));
    card = page.locator(`[data-testid="pmg-service"][data-service="${svc.id}"]`);
    const st = card.getByTestId(testId);
    await st.getByLabel('Contenido de la presentación').fill(text);
    if (evidence) await st.getByLabel('Medios de verificación (obligatorios)').fill(evidence);
    await st.getByRole('button', { name: button }).click();
    await card.getByText(/enviado al Ministerio/).waitFor();
  };
  await login(page, 'enlace@equidad.demo');
  await fileStage('pmg-stage-avance', 'Informe de avance: el curso se dictó a 120 funcionarias y funcionarios.', 'Enviar informe de avance');
  await logout(page);
  await login(page, 'analista@equidad.demo');
  await review('Informe de avance');
  await logout(page);
  await login(page, 'enlace@equidad.demo');
  await fileStage('pmg-stage-cumplimiento', 'Informe de cumplimiento 2021: 100 % del programa de trabajo.', 'Enviar informe de cumplimiento',
    'Listas de asistencia firmadas; resolución del curso.');
  await logout(page);

  // The compliance report approved, the reviewer records the outcome.
  await login(page, 'analista@equidad.demo');
  await review('Informe de cumplimiento');
  const form = card.getByTestId('pmg-outcome');
  await form.waitFor();
  await form.getByLabel('Resultado').selectOption('cumple');
  await form.getByLabel('Fundamento').fill('Cumplió el 100 % de su programa de trabajo con medios de verificación.');
  await form.getByRole('button', { name: 'Registrar resultado' }).click();
  await card.getByTestId('pmg-result').waitFor();
  assert.match(await card.getByTestId('pmg-result').innerText(), /Cumple/);
  await settle(page);
  await shot(page, 'policy-pmg-07-outcome');
  assertNoPageErrors(page, assert);

  // The public summary counts it among 2021's services that comply.
  const after = await (await page.request.get(url(`/api/v1/policy/public/items/${svc.id}`))).json();
  assert.equal(after.status, 'cumplido');
  await page.goto(url('/politicas/pmg'));
  const years = page.getByTestId('pmg-years');
  await years.locator('tbody tr').nth(1).waitFor();
  assert.match(await years.locator('tbody tr').nth(1).innerText(), /^2021\s+158\s+115\s+43\s+1\s/);
  await settle(page);
  await shot(page, 'policy-pmg-08-summary');
});
