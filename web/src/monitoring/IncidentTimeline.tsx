// The incident's history: the alert, every operator action and the dispatches with their steps.
import { formatDateTime } from '../app/format';
import { type IncidentDetail, outcomeLabel } from './data';

interface Event {
  at: number;
  title: string;
  detail?: string | null;
  by?: string | null;
  kind: string;
}

function timeline(detail: IncidentDetail): Event[] {
  const ev: Event[] = [{ at: detail.incident.first_at, title: `Alerta: ${detail.incident.type_label}`, kind: 'alert' }];
  for (const a of detail.actions)
    ev.push({
      at: a.at,
      title: a.kind_label || a.kind,
      detail:
        [a.reached === true ? 'Contestó' : a.reached === false ? 'No contestó' : null, a.outcome ? `Resultado: ${outcomeLabel(a.outcome, a.outcome_label)}` : null, a.note]
          .filter(Boolean)
          .join(' · ') || null,
      by: a.user_name,
      kind: a.kind,
    });
  // The server may log dispatches and the unit's steps as actions already ("despacho", "unidad"):
  // then they are not repeated from the dispatch rows.
  const logged = detail.actions.some((a) => a.kind === 'despacho' || a.kind === 'redespacho' || a.kind === 'unidad');
  for (const d of logged ? [] : detail.dispatches) {
    ev.push({ at: d.created_at, title: `Despacho a ${d.unit_name}`, detail: d.note, kind: 'dispatch' });
    if (d.accepted_at) ev.push({ at: d.accepted_at, title: `${d.unit_name}: aceptado`, kind: 'dispatch' });
    if (d.en_route_at) ev.push({ at: d.en_route_at, title: `${d.unit_name}: en camino`, kind: 'dispatch' });
    if (d.on_site_at) ev.push({ at: d.on_site_at, title: `${d.unit_name}: en el lugar`, kind: 'dispatch' });
    if (d.closed_at) ev.push({ at: d.closed_at, title: `${d.unit_name}: cerrado`, detail: d.outcome ? `Resultado: ${outcomeLabel(d.outcome, d.outcome_label)}` : null, kind: 'dispatch' });
  }
  return ev.sort((a, b) => a.at - b.at);
}

export function IncidentTimeline({ detail }: { detail: IncidentDetail | null }) {
  if (!detail) return null;
  const ev = timeline(detail);
  return (
    <section aria-labelledby="tl-h" class="mon-timeline">
      <h3 id="tl-h">Historial</h3>
      <ol class="event-list" data-testid="incident-timeline">
        {ev.map((e, i) => (
          <li key={i} class={`mon-ev mon-ev-${e.kind}`}>
            <span class="event-date">{formatDateTime(new Date(e.at), true)}</span>
            <strong>{e.title}</strong>
            {e.by && <span class="cell-sub">{e.by}</span>}
            {e.detail && <span class="cell-sub">{e.detail}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

