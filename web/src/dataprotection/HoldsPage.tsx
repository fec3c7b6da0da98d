// Legal holds (retenciones legales): a court, the Fiscalía or the ministry's own legal duty may
// require keeping a person's data, or one record of a module, past its retention. While a hold is
// active no purge deletes what it names. The officer records one with its reason and dates, and
// releases it (once, after confirming: the next purge may then delete what it kept).
import { useState } from 'preact/hooks';
import { Badge, DataTable, DateField, ErrorAlert, Field, Notice, PageHeader, RowButton, SelectField, useAsync, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { createHold, getPurgePreview, isoFromCl, listHolds, releaseHold, type Hold } from './data';
import { ConfirmDialog } from './ConfirmDialog';
import { DpNav } from './DpNav';
import './dataprotection.css';

// `labels`: "module/kind" → the kind's Spanish name, as the preview declares it.
function what(h: Hold, labels: Record<string, string>): string {
  if (h.person_id) return `Persona n.º ${h.person_id} del registro (todos sus datos)`;
  return `${labels[`${h.module}/${h.kind}`] ?? `${h.module} · ${h.kind}`}: ${h.record_id}`;
}

function NewHold({ onSaved }: { onSaved: () => void }) {
  const kinds = useAsync((signal) => getPurgePreview(signal), []);
  const form = useForm();
  const [target, setTarget] = useState<'record' | 'person'>('record');
  const [kind, setKind] = useState('');
  const [record, setRecord] = useState('');
  const [person, setPerson] = useState('');
  const [reason, setReason] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const f = form.errors.fields;
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (target === 'record' && !kind) local.kind = 'Elija el tipo de dato.';
    if (target === 'record' && !record.trim()) local.record_id = 'Indique la referencia del registro.';
    if (target === 'person' && !/^\d+$/.test(person.trim())) local.person_id = 'Indique el número de la persona en el registro.';
    if (!reason.trim()) local.reason = 'Indique el fundamento (oficio, causa, resolución).';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const [module, k] = kind.split('/');
    const body: Record<string, string> = { reason };
    if (target === 'record') Object.assign(body, { module: module ?? '', kind: k ?? '', record_id: record.trim() });
    else body.person_id = person.trim();
    if (from.trim()) body.from_on = isoFromCl(from);
    if (until.trim()) body.until_on = isoFromCl(until);
    void form.send(async () => {
      await createHold(body);
      setRecord('');
      setPerson('');
      setReason('');
      setFrom('');
      setUntil('');
      onSaved();
    });
  });
  return (
    <form class="card form" ref={form.formRef} onSubmit={submit} noValidate aria-labelledby="dp-hold-new">
      <h2 id="dp-hold-new">Registrar una retención legal</h2>
      <ErrorAlert error={form.errors.general} />
      <SelectField label="Qué se retiene" name="target" value={target} onValue={(v) => setTarget(v as 'record' | 'person')}
        options={[{ value: 'record', label: 'Un registro de un módulo' }, { value: 'person', label: 'Todos los datos de una persona del registro' }]} />
      {target === 'record' ? (
        <>
          <SelectField label="Tipo de dato" name="kind" required value={kind} onValue={setKind} placeholder="Elija…" error={f.kind ?? f.module}
            options={(kinds.data?.kinds ?? []).map((k) => ({ value: `${k.module}/${k.kind}`, label: k.label }))} />
          <Field label="Referencia del registro" name="record_id" required value={record} onValue={setRecord} error={f.record_id}
            hint="La que muestra su pantalla: n.º de orden de monitoreo, de contacto, o la referencia de la conversación." autocomplete="off" />
        </>
      ) : (
        <Field label="N.º de la persona en el registro de casos" name="person_id" inputMode="numeric" required value={person} onValue={setPerson}
          error={f.person_id} autocomplete="off" />
      )}
      <TextAreaField label="Fundamento" name="reason" required value={reason} onValue={setReason} error={f.reason} rows={2}
        hint="Oficio del tribunal o de la Fiscalía, n.º de causa, o la obligación legal." />
      <DateField label="Desde (opcional; hoy si se deja en blanco)" name="from_on" value={from} onValue={setFrom} error={f.from_on} />
      <DateField label="Hasta (opcional; hasta que se libere)" name="until_on" value={until} onValue={setUntil} error={f.until_on} />
      <button class="btn btn-primary" type="submit" disabled={form.busy}>
        Registrar retención
      </button>
    </form>
  );
}

function Release({ h, label, onClose, onDone }: { h: Hold; label: string; onClose: () => void; onDone: () => void }) {
  return (
    <ConfirmDialog title={`Liberar la retención n.º ${h.id}`} confirm="Liberar retención" testId="dp-hold-release-confirm" onClose={onClose}
      onConfirm={async () => {
        await releaseHold(h.id);
        onDone();
      }}>
      <p>
        <strong>{label}</strong>
      </p>
      <p>Fundamento: {h.reason}</p>
      <Notice kind="warning" title="La liberación no se puede deshacer">
        La próxima purga podrá eliminar lo que esta retención conservaba, si ya pasó su plazo de conservación.
      </Notice>
    </ConfirmDialog>
  );
}

export default function HoldsPage() {
  const res = useAsync((signal) => listHolds(signal), []);
  const kinds = useAsync((signal) => getPurgePreview(signal), []);
  const labels = Object.fromEntries((kinds.data?.kinds ?? []).map((k) => [`${k.module}/${k.kind}`, k.label]));
  const [releasing, setReleasing] = useState<Hold | null>(null);
  const items = res.data?.items ?? [];
  return (
    <section class="dataprotection">
      <PageHeader title="Retenciones legales" eyebrow="Protección de datos · Ley 21.719"
        lead="Datos que ninguna purga puede eliminar mientras la retención esté vigente, aunque haya pasado su plazo de conservación."
        actions={<DpNav current="retenciones" />} />
      <ErrorAlert error={res.error} />
      {res.data && <p class="muted">{res.data.active === 0 ? 'No hay retenciones vigentes.' : res.data.active === 1 ? 'Hay 1 retención vigente.' : `Hay ${res.data.active} retenciones vigentes.`}</p>}
      <DataTable loading={res.loading} error={res.error} count={items.length} caption="Retenciones legales" testId="dp-holds" actions
        empty="No hay retenciones registradas." columns={['N.º', 'Qué retiene', 'Fundamento', 'Vigencia', 'Estado']}>
        {items.map((h) => (
          <tr key={h.id}>
            <td data-label="N.º">{h.id}</td>
            <td data-label="Qué retiene">{what(h, labels)}</td>
            <td data-label="Fundamento">{h.reason}</td>
            <td data-label="Vigencia">
              Desde {h.from}, {h.until === 'hasta su liberación' ? h.until : `hasta ${h.until}`}
            </td>
            <td data-label="Estado">
              {h.released ? <Badge tone="neutral">Liberada el {h.released}</Badge> : h.active ? <Badge tone="ok">Vigente</Badge> : <Badge tone="info">Fuera de su período</Badge>}
            </td>
            <td>{!h.released && <RowButton label="Liberar" detail={`la retención n.º ${h.id}`} onClick={() => setReleasing(h)} />}</td>
          </tr>
        ))}
      </DataTable>
      <NewHold onSaved={res.reload} />
      {releasing && (
        <Release h={releasing} label={what(releasing, labels)} onClose={() => setReleasing(null)} onDone={() => {
          setReleasing(null);
          res.reload();
        }} />
      )}
    </section>
  );
}
