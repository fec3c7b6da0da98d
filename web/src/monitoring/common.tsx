// Shared pieces of the monitoring screens: the section's navigation, severity and type badges
// (shape + word + colour, never colour alone), and a ticking clock for ages.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { HANDLE, MANAGE, RECEIVE, severityLook, typeLook } from './data';
import './monitoring.css';

const SECTIONS = [
  { href: '/monitoreo', label: 'Consola del centro de control', perm: HANDLE },
  { href: '/monitoreo/ordenes', label: 'Órdenes monitoreadas', perm: MANAGE },
  { href: '/monitoreo/unidad', label: 'Unidad de respuesta', perm: RECEIVE },
];

export function MonitoringNav() {
  const { path } = useLocation();
  const { state } = useSession();
  const shown = SECTIONS.filter((s) => hasPermission(state, s.perm));
  if (shown.length < 2) return null;
  const current = (href: string) => (href === '/monitoreo' ? path === href : path.startsWith(href));
  return (
    <nav class="sub-nav" aria-label="Monitoreo telemático">
      <ul>
        {shown.map((s) => (
          <li key={s.href}>
            <a href={s.href} aria-current={current(s.href) ? 'page' : undefined}>
              {s.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function SeverityTag({ severity, type }: { severity: string; type?: string }) {
  const look = severityLook(severity, type);
  return (
    <span class={`mon-sev mon-sev-${look.id}`} data-testid="mon-severity" data-severity={look.id}>
      <span aria-hidden="true" class="mon-sev-icon">
        {look.icon}
      </span>
      {look.name}
    </span>
  );
}

export function TypeTag({ type, label }: { type: string; label?: string | null }) {
  const t = typeLook(type, label);
  return (
    <span class={`mon-type mon-type-${type}`}>
      <span aria-hidden="true" class="mon-type-glyph">
        {t.glyph}
      </span>
      <span class="mon-type-label">{t.label}</span>
    </span>
  );
}

/** The current time, refreshed every `ms` (ages in lists stay true without reloading). */
export function useNow(ms = 5000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

/** The "sin conexión en vivo" banner: what is wrong, what still works, and a way to retry now. */
export function LiveBanner(props: { connected: boolean; retryAt: number | null; attempts: number; onRetry: () => void; now: number; what: string }) {
  if (props.connected) {
    return (
      <p class="mon-live mon-live-on" role="status" data-testid="live-status">
        <span class="mon-live-dot" aria-hidden="true" /> En vivo
      </p>
    );
  }
  const secs = props.retryAt ? Math.max(0, Math.ceil((props.retryAt - props.now) / 1000)) : null;
  return (
    <div class="mon-live-off" role="alert" data-testid="live-banner">
      <strong>
        <span aria-hidden="true">⚠ </span>Sin conexión en vivo
      </strong>
      <span>
        {props.what} Reintentando{secs !== null && props.attempts > 0 ? ` en ${secs} s` : '…'}
      </span>
      <button type="button" class="btn btn-sm btn-light" onClick={props.onRetry}>
        Reintentar ahora
      </button>
    </div>
  );
}
