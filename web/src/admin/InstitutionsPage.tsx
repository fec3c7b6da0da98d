// Institutions that take part in Equidad (ministry, services, police, courts, municipalities…).
import { useState } from 'preact/hooks';
import { useLocation } from '../app/router';
import type { Institution, InstitutionType } from '../app/types';
import {
  Badge,
  Checkbox,
  Dialog,
  ErrorAlert,
  Field,
  FormActions,
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
import { getInstitutions, getInstitutionTypes, saveInstitution } from './data';

const typeOptions = (types: InstitutionType[]) => types.map((t) => ({ value: t.id, label: t.label }));

export default function InstitutionsPage() {
  const { search } = useLocation();
  const [q, setQ] = useState(search.get('q') ?? '');
  const type = search.get('tipo') ?? '';
  const region = search.get('region') ?? '';
  const dq = useDebounced(q.trim());

  const types = useAsync(() => getInstitutionTypes(), []);
  const regions = useAsync(() => getRegions(), []);
  const list = useAsync((signal) => getInstitutions({ q: dq, type, region }, signal), [dq, type, region]);
  const items = list.data ?? [];
  const { editing, notice, edit, close, saved } = useEditor<Institution>(list.reload);

  return (
    <EditableList
      title="Instituciones"
      lead="Las instituciones de la red: Ministerio, SEREMIs, servicios, policías, tribunales, salud, municipios, farmacias y empresas."
      newLabel="Nueva institución"
      onNew={() => edit('new')}
      notice={notice}
      filterLabel="Filtrar instituciones"
      filters={
        <>
          <SearchField value={q} onValue={setQ} hint="Nombre de la institución." />
          <QuerySelect label="Tipo" name="tipo" value={type} placeholder="Todos" options={typeOptions(types.data ?? [])} />
          <QuerySelect
            label="Región"
            name="region"
            value={region}
            placeholder="Todas"
            options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.short_name || r.name }))}
          />
        </>
      }
      list={list}
      summary={countOf(items, 'institución', 'instituciones')}
      empty="No hay instituciones que coincidan con los filtros."
      caption="Instituciones"
      columns={['Nombre', 'Tipo', 'Región', 'Estado']}
      testId="institutions-table"
      rows={items.map((i) => (
        <tr key={i.id}>
          <th scope="row" data-label="Nombre">
            <span class="cell-main">{i.name}</span>
          </th>
          <td data-label="Tipo">{i.type_label || i.type}</td>
          <td data-label="Región">{i.region_id ? regionLabel(regions.data, i.region_id) : 'Nacional'}</td>
          <td data-label="Estado">{i.active ? <Badge tone="ok">Activa</Badge> : <Badge>Inactiva</Badge>}</td>
          <td class="cell-actions">
            <RowButton label="Editar" detail={i.name} onClick={() => edit(i)} />
          </td>
        </tr>
      ))}
    >
      {editing && (
        <InstitutionDialog
          institution={editing === 'new' ? null : editing}
          types={types.data ?? []}
          onClose={close}
          onSaved={saved}
        />
      )}
    </EditableList>
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
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Ingrese el nombre de la institución.';
    if (!type) local.type = 'Elija el tipo de institución.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    const body = { name: name.trim(), type, region_id: regionId || null, comuna_id: comunaId || null };
    void send(async () => {
      if (it) {
        await saveInstitution(it.id, { ...body, active });
        props.onSaved(`Se guardaron los cambios de ${name.trim()}.`);
      } else {
        await saveInstitution(null, body);
        props.onSaved(`Se creó la institución ${name.trim()}.`);
      }
    });
  }

  return (
    <Dialog title={it ? `Editar institución` : 'Nueva institución'} open onClose={props.onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible guardar" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <Field label="Nombre" name="name" value={name} onValue={setName} error={errors.fields.name} required autocomplete="off" autoFocus />
        <SelectField
          label="Tipo"
          name="type"
          value={type}
          onValue={setType}
          placeholder="Elija un tipo"
          options={typeOptions(props.types)}
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
          errors={errors.fields}
        />
        {it && (
          <Checkbox name="active" checked={active} onValue={setActive}>
            Institución activa
          </Checkbox>
        )}
        <FormActions label={it ? 'Guardar cambios' : 'Crear institución'} busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
