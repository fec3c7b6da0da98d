// Helpers for the auth, admin and permission tests: TOTP codes (RFC 6238, node:crypto), a small
// cookie client bound to one User-Agent, and logins for the demo accounts.
// Builds on harness.mjs (startServer, request, nextClientAddress).
import crypto from 'node:crypto';

import { nextClientAddress, request, sleep } from './harness.mjs';

export const PASSWORD = 'Equidad2026!';
export const DEMO_SECRET = 'JBSWY3DPEHPK3PXP';
export const UA = 'EquidadIntegrationTests/1.0 (node)';

// The demo accounts: e-mail → role and whether the second factor is already enabled.
export const DEMO = {
  admin: { email: 'admin@equidad.demo', role: 'admin', totp: true },
  institution_admin: { email: 'institucion@equidad.demo', role: 'institution_admin', totp: true },
  analyst: { email: 'analista@equidad.demo', role: 'analyst', totp: false },
  focal_point: { email: 'enlace@equidad.demo', role: 'focal_point', totp: false },
  seremi: { email: 'seremi@equidad.demo', role: 'seremi', totp: false },
  case_worker: { email: 'caso@equidad.demo', role: 'case_worker', totp: true },
  operator: { email: 'operador@equidad.demo', role: 'operator', totp: true },
  municipal: { email: 'municipal@equidad.demo', role: 'municipal', totp: true },
  responder: { email: 'patrulla@equidad.demo', role: 'responder', totp: true }, // Carabineros de Chile
  pharmacy: { email: 'farmacia@equidad.demo', role: 'pharmacy', totp: false },
  company: { email: 'empresa@equidad.demo', role: 'company', totp: false },
  channels_supervisor: { email: 'supervision@equidad.demo', role: 'channels_supervisor', totp: true },
  house_staff: { email: 'casa@equidad.demo', role: 'house_staff', totp: true }, // Casa de Acogida Región de Valparaíso
  board_candidate: { email: 'directora@equidad.demo', role: 'board_candidate', totp: false }, // Registro de Directoras
  dpo: { email: 'dpo@equidad.demo', role: 'dpo', totp: true }, // Ley 21.719 data-protection officer
};

// --- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30 s)
export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${s}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totpCode(secretB32, counter) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac('sha1', base32Decode(secretB32)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

export const totpCounter = (ms = Date.now()) => Math.floor(ms / 30_000);

// The server accepts the codes of the previous, current and next 30 s step, each once per user
// (it remembers the last step used). This picks, per user, the oldest step still unused and
// acceptable, waiting for the next window when all three are spent.
const lastCounter = new Map(); // key (database + e-mail) → last step handed out
// The used steps are stored in the database, so servers started on one database (a restart) share them.
export const totpKey = (server, email) => `${server.dbUrl ?? server.baseUrl}|${email}`;
export async function freshTotp(key, secretB32 = DEMO_SECRET) {
  for (;;) {
    const now = Date.now();
    const c = totpCounter(now);
    const into = (now % 30_000) / 1000;
    const last = lastCounter.get(key) ?? -Infinity;
    // c-1 stops being accepted when the window turns: avoid it near the end of a window.
    const candidates = [into < 25 ? c - 1 : null, c, c + 1].filter((x) => x !== null && x > last);
    if (candidates.length) {
      const chosen = candidates[0];
      lastCounter.set(key, chosen);
      return { code: totpCode(secretB32, chosen), counter: chosen };
    }
    await sleep(30_000 - (now % 30_000) + 250);
  }
}
// The code freshTotp would give next, without spending it (for requests the server refuses
// before it looks at the code, so the step stays usable).
export function peekTotp(key, secretB32 = DEMO_SECRET) {
  const c = totpCounter();
  const last = lastCounter.get(key) ?? -Infinity;
  return totpCode(secretB32, Math.max(c, last + 1));
}
// Marks a step as spent without using it (a test consumed it some other way).
export function spendTotp(key, counter) {
  if ((lastCounter.get(key) ?? -Infinity) < counter) lastCounter.set(key, counter);
}

// A code no acceptable step produces right now.
export function wrongTotp(secretB32 = DEMO_SECRET) {
  const c = totpCounter();
  const valid = new Set([c - 2, c - 1, c, c + 1, c + 2].map((x) => totpCode(secretB32, x)));
  for (let i = 0; ; i++) {
    const code = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) return code;
  }
}

// --- a browser-like client: one cookie jar, one User-Agent, the CSRF token from the session
export class Client {
  constructor(server, { ua = UA, address } = {}) {
    this.server = server;
    this.ua = ua;
    this.address = address ?? nextClientAddress();
    this.cookie = null; // "eq_session=…"
    this.setCookie = null; // the raw Set-Cookie header of the login
    this.csrf = null;
    this.session = null; // session JSON of the login
  }

