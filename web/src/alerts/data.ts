// Early alerts as the screens see them: API shapes, labels and pure helpers (an alert's age, a
// rule's parameters in words).
import { api } from '../app/api';
import type { Vocabulary } from '../app/labels';

export const RESPOND = 'alerts.respond';
export const CONFIGURE = 'alerts.configure';

export interface Alert {
  id: number;
  rule: { id: number; version: number; name: string };
  template: string;
  severity: 'critica' | 'alta' | 'media' | string;
  severity_name: string;
  person_id: number;
  explanation: string;
  institution_id: number;
  comuna_id: string | null;
  record_ids: number[];
  trigger_at: number;
  trigger_date: string;
  raised_at: number;
  raised_date: string;
  state: 'nueva' | 'en_gestion' | 'cerrada' | string;
  state_name: string;
  escalation_level: number;
  escalated: boolean;
  escalated_at: number | null;
  take_within_minutes: number;
  take_due_at: number | null;
  taken_by: number | null;
  taken_at: number | null;
  closed_by: number | null;
  closed_at: number | null;
  outcome: string | null;
  outcome_name: string | null;
}

export interface AlertEvent {
  id: number;
  at: number;
  date: string;
  kind: 'raised' | 'taken' | 'closed' | 'escalated' | string;
  user_id: number | null;
  institution_id: number | null;
  note: string | null;
  outcome: string | null;
  escalation_level: number;
}

export interface AlertDetail extends Alert {
  events: AlertEvent[];
  outcomes: Vocabulary;  // closing outcomes, the server's one list
}

export interface AlertPage {
  items: Alert[];
  total: number;
  page: number;
  per_page: number;
}

export interface RuleVersion {
  id: number;
  version: number;
  name_es: string;
  template: string;
  template_name: string;
  time_based: boolean;
  params: Record<string, unknown>;
  severity: string;
  severity_name: string;
  enabled: boolean;
  take_within_minutes: number;
  created_at: number;
  created_by: number | null;
}

export interface Template {
  id: string;
  name: string;
  time_based: boolean;
  defaults: Record<string, unknown>;
}

export interface RulesAnswer {
  items: RuleVersion[];
  templates: Template[];
  severities: string[];
}

export interface DryRun {
  rule: { template: string; params: Record<string, unknown>; severity: string; name_es: string };
  total: number;
  persons: number;
  persons_scanned: number;
  by_month: { month: string; count: number }[];
  examples: { person_id: number; at: number; date: string; explanation: string; institution_id: number; comuna_id: string | null; record_ids: number[] }[];
}

export const listAlerts = (query: Record<string, string | number>, signal?: AbortSignal) => api.get<AlertPage>('/alerts', { query, signal });
export const getAlert = (id: string | number, signal?: AbortSignal) => api.get<AlertDetail>(`/alerts/${id}`, { signal });
export const takeAlert = (id: number, note: string) => api.post<AlertDetail>(`/alerts/${id}/take`, note ? { note } : {});
export const closeAlert = (id: number, outcome: string, note: string) => api.post<AlertDetail>(`/alerts/${id}/close`, { outcome, note });
export const getRules = (signal?: AbortSignal) => api.get<RulesAnswer>('/alerts/rules', { signal });
export const getRule = (id: number, signal?: AbortSignal) => api.get<RuleVersion & { versions: RuleVersion[] }>(`/alerts/rules/${id}`, { signal });
export const updateRule = (id: number, changes: Record<string, unknown>) =>
  api.put<RuleVersion & { versions: RuleVersion[] }>(`/alerts/rules/${id}`, changes);
export const dryRun = (body: Record<string, unknown>) => api.post<DryRun>('/alerts/rules/dry-run', body);

export const SEVERITIES = [
  { value: 'critica', label: 'Crítica' },
  { value: 'alta', label: 'Alta' },
  { value: 'media', label: 'Media' },
];

export const STATES = [
  { value: 'nueva', label: 'Nueva' },
  { value: 'en_gestion', label: 'En gestión' },
  { value: 'cerrada', label: 'Cerrada' },
];

export const EVENT_LABELS: Record<string, string> = {
  raised: 'Alerta levantada',
  taken: 'Tomada',
  closed: 'Cerrada',
  escalated: 'Escalada',
};

/** "hace 5 min", "hace 3 h", "hace 2 días" since `ms`, at `now`. */
export function age(ms: number, now: number = Date.now()): string {
  const min = Math.max(0, Math.floor((now - ms) / 60000));
  if (min < 1) return 'recién';
  if (min < 60) return `hace ${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `hace ${h} h`;
  const d = Math.floor(h / 24);
  return `hace ${d} días`;
}

/** Minutes as words: 30 → "30 min", 240 → "4 h", 2880 → "2 días". */
export function minutesText(m: number): string {
  if (m < 60) return `${m} min`;
  if (m % 1440 === 0) return m === 1440 ? '1 día' : `${m / 1440} días`;
  if (m % 60 === 0) return `${m / 60} h`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const KIND_NAMES: Record<string, string> = {
  contact: 'contactos',
  complaint: 'denuncias',
  risk_assessment: 'evaluaciones de riesgo',
  protective_order: 'medidas',
  order_breach: 'incumplimientos',
  referral: 'derivaciones',
  shelter_entry: 'ingresos a casa de acogida',
  shelter_exit: 'egresos de casa de acogida',
  closure: 'cierres',
};

export const PARAM_LABELS: Record<string, string> = {
  min_level: 'Nivel mínimo',
  level: 'Nivel de la evaluación',
  kinds: 'Tipos de registro',
  window_days: 'Ventana (días)',
  min: 'Cantidad mínima',
  min_victims: 'Víctimas distintas (mínimo)',
  grace_minutes: 'Tolerancia (minutos)',
  hours: 'Horas sin seguimiento',
  grace_days: 'Tolerancia (días)',
};

export const RECORD_KINDS = Object.keys(KIND_NAMES);
export function kindName(k: string): string {
  return KIND_NAMES[k] ?? k;
}

/** A rule's parameters in words: "Nivel mínimo: alto · Ventana (días): 30". */
export function paramsText(params: Record<string, unknown>): string {
  const parts = Object.entries(params).map(([k, v]) => {
    const value = Array.isArray(v) ? v.map((x) => kindName(String(x))).join(', ') : String(v);
    return `${PARAM_LABELS[k] ?? k}: ${value}`;
  });
  return parts.length ? parts.join(' · ') : 'Sin parámetros';
}
