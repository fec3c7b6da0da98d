// Public talks (/charlas): upcoming talks with their free seats and a registration form that needs
// no account (name, e-mail, comuna); her code, shown once registered, opens her certificate after
// the talk. Past talks, and «Nosotras»'s figures beside the seed's.
import { useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { hasPermission, useSession } from '../app/session';
import { ComunaField } from '../app/widgets/ComunaField';
import { Badge, DataTable, Dialog, ErrorAlert, Field, FormActions, Notice, PageHeader, RowButton, useAsync, useForm } from '../app/ui';
import { MANAGE, getPublicTalks, register, type Talk, type TalkList } from './data';
import './outreach.css';

export default function TalksPage() {
  const { state } = useSession();
  const [reload, setReload] = useState(0);
  const [open, setOpen] = useState<Talk | null>(null);
  const list = useAsync((signal) => getPublicTalks(signal), [reload]);
  const items = list.data?.items ?? [];
  const upcoming = items.filter((t) => !t.past);
  const past = items.filter((t) => t.past).reverse();
  return (
    <section class="outreach">
      <PageHeader
        title="Charlas"
        lead="Charlas abiertas del Ministerio, como las de la plataforma «Nosotras»: inscríbase sin crear una cuenta y, si asiste, obtenga su certificado."
        actions={
          hasPermission(state, MANAGE) && (
            <a class="btn btn-primary" href="/charlas/gestion">
              Gestionar charlas
            </a>
          )
        }
      />
      <p class="outreach-links">
        <a href="/capacitaciones">Capacitaciones</a> · <a href="/campanas">Campañas comunicacionales</a> · ¿Tiene un código?{' '}
        <a href="/charlas/certificado">Verificar un certificado</a>
      </p>
      <ErrorAlert error={list.error} />
      <h2>Próximas charlas</h2>
      <DataTable loading={list.loading && !list.data} error={list.error} count={upcoming.length} empty="No hay charlas programadas por ahora."
        caption="Próximas charlas" columns={['Charla', 'Fecha y hora', 'Lugar', 'Cupos']} actions testId="upcoming-talks">
        {upcoming.map((t) => (
          <tr key={t.id}>
            <th scope="row" data-label="Charla">
              <span class="cell-main">{t.title}</span>
              <span class="cell-sub">
                {t.series} · {t.institution} {t.demo && <Badge tone="purple">Demostración</Badge>}
              </span>
            </th>
            <td data-label="Fecha y hora" class="nowrap">{t.starts_label}</td>
            <td data-label="Lugar">{t.place}</td>
            <td data-label="Cupos">{t.seats_left > 0 ? `${formatNumber(t.seats_left)} disponibles` : <Badge tone="warn">Sin cupos</Badge>}</td>
            <td>{t.seats_left > 0 && <RowButton label="Inscribirme" detail={`en ${t.title}`} onClick={() => setOpen(t)} />}</td>
          </tr>
        ))}
      </DataTable>
      {list.data && <NosotrasFigures data={list.data} />}
      <h2>Charlas realizadas</h2>
      <DataTable loading={false} error={null} count={past.length} empty="Aún no hay charlas realizadas."
        caption="Charlas realizadas" columns={['Charla', 'Fecha', 'Inscritas', 'Asistentes']}>
        {past.map((t) => (
          <tr key={t.id}>
            <th scope="row" data-label="Charla">
              <span class="cell-main">{t.title}</span>
              <span class="cell-sub">{t.series}</span>
            </th>
            <td data-label="Fecha" class="nowrap">{t.starts_label}</td>
            <td data-label="Inscritas">{formatNumber(t.registered)}</td>
            <td data-label="Asistentes">{formatNumber(t.attended)}</td>
          </tr>
        ))}
      </DataTable>
      {open && <RegisterDialog talk={open} onClose={() => (setOpen(null), setReload((n) => n + 1))} />}
    </section>
  );
}

function NosotrasFigures({ data }: { data: TalkList }) {
  if (!data.seed || !data.computed) return null;
  return (
    <section class="card outreach-figures" data-testid="nosotras-figures" aria-labelledby="nf-title">
      <h2 id="nf-title">«Nosotras» en cifras</h2>
      <div class="outreach-figure-grid">
        <div>
          <span class="outreach-big">{formatNumber(data.computed.nosotras_talks)}</span>
          <span>charlas realizadas</span>
          <span class="muted small">Cuenta pública: {formatNumber(data.seed.nosotras_talks)}</span>
        </div>
        <div>
          <span class="outreach-big">{formatNumber(data.computed.nosotras_registered)}</span>
          <span>personas inscritas</span>
          <span class="muted small">Cuenta pública: {formatNumber(data.seed.nosotras_registered)}</span>
        </div>
      </div>
      <p class="muted small">
        Contado desde las inscripciones registradas. Fuente: {data.seed.source}, {data.seed.quote}. Las inscripciones de la demostración son
        generadas.
      </p>
    </section>
  );
}

function RegisterDialog({ talk, onClose }: { talk: Talk; onClose: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [comuna, setComuna] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!name.trim()) local.name = 'Escriba su nombre.';
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) local.email = 'Escriba un correo válido, por ejemplo nombre@dominio.cl.';
    if (!/^\d{5}$/.test(comuna)) local.comuna_id = 'Elija su comuna de la lista.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      const r = await register(talk.id, { name: name.trim(), email: email.trim(), comuna_id: comuna });
      setCode(r.code);
    });
  }
  return (
    <Dialog title={`Inscripción: ${talk.title}`} open onClose={onClose}>
      {code ? (
        <div class="stack" data-testid="registration-done">
          <Notice kind="success" title="Quedó inscrita">
            Su código de inscripción es <strong class="certificate-code">{code}</strong>. Guárdelo: con él podrá descargar su certificado cuando
            se registre su asistencia.
          </Notice>
          <p>
            <a href={`/charlas/certificado/${code}`}>Ver mi inscripción y certificado</a>
          </p>
          <button type="button" class="btn btn-secondary" onClick={onClose}>
            Cerrar
          </button>
        </div>
      ) : (
        <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
          <p class="muted">
            {talk.starts_label} · {talk.place}. Su nombre y correo se guardan cifrados y solo los ve el equipo que organiza la charla.
          </p>
          <ErrorAlert error={errors.general} title="No fue posible inscribirla" />
          <Field label="Nombre y apellidos" name="name" value={name} onValue={setName} error={errors.fields.name} required maxLength={120} autocomplete="name" />
          <Field label="Correo electrónico" name="email" type="email" value={email} onValue={setEmail} error={errors.fields.email} required autocomplete="email" />
          <ComunaField label="Comuna" name="comuna_id" value={comuna} onValue={setComuna} error={errors.fields.comuna_id} />
          <FormActions label="Inscribirme" busy={busy} onCancel={onClose} />
        </form>
      )}
    </Dialog>
  );
}
