// Administration of user accounts: search, create, edit roles/territory/state, reset TOTP.
import { useMemo, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { roleLabel } from '../app/labels';
import { useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import type { Institution, Role, User } from '../app/types';
import {
  Badge,
  Checkbox,
  Dialog,
  ErrorAlert,
  Field,
  FormActions,
  Notice,
  QuerySelect,
  RowButton,
  SearchField,
  SelectField,
  useAsync,
  useForm,
} from '../app/ui';
import { getRegions, regionLabel } from '../territory/data';
import { TerritoryFields } from '../territory/TerritoryFields';
import { countOf, useDebounced, useEditor } from '../app/hooks';
import { EditableList } from '../app/widgets/EditableList';
import { checkRun, RUN_CHECK_DIGIT_MESSAGE } from '../app/run';
import { RunField } from '../app/widgets/RunField';
import { createUser, getInstitutions, getRoles, getUsers, resetUserTotp, updateUser } from './data';

const institutionOptions = (list: Institution[]) => list.map((i) => ({ value: String(i.id), label: i.name }));

function isLocked(u: User): boolean {
  return !!u.locked_until && new Date(u.locked_until).getTime() > Date.now();
}

function StateBadge({ user }: { user: User }) {
  if (!user.active) return <Badge tone="neutral">Inactiva</Badge>;
  if (isLocked(user)) return <Badge tone="danger" title={`Bloqueada hasta ${formatDateTime(user.locked_until)}`}>Bloqueada</Badge>;
  return <Badge tone="ok">Activa</Badge>;
}

export default function UsersPage() {
  const { search } = useLocation();
  const { state } = useSession();
  // Without users.manage_all, an administrator manages the accounts of its own institution only.
  const ownInstitution = state.status === 'signed-in' ? state.session.user.institution : null;
  const allInstitutions = hasPermission(state, 'users.manage_all');
  const [q, setQ] = useState(search.get('q') ?? '');
  const institutionId = search.get('institucion') ?? '';
  const role = search.get('rol') ?? '';
  const dq = useDebounced(q.trim());

  const roles = useAsync(() => getRoles(), []);
  const institutions = useAsync(() => getInstitutions(), []);
  const regions = useAsync(() => getRegions(), []);
  const users = useAsync(
    (signal) => getUsers({ q: dq, institution_id: institutionId, role }, signal),
    [dq, institutionId, role],
  );

  const roleName = useMemo(() => {
    const m = new Map((roles.data ?? []).map((r) => [r.id, r.name]));
    return (id: string) => m.get(id) ?? roleLabel(id);
  }, [roles.data]);

  const list = users.data ?? [];
  const { editing, notice, edit, close, saved } = useEditor<User>(users.reload);

  return (
    <EditableList
      title="Usuarios"
      lead="Cuentas de las personas que usan Equidad, con su institución, roles y territorio."
      newLabel="Nueva cuenta"
      onNew={() => edit('new')}
      notice={notice}
      filterLabel="Filtrar usuarios"
      filters={
        <>
          <SearchField value={q} onValue={setQ} hint="Nombre, correo o RUN." />
          {allInstitutions && (
            <QuerySelect label="Institución" name="institucion" value={institutionId} placeholder="Todas" options={institutionOptions(institutions.data ?? [])} />
          )}
          <QuerySelect label="Rol" name="rol" value={role} placeholder="Todos" options={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))} />
        </>
      }
      list={users}
      summary={countOf(list, 'cuenta', 'cuentas')}
      empty="No hay cuentas que coincidan con los filtros."
      caption="Cuentas de usuario"
      columns={['Nombre', 'Institución', 'Roles', 'Región', 'Estado', 'Último ingreso']}
      testId="users-table"
      rows={list.map((u) => (
        <tr key={u.id}>
          <th scope="row" data-label="Nombre">
            <span class="cell-main">{u.name}</span>
            <span class="cell-sub">{u.email}</span>
            {u.run && <span class="cell-sub">RUN {u.run}</span>}
          </th>
          <td data-label="Institución">{u.institution?.name ?? '—'}</td>
          <td data-label="Roles">
            <span class="badges">
              {u.roles.map((r) => (
                <Badge key={r} tone="purple">
                  {roleName(r)}
                </Badge>
              ))}
            </span>
          </td>
          <td data-label="Región">{regionLabel(regions.data, u.region_id)}</td>
          <td data-label="Estado">
            <span class="badges">
              <StateBadge user={u} />
              {u.totp_enabled ? (
                <Badge tone="info" title="Verificación en dos pasos activada">
                  2 pasos
                </Badge>
              ) : null}
            </span>
          </td>
          <td data-label="Último ingreso">{u.last_login_at ? formatDateTime(u.last_login_at) : 'Nunca'}</td>
          <td class="cell-actions">
            <RowButton label="Editar" detail={u.name} onClick={() => edit(u)} />
          </td>
        </tr>
      ))}
    >
      {editing && (
        <UserDialog
          user={editing === 'new' ? null : editing}
          roles={roles.data ?? []}
          institutions={
            allInstitutions || !ownInstitution
              ? institutions.data ?? []
              : (institutions.data ?? []).filter((i) => i.id === ownInstitution.id)
          }
          defaultInstitutionId={allInstitutions ? '' : String(ownInstitution?.id ?? '')}
          onClose={close}
          onSaved={saved}
        />
      )}
    </EditableList>
  );
}

