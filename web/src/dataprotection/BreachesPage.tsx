// The breach register (Ley 21.719): each security breach with what happened, the data and people
// it touched, its likely consequences and the measures taken, and the two notifications the law
// asks for (to the Agency, without undue delay, and to the subjects), each recorded once with its
// time. A breach not notified to the Agency after the ministry's 72-hour target is flagged.
import { useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { Badge, ErrorAlert, Field, Loading, Notice, PageHeader, useAsync, useForm } from '../app/ui';
import './dataprotection.css';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { createBreach, listBreaches, notifyBreach, type Breach } from './data';

function Notify({ b, to, onDone }: { b: Breach; to: 'agencia' | 'titulares'; onDone: () => void }) {
  const form = useForm();
  const [note, setNote] = useState('');
  const label = to === 'agencia' ? 'Notificación a la Agencia' : 'Comunicación a los titulares';
  const submit = form.onSubmit(() => {
    if (form.invalid(note.trim() ? {} : { note: 'Indique cómo se notificó (folio, medio, fecha).' }, 'Revise el campo marcado.')) return;
    void form.send(async () => {
      await notifyBreach(b.id, to, note);
      onDone();
    });
  });
  return (
    <form class="form" ref={form.formRef} onSubmit={submit} noValidate aria-label={`${label} de la brecha ${b.id}`}>
      <ErrorAlert error={form.errors.general} />
      <TextAreaField label={`${label}: cómo se hizo`} name="note" value={note} onValue={setNote} error={form.errors.fields.note} rows={2} />
      <button class="btn btn-secondary" type="submit" disabled={form.busy}>
        Registrar {to === 'agencia' ? 'notificación a la Agencia' : 'comunicación a los titulares'}
      </button>
    </form>
  );
}

function BreachCard({ b, onChange }: { b: Breach; onChange: () => void }) {
  return (
    <article class="card" data-testid={`breach-${b.id}`}>
      <h2>
        Brecha {b.id} · detectada el {b.detected}{' '}
        {b.agency_overdue && <Badge tone="danger">Sin notificar a la Agencia tras {b.target_hours} horas</Badge>}
      </h2>
      <dl class="dp-facts">
        <dt>Naturaleza</dt>
        <dd>{b.nature}</dd>
        <dt>Datos afectados</dt>
        <dd>{b.data_categories}</dd>
        <dt>Titulares</dt>
        <dd>
          {b.subjects} · {formatNumber(b.subjects_affected)} (estimado)
        </dd>
        <dt>Consecuencias probables</dt>
        <dd>{b.consequences}</dd>
        <dt>Medidas</dt>
        <dd>{b.measures}</dd>
        <dt>Agencia</dt>
        <dd>{b.agency_notified ? <>Notificada el {b.agency_notified}: {b.agency_note}</> : <Badge tone="warn">Pendiente</Badge>}</dd>
        <dt>Titulares</dt>
        <dd>{b.subjects_notified ? <>Comunicada el {b.subjects_notified}: {b.subjects_note}</> : <Badge tone="warn">Pendiente</Badge>}</dd>
      </dl>
      {!b.agency_notified && <Notify b={b} to="agencia" onDone={onChange} />}
      {!b.subjects_notified && <Notify b={b} to="titulares" onDone={onChange} />}
    </article>
  );
}

function NewBreach({ onSaved }: { onSaved: () => void }) {
  const form = useForm();
  const [v, setV] = useState({ detected: '', nature: '', data_categories: '', subjects: '', subjects_affected: '', consequences: '', measures: '' });
  const set = (k: keyof typeof v) => (x: string) => setV({ ...v, [k]: x });
  const f = form.errors.fields;
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    const at = new Date(v.detected);
    if (!v.detected || Number.isNaN(at.getTime())) local.detected_at = 'Indique el día y la hora de la detección.';
    for (const k of ['nature', 'data_categories', 'subjects', 'consequences', 'measures'] as const) if (!v[k].trim()) local[k] = 'Complete este campo.';
    if (!/^\d+$/.test(v.subjects_affected.trim())) local.subjects_affected = 'Indique un número (estimado).';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => {
      await createBreach({ detected_at: at.toISOString(), nature: v.nature, data_categories: v.data_categories, subjects: v.subjects,
        subjects_affected: Number(v.subjects_affected), consequences: v.consequences, measures: v.measures });
      setV({ detected: '', nature: '', data_categories: '', subjects: '', subjects_affected: '', consequences: '', measures: '' });
      onSaved();
    });
  });
  return (
    <form class="card form" ref={form.formRef} onSubmit={submit} noValidate aria-labelledby="dp-breach-new">
      <h2 id="dp-breach-new">Registrar una brecha</h2>
      <p class="muted">Sin nombres de personas: categorías y cantidades.</p>
      <ErrorAlert error={form.errors.general} />
      <Field label="Detectada el (día y hora)" name="detected_at" type="datetime-local" required value={v.detected} onValue={set('detected')} error={f.detected_at} />
      <TextAreaField label="Naturaleza de la brecha" name="nature" required value={v.nature} onValue={set('nature')} error={f.nature} rows={2} />
      <Field label="Categorías de datos afectados" name="data_categories" required value={v.data_categories} onValue={set('data_categories')} error={f.data_categories} />
      <Field label="Categorías de titulares" name="subjects" required value={v.subjects} onValue={set('subjects')} error={f.subjects} />
      <Field label="Titulares afectados (estimado)" name="subjects_affected" inputMode="numeric" required value={v.subjects_affected} onValue={set('subjects_affected')} error={f.subjects_affected} />
      <TextAreaField label="Consecuencias probables" name="consequences" required value={v.consequences} onValue={set('consequences')} error={f.consequences} rows={2} />
      <TextAreaField label="Medidas adoptadas o propuestas" name="measures" required value={v.measures} onValue={set('measures')} error={f.measures} rows={2} />
      <button class="btn btn-primary" type="submit" disabled={form.busy}>
        Registrar brecha
      </button>
    </form>
  );
}

export default function BreachesPage() {
  const res = useAsync((signal) => listBreaches(signal), []);
  const items = res.data?.items ?? [];
  return (
    <section class="dataprotection">
      <PageHeader title="Registro de brechas de seguridad" eyebrow="Protección de datos · Ley 21.719"
        lead="Cada brecha con su notificación a la Agencia de Protección de Datos Personales (sin dilaciones indebidas) y a los titulares."
        actions={<a class="btn btn-secondary" href="/datos-personales/solicitudes">Solicitudes de derechos</a>} />
      <ErrorAlert error={res.error} />
      {res.data && res.data.agency_overdue > 0 && (
        <Notice kind="warning" title="Notificaciones atrasadas">
          {res.data.agency_overdue === 1 ? 'Una brecha lleva' : `${res.data.agency_overdue} brechas llevan`} más de 72 horas sin notificación a la Agencia
          (meta interna del Ministerio; la ley exige notificar sin dilaciones indebidas).
        </Notice>
      )}
      <NewBreach onSaved={res.reload} />
      {res.loading && <Loading />}
      {!res.loading && items.length === 0 && <p class="muted">No hay brechas registradas.</p>}
      {items.map((b) => (
        <BreachCard key={b.id} b={b} onChange={res.reload} />
      ))}
    </section>
  );
}