  // opts: body, headers, csrf (default true: send X-CSRF-Token when known), cookie (override), ua (override)
  async req(method, path, { body, headers = {}, csrf = true, cookie, ua } = {}) {
    const h = { 'User-Agent': ua ?? this.ua, Accept: 'application/json', ...headers };
    const c = cookie === undefined ? this.cookie : cookie;
    if (c) h.Cookie = c;
    if (csrf && this.csrf && !Object.keys(h).some((k) => k.toLowerCase() === 'x-csrf-token')) h['X-CSRF-Token'] = this.csrf;
    const res = await request(method, path, { baseUrl: this.server.baseUrl, body, headers: h, localAddress: this.address });
    this.#absorb(res);
    return res;
  }

  get(path, opts) { return this.req('GET', path, opts); }
  post(path, body, opts = {}) { return this.req('POST', path, { ...opts, body: body ?? {} }); }
  patch(path, body, opts = {}) { return this.req('PATCH', path, { ...opts, body }); }
  del(path, opts) { return this.req('DELETE', path, opts); }

  #absorb(res) {
    let sc = res.headers['set-cookie'];
    if (!sc) return;
    if (!Array.isArray(sc)) sc = [sc];
    for (const line of sc) {
      const m = /^eq_session=([^;]*)/.exec(line);
      if (!m) continue;
      this.setCookie = line;
      this.cookie = m[1] ? `eq_session=${m[1]}` : null;
    }
    if (res.json?.session?.csrf_token) {
      this.csrf = res.json.session.csrf_token;
      this.session = res.json.session;
    }
  }
}

// Password step only: resolves the response of POST /api/v1/auth/login.
export function passwordStep(client, email, password = PASSWORD) {
  return client.post('/api/v1/auth/login', { email, password });
}

// Whole login. For TOTP accounts give `secret` (default the demo secret) — a fresh code is used.
// Resolves the signed-in Client; throws with the response text when a step fails.
export async function login(server, email, { password = PASSWORD, secret = DEMO_SECRET, ua, address } = {}) {
  const client = new Client(server, { ua, address });
  const r = await passwordStep(client, email, password);
  if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${r.text}`);
  if (r.json.next === 'done') return client;
  if (r.json.next !== 'totp') throw new Error(`login ${email}: unexpected step ${r.text}`);
  const { code } = await freshTotp(totpKey(server, email), secret);
  const t = await client.post('/api/v1/auth/login/totp', { challenge: r.json.challenge, code });
  if (t.status !== 200 || t.json?.next !== 'done') throw new Error(`totp ${email}: ${t.status} ${t.text}`);
  return client;
}

export const loginDemo = (server, role, opts) => login(server, DEMO[role].email, opts);

// A strong password for accounts created by the tests.
export const newPassword = () => `Prueba-${crypto.randomBytes(6).toString('hex')}!`;
export const uniq = () => `${process.pid}${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;

// Valid Chilean RUN for a number (modulo 11 check digit), formatted "12345678-5".
export function runFor(n) {
  let sum = 0;
  let mul = 2;
  for (let x = n; x > 0; x = Math.floor(x / 10)) {
    sum += (x % 10) * mul;
    mul = mul === 7 ? 2 : mul + 1;
  }
  const r = 11 - (sum % 11);
  const dv = r === 11 ? '0' : r === 10 ? 'K' : String(r);
  return `${n}-${dv}`;
}
export function formatRun(n) {
  const [body, dv] = runFor(n).split('-');
  return `${body.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}-${dv}`;
}

// Looks up an institution id by exact name (needs roles.read).
export async function institutionId(client, name) {
  const r = await client.get(`/api/v1/institutions?q=${encodeURIComponent(name)}`);
  if (r.status !== 200) throw new Error(`institutions: ${r.status} ${r.text}`);
  const i = r.json.items.find((x) => x.name === name);
  if (!i) throw new Error(`no institution named ${name}`);
  return i.id;
}

// All audit entries matching a query string (follows next_before), newest first.
export async function auditEntries(admin, query = '', max = 2000) {
  const out = [];
  let before = null;
  for (;;) {
    const qs = [query, 'limit=200', before ? `before=${before}` : ''].filter(Boolean).join('&');
    const r = await admin.get(`/api/v1/audit?${qs}`);
    if (r.status !== 200) throw new Error(`audit: ${r.status} ${r.text}`);
    out.push(...r.json.items);
    before = r.json.next_before;
    if (!before || out.length >= max) return out;
  }
}

// First login of an account whose role requires TOTP: enrols with the secret the server hands
// out. Resolves { client, secret, recoveryCodes }.
export async function enrol(server, email, password, { ua, address } = {}) {
  const client = new Client(server, { ua, address });
  const s = await passwordStep(client, email, password);
  if (s.status !== 200 || s.json.next !== 'enrol') throw new Error(`enrol ${email}: ${s.status} ${s.text}`);
  const { code } = await freshTotp(totpKey(server, email), s.json.secret);
  const e = await client.post('/api/v1/auth/login/enrol', { challenge: s.json.challenge, code });
  if (e.status !== 200 || e.json.next !== 'done') throw new Error(`enrol ${email}: ${e.status} ${e.text}`);
  return { client, secret: s.json.secret, recoveryCodes: e.json.recovery_codes };
}
