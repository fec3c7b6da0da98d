// The data-protection officer's API (Ley 21.719): requests, their steps, the person's report and
// the record of processing activities.
import { api } from '../app/api';

export interface Term {
  id: string;
  name: string;
}
export interface Vocabularies {
  kinds: Term[];
  states: Term[];
  exceptions: Term[];
  deadline_days: number;
  extension_days: number;
}
export interface RequestRow {
  id: number;
  kind: string;
  kind_name: string;
  received: string;
  deadline: string;
  deadline_on: string;
  days_left: number | null;
  extended: boolean;
  state: string;
  state_name: string;
  overdue: boolean;
}
export interface RequestDetail extends RequestRow {
  rut: string;
  requester_name: string;
  detail: string;
  extension_reason: string;
  exception: string;
  exception_name: string;
  response: string;
  may_report: boolean;
  events: { at: string; to: string; to_name: string; note: string }[];
}
export interface Section {
  module: string;
  title: string;
  summary: string;
  items: Record<string, unknown>[];
}
export interface Report {
  request_id: number;
  requester: string;
  rut: string;
  generated_at: string;
  sections: Section[];
  items: number;
}
export interface Ropa {
  controller: string;
  source: string;
  retention_declared: boolean;
  retention_note: string;
  retention: { module: string; kind: string; data: string; days: number; counted_from: string; basis: string; protection_record: boolean; keeps: string; option: string }[];
  activities: { module: string; fields: { table: string; column: string; what: string; blind_index: boolean; protection: string }[] }[];
}

const base = '/dataprotection';
export const getVocabularies = (signal?: AbortSignal) => api.get<Vocabularies>(`${base}/vocabularies`, { signal });
export const listRequests = (overdue: boolean, signal?: AbortSignal) =>
  api.get<{ items: RequestRow[]; overdue: number; today: string }>(`${base}/requests`, { query: overdue ? { overdue: '1' } : {}, signal });
export const getRequest = (id: string, signal?: AbortSignal) => api.get<{ request: RequestDetail }>(`${base}/requests/${id}`, { signal });
export const createRequest = (body: Record<string, string>) => api.post<{ request: RequestDetail }>(`${base}/requests`, body);
export const stepRequest = (id: string, body: Record<string, string>) => api.post<{ request: RequestDetail }>(`${base}/requests/${id}/steps`, body);
export const getReport = (id: string) => api.get<Report>(`${base}/requests/${id}/report`);
export const reportDownloadUrl = (id: string) => `/api/v1${base}/requests/${id}/report?download=1`;
export const getRopa = (signal?: AbortSignal) => api.get<Ropa>(`${base}/ropa`, { signal });

// "2026-12-01" from "01-12-2026" (the form takes the es-CL date).
export function isoFromCl(text: string): string {
  const m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$/.exec(text.trim());
  return m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : text.trim();
}

export interface Breach {
  id: number;
  detected: string;
  nature: string;
  data_categories: string;
  subjects: string;
  subjects_affected: number;
  consequences: string;
  measures: string;
  agency_notified: string | null;
  agency_note: string;
  subjects_notified: string | null;
  subjects_note: string;
  agency_overdue: boolean;
  target_hours: number;
}
export const listBreaches = (signal?: AbortSignal) => api.get<{ items: Breach[]; agency_overdue: number }>(`${base}/breaches`, { signal });
export const createBreach = (body: Record<string, string | number>) => api.post<{ breach: Breach }>(`${base}/breaches`, body);
export const notifyBreach = (id: number, to: 'agencia' | 'titulares', note: string) =>
  api.post<{ breach: Breach }>(`${base}/breaches/${id}/notifications`, { to, note });

// Legal holds: a person (registry id) or one record of a module kept past its retention.
export interface Hold {
  id: number;
  person_id: string;
  module: string;
  kind: string;
  record_id: string;
  reason: string;
  from: string;
  until: string;
  created: string;
  released: string | null;
  active: boolean;
}
export const listHolds = (signal?: AbortSignal) => api.get<{ items: Hold[]; active: number }>(`${base}/holds`, { signal });
export const createHold = (body: Record<string, string>) => api.post<{ hold: Hold }>(`${base}/holds`, body);
export const releaseHold = (id: number) => api.post<{ hold: Hold }>(`${base}/holds/${id}/release`, {});

// Retention per kind of data and the purge (a dry run now, and the record of past runs).
export interface PurgeKind {
  module: string;
  kind: string;
  label: string;
  days: number;
  counted_from: string;
  basis: string;
  protection_record: boolean;
  keeps: string;
  option: string;
  due: number;
  purged: number;
  held: number;
  exempt: number;
  error: string;
}
export interface PreviewKind extends PurgeKind {
  holds: { id: number; reason: string; until: string }[];
}
export interface PurgePreview {
  today: string;
  kinds: PreviewKind[];
  due: number;
  held: number;
  exempt: number;
  active_holds: number;
  running: boolean;
}
export interface PurgeRun {
  id: number;
  started: string;
  finished: string | null;
  origin: 'job' | 'manual';
  origin_name: string;
  state: 'running' | 'done' | 'failed';
  state_name: string;
  purged: number;
  held: number;
  kinds: (PurgeKind & { holds: number[] })[];
}
export const getPurgePreview = (signal?: AbortSignal) => api.get<PurgePreview>(`${base}/purge/preview`, { signal });
export const listPurgeRuns = (signal?: AbortSignal) => api.get<{ items: PurgeRun[] }>(`${base}/purge/runs`, { signal });
export const runPurge = () => api.post<{ run: PurgeRun }>(`${base}/purge/runs`, {});
