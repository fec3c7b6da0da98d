// «Mascarilla 19» API (src/pharmacy/routes.cc).
import { api } from '../app/api';

export interface Enrolment {
  id: number;
  name: string;
  chain: string | null;
  comuna: string;
  comuna_name: string;
  region: string;
  region_name: string;
  trained_at: number | null;
  enrolled_at: number;
  demo: boolean;
  address?: string | null;
  /** "+56 2 2212 3456" */
  phone?: string | null;
  /** "76.123.456-0" */
  rut?: string | null;
  contact?: string | null;
  status?: 'active' | 'suspended';
  status_label?: string;
  status_reason?: string | null;
  status_at?: number | null;
  /** Every activation it ever reported. */
  activations?: number;
}

export interface Training {
  id: number;
  trained_at: number;
  staff: number | null;
  note: string | null;
  recorded_at: number;
}

export interface EnrolmentDetail extends Enrolment {
  trainings: Training[];
}

/** What SernamEG writes when enrolling or correcting a pharmacy. */
export interface EnrolmentDraft {
  name: string;
  chain: string;
  comuna: string;
  contact: string;
  address: string;
  phone: string;
  rut: string;
}

export interface EnrolmentFilter {
  region: string;
  comuna: string;
  /** A chain's name, or "independiente". */
  chain: string;
  status: '' | 'active' | 'suspended';
}

export type ReportState = 'waiting' | 'in_contact' | 'contacted';

export interface ReportStatus {
  ref: string;
  at: number;
  in_danger: boolean;
  state: ReportState;
  state_label: string;
  due_at: number;
  overdue: boolean;
  contacted_at: number | null;
  in_queue: boolean;
  demo: boolean;
  emergency?: { call: string; steps: string[] };
  pharmacy?: string;
  comuna?: string;
  /** SernamEG's view only: 0 none, 1 to the 1455 supervision, 2 the second level. */
  escalation?: number;
  escalation_label?: string;
  escalated_at?: number | null;
  overdue_ms?: number;
}

export interface NewReport {
  alias: string;
  phone: string;
  safe_contact: string;
  asked_for: string;
  in_danger: boolean;
}

export interface TerritoryCount {
  code: string;
  name: string;
  enrolled: number;
  chains: number;
  independent: number;
  trained: number;
  activations: number;
  outreach_missing: boolean;
  comunas?: TerritoryCount[];
}

export interface Overview {
  year: number;
  activations: number;
  contacted: number;
  regions: TerritoryCount[];
  seed: { what: string; region: string; seed: number; computed: number; source: string }[];
}

export const getOwnReports = (signal?: AbortSignal) =>
  api.get<{ pharmacy: Enrolment | null; items: ReportStatus[] }>('/pharmacy/reports', { signal });
export const sendReport = (r: NewReport) => api.post<ReportStatus>('/pharmacy/reports', r);
export const getFollowups = (signal?: AbortSignal) => api.get<{ items: ReportStatus[] }>('/pharmacy/followups', { signal });
export const getOverview = (year: number, signal?: AbortSignal) => api.get<Overview>('/pharmacy/overview', { query: { year: String(year) }, signal });

export const getEnrolments = (f: EnrolmentFilter, signal?: AbortSignal) =>
  api.get<{ items: Enrolment[]; chains: string[] }>('/pharmacy/enrolments', {
    query: Object.fromEntries(Object.entries(f).filter(([, v]) => v !== '')) as Record<string, string>,
    signal,
  });
export const getEnrolment = (id: number, signal?: AbortSignal) => api.get<EnrolmentDetail>(`/pharmacy/enrolments/${id}`, { signal });
export const enrolPharmacy = (d: EnrolmentDraft & { trained_at: string }) =>
  api.post<Enrolment>('/pharmacy/enrolments', Object.fromEntries(Object.entries(d).filter(([, v]) => v.trim() !== '')));
export const editEnrolment = (id: number, d: EnrolmentDraft) => api.patch<EnrolmentDetail>(`/pharmacy/enrolments/${id}`, d);
export const addTraining = (id: number, t: { trained_at: string; staff?: number; note?: string }) =>
  api.post<EnrolmentDetail>(`/pharmacy/enrolments/${id}/trainings`, t);
