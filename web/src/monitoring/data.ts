// Telematic monitoring (issue 6) as the screens see it: the API shapes of src/monitoring/API.md,
// calls, labels, and the pure helpers the console is built on (how each alert type looks and
// sounds, the queue's order, ages, folding live updates, replay interpolation, reconnect back-off).
import { useEffect, useState } from 'preact/hooks';
import { api, getItems } from '../app/api';

export const HANDLE = 'alerts.handle';
export const MANAGE = 'monitoring.manage';
export const RECEIVE = 'dispatch.receive';

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type AlertType =
  | 'panic'
  | 'proximity_breach'
  | 'proximity_warning'
  | 'zone_enter'
  | 'zone_exit'
  | 'tamper'
  | 'low_battery'
  | 'silence';
export type DeviceKind = 'victim_bracelet' | 'victim_mobile' | 'aggressor_tag';
export type IncidentState = 'nueva' | 'en_gestion' | 'despachada' | 'cerrada';
/** «anulado»: replaced by a dispatch to another unit (re-dispatch). */
export type DispatchState = 'enviado' | 'aceptado' | 'en_camino' | 'en_sitio' | 'cerrado' | 'anulado';

export interface LatLon {
  lat: number;
  lon: number;
}

export interface Dispatch {
  id: number;
  incident_id: number;
  institution_id: number;
  unit_name: string;
  unit_kind?: string;
  state: DispatchState;
  state_label?: string;
  created_at: number;
  accepted_at: number | null;
  en_route_at: number | null;
  on_site_at: number | null;
  closed_at: number | null;
  cancelled_at?: number | null;
  outcome: string | null;
  outcome_label?: string | null;
  note: string | null;
  escalated: boolean;
  incident?: { type: string; type_label: string; severity: string; lat: number | null; lon: number | null; comuna_id: string | null; order_label: string;
    victim_name?: string; victim_phone?: string; aggressor_name?: string; origin?: string | null; origin_label?: string | null };
}

export interface Incident {
  id: number;
  order_id: number;
  order_label: string;
  type: AlertType | string;
  type_label: string;
  severity: Severity | string;
  device_id: string;
  device_kind: DeviceKind | string;
  zone_id: number | null;
  zone_label: string | null;
  first_at: number;
  last_at: number;
  count: number;
  lat: number | null;
  lon: number | null;
  /** Set when the alert came without a GPS fix: lat/lon are the last known place, fixed at this instant. */
  place_at?: number | null;
  distance_m: number | null;
  battery: number | null;
  comuna_id: string | null;
  state: IncidentState | string;
  escalated: boolean;
  taken_by: string | number | null;
  outcome: string | null;
  outcome_label?: string | null;
  dispatch: Dispatch | null;
}

export interface LiveDevice {
  device_id: string;
  kind: DeviceKind | string;
  order_id: number;
  /** The last GPS fix (the place) and its instant. */
  lat: number | null;
  lon: number | null;
  at: number | null;
  battery: number | null;
  /** The last report, fix or not. */
  report_at?: number | null;
  /** The last report had no GPS fix (cell towers, Wi-Fi only): lat/lon are only the last known place. */
  no_fix?: boolean;
}

/**
 * A live position message applied to what the console knows of the device. A report without a fix
 * never moves the device (no 0,0, no "here now"): it keeps the last fix and its time, and says
 * when the device last reported and that it had no GPS.
 */
export function mergeLiveDevice(prev: LiveDevice | undefined, m: LiveDevice): LiveDevice {
  if (m.no_fix) {
    return {
      device_id: m.device_id, kind: m.kind, order_id: m.order_id,
      lat: prev?.lat ?? null, lon: prev?.lon ?? null, at: prev?.at ?? null,
      battery: m.battery ?? prev?.battery ?? null,
      report_at: m.report_at ?? null, no_fix: true,
    };
  }
  return { device_id: m.device_id, kind: m.kind, order_id: m.order_id, lat: m.lat, lon: m.lon, at: m.at, battery: m.battery, report_at: m.at, no_fix: false };
}

/** "Sin GPS · último reporte hace 1 min · último lugar conocido hace 42 min", for a device reporting without a fix. */
export function noFixText(d: Pick<LiveDevice, 'at' | 'report_at' | 'lat'>, now: number = Date.now()): string {
  const parts = ['Sin GPS'];
  if (d.report_at) parts.push(`último reporte ${ageText(d.report_at, now)}`);
  parts.push(d.at && d.lat !== null ? `último lugar conocido ${ageText(d.at, now)}` : 'sin lugar conocido');
  return parts.join(' · ');
}

