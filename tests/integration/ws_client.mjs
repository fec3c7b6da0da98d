// A minimal WebSocket client (RFC 6455) on node:net, for the monitoring tests and the benchmark:
// Node 20 has no WebSocket client without flags, and the tests take no npm dependencies.
//
// What it does: the HTTP/1.1 upgrade handshake (Sec-WebSocket-Key, checks Sec-WebSocket-Accept),
// reads the server's unmasked frames (7-, 16- and 64-bit lengths, fragmented text messages),
// answers pings with pongs, and closes with a masked close frame. It sends no data frames of its
// own, except through sendText/sendJson (the silent chat's client talks).
//
//   const ws = await WsClient.connect(baseUrl, '/api/v1/monitoring/live', { headers: { Cookie, 'User-Agent': UA } });
//   const hello = await ws.next((m) => m.type === 'hello', 2000);   // parsed JSON messages
//   await ws.close();
//
// A refused upgrade (401, 403…) rejects with an Error carrying .status, .headers and .body.
import crypto from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class WsClient {
  constructor(socket, rest) {
    this.socket = socket;
    this.buffer = rest;
    this.messages = []; // { at (performance.now()), text, json }
    this.waiters = [];
    this.closed = false;
    this.closeCode = null;
    this.pings = 0;
    this.fragments = null; // pieces of a fragmented text message
    this.closeSent = false;
    socket.on('data', (d) => { this.buffer = Buffer.concat([this.buffer, d]); this.#parse(); });
    socket.on('close', () => { this.closed = true; this.#wake(); });
    socket.on('error', () => { this.closed = true; this.#wake(); });
    this.#parse();
  }

  // baseUrl "http://127.0.0.1:port"; opts.headers: extra request headers (Cookie, Origin, User-Agent);
  // opts.localAddress; opts.timeoutMs for the handshake.
  static connect(baseUrl, path, { headers = {}, localAddress, timeoutMs = 5000 } = {}) {
    const url = new URL(path, baseUrl);
    const key = crypto.randomBytes(16).toString('base64');
    const expected = crypto.createHash('sha1').update(key + GUID).digest('base64');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
      socket.setNoDelay(true);
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => { socket.destroy(); reject(new Error(`websocket handshake: nothing within ${timeoutMs} ms`)); }, timeoutMs);
      const onData = (d) => {
        buf = Buffer.concat([buf, d]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(lines[0]);
        const hdrs = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        const status = m ? Number(m[1]) : 0;
        if (status !== 101) {
          // Read the (small) error body, then fail with it.
          const len = Number(hdrs['content-length'] ?? 0);
          if (buf.length < end + 4 + len) return;
          clearTimeout(timer);
          socket.off('data', onData);
          socket.destroy();
          const body = buf.subarray(end + 4, end + 4 + len).toString('utf8');
          const e = new Error(`websocket upgrade refused: ${lines[0]} ${body}`);
          e.status = status;
          e.headers = hdrs;
          e.body = body;
          try { e.json = JSON.parse(body); } catch { /* not JSON */ }
          reject(e);
          return;
        }
        clearTimeout(timer);
        socket.off('data', onData);
        if ((hdrs['sec-websocket-accept'] ?? '') !== expected) {
          socket.destroy();
          reject(new Error(`bad Sec-WebSocket-Accept: ${hdrs['sec-websocket-accept']}`));
          return;
        }
        const ws = new WsClient(socket, buf.subarray(end + 4));
        ws.handshakeHeaders = hdrs;
        resolve(ws);
      };
      socket.on('data', onData);
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
      socket.once('connect', () => {
        const h = {
          Host: url.host, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': key, 'Sec-WebSocket-Version': '13', ...headers,
        };
        socket.write(`GET ${url.pathname}${url.search} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      });
    });
  }

  // A masked text frame (the chat's client talks; the live streams' clients never send one).
  sendText(text) { this.#send(0x1, Buffer.from(text, 'utf8')); }
  sendJson(value) { this.sendText(JSON.stringify(value)); }

  #wake() { for (const w of this.waiters.splice(0)) w(); }

  #send(opcode, payload = Buffer.alloc(0)) {
    if (this.socket.destroyed) return;
    const mask = crypto.randomBytes(4);
    let head;
    if (payload.length < 126) head = Buffer.from([0x80 | opcode, 0x80 | payload.length]);
    else if (payload.length < 65536) { head = Buffer.alloc(4); head[0] = 0x80 | opcode; head[1] = 0x80 | 126; head.writeUInt16BE(payload.length, 2); }
    else { head = Buffer.alloc(10); head[0] = 0x80 | opcode; head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(payload.length), 2); }
    const masked = Buffer.from(payload);
    for (let i = 0; i < masked.length; i++) masked[i] ^= mask[i & 3];
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  #parse() {
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (b.length < 4) return; len = b.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (b.length < 10) return; len = Number(b.readBigUInt64BE(2)); off = 10; }
      let mask = null;
      if (masked) { if (b.length < off + 4) return; mask = b.subarray(off, off + 4); off += 4; } // servers must not mask; tolerated
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      this.buffer = b.subarray(off + len);
      if (opcode === 0x9) { this.pings++; this.#send(0xA, payload); continue; } // ping → pong
      if (opcode === 0xA) continue; // pong
      if (opcode === 0x8) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (!this.closeSent) { this.closeSent = true; this.#send(0x8, payload.subarray(0, 2)); } // echo the server's close
        this.socket.end();
        this.closed = true;
        this.#wake();
        return;
      }
      if (opcode === 0x1 || opcode === 0x2) this.fragments = [payload];
      else if (opcode === 0x0 && this.fragments) this.fragments.push(payload);
      if (fin && this.fragments) {
        const text = Buffer.concat(this.fragments).toString('utf8');
        this.fragments = null;
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        this.messages.push({ at: performance.now(), wall: Date.now(), text, json });
        this.#wake();
      }
    }
  }

  // Resolves the first message (parsed JSON, or the text) not yet taken that satisfies pred and
  // takes it off the queue; the others stay queued for later calls. Rejects after timeoutMs.
  async next(pred = () => true, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex((m) => pred(m.json, m));
      if (i >= 0) {
        const [m] = this.messages.splice(i, 1);
        return m.json ?? m.text;
      }
      if (this.closed) throw new Error(`websocket closed (code ${this.closeCode}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`websocket: no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.text.slice(0, 200)))}`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  // Like next(), but resolves the raw entry { at, wall, text, json } (for latency measurements).
  async nextEntry(pred = () => true, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex((m) => pred(m.json, m));
      if (i >= 0) return this.messages.splice(i, 1)[0];
      if (this.closed) throw new Error(`websocket closed (code ${this.closeCode}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`websocket: no matching message within ${timeoutMs} ms`);
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  // Calls fn(entry) for every message from now on (and the queued ones); returns an unsubscribe.
  onMessage(fn) {
    const drain = () => { for (const m of this.messages.splice(0)) fn(m); };
    drain();
    const loop = () => { if (!this.stopped) { drain(); this.waiters.push(loop); } };
    this.stopped = false;
    this.waiters.push(loop);
    return () => { this.stopped = true; };
  }

  ping(data = Buffer.alloc(0)) { this.#send(0x9, data); }

  // Sends a masked close frame (1000) and waits for the server to close the connection.
  async close(timeoutMs = 3000) {
    if (!this.closed) {
      const code = Buffer.alloc(2);
      code.writeUInt16BE(1000);
      this.closeSent = true;
      this.#send(0x8, code);
      await new Promise((resolve) => {
        if (this.closed) return resolve();
        const t = setTimeout(resolve, timeoutMs);
        this.socket.once('close', () => { clearTimeout(t); resolve(); });
      });
    }
    this.socket.destroy();
  }
}
