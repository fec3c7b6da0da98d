// Staff's talks (/charlas/gestion, outreach.manage): her institution's talks with their
// registrations; she marks who attended (each mark issues the certificate) and creates talks.
// Other institutions' talks are listed without their registrants (the server refuses them).
import { useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { ComunaName } from '../app/widgets/ComunaField';
import { Badge, DataTable, DateField, Dialog, ErrorAlert, Field, FormActions, Notice, PageHeader, RowButton, useAsync, useForm } from '../app/ui';
import { createTalk, getRegistrations, getStaffTalks, markAttendance, type Talk } from './data';
import './outreach.css';

export default function TalksAdminPage() {
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<Talk | null>(null);
  const [creating, setCreating] = useState(false);
  const list = useAsync((signal) => getStaffTalks(signal), [reload]);
  const mine = (list.data?.items ?? []).filter((t) => t.editable).reverse();
  return (
    <section class="outreach">
      <PageHeader
        title="Gestión de charlas"
        lead="Charlas de su institución: inscripciones, asistencia y certificados. Las inscripciones son datos personales: cada consulta queda registrada."
        actions={
          <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>
            Nueva charla
          </button>
        }
      />
      <ErrorAlert error={list.error} />
      <DataTable loading={list.loading && !list.data} error={list.error} count={mine.length} empty="Su institución no tiene charlas registradas."
        caption="Charlas de su institución" columns={['Charla', 'Fecha y hora', 'Inscritas', 'Asistentes']} actions testId="staff-talks">
        {mine.map((t) => (
          <tr key={t.id}>
            <th scope="row" data-label="Charla">
              <span class="cell-main">{t.title}</span>
              <span class="cell-sub">
                {t.series || 'Sin ciclo'} {t.demo && <Badge tone="purple">Demostración</Badge>}
              </span>
            </th>
            <td data-label="Fecha y hora" class="nowrap">{t.starts_label}</td>
            <td data-label="Inscritas">
              {formatNumber(t.registered)} de {formatNumber(t.capacity)}
            </td>
            <td data-label="Asistentes">{formatNumber(t.attended)}</td>
            <td>
              <RowButton label="Inscripciones" detail={`de ${t.title}`} onClick={() => setOpen(t)} />
            </td>
          </tr>
        ))}
      </DataTable>
      {open && <RegistrationsDialog talk={open} onClose={() => (setOpen(null), setReload((n) => n + 1))} />}
      {creating && <NewTalkDialog onClose={() => setCreating(false)} onDone={() => (setCreating(false), setReload((n) => n + 1))} />}
    </section>
  );
}

function RegistrationsDialog({ talk, onClose }: { talk: Talk; onClose: () => void }) {
  const [reload, setReload] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const regs = useAsync((signal) => getRegistrations(talk.id, signal), [talk.id, reload]);
  const items = regs.data?.items ?? [];
  async function mark(id: number) {
    setError(null);
    try {
      await markAttendance(talk.id, id);
      setReload((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <Dialog title={`Inscripciones: ${talk.title}`} open onClose={onClose} wide>
      <ErrorAlert error={regs.error ?? error} />
      <p class="muted">
        {formatNumber(items.length)} inscritas · {formatNumber(items.filter((r) => r.attended).length)} con asistencia registrada.
      </p>
      <DataTable loading={regs.loading && !regs.data} error={regs.error} count={items.length} empty="Nadie se ha inscrito todavía."
        caption="Personas inscritas" columns={['Nombre', 'Correo', 'Comuna', 'Asistencia']} testId="registrations">
        {items.map((r) => (
          <tr key={r.id}>
            <th scope="row" data-label="Nombre">{r.name}</th>
            <td data-label="Correo">{r.email}</td>
            <td data-label="Comuna">
              <ComunaName id={r.comuna_id} />
            </td>
            <td data-label="Asistencia">
              {r.attended ? (
                <>
                  <Badge tone="ok">Asistió</Badge> {r.certificate_url && <a href={r.certificate_url}>Certificado</a>}
                </>
              ) : talk.check_in_open ? (
                <button type="button" class="btn btn-secondary btn-small" onClick={() => void mark(r.id)} aria-label={`Marcar asistencia de ${r.name}`}>
                  Marcar asistencia
                </button>
              ) : (
                <span class="muted">Se marca desde el {talk.check_in_from}</span>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </Dialog>
  );
}

function NewTalkDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const [f, setF] = useState({ title: '', series: '', speaker: '', place: '', date: '', time: '', capacity: '' });
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!f.title.trim()) local.title = 'Escriba el título.';
    if (!f.place.trim()) local.place = 'Indique el lugar o el enlace.';
    if (!/^\d+$/.test(f.capacity) || Number(f.capacity) < 1) local.capacity = 'Indique los cupos (un número mayor que cero).';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await createTalk({ ...f, capacity: Number(f.capacity) });
      onDone();
    });
  }
  return (
    <Dialog title="Nueva charla" open onClose={onClose}>
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
        <ErrorAlert error={errors.general} title="No fue posible registrar la charla" />
        <Field label="Título" name="title" value={f.title} onValue={set('title')} error={errors.fields.title} required maxLength={200} />
        <Field label="Ciclo" name="series" value={f.series} onValue={set('series')} error={errors.fields.series} hint="Por ejemplo «Nosotras» (opcional)." hintBelow />
        <Field label="Expositora" name="speaker" value={f.speaker} onValue={set('speaker')} error={errors.fields.speaker} />
        <Field label="Lugar o enlace" name="place" value={f.place} onValue={set('place')} error={errors.fields.place} required />
        <div class="field-row">
          <DateField label="Fecha" name="date" value={f.date} onValue={set('date')} error={errors.fields.date} required />
          <Field label="Hora" name="time" value={f.time} onValue={set('time')} error={errors.fields.time} hint="HH:MM" required />
          <Field label="Cupos" name="capacity" inputMode="numeric" value={f.capacity} onValue={set('capacity')} error={errors.fields.capacity} required />
        </div>
        <Notice kind="info">La charla aparece de inmediato en la página pública de charlas, abierta a inscripción.</Notice>
        <FormActions label="Registrar charla" busy={busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
