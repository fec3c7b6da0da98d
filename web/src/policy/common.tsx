// Shared pieces of the policy screens: the progress bar and the published calculation rule.
import { Badge } from '../app/ui';
import type { Declared, ExportFormat, Figure } from './data';

export function ProgressBar({ figure, label }: { figure: Figure; label: string }) {
  const pct = Math.max(0, Math.min(100, figure.progress));
  return (
    <div class="pol-progress">
      <div
        class="pol-bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={figure.progress_text}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <strong class="pol-pct" data-testid="progress-text">
        {figure.progress_text}
      </strong>
    </div>
  );
}

export function Coverage({ figure }: { figure: Figure }) {
  const missing = figure.leaves - figure.reported;
  return (
    <span class="cell-sub">
      {figure.reported.toLocaleString('es-CL')} de {figure.leaves.toLocaleString('es-CL')} con reporte validado
      {missing > 0 && (
        <>
          {' '}
          · <Badge tone="warn">{missing.toLocaleString('es-CL')} sin reporte</Badge>
        </>
      )}
    </span>
  );
}

/** What the account says, what the records give, and whether they agree (with the records behind it). */
function CheckMark({ d }: { d: Declared }) {
  const c = d.check;
  if (!c) return <span class="cell-sub">Cifra declarada; no se calcula desde los registros.</span>;
  if (c.error) return <Badge tone="danger">Cálculo no disponible</Badge>;
  return (
    <span class="pol-check" data-testid="seed-check" data-agrees={c.agrees ? 'si' : 'no'}>
      <span>
        Calculado: <strong>{c.text}</strong>
      </span>{' '}
      {c.agrees ? (
        <Badge tone="ok" title="La cifra calculada desde los reportes coincide con la de la Cuenta Pública">
          ✓ Coincide
        </Badge>
      ) : (
        <Badge tone="warn" title="La cifra calculada desde los reportes no coincide con la de la Cuenta Pública">
          ⚠ No coincide con la Cuenta Pública
        </Badge>
      )}{' '}
      {c.item_id && <a href={`/politicas/items/${c.item_id}`}>Ver los registros</a>}
    </span>
  );
}

export function DeclaredList({
  items,
  title = 'Cifras de la Cuenta Pública 2021',
  demo = false,
}: {
  items: Declared[];
  title?: string;
  demo?: boolean;
}) {
  if (!items.length) return null;
  return (
    <div class="pol-declared">
      <h3>
        {title} {demo && <DemoBadge />}
      </h3>
      <dl>
        {items.map((d) => (
          <div key={d.id}>
            <dt>{d.label}</dt>
            <dd>
              <span class="pol-stated">
                Cuenta Pública: <strong>{d.text || <span class="muted">sin dato</span>}</strong>
              </span>
              <br />
              <CheckMark d={d} />
            </dd>
          </div>
        ))}
      </dl>
      {items.some((d) => d.source) && <p class="cell-sub">Fuente de las cifras declaradas: {items.find((d) => d.source)?.source}.</p>}
    </div>
  );
}

/** Every screen showing figures computed from the demo's generated history says so. */
export function DemoBadge() {
  return (
    <Badge tone="purple" title="Reportes, validaciones y resultados generados para la demostración">
      Datos de demostración
    </Badge>
  );
}

export function Method({ text }: { text: string }) {
  return (
    <details class="pol-method">
      <summary>¿Cómo se calcula el avance?</summary>
      <p>{text}</p>
    </details>
  );
}

/** The CSV and XLSX downloads of one list (`what` completes "Descargar …"). */
export function ExportLinks({ what, url }: { what: string; url: (format: ExportFormat) => string }) {
  return (
    <div class="pol-exports" role="group" aria-label={`Descargar ${what}`}>
      <a class="btn btn-ghost btn-sm" href={url('csv')} download data-external="">
        Descargar {what} (CSV)
      </a>
      <a class="btn btn-ghost btn-sm" href={url('xlsx')} download data-external="">
        Descargar {what} (XLSX)
      </a>
    </div>
  );
}
