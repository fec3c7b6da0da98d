// Consola del centro de control (/monitoreo, alerts.handle): the open incidents live over WebSocket
// (snapshot re-read on every (re)connection, polled while the socket is down), a queue sorted by
// severity then waiting time, the map of Santiago with devices, incidents, the selected incident's
// last-hour trail and zones, and the incident panel. Each severity looks and sounds different.
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { formatDateTime, formatNumber } from '../app/format';
import { setQuery, useLocation } from '../app/router';
import { ErrorAlert, usePageTitle } from '../app/ui';
import { LiveBanner, MonitoringNav, SeverityTag, TypeTag, useNow } from './common';
import {
  ageText,
  applyDispatch,
  deviceKindLabel,
  dispatchStateLabel,
  type DeviceTrack,
  getConsole,
  getIncident,
  getTrail,
  type Incident,
  type IncidentDetail,
  type LiveDevice,
  type LiveMessage,
  mergeLiveDevice,
  type ReplayFrame,
  repeatText,
  severityLook,
  sortQueue,
  stateLabel,
  upsertIncident,
} from './data';
import { IncidentPanel } from './IncidentPanel';
import { useLive } from './live';
import { MonitorMap } from './MonitorMap';
import { audioReady, onAudioReady, play, REPEAT_MS, unlockAudio } from './sound';

const MUTE_KEY = 'equidad.monitoreo.silencio';

