// The network of care, walked in the browser: a visitor finds centres by region (never a shelter);
// a case worker looks for a place for a woman and two children away from the aggressor's comuna
// and offers one; the house's staff accept it and record her entry; the case worker sees the
// referral under way and the house's address; the ministry's board shows places by region.
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

test('a visitor searches the public directory: centres with phones, no shelter', async () => {
  const page = await newPage(browser);
  await page.goto(url('/red?region=13'));
  await settle(page);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Red de atención');
  const table = page.getByTestId('care-directory');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /Centro de la Mujer Santiago/);
  assert.match(text, /\+56 2/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Casa de Acogida \d/);
  await shot(page, 'care-01-public-directory');
  assertNoPageErrors(page, assert);
});

test('a referral to a place: search, offer, the house accepts, she arrives', async () => {
  const page = await newPage(browser);
  await login(page, 'caso@equidad.demo');
  await page.goto(url('/red/cupo?agresor=13101'));
  await settle(page);
  await page.getByLabel('Edad de la mujer').fill('29');
  await page.getByLabel('Edades de hijas e hijos').fill('4, 9');
  await until(async () => /Santiago/.test(await page.getByLabel('Comuna del agresor').inputValue()), { message: 'the prefilled comuna named' });
  await page.getByRole('button', { name: 'Buscar cupo' }).click();
  const offers = page.getByTestId('care-offers');
  await offers.waitFor();
  const list = await offers.innerText();
  assert.match(list, /Casa de Acogida 05-1/);
  assert.match(await page.locator('main').innerText(), /Excluidas: Santiago \(comuna del agresor\), .*comuna vecina/);
  await shot(page, 'care-02-find-place');
  await page.getByRole('button', { name: 'Ofrecer cupo en Casa de Acogida 05-1' }).click();
  await page.getByText(/Se ofreció un cupo en Casa de Acogida 05-1/).waitFor();
  await until(async () => /Ofrecida, esperando respuesta/.test(await page.getByTestId('care-my-placements').innerText()), { message: 'the offer listed' });
  const row = (await page.getByTestId('care-my-placements').locator('tbody tr').first().innerText());
  const id = /^(\d+)/.exec(row.trim())[1];
  assertNoPageErrors(page, assert);
  await logout(page);

  await login(page, 'casa@equidad.demo');
  await page.goto(url('/red/casa'));
  await settle(page);
  const item = page.getByTestId(`care-placement-${id}`);
  await item.waitFor();
  assert.match(await item.innerText(), /mujer de 29 años con 2 hijas\/hijos \(4, 9 años\)/);
  await shot(page, 'care-03-house-offer');
  await item.getByRole('button', { name: `Aceptar derivación ${id}` }).click();
  await page.getByText(`Derivación N° ${id} aceptada: el cupo queda reservado.`).waitFor();
  await page.getByTestId(`care-placement-${id}`).getByRole('button', { name: `Registrar ingreso derivación ${id}` }).click();
  await page.getByText(`Ingreso registrado (derivación N° ${id}).`).waitFor();
  await shot(page, 'care-04-house-entry');
  assertNoPageErrors(page, assert);
  await logout(page);

  await login(page, 'caso@equidad.demo');
  await page.goto(url('/red/cupo'));
  await settle(page);
  const mine = page.getByTestId('care-my-placements');
  await until(async () => new RegExp(`${id}\\s+Casa de Acogida 05-1[\\s\\S]*En la casa`).test(await mine.innerText()), { message: 'the placement under way' });
  await mine.getByRole('button', { name: 'Ver dirección de Casa de Acogida 05-1' }).first().click();
  await page.getByTestId('care-address').first().waitFor();
  assert.match(await page.getByTestId('care-address').first().innerText(), /reservada/);
  await shot(page, 'care-05-case-worker-address');
  assertNoPageErrors(page, assert);
});

test('the ministry\'s national board and occupancy over time', async () => {
  const page = await newPage(browser);
  await login(page, 'analista@equidad.demo');
  await page.goto(url('/red/tablero'));
  await settle(page);
  const board = page.getByTestId('care-board');
  await board.waitFor();
  assert.equal(await board.locator('tbody tr').count(), 16);
  await page.getByTestId('care-stats').waitFor();
  assert.equal(await page.getByTestId('care-stats').locator('tbody tr').count(), 44);
  assert.ok(await page.locator('svg.chart rect').count() >= 90);
  await shot(page, 'care-06-board');
  assertNoPageErrors(page, assert);
});