export interface ConsoleSnapshot {
  now: number;
  incidents: Incident[];
  devices: LiveDevice[];
  stats: Record<string, number>;
}

export interface TrackPoint {
  lat: number;
  lon: number;
  at: number;
}
export interface DeviceTrack {
  device_id: string;
  kind: DeviceKind | string;
  points: TrackPoint[];
}

export interface Zone {
  id: number;
  label: string;
  shape: 'circle' | 'polygon' | string;
  lat: number | null;
  lon: number | null;
  radius_m: number | null;
  polygon: [number, number][] | null;
}

export interface OrderDevice {
  device_id: string;
  kind: DeviceKind | string;
  holder: 'victima' | 'agresor' | string;
  active: boolean;
  last: { lat: number; lon: number; at: number; battery: number | null } | null;
}

export interface OrderSummary {
  id: number;
  label: string;
  court: string | null;
  comuna_id: string | null;
  min_distance_m: number;
  approach_m: number | null;
  starts_on: string | null;
  ends_on: string | null;
  status: 'vigente' | 'terminada' | string;
  /** When it was ended ("dd-mm-aaaa hh:mm") and why; null while in force. */
  ended_at: string | null;
  ended_reason: string | null;
  victim_name: string;
  aggressor_name: string;
  /** The case registry's protective order this monitors, and its persons (null: entered by hand). */
  record_id?: number | null;
  victim_person_id?: number | null;
  aggressor_person_id?: number | null;
  zones: number;
  devices: number;
}

export interface Order extends Omit<OrderSummary, 'zones' | 'devices'> {
  victim_phone: string | null;
  aggressor_phone: string | null;
  victim_home: LatLon | null;
  aggressor_home: LatLon | null;
  zones: Zone[];
  devices: OrderDevice[];
}

export interface Action {
  at: number;
  kind: string;
  kind_label: string;
  note: string | null;
  outcome: string | null;
  outcome_label?: string | null;
  /** Calls: whether the person answered. */
  reached?: boolean | null;
  user_name: string | null;
}

export interface IncidentDetail {
  incident: Incident;
  order: Order;
  alerts: { at: number; type: string; lat: number | null; lon: number | null; distance_m: number | null; battery: number | null }[];
  actions: Action[];
  dispatches: Dispatch[];
  track: { devices: DeviceTrack[] };
}

export type LiveMessage =
  | { type: 'hello'; now: number }
  | { type: 'incident'; incident: Incident }
  | ({ type: 'position' } & LiveDevice)
  | { type: 'dispatch'; dispatch: Dispatch };

// ---------- calls ----------

const M = '/monitoring';
export const getConsole = (signal?: AbortSignal) => api.get<ConsoleSnapshot>(`${M}/console`, { signal });
export const listIncidents = (state: 'open' | 'closed' | 'all', signal?: AbortSignal) => getItems<Incident>(`${M}/incidents`, { query: { state }, signal });
export const getIncident = (id: number | string, signal?: AbortSignal) => api.get<IncidentDetail>(`${M}/incidents/${id}`, { signal });
export const getTrail = (orderId: number, minutes = 60, signal?: AbortSignal) =>
  api.get<{ devices: DeviceTrack[] }>(`${M}/orders/${orderId}/trail`, { query: { minutes }, signal });
export const postAction = (id: number, body: { kind: string; note?: string; reached?: boolean; outcome?: string }) =>
  api.post<{ incident: Incident }>(`${M}/incidents/${id}/actions`, body);
/** A unit the operator may send (the comuna's responsible one comes first, marked). */
export interface UnitChoice {
  institution_id: number;
  name: string;
  kind: 'police' | 'municipal' | string;
  responsible: boolean;
}
export const listUnits = (incidentId: number, signal?: AbortSignal) => getItems<UnitChoice>(`${M}/incidents/${incidentId}/units`, { signal });
/** Dispatch a unit (none: the comuna's); `redispatch` replaces the dispatch in course. */
export const postDispatch = (id: number, body: { note?: string; institution_id?: number; redispatch?: boolean } = {}) =>
  api.post<{ dispatch: Dispatch }>(`${M}/incidents/${id}/dispatch`, body);
