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

export function DeclaredList({ items, title = 'Cifras de la Cuenta Pública 2021' }: { items: Declared[]; title?: string }) {
  if (!items.length) return null;
  return (
    <div class="pol-declared">
      <h3>{title}</h3>
      <dl>
        {items.map((d) => (
          <div key={d.id}>
            <dt>{d.label}</dt>
            <dd>{d.text || <span class="muted">sin dato</span>}</dd>
          </div>
        ))}
      </dl>
    </div>
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
