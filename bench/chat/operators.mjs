// Bench only: creates N operator accounts in the BENCH'S OWN database (bench/chat/run.sh starts a
// throw-away server on a temporary SQLite file) through the real admin API, and signs each one in,
// enrolling its TOTP with the secret the server hands out (the bench knows it because it did the
// enrolment). Never run against demo or production data: it refuses a base URL that is not
// loopback. Prints one line per operator, tab-separated: cookie, CSRF token, User-Agent, the local
// address the session was opened from (the load tool connects from the same one).
//
//   EQ_BASE=http://127.0.0.1:PORT node bench/chat/operators.mjs 500 > operators.tsv
import { enrol, institutionId, login } from '../../tests/integration/auth_helpers.mjs';

const base = process.env.EQ_BASE;
const n = Number(process.argv[2] ?? 500);
if (!base || !/^http:\/\/127\.0\.0\.1:\d+$/.test(base)) {
  console.error('operators.mjs: EQ_BASE must be http://127.0.0.1:PORT (the bench server)');
  process.exit(2);
}
const server = { baseUrl: base };
// One loopback address per operator (127.4.x.y), as each operator is on her own workstation.
const address = (i) => `127.4.${Math.floor(i / 250)}.${(i % 250) + 1}`;

const admin = await login(server, 'admin@equidad.demo', { address: '127.0.0.1' });
const sernameg = await institutionId(admin, 'Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)');
const password = 'Bench-Operadora-2026!';
const run = Date.now().toString(36);
const lines = new Array(n);
let next = 0;
let failures = 0;
async function worker() {
  for (;;) {
    const i = next++;
    if (i >= n) return;
    const email = `bench-op-${run}-${i}@bench.invalid`;
    const c = await admin.post('/api/v1/users', {
      name: `Operadora de carga ${i + 1}`, email, institution_id: sernameg, roles: ['operator'], password,
    });
    if (c.status !== 201) {
      failures++;
      console.error(`create ${email}: ${c.status} ${c.text}`);
      continue;
    }
    try {
      const { client } = await enrol(server, email, password, { address: address(i) });
      lines[i] = [client.cookie, client.csrf, client.ua, client.address].join('\t');
    } catch (e) {
      failures++;
      console.error(String(e));
    }
  }
}
const t0 = Date.now();
await Promise.all(Array.from({ length: 6 }, worker));
for (const l of lines) if (l) console.log(l);
console.error(`operators.mjs: ${lines.filter(Boolean).length} operators signed in in ${((Date.now() - t0) / 1000).toFixed(1)} s (${failures} failures)`);
process.exit(failures && !lines.some(Boolean) ? 1 : 0);