export const exportUrl = (id: number) => `/api/v1${M}/incidents/${id}/export`;
// The same signed document inside an A4 page with es-CL dates (equidad monitor verify checks both).
export const printableEvidenceUrl = (id: number) => `${exportUrl(id)}?formato=html`;
export const getEvidence = (id: number) => api.get<unknown>(`${M}/incidents/${id}/export`);

/** A protective order of the case registry, as the monitoring order form shows it before creating. */
export interface CourtOrder {
  record_id: number;
  court: string;
  order_type: string;
  comuna_id: string | null;
  distance_m: number | null;
  starts_on: string | null;
  ends_on: string | null;
  victim: { person_id: number; name: string };
  aggressor: { person_id: number; name: string };
}
export const getCourtOrder = (recordId: number, signal?: AbortSignal) =>
  api.get<{ court_order: CourtOrder }>(`${M}/court-orders/${recordId}`, { signal });

export const listOrders = (signal?: AbortSignal) => getItems<OrderSummary>(`${M}/orders`, { signal });
export const getOrder = (id: number | string, signal?: AbortSignal) => api.get<{ order: Order; warnings: string[] }>(`${M}/orders/${id}`, { signal });
export const createOrder = (body: Record<string, unknown>) => api.post<{ order: Order; warnings: string[] }>(`${M}/orders`, body);
export const endOrder = (id: number, reason: string) => api.post<{ order: Order }>(`${M}/orders/${id}/end`, { reason });
export const addZone = (orderId: number, body: Record<string, unknown>) => api.post<{ zone: Zone; warnings: string[] }>(`${M}/orders/${orderId}/zones`, body);
export const addDevice = (orderId: number, body: { device_id: string; kind: string }) =>
  api.post<{ device: OrderDevice; secret: string }>(`${M}/orders/${orderId}/devices`, body);

export const listDispatches = (signal?: AbortSignal) => getItems<Dispatch>(`${M}/dispatches`, { signal });
export const setDispatchState = (id: number, body: { state: string; outcome?: string; note?: string }) =>
  api.post<{ dispatch: Dispatch }>(`${M}/dispatches/${id}/status`, body);

// ---------- how each type and severity looks and sounds ----------

export interface SeverityLook {
  /** Spanish name shown in the badge. */
  name: string;
  /** Shape drawn beside the text (never colour alone). */
  icon: string;
  /** Sort rank: 0 first. */
  rank: number;
  /** What the console plays: a repeating alarm, a single chime, or nothing. */
  sound: 'urgent' | 'alert' | 'chime' | 'none';
  /** Colour of the marker on the map. */
  color: string;
}

export const SEVERITY_LOOK: Record<Severity, SeverityLook> = {
  critical: { name: 'Crítica', icon: '⬣', rank: 0, sound: 'urgent', color: '#c4141b' },
  high: { name: 'Alta', icon: '▲', rank: 1, sound: 'alert', color: '#d9650b' },
  medium: { name: 'Media', icon: '◆', rank: 2, sound: 'chime', color: '#b88a00' },
  low: { name: 'Baja', icon: '●', rank: 3, sound: 'none', color: '#4a6a8c' },
  info: { name: 'Información', icon: 'ⓘ', rank: 4, sound: 'none', color: '#6b7689' },
};

/** The severity the API.md fixes for each type (used when a message lacks it, and in tests). */
export const TYPE_SEVERITY: Record<AlertType, Severity> = {
  panic: 'critical',
  proximity_breach: 'critical',
  tamper: 'high',
  zone_enter: 'high',
  proximity_warning: 'medium',
  silence: 'medium',
  low_battery: 'low',
  zone_exit: 'info',
};

export interface TypeLook {
  label: string;
  /** A glyph particular to the type, shown beside its label. */
  glyph: string;
}

export const TYPE_LOOK: Record<AlertType, TypeLook> = {
  panic: { label: 'Botón de pánico', glyph: 'SOS' },
  proximity_breach: { label: 'Quebrantamiento de distancia', glyph: '⇥⇤' },
  proximity_warning: { label: 'Aviso de acercamiento', glyph: '→←' },
  zone_enter: { label: 'Ingreso a zona de exclusión', glyph: '⊘' },
  zone_exit: { label: 'Salida de zona de exclusión', glyph: '↗' },
  tamper: { label: 'Manipulación o corte de correa', glyph: '✂' },
  low_battery: { label: 'Batería baja', glyph: '▭' },
  silence: { label: 'Sin señal', glyph: '⌀' },
};

