// The data-protection officer's register of data-subject requests (Ley 21.719): every request with
// its legal deadline (overdue ones first in the eye), and the form to register one received.
import { useState } from 'preact/hooks';
import { navigate, setQuery, useLocation } from '../app/router';
import { Badge, DataTable, DateField, ErrorAlert, Field, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import './dataprotection.css';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { createRequest, getVocabularies, isoFromCl, listRequests, type RequestRow } from './data';

function Deadline({ r }: { r: RequestRow }) {
  if (r.overdue) return <Badge tone="danger">Vencida el {r.deadline}</Badge>;
  if (r.days_left === null) return <span class="muted">{r.deadline}</span>;
  return (
    <>
      {r.deadline} <span class="muted">({r.days_left === 1 ? 'queda 1 día' : `quedan ${r.days_left} días`})</span>
      {r.extended && <> <Badge tone="info">Prorrogada</Badge></>}
    </>
  );
}

function NewRequest({ onSaved }: { onSaved: (id: number) => void }) {
  const vocab = useAsync((signal) => getVocabularies(signal), []);
  const form = useForm();
  const [kind, setKind] = useState('');
  const [rut, setRut] = useState('');
  const [name, setName] = useState('');
  const [detail, setDetail] = useState('');
  const [received, setReceived] = useState('');
  const f = form.errors.fields;
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!kind) local.kind = 'Elija el derecho que se ejerce.';
    if (!rut.trim()) local.rut = 'Indique el RUT de quien pide.';
    if (!name.trim()) local.requester_name = 'Indique el nombre de quien pide.';
    if (!detail.trim()) local.detail = 'Describa lo que se pide.';
    if (!received.trim()) local.received_on = 'Indique el día en que se recibió.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => {
      const r = await createRequest({ kind, rut, requester_name: name, detail, received_on: isoFromCl(received) });
      onSaved(r.request.id);
    });
  });
  return (
    <form class="card form" ref={form.formRef} onSubmit={submit} noValidate aria-labelledby="dp-new">
      <h2 id="dp-new">Registrar una solicitud recibida</h2>
      <ErrorAlert error={form.errors.general} />
      <SelectField label="Derecho que se ejerce" name="kind" required value={kind} onValue={setKind} placeholder="Elija…" error={f.kind}
        options={(vocab.data?.kinds ?? []).map((k) => ({ value: k.id, label: k.name }))} />
      <Field label="RUT de quien pide" name="rut" required value={rut} onValue={setRut} error={f.rut} hint="Ejemplo: 12.345.678-5" autocomplete="off" />
      <Field label="Nombre de quien pide" name="requester_name" required value={name} onValue={setName} error={f.requester_name} autocomplete="off" />
      <TextAreaField label="Qué pide" name="detail" required value={detail} onValue={setDetail} error={f.detail} rows={3} />
      <DateField label="Recibida el" name="received_on" required value={received} onValue={setReceived} error={f.received_on} />
      <p class="muted">
        El plazo legal se calcula solo: {vocab.data?.deadline_days ?? 30} días corridos desde la recepción, prorrogable una vez por{' '}
        {vocab.data?.extension_days ?? 30} días con motivo fundado.
      </p>
      <button class="btn btn-primary" type="submit" disabled={form.busy}>
        Registrar solicitud
      </button>
    </form>
  );
}

export default function RequestsPage() {
  const { search } = useLocation();
  const overdueOnly = search.get('vencidas') === '1';
  const res = useAsync((signal) => listRequests(overdueOnly, signal), [overdueOnly]);
  const items = res.data?.items ?? [];
  return (
    <section class="dataprotection">
      <PageHeader title="Solicitudes de derechos sobre datos personales" eyebrow="Protección de datos · Ley 21.719"
        lead="Acceso, rectificación, supresión, oposición, portabilidad y bloqueo: cada solicitud con su plazo legal y su historia. Todo queda en la auditoría."
        actions={
          <>
            <a class="btn btn-secondary" href="/datos-personales/registro">Registro de tratamiento</a>{' '}
            <a class="btn btn-secondary" href="/datos-personales/brechas">Brechas de seguridad</a>
          </>
        } />
      <ErrorAlert error={res.error} />
      {res.data && res.data.overdue > 0 && (
        <Notice kind="warning" title="Solicitudes vencidas">
          {res.data.overdue === 1 ? 'Una solicitud pasó' : `${res.data.overdue} solicitudes pasaron`} su plazo legal sin respuesta.{' '}
          {!overdueOnly && <a href="/datos-personales/solicitudes?vencidas=1">Ver solo las vencidas</a>}
        </Notice>
      )}
      <p>
        <label>
          <input type="checkbox" checked={overdueOnly} onChange={(e) => setQuery({ vencidas: (e.currentTarget as HTMLInputElement).checked ? '1' : null })} /> Solo
          vencidas
        </label>
        {res.data && <span class="muted"> · Hoy es {res.data.today}</span>}
      </p>
      <DataTable loading={res.loading} error={res.error} count={items.length} caption="Solicitudes de derechos" testId="dp-requests"
        empty={overdueOnly ? 'No hay solicitudes vencidas.' : 'Aún no se registran solicitudes.'} columns={['N°', 'Derecho', 'Recibida', 'Plazo', 'Estado']}>
        {items.map((r) => (
          <tr key={r.id}>
            <td data-label="N°">
              <a href={`/datos-personales/solicitudes/${r.id}`}>Solicitud {r.id}</a>
            </td>
            <td data-label="Derecho">{r.kind_name}</td>
            <td data-label="Recibida">{r.received}</td>
            <td data-label="Plazo">
              <Deadline r={r} />
            </td>
            <td data-label="Estado">{r.state_name}</td>
          </tr>
        ))}
      </DataTable>
      <NewRequest onSaved={(id) => navigate(`/datos-personales/solicitudes/${id}`)} />
    </section>
  );
}
