// Gender indicators over real HTTP: the public companies' report built from the demo's synthetic
// filings (460 organisations, 2019–2020) reproduces the seed's finding and its text agrees with its
// figures; filings import (CSV and XLSX) with its blocking checks; the SEG catalogue, a steward's
// upload and its refusals.
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo } from './auth_helpers.mjs';

let srv;
let analyst;
let steward;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  analyst = await loginDemo(srv, 'analyst');
  steward = await login(srv, 'estadisticas@equidad.demo');
});
after(async () => { await srv?.stop(); });

const get = (p) => srv.request('GET', p);
const pct = (v) => `${v.toFixed(1).replace('.', ',')} %`;

// ------------------------------------------------------------------ a filing file
const COLUMNS = ['anio', 'rut', 'razon_social', 'sector', 'tamano', 'norma', 'mujeres_total', 'hombres_total', 'mujeres_gerencia',
  'hombres_gerencia', 'mujeres_ejecutivo', 'hombres_ejecutivo', 'mujeres_administrativo', 'hombres_administrativo',
  'directorio_mujeres', 'directorio_hombres', 'sueldo_mujeres_gerencia', 'sueldo_hombres_gerencia', 'brecha_gerencia',
  'brecha_ejecutivo', 'explicacion'];

function rutFor(n) {
  let sum = 0;
  let mul = 2;
  for (let x = n; x > 0; x = Math.floor(x / 10)) {
    sum += (x % 10) * mul;
    mul = mul === 7 ? 2 : mul + 1;
  }
  const dv = 11 - (sum % 11);
  return `${n}-${dv === 11 ? '0' : dv === 10 ? 'K' : String(dv)}`;
}

// A valid row: 3+7 in management, 20+30 executive, 100+140 administrative; board 2+5.
function row(n, over = {}) {
  const r = {
    anio: '2021', rut: rutFor(n), razon_social: `Compañía de Prueba ${n} S.A.`, sector: 'Comercio', tamano: 'grande', norma: 'NCG 461',
    mujeres_total: '123', hombres_total: '177', mujeres_gerencia: '3', hombres_gerencia: '7', mujeres_ejecutivo: '20',
    hombres_ejecutivo: '30', mujeres_administrativo: '100', hombres_administrativo: '140', directorio_mujeres: '2',
    directorio_hombres: '5', sueldo_mujeres_gerencia: '8000000', sueldo_hombres_gerencia: '10000000', brecha_gerencia: '20,0',
    brecha_ejecutivo: '15,5', explicacion: '',
  };
  return { ...r, ...over };
}
const csv = (rows) => [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => `"${r[c] ?? ''}"`).join(','))].join('\r\n');
const importCsv = (text, year = 2021, extra = '') => analyst.req('POST', `/api/v1/indicators/filings/import?year=${year}${extra}`,
  { body: text, headers: { 'Content-Type': 'text/csv; charset=utf-8' } });

// The 422 of a rejected file: the error envelope plus the per-row report.
function rejected(res, column) {
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.error.code, 'filing_rejected');
  assert.match(res.json.error.message, /no se importó ninguna fila/);
  assert.equal(res.json.report.imported, 0);
  const blocking = res.json.report.issues.filter((i) => i.severity === 'bloqueante');
  assert.ok(blocking.some((i) => i.column === column), `a blocking issue on «${column}»: ${JSON.stringify(res.json.report.issues)}`);
  return blocking;
}

