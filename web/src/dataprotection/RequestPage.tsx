// One data-subject request: who asked what and when, its deadline, its history, the next step
// (analysis, the one extension with its reason, the answer, or a refusal with its legal causal),
// and the person's data report compiled from every module (audited), downloadable as JSON.
import { useState } from 'preact/hooks';
import { formatRun } from '../app/format';
import { Badge, ErrorAlert, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import './dataprotection.css';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { getReport, getRequest, getVocabularies, reportDownloadUrl, stepRequest, type Report, type RequestDetail } from './data';

function Steps({ r, onDone }: { r: RequestDetail; onDone: (r: RequestDetail) => void }) {
  const vocab = useAsync((signal) => getVocabularies(signal), []);
  const form = useForm();
  const [action, setAction] = useState('');
  const [text, setText] = useState('');
  const [exception, setException] = useState('');
  const f = form.errors.fields;
  const options: { value: string; label: string }[] = [];
  if (r.state === 'recibida') options.push({ value: 'analizar', label: 'Pasar a análisis' });
  if ((r.state === 'recibida' || r.state === 'en_analisis') && !r.extended) options.push({ value: 'prorrogar', label: 'Prorrogar el plazo (una vez, 30 días)' });
  if (r.state === 'en_analisis' || r.state === 'prorrogada') {
    options.push({ value: 'responder', label: 'Responder' });
    options.push({ value: 'denegar', label: 'Denegar con causal legal' });
  }
  if (!options.length) return null;
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    if (!action) local.action = 'Elija el paso.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const body: Record<string, string> = { action };
    if (action === 'prorrogar') body.reason = text;
    if (action === 'responder' || action === 'denegar') body.response = text;
    if (action === 'denegar') body.exception = exception;
    void form.send(async () => {
      onDone((await stepRequest(String(r.id), body)).request);
      setAction('');
      setText('');
      setException('');
    });
  });
  const textLabel = action === 'prorrogar' ? 'Motivo de la prórroga' : action === 'denegar' ? 'Fundamento que se comunica' : 'Respuesta que se comunica';
  return (
    <form class="card form" ref={form.formRef} onSubmit={submit} noValidate aria-labelledby="dp-step">
      <h2 id="dp-step">Siguiente paso</h2>
      <ErrorAlert error={form.errors.general} />
      <SelectField label="Paso" name="action" required value={action} onValue={setAction} placeholder="Elija…" options={options} error={f.action} />
      {action === 'denegar' && (
        <SelectField label="Causal legal" name="exception" required value={exception} onValue={setException} placeholder="Elija la causal…" error={f.exception}
          options={(vocab.data?.exceptions ?? []).map((e) => ({ value: e.id, label: e.name }))} />
      )}
      {action && action !== 'analizar' && (
        <TextAreaField label={textLabel} name={action === 'prorrogar' ? 'reason' : 'response'} required value={text} onValue={setText}
          error={f.reason ?? f.response} rows={4} />
      )}
      <button class="btn btn-primary" type="submit" disabled={form.busy}>
        Registrar el paso
      </button>
    </form>
  );
}

// What each module calls its fields, as the person reads them ('' hides a code shown by its name).
const LABELS: Record<string, string> = {
  record_id: 'Registro N°', kind: '', kind_name: 'Tipo', occurred: 'Fecha', role: 'Calidad', institution: 'Institución',
  full_name: 'Nombre', email: 'Correo', phone: 'Teléfono', birth_year: 'Año de nacimiento', degree: 'Título', region_id: 'Región',
  contactable: 'Acepta ser contactada', updated: 'Actualizado', viewed_at: 'Consultado el',
};

function ReportView({ report }: { report: Report }) {
  return (
    <div class="card" data-testid="dp-report">
      <h2>Datos personales de {report.requester}</h2>
      <p class="muted">
        RUT {formatRun(report.rut)} · {report.items} elementos en {report.sections.length} secciones. Esta consulta quedó registrada en la auditoría.
      </p>
      {report.sections.length === 0 && <p>Ningún módulo guarda datos asociados a este RUT.</p>}
      {report.sections.map((s, i) => (
        <section key={i}>
          <h3>{s.title}</h3>
          <p>{s.summary}</p>
          <ul>
            {s.items.map((it, j) => (
              <li key={j}>
                {Object.entries(it)
                  .filter(([k]) => LABELS[k] !== '')
                  .map(([k, v]) => `${LABELS[k] ?? k}: ${typeof v === 'boolean' ? (v ? 'sí' : 'no') : String(v)}`)
                  .join(' · ')}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

export default function RequestPage({ requestId }: { requestId: string }) {
  const res = useAsync((signal) => getRequest(requestId, signal), [requestId]);
  const [current, setCurrent] = useState<RequestDetail | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [reportError, setReportError] = useState<string | null>(null);
  const r = current ?? res.data?.request;
  return (
    <section class="dataprotection">
      <PageHeader title={r ? `Solicitud ${r.id}: ${r.kind_name}` : 'Solicitud'} eyebrow="Protección de datos · Ley 21.719"
        actions={<a class="btn btn-secondary" href="/datos-personales/solicitudes">Volver a las solicitudes</a>} />
      {res.loading && <Loading />}
      <ErrorAlert error={res.error} />
      {r && (
        <>
          {r.overdue && <Notice kind="warning" title="Plazo vencido">El plazo legal venció el {r.deadline}: responda hoy.</Notice>}
          <div class="card">
            <dl class="dp-facts">
              <dt>Quien pide</dt>
              <dd>
                {r.requester_name} · RUT {r.rut}
              </dd>
              <dt>Qué pide</dt>
              <dd>{r.detail}</dd>
              <dt>Recibida</dt>
              <dd>{r.received}</dd>
              <dt>Plazo legal</dt>
              <dd>
                {r.deadline} {r.extended && <Badge tone="info">Prorrogada</Badge>} {r.days_left !== null && !r.overdue && <span class="muted">(quedan {r.days_left} días)</span>}
              </dd>
              {r.extension_reason && (
                <>
                  <dt>Motivo de la prórroga</dt>
                  <dd>{r.extension_reason}</dd>
                </>
              )}
              <dt>Estado</dt>
              <dd>
                <Badge tone={r.state === 'denegada' ? 'warn' : r.state === 'respondida' ? 'ok' : 'neutral'}>{r.state_name}</Badge>
              </dd>
              {r.exception && (
                <>
                  <dt>Causal legal</dt>
                  <dd>{r.exception_name}</dd>
                </>
              )}
              {r.response && (
                <>
                  <dt>Respuesta</dt>
                  <dd>{r.response}</dd>
                </>
              )}
            </dl>
          </div>
          <Steps r={r} onDone={setCurrent} />
          <div class="card">
            <h2>Historia</h2>
            <ol>
              {r.events.map((e, i) => (
                <li key={i}>
                  {e.at} · {e.to_name}
                  {e.note && <> · {e.note}</>}
                </li>
              ))}
            </ol>
          </div>
          {r.may_report && (
            <p>
              <button type="button" class="btn btn-secondary"
                onClick={() => getReport(String(r.id)).then(setReport, (e: unknown) => setReportError(e instanceof Error ? e.message : 'Error'))}>
                Reunir los datos de la persona
              </button>{' '}
              <a class="btn btn-ghost" href={reportDownloadUrl(String(r.id))} download>
                Descargar en JSON (portabilidad)
              </a>
            </p>
          )}
          <ErrorAlert error={reportError} />
          {report && <ReportView report={report} />}
        </>
      )}
    </section>
  );
}