export function severityOf(sev: string | null | undefined, type?: string): Severity {
  if (sev && sev in SEVERITY_LOOK) return sev as Severity;
  if (type && type in TYPE_SEVERITY) return TYPE_SEVERITY[type as AlertType];
  return 'info';
}

export function severityLook(sev: string | null | undefined, type?: string): SeverityLook & { id: Severity } {
  const id = severityOf(sev, type);
  return { id, ...SEVERITY_LOOK[id] };
}

export function typeLook(type: string, serverLabel?: string | null): TypeLook {
  const known = TYPE_LOOK[type as AlertType];
  return { label: serverLabel || known?.label || type, glyph: known?.glyph ?? '•' };
}

export const STATE_LABELS: Record<string, string> = {
  nueva: 'Nueva',
  en_gestion: 'En gestión',
  despachada: 'Unidad despachada',
  cerrada: 'Cerrada',
};
export const stateLabel = (s: string) => STATE_LABELS[s] ?? s;

export const DISPATCH_STATE_LABELS: Record<string, string> = {
  enviado: 'Enviado, sin aceptar',
  aceptado: 'Aceptado',
  en_camino: 'En camino',
  en_sitio: 'En el lugar',
  cerrado: 'Cerrado',
  anulado: 'Anulado (redespachado)',
};
export const dispatchStateLabel = (s: string) => DISPATCH_STATE_LABELS[s] ?? s;

/** The next state a unit may report, and the words on its button. */
export function nextDispatchStep(state: string): { state: DispatchState; label: string } | null {
  switch (state) {
    case 'enviado':
      return { state: 'aceptado', label: 'Aceptar' };
    case 'aceptado':
      return { state: 'en_camino', label: 'En camino' };
    case 'en_camino':
      return { state: 'en_sitio', label: 'En el lugar' };
    case 'en_sitio':
      return { state: 'cerrado', label: 'Cerrar con resultado' };
    default:
      return null;
  }
}

