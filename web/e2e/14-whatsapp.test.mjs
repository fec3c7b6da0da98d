// The silent WhatsApp line in the operator console: a message arrives through Meta's signed
// webhook (played here by tests/integration/whatsapp_meta.mjs, which also plays the Graph API), the
// operator takes the contact in /canales and answers in the WhatsApp pane, sees the delivery state
// and the 24-hour window's countdown; for a conversation whose window closed, only the template
// picker is offered; her photo is shown in the pane (downloaded by the server from the fake Cloud
// API), enlarged on a click, beside an audio player and a download the server refused. Run the server with
//   EQ_CHANNELS_HOURS=24/7 EQ_WHATSAPP_APP_SECRET=<secret> EQ_WHATSAPP_TOKEN=x \
//   EQ_WHATSAPP_GRAPH_URL=http://127.0.0.1:<EQ_WHATSAPP_FAKE_PORT, default 18991>
// and the same EQ_WHATSAPP_APP_SECRET (and port) for this test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { MetaFake, inbound, pngImage, seconds } from '../../tests/integration/whatsapp_meta.mjs';
import { BASE_URL, assertNoPageErrors, csrf, launch, login, newPage, shot, until, url } from './helpers.mjs';

const SECRET = process.env.EQ_WHATSAPP_APP_SECRET ?? '';
let browser, operator, meta;
before(async () => {
  assert.ok(SECRET, 'set EQ_WHATSAPP_APP_SECRET to the server\'s app secret');
  meta = await new MetaFake().start(Number(process.env.EQ_WHATSAPP_FAKE_PORT ?? 18991));
  browser = await launch();
  operator = await newPage(browser);
  await login(operator, 'operador@equidad.demo');
  const r = await operator.request.post(url('/api/v1/channels/me/presence'), {
    headers: { 'X-CSRF-Token': await csrf(operator) },
    data: { presence: 'pausa', skills: ['phone', 'chat', 'whatsapp'], max_chats: 6 },
  });
  assert.equal(r.status(), 200, await r.text());
});
after(async () => {
  await browser?.close();
  await meta?.stop();
});

async function whatsappIds() {
  const q = await (await operator.request.get(url('/api/v1/channels/queue'))).json();
  return new Set([...q.mine, ...q.queue].filter((c) => c.channel === 'whatsapp').map((c) => c.id));
}

// She writes; the operator takes her contact and opens its record in the console.
async function arrives(who, text, atMs = Date.now()) {
  const before = await whatsappIds();
  const r = await meta.post(BASE_URL, SECRET, JSON.stringify(meta.envelope(inbound(who, { type: 'text', text: { body: text }, timestamp: seconds(atMs) }))));
  assert.equal(r.status, 200, r.text);
  const id = await until(async () => [...(await whatsappIds())].find((x) => !before.has(x)), { message: 'her contact in the queue' });
  const take = await operator.request.post(url(`/api/v1/channels/contacts/${id}/take`), { headers: { 'X-CSRF-Token': await csrf(operator) }, data: {} });
  assert.equal(take.status(), 200, await take.text());
  await operator.goto(url('/canales'));
  await operator.getByTestId('mine').locator('li', { hasText: `n.º ${id}` }).getByRole('button', { name: 'Abrir registro' }).click();
  await operator.getByRole('region', { name: 'Conversación de WhatsApp' }).waitFor();
  return id;
}

test('a WhatsApp conversation in the console: her message, the reply sent through the Graph API, the countdown', async () => {
  await arrives({ wa_id: `569${crypto.randomInt(10_000_000, 99_999_999)}` }, 'Hola, no puedo llamar. ¿Me pueden ayudar por aquí?');
  await operator.getByText('Hola, no puedo llamar. ¿Me pueden ayudar por aquí?').first().waitFor();
  const countdown = await operator.getByTestId('wa-window').textContent();
  assert.match(countdown, /^Quedan (23 h 5\d|24 h 00) min$/);
  await operator.getByLabel('Respuesta').fill('Hola, soy orientadora del Fono 1455. ¿Estás en un lugar seguro para escribir?');
  await operator.getByRole('button', { name: 'Enviar por WhatsApp' }).click();
  await operator.getByText(/· Enviado$/).waitFor({ timeout: 15000 });
  assert.equal(meta.sends.at(-1).json.text.body, 'Hola, soy orientadora del Fono 1455. ¿Estás en un lugar seguro para escribir?');
  await shot(operator, '14-whatsapp-console');
  assertNoPageErrors(operator, assert);
});

