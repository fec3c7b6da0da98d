// Staff's trainings (/capacitaciones/gestion, outreach.manage): every course with its progress;
// her institution's courses take new sessions, and her institution's sessions take their
// participants by institution and sex (never more than the session's seats: the server refuses
// it and says by how much). Other institutions' sessions are read-only.
import { useState } from 'preact/hooks';
import { formatNumber, formatPercent } from '../app/format';
import { Badge, DataTable, DateField, Dialog, ErrorAlert, Field, FormActions, PageHeader, RowButton, SelectField, useAsync, useForm } from '../app/ui';
import {
  createCourse,
  createSession,
  getSession,
  getStaffTrainings,
  setParticipants,
  tenths,
  type Course,
  type Option,
  type SessionRow,
} from './data';
import { Progress } from './TrainingsPage';
import './outreach.css';

const opts = (list: { id: string; name: string }[]) => list.map((o) => ({ value: o.id, label: o.name }));

export default function TrainingsAdminPage() {
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [sessionFor, setSessionFor] = useState<Course | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const list = useAsync((signal) => getStaffTrainings(signal), [reload]);
  const refresh = () => setReload((n) => n + 1);
  return (
    <section class="outreach">
      <PageHeader
        title="Gestión de capacitaciones"
        lead={`Cursos y sesiones; ${list.data?.institution ?? 'su institución'} registra las sesiones de sus cursos y sus participantes por institución y sexo.`}
        actions={
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            Nuevo curso
          </button>
        }
      />
      <ErrorAlert error={list.error} />
      {(list.data?.items ?? []).map((c) => (
        <article key={c.id} class="card outreach-course" data-testid="staff-course">
          <h2>
            {c.name} {c.demo && <Badge tone="purple">Demostración</Badge>}
          </h2>
          <p class="muted">
            {c.modality_name} · {c.institution} · {formatNumber(c.participants)} participantes
            {c.target !== null && <> · meta {formatNumber(c.target)} ({formatPercent(tenths(c.progress_tenths))})</>}
          </p>
          <Progress tenthsValue={c.progress_tenths} label="Avance contra la meta" />
          {c.editable && (
            <p>
              <button type="button" class="btn btn-secondary btn-small" onClick={() => setSessionFor(c)}>
                Nueva sesión
              </button>
            </p>
          )}
          <DataTable loading={false} error={null} count={c.session_list.length} empty="Sin sesiones registradas." caption={`Sesiones de ${c.name}`}
            columns={['Fecha', 'Lugar', 'Participantes']} actions>
            {c.session_list.map((s) => (
              <tr key={s.id}>
                <td data-label="Fecha">{s.starts_on.label}</td>
                <td data-label="Lugar">{s.place}</td>
                <td data-label="Participantes">
                  {formatNumber(s.participants)} de {formatNumber(s.capacity)}
                </td>
                <td>{s.editable ? <RowButton label="Participantes" detail={`de la sesión del ${s.starts_on.label}`} onClick={() => setEditing(s.id)} /> : <span class="muted small">{s.institution}</span>}</td>
              </tr>
            ))}
          </DataTable>
        </article>
      ))}
      {creating && <NewCourseDialog modalities={list.data?.modalities ?? []} onClose={() => setCreating(false)} onDone={() => (setCreating(false), refresh())} />}
      {sessionFor && <NewSessionDialog course={sessionFor} onClose={() => setSessionFor(null)} onDone={() => (setSessionFor(null), refresh())} />}
      {editing !== null && <ParticipantsDialog id={editing} sexes={list.data?.sexes ?? []} onClose={() => (setEditing(null), refresh())} />}
    </section>
  );
}

