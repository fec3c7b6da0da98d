// Institutions that take part in Equidad (ministry, services, police, courts, municipalities…).
import { useRef, useState } from 'preact/hooks';
import { api } from '../app/api';
import { setQuery, useLocation } from '../app/router';
import type { Institution, InstitutionType } from '../app/types';
import {
  Badge,
  Dialog,
  EmptyState,
  ErrorAlert,
  Field,
  Loading,
  Notice,
  PageHeader,
  SelectField,
  focusFirstInvalid,
  useAsync,
  useFormErrors,
} from '../app/ui';
import { getRegions, regionLabel } from '../territory/data';
import { TerritoryFields } from '../territory/TerritoryFields';
import { getInstitutions, getInstitutionTypes, useDebounced } from './common';

export default function InstitutionsPage() {
  const { search } = useLocation();
  const [q, setQ] = useState(search.get('q') ?? '');
  const type = search.get('tipo') ?? '';
  const region = search.get('region') ?? '';
  const dq = useDebounced(q.trim());
  const [editing, setEditing] = useState<Institution | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const types = useAsync(() => getInstitutionTypes(), []);
  const regions = useAsync(() => getRegions(), []);
  const list = useAsync((signal) => getInstitutions({ q: dq, type, region }, signal), [dq, type, region]);
  const items = list.data ?? [];

  return (
    <section>
      <PageHeader
        eyebrow="Administración"
        title="Instituciones"
        lead="Las instituciones de la red: Ministerio, SEREMIs, servicios, policías, tribunales, salud, municipios, farmacias y empresas."
        actions={
          <button type="button" class="btn btn-primary" onClick={() => setEditing('new')}>
            Nueva institución
          </button>
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <form class="filters card" role="search" aria-label="Filtrar instituciones" onSubmit={(e) => e.preventDefault()}>
        <Field label="Buscar" name="q" type="search" hintBelow value={q} onValue={setQ} hint="Nombre de la institución." autocomplete="off" />
        <SelectField
          label="Tipo"
          name="tipo"
          value={type}
          onValue={(v) => setQuery({ tipo: v })}
          placeholder="Todos"
          options={(types.data ?? []).map((t) => ({ value: t.id, label: t.label }))}
        />
        <SelectField
          label="Región"
          name="region"
          value={region}
          onValue={(v) => setQuery({ region: v })}
          placeholder="Todas"
          options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.short_name || r.name }))}
        />
      </form>
      <ErrorAlert error={list.error} />
      <p class="summary" aria-live="polite">
        {list.loading ? 'Buscando…' : `${items.length} ${items.length === 1 ? 'institución' : 'instituciones'}`}
      </p>
      {list.loading && !list.data ? (
        <Loading />
      ) : items.length === 0 ? (
        !list.error && <EmptyState>No hay instituciones que coincidan con los filtros.</EmptyState>
      ) : (
        <div class="table-wrap card">
          <table class="data-table responsive" data-testid="institutions-table">
            <caption class="visually-hidden">Instituciones</caption>
            <thead>
              <tr>
                <th scope="col">Nombre</th>
                <th scope="col">Tipo</th>
                <th scope="col">Región</th>
                <th scope="col">Estado</th>
                <th scope="col">
                  <span class="visually-hidden">Acciones</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.id}>
                  <th scope="row" data-label="Nombre">
                    <span class="cell-main">{i.name}</span>
                  </th>
                  <td data-label="Tipo">{i.type_label || i.type}</td>
                  <td data-label="Región">{i.region_id ? regionLabel(regions.data, i.region_id) : 'Nacional'}</td>
                  <td data-label="Estado">{i.active ? <Badge tone="ok">Activa</Badge> : <Badge>Inactiva</Badge>}</td>
                  <td class="cell-actions">
                    <button type="button" class="btn btn-ghost btn-sm" onClick={() => setEditing(i)}>
                      Editar<span class="visually-hidden"> {i.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <InstitutionDialog
          institution={editing === 'new' ? null : editing}
          types={types.data ?? []}
          onClose={() => setEditing(null)}
          onSaved={(m) => {
            setEditing(null);
            setNotice(m);
            list.reload();
          }}
        />
      )}
    </section>
  );
}

function InstitutionDialog(props: {
  institution: Institution | null;
  types: InstitutionType[];
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const it = props.institution;
  const [name, setName] = useState(it?.name ?? '');
  const [type, setType] = useState(it?.type ?? '');
  const [regionId, setRegionId] = useState(it?.region_id ?? '');
  const [comunaId, setComunaId] = useState(it?.comuna_id ?? '');
  const [active, setActive] = useState(it?.active ?? true);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();
  const formRef = useRef<HTMLFormElement>(null);

  async function submit(e: Event) {
    e.preventDefault();
    errors.clear();
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Ingrese el nombre de la institución.';
    if (!type) local.type = 'Elija el tipo de institución.';
    if (Object.keys(local).length) {
      errors.setFields(local);
      errors.setGeneral('Revise los datos marcados.');
      focusFirstInvalid(formRef.current);
      return;
    }
    setBusy(true);
    const body = { name: name.trim(), type, region_id: regionId || null, comuna_id: comunaId || null };
    try {
      if (it) {
        await api.patch(`/institutions/${it.id}`, { ...body, active });
        props.onSaved(`Se guardaron los cambios de ${name.trim()}.`);
      } else {
        await api.post('/institutions', body);
        props.onSaved(`Se creó la institución ${name.trim()}.`);
      }
    } catch (err) {
      errors.fromError(err);
      focusFirstInvalid(formRef.current);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={it ? `Editar institución` : 'Nueva institución'} open onClose={props.onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible guardar" />
      <form ref={formRef} onSubmit={submit} noValidate class="stack">
        <Field label="Nombre" name="name" value={name} onValue={setName} error={errors.fields.name} required autocomplete="off" autoFocus />
        <SelectField
          label="Tipo"
          name="type"
          value={type}
          onValue={setType}
          placeholder="Elija un tipo"
          options={props.types.map((t) => ({ value: t.id, label: t.label }))}
          error={errors.fields.type}
          required
        />
        <TerritoryFields
          regionId={regionId}
          comunaId={comunaId}
          onChange={(r, c) => {
            setRegionId(r);
            setComunaId(c);
          }}
          errors={{ region_id: errors.fields.region_id, comuna_id: errors.fields.comuna_id }}
        />
        {it && (
          <label class="check">
            <input type="checkbox" name="active" checked={active} onChange={(e) => setActive((e.currentTarget as HTMLInputElement).checked)} />
            <span>Institución activa</span>
          </label>
        )}
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {it ? 'Guardar cambios' : 'Crear institución'}
          </button>
          <button type="button" class="btn btn-ghost" onClick={props.onClose}>
            Cancelar
          </button>
        </div>
      </form>
    </Dialog>
  );
}
