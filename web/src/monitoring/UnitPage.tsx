// Unidad de respuesta (/monitoreo/unidad, dispatch.receive): the dispatches sent to the caller's
// institution, live over WebSocket, each with one big button for the next step
// (Aceptar → En camino → En el lugar → Cerrar con resultado). Made for a phone in a patrol car.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { useSession } from '../app/session';
import { ErrorAlert, Loading, PageHeader, SelectField } from '../app/ui';
import { ComunaName } from '../cases/common';
import { LiveBanner, MonitoringNav, SeverityTag, TypeTag, useNow } from './common';
import { ageText, type Dispatch, dispatchStateLabel, listDispatches, nextDispatchStep, outcomeLabel, setDispatchState, useOutcomes } from './data';
import { useLive } from './live';
import { play, unlockAudio } from './sound';

type UnitMessage = { type: 'dispatch'; dispatch: Dispatch } | { type: 'hello'; now: number };

export default function UnitPage() {
  const { state } = useSession();
  const [items, setItems] = useState<Dispatch[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showClosed, setShowClosed] = useState(false);
  const now = useNow(5000);

  const load = useCallback(() => {
    listDispatches()
      .then((list) => {
        setItems(list);
        setLoaded(true);
        setError(null);
      })
      .catch((e) => setError(errorMessage(e)));
  }, []);

  const onMessage = useCallback((m: UnitMessage) => {
    if (m.type !== 'dispatch') return;
    setItems((list) => {
      const i = list.findIndex((x) => x.id === m.dispatch.id);
      if (i < 0) {
        play('alert');
        return [m.dispatch, ...list];
      }
      const out = list.slice();
      out[i] = m.dispatch;
      return out;
    });
  }, []);
  const live = useLive<UnitMessage>('unit/live', { onMessage, onOpen: load });
  useEffect(load, []);
  useEffect(() => {
    if (live.connected) return;
    const t = window.setInterval(load, 15000);
    return () => window.clearInterval(t);
  }, [live.connected]);
  useEffect(() => {
    const unlock = () => unlockAudio();
    window.addEventListener('pointerdown', unlock);
    return () => window.removeEventListener('pointerdown', unlock);
  }, []);

  const open = useMemo(() => items.filter((d) => d.state !== 'cerrado').sort((a, b) => b.created_at - a.created_at), [items]);
  const closed = useMemo(() => items.filter((d) => d.state === 'cerrado').sort((a, b) => (b.closed_at ?? 0) - (a.closed_at ?? 0)), [items]);
  const inst = state.status === 'signed-in' ? state.session.user.institution.name : '';

  function updated(d: Dispatch) {
    setItems((list) => list.map((x) => (x.id === d.id ? d : x)));
  }

  return (
    <section class="mon-unit">
      <MonitoringNav />
      <PageHeader eyebrow={inst} title="Despachos" heading="Unidad de respuesta" lead="Despachos del centro de control a su unidad. Acepte apenas lo lea e informe cada paso." />
      <LiveBanner {...live} onRetry={live.retryNow} now={Date.now()} what="La lista se actualiza cada 15 s mientras tanto." />
      <ErrorAlert error={error} />
      {!loaded && !error ? (
        <Loading />
      ) : open.length === 0 ? (
        <p class="empty">No hay despachos pendientes. Los nuevos aparecen aquí solos, con sonido.</p>
      ) : (
        <ol class="mon-unit-list" data-testid="dispatches">
          {open.map((d) => (
            <DispatchCard key={d.id} d={d} now={now} onUpdated={updated} />
          ))}
        </ol>
      )}
      {closed.length > 0 && (
        <div class="mon-unit-closed">
          <button type="button" class="btn btn-ghost btn-sm" aria-expanded={showClosed ? 'true' : 'false'} onClick={() => setShowClosed(!showClosed)}>
            {showClosed ? 'Ocultar cerrados' : `Ver cerrados (${closed.length})`}
          </button>
          {showClosed && (
            <ol class="mon-unit-list">
              {closed.map((d) => (
                <DispatchCard key={d.id} d={d} now={now} onUpdated={updated} />
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}

const STEPS: { key: keyof Dispatch; label: string }[] = [
  { key: 'created_at', label: 'Enviado' },
  { key: 'accepted_at', label: 'Aceptado' },
  { key: 'en_route_at', label: 'En camino' },
  { key: 'on_site_at', label: 'En el lugar' },
  { key: 'closed_at', label: 'Cerrado' },
];

function DispatchCard({ d, now, onUpdated }: { d: Dispatch; now: number; onUpdated: (d: Dispatch) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const outcomes = useOutcomes();
  const [outcome, setOutcome] = useState('');
  const [outcomeError, setOutcomeError] = useState<string | null>(null);
  const next = nextDispatchStep(d.state);
  const inc = d.incident;

  async function advance() {
    if (!next) return;
    if (next.state === 'cerrado' && !outcome) {
      setOutcomeError('Elija el resultado antes de cerrar.');
      return;
    }
    setOutcomeError(null);
    setBusy(true);
    setError(null);
    try {
      const r = await setDispatchState(d.id, next.state === 'cerrado' ? { state: next.state, outcome } : { state: next.state });
      onUpdated(r.dispatch);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class={`card mon-unit-card mon-unit-${d.state}`} data-testid="dispatch-card" data-dispatch={d.id}>
      <div class="mon-unit-head">
        {inc && <SeverityTag severity={inc.severity} type={inc.type} />}
        <span class="mon-unit-state" data-testid="dispatch-state">
          {dispatchStateLabel(d.state)}
        </span>
        {d.escalated && <span class="mon-escalated">Escalado</span>}
      </div>
      <h2 class="mon-unit-title">{inc ? <TypeTag type={inc.type} label={inc.type_label} /> : `Despacho N° ${d.id}`}</h2>
      <dl class="mon-unit-facts">
        {inc?.victim_name && (
          <div>
            <dt>Víctima (a quien proteger)</dt>
            <dd>
              {inc.victim_name}
              {inc.victim_phone && (
                <>
                  {' · '}
                  <a href={`tel:${inc.victim_phone.replace(/\s/g, '')}`}>{inc.victim_phone}</a>
                </>
              )}
            </dd>
          </div>
        )}
        {inc?.aggressor_name && (
          <div>
            <dt>Agresor</dt>
            <dd>{inc.aggressor_name}</dd>
          </div>
        )}
        {inc?.origin_label && (
          <div>
            <dt>Origen</dt>
            <dd>{inc.origin_label} (sin datos que la identifiquen; lo que se sabe está en las indicaciones)</dd>
          </div>
        )}
        {inc?.order_label && (
          <div>
            <dt>Orden</dt>
            <dd>{inc.order_label}</dd>
          </div>
        )}
        {inc?.comuna_id && (
          <div>
            <dt>Comuna</dt>
            <dd>
              <ComunaName id={inc.comuna_id} />
            </dd>
          </div>
        )}
        {inc && inc.lat !== null && inc.lon !== null && (
          <div>
            <dt>Ubicación</dt>
            <dd>
              <span class="mono">
                {inc.lat.toFixed(5)}, {inc.lon.toFixed(5)}
              </span>{' '}
              <a href={`geo:${inc.lat},${inc.lon}`} data-external="" class="mon-geo">
                Abrir en mapas
              </a>
            </dd>
          </div>
        )}
        <div>
          <dt>Recibido</dt>
          <dd>
            {formatDateTime(new Date(d.created_at))} <span class="cell-sub">{ageText(d.created_at, now)}</span>
          </dd>
        </div>
        {d.note && (
          <div>
            <dt>Indicaciones</dt>
            <dd>{d.note}</dd>
          </div>
        )}
        {d.outcome && (
          <div>
            <dt>Resultado</dt>
            <dd>{outcomeLabel(d.outcome, d.outcome_label)}</dd>
          </div>
        )}
      </dl>
      <ol class="mon-steps" aria-label="Pasos del despacho">
        {STEPS.map((s) => {
          const at = d[s.key] as number | null;
          return (
            <li key={s.key} class={at ? 'done' : ''}>
              <span aria-hidden="true">{at ? '✓' : '○'} </span>
              {s.label}
              {at ? <span class="cell-sub">{formatDateTime(new Date(at))}</span> : <span class="visually-hidden"> (pendiente)</span>}
            </li>
          );
        })}
      </ol>
      <ErrorAlert error={error} />
      {next && (
        <div class="mon-unit-action">
          {next.state === 'cerrado' && <SelectField label="Resultado" name={`outcome-${d.id}`} value={outcome} onValue={setOutcome} options={outcomes} placeholder="Elija el resultado" error={outcomeError} />}
          <button type="button" class={`btn btn-block mon-big ${next.state === 'aceptado' ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={advance} data-testid="dispatch-next">
            {next.label}
          </button>
        </div>
      )}
    </li>
  );
}
