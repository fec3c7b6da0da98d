// The incident panel of the console: what happened, who the victim and the aggressor are (with
// their phones), one-click actions (take, calls with their answer, note, dispatch, close with an
// outcome), the timeline of actions and dispatches, the replay of the incident's track and the
// evidence export.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage } from '../app/api';
import { formatDateTime } from '../app/format';
import { ErrorAlert, Loading, SelectField } from '../app/ui';
import { TextAreaField } from '../cases/common';
import { SeverityTag, TypeTag } from './common';
import {
  ageText,
  deviceKindLabel,
  type Dispatch,
  dispatchStateLabel,
  distanceText,
  type DeviceTrack,
  exportUrl,
  type Incident,
  type IncidentDetail,
  OUTCOMES,
  outcomeLabel,
  postAction,
  postDispatch,
  type ReplayFrame,
  replayFrame,
  repeatText,
  stateLabel,
  telHref,
  trackSpan,
} from './data';

interface Props {
  headingId: string;
  incidentId: number;
  /** The live row (fresher than the detail for counts and state), when open. */
  live: Incident | null;
  detail: IncidentDetail | null;
  error: string | null;
  now: number;
  onChanged: (incident: Incident | null) => void;
  onReplay: (r: { tracks: DeviceTrack[]; frame: ReplayFrame[] } | null) => void;
  onClose: () => void;
}