/** The server's fixed lists with their Spanish labels (GET /monitoring/labels): one list, there. */
export interface Labels {
  outcomes: { id: string; label: string }[];
  actions: { id: string; label: string }[];
  dispatch_states: { id: string; label: string }[];
}
let labels: Promise<Labels> | null = null;
export function getLabels(): Promise<Labels> {
  labels ??= api.get<Labels>(`${M}/labels`).catch((e) => {
    labels = null; // a failed fetch is retried next time
    throw e;
  });
  return labels;
}
/** Closing outcomes (incidents and dispatches share them) as select options, from the server. */
export function useOutcomes(): { value: string; label: string }[] {
  const [list, setList] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    let live = true;
    getLabels()
      .then((l) => live && setList(l.outcomes.map((o) => ({ value: o.id, label: o.label }))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return list;
}
/** An outcome as the server labelled it (incidents, dispatches and actions carry `outcome_label`). */
export const outcomeLabel = (o: string | null | undefined, label?: string | null) => (o ? (label ?? o) : '—');

export const DEVICE_KINDS = [
  { value: 'victim_bracelet', label: 'Pulsera de la víctima (botón de pánico)' },
  { value: 'victim_mobile', label: 'Teléfono móvil de la víctima' },
  { value: 'aggressor_tag', label: 'Dispositivo del agresor (tobillera)' },
];
export const deviceKindLabel = (k: string) => DEVICE_KINDS.find((d) => d.value === k)?.label ?? k;
export const isAggressor = (kind: string) => kind === 'aggressor_tag';

// ---------- queue ----------

const stateRank = (s: string) => (s === 'cerrada' ? 1 : 0);

/**
 * The console's queue: open before closed, then most severe first, then the one waiting longest
 * (oldest first alert), then by id so the order never jumps between equal rows.
 */
export function sortQueue<T extends Pick<Incident, 'severity' | 'type' | 'first_at' | 'id' | 'state'>>(items: T[]): T[] {
  return [...items].sort(
    (a, b) =>
      stateRank(a.state) - stateRank(b.state) ||
      SEVERITY_LOOK[severityOf(a.severity, a.type)].rank - SEVERITY_LOOK[severityOf(b.severity, b.type)].rank ||
      a.first_at - b.first_at ||
      a.id - b.id,
  );
}

/**
 * Applies one live incident message to the open queue: replaces the row of the same id (a folded
 * repeat raises its count), adds a new one, or drops it when closed. `isNew` says whether it is an
 * incident the console had not seen (what rings the bell).
 */
export function upsertIncident(list: Incident[], incoming: Incident): { list: Incident[]; isNew: boolean } {
  const i = list.findIndex((x) => x.id === incoming.id);
  if (incoming.state === 'cerrada') return { list: i < 0 ? list : list.filter((x) => x.id !== incoming.id), isNew: false };
  if (i < 0) return { list: [...list, incoming], isNew: true };
  const out = list.slice();
  out[i] = incoming;
  return { list: out, isNew: false };
}

/** A dispatch update folded into the incident it belongs to. */
export function applyDispatch(list: Incident[], d: Dispatch): Incident[] {
  return list.map((x) => (x.id === d.incident_id ? { ...x, dispatch: d } : x));
}

// ---------- words ----------

/** "hace 40 s", "hace 2 min", "hace 3 h", "hace 2 días" since `ms`, at `now`. */
export function ageText(ms: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.floor((now - ms) / 1000));
  if (s < 5) return 'recién';
  if (s < 60) return `hace ${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `hace ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `hace ${h} h`;
  return `hace ${Math.floor(h / 24)} días`;
}

/** "×14" for an incident that folded 14 alerts; nothing for a single one. */
export function repeatText(count: number): string {
  return count > 1 ? `×${count}` : '';
}

/** 1234.5 → "1.235 m", 12345 → "12,3 km" (es-CL). */
export function distanceText(m: number | null | undefined): string {
  if (m === null || m === undefined || !Number.isFinite(m)) return '—';
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(1).replace('.', ',')} km`;
}

/** "+56 9 6123 4567" → "tel:+56961234567" (only digits and a leading +). */
export function telHref(phone: string): string {
  const t = phone.trim();
  return `tel:${t.startsWith('+') ? '+' : ''}${t.replace(/\D/g, '')}`;
}

// ---------- replay ----------

export interface ReplayFrame {
  device_id: string;
  kind: string;
  lat: number;
  lon: number;
  /** True when the time falls between two fixes (the position is interpolated). */
  interpolated: boolean;
}

/** The time span covered by the tracks, or null when there is no point. */
export function trackSpan(devices: DeviceTrack[]): { start: number; end: number } | null {
  let start = Infinity;
  let end = -Infinity;
  for (const d of devices)
    for (const p of d.points) {
      if (p.at < start) start = p.at;
      if (p.at > end) end = p.at;
    }
  return Number.isFinite(start) ? { start, end } : null;
}

/**
 * Where one device was at instant `t`: linear between the fixes around it; nothing before its first
 * fix; its last fix after it (it is not invented beyond). Points need not arrive sorted.
 */
export function positionAt(points: TrackPoint[], t: number): { lat: number; lon: number; interpolated: boolean } | null {
  if (points.length === 0) return null;
  const pts = isSorted(points) ? points : [...points].sort((a, b) => a.at - b.at);
  if (t < pts[0]!.at) return null;
  const last = pts[pts.length - 1]!;
  if (t >= last.at) return { lat: last.lat, lon: last.lon, interpolated: false };
  // binary search: the last point with at <= t
  let lo = 0;
  let hi = pts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pts[mid]!.at <= t) lo = mid;
    else hi = mid - 1;
  }
  const a = pts[lo]!;
  const b = pts[lo + 1]!;
  if (a.at === t) return { lat: a.lat, lon: a.lon, interpolated: false };
  const f = (t - a.at) / (b.at - a.at);
  return { lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f, interpolated: true };
}

function isSorted(points: TrackPoint[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]!.at < points[i - 1]!.at) return false;
  return true;
}

/** Every device's position at `t` (devices without a fix yet are left out). */
export function replayFrame(devices: DeviceTrack[], t: number): ReplayFrame[] {
  const out: ReplayFrame[] = [];
  for (const d of devices) {
    const p = positionAt(d.points, t);
    if (p) out.push({ device_id: d.device_id, kind: d.kind, ...p });
  }
  return out;
}

/** Great-circle distance in metres (haversine). */
export function metersBetween(a: LatLon, b: LatLon): number {
  const R = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------- live connection ----------

/** Reconnect delay after `attempt` failures: 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** ws(s)://host/api/v1/monitoring/… for the page's own origin. */
export function liveUrl(path: string, loc: { protocol: string; host: string } = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/api/v1${M}/${path}`;
}
