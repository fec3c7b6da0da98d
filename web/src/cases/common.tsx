// Shared pieces of the case-registry screens: the section's sub-navigation, risk and match badges,
// the link to a person's file. The text area, the comuna field and the severity badge moved to the
// app kit (app/widgets/); they are re-exported here until the monitoring screens and PersonPage
// import them from there.
import type { ComponentChildren } from 'preact';
import { useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { MATCH_LABELS, READ, RISK_LABELS, WRITE } from './data';
import './cases.css';

export { ComunaField, ComunaName, useComunaName } from '../app/widgets/ComunaField';
export { SeverityBadge, severityName } from '../app/widgets/SeverityBadge';
export { TextAreaField } from '../app/widgets/TextAreaField';
export { getComuna } from '../territory/data';

const SECTIONS = [
  { href: '/casos', label: 'Búsqueda de personas', perm: READ },
  { href: '/casos/nuevo', label: 'Nuevo registro', perm: WRITE },
  { href: '/casos/derivaciones', label: 'Derivaciones', perm: READ },
  { href: '/casos/revisiones', label: 'Revisión de vinculaciones', perm: WRITE },
  { href: '/casos/estadisticas', label: 'Estadísticas', perm: READ },
];

/** The registry's own navigation, under the main one. */
export function CasesNav() {
  const { path } = useLocation();
  const { state } = useSession();
  const current = (href: string) => (href === '/casos' ? path === '/casos' || path.startsWith('/casos/personas') : path.startsWith(href));
  return (
    <nav class="sub-nav" aria-label="Registro único de casos">
      <ul>
        {SECTIONS.filter((s) => hasPermission(state, s.perm)).map((s) => (
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

/** Risk level with its colour and its name (never colour alone). */
export function RiskBadge({ level, prefix = 'Riesgo' }: { level: string | null | undefined; prefix?: string }) {
  if (!level) return <span class="risk risk-none">Sin evaluación de riesgo</span>;
  return (
    <span class={`risk risk-${level}`} data-testid="risk-badge">
      {prefix ? `${prefix} ` : ''}
      {(RISK_LABELS[level] ?? level).toLowerCase()}
    </span>
  );
}

export function MatchBadge({ match }: { match: string }) {
  return <span class={`match match-${match}`}>{MATCH_LABELS[match] ?? match}</span>;
}

/** "Ficha N° 12": a link to a person's page. */
export function PersonLink({ id, children }: { id: number; children?: ComponentChildren }) {
  return <a href={`/casos/personas/${id}`}>{children ?? `Ficha N° ${id}`}</a>;
}
