// A local server that plays Meta for the WhatsApp line (src/whatsapp): it signs webhook posts with
// the app secret exactly over the bytes it sends (escaped unicode kept as written, never
// re-serialized), and it receives the Graph API sends, answering as Graph does
// ({"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}), or with 429/500,
// Graph's rate-limit errors (130429, 131056 for one user) or a late answer when told to; over http,
// or https with a certificate the test made (setCertificate swaps it live). Node built-ins only.
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { freshDatabase, rawSqlLines, request, sleep, startServer, tempDir } from './harness.mjs';

export const signBody = (secret, raw) => `sha256=${crypto.createHmac('sha256', secret).update(Buffer.from(raw, 'utf8')).digest('hex')}`;

// Graph's error bodies for the answers a test can ask for.
const GRAPH_ERRORS = {
  429: { code: 130429, message: '(#130429) Rate limit hit' },
  131056: { code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' },
};

export class MetaFake {
  constructor() {
    this.sends = []; // every Graph API request received: { path, auth, json, status, code, at }
    // Answers to give next (then 200): a status code, or { status, code, delayMs, retryAfter }
    // (code: Graph's error code; delayMs: answer that late, e.g. to stop the server mid-send).
    this.plan = [];
    this.rule = null; // (json) => an answer as in plan, or undefined: per-request answers (e.g. one user)
    this.onSend = null; // called with each entry of sends as it arrives (before the answer)
    this.tlsRefused = 0; // TLS handshakes the client gave up (https only)
    this.phoneNumberId = '106540352242922';
    this.media = new Map(); // Meta's media id → { data, mime, sha256, fileSize, failures } (addMedia)
    this.mediaGets = []; // every media GET received: { path, auth, at }
    this.token = ''; // when set, media GETs without "Bearer <token>" are refused 401
    this.connections = 0; // TCP connections accepted (keep-alive reuses them)
  }

  // tls: { key, cert } (PEM) serves https; swap them later with setCertificate.
  async start(port = 0, { tls } = {}) {
    const handler = (req, res) => {
      if (req.method === 'GET') return this.serveMedia(req, res);
      let text = '';
      req.on('data', (d) => { text += d; });
      req.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        const step = this.rule?.(json) ?? (this.plan.length ? this.plan.shift() : 200);
        const { status, code, delayMs = 0, retryAfter } = typeof step === 'number' ? { status: step } : step;
        const entry = { path: req.url, auth: req.headers.authorization, json, status, code, at: Date.now() };
        this.sends.push(entry);
        this.onSend?.(entry);
        const answer = () => {
          if (res.destroyed) return;
          res.setHeader('Content-Type', 'application/json');
          if (status === 200) {
            const wamid = `wamid.${crypto.randomBytes(12).toString('base64url')}`;
            this.lastWamid = wamid;
            entry.wamid = wamid;
            res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: json?.to ?? json?.recipient, wa_id: json?.to ?? '' }],
              messages: [{ id: wamid }] }));
          } else {
            res.statusCode = status;
            if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
            const known = GRAPH_ERRORS[code ?? status] ?? { code: code ?? 2, message: 'Service temporarily unavailable' };
            res.end(JSON.stringify({ error: { message: known.message, type: 'OAuthException', code: known.code, fbtrace_id: 'A1' } }));
          }
        };
        if (delayMs) setTimeout(answer, delayMs);
        else answer();
      });
    };
    this.server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
    if (tls) this.server.on('tlsClientError', () => { this.tlsRefused += 1; });
    this.server.on('connection', () => { this.connections += 1; });
    await new Promise((r) => this.server.listen(port, '127.0.0.1', r));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  // Her images and audio as the Cloud API serves them: addMedia(bytes, { mime, sha256, fileSize,
  // failures }) answers Meta's media id. GET /{version}/{id} (bearer) → {url, mime_type, sha256,
  // file_size, id}; GET {url} (bearer) → the bytes. sha256/fileSize override what is announced (a
  // lie to test the checks); failures: how many metadata requests answer 500 first.
  addMedia(bytes, { mime = 'image/png', sha256, fileSize, failures = 0 } = {}) {
    const id = String(crypto.randomInt(1e14, 2e14)); // 15 digits, as Meta's media ids
    const data = Buffer.from(bytes);
    this.media.set(id, { data, mime, failures,
      sha256: sha256 ?? crypto.createHash('sha256').update(data).digest('hex'), fileSize: fileSize ?? data.length });
    return id;
  }

  serveMedia(req, res) {
    const get = { path: req.url, auth: req.headers.authorization, at: Date.now() };
    this.mediaGets.push(get);
    const send = (status, body, type = 'application/json') => {
      res.statusCode = status;
      res.setHeader('Content-Type', type);
      res.end(body);
    };
    if (req.headers.authorization !== 'Bearer ' + this.token && this.token) return send(401, JSON.stringify({ error: { code: 190, message: 'Invalid OAuth access token' } }));
    const bytesPath = req.url.match(/^\/media-bytes\/(\d+)$/);
    const metaPath = req.url.match(/^\/v[\d.]+\/(\d+)$/);
    const m = this.media.get((bytesPath ?? metaPath ?? [])[1]);
    if (!m) return send(404, JSON.stringify({ error: { code: 100, message: 'Unsupported get request' } }));
    if (bytesPath) return send(200, m.data, m.mime);
    if (m.failures > 0) {
      m.failures -= 1;
      return send(500, JSON.stringify({ error: { code: 2, message: 'Service temporarily unavailable' } }));
    }
    return send(200, JSON.stringify({ messaging_product: 'whatsapp', url: `${this.url}/media-bytes/${metaPath[1]}`, mime_type: m.mime,
      sha256: m.sha256, file_size: m.fileSize, id: metaPath[1] }));
  }

  // Closes every kept-alive connection not serving a request, as a server does after its idle timeout.
  closeIdle() { this.server.closeIdleConnections(); }

  setCertificate({ key, cert }) { this.server.setSecureContext({ key, cert }); }

  stop() {
    this.server?.closeAllConnections?.();
    return new Promise((r) => (this.server ? this.server.close(r) : r()));
  }

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

