// The SEG catalogue editor over real HTTP: a steward (INE) and the Ministry's analyst create and
// edit indicators; every field is checked with a Spanish error naming it; a published definition
// that changes keeps its history; drafts and retired indicators stay off the public catalogue; a
// retired indicator keeps its series; one institution cannot edit another's (refusal audited).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import { auditEntries, login, loginDemo } from './auth_helpers.mjs';

let srv;
let analyst;
let steward;
let options;
before(async () => {
  srv = await startServer({ extraArgs: ['--demo'], startTimeoutMs: 180_000 }); // generous: the machine is shared
  analyst = await loginDemo(srv, 'analyst');
  steward = await login(srv, 'estadisticas@equidad.demo');
  options = (await steward.get('/api/v1/indicators/editor/options')).json;
});
after(async () => { await srv?.stop(); });

const EDITOR = '/api/v1/indicators/editor/indicators';
const put = (client, id, body) => client.req('PUT', `${EDITOR}/${id}`, { body });
const publicList = async () => (await srv.request('GET', '/api/v1/indicators/public/catalogue')).json.items;

// A complete, valid definition stewarded by the INE.
function def(over = {}) {
  return {
    code: 'SEG-TEST-1', name: 'Proporción de mujeres entre las personas tituladas de educación superior',
    definition: 'Mujeres tituladas sobre el total de personas tituladas de educación superior en el año.',
    numerator: 'Mujeres tituladas', denominator: 'Personas tituladas', unit: '%', factor: 100, decimals: 1,
    periodicity: 'anual', source: 'SIES, Ministerio de Educación', steward_institution_id: options.own_institution_id,
    disaggregations: ['region', 'sexo'], origin: 'upload', first_year: 2018, status: 'borrador', ...over,
  };
}

