// Policy tracking: types and calls of /api/v1/policy.
import { api, ApiError, buildUrl, getItems, uploadBody } from '../app/api';

export const REPORT = 'policy.report';
export const VALIDATE = 'policy.validate';
export const READ = 'policy.read';

export interface Figure {
  progress: number;
  progress_text: string;
  leaves: number;
  reported: number;
  sin_reporte: number;
}

/** The same figure computed from the records (server: src/policy/seed_check.h). */
export interface Check {
  metric: string;
  agreement?: string;
  value?: number;
  text?: string;
  agrees: boolean;
  item_id?: number | null;
  error?: string;
}

export interface Declared {
  id: number;
  item_id: number | null;
  label: string;
  text: string;
  source: string | null;
  check?: Check | null;
}

export interface Instrument extends Figure {
  id: number;
  code: string;
  name: string;
  kind: string;
  start_year: number | null;
  end_year: number | null;
  description: string | null;
  source: string | null;
  declared: Declared[];
  /** The figures come from the demo's generated history. */
  demo_data?: boolean;
}

export interface Period {
  id: number;
  label: string;
  kind: string;
  opens_on: string;
  closes_on: string;
  grace_days: number;
  reopened_until: string | null;
  state: string;
  state_name: string;
  accepts_reports: boolean;
}

export interface Indicator {
  name: string | null;
  unit: string | null;
  numerator: number | null;
  denominator: number | null;
  baseline?: number | null;
  target?: number | null;
  computed_text?: string;
}

export interface Item extends Figure {
  id: number;
  parent_id: number | null;
  level: string;
  level_name: string;
  code: string | null;
  title: string;
  weight: number;
  status: string;
  region_id: string | null;
  institutions: { id: number; name: string }[];
  indicator: Indicator | null;
  source_note: string | null;
  is_leaf: boolean;
  no_report: boolean;
}

export interface InstrumentDetail extends Instrument {
  items: Item[];
  periods: Period[];
  method: string;
}

export interface Version {
  version: number;
  status: string;
  status_name: string;
  progress: number;
  narrative: string;
  late: boolean;
  submitted_by: string;
  submitted_at: string;
  decision: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_comments: string | null;
}

export interface Evidence {
  id: number;
  version: number;
  filename: string;
  size: number;
  sha256: string;
  url?: string;
}

export interface ReportDetail {
  id: number;
  item: { id: number; title: string } | null;
  period: Period | null;
  institution_name: string;
  state: string;
  state_name: string;
  current_version: number;
  validated_version: number | null;
  versions: Version[];
  evidence: Evidence[];
}

export interface ItemDetail extends Item {
  instrument: { id: number; name: string; code?: string };
  path: { id: number; title: string; level_name: string }[];
  children: Item[];
  reports: ReportDetail[];
  declared: Declared[];
  demo_data?: boolean;
  method: string;
  can_report?: boolean;
  periods?: Period[];
}

export interface ReportRow {
  id: number;
  item_id: number;
  item_title: string;
  instrument_name: string;
  period_label: string;
  institution_name: string;
  state: string;
  state_name: string;
  current: Version;
  /** The version the analyst is validating; sent back with the decision (409 if another is current). */
  current_version: number;
  /** That version's means of verification (queue only). */
  evidence?: Evidence[];
}

export interface MyRow {
  item_id: number;
  item_title: string;
  instrument_name: string;
  period: Period;
  report_id: number | null;
  report_state: string | null;
  report_state_name: string;
  review_comments: string | null;
}

export interface GroupRow extends Figure {
  key: string;
  name: string;
}

export const getInstruments = (signal?: AbortSignal) => getItems<Instrument>('/policy/public/instruments', { signal });
export const getInstrument = (id: string, signal?: AbortSignal) => api.get<InstrumentDetail>(`/policy/public/instruments/${id}`, { signal });
export const getItem = (id: string, signedIn: boolean, signal?: AbortSignal) =>
  api.get<ItemDetail>(signedIn ? `/policy/items/${id}` : `/policy/public/items/${id}`, { signal });
export const getRollup = (by: string, signal?: AbortSignal) => getItems<GroupRow>('/policy/public/rollup', { query: { by }, signal });
export const getQueue = (signal?: AbortSignal) => getItems<ReportRow>('/policy/queue', { signal });
export const getMine = (signal?: AbortSignal) => getItems<MyRow>('/policy/my', { signal });
export interface NewEvidence {
  filename: string;
  content_type: string;
  /** base64 */
  data: string;
}
/** A report and its files in one request: the server saves both or neither. */
export const submitReport = (body: {
  item_id: number;
  period_id: number;
  status: string;
  progress: number;
  narrative: string;
  evidence?: NewEvidence[];
}) => api.post<ReportDetail>('/policy/reports', body);
/** A file as the report's body carries it. */
export async function evidenceOf(file: File): Promise<NewEvidence> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return { filename: file.name, content_type: file.type || 'application/octet-stream', data: btoa(binary) };
}
export const reviewReport = (id: number, version: number, decision: 'validar' | 'devolver', comments: string) =>
  api.post<ReportDetail>(`/policy/reports/${id}/review`, comments ? { decision, comments, version } : { decision, version });
