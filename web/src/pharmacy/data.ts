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
