// A real local SMTP server (RFC 5321, the part a relay speaks to a client: greeting, EHLO,
// MAIL FROM, RCPT TO, DATA with dot-unstuffing, QUIT) that keeps every message it accepts, for
// tests of what the server sends by e-mail. No authentication, no TLS: the production relay is
// configured the same way (plain SMTP to a relay on the ministry's network).
import net from 'node:net';

export async function startSmtpServer({ port = 0 } = {}) {
  const messages = [];
  const waiters = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let data = '';
    let env = { from: '', to: [] };
    const reply = (line) => sock.write(`${line}\r\n`);
    reply('220 smtp.test ESMTP listo');
    sock.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const [head, ...rest] = data.split('\r\n\r\n');
            const headers = {};
            for (const h of head.split('\r\n')) { const k = h.indexOf(':'); if (k > 0) headers[h.slice(0, k).toLowerCase()] = h.slice(k + 1).trim(); }
            let subject = headers.subject || '';
            const m = /^=\?UTF-8\?B\?(.*)\?=$/i.exec(subject);
            if (m) subject = Buffer.from(m[1], 'base64').toString('utf8');
            const msg = { from: env.from, to: env.to, headers, subject, body: rest.join('\r\n\r\n'), raw: data };
            messages.push(msg);
            for (const w of waiters.splice(0)) w();
            env = { from: '', to: [] };
            data = '';
            reply('250 2.0.0 aceptado');
          } else {
            data += (line.startsWith('..') ? line.slice(1) : line) + '\r\n';
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') { sock.write('250-smtp.test\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n'); }
        else if (verb === 'MAIL') { env.from = /<([^>]*)>/.exec(line)?.[1] ?? ''; reply('250 2.1.0 ok'); }
        else if (verb === 'RCPT') { env.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''); reply('250 2.1.5 ok'); }
        else if (verb === 'DATA') { inData = true; data = ''; reply('354 termine con <CRLF>.<CRLF>'); }
        else if (verb === 'QUIT') { reply('221 2.0.0 adiós'); sock.end(); }
        else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
        else reply('502 5.5.2 comando no reconocido');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  return {
    port: server.address().port,
    messages,
    // The newest message to `to` matching `pattern` (subject or body), waiting up to timeoutMs.
    async waitFor(to, pattern = /./, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = [...messages].reverse().find((x) => x.to.includes(to) && (pattern.test(x.subject) || pattern.test(x.body)));
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern} within ${timeoutMs} ms`);
        await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
      }
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
