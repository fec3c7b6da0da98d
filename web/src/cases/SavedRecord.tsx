// After a record is saved: how each person was linked to her file, the risk level the server
// computed (and the rules that fixed a minimum), and the alerts the record raised.
import { formatDate } from '../app/format';
import { SeverityBadge } from '../app/widgets/SeverityBadge';
import { PersonLink, RiskBadge } from './common';
import { labelOf, RISK_LABELS, ROLES, type Linkage, type SavedRecord } from './data';

function linkageText(l: Linkage['linkage']): { text: string; tone: string } {
  switch (l.decision) {
    case 'given':
      return { text: 'Persona ya registrada (elegida en el formulario)', tone: 'ok' };
    case 'link':
      return l.exact_run
        ? { text: 'Vinculada a su ficha por RUN', tone: 'ok' }
        : { text: `Vinculada automáticamente a una ficha existente (peso ${(l.weight ?? 0).toFixed(1).replace('.', ',')})`, tone: 'ok' };
    case 'review':
      return { text: 'Ficha nueva enviada a revisión: podría ser la misma persona que otra ficha', tone: 'warn' };
    case 'new':
      return { text: 'Persona nueva en el registro', tone: 'info' };
    default:
      return { text: l.decision, tone: 'info' };
  }
}

export function SavedPanel({ record: r, onAnother }: { record: SavedRecord; onAnother: () => void }) {
  const d = (r.details ?? {}) as Record<string, unknown>;
  const victim = r.linkage.find((l) => l.role === 'victim') ?? r.linkage[0];
  const overrides = Array.isArray(d.overrides) ? (d.overrides as { id: string; description: string; min_level: string }[]) : [];
  return (
    <section class="saved stack" data-testid="saved-record" aria-labelledby="saved-h">
      <div class="alert alert-success" role="status">
        <strong class="alert-title" id="saved-h">
          Registro N° {r.id} guardado
        </strong>
        {r.kind_name} del {r.occurred_on}
        {r.replayed ? ' (ya estaba guardado: no se duplicó)' : ''}.
      </div>

      <section class="card">
        <h2>Personas y su ficha</h2>
        <ul class="plain linkage-list" data-testid="linkage">
          {r.linkage.map((l) => {
            const t = linkageText(l.linkage);
            return (
              <li key={`${l.person_id}-${l.role}`}>
                <span class="cell-main">{labelOf(ROLES, l.role)}</span>
                <span class={`badge badge-${t.tone}`}>{t.text}</span> <PersonLink id={l.person_id} />
                {l.linkage.decision === 'review' && (
                  <span class="cell-sub">
                    <a href={`/casos/revisiones${l.linkage.review_id ? `?revision=${l.linkage.review_id}` : ''}`}>Ir a la revisión de vinculaciones</a>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      {r.kind === 'risk_assessment' && (
        <section class="card" data-testid="risk-result">
          <h2>Resultado de la evaluación</h2>
          <dl class="facts">
            <div>
              <dt>Nivel calculado por la pauta (puntaje {String(d.score ?? '—')})</dt>
              <dd>
                <RiskBadge level={String(d.computed_level ?? '')} prefix="" />
              </dd>
            </div>
            <div>
              <dt>Reglas que fijaron un nivel mínimo</dt>
              <dd>
                {overrides.length === 0 ? (
                  'Ninguna'
                ) : (
                  <ul class="plain">
                    {overrides.map((o) => (
                      <li key={o.id}>
                        {o.description} (mínimo «{RISK_LABELS[o.min_level]?.toLowerCase() ?? o.min_level}»)
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt>Nivel final</dt>
              <dd>
                <RiskBadge level={String(d.level ?? '')} prefix="" />
                {d.raised ? <span class="cell-sub">Elevado por la profesional: {String(d.raise_reason ?? '')}</span> : null}
              </dd>
            </div>
            {typeof d.reassess_due_at === 'number' && (
              <div>
                <dt>Reevaluar a más tardar</dt>
                <dd>{formatDate(new Date(d.reassess_due_at))}</dd>
              </div>
            )}
          </dl>
        </section>
      )}

      <section class="card" data-testid="raised-alerts">
        <h2>Alertas levantadas por este registro</h2>
        {r.alerts.length === 0 ? (
          <p class="muted">Este registro no levantó alertas.</p>
        ) : (
          <ul class="plain alert-mini">
            {r.alerts.map((a) => (
              <li key={a.id}>
                <SeverityBadge severity={a.severity} /> <a href={`/alertas/${a.id}`}>{a.rule}</a>
                <span class="cell-sub">{a.explanation}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <div class="form-actions">
        {victim && (
          <a class="btn btn-primary" href={`/casos/personas/${victim.person_id}`}>
            Ver la ficha
          </a>
        )}
        <button type="button" class="btn btn-secondary" onClick={onAnother}>
          Registrar otro
        </button>
      </div>
    </section>
  );
}
