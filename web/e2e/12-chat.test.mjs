// The silent web chat: she opens it from the landing page, writes, an operator (a second browser
// context, signed in as the demo operator) answers in the conversation pane, she leaves with
// Shift×3, the «Salida rápida» button or Esc — and the browser keeps nothing of the chat: no cookie,
// no localStorage/sessionStorage/IndexedDB, no chat address in the history.
// The operator works the REAL queue (web/src/channels): available for chats, she takes the contact
// and answers in the ChatPane of /canales. The server should run with EQ_CHANNELS_HOURS=24/7.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoPageErrors, csrf, launch, login, newPage, settle, shot, until, url } from './helpers.mjs';

let browser;
let operator;
before(async () => {
  browser = await launch();
  operator = await newPage(browser);
  await login(operator, 'operador@equidad.demo');
  const r = await operator.request.post(url('/api/v1/channels/me/presence'), {
    headers: { 'X-CSRF-Token': await csrf(operator) },
    data: { presence: 'disponible', skills: ['chat'], max_chats: 6 },
  });
  assert.equal(r.status(), 200, await r.text());
});
after(async () => {
  await browser?.close();
});

// The chat contacts the operator sees in the one queue (waiting, or offered to her), by id.
async function chatContacts() {
  const r = await operator.request.get(url('/api/v1/channels/queue'));
  assert.equal(r.status(), 200);
  const q = await r.json();
  return [...q.mine, ...q.queue].filter((c) => c.channel === 'chat');
}

async function openChat(page, opening) {
  await page.goto(url('/'));
  await settle(page);
  const before = new Set((await chatContacts()).map((c) => c.id));
  await page.getByRole('link', { name: /Chat silencioso/ }).click();
  await page.getByRole('heading', { name: 'Chat silencioso 1455' }).waitFor();
  await page.getByLabel('¿Qué te gustaría contarnos? (opcional)').fill(opening);
  await page.getByLabel('Necesito ayuda urgente').check();
  await page.getByRole('button', { name: 'Comenzar el chat' }).click();
  await page.getByText('Tu mensaje llegó').waitFor();
  const mine = await until(async () => (await chatContacts()).find((c) => !before.has(c.id)), { message: 'her contact in the queue' });
  return mine.id;
}

async function nothingStored(page) {
  return page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
    cookie: document.cookie,
  }));
}

async function assertLeftNoTrace(page) {
  assert.deepEqual(await page.context().cookies(), [], 'no cookie at all');
  // Back from the neutral site must not show the chat (its entry was replaced twice).
  const history = [];
  for (let i = 0; i < 3; i++) {
    const r = await page.goBack({ timeout: 3000 }).catch(() => null);
    history.push(page.url());
    if (!r) break;
  }
  assert.ok(history.every((u) => !u.includes('/chat')), `history: ${history.join(', ')}`);
}

test('she chats with an operator and leaves with Shift pressed three times', async () => {
  const her = await newPage(browser, { mobile: true });
  const id = await openChat(her, 'Hola, necesito orientación');
  await shot(her, '12-chat-waiting');

  // The operator takes the contact and answers from the conversation pane.
  const token = await csrf(operator);
  const take = await operator.request.post(url(`/api/v1/channels/contacts/${id}/take`), { headers: { 'X-CSRF-Token': token }, data: {} });
  assert.equal(take.status(), 200, await take.text());
  const ref = (await take.json()).external_ref;
  // The operator console shows her contact with the conversation pane.
  await operator.goto(url('/canales'));
  await operator.getByTestId('mine').locator('li', { hasText: `n.º ${id}` }).getByRole('button', { name: 'Abrir registro' }).click();
  await operator.getByText('Hola, necesito orientación').first().waitFor();
  await shot(operator, '12-chat-console');
  await operator.goto(url(`/chat/conversaciones/${ref}`));
  await operator.getByText('Hola, necesito orientación').waitFor();
  await her.getByText('Una orientadora se unió a la conversación.').waitFor();

  // Her message with HTML in it shows exactly as typed.
  await her.getByLabel('Tu mensaje').fill('<b>hola</b> <img src=x onerror=alert(1)>');
  await her.getByRole('button', { name: 'Enviar' }).click();
  await operator.getByText('<b>hola</b> <img src=x onerror=alert(1)>').waitFor();
  assert.equal(await her.locator('.chat-log img, .chat-log b').count(), 0, 'no markup rendered');

  // Typing indicator, then a canned answer sent by the operator.
  await her.getByLabel('Tu mensaje').pressSequentially('es');
  await operator.getByText('Ella está escribiendo…').waitFor();
  await operator.getByRole('button', { name: /Hola, soy orientadora del Fono 1455/ }).click();
  await operator.getByRole('button', { name: 'Enviar' }).click();
  await her.getByText(/Estoy aquí para escucharte/).waitFor();
  await operator.getByRole('button', { name: 'Emergencia 133' }).click();
  await operator.getByText('Protocolo: emergencia 133').waitFor();
  await shot(her, '12-chat-her-talking');
  await shot(operator, '12-chat-operator-pane');

  assert.deepEqual(await nothingStored(her), { local: 0, session: 0, idb: 0, cookie: '' });
  // Shift three times: the page is blanked and replaced by the neutral site.
  await her.locator('body').click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 3; i++) await her.keyboard.press('Shift');
  await her.waitForURL(/google\.cl/);
  await assertLeftNoTrace(her);
  // The operator sees that she left.
  await operator.getByText('Ella salió de la conversación').waitFor();
  assertNoPageErrors(operator, assert);
  await her.context().close();
});

test('the «Salida rápida» button and Esc leave the same way', async () => {
  const a = await newPage(browser);
  await openChat(a, 'prueba botón');
  await shot(a, '12-chat-desktop');
  await a.getByRole('button', { name: 'Salida rápida' }).click();
  await a.waitForURL(/google\.cl/);
  await assertLeftNoTrace(a);
  await a.context().close();

  const b = await newPage(browser);
  await openChat(b, 'prueba Esc');
  await b.keyboard.press('Escape');
  await b.waitForURL(/google\.cl/);
  await assertLeftNoTrace(b);
  await b.context().close();
});
