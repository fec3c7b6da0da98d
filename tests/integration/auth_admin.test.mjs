// Administration of institutions and accounts: validation, what an institution's administrator
// may and may not do, hostile input stored as plain text, the audit trail, and no half-writes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertApiError, startServer } from './harness.mjs';
import {
  Client, DEMO, auditEntries, enrol, formatRun, institutionId, login, loginDemo, newPassword, passwordStep, runFor, uniq,
} from './auth_helpers.mjs';

let srv;
let admin; // admin@ (Ministerio), users.manage_all
let instAdmin; // institucion@ (Centro de la Mujer Santiago), users.manage of its own institution
let centroId;
let ministryId;
let runSeed = 10_000_000 + (process.pid % 1000) * 10_000;
const nextRun = () => ++runSeed;

before(async () => {
  srv = await startServer({ extraArgs: ['--demo'] });
  [admin, instAdmin] = await Promise.all([loginDemo(srv, 'admin'), loginDemo(srv, 'institution_admin')]);
  centroId = await institutionId(admin, 'Centro de la Mujer Santiago');
  ministryId = await institutionId(admin, 'Ministerio de Salud');
});
after(async () => { await srv?.stop(); });

const email = (tag = 'cuenta') => `${tag}.${uniq()}@prueba.cl`;
const userBody = (extra = {}) => ({
  name: 'María José Pérez', email: email(), institution_id: centroId, roles: ['institution_admin'], password: newPassword(), ...extra,
});

async function allUsers(client = admin) {
  const r = await client.get('/api/v1/users');
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}
async function userByEmail(e) {
  return (await allUsers()).find((u) => u.email === e);
}

