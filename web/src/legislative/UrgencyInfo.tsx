// An urgency as the agenda shows it: its type, the deadline (dd-mm-aaaa) and the days left,
// highlighted when the deadline is close (≤ 6 days) or past.
import { Badge } from '../app/ui';
import { daysLeftText, isUrgent, type Urgency } from './data';

export function UrgencyInfo({ urgency }: { urgency: Urgency | null }) {
  if (!urgency) return <span class="muted">Sin urgencia</span>;
  const urgent = isUrgent(urgency);
  return (
    <span class={`urgency${urgent ? ' urgency-close' : ''}`}>
      <Badge tone={urgent ? 'danger' : 'warn'}>{urgency.name}</Badge>
      {urgency.deadline ? (
        <span class="urgency-deadline">
          Plazo: <span class="nowrap">{urgency.deadline}</span>
          {urgency.days_left !== null && (
            <>
              {' · '}
              <strong class="nowrap">{daysLeftText(urgency.days_left)}</strong>
            </>
          )}
        </span>
      ) : (
        <span class="urgency-deadline muted">Sin fecha de cuenta: plazo no calculable</span>
      )}
    </span>
  );
}
