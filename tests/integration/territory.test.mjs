// The territory API as a user of the public reference data sees it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';

import { assertApiError, startServer } from './harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

const get = (p, opts) => srv.request('GET', p, opts);

describe('regions, provinces, comunas', () => {
  test('16 regions ordered north to south', async () => {
    const r = await get('/api/v1/territory/regions');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^application\/json/);
    const items = r.json.items;
    assert.equal(items.length, 16);
    assert.equal(items[0].id, '15');
    assert.match(items[0].name, /Arica y Parinacota/);
    assert.equal(items.at(-1).id, '12');
    assert.match(items.at(-1).name, /Magallanes/);
    // The full official north→south order.
    assert.deepEqual(items.map((x) => x.id),
      ['15', '01', '02', '03', '04', '05', '13', '06', '07', '16', '08', '09', '14', '10', '11', '12']);
    for (const x of items) {
      assert.match(x.id, /^\d{2}$/);
      assert.equal(typeof x.name, 'string');
      assert.match(x.iso_code, /^CL-[A-Z]{2}$/);
    }
  });

  test('provinces of the Metropolitan region', async () => {
    const r = await get('/api/v1/territory/regions/13/provinces');
    assert.equal(r.status, 200);
    const ids = r.json.items.map((p) => p.id).sort();
    assert.deepEqual(ids, ['131', '132', '133', '134', '135', '136']);
    assert.ok(r.json.items.every((p) => p.region_id === '13'));
    assert.equal(r.json.items.find((p) => p.id === '131').name, 'Santiago');
  });

  test('comunas of the province of Santiago', async () => {
    const r = await get('/api/v1/territory/provinces/131/comunas');
    assert.equal(r.status, 200);
    const items = r.json.items;
    assert.equal(items.length, 32);
    assert.ok(items.every((c) => c.province_id === '131' && c.region_id === '13'));
    const byId = Object.fromEntries(items.map((c) => [c.id, c.name]));
    assert.equal(byId['13101'], 'Santiago');
    assert.equal(byId['13120'], 'Ñuñoa');
    assert.equal(byId['13122'], 'Peñalolén');
  });

  test('one comuna by code', async () => {
    const r = await get('/api/v1/territory/comunas/13120');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { id: '13120', name: 'Ñuñoa', province_id: '131', region_id: '13' });
  });

  test('unknown region, province and comuna are 404 with a JSON error', async () => {
    assertApiError(assert, await get('/api/v1/territory/regions/99/provinces'), 404, 'not_found');
    assertApiError(assert, await get('/api/v1/territory/regions/xx/provinces'), 404, 'not_found');
    assertApiError(assert, await get('/api/v1/territory/provinces/999/comunas'), 404, 'not_found');
    assertApiError(assert, await get('/api/v1/territory/comunas/99999'), 404, 'not_found');
  });
});

describe('comuna search', () => {
  test('"nunoa" finds Ñuñoa without accents', async () => {
    const r = await get('/api/v1/territory/comunas?q=nunoa');
    assert.equal(r.status, 200);
    assert.ok(r.json.items.some((c) => c.id === '13120' && c.name === 'Ñuñoa'), r.text);
  });

  test('accents and case in the query are ignored too', async () => {
    for (const q of ['ÑUÑOA', 'Ñuñoa', 'penalolen', 'PEÑALOLÉN']) {
      const r = await get(`/api/v1/territory/comunas?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, q);
      assert.ok(r.json.items.length >= 1, `${q}: ${r.text}`);
    }
  });

  test('SQL metacharacters return no rows and no error', async () => {
    for (const q of ["' OR 1=1 --", '%', '_', '%%', '__', "'; DROP TABLE comunas; --", '\\', '"']) {
      const r = await get(`/api/v1/territory/comunas?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, `${q}: ${r.text}`);
      assert.deepEqual(r.json, { items: [] }, `q=${q} should match nothing`);
    }
    // The data is still there afterwards.
    const again = await get('/api/v1/territory/regions');
    assert.equal(again.json.items.length, 16);
  });

  test('search filtered by region and limit', async () => {
    const r = await get('/api/v1/territory/comunas?q=san&region=13&limit=3');
    assert.equal(r.status, 200);
    assert.ok(r.json.items.length > 0 && r.json.items.length <= 3, r.text);
    assert.ok(r.json.items.every((c) => c.region_id === '13'));
  });

  test('invalid search parameters name the field', async () => {
    assertApiError(assert, await get(`/api/v1/territory/comunas?q=${'a'.repeat(101)}`), 400, undefined, 'q');
    assertApiError(assert, await get('/api/v1/territory/comunas?q=san&region=1'), 400, undefined, 'region');
    assertApiError(assert, await get('/api/v1/territory/comunas?q=san&limit=0'), 400, undefined, 'limit');
    assertApiError(assert, await get('/api/v1/territory/comunas?q=san&limit=abc'), 400, undefined, 'limit');
  });
});

