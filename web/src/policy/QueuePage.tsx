// Analysts' validation queue: reports sent by focal points, oldest first; validate or return with comments.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { ErrorAlert, Loading, Notice, PageHeader, useAsync, EmptyState } from '../app/ui';
import { ImportPanel } from './ImportPanel';
import { getQueue, reportsCsvUrl, reportsXlsxUrl, reviewReport, type ReportRow } from './data';
import './policy.css';

function Row({ r, onDone }: { r: ReportRow; onDone: (msg: string) => void }) {
  const [comments, setComments] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (decision: 'validar' | 'devolver') => {
    setBusy(true);
    setError(null);
    try {
      await reviewReport(r.id, r.current_version, decision, comments.trim());
      onDone(decision === 'validar' ? `Reporte de «${r.item_title}» validado.` : `Reporte de «${r.item_title}» devuelto con observaciones.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="pol-report" data-testid="queue-item" data-report={r.id}>
      <h3>
        <a href={`/politicas/items/${r.item_id}`}>{r.item_title}</a>
      </h3>
      <p class="muted">
        {r.instrument_name} · período {r.period_label} · {r.institution_name} · versión {r.current.version} enviada por {r.current.submitted_by} el {r.current.submitted_at}
      </p>
      <p>
        <strong>
          {r.current.status_name}, avance {r.current.progress} %
        </strong>
        {r.current.late && ' · fuera de plazo'}
      </p>
      <p>{r.current.narrative}</p>
      <div class="pol-evidence" data-testid="queue-evidence">
        <strong>Medios de verificación de la versión {r.current_version}:</strong>{' '}
        {r.evidence && r.evidence.length ? (
          <ul>
            {r.evidence.map((e) => (
              <li key={e.id}>
                {e.url ? (
                  <a href={e.url} download data-external="">
                    {e.filename}
                  </a>
                ) : (
                  e.filename
                )}{' '}
                <span class="cell-sub">({Math.ceil(e.size / 1024).toLocaleString('es-CL')} KB)</span>
              </li>
            ))}
          </ul>
        ) : (
          <span class="muted">sin archivos adjuntos</span>
        )}
      </div>
      <ErrorAlert error={error} />
      <div class="pol-queue-actions">
        <div class="field">
          <label for={`c-${r.id}`}>Observaciones (obligatorias para devolver)</label>
          <textarea id={`c-${r.id}`} rows={2} cols={50} value={comments} onInput={(e) => setComments((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => act('validar')}>
          Validar versión {r.current_version}
        </button>
        <button type="button" class="btn btn-secondary" disabled={busy} onClick={() => act('devolver')}>
          Devolver con observaciones
        </button>
      </div>
    </article>
  );
}

export default function QueuePage() {
  const q = useAsync((signal) => getQueue(signal), []);
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <section>
      <PageHeader
        title="Validación de reportes"
        lead="Reportes enviados por los puntos focales, del más antiguo al más reciente. Solo los reportes validados cuentan en el avance público."
        actions={
          <>
            <a class="btn btn-secondary btn-sm" href={reportsCsvUrl()} download data-external="">
              Descargar reportes (CSV)
            </a>
            <a class="btn btn-secondary btn-sm" href={reportsXlsxUrl()} download data-external="">
              Descargar reportes (XLSX)
            </a>
          </>
        }
      />
      {msg && <Notice kind="success">{msg}</Notice>}
      <ErrorAlert error={q.error} />
      {q.loading && !q.data && <Loading />}
      {q.data && !q.data.length && <EmptyState>No hay reportes pendientes de validación.</EmptyState>}
      {(q.data ?? []).map((r) => (
        <Row key={r.id} r={r} onDone={(m) => { setMsg(m); q.reload(); }} />
      ))}
      <ImportPanel />
    </section>
  );
}