export function IncidentPanel(props: Props) {
  const { detail, now } = props;
  const inc = props.live ?? detail?.incident ?? null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState('');
  const [outcomeError, setOutcomeError] = useState<string | null>(null);

  if (!inc) {
    return (
      <>
        <h2 id={props.headingId}>Incidente N° {props.incidentId}</h2>
        {props.error ? <ErrorAlert error={props.error} /> : <Loading />}
      </>
    );
  }

  const closed = inc.state === 'cerrada';
  const dispatch = inc.dispatch ?? detail?.dispatches[detail.dispatches.length - 1] ?? null;

  async function act(label: string, run: () => Promise<Incident | null>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const updated = await run();
      setDone(label);
      props.onChanged(updated);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const noteBody = () => (note.trim() ? { note: note.trim() } : {});
  const afterNote = (ok: boolean) => ok && setNote('');

  const call = (kind: 'llamada_victima' | 'llamada_agresor', reached: boolean) =>
    act(`${kind === 'llamada_victima' ? 'Llamada a la víctima' : 'Llamada al agresor'} registrada: ${reached ? 'contestó' : 'no contestó'}.`, async () =>
      (await postAction(inc.id, { kind, reached, ...noteBody() })).incident,
    ).then(afterNote);

  function addNote() {
    if (!note.trim()) {
      setNoteError('Escriba la nota antes de guardarla.');
      return;
    }
    setNoteError(null);
    void act('Nota guardada.', async () => (await postAction(inc!.id, { kind: 'nota', note: note.trim() })).incident).then(afterNote);
  }

  function close() {
    if (!outcome) {
      setOutcomeError('Elija el resultado para cerrar.');
      return;
    }
    setOutcomeError(null);
    void act(`Incidente cerrado: ${outcomeLabel(outcome)}.`, async () => (await postAction(inc!.id, { kind: 'cerrar', outcome, ...noteBody() })).incident).then(afterNote);
  }

  const victim = detail?.order;
  return (
    <div class="mon-incident">
      <div class="mon-panel-head">
        <div>
          <p class="eyebrow">Incidente N° {inc.id}</p>
          <h2 id={props.headingId}>
            <TypeTag type={inc.type} label={inc.type_label} />
          </h2>
          <p class="badges">
            <SeverityTag severity={inc.severity} type={inc.type} />
            <span class={`mon-state mon-state-tag-${inc.state}`} data-testid="incident-state">
              {stateLabel(inc.state)}
            </span>
            {inc.escalated && (
              <span class="mon-escalated">
                <span aria-hidden="true">⇧ </span>Escalada
              </span>
            )}
            {inc.count > 1 && <span class="mon-count">{repeatText(inc.count)} alertas agrupadas</span>}
          </p>
        </div>
        <button type="button" class="btn btn-ghost btn-icon" aria-label="Cerrar el panel del incidente" onClick={props.onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>


      <section class="mon-people" aria-label="Personas de la orden">
        {!victim ? (
          props.error ? <ErrorAlert error={props.error} /> : <Loading label="Cargando personas…" />
        ) : (
          <>
            <Person role="Víctima" cls="victim" name={victim.victim_name} phone={victim.victim_phone} />
            <Person role="Agresor" cls="aggr" name={victim.aggressor_name} phone={victim.aggressor_phone} />
          </>
        )}
      </section>

      <ErrorAlert error={error} />
      {done && (
        <p class="alert alert-success" role="status" data-testid="action-done">
          {done}
        </p>
      )}

      {!closed && (
        <section class="mon-actions" aria-labelledby="actions-h">
          <h3 id="actions-h" class="visually-hidden">
            Acciones
          </h3>
          {inc.state === 'nueva' && (
            <button type="button" class="btn btn-primary btn-block mon-take" disabled={busy} onClick={() => void act('Incidente tomado: queda a su cargo.', async () => (await postAction(inc.id, { kind: 'tomar' })).incident)}>
              Tomar incidente
            </button>
          )}
          <div class="mon-call-grid">
            <fieldset class="mon-call">
              <legend>Llamé a la víctima</legend>
              <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => void call('llamada_victima', true)}>
                Contestó<span class="visually-hidden"> (víctima)</span>
              </button>
              <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => void call('llamada_victima', false)}>
                No contestó<span class="visually-hidden"> (víctima)</span>
              </button>
            </fieldset>
            <fieldset class="mon-call">
              <legend>Llamé al agresor</legend>
              <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => void call('llamada_agresor', true)}>
                Contestó<span class="visually-hidden"> (agresor)</span>
              </button>
              <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => void call('llamada_agresor', false)}>
                No contestó<span class="visually-hidden"> (agresor)</span>
              </button>
            </fieldset>
          </div>
          <TextAreaField label="Nota" name="nota" value={note} onValue={setNote} error={noteError} rows={2} hint="Se adjunta a la próxima acción (llamada, despacho o cierre), o guárdela sola." />
          <div class="mon-btn-row">
            <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={addNote}>
              Guardar nota
            </button>
          </div>
          <div class="mon-dispatch-box">
            {dispatch ? (
              <DispatchSummary d={dispatch} />
            ) : (
              <button
                type="button"
                class="btn btn-danger btn-block"
                disabled={busy}
                data-testid="dispatch"
                onClick={() =>
                  void act('Unidad despachada.', async () => {
                    const r = await postDispatch(inc.id, note.trim() || undefined);
                    setDone(`Unidad despachada: ${r.dispatch.unit_name}.`);
                    return { ...inc, dispatch: r.dispatch, state: inc.state === 'nueva' || inc.state === 'en_gestion' ? 'despachada' : inc.state };
                  }).then((ok) => ok && setNote(''))
                }
              >
                Despachar unidad
              </button>
            )}
          </div>
          <div class="mon-close">
            <SelectField label="Resultado del cierre" name="outcome" value={outcome} onValue={setOutcome} options={OUTCOMES} placeholder="Elija el resultado" error={outcomeError} />
            <button type="button" class="btn btn-ghost" disabled={busy} onClick={close}>
              Cerrar incidente
            </button>
          </div>
        </section>
      )}
      {closed && dispatch && <DispatchSummary d={dispatch} />}

      <dl class="facts mon-facts">
        <div>
          <dt>Orden</dt>
          <dd>
            {inc.order_label}
            {detail?.order.court && <span class="cell-sub">{detail.order.court}</span>}
          </dd>
        </div>
        <div>
          <dt>Primera alerta</dt>
          <dd>
            {formatDateTime(new Date(inc.first_at), true)} <span class="cell-sub">{ageText(inc.first_at, now)}</span>
          </dd>
        </div>
        {inc.count > 1 && (
          <div>
            <dt>Última alerta</dt>
            <dd>
              {formatDateTime(new Date(inc.last_at), true)} <span class="cell-sub">{ageText(inc.last_at, now)}</span>
            </dd>
          </div>
        )}
        <div>
          <dt>Dispositivo</dt>
          <dd>
            {deviceKindLabel(inc.device_kind)} <span class="cell-sub mono">{inc.device_id}</span>
          </dd>
        </div>
        {inc.zone_label && (
          <div>
            <dt>Zona</dt>
            <dd>{inc.zone_label}</dd>
          </div>
        )}
        {inc.distance_m !== null && (
          <div>
            <dt>Distancia agresor–víctima</dt>
            <dd>
              <strong>{distanceText(inc.distance_m)}</strong>
              {detail?.order.min_distance_m ? <span class="cell-sub">Mínimo ordenado: {distanceText(detail.order.min_distance_m)}</span> : null}
            </dd>
          </div>
        )}
        {inc.battery !== null && (
          <div>
            <dt>Batería</dt>
            <dd>{Math.round(inc.battery)} %</dd>
          </div>
        )}
        {inc.outcome && (
          <div>
            <dt>Resultado</dt>
            <dd>{outcomeLabel(inc.outcome)}</dd>
          </div>
        )}
      </dl>

      <Timeline detail={detail} />
      {detail && <Replay detail={detail} onReplay={props.onReplay} />}
      <ExportButton id={inc.id} />
    </div>
  );
}

