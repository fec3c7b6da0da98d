// One council or intersectoral table: members (without contact data), sessions with agenda,
// attendance and quorum, published minutes, agreements with their follow-up (overdue flagged).
// Those who manage the body (councils.manage and the body's rule: the ministry, or the SEREMI of its
// region) record members, the end of a term, sessions, attendance, minutes and agreements here.
import { useState } from 'preact/hooks';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { Badge, DataTable, DateField, Dialog, ErrorAlert, Field, FormActions, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import {
  addAgreement,
  addMember,
  addSession,
  endTerm,
  followUp,
  getBody,
  getVocabularies,
  options,
  recordAttendance,
  writeMinutes,
  type AgreementItem,
  type BodyDetail,
  type SessionItem,
  type Vocabularies,
} from './data';
import './councils.css';

type Open =
  | { kind: 'member' }
  | { kind: 'end'; memberId: number; name: string }
  | { kind: 'session' }
  | { kind: 'attendance'; session: SessionItem }
  | { kind: 'minutes'; session: SessionItem }
  | { kind: 'agreement'; session: SessionItem }
  | { kind: 'follow'; agreement: AgreementItem };

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'danger' | 'info' | 'neutral'> = { pendiente: 'info', en_curso: 'warn', cumplido: 'ok', descartado: 'neutral' };

export default function BodyPage({ bodyId }: { bodyId: string }) {
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<Open | null>(null);
  const vocab = useAsync((_signal) => getVocabularies(), []);
  const d = useAsync((signal) => getBody(bodyId, signal), [bodyId, reload]);
  const b = d.data;
  const close = () => setOpen(null);
  const done = () => (setOpen(null), setReload((n) => n + 1));
  if (!b) return <section class="councils"><ErrorAlert error={d.error} />{d.loading && <p>Cargando…</p>}</section>;
  const manage = !!b.manageable;
  const current = b.members.filter((m) => m.active);
  const past = b.members.filter((m) => !m.active);
  const sessionDate = (id: number) => b.session_list.find((s) => s.id === id)?.held_on.label ?? '';
  return (
    <section class="councils">
      <PageHeader
        title={b.name}
        eyebrow={b.kind_name}
        lead={b.description}
        actions={
          manage && (
            <>
              <button type="button" class="btn btn-secondary" onClick={() => setOpen({ kind: 'member' })}>
                Agregar integrante
              </button>
              <button type="button" class="btn btn-primary" onClick={() => setOpen({ kind: 'session' })}>
                Registrar sesión
              </button>
            </>
          )
        }
      />
      <p>
        <a href="/consejos">← Todos los consejos y mesas</a>
      </p>
      {b.demo && <Notice kind="info">Datos de demostración, construidos desde la cuenta pública 2020–2021; lo que ella no dice es ficticio.</Notice>}
      <dl class="facts card">
        <dt>Base</dt>
        <dd>{b.legal_basis || 'sin información'}</dd>
        <dt>Alcance</dt>
        <dd>{b.region_id ? `Regional: ${b.region_name}` : 'Nacional'}</dd>
        {b.since && (
          <>
            <dt>Desde</dt>
            <dd>{b.since.label}</dd>
          </>
        )}
        <dt>Integrantes vigentes</dt>
        <dd data-testid="active-members">
          {b.active_members}
          {b.seats !== undefined && ` de ${b.seats} (Ley 20.820)`}
        </dd>
        <dt>Acuerdos vencidos</dt>
        <dd>{b.agreements_overdue > 0 ? <Badge tone="danger">{b.agreements_overdue}</Badge> : 'ninguno'}</dd>
      </dl>

      <h2>Integrantes</h2>
      <DataTable
        loading={false}
        error={null}
        count={current.length}
        empty="No hay integrantes en funciones."
        caption="Integrantes en funciones"
        columns={['Nombre', 'Organización', 'Rol', 'Período']}
        actions={manage}
        testId="members-table"
      >
        {current.map((m) => (
          <tr key={m.id}>
            <th scope="row" data-label="Nombre">{m.name}</th>
            <td data-label="Organización">{m.organisation}</td>
            <td data-label="Rol">{m.role_name}</td>
            <td data-label="Período" class="nowrap">
              {m.term_from?.label} – {m.term_until?.label ?? 'vigente'}
            </td>
            {manage && (
              <td>
                <button type="button" class="btn btn-link" onClick={() => setOpen({ kind: 'end', memberId: m.id, name: m.name })}>
                  Registrar término<span class="visually-hidden"> de {m.name}</span>
                </button>
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      {past.length > 0 && (
        <p class="muted small">
          Integrantes anteriores: {past.map((m) => `${m.name} (${m.organisation}, ${m.term_from?.label} – ${m.term_until?.label})`).join('; ')}.
        </p>
      )}

      <h2>Acuerdos</h2>
      <DataTable
        loading={false}
        error={null}
        count={b.agreements.length}
        empty="No hay acuerdos registrados."
        caption="Acuerdos y su seguimiento"
        columns={['Acuerdo', 'Responsable', 'Plazo', 'Estado', 'Seguimiento']}
        actions={manage}
        testId="agreements-table"
      >
        {b.agreements.map((a) => (
          <tr key={a.id} class={a.overdue ? 'row-overdue' : ''}>
            <th scope="row" data-label="Acuerdo">
              <span class="cell-main">{a.text}</span>
              <span class="cell-sub">Sesión del {sessionDate(a.session_id)}</span>
            </th>
            <td data-label="Responsable">{a.owner}</td>
            <td data-label="Plazo" class="nowrap">
              {a.due_on?.label ?? 'sin plazo'}
            </td>
            <td data-label="Estado">
              <Badge tone={STATUS_TONE[a.status] ?? 'neutral'}>{a.status_name}</Badge>
              {a.overdue && (
                <>
                  {' '}
                  <Badge tone="danger">Vencido</Badge>
                </>
              )}
            </td>
            <td data-label="Seguimiento">
              <ol class="updates">
                {a.updates.map((u, i) => (
                  <li key={i}>
                    <span class="nowrap">{u.on}</span> · {u.status_name}: {u.note}
                    {u.by && <span class="muted"> · {u.by}</span>}
                  </li>
                ))}
              </ol>
            </td>
            {manage && (
              <td>
                {(a.status === 'pendiente' || a.status === 'en_curso') && (
                  <button type="button" class="btn btn-link" onClick={() => setOpen({ kind: 'follow', agreement: a })}>
                    Registrar avance<span class="visually-hidden"> del acuerdo {a.text}</span>
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </DataTable>

      <h2>Sesiones</h2>
      {b.session_list.length === 0 && <p class="muted">No hay sesiones registradas.</p>}
      {b.session_list.map((s) => (
        <article key={s.id} class="card session" data-testid="session">
          <h3>
            Sesión {s.kind_name.toLowerCase()} del {s.held_on.label}
          </h3>
          <p class="muted">
            {s.modality_name}
            {s.place && ` · ${s.place}`}
          </p>
          <p>
            <strong>Tabla:</strong>
          </p>
          <ul class="topics">
            {s.topics.map((t, i) => (
              <li key={i}>{t}</li>
            ))}
          </ul>
          <p data-testid="quorum">
            <strong>Asistencia:</strong> {s.quorum.present} presentes, {s.quorum.excused} excusados, {s.quorum.absent} ausentes
            {s.quorum.unrecorded > 0 && `, ${s.quorum.unrecorded} sin registro`} de {s.quorum.members} en funciones ·{' '}
            {s.quorum.met ? <Badge tone="ok">Con quórum</Badge> : <Badge tone="warn">Sin quórum</Badge>}{' '}
            <span class="muted small">(se requieren {s.quorum.needed})</span>
          </p>
          {s.minutes_published ? (
            <details>
              <summary>Acta publicada el {s.minutes_published_on}</summary>
              <p class="minutes">{s.minutes}</p>
            </details>
          ) : (
            <p class="muted small">Acta no publicada.</p>
          )}
          {manage && (
            <div class="actions-row">
              <button type="button" class="btn btn-secondary" onClick={() => setOpen({ kind: 'attendance', session: s })}>
                Asistencia<span class="visually-hidden"> de la sesión del {s.held_on.label}</span>
              </button>
              {!s.minutes_published && (
                <button type="button" class="btn btn-secondary" onClick={() => setOpen({ kind: 'minutes', session: s })}>
                  Acta<span class="visually-hidden"> de la sesión del {s.held_on.label}</span>
                </button>
              )}
              <button type="button" class="btn btn-secondary" onClick={() => setOpen({ kind: 'agreement', session: s })}>
                Nuevo acuerdo<span class="visually-hidden"> de la sesión del {s.held_on.label}</span>
              </button>
            </div>
          )}
        </article>
      ))}

      {open && vocab.data && <Dialogs open={open} body={b} vocab={vocab.data} onClose={close} onDone={done} />}
    </section>
  );
}

function Dialogs(props: { open: Open; body: BodyDetail; vocab: Vocabularies; onClose: () => void; onDone: () => void }) {
  const { open } = props;
  switch (open.kind) {
    case 'member':
      return <MemberDialog {...props} />;
    case 'end':
      return <EndDialog {...props} memberId={open.memberId} name={open.name} />;
    case 'session':
      return <SessionDialog {...props} />;
    case 'attendance':
      return <AttendanceDialog {...props} session={open.session} />;
    case 'minutes':
      return <MinutesDialog {...props} session={open.session} />;
    case 'agreement':
      return <AgreementDialog {...props} session={open.session} />;
    case 'follow':
      return <FollowDialog {...props} agreement={open.agreement} />;
  }
}

interface DialogProps {
  body: BodyDetail;
  vocab: Vocabularies;
  onClose: () => void;
  onDone: () => void;
}

function MemberDialog({ body, vocab, onClose, onDone }: DialogProps) {
  const [f, setF] = useState({ name: '', organisation: '', role: 'integrante', term_from: '', term_until: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!f.name.trim()) local.name = 'Ingrese el nombre.';
    if (!f.organisation.trim()) local.organisation = 'Ingrese la organización.';
    if (!f.term_from.trim()) local.term_from = 'Ingrese el inicio del período.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await addMember(body.id, f);
      onDone();
    });
  }
  return (
    <Dialog title="Agregar integrante" open onClose={onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible agregar la integrante" />
      <p class="muted small">Solo nombre, organización, rol y período: este registro es público y no guarda datos de contacto.</p>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <div class="field-row">
          <Field label="Nombre" name="name" value={f.name} onValue={set('name')} error={errors.fields.name} required autoFocus maxLength={200} />
          <Field label="Organización" name="organisation" value={f.organisation} onValue={set('organisation')} error={errors.fields.organisation} required maxLength={200} />
        </div>
        <SelectField label="Rol" name="role" value={f.role} onValue={set('role')} options={options(vocab.roles)} error={errors.fields.role} required />
        <div class="field-row">
          <DateField label="Inicio del período" name="term_from" value={f.term_from} onValue={set('term_from')} error={errors.fields.term_from} required />
          <DateField label="Término del período" name="term_until" value={f.term_until} onValue={set('term_until')} error={errors.fields.term_until} hint="dd-mm-aaaa; vacío si no está fijado" />
        </div>
        <FormActions label="Agregar" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function EndDialog({ body, memberId, name, onClose, onDone }: DialogProps & { memberId: number; name: string }) {
  const [until, setUntil] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(until.trim() ? {} : { term_until: 'Ingrese la fecha de término.' }, 'Revise los datos marcados.')) return;
    void send(async () => {
      await endTerm(body.id, memberId, until);
      onDone();
    });
  }
  return (
    <Dialog title={`Término del período de ${name}`} open onClose={onClose}>
      <ErrorAlert error={errors.general} title="No fue posible registrar el término" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <DateField label="Último día en funciones" name="term_until" value={until} onValue={setUntil} error={errors.fields.term_until} required autoFocus />
        <FormActions label="Registrar término" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function SessionDialog({ body, vocab, onClose, onDone }: DialogProps) {
  const [f, setF] = useState({ held_on: '', modality: 'presencial', place: '', topics: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const topics = f.topics.split('\n').map((t) => t.trim()).filter(Boolean);
    const local: Record<string, string> = {};
    if (!f.held_on.trim()) local.held_on = 'Ingrese la fecha de la sesión.';
    if (f.modality !== 'remota' && !f.place.trim()) local.place = 'Indique el lugar de una sesión presencial o mixta.';
    if (!topics.length) local.topics = 'Indique al menos un tema de la tabla.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await addSession(body.id, { held_on: f.held_on, modality: f.modality, place: f.place, topics });
      onDone();
    });
  }
  return (
    <Dialog title="Registrar sesión" open onClose={onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible registrar la sesión" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <div class="field-row">
          <DateField label="Fecha" name="held_on" value={f.held_on} onValue={set('held_on')} error={errors.fields.held_on} required autoFocus />
          <SelectField label="Modalidad" name="modality" value={f.modality} onValue={set('modality')} options={options(vocab.modalities)} error={errors.fields.modality} required />
        </div>
        <Field label="Lugar" name="place" value={f.place} onValue={set('place')} error={errors.fields.place} maxLength={200} />
        <TextAreaField label="Tabla (un tema por línea)" name="topics" value={f.topics} onValue={set('topics')} error={errors.fields.topics} rows={4} />
        <FormActions label="Registrar" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function AttendanceDialog({ session, vocab, onClose, onDone }: DialogProps & { session: SessionItem }) {
  const [marks, setMarks] = useState<Record<number, string>>(() => Object.fromEntries(session.attendance.map((a) => [a.member_id, a.status ?? ''])));
  const { errors, formRef, busy, onSubmit, send } = useForm();
  function submit() {
    const list = Object.entries(marks)
      .filter(([, st]) => st)
      .map(([id, status]) => ({ member_id: Number(id), status }));
    void send(async () => {
      await recordAttendance(session.id, list);
      onDone();
    });
  }
  return (
    <Dialog title={`Asistencia de la sesión del ${session.held_on.label}`} open onClose={onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible registrar la asistencia" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <p class="muted small">El quórum es la mayoría absoluta de quienes estaban en funciones ese día ({session.quorum.needed} de {session.quorum.members}).</p>
        <div class="attendance-grid">
          {session.attendance.map((a) => (
            <SelectField
              key={a.member_id}
              label={`${a.name} (${a.organisation})`}
              name={`att-${a.member_id}`}
              value={marks[a.member_id] ?? ''}
              onValue={(v) => setMarks((m) => ({ ...m, [a.member_id]: v }))}
              options={options(vocab.attendance)}
              placeholder="Sin registro"
            />
          ))}
        </div>
        <FormActions label="Guardar asistencia" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function MinutesDialog({ session, onClose, onDone }: DialogProps & { session: SessionItem }) {
  const [text, setText] = useState(session.minutes_draft ?? '');
  const [publish, setPublish] = useState(false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (publish && invalid(text.trim() ? {} : { minutes: 'No se puede publicar un acta vacía.' }, 'Revise los datos marcados.')) return;
    void send(async () => {
      await writeMinutes(session.id, text, publish);
      onDone();
    });
  }
  return (
    <Dialog title={`Acta de la sesión del ${session.held_on.label}`} open onClose={onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible guardar el acta" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <TextAreaField label="Acta" name="minutes" value={text} onValue={setText} error={errors.fields.minutes} rows={10} />
        <label class="checkbox">
          <input type="checkbox" name="publish" checked={publish} onChange={(e) => setPublish((e.target as HTMLInputElement).checked)} /> Publicar el acta
          (después no se modifica)
        </label>
        <FormActions label={publish ? 'Publicar acta' : 'Guardar borrador'} busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function AgreementDialog({ session, onClose, onDone }: DialogProps & { session: SessionItem }) {
  const [f, setF] = useState({ text: '', owner: '', due_on: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!f.text.trim()) local.text = 'Ingrese el texto del acuerdo.';
    if (!f.owner.trim()) local.owner = 'Indique quién es responsable.';
    if (!f.due_on.trim()) local.due_on = 'Indique el plazo.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await addAgreement(session.id, f);
      onDone();
    });
  }
  return (
    <Dialog title={`Nuevo acuerdo de la sesión del ${session.held_on.label}`} open onClose={onClose} wide>
      <ErrorAlert error={errors.general} title="No fue posible registrar el acuerdo" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <TextAreaField label="Acuerdo" name="text" value={f.text} onValue={set('text')} error={errors.fields.text} rows={3} />
        <div class="field-row">
          <Field label="Responsable" name="owner" value={f.owner} onValue={set('owner')} error={errors.fields.owner} required maxLength={200} />
          <DateField label="Plazo" name="due_on" value={f.due_on} onValue={set('due_on')} error={errors.fields.due_on} required />
        </div>
        <FormActions label="Registrar acuerdo" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

function FollowDialog({ agreement, vocab, onClose, onDone }: DialogProps & { agreement: AgreementItem }) {
  const [status, setStatus] = useState(agreement.status);
  const [note, setNote] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    if (invalid(note.trim() ? {} : { note: 'Describa el avance.' }, 'Revise los datos marcados.')) return;
    void send(async () => {
      await followUp(agreement.id, status, note);
      onDone();
    });
  }
  return (
    <Dialog title="Registrar avance de un acuerdo" open onClose={onClose} wide>
      <p>{agreement.text}</p>
      <ErrorAlert error={errors.general} title="No fue posible registrar el avance" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <SelectField label="Estado" name="status" value={status} onValue={setStatus} options={options(vocab.agreement_statuses)} error={errors.fields.status} required />
        <TextAreaField label="Avance" name="note" value={note} onValue={setNote} error={errors.fields.note} rows={3} />
        <FormActions label="Registrar avance" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
