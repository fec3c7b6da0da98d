// The Registro Único de casos as the screens see it: API shapes, Spanish labels for the codes the
// API uses, and pure helpers (dates typed the Chilean way, the record body, the live risk score).
import { api, cached, getItems } from '../app/api';
import { formatNumber, TIME_ZONE } from '../app/format';
import { checkRun, RUN_CHECK_DIGIT_MESSAGE } from '../app/run';

export const READ = 'cases.read';
export const WRITE = 'cases.write';

// ---------------------------------------------------------------- shapes

export interface Identity {
  name: string;
  run?: string;
  run_valid?: boolean;
  document_type?: string;
  other_document?: string;
  given_names?: string;
  surname1?: string;
  surname2?: string;
  birth_date?: string;
  sex?: string;
  nationality?: string;
  comuna_id?: string;
  phone?: string;
  other_phones?: string[];
  address?: string;
  contact_masked?: boolean;
}

export interface SearchResult {
  person_id: number;
  identity: Identity;
  match: 'exacta' | 'probable' | 'posible' | 'lejana' | string;
  weight: number;
  served_by_my_institution: boolean;
  institutions: number;
  comuna?: string;
}

export interface PersonRef {
  person_id: number;
  role: string;
  role_name: string;
}

export interface OrderSummary {
  order_type: string;
  distance_m: number | null;
  starts_on: string | null;
  ends_on: string | null;
  active: boolean;
}

export interface CaseRecord {
  id: number;
  kind: string;
  kind_name: string;
  institution_id: number;
  institution: string;
  occurred_at: string;
  occurred_on: string;
  persons: PersonRef[];
  masked: boolean;
  risk_level?: string;
  reassess_due_on?: string;
  order?: OrderSummary;
  referral?: { to_institution_id: number; to_institution: string; acknowledged: boolean; first_contact: boolean };
  details?: Record<string, unknown>;
  comuna_id?: string | null;
  consent_statistics?: boolean;
  recorded_at?: string;
  author?: string;
}

export interface AlertSummary {
  id: number;
  rule: string;
  severity: string;
  state: string;
  explanation: string;
  raised: string;
  escalation_level: number;
}

export interface LinkEntry {
  id: number;
  kind: 'auto' | 'review' | 'undo' | string;
  from_person_id: number;
  to_person_id: number;
  weight: number | null;
  at: string;
  undone: boolean;
  reason: string;
}

/** A monitored order naming this person (issue 12: one protective order); incidents without
 * coordinates, absent for the shared minimum. */
export interface MonitoredOrder {
  order_id: number;
  record_id: number;
  role: string;
  role_name: string;
  status: string; // vigente | terminada
  starts_on: string | null;
  ends_on: string | null;
  incidents?: { id: number; at: string; type: string; severity: string; state: string; outcome: string | null }[];
}

export const MONITORED_ORDER_STATUS: Record<string, string> = {
  vigente: 'Vigente',
  terminada: 'Terminada',
};

export interface Person {
  id: number;
  requested_id: number;
  identity: Identity;
  served_by_my_institution: boolean;
  emergency_until: string | null;
  may_add_records?: boolean; // false: a new record about her needs an emergency reason
  cases?: { institution_id: number; institution: string; open: boolean }[]; // per institution: its case open or closed
  institutions: { id: number; name: string }[];
  summary: {
    risk_level: string | null;
    reassess_due_on: string | null;
    active_orders: CaseRecord[];
    open_alerts: AlertSummary[];
  };
  timeline: CaseRecord[];
  masked_records: number;
  links: LinkEntry[];
  monitoring?: MonitoredOrder[];
}

export interface AccessLog {
  person_id: number;
  items: { at: string; user: string; institution: string; action: string; full_view: boolean }[];
  emergency_accesses: { user: string; institution: string; reason: string; granted: string; until: string }[];
}