describe('institutions', () => {
  test('the admin creates an institution (201) and finds it in the list', async () => {
    const name = `Centro de Salud Familiar ${uniq()}`;
    const r = await admin.post('/api/v1/institutions', { name, type: 'health', region_id: '13', comuna_id: '13101' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
    assert.equal(r.json.type, 'health');
    assert.equal(r.json.type_label, 'Salud');
    assert.equal(r.json.region_id, '13');
    assert.equal(r.json.comuna_id, '13101');
    assert.equal(r.json.active, true);
    assert.ok(Number.isInteger(r.json.id));
    const list = await admin.get(`/api/v1/institutions?q=${encodeURIComponent(name)}`);
    assert.deepEqual(list.json.items.map((i) => i.id), [r.json.id]);
  });

  test('an invalid institution is refused on the right field and not created', async () => {
    const before = (await admin.get('/api/v1/institutions')).json.items.length;
    assertApiError(assert, await admin.post('/api/v1/institutions', { name: 'X', type: 'bakery' }), 422, 'unknown_type', 'type');
    assertApiError(assert, await admin.post('/api/v1/institutions', { name: '   ', type: 'health' }), 422, undefined, 'name');
    assertApiError(assert, await admin.post('/api/v1/institutions', { name: 'X', type: 'health', region_id: '05', comuna_id: '13101' }),
      422, 'comuna_outside_region', 'comuna_id');
    assertApiError(assert, await admin.post('/api/v1/institutions', { name: 'X', type: 'health', region_id: '99' }), 422, 'unknown_region', 'region_id');
    assertApiError(assert, await admin.post('/api/v1/institutions', { name: 'X', type: 'health', owner: 'yo' }), 422, 'unknown_field', 'owner');
    const after = (await admin.get('/api/v1/institutions')).json.items.length;
    assert.equal(after, before);
  });

  test('searching institutions ignores accents and capitals («género», «GENERO»)', async () => {
    for (const q of ['Género', 'género', 'genero', 'GÉNERO']) {
      const r = await admin.get(`/api/v1/institutions?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, r.text);
      const names = r.json.items.map((i) => i.name);
      assert.ok(names.includes('Ministerio de la Mujer y la Equidad de Género'),
        `GET /api/v1/institutions?q=${q} → ${JSON.stringify(names)}`);
    }
  });

  test('a failed institution change writes nothing', async () => {
    const r = await admin.post('/api/v1/institutions', { name: `Oficina ${uniq()}`, type: 'civil_society' });
    assert.equal(r.status, 201, r.text);
    const bad = await admin.patch(`/api/v1/institutions/${r.json.id}`, { name: 'Nombre Nuevo', comuna_id: '99999' });
    assertApiError(assert, bad, 422, 'unknown_comuna', 'comuna_id');
    const list = await admin.get(`/api/v1/institutions?q=${encodeURIComponent(r.json.name)}`);
    assert.equal(list.json.items[0]?.name, r.json.name, 'the name must not change when the request fails');
  });
});

describe('creating accounts', () => {
  test('the admin creates an account (201) with a RUN, returned formatted', async () => {
    const n = 12_345_678;
    const body = userBody({ run: runFor(n), email: email('Mayusculas').replace('Mayusculas', 'MaYuScUlAs') });
    const r = await admin.post('/api/v1/users', body);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.run, '12.345.678-5');
    assert.equal(r.json.email, body.email.toLowerCase(), 'e-mail stored in lower case');
    assert.equal(r.json.name, body.name);
    assert.deepEqual(r.json.roles, ['institution_admin']);
    assert.equal(r.json.institution.id, centroId);
    assert.equal(r.json.institution.name, 'Centro de la Mujer Santiago');
    assert.equal(r.json.active, true);
    assert.equal(r.json.totp_enabled, false);
    assert.equal(r.json.last_login_at, null);
    assert.ok(!('password' in r.json) && !('password_hash' in r.json), 'no password in the answer');
    const g = await admin.get(`/api/v1/users/${r.json.id}`);
    assert.deepEqual(g.json, r.json);
    // The same RUN written another way is the same person.
    const dup = await admin.post('/api/v1/users', userBody({ run: '12.345.678-5' }));
    assertApiError(assert, dup, 409, 'run_taken', 'run');
  });

  test('RUN formats: with dots, without, lower-case k', async () => {
    for (const [input, n] of [[formatRun(15_000_001), 15_000_001], [runFor(15_000_002), 15_000_002]]) {
      const r = await admin.post('/api/v1/users', userBody({ run: input }));
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.run, formatRun(n));
    }
    let k = 15_000_003;
    while (!runFor(k).endsWith('K')) k++;
    const r = await admin.post('/api/v1/users', userBody({ run: runFor(k).toLowerCase() }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.run, formatRun(k));
  });

  test('an invalid RUN is refused on field "run"', async () => {
    for (const run of ['12345678-9', '12.345.678', 'abc', '1-2-3', '12.3456.78-5']) {
      const r = await admin.post('/api/v1/users', userBody({ run }));
      assertApiError(assert, r, 422, 'invalid_rut', 'run');
    }
  });

  test('a duplicate e-mail is refused (409), whatever its capitals', async () => {
    const b = userBody();
    assert.equal((await admin.post('/api/v1/users', b)).status, 201);
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ email: b.email })), 409, 'email_taken', 'email');
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ email: ` ${b.email.toUpperCase()} ` })), 409, 'email_taken', 'email');
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ email: DEMO.analyst.email })), 409, 'email_taken', 'email');
  });

  test('an unknown field is refused with that field named', async () => {
    const r = await admin.post('/api/v1/users', userBody({ is_superuser: true }));
    const e = assertApiError(assert, r, 422, 'unknown_field', 'is_superuser');
    assert.match(e.message, /is_superuser/);
    const p = await admin.patch(`/api/v1/users/${(await userByEmail(DEMO.analyst.email)).id}`, { institution_id: ministryId });
    assertApiError(assert, p, 422, 'unknown_field', 'institution_id');
  });

  test('other field checks: weak password, unknown role, no role, bad e-mail, unknown institution', async () => {
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ password: 'corta' })), 422, 'weak_password', 'password');
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ roles: ['superadmin'] })), 422, 'unknown_role', 'roles');
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ roles: [] })), 422, undefined, 'roles');
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ email: 'no-es-un-correo' })), 422, 'invalid_email', 'email');
    assertApiError(assert, await admin.post('/api/v1/users', userBody({ institution_id: 999999 })), 422, 'unknown_institution', 'institution_id');
  });

  test('HTML and script in names are stored and returned verbatim, as JSON text', async () => {
    const evil = '<script>alert(1)</script>';
    const name = `${evil} <img src=x onerror=alert(2)> "comillas" & ampersand`;
    const r = await admin.post('/api/v1/users', userBody({ name }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
    for (const res of [r, await admin.get(`/api/v1/users/${r.json.id}`)]) {
      assert.match(res.headers['content-type'], /^application\/json/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(JSON.parse(res.text).name, name, 'the JSON string equals the input');
      assert.doesNotMatch(res.text, /&lt;|&amp;/, 'not HTML-escaped either: the browser renders it as text');
    }
    const inst = await admin.post('/api/v1/institutions', { name: `${evil} ${uniq()}`, type: 'civil_society' });
    assert.equal(inst.status, 201, inst.text);
    assert.ok(inst.json.name.startsWith(evil));
    assert.match(inst.headers['content-type'], /^application\/json/);
  });

  test('SQL metacharacters in names are stored as given and searching for them is literal', async () => {
    const tag = uniq();
    const name = `O'Higgins"; DROP TABLE auth_users; -- 100% _x_ \\ ${tag}`;
    const r = await admin.post('/api/v1/users', userBody({ name }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
    assert.equal((await admin.get(`/api/v1/users/${r.json.id}`)).json.name, name);
    // (lower case: capitals in searches are a separate test)
    const found = await admin.get(`/api/v1/users?q=${encodeURIComponent(`o'higgins"; drop`)}`);
    assert.ok(found.json.items.some((u) => u.id === r.json.id), found.text);
    // % and _ are literal characters, not wildcards.
    const pct = await admin.get(`/api/v1/users?q=${encodeURIComponent('%')}`);
    assert.equal(pct.status, 200, pct.text);
    assert.ok(pct.json.items.length >= 1);
    for (const u of pct.json.items) assert.ok(u.name.includes('%') || u.email.includes('%'), `«%» matched ${u.name}`);
    const us = await admin.get(`/api/v1/users?q=${encodeURIComponent('_x_')}`);
    for (const u of us.json.items) assert.ok(u.name.includes('_x_') || u.email.includes('_x_'), `«_x_» matched ${u.name}`);
    // The table is still there.
    assert.ok((await allUsers()).length >= 10);
    const inst = await admin.post('/api/v1/institutions', { name: `Fundación «Nuestra Señora» '; DELETE FROM auth_institutions; -- ${tag}`, type: 'civil_society' });
    assert.equal(inst.status, 201, inst.text);
    assert.ok((await admin.get('/api/v1/institutions')).json.items.length >= 14);
  });

  test('searching accounts ignores capitals (same answer on every database)', async () => {
    for (const q of ['Carolina', 'carolina', 'CAROLINA', 'ADMIN@EQUIDAD']) {
      const r = await admin.get(`/api/v1/users?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.some((u) => u.email === DEMO.admin.email), `GET /api/v1/users?q=${q} → ${r.json.items.map((u) => u.name)}`);
    }
  });

  test('searching accounts ignores accents, like the institution search does («diaz» finds «Díaz»)', async () => {
    for (const q of ['Díaz', 'díaz', 'diaz', 'morales diaz']) {
      const r = await admin.get(`/api/v1/users?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.some((u) => u.email === DEMO.analyst.email), `GET /api/v1/users?q=${q} → ${JSON.stringify(r.json.items.map((u) => u.name))}`);
    }
  });

  test('search parameters with a NUL byte or invalid UTF-8 match nothing or are refused — never everything, never a 500', async () => {
    const counts = {
      '/api/v1/users?q=': (await allUsers()).length,
      '/api/v1/institutions?q=': (await admin.get('/api/v1/institutions')).json.items.length,
    };
    const problems = [];
    for (const base of ['/api/v1/users?q=', '/api/v1/institutions?q=', '/api/v1/audit?action=']) {
      for (const bad of ['%00', '%FF', 'a%C3']) {
        const r = await admin.get(base + bad);
        if (r.status >= 500) problems.push(`GET ${base}${bad} → ${r.status} ${r.text}`);
        else if (r.status === 200 && r.json.items.length > 0 && (bad === '%00' || r.json.items.length === counts[base]))
          problems.push(`GET ${base}${bad} → 200 with ${r.json.items.length} items (everything)`);
        else if (r.status !== 200) assertApiError(assert, r, 400);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('filtering accounts by role and institution', async () => {
    const r = await admin.get('/api/v1/users?role=company');
    assert.ok(r.json.items.length >= 1);
    for (const u of r.json.items) assert.ok(u.roles.includes('company'));
    const c = await admin.get(`/api/v1/users?institution_id=${centroId}`);
    assert.ok(c.json.items.length >= 2);
    for (const u of c.json.items) assert.equal(u.institution.id, centroId);
  });

  test('the admin can create accounts for every role the ministry hands out, each in a kind of institution that holds it', async () => {
    // Onboarding: case workers, operators, analysts… must be creatable through the API.
    const home = {
      admin: 'Ministerio de la Mujer y la Equidad de Género',
      institution_admin: 'Centro de la Mujer Santiago',
      analyst: 'Ministerio de la Mujer y la Equidad de Género',
      focal_point: 'Ministerio de Salud',
      seremi: 'SEREMI de la Mujer y la Equidad de Género, Región Metropolitana',
      case_worker: 'Centro de la Mujer Santiago',
      operator: 'Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)',
      municipal: 'Municipalidad de Santiago',
      responder: 'Carabineros de Chile',
      pharmacy: 'Farmacia Comunitaria Providencia',
      company: 'Consultora de Directorios Andes',
      channels_supervisor: 'Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)',
      house_staff: 'Casa de Acogida Región de Valparaíso',
      steward: 'Instituto Nacional de Estadísticas (INE)',
      board_candidate: 'Mujeres inscritas en el Registro de Directoras',
      dpo: 'Ministerio de la Mujer y la Equidad de Género',
    };
    const roles = (await admin.get('/api/v1/roles')).json.items.map((x) => x.id);
    const refused = [];
    for (const role of roles) {
      assert.ok(home[role], `no institution chosen for the new role ${role}`);
      const r = await admin.post('/api/v1/users', userBody({ roles: [role], institution_id: await institutionId(admin, home[role]) }));
      if (r.status !== 201) refused.push(`${role}: ${r.status} ${r.json?.error?.message}`);
    }
    assert.deepEqual(refused, [], `POST /api/v1/users as admin refused roles:\n${refused.join('\n')}`);
  });

  test('not even the admin puts a role into an institution that does not hold it (an operator in a pharmacy: 422)', async () => {
    const farmacia = await institutionId(admin, 'Farmacia Comunitaria Providencia');
    const b = userBody({ roles: ['operator'], institution_id: farmacia });
    assertApiError(assert, await admin.post('/api/v1/users', b), 422, 'role_institution_mismatch', 'roles');
    assert.equal(await userByEmail(b.email), undefined);
  });

  test('reading one account is recorded in the audit log (user.read)', async () => {
    const analyst = await userByEmail(DEMO.analyst.email);
    const r = await admin.get(`/api/v1/users/${analyst.id}`);
    assert.equal(r.status, 200, r.text);
    const entries = await auditEntries(admin, 'action=user.read', 200);
    assert.ok(entries.some((e) => e.object === `user:${analyst.id}`), JSON.stringify(entries.slice(0, 3)));
  });
});

describe('an institution administrator', () => {
  test('lists only the accounts of their own institution', async () => {
    const r = await instAdmin.get('/api/v1/users');
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length >= 2);
    for (const u of r.json.items) assert.equal(u.institution.id, centroId, `${u.email} is not from the centre`);
    assert.ok(r.json.items.some((u) => u.email === DEMO.case_worker.email));
    assert.ok(!r.json.items.some((u) => u.email === DEMO.admin.email));
    assertApiError(assert, await instAdmin.get(`/api/v1/users?institution_id=${ministryId}`), 403);
    const own = await instAdmin.get(`/api/v1/users?institution_id=${centroId}`);
    assert.equal(own.status, 200);
  });

  test("cannot see or change another institution's account (404, as if it did not exist)", async () => {
    const analyst = await userByEmail(DEMO.analyst.email);
    assertApiError(assert, await instAdmin.get(`/api/v1/users/${analyst.id}`), 404, 'not_found');
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${analyst.id}`, { name: 'Cambiado' }), 404, 'not_found');
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${analyst.id}`, { active: false }), 404, 'not_found');
    assertApiError(assert, await instAdmin.post(`/api/v1/users/${analyst.id}/reset-totp`), 404, 'not_found');
    const still = await admin.get(`/api/v1/users/${analyst.id}`);
    assert.equal(still.json.name, analyst.name);
    assert.equal(still.json.active, true);
  });

  test('cannot create an account in another institution (403)', async () => {
    const b = userBody({ institution_id: ministryId });
    const r = await instAdmin.post('/api/v1/users', b);
    assertApiError(assert, r, 403, 'forbidden', 'institution_id');
    assert.equal(await userByEmail(b.email), undefined);
  });

  test('creates an account in their own institution', async () => {
    const b = userBody();
    const r = await instAdmin.post('/api/v1/users', b);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.institution.id, centroId);
  });

  test('cannot grant the admin role, on creation or by a change (403)', async () => {
    const b = userBody({ roles: ['admin'] });
    assertApiError(assert, await instAdmin.post('/api/v1/users', b), 403, 'forbidden', 'roles');
    assert.equal(await userByEmail(b.email), undefined);
    const mine = await instAdmin.post('/api/v1/users', userBody());
    assert.equal(mine.status, 201, mine.text);
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${mine.json.id}`, { roles: ['admin'] }), 403, 'forbidden', 'roles');
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${mine.json.id}`, { roles: ['institution_admin', 'admin'] }), 403, 'forbidden');
    assert.deepEqual((await admin.get(`/api/v1/users/${mine.json.id}`)).json.roles, ['institution_admin']);
  });

  test('cannot change their own roles (403)', async () => {
    const me = instAdmin.session.user.id;
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${me}`, { roles: ['institution_admin'] }), 403, 'forbidden');
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${me}`, { roles: ['admin'] }), 403, 'forbidden');
    assertApiError(assert, await instAdmin.patch(`/api/v1/users/${me}`, { active: false }), 403, 'forbidden');
    const s = await instAdmin.get('/api/v1/auth/session');
    assert.deepEqual(s.json.user.roles, ['institution_admin']);
  });
});

describe('who may grant which role (issue 11, item 4)', () => {
  test("a women's centre's administrator grants only its own kind of roles in its own institution; national roles are refused", async () => {
    // Expected for the Centro de la Mujer (sernameg_centre): what its administrator may hand out.
    const want = {
      institution_admin: 201, case_worker: 201, // its own teams
      admin: 403, analyst: 403, operator: 403, // national roles: only the system administration
      focal_point: 422, seremi: 422, municipal: 422, responder: 422, pharmacy: 422, company: 422, // not a centre's roles
      channels_supervisor: 403, // national: the 1455's supervision is handed out by the system administration
      house_staff: 201, // a shelter's team may be run by a women's centre
      steward: 422, // statistics stewards are ministries and public services
      board_candidate: 403, // a woman of the Registro de Directoras: accounts made by the system administration
      dpo: 403, // the ministry's data-protection officer: named by the system administration
    };
    const roles = (await admin.get('/api/v1/roles')).json.items.map((x) => x.id);
    for (const role of roles) {
      assert.ok(role in want, `the test has no expectation for the new role ${role}`);
      const b = userBody({ roles: [role] });
      const r = await instAdmin.post('/api/v1/users', b);
      assert.equal(r.status, want[role], `${role}: ${r.text}`);
      if (want[role] !== 201) {
        assert.equal(r.json.error.field, 'roles');
        assert.equal(await userByEmail(b.email), undefined, `${role}: an account was created`);
      }
      // The same role in another institution is never theirs to grant.
      const other = userBody({ roles: [role], institution_id: ministryId });
      assertApiError(assert, await instAdmin.post('/api/v1/users', other), 403, 'forbidden');
      assert.equal(await userByEmail(other.email), undefined);
    }
  });

  test('the attack of issue 11: the centre administrator cannot mint an operator or analyst, nor turn its own account into one', async () => {
    for (const roles of [['operator'], ['analyst'], ['case_worker', 'operator']]) {
      const b = userBody({ roles });
      assertApiError(assert, await instAdmin.post('/api/v1/users', b), 403, 'forbidden', 'roles');
      assert.equal(await userByEmail(b.email), undefined);
    }
    const mine = await instAdmin.post('/api/v1/users', userBody({ roles: ['case_worker'] }));
    assert.equal(mine.status, 201, mine.text);
    for (const roles of [['operator'], ['analyst'], ['case_worker', 'analyst']])
      assertApiError(assert, await instAdmin.patch(`/api/v1/users/${mine.json.id}`, { roles }), 403, 'forbidden', 'roles');
    assert.deepEqual((await admin.get(`/api/v1/users/${mine.json.id}`)).json.roles, ['case_worker']);
  });

  test("an institution's administrator cannot rename, re-RUN, move, deactivate, re-role or reset an account holding a role it could not grant", async () => {
    // SernamEG (a public service) holds the national operator role; give it an administrator of its own.
    const sernamegId = await institutionId(admin, 'Servicio Nacional de la Mujer y la Equidad de Género (SernamEG)');
    const b = userBody({ roles: ['institution_admin'], institution_id: sernamegId });
    assert.equal((await admin.post('/api/v1/users', b)).status, 201);
    const { client: sernamegAdmin } = await enrol(srv, b.email, b.password);
    const operator = await userByEmail(DEMO.operator.email);
    assert.equal(operator.institution.id, sernamegId);
    // It sees the account (it is its institution's)…
    assert.equal((await sernamegAdmin.get(`/api/v1/users/${operator.id}`)).status, 200);
    // …but may change nothing in it.
    const attempts = {
      rename: () => sernamegAdmin.patch(`/api/v1/users/${operator.id}`, { name: 'Cambiada' }),
      run: () => sernamegAdmin.patch(`/api/v1/users/${operator.id}`, { run: formatRun(nextRun()) }),
      region: () => sernamegAdmin.patch(`/api/v1/users/${operator.id}`, { region_id: '05' }),
      deactivate: () => sernamegAdmin.patch(`/api/v1/users/${operator.id}`, { active: false }),
      roles: () => sernamegAdmin.patch(`/api/v1/users/${operator.id}`, { roles: ['institution_admin'] }),
      reset: () => sernamegAdmin.post(`/api/v1/users/${operator.id}/reset-totp`),
    };
    for (const [what, attempt] of Object.entries(attempts)) assertApiError(assert, await attempt(), 403, 'forbidden', undefined, what);
    const after = (await admin.get(`/api/v1/users/${operator.id}`)).json;
    assert.deepEqual(
      { name: after.name, run: after.run, region_id: after.region_id, active: after.active, roles: after.roles, totp: after.totp_enabled },
      { name: operator.name, run: operator.run, region_id: operator.region_id, active: true, roles: ['operator'], totp: true });
    // The operator still signs in.
    await login(srv, DEMO.operator.email);
    // Control: the same administrator may do all of that to an account of its own teams.
    const own = await sernamegAdmin.post('/api/v1/users', userBody({ roles: ['case_worker'], institution_id: sernamegId }));
    assert.equal(own.status, 201, own.text);
    assert.equal((await sernamegAdmin.patch(`/api/v1/users/${own.json.id}`, { name: 'Cambiada', run: formatRun(nextRun()) })).status, 200);
    assert.equal((await sernamegAdmin.post(`/api/v1/users/${own.json.id}/reset-totp`)).status, 200);
    assert.equal((await sernamegAdmin.patch(`/api/v1/users/${own.json.id}`, { active: false })).status, 200);
  });

  test("for every other demo institution, the centre's administrator cannot see or change its accounts (404)", async () => {
    const everyone = await allUsers();
    const others = everyone.filter((u) => u.institution.id !== centroId && Object.values(DEMO).some((d) => d.email === u.email));
    const institutions = new Set(others.map((u) => u.institution.id));
    assert.ok(institutions.size >= 5, `demo institutions: ${[...institutions].join(',')}`);
    for (const u of others) {
      assertApiError(assert, await instAdmin.get(`/api/v1/users/${u.id}`), 404, 'not_found');
      assertApiError(assert, await instAdmin.patch(`/api/v1/users/${u.id}`, { name: 'Cambiada' }), 404, 'not_found');
      assertApiError(assert, await instAdmin.post(`/api/v1/users/${u.id}/reset-totp`), 404, 'not_found');
      assertApiError(assert, await instAdmin.get(`/api/v1/users?institution_id=${u.institution.id}`), 403);
    }
    const after = await allUsers();
    for (const u of others) assert.equal(after.find((x) => x.id === u.id).name, u.name);
  });
});

describe('the admin', () => {
  test('cannot change their own roles or disable themselves (403)', async () => {
    const me = admin.session.user.id;
    assertApiError(assert, await admin.patch(`/api/v1/users/${me}`, { roles: ['admin', 'institution_admin'] }), 403, 'forbidden', 'roles');
    assertApiError(assert, await admin.patch(`/api/v1/users/${me}`, { roles: ['institution_admin'] }), 403, 'forbidden');
    assertApiError(assert, await admin.patch(`/api/v1/users/${me}`, { active: false }), 403, 'forbidden', 'active');
    const s = await admin.get('/api/v1/auth/session');
    assert.equal(s.status, 200);
    assert.deepEqual(s.json.user.roles, ['admin']);
    // A harmless change to oneself is fine.
    const ok = await admin.patch(`/api/v1/users/${me}`, { name: 'Carolina Fuentes Rojas' });
    assert.equal(ok.status, 200, ok.text);
  });

  test('disabling an account ends its sessions and stops its logins; enabling it again restores them', async () => {
    const target = await login(srv, DEMO.municipal.email);
    assert.equal((await target.get('/api/v1/auth/session')).status, 200);
    const id = target.session.user.id;
    const off = await admin.patch(`/api/v1/users/${id}`, { active: false });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.active, false);
    assertApiError(assert, await target.get('/api/v1/auth/session'), 401);
    await assert.rejects(login(srv, DEMO.municipal.email), /401/);
    const on = await admin.patch(`/api/v1/users/${id}`, { active: true });
    assert.equal(on.json.active, true);
    const back = await login(srv, DEMO.municipal.email);
    assert.equal((await back.get('/api/v1/auth/session')).status, 200);
  });

  test("resetting an account's second factor ends its sessions and the next login enrols again", async () => {
    const b = userBody();
    const created = await admin.post('/api/v1/users', b);
    assert.equal(created.status, 201, created.text);
    const first = await enrol(srv, b.email, b.password);
    assert.equal((await first.client.get('/api/v1/auth/session')).status, 200);
    assert.equal((await admin.get(`/api/v1/users/${created.json.id}`)).json.totp_enabled, true);
    // Not by the administrator of another institution.
    const foreign = await instAdmin.post(`/api/v1/users/${(await userByEmail(DEMO.analyst.email)).id}/reset-totp`);
    assertApiError(assert, foreign, 404);
    const r = await admin.post(`/api/v1/users/${created.json.id}/reset-totp`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.totp_enabled, false);
    assertApiError(assert, await first.client.get('/api/v1/auth/session'), 401);
    const c = new Client(srv);
    const step = await passwordStep(c, b.email, b.password);
    assert.equal(step.json.next, 'enrol', step.text);
    assert.notEqual(step.json.secret, first.secret, 'a new secret');
    const entries = await auditEntries(admin, 'action=user.totp_reset', 50);
    assert.ok(entries.some((e) => e.object === `user:${created.json.id}` && e.actor?.id === admin.session.user.id));
  });

  test('role changes apply to open sessions at once', async () => {
    const b = userBody({ institution_id: ministryId }); // a ministry: where the admin role may be held
    const created = await admin.post('/api/v1/users', b);
    assert.equal(created.status, 201, created.text);
    const { client } = await enrol(srv, b.email, b.password);
    assertApiError(assert, await client.get('/api/v1/audit?limit=1'), 403);
    assert.equal((await admin.patch(`/api/v1/users/${created.json.id}`, { roles: ['admin'] })).status, 200);
    assert.equal((await client.get('/api/v1/audit?limit=1')).status, 200, 'promotion applies without a new login');
    assert.equal((await admin.patch(`/api/v1/users/${created.json.id}`, { roles: ['institution_admin'] })).status, 200);
    assertApiError(assert, await client.get('/api/v1/audit?limit=1'), 403);
    const s = await client.get('/api/v1/auth/session');
    assert.deepEqual(s.json.user.roles, ['institution_admin']);
    assert.ok(!s.json.user.permissions.includes('audit.read'));
  });

  test("the admin can reset a case worker's second factor (her home page tells her to ask for it)", async () => {
    const caso = await userByEmail(DEMO.case_worker.email);
    const r = await admin.post(`/api/v1/users/${caso.id}/reset-totp`);
    assert.equal(r.status, 200, `POST /api/v1/users/${caso.id}/reset-totp (caso@, case_worker) as admin: ${r.status} ${r.text}`);
    assert.equal(r.json.totp_enabled, false);
  });

  test('GET /api/v1/audit shows the user.create entry with the actor name, and the chain verifies', async () => {
    const b = userBody();
    const r = await admin.post('/api/v1/users', b);
    assert.equal(r.status, 201, r.text);
    const entries = await auditEntries(admin, 'action=user.create', 500);
    const e = entries.find((x) => x.object === `user:${r.json.id}`);
    assert.ok(e, 'no user.create entry for the new account');
    assert.equal(e.outcome, 'ok');
    assert.equal(e.actor.id, admin.session.user.id);
    assert.equal(e.actor.name, 'Carolina Fuentes Rojas');
    assert.equal(e.institution.name, 'Ministerio de la Mujer y la Equidad de Género');
    assert.match(e.detail, /institution_admin/);
    assert.ok(!e.detail.includes(b.password) && !e.detail.includes(b.email), 'no password or e-mail in the entry');
    assert.match(e.hash, /^[0-9a-f]{64}$/);
    assert.ok(!Number.isNaN(Date.parse(e.at)));
    const v = await admin.get('/api/v1/audit/verify');
    assert.equal(v.status, 200, v.text);
    assert.equal(v.json.ok, true);
    assert.ok(v.json.count > 10);
  });

  test('nothing is half-written: failed account creations and changes leave no trace but the refusal', async () => {
    const taken = userBody({ run: runFor(nextRun()) });
    assert.equal((await admin.post('/api/v1/users', taken)).status, 201);
    const inactive = await admin.post('/api/v1/institutions', { name: `Cerrada ${uniq()}`, type: 'civil_society' });
    assert.equal((await admin.patch(`/api/v1/institutions/${inactive.json.id}`, { active: false })).status, 200);

    const usersBefore = (await allUsers()).map((u) => u.id).sort();
    const createsBefore = (await auditEntries(admin, 'action=user.create', 1000)).length;
    const attempts = [
      [userBody({ run: '11.111.111-2' }), 422],
      [userBody({ run: taken.run }), 409], // found inside the transaction
      [userBody({ email: taken.email }), 409],
      [userBody({ institution_id: inactive.json.id }), 422], // found inside the transaction
      [userBody({ roles: ['institution_admin', 'nope'] }), 422],
      [userBody({ comuna_id: '99999' }), 422],
      [userBody({ name: '' }), 422],
    ];
    for (const [body, status] of attempts) {
      const r = await admin.post('/api/v1/users', body);
      assertApiError(assert, r, status);
    }
    const usersAfter = (await allUsers()).map((u) => u.id).sort();
    assert.deepEqual(usersAfter, usersBefore, 'a failed creation left an account behind');
    assert.equal((await auditEntries(admin, 'action=user.create', 1000)).length, createsBefore);

    // A change that fails half-way (valid name, unknown comuna) changes nothing.
    const victim = await userByEmail(taken.email);
    const bad = await admin.patch(`/api/v1/users/${victim.id}`, { name: 'Nombre Cambiado', comuna_id: '99999' });
    assertApiError(assert, bad, 422, 'unknown_comuna', 'comuna_id');
    const other = await admin.post('/api/v1/users', userBody({ run: runFor(nextRun()) }));
    const clash = await admin.patch(`/api/v1/users/${victim.id}`, { name: 'Nombre Cambiado', run: other.json.run });
    assertApiError(assert, clash, 409, 'run_taken', 'run');
    const now = await admin.get(`/api/v1/users/${victim.id}`);
    assert.equal(now.json.name, victim.name);
    assert.equal(now.json.run, victim.run);
    assert.equal(now.json.comuna_id, null);
  });
});

describe('deactivated institutions', () => {
  test("deactivating an institution cuts its members off: open sessions end and logins are refused", async () => {
    const name = `Empresa Temporal ${uniq()}`;
    const inst = await admin.post('/api/v1/institutions', { name, type: 'company', region_id: '13' });
    assert.equal(inst.status, 201, inst.text);
    const body = { name: 'Persona de Empresa', email: email('empresa'), institution_id: inst.json.id, roles: ['company'], password: newPassword() };
    assert.equal((await admin.post('/api/v1/users', body)).status, 201);
    const member = await login(srv, body.email, { password: body.password });
    assert.equal((await member.get('/api/v1/auth/session')).status, 200);

    const off = await admin.patch(`/api/v1/institutions/${inst.json.id}`, { active: false });
    assert.equal(off.status, 200, off.text);
    assert.equal((await member.get('/api/v1/auth/session')).status, 401, 'open session must end');
    const again = await passwordStep(new Client(srv), body.email, body.password);
    assertApiError(assert, again, 401, 'invalid_credentials');

    assert.equal((await admin.patch(`/api/v1/institutions/${inst.json.id}`, { active: true })).status, 200);
    const back = await login(srv, body.email, { password: body.password });
    assert.equal((await back.get('/api/v1/auth/session')).status, 200);
  });
});