test('outside the 24-hour window only an approved template can be sent', async () => {
  await arrives({ user_id: `CL.${crypto.randomBytes(8).toString('hex')}` }, 'Te escribí ayer, ¿siguen ahí?', Date.now() - 26 * 3600 * 1000);
  await operator.getByTestId('wa-window').getByText('Ventana cerrada').waitFor();
  assert.equal(await operator.getByRole('button', { name: 'Enviar por WhatsApp' }).count(), 0, 'free text offered outside the window');
  await operator.getByText('Sin número (usuaria con nombre de usuario)').waitFor();
  const select = operator.getByLabel('Plantilla aprobada');
  await select.selectOption({ index: 1 });
  await operator.getByRole('button', { name: 'Enviar plantilla' }).click();
  await operator.getByText('Orientadora (plantilla)').waitFor();
  await operator.getByText(/· Enviado$/).waitFor({ timeout: 15000 });
  assert.equal(meta.sends.at(-1).json.type, 'template');
  await shot(operator, '14-whatsapp-template');
  assertNoPageErrors(operator, assert);
});

test('her photo and audio in the pane: shown once the server downloaded them, enlarged on a click; a refused one says why', async () => {
  const who = { wa_id: `569${crypto.randomInt(10_000_000, 99_999_999)}` };
  // A picture computed here (a lilac card with a dark bar), standing for the photo she sends.
  const photo = pngImage(320, 200, (x, y) => (y > 80 && y < 120 && x > 40 && x < 280 ? [60, 30, 90] : [200 + (x % 40), 170, 225]));
  await arrives(who, 'Les mando una foto de cómo quedó la puerta.');
  const send = (message) => meta.post(BASE_URL, SECRET, JSON.stringify(meta.envelope(inbound(who, message))));
  let r = await send({ type: 'image', image: { id: meta.addMedia(photo, { mime: 'image/png' }), mime_type: 'image/png', caption: 'la puerta' } });
  assert.equal(r.status, 200, r.text);
  const ogg = Buffer.concat([Buffer.from('OggS'), crypto.randomBytes(2000)]);
  r = await send({ type: 'audio', audio: { id: meta.addMedia(ogg, { mime: 'audio/ogg; codecs=opus' }), mime_type: 'audio/ogg; codecs=opus', voice: true } });
  assert.equal(r.status, 200, r.text);
  r = await send({ type: 'image', image: { id: meta.addMedia(Buffer.from('GIF89a'), { mime: 'image/gif' }), mime_type: 'image/gif' } });
  assert.equal(r.status, 200, r.text);
  const pane = operator.getByRole('region', { name: 'Conversación de WhatsApp' });
  // The pane is live (WebSocket): her messages and the downloads arrive without the 4 s polling.
  await pane.getByTestId('wa-live').getByText('En vivo').waitFor();
  const img = pane.getByRole('img', { name: 'Imagen que ella envió por WhatsApp' });
  await img.waitFor({ timeout: 20000 });
  await until(async () => (await img.evaluate((el) => el.complete && el.naturalWidth)) === 320, { message: 'the photo loaded', timeout: 15000 });
  await pane.getByText('No se descargó: WhatsApp lo declaró de un tipo de archivo que la línea no acepta.').waitFor({ timeout: 20000 });
  assert.equal(await pane.locator('audio').count(), 1, 'an audio player for her voice message');
  await shot(operator, '14-whatsapp-media');
  await pane.getByRole('button', { name: 'Ampliar la imagen que envió' }).click();
  const big = operator.getByRole('img', { name: 'Imagen que ella envió por WhatsApp, ampliada' });
  await big.waitFor();
  assert.ok((await big.boundingBox()).width > 320, 'the enlarged photo is larger than the thumbnail');
  await shot(operator, '14-whatsapp-media-enlarged', { fullPage: false });
  const dialog = operator.getByRole('dialog', { name: 'Imagen que ella envió' });
  await dialog.getByRole('button', { name: 'Cerrar', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  assertNoPageErrors(operator, assert);
});