function Person(props: { role: string; cls: string; name: string; phone: string | null }) {
  return (
    <div class={`mon-person mon-person-${props.cls}`}>
      <span class="mon-person-role">
        <span aria-hidden="true" class="mon-person-shape" />
        {props.role}
      </span>
      <strong class="mon-person-name">{props.name}</strong>
      {props.phone ? (
        <a class="mon-phone" href={telHref(props.phone)} data-external="">
          <span aria-hidden="true">☎ </span>
          {props.phone}
        </a>
      ) : (
        <span class="cell-sub">Sin teléfono registrado</span>
      )}
    </div>
  );
}

function DispatchSummary({ d }: { d: Dispatch }) {
  return (
    <div class={`mon-dispatch mon-dispatch-${d.state}`} data-testid="dispatch-summary">
      <span class="mon-dispatch-unit">
        <span class="mon-dispatch-label">Unidad </span>
        {d.unit_name}
      </span>
      <span class="mon-dispatch-state">{dispatchStateLabel(d.state)}</span>
      {d.escalated && <span class="mon-escalated">Escalado: no aceptado a tiempo</span>}
      {d.outcome && <span class="cell-sub">Resultado de la unidad: {outcomeLabel(d.outcome)}</span>}
    </div>
  );
}

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
        [a.reached === true ? 'Contestó' : a.reached === false ? 'No contestó' : null, a.outcome ? `Resultado: ${outcomeLabel(a.outcome)}` : null, a.note]
          .filter(Boolean)
          .join(' · ') || null,
      by: a.user_name,
      kind: a.kind,
    });
  // The server may log dispatches and the unit's steps as actions already ("despacho", "unidad"):
  // then they are not repeated from the dispatch rows.
  const logged = detail.actions.some((a) => a.kind === 'despacho' || a.kind === 'unidad');
  for (const d of logged ? [] : detail.dispatches) {
    ev.push({ at: d.created_at, title: `Despacho a ${d.unit_name}`, detail: d.note, kind: 'dispatch' });
    if (d.accepted_at) ev.push({ at: d.accepted_at, title: `${d.unit_name}: aceptado`, kind: 'dispatch' });
    if (d.en_route_at) ev.push({ at: d.en_route_at, title: `${d.unit_name}: en camino`, kind: 'dispatch' });
    if (d.on_site_at) ev.push({ at: d.on_site_at, title: `${d.unit_name}: en el lugar`, kind: 'dispatch' });
    if (d.closed_at) ev.push({ at: d.closed_at, title: `${d.unit_name}: cerrado`, detail: d.outcome ? `Resultado: ${outcomeLabel(d.outcome)}` : null, kind: 'dispatch' });
  }
  return ev.sort((a, b) => a.at - b.at);
}