// ------------------------------------------------------------------ a minimal XLSX (stored ZIP + deflate)
const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const deflated = zlib.deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0); head.writeUInt16LE(20, 4); head.writeUInt16LE(8, 8);
    head.writeUInt32LE(crc32(data), 14); head.writeUInt32LE(deflated.length, 18); head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16); central.writeUInt32LE(deflated.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(head, nameBuf, deflated);
    centrals.push(central, nameBuf);
    offset += head.length + nameBuf.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
function xlsx(rows) {
  const shared = [];
  const idx = (s) => { let i = shared.indexOf(s); if (i < 0) { i = shared.length; shared.push(s); } return i; };
  const col = (i) => String.fromCharCode(65 + (i % 26)).padStart(i >= 26 ? 2 : 1, 'A');
  const sheetRows = [COLUMNS, ...rows.map((r) => COLUMNS.map((c) => r[c] ?? ''))].map((cells, r) =>
    `<row r="${r + 1}">${cells.map((v, c) => {
      const ref = `${col(c)}${r + 1}`;
      if (v === '') return '';
      // Numbers as numbers (a spreadsheet writes 20.5 for «20,5»), text as shared strings.
      if (r > 0 && /^-?\d+(,\d+)?$/.test(v)) return `<c r="${ref}"><v>${v.replace(',', '.')}</v></c>`;
      return `<c r="${ref}" t="s"><v>${idx(v)}</v></c>`;
    }).join('')}</row>`).join('');
  return zip({
    '[Content_Types].xml': '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'xl/workbook.xml': '<?xml version="1.0"?><workbook/>',
    'xl/sharedStrings.xml': `<?xml version="1.0"?><sst>${shared.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`,
    'xl/worksheets/sheet1.xml': `<?xml version="1.0"?><worksheet><sheetData>${sheetRows}</sheetData></worksheet>`,
  });
}

describe('the public companies\' report (demo: 460 organisations, 2019 and 2020)', () => {
  test('reproduces the seed\'s finding: everything worse or flat except women in first-line management', async () => {
    const r = await get('/api/v1/indicators/public/report');
    assert.equal(r.status, 200, r.text);
    const rep = r.json;
    assert.equal(rep.demo, true);
    assert.match(rep.demo_note, /demostración/);
    assert.deepEqual(rep.years, [2019, 2020]);
    const better = rep.findings.filter((f) => f.trend === 'mejora').map((f) => f.indicator);
    assert.deepEqual(better, ['mujeres_gerencia']);
    for (const f of rep.findings) assert.ok(['mejora', 'empeora', 'sin cambio'].includes(f.trend));
    assert.ok(rep.findings.filter((f) => f.trend === 'empeora').length >= 5, 'most indicators are worse');
    // The seed's 460: organisations that filed in 2020, each counted once.
    const a2020 = rep.attrition.find((a) => a.year === 2020);
    assert.equal(a2020.filed - a2020.duplicates, 460);
    assert.equal(rep.seed.organisations, 460);
    // Attrition adds up: eligible = panel + not every year; unique = eligible + no sector + small.
    for (const a of rep.attrition) {
      assert.equal(a.eligible, a.panel + a.not_every_year);
      assert.equal(a.filed - a.duplicates, a.eligible + a.no_sector + a.small);
    }
    assert.ok(a2020.duplicates > 0, 'some companies filed under two rules');
  });

  test('the written findings say the figures of the table', async () => {
    const rep = (await get('/api/v1/indicators/public/report')).json;
    const byId = Object.fromEntries(rep.indicators.map((i) => [i.id, i]));
    for (const f of rep.findings) {
      const ind = byId[f.indicator];
      assert.equal(f.from, ind.panel['2019']);
      assert.equal(f.to, ind.panel['2020']);
      assert.ok(f.text.includes(pct(ind.panel['2019'])), `${f.text} says ${pct(ind.panel['2019'])}`);
      assert.ok(f.text.includes(pct(ind.panel['2020'])), `${f.text} says ${pct(ind.panel['2020'])}`);
      const change = Math.round((ind.panel['2020'] - ind.panel['2019']) * 10) / 10;
      const better = ind.higher_is_better ? change > 0 : change < 0;
      const expected = Math.abs(change) <= rep.flat_threshold + 1e-9 ? 'sin cambio' : better ? 'mejora' : 'empeora';
      assert.equal(f.trend, expected, f.text);
      assert.ok(rep.summary.toLowerCase().includes(ind.name.toLowerCase()), `the summary names ${ind.name}`);
    }
    assert.match(rep.summary, new RegExp(`en las ${rep.attrition[1].panel} empresas`));
  });

  test('CSV and XLSX downloads of the report', async () => {
    const c = await get('/api/v1/indicators/public/report.csv');
    assert.equal(c.status, 200);
    assert.match(c.headers['content-type'], /text\/csv/);
    assert.match(c.text, /ambito,grupo,anio,indicador,nombre,valor,empresas/);
    assert.match(c.text, /panel,,2020,mujeres_gerencia,/);
    const x = await srv.request('GET', '/api/v1/indicators/public/report.xlsx', { raw: true });
    assert.equal(x.status, 200);
    assert.equal(x.body.subarray(0, 2).toString(), 'PK');
  });
});

describe('filings import: blocking checks, nothing half-written', () => {
  test('headcounts by level that do not add up to the total', async () => {
    const res = await importCsv(csv([row(90000001), row(90000002, { mujeres_total: '124' })]));
    const blocking = rejected(res, 'mujeres_total');
    assert.match(blocking[0].message, /suman 123, pero el total informado es 124/);
    assert.equal(blocking[0].row, 3);
  });

  test('a RUT with a wrong check digit', async () => {
    const good = rutFor(90000003);
    const wrong = good.slice(0, -1) + (good.endsWith('1') ? '2' : '1');
    rejected(await importCsv(csv([row(90000003, { rut: wrong })])), 'rut');
  });

  test('a pay gap outside its range, and one that contradicts the pay filed', async () => {
    const res = await importCsv(csv([row(90000004, { brecha_ejecutivo: '120' })]));
    const b = rejected(res, 'brecha_ejecutivo');
    assert.match(b.find((i) => i.column === 'brecha_ejecutivo').message, /fuera del rango/);
    const contra = await importCsv(csv([row(90000005, { brecha_gerencia: '5,0' })]));
    assert.match(rejected(contra, 'brecha_gerencia').find((i) => i.column === 'brecha_gerencia').message, /contradice/);
  });

  test('an explanation that contradicts the numbers, and headcounts with decimals', async () => {
    rejected(await importCsv(csv([row(90000006, { explicacion: 'En nuestra empresa no hay brecha salarial.' })])), 'explicacion');
    rejected(await importCsv(csv([row(90000007, { hombres_gerencia: '7,5' })])), 'hombres_gerencia');
  });

  test('the same company twice in a year: in the same file, and after it was imported', async () => {
    const twice = await importCsv(csv([row(90000008), row(90000008)]));
    assert.match(rejected(twice, 'rut')[0].message, /ya aparece en la fila 2/);
    // Under two CMF rules it is accepted (and counted once by the report).
    const ok = await importCsv(csv([row(90000008), row(90000008, { norma: 'NCG 386' }), row(90000009, { sector: '' })]));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.imported, 3);
    assert.ok(ok.json.issues.some((i) => i.severity === 'advertencia' && i.column === 'sector'), 'no sector: a warning');
    const again = await importCsv(csv([row(90000008)]));
    assert.match(rejected(again, 'rut')[0].message, /importada antes/);
  });

  test('nothing of a rejected file is written, and a dry run writes nothing either', async () => {
    const before = (await analyst.get('/api/v1/indicators/filings?year=2022')).json.companies.length;
    rejected(await importCsv(csv([row(90000010), row(90000011, { rut: '1-2' })]), 2022, ''), 'rut');
    const dry = await importCsv(csv([row(90000010, { anio: '2022' })]), 2022, '&dry_run=1');
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.json.dry_run, true);
    assert.equal((await analyst.get('/api/v1/indicators/filings?year=2022')).json.companies.length, before);
  });

  test('an XLSX file goes through the same checks', async () => {
    const bad = await analyst.req('POST', '/api/v1/indicators/filings/import?year=2023', {
      body: xlsx([row(90000012, { anio: '2023', mujeres_ejecutivo: '21' })]),
      headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    rejected(bad, 'mujeres_total');
    const good = await analyst.req('POST', '/api/v1/indicators/filings/import?year=2023', {
      body: xlsx([row(90000012, { anio: '2023' }), row(90000013, { anio: '2023' })]),
      headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    });
    assert.equal(good.status, 200, good.text);
    assert.equal(good.json.imported, 2);
    const list = (await analyst.get('/api/v1/indicators/filings?year=2023')).json.companies;
    const c = list.find((x) => x.rut === rutFor(90000012));
    assert.equal(c.gap.gerencia, 20);
    assert.equal(c.women_share.gerencia, 30);
    assert.equal(c.company, 'Compañía de Prueba 90000012 S.A.');
  });

  test('missing and unknown columns, and who may import', async () => {
    assertApiError(assert, await importCsv('rut,razon_social\r\n1-9,X'), 422, 'missing_columns', 'file');
    assertApiError(assert, await importCsv(`${COLUMNS.join(',')},mujeres_totl\r\n`), 422, 'unknown_columns', 'file');
    const r = await steward.req('POST', '/api/v1/indicators/filings/import?year=2021', { body: csv([row(90000020)]), headers: { 'Content-Type': 'text/csv' } });
    assert.equal(r.status, 403);
  });
});

describe('SEG catalogue', () => {
  let catalogue;
  before(async () => { catalogue = (await get('/api/v1/indicators/public/catalogue')).json.items; });
  const byCode = (code) => catalogue.find((i) => i.code === code);

  test('public catalogue: definition, steward, disaggregation, series uploaded or computed', async () => {
    const lf = byCode('SEG-TPL-M');
    assert.equal(lf.steward.name, 'Instituto Nacional de Estadísticas (INE)');
    assert.deepEqual(lf.disaggregations.map((d) => d.id), ['region', 'edad']);
    assert.ok(lf.values.length >= 8);
    const board = byCode('SEG-DIR-EMP');
    assert.equal(board.origin, 'platform');
    const rep = (await get('/api/v1/indicators/public/report')).json;
    const all2019 = rep.indicators.find((i) => i.id === 'mujeres_directorio').all_eligible['2019'];
    assert.equal(board.values.find((v) => v.period === '2019').value, all2019, 'computed from the companies\' report');
    const detail = await get(`/api/v1/indicators/public/catalogue/${lf.id}`);
    assert.equal(detail.status, 200);
    assert.ok(detail.json.values.some((v) => v.disaggregation === 'edad=15-29'));
    assert.ok(detail.json.periods.some((p) => p.overdue), 'the last closed year is due and missing (demo)');
  });

  test('the steward sees the due period at home and on her page', async () => {
    const home = await steward.get('/api/v1/me/home');
    const item = home.json.items.find((i) => i.link === '/indicadores/mis-indicadores');
    assert.ok(item, home.text);
    assert.ok(item.value >= 1);
    const mine = await steward.get('/api/v1/indicators/steward/indicators');
    assert.deepEqual(mine.json.items.map((i) => i.code).sort(), ['SEG-BRECHA-ING', 'SEG-TPL-M']);
  });

  test('a steward uploads a period of her own indicator (all values or none)', async () => {
    const lf = byCode('SEG-TPL-M');
    const period = (await get(`/api/v1/indicators/public/catalogue/${lf.id}`)).json.periods.find((p) => p.overdue).period;
    const bad = await steward.post(`/api/v1/indicators/catalogue/${lf.id}/values`, {
      values: [{ period, value: 51.2 }, { period, disaggregation: 'sexo=mujer', value: 50 }],
    });
    assertApiError(assert, bad, 422, 'invalid_disaggregation', 'values[1].disaggregation');
    const still = (await get(`/api/v1/indicators/public/catalogue/${lf.id}`)).json;
    assert.ok(!still.values.some((v) => v.period === period), 'nothing of the refused upload was written');
    const ok = await steward.post(`/api/v1/indicators/catalogue/${lf.id}/values`, {
      values: [{ period, value: 51.2, numerator: 4096000, denominator: 8000000 }, { period, disaggregation: 'edad=15-29', value: 40.1 }],
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.saved, 2);
    assert.ok(ok.json.indicator.periods.find((p) => p.period === period).reported);
  });

  test('a series value for a period that does not exist', async () => {
    const lf = byCode('SEG-TPL-M');
    for (const period of ['2031', '2020-T1', '1999', 'dos mil']) {
      assertApiError(assert, await steward.post(`/api/v1/indicators/catalogue/${lf.id}/values`, { values: [{ period, value: 50 }] }),
        422, 'unknown_period', 'values[0].period');
    }
    assertApiError(assert, await steward.post(`/api/v1/indicators/catalogue/${lf.id}/values`,
      { values: [{ period: '2018', value: 60, numerator: 1, denominator: 2 }] }), 422, 'inconsistent_value', 'values[0].value');
  });

  test('a steward uploading another institution\'s indicator', async () => {
    const adp = byCode('SEG-ADP-M');  // stewarded by the Ministry
    assertApiError(assert, await steward.post(`/api/v1/indicators/catalogue/${adp.id}/values`, { values: [{ period: '2020', value: 40 }] }),
      403, 'not_steward', 'indicator');
    // The refusal is on record (written after the upload's transaction rolled back, not inside it).
    const admin = await loginDemo(srv, 'admin');
    const denied = (await auditEntries(admin, 'action=indicators.values_upload', 200))
      .filter((e) => e.object === `indicator:${adp.id}` && e.outcome === 'denied');
    assert.equal(denied.length, 1, JSON.stringify(denied));
    assert.equal(denied[0].detail, 'not_steward');
    // A computed series is not uploaded, even by its own steward.
    const board = byCode('SEG-DIR-EMP');
    assertApiError(assert, await analyst.post(`/api/v1/indicators/catalogue/${board.id}/values`, { values: [{ period: '2020', value: 40 }] }),
      409, 'computed_indicator', 'indicator');
    // The Ministry's own analyst may upload the Ministry's indicator.
    const ok = await analyst.post(`/api/v1/indicators/catalogue/${adp.id}/values`, { values: [{ period: '2020', value: 40 }] });
    assert.equal(ok.status, 200, ok.text);
  });
});
