// Plays the telephony system (the 1455 switch) against Equidad's call-event webhook, over real
// HTTP, exactly as src/channels/TELEPHONY.md describes it: a JSON body signed with HMAC-SHA256
// under the shared secret (the file beside the key file, "equidad.telephony.key").
//
// As a library (the integration tests):
//   const phone = new TelephonySwitch(baseUrl, secret);
//   await phone.send({ type: 'ringing', call_id: 'c1', from: '+56 9 1234 5678' });
// From the command line (the README's demo), a call that rings and waits, or is abandoned:
//   node tests/integration/telephony_client.mjs --url http://127.0.0.1:8080 --secret-file var/equidad.telephony.key \
//        ring [--from "+56 9 1234 5678"] [--urgent] [--abandon-after 30]
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

export function signature(secret, t, body) {
  return `t=${t},v1=${crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export class TelephonySwitch {
  constructor(baseUrl, secret) {
    this.baseUrl = baseUrl;
    this.secret = secret;
  }

  // Sends one event; fills event_id and at when absent. opts.sign: false (no header), or a
  // function (t, body) => header, to send what a forger would. Resolves { status, headers, json, text, event }.
  send(event, { sign = true, t = Date.now(), rawBody } = {}) {
    const full = { event_id: crypto.randomUUID(), at: Date.now(), ...event };
    const body = rawBody ?? JSON.stringify(full);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    if (sign === true) headers['X-Equidad-Signature'] = signature(this.secret, t, body);
    else if (typeof sign === 'function') headers['X-Equidad-Signature'] = sign(t, body);
    const url = new URL('/api/v1/channels/telephony/events', this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', headers }, (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => {
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          resolve({ status: res.statusCode, headers: res.headers, json, text, event: full });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

async function main(argv) {
  const arg = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const url = arg('--url', 'http://127.0.0.1:8080');
  const secret = fs.readFileSync(arg('--secret-file', 'var/equidad.telephony.key'), 'utf8').trim();
  const phone = new TelephonySwitch(url, secret);
  const call = `demo-${Date.now()}`;
  const from = arg('--from', `+56 9 ${crypto.randomInt(1000, 9999)} ${crypto.randomInt(1000, 9999)}`);
  const r = await phone.send({ type: 'ringing', call_id: call, from, urgent: argv.includes('--urgent') });
  console.log(`ringing ${call}: ${r.status} ${r.text}`);
  const after = Number(arg('--abandon-after', '0'));
  if (after > 0) {
    await new Promise((res) => setTimeout(res, after * 1000));
    const a = await phone.send({ type: 'abandoned', call_id: call });
    console.log(`abandoned ${call}: ${a.status} ${a.text}`);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main(process.argv.slice(2)).catch((e) => { console.error(e.message); process.exit(1); });
}