export interface Referral {
  id: number;
  from_institution: string;
  to_institution: string;
  occurred_on: string;
  reason: string;
  state: 'pendiente' | 'acusada' | 'contactada' | string;
  overdue: boolean;
  ack_due: string | null;
  acknowledged: string | null;
  first_contact_due: string | null;
  first_contact: string | null;
  ack_due_at: string | null;
  first_contact_due_at: string | null;
  victim: { person_id: number; name: string; phone: string } | null;
}

export interface ReviewItem {
  id: number;
  state: string;
  weight: number;
  created: string;
  person_id: number;
  candidate_person_id: number;
  name: string;
  candidate_name: string;
}

export interface ComparisonRow {
  field: string;
  label: string;
  left: string;
  right: string | null; // null when withheld
  same: boolean;
  missing: boolean;
  withheld?: boolean; // the reviewer's institution may not see this datum of the candidate
}

export interface ReviewDetail {
  id: number;
  state: string;
  weight: number;
  note: string;
  created: string;
  left: { person_id: number; identity: Identity; records: number };
  right: { person_id: number; identity: Identity; records: number };
  comparison: ComparisonRow[];
}

export interface Statistics {
  from: string;
  to: string;
  by_month: StatRow[];
  by_comuna: StatRow[];
  risk_levels: Record<string, number | null>;
  /** Alerts by month and comuna; null counts are 1–4 («<5»). */
  alerts: { month: string; comuna_id: string; name?: string; count: number | null }[];
  note: string;
}

export interface StatRow {
  key: string;
  name?: string;
  counts: Record<string, number | null>;
  contacts_and_complaints: number | null;
}

export interface Linkage {
  person_id: number;
  role: string;
  linkage: { decision: 'given' | 'link' | 'new' | 'review' | string; weight?: number; exact_run?: boolean; review_id?: number };
}

export interface SavedRecord extends CaseRecord {
  linkage: Linkage[];
  alerts: AlertSummary[];
  replayed?: boolean;
}

export interface ServingInstitution {
  id: number;
  name: string;
  type: string;
}

export interface Notification {
  id: number;
  person_id: number | null; // null: about a user (bulk reading)
  kind: string;
  message: string;
  at: string;
}

// ---- risk instrument (GET /risk/instrument: the configuration document)

export interface InstrumentAnswer {
  id: string;
  label: string;
  weight: number;
}
export interface InstrumentItem {
  id: string;
  section?: string;
  question: string;
  required?: boolean;
  answers: InstrumentAnswer[];
}
export interface Instrument {
  id: string;
  version: number;
  name: string;
  description?: string;
  sections?: { id: string; title: string }[];
  items: InstrumentItem[];
  overrides?: { id: string; description: string; min_level: string; when: Record<string, string[]> }[];
  levels: { level: string; min_score: number }[];
  reassess_days: Record<string, number>;
}

// ---------------------------------------------------------------- API

export const searchPersons = (query: Record<string, string>, signal?: AbortSignal) =>
  getItems<SearchResult>('/cases/persons', { query, signal });
export const getPerson = (id: string | number, signal?: AbortSignal) => api.get<Person>(`/cases/persons/${id}`, { signal });
export const getAccessLog = (id: number, signal?: AbortSignal) => api.get<AccessLog>(`/cases/persons/${id}/access-log`, { signal });
export const requestEmergency = (id: number, reason: string) =>
  api.post<{ person_id: number; until: string }>(`/cases/persons/${id}/emergency-access`, { reason });
export const undoLink = (id: number, reason: string) => api.post(`/cases/links/${id}/undo`, { reason });
export const getReferrals = (direction: 'in' | 'out', signal?: AbortSignal) =>
  getItems<Referral>('/cases/referrals', { query: { direction }, signal });
export const referralStep = (id: number, step: 'acknowledge' | 'first-contact') => api.post(`/cases/referrals/${id}/${step}`, {});
export const getReviews = (state: string, signal?: AbortSignal) => getItems<ReviewItem>('/cases/reviews', { query: { state }, signal });
export const getReview = (id: string | number, signal?: AbortSignal) => api.get<ReviewDetail>(`/cases/reviews/${id}`, { signal });
export const decideReview = (id: number, decision: 'misma_persona' | 'distintas', note: string) =>
  api.post<{ id: number; state: string; person_id?: number; basis?: string | null }>(`/cases/reviews/${id}`, { decision, note });