export function status(id, value, { at = Date.now(), errors, callback } = {}) {
  const s = { id, status: value, timestamp: seconds(at), recipient_id: '56911112222' };
  if (errors) s.errors = errors;
  if (callback) s.biz_opaque_callback_data = callback; // Meta echoes what the send carried
  return { statuses: [s] };
}

// Polls fn until it answers something truthy (answered), or fails naming `what`.
export async function waitFor(fn, what, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

// The webhook answers 200 once a delivery is ACCEPTED (its raw body committed to the inbox), with
// what it carries ({ok, accepted, received: {messages, statuses}}); processing follows. Checks that
// answer for `r`.
export function assertAccepted(assert, r, { messages = 0, statuses = 0 } = {}) {
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.accepted, true, r.text);
  assert.deepEqual(r.json.received, { messages, statuses }, r.text);
}

// Waits until the server has processed everything it accepted and nothing is left in the inbox
// (a processing that failed leaves its row: this then times out). `client` may read
// GET /api/v1/whatsapp/inbox (a supervisor). Tests read the EFFECT afterwards through the API.
export async function settled(client, ms = 20_000) {
  return waitFor(async () => {
    const r = await client.get('/api/v1/whatsapp/inbox');
    if (r.status !== 200) throw new Error(`GET /api/v1/whatsapp/inbox: ${r.status} ${r.text}`);
    return r.json.waiting === 0 && r.json.processing === 0 && r.json.stored === 0 ? r.json : null;
  }, 'the accepted deliveries processed (GET /api/v1/whatsapp/inbox)', ms);
}

// What the processing STORED, read from the database itself (the webhook's 200 answers the
// accept, so per-delivery counts are no longer in it): the statuses recorded for a wamid, as
// "status|known|applied" sorted by status, and how many message rows carry a wamid.
export const statusRows = (dbUrl, wamid) =>
  rawSqlLines(dbUrl, `SELECT status, known, applied FROM whatsapp_statuses WHERE wamid = '${wamid.replace(/'/g, "''")}' ORDER BY status`);
export const messageRows = (dbUrl, wamid) =>
  Number(rawSqlLines(dbUrl, `SELECT COUNT(*) FROM whatsapp_messages WHERE wamid = '${wamid.replace(/'/g, "''")}'`)[0]);
// The wamids of the messages in a raw delivery body.
export const wamidsOf = (raw) => JSON.parse(raw).entry.flatMap((e) => e.changes.flatMap((c) => (c.value.messages ?? []).map((m) => m.id)));

// A server on its own database and key folder, pointed at `meta`, that a test can stop (or kill)
// and start again on the same data. start(extraEnv) answers the running server; secret() the app secret.
export async function restartableServer(meta, prefix) {
  const db = await freshDatabase();
  const dir = tempDir(prefix);
  const env = { EQ_CHANNELS_HOURS: '24/7', EQ_WHATSAPP_GRAPH_URL: meta.url, EQ_WHATSAPP_TOKEN: 'token-de-prueba' };
  const args = ['--demo', '--keys', path.join(dir.dir, 'equidad.key')];
  return {
    // A loaded machine on PostgreSQL may take minutes to load the demo before it listens.
    start: (extraEnv = {}, extraArgs = []) =>
      startServer({ db: db.url, extraArgs: [...args, ...extraArgs], env: { ...env, ...extraEnv }, startTimeoutMs: 240_000 }),
    secret: () => fs.readFileSync(path.join(dir.dir, 'equidad.whatsapp.key'), 'utf8').trim(),
    cleanup: async () => { dir.cleanup(); await db.cleanup(); },
  };
}

// A real PNG made here, byte by byte (no file, no drawing tool): a w×h picture whose pixel (x, y)
// is rgb(x, y) → [r, g, b]. What a woman's photo stands for in the tests and the browser test.
export function pngImage(w, h, rgb) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < w; x++) {
      const [r, g, b] = rgb(x, y);
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