export interface Assistance {
  id: number;
  held_on: string;
  kind: string;
  kind_name: string;
  topic: string;
  participants: string;
  illustrative: boolean;
}
export const getAssistance = (instrumentId: number, signal?: AbortSignal) =>
  getItems<Assistance>(`/policy/public/instruments/${instrumentId}/assistance`, { signal });
export const getRegional = (region: string, signal?: AbortSignal) =>
  api.get<ItemDetail & { region_id: string }>('/policy/regional', { query: region ? { region } : {}, signal });

export const rollupCsvUrl = (by: string) => buildUrl('/policy/public/rollup.csv', { by });
export const rollupXlsxUrl = (by: string) => buildUrl('/policy/public/rollup.xlsx', { by });
export const reportsCsvUrl = () => buildUrl('/policy/reports.csv');
export const reportsXlsxUrl = () => buildUrl('/policy/reports.xlsx');

export interface HistoryPoint extends Figure {
  period_id: number;
  label: string;
  kind: string;
}
export interface InstrumentHistory {
  id: number;
  code: string;
  name: string;
  periods: HistoryPoint[];
}
/** Validated progress of each instrument at the close of each opened reporting period. */
export const getHistory = (signal?: AbortSignal) => getItems<InstrumentHistory>('/policy/public/history', { signal });

/** Uploads one evidence file as the request body (the API checks type, signature and size). */
export const uploadEvidence = (reportId: number, file: File, csrf: string) =>
  uploadBody<Evidence>(`/policy/reports/${reportId}/evidence`, { filename: file.name }, file, csrf, 'No se pudo subir el archivo.');

export const STATUS_OPTIONS = [
  { value: 'no_iniciado', label: 'No iniciado (0 %)' },
  { value: 'en_proceso', label: 'En proceso (1 a 99 %)' },
  { value: 'terminado', label: 'Terminado (100 %)' },
];