export default function ConsolePage() {
  usePageTitle('Consola del centro de control');
  const { search } = useLocation();
  const selected = Number(search.get('incidente')) || null;
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [devices, setDevices] = useState<Map<string, LiveDevice>>(new Map());
  const [stats, setStats] = useState<Record<string, number> | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [skew, setSkew] = useState(0);
  const [muted, setMuted] = useState(() => localStorage.getItem(MUTE_KEY) === '1');
  const [soundOn, setSoundOn] = useState(audioReady());
  const [detail, setDetail] = useState<IncidentDetail | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const [detailTick, setDetailTick] = useState(0);
  const [trail, setTrail] = useState<DeviceTrack[]>([]);
  const [replay, setReplay] = useState<{ tracks: DeviceTrack[]; frame: ReplayFrame[] } | null>(null);
  const [announce, setAnnounce] = useState('');
  const now = useNow(1000) + skew;
  const mutedRef = useRef(muted);
  mutedRef.current = muted;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const detailRef = useRef(detail);
  detailRef.current = detail;

  const loadSnapshot = useCallback(() => {
    getConsole()
      .then((s) => {
        setSkew(s.now - Date.now());
        setIncidents(s.incidents.filter((i) => i.state !== 'cerrada'));
        setDevices(new Map(s.devices.map((d) => [d.device_id, d])));
        setStats(s.stats ?? null);
        setLoaded(true);
        setLoadError(null);
      })
      .catch((e) => setLoadError(errorMessage(e)));
  }, []);

  const onMessage = useCallback((m: LiveMessage) => {
    if (m.type === 'hello') setSkew(m.now - Date.now());
    else if (m.type === 'incident') {
      const inc = m.incident;
      setIncidents((list) => {
        const r = upsertIncident(list, inc);
        if (r.isNew) {
          const look = severityLook(inc.severity, inc.type);
          if (!mutedRef.current) play(look.sound);
          setAnnounce(`Nueva alerta ${look.name.toLowerCase()}: ${inc.type_label} — ${inc.order_label}`);
        }
        return r.list;
      });
      if (inc.id === selectedRef.current) setDetailTick((t) => t + 1);
    } else if (m.type === 'position') {
      setDevices((map) => {
        const next = new Map(map);
        next.set(m.device_id, mergeLiveDevice(map.get(m.device_id), m));
        return next;
      });
      const d = detailRef.current;
      if (d && d.incident.order_id === m.order_id && !m.no_fix && m.lat !== null && m.lon !== null) {
        setTrail((tr) => {
          const i = tr.findIndex((x) => x.device_id === m.device_id);
          const point = { lat: m.lat!, lon: m.lon!, at: m.at ?? Date.now() };
          if (i < 0) return [...tr, { device_id: m.device_id, kind: m.kind, points: [point] }];
          const out = tr.slice();
          out[i] = { ...tr[i]!, points: [...tr[i]!.points, point] };
          return out;
        });
      }
    } else if (m.type === 'dispatch') {
      setIncidents((list) => applyDispatch(list, m.dispatch));
      if (m.dispatch.incident_id === selectedRef.current) setDetailTick((t) => t + 1);
      setAnnounce(`Despacho de ${m.dispatch.unit_name}: ${dispatchStateLabel(m.dispatch.state)}`);
    }
  }, []);

  const live = useLive<LiveMessage>('live', { onMessage, onOpen: loadSnapshot });

  useEffect(loadSnapshot, []);
  // While the socket is down, the snapshot is re-read every 15 s so the queue is never frozen.
  useEffect(() => {
    if (live.connected) return;
    const t = window.setInterval(loadSnapshot, 15000);
    return () => window.clearInterval(t);
  }, [live.connected]);

  // Sound: the first click or key press unlocks audio (browsers refuse sound before a gesture).
  useEffect(() => {
    const unlock = () => unlockAudio();
    const off = onAudioReady(() => setSoundOn(audioReady()));
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      off();
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
  }, []);

  // Repeating alarm while a critical (every 3 s) or high (every 12 s) incident waits to be taken.
  const waiting = useMemo(() => {
    let best: ReturnType<typeof severityLook> | null = null;
    for (const i of incidents) {
      if (i.state !== 'nueva') continue;
      const l = severityLook(i.severity, i.type);
      if (!best || l.rank < best.rank) best = l;
    }
    return best;
  }, [incidents]);
  const lastRing = useRef(0);
  useEffect(() => {
    if (!waiting || muted || !soundOn) return;
    const every = REPEAT_MS[waiting.sound];
    if (!every) return;
    const t = window.setInterval(() => {
      if (Date.now() - lastRing.current >= every) {
        lastRing.current = Date.now();
        play(waiting.sound);
      }
    }, 500);
    return () => window.clearInterval(t);
  }, [waiting?.sound, muted, soundOn]);

  const untaken = incidents.filter((i) => i.state === 'nueva').length;
  useEffect(() => {
    document.title = `${untaken ? `(${untaken}) ` : ''}Consola del centro de control — Equidad`;
  }, [untaken]);

  // The selected incident: its details, its order's last hour and zones.
  useEffect(() => {
    if (!selected) {
      setDetail(null);
      setTrail([]);
      setReplay(null);
      return;
    }
    const ctrl = new AbortController();
    getIncident(selected, ctrl.signal)
      .then((d) => {
        setDetail(d);
        setDetailError(null);
      })
      .catch((e) => {
        if (!ctrl.signal.aborted) setDetailError(errorMessage(e));
      });
    return () => ctrl.abort();
  }, [selected, detailTick]);
  const orderId = detail && detail.incident.id === selected ? detail.incident.order_id : null;
  useEffect(() => {
    setReplay(null);
  }, [selected]);
  useEffect(() => {
    if (!orderId) return;
    const ctrl = new AbortController();
    const load = () =>
      getTrail(orderId, 60, ctrl.signal)
        .then((t) => setTrail(t.devices))
        .catch(() => {});
    void load();
    const t = window.setInterval(load, 60000);
    return () => {
      ctrl.abort();
      window.clearInterval(t);
    };
  }, [orderId]);

  const queue = useMemo(() => sortQueue(incidents), [incidents]);
  const sel = selected ? (incidents.find((i) => i.id === selected) ?? (detail?.incident.id === selected ? detail.incident : null)) : null;
  const mapIncidents = useMemo(() => (sel && !incidents.some((i) => i.id === sel.id) ? [...incidents, sel] : incidents), [incidents, sel]);
  const deviceList = useMemo(() => [...devices.values()], [devices]);
  const noFix = useMemo(() => deviceList.filter((d) => d.no_fix).sort((a, b) => (b.report_at ?? 0) - (a.report_at ?? 0)), [deviceList]);
  const focus = sel && sel.lat !== null && sel.lon !== null ? { lat: sel.lat, lon: sel.lon } : null;

  function choose(id: number) {
    setQuery({ incidente: String(id) });
  }

  function toggleMute() {
    unlockAudio();
    const m = !muted;
    setMuted(m);
    localStorage.setItem(MUTE_KEY, m ? '1' : '0');
  }

  return (
    <section class="mon-console full-bleed" data-testid="console">
      <div class="mon-console-inner">
        <MonitoringNav />
        <div class="mon-console-head">
          <div>
            <p class="eyebrow">Monitoreo telemático · medidas cautelares</p>
            <h1 tabIndex={-1}>Consola del centro de control</h1>
          </div>
          <div class="mon-head-tools">
            {live.connected && <LiveBanner {...live} onRetry={live.retryNow} now={Date.now()} what="" />}
            <button type="button" class={`btn btn-sm ${muted ? 'btn-danger-outline' : 'btn-ghost'}`} aria-pressed={muted ? 'true' : 'false'} onClick={toggleMute} data-testid="mute">
              <SpeakerIcon muted={muted} />
              {muted ? 'Sonido silenciado' : 'Sonido activado'}
            </button>
          </div>
        </div>
        {!live.connected && <LiveBanner {...live} onRetry={live.retryNow} now={Date.now()} what="La cola se relee cada 15 s mientras tanto: las alertas nuevas pueden demorar y no suenan." />}
        {!muted && !soundOn && (
          <p class="mon-sound-hint" role="note">
            <SpeakerIcon muted={false} />
            Las alarmas sonoras se activan con su primer clic o tecla en esta página.
          </p>
        )}
        <ErrorAlert error={loadError} title="No se pudo leer la consola." />
        <p class="visually-hidden" aria-live="assertive">
          {announce}
        </p>
        <div class="mon-grid">
          <section class="mon-queue card" aria-labelledby="queue-h">
            <h2 id="queue-h">
              Cola de alertas <span class="count">({queue.length})</span>
            </h2>
            <p class="mon-queue-sub">
              {untaken ? (
                <strong class="mon-untaken">
                  {untaken === 1 ? '1 sin tomar' : `${untaken} sin tomar`}
                </strong>
              ) : (
                'Todas tomadas'
              )}
              {stats && typeof stats.received === 'number' ? ` · ${formatNumber(stats.received)} posiciones recibidas` : ''}
            </p>
            {!loaded && !loadError ? (
              <p class="loading" role="status">
                <span class="spinner" aria-hidden="true" />
                Cargando…
              </p>
            ) : queue.length === 0 ? (
              <p class="empty">No hay incidentes abiertos. Las alertas nuevas aparecen aquí solas, con sonido.</p>
            ) : (
              <ol class="mon-queue-list" data-testid="queue">
                {queue.map((i) => (
                  <QueueRow key={i.id} incident={i} now={now} selected={i.id === selected} onSelect={choose} />
                ))}
              </ol>
            )}
            {noFix.length > 0 && (
              <section class="mon-nofix" aria-labelledby="nofix-h" data-testid="no-fix-devices">
                <h3 id="nofix-h">
                  Reportan sin GPS <span class="count">({noFix.length})</span>
                </h3>
                <p class="mon-nofix-sub">Siguen conectados (no hay silencio), pero su lugar es el último conocido, no el actual.</p>
                <ul>
                  {noFix.map((d) => (
                    <li key={d.device_id} data-testid="no-fix-device" data-device={d.device_id}>
                      <span class="mon-nofix-who">
                        {deviceKindLabel(d.kind)} <span class="cell-sub mono">{d.device_id}</span>
                      </span>
                      <span class="mon-nofix-tag">sin GPS</span>
                      <span class="mon-nofix-when">
                        {d.report_at ? `Último reporte ${ageText(d.report_at, now)}` : 'Sin reportes'}
                        {d.battery !== null && d.battery !== undefined ? ` · batería ${Math.round(d.battery)} %` : ''}
                      </span>
                      <span class="mon-nofix-place">
                        {d.at && d.lat !== null
                          ? `Último lugar conocido ${ageText(d.at, now)} (${formatDateTime(new Date(d.at), true)})`
                          : 'Sin lugar conocido'}
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </section>
          <div class="mon-map-col">
            <MonitorMap
              label="Mapa de dispositivos e incidentes"
              description={
                replay
                  ? 'Reproduciendo el recorrido del incidente.'
                  : sel
                    ? 'Recorrido de la última hora de la orden seleccionada y sus zonas.'
                    : 'Región Metropolitana, sin conexión a mapas externos.'
              }
              devices={replay ? [] : deviceList}
              incidents={mapIncidents}
              selectedIncident={selected}
              onSelectIncident={choose}
              zones={detail && detail.incident.id === selected ? detail.order.zones : []}
              trail={replay ? replay.tracks : trail}
              replay={replay?.frame ?? null}
              focus={focus}
              class="mon-console-map"
            />
          </div>
          <section class="mon-panel card" aria-labelledby="panel-h" data-testid="incident-panel">
            {!selected ? (
              <>
                <h2 id="panel-h">Incidente</h2>
                <p class="empty">Elija un incidente de la cola o del mapa para ver sus datos y actuar.</p>
              </>
            ) : (
              <IncidentPanel
                key={selected}
                headingId="panel-h"
                incidentId={selected}
                live={sel}
                detail={detail && detail.incident.id === selected ? detail : null}
                error={detailError}
                now={now}
                onChanged={(inc) => {
                  if (inc) setIncidents((list) => upsertIncident(list, inc).list);
                  setDetailTick((t) => t + 1);
                }}
                onReplay={setReplay}
                onClose={() => setQuery({ incidente: null })}
              />
            )}
          </section>
        </div>
      </div>
    </section>
  );
}

function QueueRow({ incident: i, now, selected, onSelect }: { incident: Incident; now: number; selected: boolean; onSelect: (id: number) => void }) {
  const look = severityLook(i.severity, i.type);
  const rep = repeatText(i.count);
  return (
    <li class={`mon-row mon-row-${look.id} mon-state-${i.state}${selected ? ' mon-row-selected' : ''}`} data-testid="queue-row" data-incident={i.id} data-type={i.type}>
      <button type="button" class="mon-row-btn" aria-current={selected ? 'true' : undefined} onClick={() => onSelect(i.id)}>
        <span class="mon-row-top">
          <SeverityTag severity={i.severity} type={i.type} />
          <span class="mon-age" title={new Date(i.first_at).toLocaleString('es-CL', { timeZone: 'America/Santiago' })}>
            {ageText(i.first_at, now)}
          </span>
        </span>
        <span class="mon-row-type">
          <TypeTag type={i.type} label={i.type_label} />
          {rep && (
            <span class="mon-count" title={`${i.count} alertas agrupadas`}>
              {rep}
              <span class="visually-hidden"> alertas agrupadas</span>
            </span>
          )}
        </span>
        <span class="mon-row-order">{i.order_label}</span>
        <span class="mon-row-bottom">
          <span class={`mon-state mon-state-tag-${i.state}`}>{stateLabel(i.state)}</span>
          {i.escalated && (
            <span class="mon-escalated">
              <span aria-hidden="true">⇧ </span>Escalada
            </span>
          )}
          {i.dispatch && <span class="mon-dispatch-tag">Unidad: {dispatchStateLabel(i.dispatch.state)}</span>}
          {i.place_at ? <span class="mon-nofix-tag" title="Lugar: el último conocido, no el actual">sin GPS</span> : null}
        </span>
      </button>
    </li>
  );
}

function SpeakerIcon({ muted }: { muted: boolean }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" class="mon-icon">
      <path d="M3 9h4l5-4v14l-5-4H3z" fill="currentColor" />
      {muted ? (
        <path d="m16 9 6 6m0-6-6 6" stroke="currentColor" stroke-width="2" fill="none" />
      ) : (
        <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" stroke-width="2" fill="none" />
      )}
    </svg>
  );
}
