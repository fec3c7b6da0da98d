// Public campaigns (/campanas): each with its period and channels; trainers (outreach.manage)
// record their institution's campaigns here.
import { useState } from 'preact/hooks';
import { hasPermission, useSession } from '../app/session';
import { Badge, Checkbox, DataTable, DateField, Dialog, ErrorAlert, Field, FormActions, PageHeader, useAsync, useForm } from '../app/ui';
import { MANAGE, createCampaign, getCampaigns, type Option } from './data';
import './outreach.css';

export default function CampaignsPage() {
  const { state } = useSession();
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const list = useAsync((signal) => getCampaigns(signal), [reload]);
  const items = list.data?.items ?? [];
  return (
    <section class="outreach">
      <PageHeader
        title="Campañas comunicacionales"
        lead="Campañas de corresponsabilidad y contra la violencia hacia las mujeres, con su período y sus canales."
        actions={
          hasPermission(state, MANAGE) && (
            <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
              Nueva campaña
            </button>
          )
        }
      />
      <ErrorAlert error={list.error} />
      <DataTable loading={list.loading && !list.data} error={list.error} count={items.length} empty="No hay campañas registradas."
        caption="Campañas" columns={['Campaña', 'Período', 'Canales']} testId="campaigns">
        {items.map((c) => (
          <tr key={c.id}>
            <th scope="row" data-label="Campaña">
              <span class="cell-main">{c.name}</span>
              <span class="cell-sub">{c.description}</span>
              <span class="cell-sub muted small">
                {c.source} {c.demo && <Badge tone="purple">Demostración</Badge>}
              </span>
            </th>
            <td data-label="Período" class="nowrap">{c.ends_on.value ? `${c.starts_on.label} – ${c.ends_on.label}` : `desde ${c.starts_on.label}`}</td>
            <td data-label="Canales">{c.channels.length ? c.channels.map((x) => x.name).join(', ') : <span class="muted">sin información</span>}</td>
          </tr>
        ))}
      </DataTable>
      {creating && list.data && (
        <NewCampaign channels={list.data.channels} onClose={() => setCreating(false)} onDone={() => (setCreating(false), setReload((n) => n + 1))} />
      )}
    </section>
  );
}

function NewCampaign(props: { channels: Option[]; onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState({ name: '', description: '', starts_on: '', ends_on: '' });
  const [chosen, setChosen] = useState<string[]>([]);
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!f.name.trim()) local.name = 'Escriba el nombre.';
    if (!f.starts_on.trim()) local.starts_on = 'Indique el inicio (dd-mm-aaaa, mm-aaaa o aaaa).';
    if (!chosen.length) local.channels = 'Elija al menos un canal.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await createCampaign({ ...f, channels: chosen });
      props.onDone();
    });
  }
  return (
    <Dialog title="Nueva campaña" open onClose={props.onClose}>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <ErrorAlert error={errors.general} title="No fue posible registrar la campaña" />
        <Field label="Nombre" name="name" value={f.name} onValue={set('name')} error={errors.fields.name} required />
        <Field label="Descripción" name="description" value={f.description} onValue={set('description')} error={errors.fields.description} />
        <div class="field-row">
          <DateField label="Inicio" name="starts_on" value={f.starts_on} onValue={set('starts_on')} error={errors.fields.starts_on} hint="dd-mm-aaaa, mm-aaaa o aaaa" required />
          <DateField label="Término" name="ends_on" value={f.ends_on} onValue={set('ends_on')} error={errors.fields.ends_on} hint="dd-mm-aaaa, mm-aaaa o aaaa" />
        </div>
        <fieldset>
          <legend>Canales</legend>
          {errors.fields.channels && <p class="field-error">{errors.fields.channels}</p>}
          {props.channels.map((c) => (
            <Checkbox key={c.id} name={`channel-${c.id}`} checked={chosen.includes(c.id)}
              onValue={(on) => setChosen((x) => (on ? [...x, c.id] : x.filter((y) => y !== c.id)))}>
              {c.name}
            </Checkbox>
          ))}
        </fieldset>
        <FormActions label="Registrar campaña" busy={busy} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}
