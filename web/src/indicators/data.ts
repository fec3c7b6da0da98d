// Gender indicators: types of the API answers and the calls the pages make.
import { api, ApiError, buildUrl, getItems } from '../app/api';

export const IMPORT = 'indicators.import';
export const STEWARD = 'indicators.steward';
export const EDIT = 'indicators.catalogue.edit';

export type Values = Record<string, number | null>;
export interface ReportIndicator {
  id: string;
  name: string;
  unit: string;
  higher_is_better: boolean;
  panel: Values;
  all_eligible: Values;
}
export interface Attrition {
  year: number;
  filed: number;
  duplicates: number;
  no_sector: number;
  small: number;
  eligible: number;
  not_every_year: number;
  panel: number;
}
export interface Finding {
  indicator: string;
  from: number;
  to: number;
  change: number;
  trend: 'mejora' | 'empeora' | 'sin cambio';
  text: string;
}
export interface Group {
  name: string;
  years: Record<string, { companies: number; values: Values }>;
}
export interface Report {
  years: number[];
  indicators: ReportIndicator[];
  attrition: Attrition[];
  findings: Finding[];
  summary: string;
  by_sector: Group[];
  by_size: Group[];
  caps: { from: number; cap: number }[];
  method: string;
  demo: boolean;
  demo_note?: string;
  seed?: { source: string; organisations: number; finding: string };
}

export interface SeriesValue {
  period: string;
  disaggregation: string;
  value: number;
  numerator?: number | null;
  denominator?: number | null;
}
export interface PeriodStatus {
  period: string;
  due_on: string;
  reported: boolean;
  overdue: boolean;
}
export interface Indicator {
  id: number;
  code: string;
  name: string;
  definition: string;
  numerator: string;
  denominator: string;
  unit: string;
  factor: number;
  decimals: number;
  periodicity: string;
  source: string;
  steward: { id: number; name: string };
  disaggregations: { id: string; name: string }[];
  origin: 'upload' | 'platform';
  origin_label: string;
  first_year: number;
  grace_days: number;
  demo: boolean;
  values: SeriesValue[];
  periods?: PeriodStatus[];
  overdue: number;
  reminders?: { period: string; due_on: string; sent_on: string }[];
  status: IndicatorStatus;
  version: number;
  /** When a published definition last changed (dd-mm-aaaa), or null. */
  modified_on: string | null;
  /** Public detail: earlier published definitions, newest first. */
  history?: { version: number; published_on: string; name: string; definition: string; numerator: string; denominator: string; unit: string; source: string }[];
  /** Editor detail: the stored origin ("upload" or "platform:<key>"), dimension ids and every saved version. */
  origin_key?: string;
  disaggregation_ids?: string[];
  versions?: { version: number; status: IndicatorStatus; changed_on: string; definition: Record<string, unknown> }[];
}
export type IndicatorStatus = 'borrador' | 'publicado' | 'retirado';