function Timeline({ detail }: { detail: IncidentDetail | null }) {
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

const SPEEDS = [
  { value: '10', label: '×10' },
  { value: '30', label: '×30' },
  { value: '60', label: '×60' },
  { value: '120', label: '×120' },
];

function Replay({ detail, onReplay }: { detail: IncidentDetail; onReplay: Props['onReplay'] }) {
  const tracks = detail.track.devices;
  const span = trackSpan(tracks);
  const [on, setOn] = useState(false);
  const [playing, setPlaying] = useState(false);
  const [t, setT] = useState(span?.start ?? 0);
  const [speed, setSpeed] = useState('60');
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    if (!on || !span) return;
    onReplay({ tracks, frame: replayFrame(tracks, t) });
  }, [on, t, detail]);
  useEffect(() => () => onReplay(null), []);

  useEffect(() => {
    if (!playing || !span) return;
    let last = performance.now();
    let raf = 0;
    const step = (ts: number) => {
      const next = Math.min(span.end, tRef.current + (ts - last) * Number(speed));
      last = ts;
      setT(next);
      if (next >= span.end) setPlaying(false);
      else raf = requestAnimationFrame(step);
    };
    raf = requestAnimationFrame(step);
    return () => cancelAnimationFrame(raf);
  }, [playing, speed]);

  if (!span) return <p class="cell-sub">Sin posiciones registradas para reproducir.</p>;

  if (!on)
    return (
      <div class="mon-btn-row">
        <button type="button" class="btn btn-secondary btn-sm" data-testid="replay" onClick={() => { setOn(true); setT(span.start); setPlaying(true); }}>
          <span aria-hidden="true">▶ </span>Reproducir
        </button>
      </div>
    );

  return (
    <section class="mon-replay" aria-labelledby="rp-h" data-testid="replay-controls">
      <h3 id="rp-h">Reproducción del recorrido</h3>
      <div class="mon-replay-row">
        <button type="button" class="btn btn-secondary btn-sm" onClick={() => { if (t >= span.end) setT(span.start); setPlaying(!playing); }}>
          {playing ? 'Pausa' : 'Reproducir'}
        </button>
        <label class="mon-slider">
          <span class="visually-hidden">Momento del recorrido</span>
          <input
            type="range"
            min={span.start}
            max={span.end}
            step={1000}
            value={t}
            aria-valuetext={formatDateTime(new Date(t), true)}
            onInput={(e) => {
              setPlaying(false);
              setT(Number((e.currentTarget as HTMLInputElement).value));
            }}
          />
        </label>
        <SelectField label="Velocidad" name="speed" value={speed} onValue={setSpeed} options={SPEEDS} class="mon-speed" />
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => { setPlaying(false); setOn(false); onReplay(null); }}>
          Terminar
        </button>
      </div>
      <p class="mon-replay-time" aria-live="off">
        {formatDateTime(new Date(t), true)}
      </p>
    </section>
  );
}

function ExportButton({ id }: { id: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const doc = await api.get<unknown>(exportUrl(id).replace(/^\/api\/v1/, ''));
      const blob = new Blob([JSON.stringify(doc, null, 2)], { type: 'application/json' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `evidencia-incidente-${id}.json`;
      a.dataset.external = '';
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="mon-export">
      <ErrorAlert error={error} />
      <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={download} data-testid="export">
        <span aria-hidden="true">↓ </span>Exportar evidencia
      </button>
      <span class="cell-sub">Documento firmado y encadenado, verificable por un tribunal.</span>
    </div>
  );
}