export const setEnrolmentStatus = (id: number, suspend: boolean, reason: string) =>
  api.post<EnrolmentDetail>(`/pharmacy/enrolments/${id}/${suspend ? 'suspend' : 'reactivate'}`, { reason });

/**
 * Radius in pixels of a proportional circle: the AREA is proportional to the count (a circle twice as
 * wide would read as four times as many), `max` pixels for the largest count, never under 4 px.
 */
export function circleRadius(count: number, largest: number, max = 22): number {
  if (count <= 0 || largest <= 0) return 0;
  return Math.max(4, max * Math.sqrt(count / largest));
}

/** A time overdue as an official reads it, as the server writes it: "45 min", "2 h 05 min", "3 d 4 h". */
export function durationText(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  const d = Math.floor(min / 1440), h = Math.floor((min % 1440) / 60), m = min % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min`;
}

/** A Chilean number as the server accepts it: 9 digits, with or without +56 and separators. */
export function phoneProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  if (/[^0-9 +().-]/.test(t)) return 'El teléfono solo puede tener números (por ejemplo +56 9 1234 5678).';
  let d = t.replace(/\D/g, '');
  if (d.length === 11 && d.startsWith('56')) d = d.slice(2);
  return /^[2-9]\d{8}$/.test(d) ? null : 'El teléfono debe tener 9 dígitos, con o sin +56 (por ejemplo +56 9 1234 5678).';
}

export const stateTone = (s: ReportState) => (s === 'contacted' ? 'ok' : s === 'in_contact' ? 'info' : 'warn') as 'ok' | 'info' | 'warn';

/**
 * Upper limits of the map's classes: quantiles of the non-zero counts (five classes at most, fewer
 * when there are few distinct counts), so a handful of large regions do not wash out the others.
 */
export function classLimits(counts: number[], classes = 5): number[] {
  const v = counts.filter((c) => c > 0).sort((a, b) => a - b);
  if (!v.length) return [];
  const out: number[] = [];
  for (let k = 1; k <= classes; k++) {
    const q = v[Math.min(v.length - 1, Math.ceil((k * v.length) / classes) - 1)]!;
    if (!out.length || q > out[out.length - 1]!) out.push(q);
  }
  return out;
}

/** The class of a count: the first limit it does not exceed (the last class for anything above). */
export function classOf(n: number, limits: number[]): number {
  const i = limits.findIndex((l) => n <= l);
  return i < 0 ? Math.max(0, limits.length - 1) : i;
}

type Ring = number[][];
type Geometry = { type: string; coordinates?: unknown; geometries?: Geometry[] } | null | undefined;

function ringArea(r: Ring): { a: number; x: number; y: number } {
  // Shoelace formula over lon/lat: at a comuna's scale the distortion does not move the centre visibly.
  let a = 0, x = 0, y = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i] as [number, number];
    const [xj, yj] = r[j] as [number, number];
    const f = xj * yi - xi * yj;
    a += f;
    x += (xi + xj) * f;
    y += (yi + yj) * f;
  }
  return { a: a / 2, x, y };
}

/**
 * The centroid of a comuna's LARGEST polygon (its outer ring), so an island comuna or one with islets
 * gets its circle on the main land, not in the sea between its parts.
 */
export function featureCentroid(g: Geometry): { lat: number; lon: number } | null {
  const outer: Ring[] = [];
  const walk = (x: Geometry) => {
    if (!x) return;
    if (x.type === 'Polygon') outer.push(((x.coordinates as Ring[]) ?? [])[0] ?? []);
    else if (x.type === 'MultiPolygon') for (const p of (x.coordinates as Ring[][]) ?? []) outer.push(p[0] ?? []);
    else if (x.type === 'GeometryCollection') for (const c of x.geometries ?? []) walk(c);
  };
  walk(g);
  let best: { a: number; x: number; y: number } | null = null;
  for (const r of outer) {
    if (r.length < 3) continue;
    const s = ringArea(r);
    if (!best || Math.abs(s.a) > Math.abs(best.a)) best = s;
  }
  if (!best || best.a === 0) return null;
  return { lon: best.x / (6 * best.a), lat: best.y / (6 * best.a) };
}