/** The text fields of a definition, as the editor's form keeps them. */
export const TEXT_FIELDS = ['code', 'name', 'definition', 'numerator', 'denominator', 'unit', 'periodicity', 'source'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
/** What the editor sends: every field of a definition. */
export type Definition = Pick<Indicator, TextField | 'factor' | 'decimals' | 'first_year' | 'grace_days' | 'status'> & {
  steward_institution_id: number;
  disaggregations: string[];
  origin: string;
};
export interface EditorOptions {
  institutions: { id: number; name: string }[];
  own_institution_id: number;
  edits_any_institution: boolean;
  sources: { key: string; label: string }[];
  periodicities: string[];
  disaggregations: string[];
  statuses: IndicatorStatus[];
}
export interface EditorItem {
  id: number;
  code: string;
  name: string;
  status: IndicatorStatus;
  version: number;
  periodicity: string;
  origin: 'upload' | 'platform';
  steward: { id: number; name: string };
  values: number;
  modified_on: string | null;
}
export const STATUS_LABEL: Record<IndicatorStatus, string> = { borrador: 'Borrador', publicado: 'Publicado', retirado: 'Retirado' };
export const PERIODICITY_LABEL: Record<string, string> = { anual: 'Anual', trimestral: 'Trimestral', mensual: 'Mensual' };
export const getEditorOptions = (signal?: AbortSignal) => api.get<EditorOptions>('/indicators/editor/options', { signal });
export const getEditorList = (signal?: AbortSignal) => getItems<EditorItem>('/indicators/editor/indicators', { signal });
export const getEditorIndicator = (id: string, signal?: AbortSignal) => api.get<Indicator>(`/indicators/editor/indicators/${id}`, { signal });
export const createIndicator = (d: Definition) => api.post<Indicator>('/indicators/editor/indicators', d);
export const updateIndicator = (id: number, d: Definition) => api.put<Indicator>(`/indicators/editor/indicators/${id}`, d);

export interface ImportIssue {
  row: number;
  column: string;
  message: string;
  severity: 'bloqueante' | 'advertencia';
}
export interface ImportReport {
  year: number;
  rows: number;
  imported: number;
  blocking_rows: number;
  warnings: number;
  issues: ImportIssue[];
  dry_run: boolean;
  policy: string;
}

export const getReport = (signal?: AbortSignal) => api.get<Report>('/indicators/public/report', { signal });
export const getCatalogue = (signal?: AbortSignal) => getItems<Indicator>('/indicators/public/catalogue', { signal });
export const getIndicator = (id: string, signal?: AbortSignal) => api.get<Indicator>(`/indicators/public/catalogue/${id}`, { signal });
export const getMine = (signal?: AbortSignal) => getItems<Indicator>('/indicators/steward/indicators', { signal });
export const uploadValues = (id: number, values: SeriesValue[]) =>
  api.post<{ saved: number; indicator: Indicator }>(`/indicators/catalogue/${id}/values`, { values });
export const reportCsvUrl = buildUrl('/indicators/public/report.csv');
export const reportXlsxUrl = buildUrl('/indicators/public/report.xlsx');

/** Imports a year's filings; a rejected file (422) still returns its per-row report. */
export async function importFilings(file: File, year: number, dryRun: boolean, csrf: string): Promise<ImportReport> {
  const xlsx = /\.xlsx$/i.test(file.name);
  const res = await fetch(buildUrl('/indicators/filings/import', { year, dry_run: dryRun ? 1 : '' }), {
    method: 'POST',
    headers: {
      'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
      'X-CSRF-Token': csrf,
      Accept: 'application/json',
    },
    body: file,
    credentials: 'same-origin',
  });
  const data = await res.json().catch(() => null);
  if (res.status === 422 && data?.report) return data.report as ImportReport;
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? 'No se pudo importar el archivo.', e?.field ?? null);
  }
  return data as ImportReport;
}

const DIMENSION_VALUES: Record<string, { value: string; label: string }[]> = {
  sexo: [
    { value: 'mujer', label: 'Mujeres' },
    { value: 'hombre', label: 'Hombres' },
  ],
  edad: ['15-29', '30-44', '45-59', '60+'].map((a) => ({ value: a, label: a === '60+' ? '60 años o más' : `${a.replace('-', ' a ')} años` })),
  region: Array.from({ length: 16 }, (_, i) => String(i + 1).padStart(2, '0')).map((r) => ({ value: r, label: `Región ${r}` })),
};

/** "edad=15-29" → "Tramo de edad: 15 a 29 años"; "" → "Total". */
export function disaggregationLabel(d: string, dims: { id: string; name: string }[]): string {
  if (!d) return 'Total';
  const [dim, val] = d.split('=');
  const name = dims.find((x) => x.id === dim)?.name ?? dim;
  const label = DIMENSION_VALUES[dim]?.find((x) => x.value === val)?.label ?? val;
  return `${name}: ${label}`;
}

/** The disaggregations a steward may choose for an indicator: the total, then each declared value. */
export function disaggregationOptions(dims: { id: string; name: string }[]): { value: string; label: string }[] {
  const out = [{ value: '', label: 'Total' }];
  for (const d of dims) for (const v of DIMENSION_VALUES[d.id] ?? []) out.push({ value: `${d.id}=${v.value}`, label: `${d.name}: ${v.label}` });
  return out;
}
