// «Mascarilla 19» for the pharmacist (/farmacia, channels.pharmacy_report): a one-minute form that
// puts the woman in SernamEG's queue, the 133 protocol at once when she is in danger now, and the
// status of this pharmacy's own reports (never her name nor how to reach her: status only).
import './pharmacy.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../app/format';
import { Badge, EmptyState, ErrorAlert, Field, Loading, Notice, PageHeader, useAsync, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { getOwnReports, phoneProblem, sendReport, stateTone, type ReportStatus } from './data';

const EMPTY = { alias: '', phone: '', safe_contact: '', asked_for: '', danger: '' as '' | 'yes' | 'no' };

export default function ReportPage() {
  const [reload, setReload] = useState(0);
  const own = useAsync((signal) => getOwnReports(signal), [reload]);
  const [draft, setDraft] = useState(EMPTY);
  const [sent, setSent] = useState<ReportStatus | null>(null);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const set = (k: keyof typeof EMPTY) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  const pharmacy = own.data?.pharmacy;
  // "Call 133" must be the first thing the pharmacist sees, wherever the page was scrolled to.
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (sent?.emergency && alertRef.current) {
      alertRef.current.scrollIntoView({ block: 'start' });
      alertRef.current.focus();
    }
  }, [sent]);

  function submit() {
    const local: Record<string, string> = {};
    if (!draft.alias.trim()) local.alias = 'Escriba su nombre de pila o un alias.';
    const p = phoneProblem(draft.phone);
    if (p) local.phone = p;
    if (!draft.safe_contact.trim()) local.safe_contact = 'Indique cómo y cuándo se la puede contactar sin riesgo.';
    if (!draft.danger) local.in_danger = 'Indique si está en peligro ahora.';
    if (invalid(local, 'Revise los campos marcados.')) return;
    void send(async () => {
      const r = await sendReport({ alias: draft.alias, phone: draft.phone, safe_contact: draft.safe_contact, asked_for: draft.asked_for, in_danger: draft.danger === 'yes' });
      setSent(r);
      setDraft(EMPTY);
      setReload((n) => n + 1);
    });
  }

  const e = errors.fields;
  return (
    <section class="pharmacy">
      <PageHeader
        title="Mascarilla 19"
        eyebrow="Farmacias"
        heading="Reportar una activación de «Mascarilla 19»"
        lead="Si una mujer dijo «Mascarilla 19», complete este formulario de un minuto: SernamEG la contactará por el medio seguro que ella indique."
      />
      <ErrorAlert error={own.error} />
      {own.loading && !own.data && <Loading />}
      {own.data && !pharmacy && (
        <Notice kind="warning" title="Su farmacia no está inscrita">
          Pida a SernamEG la inscripción de su farmacia en «Mascarilla 19». Mientras tanto: si ella está en peligro, llame al 133; si no, entréguele el Fono 1455.
        </Notice>
      )}
      {sent?.emergency && (
        <div class="alert alert-error pharmacy-emergency" role="alert" data-testid="emergency" ref={alertRef} tabIndex={-1}>
          <strong class="alert-title">Está en peligro ahora: llame al {sent.emergency.call}</strong>
          <ol>
            {sent.emergency.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        </div>
      )}
      {sent && !sent.emergency && (
        <Notice kind="success" title="Reporte recibido">
          SernamEG la contactará antes del {formatDateTime(new Date(sent.due_at))}. Puede seguir el estado en «Sus reportes».
        </Notice>
      )}
      {pharmacy?.status === 'suspended' && (
        <div data-testid="suspended">
          <Notice kind="warning" title="Su farmacia está suspendida de «Mascarilla 19»">
            {pharmacy.status_reason ? `Motivo: ${pharmacy.status_reason}. ` : ''}No puede reportar mientras SernamEG no la reactive. Si ella está en peligro, llame
            ahora al 133; si no, entréguele el Fono 1455 (gratuito, todos los días).
          </Notice>
        </div>
      )}
      {pharmacy && (
        <div class="pharmacy-grid">
          {pharmacy.status !== 'suspended' && <form ref={formRef} class="stack card pharmacy-form" onSubmit={onSubmit(submit)} noValidate aria-label="Activación de Mascarilla 19" data-testid="report-form">
            <p class="muted pharmacy-where">
              {pharmacy.name} · {pharmacy.comuna_name || pharmacy.comuna}, {pharmacy.region_name || `región ${pharmacy.region}`} · hora: ahora
            </p>
            <ErrorAlert error={errors.general} />
            <fieldset class={`fieldset${e.in_danger ? ' has-error' : ''}`} aria-describedby={e.in_danger ? 'danger-err' : undefined}>
              <legend>¿Está en peligro ahora? <span class="req" aria-hidden="true">*</span></legend>
              <div class="checks-inline">
                <label class="check">
                  <input type="radio" name="in_danger" checked={draft.danger === 'yes'} onChange={() => set('danger')('yes')} />
                  <span>Sí, está en peligro ahora</span>
                </label>
                <label class="check">
                  <input type="radio" name="in_danger" checked={draft.danger === 'no'} onChange={() => set('danger')('no')} />
                  <span>No</span>
                </label>
              </div>
              {e.in_danger && <p id="danger-err" class="field-error">{e.in_danger}</p>}
            </fieldset>
            <Field label="Su nombre de pila o un alias" name="alias" value={draft.alias} onValue={set('alias')} error={e.alias} maxLength={60} autocomplete="off" required />
            <Field
              label="Teléfono seguro (opcional)"
              name="phone"
              type="tel"
              inputMode="tel"
              value={draft.phone}
              onValue={set('phone')}
              error={e.phone}
              hint="9 dígitos, por ejemplo +56 9 1234 5678. Solo si ella lo da y es seguro llamarla."
              autocomplete="off"
            />
            <TextAreaField
              label="Cómo y cuándo contactarla sin riesgo"
              name="safe_contact"
              value={draft.safe_contact}
              onValue={set('safe_contact')}
              error={e.safe_contact}
              hint="Por ejemplo: «llamar después de las 18:00 y decir que es de la farmacia»."
              maxLength={300}
              rows={2}
              required
            />
            <TextAreaField label="Qué pidió (opcional)" name="asked_for" value={draft.asked_for} onValue={set('asked_for')} error={e.asked_for} maxLength={500} rows={2} />
            <div>
              <button type="submit" class="btn btn-primary" disabled={busy}>
                {busy ? 'Enviando…' : 'Enviar a SernamEG'}
              </button>
            </div>
            <p class="muted">Lo que escribe solo lo lee SernamEG. Su farmacia verá únicamente el estado del reporte.</p>
          </form>}
          <div class="table-wrap card">
            <table class="data-table" data-testid="own-reports">
              <caption>Sus reportes</caption>
              <thead>
                <tr><th scope="col">Fecha</th><th scope="col">Urgencia</th><th scope="col">Estado</th></tr>
              </thead>
              <tbody>
                {own.data?.items.map((r) => (
                  <tr key={r.ref}>
                    <td>{formatDateTime(new Date(r.at))}{r.demo ? ' *' : ''}</td>
                    <td>{r.in_danger ? <Badge tone="danger">En peligro</Badge> : 'Contactar'}</td>
                    <td>
                      <Badge tone={r.overdue ? 'danger' : stateTone(r.state)}>{r.state_label}</Badge>
                      {r.overdue && <span class="muted"> · plazo vencido: figura como vencido en el seguimiento de SernamEG</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {own.data && own.data.items.length === 0 && <EmptyState>Su farmacia aún no ha reportado activaciones.</EmptyState>}
            {own.data?.items.some((r) => r.demo) && <p class="muted pharmacy-note">* Datos de demostración.</p>}
          </div>
        </div>
      )}
    </section>
  );
}