describe('catalogue editor', () => {
  test('the options: own institution for a steward, the platform\'s computable sources', async () => {
    assert.equal(options.edits_any_institution, false);
    assert.deepEqual(options.institutions.map((i) => i.id), [options.own_institution_id]);
    assert.deepEqual(options.periodicities, ['anual', 'trimestral', 'mensual']);
    const keys = options.sources.map((s) => s.key);
    assert.ok(keys.includes('platform:empresas_directorio') && keys.includes('platform:policy_pmg_genero'), JSON.stringify(keys));
    const mine = (await analyst.get('/api/v1/indicators/editor/options')).json;
    assert.equal(mine.edits_any_institution, true);
    assert.ok(mine.institutions.some((i) => i.id === options.own_institution_id), 'the Ministry may name the INE');
  });

  test('every field is checked, with a Spanish error naming it; nothing is written', async () => {
    const cases = [
      [{ periodicity: 'semanal' }, 422, 'unknown_periodicity', 'periodicity', /anual, trimestral o mensual/],
      [{ decimals: 7 }, 422, 'out_of_range', 'decimals', /de 0 a 4/],
      [{ decimals: -1 }, 422, 'out_of_range', 'decimals', /de 0 a 4/],
      [{ factor: 0 }, 422, 'out_of_range', 'factor', /mayor que 0/],
      [{ code: 'año 1' }, 422, 'invalid_code', 'code', /letras sin tilde/],
      [{ name: '  ' }, 422, 'required', 'name', /Escriba el nombre/],
      [{ numerator: '' }, 422, 'required', 'numerator', /numerador/],
      [{ disaggregations: ['comuna'] }, 422, 'unknown_disaggregation', 'disaggregations', /sexo, region o edad/],
      [{ origin: 'platform:inventada' }, 422, 'unknown_source', 'origin', /Origen desconocido/],
      [{ first_year: 1800 }, 422, 'out_of_range', 'first_year', /1990/],
      [{ status: 'archivado' }, 422, 'unknown_status', 'status', /borrador, publicado o retirado/],
      [{ status: 'retirado' }, 422, 'invalid_status', 'status', /no nace retirado/],
      [{ decimals: 'dos' }, 422, undefined, 'decimals', /./],
      [{ steward_institution_id: options.own_institution_id + 100000 }, 403, 'not_steward', 'steward_institution_id', /propia institución/],
    ];
    for (const [over, status, code, field, message] of cases) {
      const res = await steward.post(EDITOR, def({ code: 'SEG-BAD', ...over }));
      assert.equal(res.status, status, `${JSON.stringify(over)}: ${res.text}`);
      if (code) assert.equal(res.json.error.code, code, res.text);
      assert.equal(res.json.error.field, field, res.text);
      assert.match(res.json.error.message, message);
    }
    const list = (await steward.get(EDITOR)).json.items;
    assert.ok(!list.some((i) => i.code === 'SEG-BAD'), 'no refused definition was written');
    // A code already in the catalogue (the demo's), in any case.
    assertApiError(assert, await steward.post(EDITOR, def({ code: 'seg-tpl-m' })), 409, 'duplicate_code', 'code');
  });

  test('a draft is not public; published, it is listed; a change keeps its history', async () => {
    const created = await steward.post(EDITOR, def({ code: 'SEG-TEST-1' }));
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    assert.equal(created.json.status, 'borrador');
    assert.ok(!(await publicList()).some((i) => i.code === 'SEG-TEST-1'), 'a draft is not on the public catalogue');
    assert.equal((await srv.request('GET', `/api/v1/indicators/public/catalogue/${id}`)).status, 404);

    const pub = await put(steward, id, def({ status: 'publicado' }));
    assert.equal(pub.status, 200, pub.text);
    assert.equal(pub.json.version, 2);
    assert.equal(pub.json.modified_on, null, 'publishing a draft is not a modification of a published definition');
    const listed = (await publicList()).find((i) => i.code === 'SEG-TEST-1');
    assert.ok(listed, 'published: on the public catalogue');
    assert.equal(listed.steward.name, 'Instituto Nacional de Estadísticas (INE)');

    const changed = await put(steward, id, def({ status: 'publicado', definition: 'Mujeres tituladas de pregrado y posgrado sobre el total de personas tituladas.' }));
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.version, 3);
    assert.match(changed.json.modified_on, /^\d{2}-\d{2}-\d{4}$/);
    const detail = (await srv.request('GET', `/api/v1/indicators/public/catalogue/${id}`)).json;
    assert.equal(detail.definition, 'Mujeres tituladas de pregrado y posgrado sobre el total de personas tituladas.');
    assert.equal(detail.modified_on, changed.json.modified_on);
    assert.equal(detail.history.length, 1, JSON.stringify(detail.history));
    assert.equal(detail.history[0].definition, def().definition, 'the earlier published definition is kept');
    const versions = (await steward.get(`${EDITOR}/${id}`)).json.versions;
    assert.deepEqual(versions.map((v) => [v.version, v.status]), [[1, 'borrador'], [2, 'publicado'], [3, 'publicado']]);
    // Saving the same definition again writes no version.
    assert.equal((await put(steward, id, def({ status: 'publicado', definition: detail.definition }))).json.version, 3);
    // A published indicator does not go back to draft.
    assertApiError(assert, await put(steward, id, def({ status: 'borrador' })), 409, 'invalid_status', 'status');

    const admin = await loginDemo(srv, 'admin');
    const audit = (await auditEntries(admin, 'action=indicators.indicator_update', 200)).filter((e) => e.object === `indicator:${id}`);
    assert.equal(audit.length, 2, JSON.stringify(audit));
    assert.ok((await auditEntries(admin, 'action=indicators.indicator_create', 200)).some((e) => e.object === `indicator:${id}`));
  });

  test('a monthly indicator: its periods are months, an unknown month is refused', async () => {
    const created = await steward.post(EDITOR, def({ code: 'SEG-TEST-MES', periodicity: 'mensual', first_year: 2024, status: 'publicado', disaggregations: [] }));
    assert.equal(created.status, 201, created.text);
    const id = created.json.id;
    assert.ok(created.json.periods.some((p) => p.period === '2024-01'), JSON.stringify(created.json.periods.slice(0, 3)));
    const ok = await steward.post(`/api/v1/indicators/catalogue/${id}/values`, { values: [{ period: '2024-03', value: 48.5 }] });
    assert.equal(ok.status, 200, ok.text);
    assertApiError(assert, await steward.post(`/api/v1/indicators/catalogue/${id}/values`, { values: [{ period: '2024-13', value: 48.5 }] }),
      422, 'unknown_period', 'values[0].period');
    // Its periodicity cannot change once it has values.
    assertApiError(assert, await put(steward, id, def({ code: 'SEG-TEST-MES', periodicity: 'anual', first_year: 2024, status: 'publicado', disaggregations: [] })),
      409, 'has_values', 'periodicity');
  });

  test('retiring an indicator with a series keeps the series and takes it off the public catalogue', async () => {
    const created = await steward.post(EDITOR, def({ code: 'SEG-TEST-RET', status: 'publicado', disaggregations: [] }));
    const id = created.json.id;
    const up = await steward.post(`/api/v1/indicators/catalogue/${id}/values`, { values: [{ period: '2019', value: 55.1 }, { period: '2020', value: 56.3 }] });
    assert.equal(up.status, 200, up.text);
    const retired = await put(steward, id, def({ code: 'SEG-TEST-RET', status: 'retirado', disaggregations: [] }));
    assert.equal(retired.status, 200, retired.text);
    assert.equal(retired.json.values.length, 2, 'the series is kept');
    assert.ok(!(await publicList()).some((i) => i.code === 'SEG-TEST-RET'));
    const pub = await srv.request('GET', `/api/v1/indicators/public/catalogue/${id}`);
    assert.equal(pub.json.status, 'retirado');
    assert.deepEqual(pub.json.values.map((v) => v.value), [55.1, 56.3]);
    assert.equal(pub.json.overdue, 0, 'a retired indicator is not due');
    // No new values for a retired indicator.
    assertApiError(assert, await steward.post(`/api/v1/indicators/catalogue/${id}/values`, { values: [{ period: '2021', value: 57 }] }),
      409, 'retired_indicator', 'indicator');
    // Published again: back on the catalogue with its series.
    const again = await put(steward, id, def({ code: 'SEG-TEST-RET', status: 'publicado', disaggregations: [] }));
    assert.equal(again.status, 200, again.text);
    assert.deepEqual((await publicList()).find((i) => i.code === 'SEG-TEST-RET').values.map((v) => v.period), ['2019', '2020']);
  });

  test('a steward editing another institution\'s indicator: 403 (404 for a draft), audited, nothing written', async () => {
    const adp = (await publicList()).find((i) => i.code === 'SEG-ADP-M');  // the Ministry's
    const before = (await srv.request('GET', `/api/v1/indicators/public/catalogue/${adp.id}`)).json;
    const res = await put(steward, adp.id, def({ code: 'SEG-ADP-M', steward_institution_id: options.own_institution_id, status: 'publicado' }));
    assertApiError(assert, res, 403, 'not_steward', 'indicator');
    assertApiError(assert, await steward.get(`${EDITOR}/${adp.id}`), 403, 'not_steward', 'indicator');
    const after = (await srv.request('GET', `/api/v1/indicators/public/catalogue/${adp.id}`)).json;
    assert.equal(after.name, before.name);
    assert.equal(after.version, before.version);
    assert.ok(!(await steward.get(EDITOR)).json.items.some((i) => i.code === 'SEG-ADP-M'), 'not in her editor list');
    // The Ministry's draft: not even its existence.
    const draft = await analyst.post(EDITOR, def({ code: 'SEG-MIN-DRAFT', steward_institution_id: adp.steward.id }));
    assert.equal(draft.status, 201, draft.text);
    assert.equal((await put(steward, draft.json.id, def({ code: 'SEG-MIN-DRAFT' }))).status, 404);
    const admin = await loginDemo(srv, 'admin');
    const denied = (await auditEntries(admin, 'action=indicators.indicator_update', 500)).filter((e) => e.outcome === 'denied');
    assert.ok(denied.some((e) => e.object === `indicator:${adp.id}` && e.detail === 'not_steward'), JSON.stringify(denied));
    assert.ok(denied.some((e) => e.object === `indicator:${draft.json.id}` && e.detail === 'not_found'), JSON.stringify(denied));
  });

  test('the Ministry\'s analyst edits the INE\'s indicator; a computed series from the platform\'s sources', async () => {
    const lf = (await publicList()).find((i) => i.code === 'SEG-TPL-M');
    const full = (await analyst.get(`${EDITOR}/${lf.id}`)).json;
    const body = { code: full.code, name: full.name, definition: `${full.definition} Incluye a las personas ocupadas y desocupadas.`,
      numerator: full.numerator, denominator: full.denominator, unit: full.unit, factor: full.factor, decimals: full.decimals,
      periodicity: full.periodicity, source: full.source, steward_institution_id: full.steward.id,
      disaggregations: full.disaggregation_ids, origin: full.origin_key, first_year: full.first_year, status: 'publicado' };
    const res = await put(analyst, lf.id, body);
    assert.equal(res.status, 200, res.text);
    const pub = (await srv.request('GET', `/api/v1/indicators/public/catalogue/${lf.id}`)).json;
    assert.match(pub.modified_on, /^\d{2}-\d{2}-\d{4}$/);
    assert.equal(pub.history.length, 1, 'the demo\'s original definition is its first version');
    assert.equal(pub.history[0].definition, full.definition);
    assert.ok(pub.values.length > 0, 'the series is untouched');

    const demoPmg = (await publicList()).find((i) => i.code === 'SEG-PMG-GEN');
    const computed = await analyst.post(EDITOR, def({ code: 'SEG-TEST-PMG', origin: 'platform:policy_pmg_genero', status: 'publicado',
      steward_institution_id: demoPmg.steward.id,
      disaggregations: [] }));
    assert.equal(computed.status, 201, computed.text);
    assert.equal(computed.json.origin, 'platform');
    const mine = (await publicList()).find((i) => i.code === 'SEG-TEST-PMG');
    assert.deepEqual(mine.values, demoPmg.values, 'the same source computes the same series');
  });
});
