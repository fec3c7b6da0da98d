// One alert (/alertas/:id): why it was raised, the records behind it, its events, and the work on
// it: «Tomar» (nueva → en gestión) and «Cerrar» with an outcome and a note.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../app/api';
import { formatDateTime } from '../app/format';
import { vocabularyLabel, vocabularyOptions } from '../app/labels';
import { hasPermission, useSession } from '../app/session';
import { ErrorAlert, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { ComunaName } from '../app/widgets/ComunaField';
import { SeverityBadge } from '../app/widgets/SeverityBadge';
import { TextAreaField } from '../app/widgets/TextAreaField';
import { age, closeAlert, EVENT_LABELS, getAlert, minutesText, takeAlert, type AlertDetail } from './data';
import './alerts.css';

export default function AlertPage({ alertId }: { alertId: string }) {
  const alert = useAsync((signal) => getAlert(alertId, signal), [alertId]);
  const [notice, setNotice] = useState<string | null>(null);
  const a = alert.data;
  // A shelter's staff handle the alerts on their referrals but do not open case files.
  const { state } = useSession();
  const canOpenFile = hasPermission(state, 'cases.read');

  useEffect(() => {
    if (!a) return;
    const active = document.activeElement;
    if (!active || active === document.body || active.id === 'contenido') document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [a?.id]);

  const crumbs = (
    <nav aria-label="Ruta de navegación" class="breadcrumb">
      <ol>
        <li>
          <a href="/alertas">Alertas</a>
        </li>
        <li>
          <span aria-current="page">Alerta N° {alertId}</span>
        </li>
      </ol>
    </nav>
  );

  if (!a) {
    if (alert.loading) return <Loading />;
    const notFound = alert.errorObj instanceof ApiError && alert.errorObj.status === 404;
    return (
      <section class="narrow">
        {crumbs}
        <PageHeader title={notFound ? 'Alerta no encontrada' : 'Alerta'} />
        <ErrorAlert error={alert.error} />
        <p>
          <a class="link-back" href="/alertas">
            ← Volver a la bandeja de alertas
          </a>
        </p>
      </section>
    );
  }

  const saved = (m: string) => {
    setNotice(m);
    alert.reload();
  };

  return (
    <section class="alerts alert-page">
      {crumbs}
      <PageHeader
        title={a.rule.name}
        eyebrow={`Alerta N° ${a.id}`}
        lead={
          <span class="badges lead-badges">
            <SeverityBadge severity={a.severity} />
            <span class={`state state-${a.state}`}>{a.state === 'en_gestion' ? 'En gestión' : a.state === 'nueva' ? 'Nueva' : 'Cerrada'}</span>
            {a.escalated && <span class="badge badge-danger">Escalada (nivel {a.escalation_level})</span>}
          </span>
        }
        actions={
          canOpenFile ? (
            <a class="btn btn-secondary" href={`/casos/personas/${a.person_id}`}>
              Abrir ficha N° {a.person_id}
            </a>
          ) : undefined
        }
      />
      {notice && <Notice kind="success">{notice}</Notice>}
      <div class="alert-grid">
        <section class="card" aria-labelledby="why-h">
          <h2 id="why-h">Por qué se levantó</h2>
          <p class="explanation-text" data-testid="explanation">
            {a.explanation}
          </p>
          <dl class="facts facts-2">
            <div>
              <dt>Regla</dt>
              <dd>
                {a.rule.name} (versión {a.rule.version})
              </dd>
            </div>
            <div>
              <dt>Condición cumplida</dt>
              <dd>{a.trigger_date}</dd>
            </div>
            <div>
              <dt>Levantada</dt>
              <dd>
                {a.raised_date} ({age(a.raised_at)})
              </dd>
            </div>
            <div>
              <dt>Plazo para tomarla</dt>
              <dd>
                {minutesText(a.take_within_minutes)}
                {a.state === 'nueva' && a.take_due_at && (
                  <span class={`cell-sub${a.take_due_at < Date.now() ? ' overdue' : ''}`}>
                    {a.take_due_at < Date.now() ? 'Vencido: ' : 'Hasta el '}
                    {formatDateTime(new Date(a.take_due_at))}
                  </span>
                )}
              </dd>
            </div>
            <div>
              <dt>Comuna</dt>
              <dd>
                <ComunaName id={a.comuna_id} />
              </dd>
            </div>
            <div>
              <dt>Registros</dt>
              <dd>{a.record_ids.length ? a.record_ids.map((r) => `N° ${r}`).join(', ') : '—'}</dd>
            </div>
            {a.outcome_name && (
              <div class="span-2">
                <dt>Resultado</dt>
                <dd>{a.outcome_name}</dd>
              </div>
            )}
          </dl>
        </section>
        <section class="card" aria-labelledby="work-h">
          <h2 id="work-h">Gestión</h2>
          {a.state === 'nueva' && <TakeForm alert={a} onDone={saved} />}
          {a.state === 'en_gestion' && <CloseForm alert={a} onDone={saved} />}
          {a.state === 'cerrada' && <p>Alerta cerrada{a.closed_at ? ` el ${formatDateTime(new Date(a.closed_at))}` : ''}. No requiere acciones.</p>}
          <h3 class="small-h">Historial</h3>
          <ol class="event-list" data-testid="events">
            {a.events.map((e) => (
              <li key={e.id}>
                <span class="event-date">{e.date}</span>
                <strong>{EVENT_LABELS[e.kind] ?? e.kind}</strong>
                {e.kind === 'escalated' && ` (nivel ${e.escalation_level})`}
                {e.outcome && (
                  <span class="cell-sub">
                    {/* An automatic close (the step it watched was done) is not in the closing list: the server names it. */}
                    Resultado: {e.outcome === a.outcome && a.outcome_name ? a.outcome_name : vocabularyLabel(a.outcomes, e.outcome)}
                  </span>
                )}
                {e.note && <span class="cell-sub">Nota: {e.note}</span>}
              </li>
            ))}
          </ol>
        </section>
      </div>
    </section>
  );
}

function TakeForm({ alert, onDone }: { alert: AlertDetail; onDone: (m: string) => void }) {
  const [note, setNote] = useState('');
  const { errors, formRef, busy, onSubmit, send } = useForm();
  return (
    <form ref={formRef} onSubmit={onSubmit(() => void send(async () => {
      await takeAlert(alert.id, note.trim());
      onDone('Tomó la alerta: queda en gestión a su cargo. Ciérrela con su resultado cuando termine.');
    }))} noValidate class="stack">
      <p>Al tomarla, su institución queda a cargo y la alerta deja de escalar.</p>
      <ErrorAlert error={errors.general} />
      <TextAreaField label="Nota (opcional)" name="note" value={note} onValue={setNote} error={errors.fields.note} rows={2} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Tomar alerta
        </button>
      </div>
    </form>
  );
}

function CloseForm({ alert, onDone }: { alert: AlertDetail; onDone: (m: string) => void }) {
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  function submit() {
    const local: Record<string, string> = {};
    if (!outcome) local.outcome = 'Elija el resultado.';
    if (!note.trim()) local.note = 'Escriba una nota con lo que se hizo.';
    if (invalid(local, 'Faltan datos para cerrar la alerta.')) return;
    void send(async () => {
      await closeAlert(alert.id, outcome, note.trim());
      onDone('Alerta cerrada.');
    });
  }
  return (
    <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack">
      <ErrorAlert error={errors.general} />
      <SelectField label="Resultado" name="outcome" value={outcome} onValue={setOutcome} options={vocabularyOptions(alert.outcomes)} placeholder="Elija el resultado" error={errors.fields.outcome} required />
      <TextAreaField label="Nota" name="note" value={note} onValue={setNote} error={errors.fields.note} required rows={3} hint="Qué se hizo y con quién se coordinó." />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Cerrar alerta
        </button>
      </div>
    </form>
  );
}