describe('locate', () => {
  test('Plaza de Armas is in Santiago (13101)', async () => {
    const r = await get('/api/v1/territory/locate?lat=-33.4378&lon=-70.6504');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.comuna.id, '13101');
    assert.equal(r.json.comuna.name, 'Santiago');
  });

  test('a point at sea is 404 with a JSON error', async () => {
    assertApiError(assert, await get('/api/v1/territory/locate?lat=-33.0&lon=-75.0'), 404, 'not_found');
  });

  test('invalid coordinates are 400 naming the field', async () => {
    assertApiError(assert, await get('/api/v1/territory/locate?lat=abc&lon=-70.65'), 400, undefined, 'lat');
    assertApiError(assert, await get('/api/v1/territory/locate?lat=-91&lon=-70.65'), 400, undefined, 'lat');
    assertApiError(assert, await get('/api/v1/territory/locate?lon=-70.65'), 400, undefined, 'lat');
    assertApiError(assert, await get('/api/v1/territory/locate?lat=-33.4&lon=200'), 400, undefined, 'lon');
    assertApiError(assert, await get('/api/v1/territory/locate?lat=NaN&lon=-70.65'), 400, undefined, 'lat');
  });
});

describe('boundaries', () => {
  test('regional boundaries are a FeatureCollection of 16 regions', async () => {
    const r = await get('/api/v1/territory/boundaries/regions');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /geo\+json|json/);
    assert.equal(r.headers['content-encoding'], undefined, 'no gzip unless asked');
    const doc = JSON.parse(r.text);
    assert.equal(doc.type, 'FeatureCollection');
    assert.equal(doc.features.length, 16);
    const ids = doc.features.map((f) => f.properties.region_id).sort();
    assert.deepEqual(ids, ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16']);
    for (const f of doc.features) {
      assert.equal(f.type, 'Feature');
      assert.ok(['Polygon', 'MultiPolygon'].includes(f.geometry.type), f.geometry.type);
    }
  });

  test('gzip is served when asked, and decodes to the same document', async () => {
    const plain = await get('/api/v1/territory/boundaries/regions', { raw: true });
    const z = await get('/api/v1/territory/boundaries/regions', { raw: true, headers: { 'Accept-Encoding': 'gzip, deflate' } });
    assert.equal(z.status, 200);
    assert.equal(z.headers['content-encoding'], 'gzip');
    assert.match(z.headers.vary || '', /Accept-Encoding/i);
    assert.ok(z.body.length < plain.body.length / 2, `gzip ${z.body.length} vs plain ${plain.body.length}`);
    assert.equal(zlib.gunzipSync(z.body).toString(), plain.body.toString());
  });

  test('gzip;q=0 is honoured', async () => {
    const r = await get('/api/v1/territory/boundaries/regions', { raw: true, headers: { 'Accept-Encoding': 'gzip;q=0' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
  });

  test('comuna boundaries of region 13 list its 52 comunas', async () => {
    const r = await get('/api/v1/territory/boundaries/regions/13/comunas', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.text);
    assert.equal(doc.type, 'FeatureCollection');
    assert.equal(doc.features.length, 52);
    assert.ok(doc.features.every((f) => f.properties.comuna_id.startsWith('13')));
    assertApiError(assert, await get('/api/v1/territory/boundaries/regions/99/comunas'), 404, 'not_found');
  });

  test('ordinary JSON answers are gzipped when large and asked for', async () => {
    const r = await get('/api/v1/territory/comunas?limit=400', { raw: true, headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'gzip');
    const items = JSON.parse(zlib.gunzipSync(r.body)).items;
    assert.equal(items.length, 346);
  });
});