export const getStatistics = (query: { from?: string; to?: string }, signal?: AbortSignal) =>
  api.get<Statistics>('/cases/statistics', { query, signal });
export const getServingInstitutions = cached(() => getItems<ServingInstitution>('/cases/institutions'));
export const getInstrument = cached(() => api.get<Instrument>('/risk/instrument'));
export const getNotifications = (signal?: AbortSignal) => getItems<Notification>('/cases/notifications', { signal });
/** A random key; getRandomValues works outside secure contexts too, unlike randomUUID. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The key makes a retry after a lost answer safe: the server stores the record once. */
export const submitRecord = (body: unknown, idempotencyKey: string) =>
  api.post<SavedRecord>('/cases/records', body, { headers: { 'Idempotency-Key': idempotencyKey } });

// ---------------------------------------------------------------- labels

type Options = { value: string; label: string }[];

export const KINDS: Options = [
  { value: 'contact', label: 'Contacto o atención' },
  { value: 'complaint', label: 'Denuncia' },
  { value: 'risk_assessment', label: 'Evaluación de riesgo' },
  { value: 'protective_order', label: 'Medida de protección o cautelar' },
  { value: 'order_breach', label: 'Incumplimiento de medida' },
  { value: 'referral', label: 'Derivación a otra institución' },
  { value: 'shelter_entry', label: 'Ingreso a casa de acogida' },
  { value: 'shelter_exit', label: 'Egreso de casa de acogida' },
  { value: 'closure', label: 'Cierre de caso' },
];

export const ROLES: Options = [
  { value: 'victim', label: 'Mujer atendida (víctima)' },
  { value: 'aggressor', label: 'Persona agresora' },
  { value: 'child', label: 'Niña, niño o adolescente' },
];

export const CHANNELS: Options = [
  { value: 'presencial', label: 'Presencial' },
  { value: 'linea_1455', label: 'Fono 1455' },
  { value: 'chat_silencioso', label: 'Chat silencioso' },
  { value: 'whatsapp', label: 'WhatsApp' },
  { value: 'mascarilla_19', label: 'Mascarilla 19 (farmacias)' },
  { value: 'municipal', label: 'Municipalidad' },
  { value: 'derivacion', label: 'Derivación de otra institución' },
  { value: 'otro', label: 'Otro' },
];

export const ORDER_TYPES: Options = [
  { value: 'prohibicion_acercamiento', label: 'Prohibición de acercamiento' },
  { value: 'salida_hogar', label: 'Salida del hogar común' },
  { value: 'prohibicion_comunicacion', label: 'Prohibición de comunicarse' },
  { value: 'vigilancia_telematica', label: 'Vigilancia telemática' },
  { value: 'otra', label: 'Otra' },
];

export const CLOSURE_REASONS: Options = [
  { value: 'egreso_favorable', label: 'Egreso favorable' },
  { value: 'abandono', label: 'Abandono del proceso' },
  { value: 'derivada', label: 'Derivada a otra institución' },
  { value: 'traslado', label: 'Traslado' },
  { value: 'fallecimiento', label: 'Fallecimiento' },
  { value: 'otro', label: 'Otro' },
];

export const DOCUMENT_TYPES: Options = [
  { value: 'pasaporte', label: 'Pasaporte' },
  { value: 'dni_extranjero', label: 'Documento de identidad extranjero' },
  { value: 'otro', label: 'Otro documento' },
];

export const SEXES: Options = [
  { value: 'F', label: 'Femenino' },
  { value: 'M', label: 'Masculino' },
  { value: 'X', label: 'No binario (X)' },
];

export const RISK_LEVELS = ['bajo', 'medio', 'alto', 'vital'] as const;
export const RISK_LABELS: Record<string, string> = { bajo: 'Bajo', medio: 'Medio', alto: 'Alto', vital: 'Vital' };