function UserDialog(props: {
  user: User | null;
  roles: Role[];
  institutions: Institution[];
  defaultInstitutionId: string;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const u = props.user;
  const [name, setName] = useState(u?.name ?? '');
  const [email, setEmail] = useState(u?.email ?? '');
  const [run, setRun] = useState(u?.run ?? '');
  const [institutionId, setInstitutionId] = useState(u ? String(u.institution.id) : props.defaultInstitutionId);
  const [roles, setRoles] = useState<string[]>(u?.roles ?? []);
  const [regionId, setRegionId] = useState(u?.region_id ?? '');
  const [comunaId, setComunaId] = useState(u?.comuna_id ?? '');
  const [active, setActive] = useState(u?.active ?? true);
  const [password, setPassword] = useState('');
  const [resetDone, setResetDone] = useState<string | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  const needsTotp = props.roles.some((r) => roles.includes(r.id) && r.requires_totp);
  // Only the roles the server would accept here (the grants table): those that fit the chosen
  // institution's kind, and, for an institution's administrator, not the national ones. Roles the
  // account already holds stay listed.
  const { state } = useSession();
  const manageAll = hasPermission(state, 'users.manage_all');
  const institutionType = props.institutions.find((i) => String(i.id) === institutionId)?.type;
  const offered = props.roles.filter(
    (r) =>
      roles.includes(r.id) ||
      ((manageAll || r.granted_by !== 'system_admin') &&
        (!institutionType || !r.institution_types || r.institution_types.includes(institutionType))),
  );

  function toggleRole(id: string) {
    setRoles((prev) => (prev.includes(id) ? prev.filter((x) => x !== id) : [...prev, id]));
  }

  function submit() {
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Ingrese el nombre.';
    if (!u && !email.trim()) local.email = 'Ingrese el correo electrónico.';
    if (!u && !institutionId) local.institution_id = 'Elija la institución.';
    if (roles.length === 0) local.roles = 'Elija al menos un rol.';
    if (!u && password.length < 1) local.password = 'Ingrese una contraseña inicial.';
    if (!u && checkRun(run).state === 'wrong_digit') local.run = RUN_CHECK_DIGIT_MESSAGE;
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      if (u) {
        await updateUser(u.id, {
          name: name.trim(),
          roles,
          active,
          region_id: regionId || null,
          comuna_id: comunaId || null,
        });
        props.onSaved(`Se guardaron los cambios de ${name.trim()}.`);
      } else {
        await createUser({
          name: name.trim(),
          email: email.trim(),
          run: run.trim() || null,
          institution_id: Number(institutionId),
          roles,
          region_id: regionId || null,
          comuna_id: comunaId || null,
          password,
        });
        props.onSaved(`Se creó la cuenta de ${name.trim()}.`);
      }
    });
  }

  function resetTotp() {
    if (!u) return;
    errors.clear();
    void send(
      async () => {
        await resetUserTotp(u.id);
        setResetDone('Se restableció la verificación en dos pasos. La persona deberá activarla nuevamente en su próximo ingreso.');
        setConfirmReset(false);
      },
      (err) => errors.show(errorMessage(err)),
    );
  }

  return (
    <Dialog title={u ? `Editar cuenta: ${u.name}` : 'Nueva cuenta'} open onClose={props.onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible guardar" />
      {resetDone && <Notice kind="success">{resetDone}</Notice>}
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <Field label="Nombre completo" name="name" value={name} onValue={setName} error={errors.fields.name} required autocomplete="off" autoFocus />
        <div class="field-row">
          <Field
            label="Correo electrónico"
            name="email"
            type="email"
            value={email}
            onValue={setEmail}
            error={errors.fields.email}
            required={!u}
            disabled={!!u}
            autocomplete="off"
          />
          <RunField label="RUN" name="run" value={run} onValue={setRun} error={errors.fields.run} hint="Opcional. Ej.: 12.345.678-5" disabled={!!u} />
        </div>
        <SelectField
          label="Institución"
          name="institution_id"
          value={institutionId}
          onValue={setInstitutionId}
          placeholder="Elija una institución"
          options={(() => {
            const opts = institutionOptions(props.institutions.filter((i) => i.active || String(i.id) === institutionId));
            // An existing account's institution stays visible even if it is outside the list.
            if (u && !opts.some((o) => o.value === institutionId)) opts.unshift({ value: institutionId, label: u.institution.name });
            return opts;
          })()}
          error={errors.fields.institution_id}
          required={!u}
          disabled={!!u}
        />
        <fieldset class={`fieldset${errors.fields.roles ? ' has-error' : ''}`} aria-describedby={errors.fields.roles ? 'roles-err' : undefined}>
          <legend>
            Roles<span class="req" aria-hidden="true"> *</span>
          </legend>
          {errors.fields.roles && (
            <p class="field-error" id="roles-err">
              {errors.fields.roles}
            </p>
          )}
          <div class="checks">
            {offered.map((r) => (
              <label key={r.id} class="check">
                <input type="checkbox" name="roles" value={r.id} checked={roles.includes(r.id)} onChange={() => toggleRole(r.id)} />
                <span>
                  {r.name}
                  {r.requires_totp && <span class="muted small"> · requiere verificación en dos pasos</span>}
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {needsTotp && !u?.totp_enabled && (
          <p class="hint">Con estos roles, la persona deberá activar la verificación en dos pasos en su primer ingreso.</p>
        )}
        <TerritoryFields
          regionId={regionId}
          comunaId={comunaId}
          onChange={(r, c) => {
            setRegionId(r);
            setComunaId(c);
          }}
          errors={errors.fields}
          regionHint="Para SEREMI y municipios: el territorio que atiende."
        />
        {!u && (
          <Field
            label="Contraseña inicial"
            name="password"
            type="password"
            value={password}
            onValue={setPassword}
            error={errors.fields.password}
            hint="Entréguela por un canal seguro; la persona podrá cambiarla."
            autocomplete="new-password"
            required
          />
        )}
        {u && (
          <Checkbox name="active" checked={active} onValue={setActive}>
            Cuenta activa (si la desactiva, sus sesiones se cierran y no podrá ingresar)
          </Checkbox>
        )}
        <FormActions label={u ? 'Guardar cambios' : 'Crear cuenta'} busy={busy} onCancel={props.onClose} />
      </form>
      {u && u.totp_enabled && (
        <div class="danger-zone">
          <h3>Verificación en dos pasos</h3>
          <p class="muted">Si la persona perdió su teléfono y sus códigos de recuperación, restablézcala para que la active de nuevo.</p>
          {confirmReset ? (
            <FormActions label="Sí, restablecer" busy={busy} onConfirm={resetTotp} onCancel={() => setConfirmReset(false)} cancelLabel="No" />
          ) : (
            <button type="button" class="btn btn-danger-outline" onClick={() => setConfirmReset(true)} disabled={busy || !!resetDone}>
              Restablecer verificación en dos pasos
            </button>
          )}
        </div>
      )}
    </Dialog>
  );
}
