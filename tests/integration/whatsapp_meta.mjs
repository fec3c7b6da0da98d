// A local server that plays Meta for the WhatsApp line (src/whatsapp): it signs webhook posts with
// the app secret exactly over the bytes it sends (escaped unicode kept as written, never
// re-serialized), and it receives the Graph API sends, answering as Graph does
// ({"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}), or with 429/500
// when told to. Node built-ins only.
import crypto from 'node:crypto';
import http from 'node:http';

import { request } from './harness.mjs';

export const signBody = (secret, raw) => `sha256=${crypto.createHmac('sha256', secret).update(Buffer.from(raw, 'utf8')).digest('hex')}`;

export class MetaFake {
  constructor() {
    this.sends = []; // every Graph API request received: { path, auth, json }
    this.plan = []; // status codes to answer next (then 200)
    this.phoneNumberId = '106540352242922';
  }

  async start(port = 0) {
    this.server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (d) => { text += d; });
      req.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        const status = this.plan.length ? this.plan.shift() : 200;
        this.sends.push({ path: req.url, auth: req.headers.authorization, json, status });
        res.setHeader('Content-Type', 'application/json');
        if (status === 200) {
          const wamid = `wamid.${crypto.randomBytes(12).toString('base64url')}`;
          this.lastWamid = wamid;
          res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: json?.to ?? json?.recipient, wa_id: json?.to ?? '' }],
            messages: [{ id: wamid }] }));
        } else {
          res.statusCode = status;
          res.end(JSON.stringify({ error: { message: status === 429 ? '(#130429) Rate limit hit' : 'Service temporarily unavailable',
            type: 'OAuthException', code: status === 429 ? 130429 : 2, fbtrace_id: 'A1' } }));
        }
      });
    });
    await new Promise((r) => this.server.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  stop() { return new Promise((r) => (this.server ? this.server.close(r) : r())); }

  // Posts `raw` (a string, sent byte for byte) to the line's webhook. sign: true (the app secret),
  // false (no header), or a header value to send as is.
  post(baseUrl, secret, raw, { sign = true } = {}) {
    const headers = { 'Content-Type': 'application/json' };
    if (sign === true) headers['X-Hub-Signature-256'] = signBody(secret, raw);
    else if (typeof sign === 'string') headers['X-Hub-Signature-256'] = sign;
    return request('POST', '/api/v1/whatsapp/webhook', { baseUrl, body: raw, headers });
  }

  // The webhook envelope Meta posts: entry[].changes[].value.
  envelope(value) {
    return { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp', metadata: { display_phone_number: '56997007000', phone_number_id: this.phoneNumberId }, ...value } }] }] };
  }
}

export const wamid = () => `wamid.HBgL${crypto.randomBytes(16).toString('base64url')}`;
export const seconds = (ms = Date.now()) => String(Math.floor(ms / 1000));

// One message from a user: contact {wa_id?, user_id?}, message fields (type and its object).
export function inbound(who, message) {
  const contact = { profile: { name: 'Usuaria' } };
  if (who.wa_id) contact.wa_id = who.wa_id;
  if (who.user_id) contact.user_id = who.user_id;
  const m = { id: wamid(), timestamp: seconds(), ...message };
  if (who.wa_id) m.from = who.wa_id;
  if (who.user_id) m.from_user_id = who.user_id;
  return { contacts: [contact], messages: [m] };
}

export function status(id, value, { at = Date.now(), errors } = {}) {
  const s = { id, status: value, timestamp: seconds(at), recipient_id: '56911112222' };
  if (errors) s.errors = errors;
  return { statuses: [s] };
}