export const MATCH_LABELS: Record<string, string> = {
  exacta: 'Exacta (RUN)',
  probable: 'Probable',
  posible: 'Posible',
  lejana: 'Lejana',
};

export const REVIEW_STATES: Options = [
  { value: 'pendiente', label: 'Pendientes' },
  { value: 'misma_persona', label: 'Resueltas: misma persona' },
  { value: 'distintas', label: 'Resueltas: personas distintas' },
];

export const ACCESS_ACTIONS: Record<string, string> = {
  view: 'Consultó la ficha',
  emergency_view: 'Consultó la ficha con acceso de emergencia',
  emergency_granted: 'Obtuvo acceso de emergencia',
  search: 'Apareció en una búsqueda',
  referral_inbox: 'Vio la derivación en su bandeja',
  monitoring: 'Consultó la medida para el monitoreo telemático',
};

export function labelOf(options: Options, value: string | null | undefined): string {
  if (!value) return '—';
  return options.find((o) => o.value === value)?.label ?? value;
}

export function riskRank(level: string | null | undefined): number {
  return level ? RISK_LEVELS.indexOf(level as (typeof RISK_LEVELS)[number]) : -1;
}

// ---------------------------------------------------------------- pure helpers

/** A birth date as the API accepts it: dd-mm-aaaa, mm-aaaa or aaaa (or empty). Returns an error message or null. */
export function birthDateProblem(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  if (!/^(\d{1,2}-)?(\d{1,2}-)?\d{4}$/.test(t)) return 'Escriba la fecha como dd-mm-aaaa, mm-aaaa o solo el año aaaa.';
  const parts = t.split('-').map(Number);
  const year = parts[parts.length - 1]!;
  const now = new Date().getFullYear();
  if (year < 1900 || year > now) return 'El año de nacimiento no es posible.';
  if (parts.length >= 2) {
    const month = parts[parts.length - 2]!;
    if (month < 1 || month > 12) return 'El mes no existe.';
    if (parts.length === 3) {
      const day = parts[0]!;
      const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (day < 1 || day > last) return 'Ese día no existe en ese mes.';
    }
  }
  return null;
}

function santiagoOffsetMs(utcMs: number): number {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(utcMs))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour === 24 ? 0 : p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** A wall-clock day (YYYY-MM-DD) and time ("14:05") in Santiago → ISO 8601 UTC; null when the time is malformed. */
export function santiagoToIso(day: string, time: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const t = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!d || !t) return null;
  const h = Number(t[1]);
  const mi = Number(t[2]);
  if (h > 23 || mi > 59) return null;
  const guess = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), h, mi);
  let utc = guess - santiagoOffsetMs(guess);
  utc = guess - santiagoOffsetMs(utc);
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}

/** "2026-11" (what the statistics API wants) from "11-2026" as typed, or from "2026-11"; null when malformed. */
export function monthInput(text: string): string | null {
  const t = text.trim();
  let m = /^(\d{1,2})[-/](\d{4})$/.exec(t);
  if (m) {
    const mo = Number(m[1]);
    return mo >= 1 && mo <= 12 ? `${m[2]}-${String(mo).padStart(2, '0')}` : null;
  }
  m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) return Number(m[2]) >= 1 && Number(m[2]) <= 12 ? t : null;
  return null;
}

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

