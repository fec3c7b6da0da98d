// Channel statistics over time (issue 14, item 3; src/channels/history.{h,cc}) over real HTTP on
// SQLite or PostgreSQL (EQ_TEST_DB): the demo's synthetic contact history 2019–2021 is COUNTED by
// the server and must give back the seed's figures (Cuenta Pública 2020–2021, Plan de Emergencia
// COVID-19): 126.645 calls to 1455 in 2020, +149,1 % on 2019 (May 256,2 %, August 254,5 %,
// September 266,0 %), 6.652 chat sessions in 2020, 18.923 WhatsApp sessions in its first year with
// May 2020 the peak at 4.656, 73 «Mascarilla 19» requests (the pharmacy module's own count). Also:
// a live contact is counted like the history, who may see it, small regional cells, CSV and XLSX,
// bad years and views, and the audit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { auditEntries, loginDemo } from './auth_helpers.mjs';
import { assertApiError, freshDatabase, startServer } from './harness.mjs';

const URL = '/api/v1/channels/history/statistics';
let srv;
let analyst;
let supervisor;
let operator;
let pharmacy;
let admin;

// The server writes the demo history beside its start; until then the screen says so.
async function ready(client, query = '') {
  for (let i = 0; i < 240; i++) {
    const r = await client.get(`${URL}${query}`);
    assert.equal(r.status, 200, r.text);
    if (r.json.status === 'ready') return r.json;
    assert.equal(r.json.status, 'computing', r.text);
    assert.equal(r.json.demo, true);
    assert.match(r.json.message, /historial de demostración/);
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error('the demo history was not ready within a minute');
}

before(async () => {
  const db = await freshDatabase();
  srv = await startServer({ db: db.url, env: { EQ_CHANNELS_HOURS: '24/7', EQ_DEMO_CHANNEL_HISTORY: '1' }, extraArgs: ['--demo'] });
  [analyst, supervisor, operator, pharmacy, admin] = await Promise.all(
    ['analyst', 'channels_supervisor', 'operator', 'pharmacy', 'admin'].map((r) => loginDemo(srv, r)));
});

after(async () => {
  await srv?.stop();
});

describe('channel statistics reproduce the seed from counted records', () => {
  test('the seed figures, computed', async () => {
    const s = await ready(analyst);
    assert.equal(s.demo, true, 'labelled as demo data');
    assert.deepEqual([s.from_year, s.to_year, s.year], [2019, 2021, 2020]);
    const seed = Object.fromEntries(s.seed.map((x) => [x.key, x]));
    const expected = {
      phone_2020: 126645,
      phone_variation_2020: 149.1,
      phone_variation_2020_05: 256.2,
      phone_variation_2020_08: 254.5,
      phone_variation_2020_09: 266.0,
      chat_2020: 6652,
      whatsapp_first_year: 18923,
      whatsapp_peak_2020_05: 4656,
      pharmacy_2020: 73,
    };
    for (const [key, value] of Object.entries(expected)) {
      assert.ok(seed[key], `seed figure ${key}`);
      assert.equal(seed[key].seed, value, key);
      assert.equal(seed[key].computed, value, `${key}: computed ${seed[key].computed}, seed ${value}`);
      assert.equal(seed[key].agrees, true, key);
      assert.match(seed[key].source, /Cuenta Pública 2020–2021/);
    }
    // The same figures from the counts themselves, not only from the seed table.
    const year = (y) => s.years.find((x) => x.year === y);
    assert.equal(year(2020).counts.phone, 126645);
    assert.equal(year(2019).counts.phone, 50841);
    assert.equal(year(2020).counts.chat, 6652);
    assert.equal(year(2019).counts.chat, 0, 'the chat opened in April 2020');
    assert.equal(year(2020).counts.pharmacy, 73);
    const months2020 = s.months.filter((m) => m.month.startsWith('2020-'));
    assert.equal(months2020.reduce((n, m) => n + m.counts.phone, 0), 126645, 'the months add up to the year');
    assert.equal(s.months.find((m) => m.month === '2020-03').counts.chat, 0);
    assert.ok(s.months.find((m) => m.month === '2020-04').counts.chat > 0);
    const v = s.variation.find((x) => x.channel === 'phone' && x.year === 2020);
    assert.deepEqual([v.previous, v.current, v.pct, v.through_month], [50841, 126645, 149.1, 12]);
    // 2021's history ends in April: compared with January–April 2020, and it says so.
    const v21 = s.variation.find((x) => x.channel === 'phone' && x.year === 2021);
    assert.equal(v21.through_month, 4);
    assert.match(v21.period, /enero a abril de 2021/);
    const wa = s.first_years.find((x) => x.channel === 'whatsapp');
    assert.deepEqual([wa.since, wa.total, wa.peak_month, wa.peak], ['29-04-2020', 18923, '2020-05', 4656]);
    const may = s.monthly_variation.find((x) => x.channel === 'phone' && x.month === '2020-05');
    assert.equal(may.pct, 256.2);
    // Every contact has a region and an outcome: the breakdowns add up to the year.
    const regionTotal = s.regions.reduce((n, r) => n + (r.counts.phone ?? 0), 0);
    assert.equal(regionTotal, 126645);
    const outcomeTotal = s.outcomes.reduce((n, o) => n + o.counts.phone, 0);
    assert.equal(outcomeTotal, 126645);
    assert.ok(s.outcomes.some((o) => o.id === 'silencio' && o.name === 'Silencio'), 'non-data outcomes are counted');
  });

  test('small regional cells are hidden, never shown as 1 to 4', async () => {
    // One «Mascarilla 19» request this year: its region's pharmacy cell is 1, so it is hidden.
    const y = Number(new Date().toISOString().slice(0, 4));
    const q = `?from=${y}&to=${y}`;
    const r = await pharmacy.post('/api/v1/pharmacy/reports', {
      alias: 'Rosa', phone: '+56 9 8765 4321', safe_contact: 'Llamar después de las 18:00.', asked_for: 'Prueba de la estadística.', in_danger: false });
    assert.equal(r.status, 201, r.text);
    for (const query of ['', q]) {
      const s = await ready(analyst, query);
      let hidden = 0;
      for (const reg of s.regions) {
        for (const [ch, n] of Object.entries(reg.counts)) {
          if (n === null) {
            hidden++;
            assert.ok(reg.suppressed.includes(ch));
          } else assert.ok(n === 0 || n >= 5, `${reg.name} ${ch}: ${n}`);
        }
        assert.ok(reg.total === null || reg.total === 0 || reg.total >= 5, `${reg.name}: ${reg.total}`);
      }
      if (query) assert.ok(hidden > 0, 'this year\'s single pharmacy request is hidden');
    }
    const csv = await analyst.get(`${URL}.csv?view=regiones${q.replace('?', '&')}`);
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.text, /<5/, 'small cells written as <5');
  });

  test('a live contact is counted like the history', async () => {
    const y = Number(new Date().toISOString().slice(0, 4));
    const q = `?from=${y}&to=${y}`;
    const before = (await ready(supervisor, q)).years[0].counts.whatsapp;
    const c = await operator.post('/api/v1/channels/contacts', { channel: 'whatsapp', note: 'Contacto de prueba de la estadística' });
    assert.equal(c.status, 201, c.text);
    const afterCount = (await ready(supervisor, q)).years[0].counts.whatsapp;
    assert.equal(afterCount, before + 1);
  });

  test('who may see it: analysts and 1455 supervisors, not operators nor pharmacies', async () => {
    assert.equal((await supervisor.get(URL)).status, 200);
    for (const who of [operator, pharmacy]) assertApiError(assert, await who.get(URL), 403);
    assertApiError(assert, await operator.get(`${URL}.csv`), 403);
  });

  test('CSV and XLSX tables', async () => {
    await ready(analyst);
    const csv = await analyst.get(`${URL}.csv?view=meses`);
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    assert.match(csv.headers['content-disposition'], /estadistica-canales-meses-2019-2021\.csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.equal(lines[0], 'Mes,Fono 1455,Chat silencioso,WhatsApp,Mascarilla 19,Total');
    assert.equal(lines.length, 1 + 36);
    const phone2020 = lines.filter((l) => l.startsWith('2020-')).reduce((n, l) => n + Number(l.split(',')[1]), 0);
    assert.equal(phone2020, 126645);
    const regions = await analyst.get(`${URL}.csv?view=regiones&year=2020`);
    assert.equal(regions.status, 200);
    assert.match(regions.text, /Región Metropolitana de Santiago/);
    const outcomes = await analyst.get(`${URL}.csv?view=resultados`);
    assert.equal(outcomes.status, 200);
    assert.match(outcomes.text, /Orientación entregada/);
    const xlsx = await analyst.req('GET', `${URL}.xlsx?view=regiones`, { raw: true });
    assert.equal(xlsx.status, 200);
    assert.match(xlsx.headers['content-type'], /spreadsheetml/);
    const body = Buffer.isBuffer(xlsx.body) ? xlsx.body : Buffer.from(xlsx.text ?? '', 'latin1');
    assert.equal(body.subarray(0, 2).toString('latin1'), 'PK', 'a zip (OOXML)');
  });

  test('bad years and views: clear Spanish errors naming the field', async () => {
    await ready(analyst);
    assertApiError(assert, await analyst.get(`${URL}?from=2021&to=2019`), 422, undefined, 'to');
    assertApiError(assert, await analyst.get(`${URL}?from=2010&to=2020`), 422, undefined, 'to');
    assertApiError(assert, await analyst.get(`${URL}?from=2019&to=2021&year=2018`), 422, undefined, 'year');
    const bad = await analyst.get(`${URL}?from=dosmil`);
    assert.ok([400, 422].includes(bad.status), bad.text);
    assertApiError(assert, bad, bad.status, undefined, 'from');
    assertApiError(assert, await analyst.get(`${URL}.csv?view=personas`), 422, undefined, 'view');
  });

  test('every read is audited', async () => {
    await ready(analyst);
    const log = await auditEntries(admin, 'action=channels.statistics_read');
    assert.ok(log.some((e) => e.detail === '2019-2021'), JSON.stringify(log.slice(0, 3)));
    assert.ok(log.some((e) => /^regiones .* csv$/.test(e.detail ?? '')));
  });
});
