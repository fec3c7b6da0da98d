// Retention per kind of data and the purges (Ley 21.719): «Plazos de conservación» lists each kind
// a module declares with its period, legal basis and what is due now (a dry run: nothing is
// deleted); «Purgas» runs the purge now (the daily job's same run, audited) and shows past runs,
// per kind: what went, what legal holds kept, what the module kept on its own rule.
import { useState } from 'preact/hooks';
import { formatNumber } from '../app/format';
import { Badge, DataTable, ErrorAlert, Notice, PageHeader, useAsync } from '../app/ui';
import { getPurgePreview, listPurgeRuns, runPurge, type PurgeRun } from './data';
import { ConfirmDialog } from './ConfirmDialog';
import { DpNav } from './DpNav';
import './dataprotection.css';

function Kept({ held, exempt }: { held: number; exempt: number }) {
  return (
    <>
      {held > 0 && <Badge tone="purple">{formatNumber(held)} por retención legal</Badge>}{' '}
      {exempt > 0 && <Badge tone="info">{formatNumber(exempt)} por regla del módulo</Badge>}
      {held === 0 && exempt === 0 && <span class="muted">—</span>}
    </>
  );
}

function RunNow({ onClose, onDone, due }: { onClose: () => void; onDone: (r: PurgeRun) => void; due: number }) {
  return (
    <ConfirmDialog title="Ejecutar la purga ahora" confirm="Ejecutar purga" testId="dp-purge-confirm" onClose={onClose}
      onConfirm={async () => onDone((await runPurge()).run)}>
      <p>
        Se eliminarán {due === 1 ? '1 registro' : `${formatNumber(due)} registros`} que pasaron su plazo de conservación (según la vista previa).
        Lo que nombra una retención legal vigente se conserva. La ejecución queda en el registro de purgas y en la auditoría.
      </p>
    </ConfirmDialog>
  );
}

export default function RetentionPage() {
  const preview = useAsync((signal) => getPurgePreview(signal), []);
  const runs = useAsync((signal) => listPurgeRuns(signal), []);
  const [asking, setAsking] = useState(false);
  const [last, setLast] = useState<PurgeRun | null>(null);
  const kinds = preview.data?.kinds ?? [];
  const items = runs.data?.items ?? [];
  return (
    <section class="dataprotection">
      <PageHeader title="Conservación y purgas" eyebrow="Protección de datos · Ley 21.719"
        lead="Cuánto tiempo se conserva cada tipo de dato, con qué fundamento, y las purgas que eliminan lo vencido respetando las retenciones legales."
        actions={<DpNav current="conservacion" />} />

      <h2 id="dp-plazos">Plazos de conservación</h2>
      <ErrorAlert error={preview.error} />
      {preview.data && (
        <p class="muted" data-testid="dp-due-summary">
          Hoy, {preview.data.today}: {formatNumber(preview.data.due)} registros vencidos por eliminar; {formatNumber(preview.data.held)} retenidos
          por {preview.data.active_holds === 1 ? '1 retención legal vigente' : `${preview.data.active_holds} retenciones legales vigentes`};{' '}
          {formatNumber(preview.data.exempt)} conservados por regla del módulo.
        </p>
      )}
      <DataTable loading={preview.loading} error={preview.error} count={kinds.length} caption="Plazos de conservación por tipo de dato" testId="dp-kinds"
        empty="Ningún módulo declara plazos de conservación." columns={['Tipo de dato', 'Plazo', 'Fundamento', 'Vencidos ahora', 'Se conservan']}>
        {kinds.map((k) => (
          <tr key={`${k.module}/${k.kind}`}>
            <td data-label="Tipo de dato">
              {k.label} {k.protection_record && <Badge tone="warn" title="Ante una solicitud de supresión se responde con la causal que corresponde">Registro de protección</Badge>}
            </td>
            <td data-label="Plazo">
              {formatNumber(k.days)} días {k.counted_from} <span class="muted">(<code>{k.option}</code>)</span>
            </td>
            <td data-label="Fundamento">
              {k.basis}.
              {k.keeps && <span class="muted"> Se conservan además {k.keeps}.</span>}
            </td>
            <td data-label="Vencidos ahora">{k.error ? <Badge tone="danger">{k.error}</Badge> : formatNumber(k.due)}</td>
            <td data-label="Se conservan">
              <Kept held={k.held} exempt={k.exempt} />
              {k.holds.map((h) => (
                <div key={h.id} class="muted">
                  Retención n.º {h.id}: {h.reason} ({h.until === 'hasta su liberación' ? h.until : `hasta ${h.until}`})
                </div>
              ))}
            </td>
          </tr>
        ))}
      </DataTable>

      <h2 id="dp-purgas">Purgas</h2>
      <p class="muted">La purga corre sola una vez al día. Puede ejecutarla ahora; se registra quién lo hizo.</p>
      {preview.data?.running && <Notice kind="info">Hay una purga en curso.</Notice>}
      {last && (
        <Notice kind="success" title={`Purga n.º ${last.id} terminada`}>
          Se eliminaron {formatNumber(last.purged)} registros; {formatNumber(last.held)} se conservaron por retención legal.
        </Notice>
      )}
      <p>
        <button type="button" class="btn btn-primary" onClick={() => setAsking(true)} disabled={!preview.data} data-testid="dp-purge-run">
          Ejecutar ahora
        </button>
      </p>
      <ErrorAlert error={runs.error} />
      <DataTable loading={runs.loading} error={runs.error} count={items.length} caption="Purgas ejecutadas" testId="dp-runs"
        empty="Aún no se ha ejecutado ninguna purga." columns={['N.º', 'Inicio', 'Origen', 'Estado', 'Eliminados', 'Retenidos', 'Por tipo de dato']}>
        {items.map((r) => (
          <tr key={r.id}>
            <td data-label="N.º">{r.id}</td>
            <td data-label="Inicio">{r.started}</td>
            <td data-label="Origen">{r.origin_name}</td>
            <td data-label="Estado">
              <Badge tone={r.state === 'done' ? 'ok' : r.state === 'running' ? 'info' : 'danger'}>{r.state_name}</Badge>
            </td>
            <td data-label="Eliminados">{formatNumber(r.purged)}</td>
            <td data-label="Retenidos">{formatNumber(r.held)}</td>
            <td data-label="Por tipo de dato">
              <ul class="dp-kinds">
                {r.kinds.map((k) => (
                  <li key={`${k.module}/${k.kind}`}>
                    {k.label || 'Purga'}: {k.error ? <Badge tone="danger">{k.error}</Badge> : <>{formatNumber(k.purged)} eliminados</>}
                    {k.held > 0 && <>, {formatNumber(k.held)} retenidos</>}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </DataTable>
      {asking && preview.data && (
        <RunNow due={preview.data.due} onClose={() => setAsking(false)} onDone={(r) => {
          setAsking(false);
          setLast(r);
          preview.reload();
          runs.reload();
        }} />
      )}
    </section>
  );
}