/** "2026-03" → "marzo 2026". */
export function monthName(key: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m) return key;
  return `${MONTHS[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

/** A statistics cell: null is a small count (1–4) kept private, shown as «<5». */
export function statCell(value: number | null | undefined): string {
  if (value === null) return '<5';
  if (value === undefined) return '0';
  return formatNumber(value);
}

export interface Evaluation {
  score: number;
  scoreLevel: string;
  computedLevel: string;
  overrides: { id: string; description: string; min_level: string }[];
  missing: string[];
}

/** The instrument's own rule, evaluated in the browser while the form is filled (the server's answer is what counts). */
export function evaluateRisk(instrument: Instrument, answers: Record<string, string>): Evaluation {
  let score = 0;
  const missing: string[] = [];
  for (const item of instrument.items) {
    const a = answers[item.id];
    const answer = a ? item.answers.find((x) => x.id === a) : undefined;
    if (answer) score += answer.weight;
    else if (item.required) missing.push(item.id);
  }
  const levels = [...instrument.levels].sort((x, y) => x.min_score - y.min_score);
  let scoreLevel = levels[0]?.level ?? 'bajo';
  for (const l of levels) if (score >= l.min_score) scoreLevel = l.level;
  let computedLevel = scoreLevel;
  const overrides: Evaluation['overrides'] = [];
  for (const o of instrument.overrides ?? []) {
    const fires = Object.entries(o.when).every(([item, accepted]) => !!answers[item] && accepted.includes(answers[item]!));
    if (!fires) continue;
    overrides.push({ id: o.id, description: o.description, min_level: o.min_level });
    if (riskRank(o.min_level) > riskRank(computedLevel)) computedLevel = o.min_level;
  }
  return { score, scoreLevel, computedLevel, overrides, missing };
}

// ---- the record form's body

export interface IdentityDraft {
  run: string;
  document_type: string;
  other_document: string;
  given_names: string;
  surname1: string;
  surname2: string;
  birth_date: string;
  sex: string;
  nationality: string;
  comuna_id: string;
  phone: string;
  address: string;
}

export const EMPTY_IDENTITY: IdentityDraft = {
  run: '',
  document_type: '',
  other_document: '',
  given_names: '',
  surname1: '',
  surname2: '',
  birth_date: '',
  sex: '',
  nationality: '',
  comuna_id: '',
  phone: '',
  address: '',
};

export interface PersonDraft {
  key: number;
  role: string;
  /** An existing person of the registry (from her page), or null for identity fields. */
  personId: number | null;
  name?: string;
  identity: IdentityDraft;
  /** "RUN informado sin verificar": keep a RUN whose check digit does not match (the server refuses it otherwise). */
  runUnverified?: boolean;
}

/** The identity object of a new person: only what was typed, trimmed. */
export function identityBody(d: IdentityDraft): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d)) {
    const t = v.trim();
    if (t) out[k] = t;
  }
  if (out.document_type && !out.other_document) delete out.document_type;
  return out;
}

export function personsBody(persons: PersonDraft[]): unknown[] {
  return persons.map((p) =>
    p.personId !== null
      ? { role: p.role, person_id: p.personId }
      : { role: p.role, identity: identityBody(p.identity), ...(p.runUnverified && p.identity.run.trim() ? { run_unverified: true } : {}) },
  );
}

/** Local checks of the persons block, keyed by the API's field names (persons[0].identity.birth_date…). */
export function personsProblems(persons: PersonDraft[]): Record<string, string> {
  const out: Record<string, string> = {};
  persons.forEach((p, i) => {
    if (p.personId !== null) return;
    const id = identityBody(p.identity);
    const base = `persons[${i}].identity`;
    if (!id.run && !id.given_names && !id.surname1 && !id.surname2 && !id.other_document)
      out[`${base}.given_names`] = 'Indique al menos un nombre, un apellido o un documento de la persona.';
    if (checkRun(p.identity.run).state === 'wrong_digit' && !p.runUnverified)
      out[`${base}.run`] = `${RUN_CHECK_DIGIT_MESSAGE} Si la persona lo informó así, marque «RUN informado sin verificar».`;
    const b = birthDateProblem(p.identity.birth_date);
    if (b) out[`${base}.birth_date`] = b;
    if (id.comuna_id && !/^\d{5}$/.test(id.comuna_id)) out[`${base}.comuna_id`] = 'Elija la comuna de la lista.';
  });
  if (!persons.some((p) => p.role === 'victim')) out.persons = 'Indique al menos a la mujer atendida (rol víctima).';
  return out;
}