export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toLocaleString('es-CL', { maximumFractionDigits: 1 })} kB`;
  return `${(bytes / 1_000_000).toLocaleString('es-CL', { maximumFractionDigits: 1 })} MB`;
}

// ---------------------------------------------------------------- CSV import
export interface ImportError {
  row: number;
  column: string;
  message: string;
}
export interface ImportReport {
  kind: 'items' | 'focal_points';
  rows: number;
  imported: number;
  rejected: number;
  created: { row: number; id: number; title?: string; email?: string; code?: string | null; institution_name?: string }[];
  errors: ImportError[];
}

/** Sends a CSV file as the request body; answers the per-row report. */
export async function importCsv(kind: 'items' | 'focal-points', file: File, csrf: string): Promise<ImportReport> {
  const res = await fetch(buildUrl(`/policy/import/${kind}`), {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'X-CSRF-Token': csrf, Accept: 'application/json' },
    body: file,
    credentials: 'same-origin',
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? 'No se pudo importar el archivo.', e?.field ?? null);
  }
  return data as ImportReport;
}

// ---------------------------------------------------------------- bills ↔ Agenda Mujer
export interface LinkedBill {
  id: number;
  boletin: string | null;
  title: string;
  stage_name: string;
  law_number: string | null;
}
export interface LinkedItem {
  id: number;
  code: string | null;
  title: string;
  level_name: string;
  instrument_name: string;
}
export const getItemBills = (itemId: number | string, signal?: AbortSignal) => getItems<LinkedBill>(`/policy/public/items/${itemId}/bills`, { signal });
export const getBillItems = (billId: number | string, signal?: AbortSignal) => getItems<LinkedItem>(`/policy/public/bills/${billId}/items`, { signal });
export const linkBill = (itemId: number, boletin: string) => api.post<{ items: LinkedBill[] }>(`/policy/items/${itemId}/bills`, { boletin });
export const unlinkBill = (itemId: number, billId: number) => api.del<{ items: LinkedBill[] }>(`/policy/items/${itemId}/bills/${billId}`);

// ---------------------------------------------------------------- management (policy.validate)
export const INSTRUMENT_KINDS = [
  { value: 'plan', label: 'Plan' },
  { value: 'agenda', label: 'Agenda' },
  { value: 'compromisos', label: 'Compromisos ministeriales' },
  { value: 'pmg', label: 'PMG de Género' },
  { value: 'agenda_regional', label: 'Agenda regional' },
  { value: 'otro', label: 'Otro' },
];
export const LEVELS = [
  { value: 'eje', label: 'Eje' },
  { value: 'meta', label: 'Meta' },
  { value: 'compromiso', label: 'Compromiso' },
  { value: 'accion', label: 'Acción' },
  { value: 'medida', label: 'Medida' },
];
export const ITEM_STATUSES = [
  { value: 'vigente', label: 'Vigente' },
  { value: 'cumplido', label: 'Cumplido' },
  { value: 'no_cumplido', label: 'No cumplido' },
  { value: 'suspendido', label: 'Suspendido' },
];

export interface InstrumentInput {
  code: string;
  name: string;
  kind: string;
  start_year?: number;
  end_year?: number;
  description?: string;
  source?: string;
}
/** Fields of an item as POST /policy/items and PATCH /policy/items/{id} take them (null clears). */
export interface ItemInput {
  instrument_id?: number;
  parent_id?: number | null;
  level?: string;
  code?: string;
  title?: string;
  weight?: number;
  status?: string;
  region_id?: string | null;
  institution_ids?: string[];
  indicator_name?: string | null;
  indicator_unit?: string | null;
  baseline?: number | null;
  target?: number | null;
}
export interface PeriodInput {
  instrument_id: number;
  kind: string;
  year: number;
  semester?: number | null;
  opens_on?: string;
  closes_on?: string;
  grace_days?: number;
}
export const createInstrument = (body: InstrumentInput) => api.post<Instrument>('/policy/instruments', body);
export const createItem = (body: ItemInput) => api.post<Item>('/policy/items', body);
export const updateItem = (id: number, body: ItemInput) => api.patch<Item>(`/policy/items/${id}`, body);
export const createPeriod = (body: PeriodInput) => api.post<Period>('/policy/periods', body);
export const reopenPeriod = (id: number, until: string, reason: string) => api.post<Period>(`/policy/periods/${id}/reopen`, { until, reason });

/** Institutions already responsible for some commitment (the public roll-up by institution), by name. */
/** Every public body an item can be assigned to (analysts). */
export const getResponsibleInstitutions = (signal?: AbortSignal) =>
  api
    .get<{ items: { id: number; name: string; type: string; region_id: string | null }[] }>('/policy/institutions', { signal })
    .then((r) => r.items.sort((a, b) => a.name.localeCompare(b.name, 'es')));

// ---------------------------------------------------------------- list exports
export type ExportFormat = 'csv' | 'xlsx';
/** The items of an instrument in tree order (under: only the subtree below that item). */
export const itemsExportUrl = (instrumentId: number, format: ExportFormat, under?: number) =>
  buildUrl(`/policy/public/instruments/${instrumentId}/items.${format}`, under ? { under: String(under) } : undefined);
export const periodsExportUrl = (instrumentId: number, format: ExportFormat) => buildUrl(`/policy/public/instruments/${instrumentId}/periods.${format}`);
export const itemReportsExportUrl = (itemId: number, format: ExportFormat) => buildUrl(`/policy/reports.${format}`, { item_id: String(itemId) });

// ---------------------------------------------------------------- form helpers
/**
 * A number typed the Chilean way ("1,5", "1.234,5", "-2") or plainly ("1.5"); '' → null; NaN when it
 * is not a number. A lone dot followed by three digits is a thousands separator ("1.000" → 1000).
 */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(/\s/g, '');
  if (!t) return null;
  let norm = t;
  if (t.includes(',')) norm = t.replace(/\./g, '').replace(',', '.');
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(t)) norm = t.replace(/\./g, '');
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(norm) ? Number(norm) : NaN;
}

/** A number as the forms show it: 1,5 (no thousands dots, so it reads back the same). */
export const decimalText = (n: number | null | undefined) => (n == null ? '' : String(n).replace('.', ','));

/** The share of `weight` among siblings weighing `others` in total, as "33,3 %". */
export function shareText(weight: number, others: number): string {
  const total = weight + others;
  if (!(weight > 0) || !(total > 0)) return '—';
  return `${((weight / total) * 100).toLocaleString('es-CL', { maximumFractionDigits: 1 })} %`;
}
/** The reviewer's PMG outcome for a service (cumple / no_cumple) with its reason. */
export const decideOutcome = (itemId: number, outcome: string, reason: string) =>
  api.post<{ outcome: string; outcome_name: string; reason: string }>(`/policy/items/${itemId}/outcome`, { outcome, reason });