function NewCourseDialog({ modalities, onClose, onDone }: { modalities: Option[]; onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState({ name: '', modality: '', population: '', capacity: '', target: '', target_source: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!f.name.trim()) local.name = 'Escriba el nombre del curso.';
    if (!f.modality) local.modality = 'Elija la modalidad.';
    if (!f.population.trim()) local.population = 'Indique a quién está dirigido.';
    if (!/^\d+$/.test(f.capacity)) local.capacity = 'Indique los cupos por sesión.';
    if (f.target && !/^\d+$/.test(f.target)) local.target = 'La meta es un número de personas.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await createCourse({ ...f, capacity: Number(f.capacity), target: f.target ? Number(f.target) : null });
      onDone();
    });
  }
  return (
    <Dialog title="Nuevo curso" open onClose={onClose}>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <ErrorAlert error={errors.general} title="No fue posible registrar el curso" />
        <Field label="Nombre" name="name" value={f.name} onValue={set('name')} error={errors.fields.name} required />
        <SelectField label="Modalidad" name="modality" value={f.modality} onValue={set('modality')} options={opts(modalities)} placeholder="Elija" error={errors.fields.modality} required />
        <Field label="Población objetivo" name="population" value={f.population} onValue={set('population')} error={errors.fields.population} required />
        <div class="field-row">
          <Field label="Cupos por sesión" name="capacity" inputMode="numeric" value={f.capacity} onValue={set('capacity')} error={errors.fields.capacity} required />
          <Field label="Meta (personas)" name="target" inputMode="numeric" value={f.target} onValue={set('target')} error={errors.fields.target} />
        </div>
        <Field label="Fuente de la meta" name="target_source" value={f.target_source} onValue={set('target_source')} error={errors.fields.target_source} hint="Obligatoria si indica una meta." hintBelow />
        <FormActions label="Registrar curso" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function NewSessionDialog({ course, onClose, onDone }: { course: Course; onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState({ starts_on: '', ends_on: '', place: '', capacity: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!f.starts_on.trim()) local.starts_on = 'Indique la fecha de inicio.';
    if (!f.place.trim()) local.place = 'Indique el lugar.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await createSession(course.id, { ...f, capacity: f.capacity ? Number(f.capacity) : null });
      onDone();
    });
  }
  return (
    <Dialog title={`Nueva sesión: ${course.name}`} open onClose={onClose}>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <ErrorAlert error={errors.general} title="No fue posible registrar la sesión" />
        <div class="field-row">
          <DateField label="Inicio" name="starts_on" value={f.starts_on} onValue={set('starts_on')} error={errors.fields.starts_on} required />
          <DateField label="Término" name="ends_on" value={f.ends_on} onValue={set('ends_on')} error={errors.fields.ends_on} />
        </div>
        <Field label="Lugar" name="place" value={f.place} onValue={set('place')} error={errors.fields.place} required />
        <Field label="Cupos" name="capacity" inputMode="numeric" value={f.capacity} onValue={set('capacity')} error={errors.fields.capacity}
          hint={`Hasta ${formatNumber(course.capacity)} (los del curso si lo deja en blanco).`} hintBelow />
        <FormActions label="Registrar sesión" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function ParticipantsDialog({ id, sexes, onClose }: { id: number; sexes: Option[]; onClose: () => void }) {
  const s = useAsync((signal) => getSession(id, signal), [id]);
  const [rows, setRows] = useState<SessionRow[] | null>(null);
  const { errors, formRef, busy, onSubmit, send } = useForm();
  const [saved, setSaved] = useState(false);
  const current = rows ?? s.data?.rows ?? [];
  const total = current.reduce((a, r) => a + (Number.isFinite(r.count) ? r.count : 0), 0);
  const update = (i: number, patch: Partial<SessionRow>) => setRows(current.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  function submit() {
    void send(async () => {
      await setParticipants(id, current);
      setSaved(true);
    });
  }
  return (
    <Dialog title={s.data ? `Participantes: ${s.data.course}, ${s.data.starts_on.label}` : 'Participantes'} open onClose={onClose} wide>
      <ErrorAlert error={s.error} />
      {s.data && (
        <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
          {saved && <p class="notice notice-success">Se guardaron {formatNumber(total)} participantes.</p>}
          <p>
            Total: <strong data-testid="participants-total">{formatNumber(total)}</strong> de {formatNumber(s.data.capacity)} cupos.
          </p>
          <table class="data-table outreach-rows">
            <caption class="visually-hidden">Participantes por institución y sexo</caption>
            <thead>
              <tr>
                <th scope="col">Institución</th>
                <th scope="col">Sexo</th>
                <th scope="col">Personas</th>
                <th scope="col">
                  <span class="visually-hidden">Quitar</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {current.map((r, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={`Institución, fila ${i + 1}`} value={r.institution} onInput={(e) => update(i, { institution: e.currentTarget.value })} />
                  </td>
                  <td>
                    <select aria-label={`Sexo, fila ${i + 1}`} value={r.sex} onChange={(e) => update(i, { sex: e.currentTarget.value })}>
                      {sexes.map((x) => (
                        <option key={x.id} value={x.id}>
                          {x.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input aria-label={`Personas, fila ${i + 1}`} inputMode="numeric" value={String(r.count)} onInput={(e) => update(i, { count: Number(e.currentTarget.value || 0) })} />
                  </td>
                  <td>
                    <button type="button" class="btn btn-secondary btn-small" onClick={() => setRows(current.filter((_, j) => j !== i))}>
                      Quitar
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="button" class="btn btn-secondary" onClick={() => setRows([...current, { institution: '', sex: 'mujer', count: 0 }])}>
              Agregar fila
            </button>
          </p>
          {/* Beside the button: a long table scrolls the top of the dialog out of view. */}
          <ErrorAlert error={errors.general} title="No fue posible guardar" />
          <FormActions label="Guardar participantes" busy={busy} onCancel={onClose} cancelLabel="Cerrar" />
        </form>
      )}
    </Dialog>
  );
}
