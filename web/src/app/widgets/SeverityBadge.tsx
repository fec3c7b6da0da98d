// The severity of an alert (early alerts, and the alerts shown on a person's file).
import './widgets.css';
const SEVERITY_NAMES: Record<string, string> = { critica: 'Crítica', alta: 'Alta', media: 'Media' };
const SEVERITY_ICONS: Record<string, string> = { critica: '▲▲', alta: '▲', media: '●' };

/** Severity of an alert: crítica, alta and media differ in colour, shape and icon. */
export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span class={`sev sev-${severity}`} data-testid="severity">
      <span aria-hidden="true" class="sev-icon">
        {SEVERITY_ICONS[severity] ?? '●'}
      </span>
      {SEVERITY_NAMES[severity] ?? severity}
    </span>
  );
}

export function severityName(s: string): string {
  return SEVERITY_NAMES[s] ?? s;
}

