// Councils and intersectoral tables: API shapes and requests. Bodies, members, sessions and
// agreements are public (no contact data exists); every change needs «councils.manage» and the
// body's object rule (the ministry every body, a SEREMI her region's). The lists of kinds, roles,
// modalities, attendance codes and statuses come from the server.
import { api, cached } from '../app/api';

export const MANAGE = 'councils.manage';

export interface Option {
  id: string;
  name: string;
}

export interface Vocabularies {
  kinds: Option[];
  roles: Option[];
  modalities: Option[];
  session_kinds: Option[];
  attendance: Option[];
  agreement_statuses: Option[];
  consejo_asesor_seats: number;
}

export const getVocabularies = cached(() => api.get<Vocabularies>('/councils/public/vocabularies'));

export interface Day {
  value: string;
  label: string;
}

export interface BodySummary {
  id: number;
  kind: string;
  kind_name: string;
  name: string;
  legal_basis: string;
  description: string;
  region_id: string;
  /** «Nacional» or the region's name. */
  region_name: string;
  since: Day | null;
  active_members: number;
  sessions: number;
  last_session: Day | null;
  agreements_open: number;
  agreements_overdue: number;
  seats?: number;
  manageable?: boolean;
  demo: boolean;
}

export interface Member {
  id: number;
  name: string;
  organisation: string;
  role: string;
  role_name: string;
  term_from: Day | null;
  term_until: Day | null;
  active: boolean;
  demo: boolean;
}

export interface Quorum {
  members: number;
  present: number;
  absent: number;
  excused: number;
  unrecorded: number;
  needed: number;
  met: boolean;
}

export interface SessionItem {
  id: number;
  held_on: Day;
  kind_name: string;
  modality: string;
  modality_name: string;
  place: string;
  topics: string[];
  quorum: Quorum;
  minutes_published: boolean;
  minutes?: string;
  minutes_published_on?: string;
  /** Only for those who manage the body. */
  minutes_draft?: string;
  attendance: { member_id: number; name: string; organisation: string; status: string | null; status_name: string }[];
  demo: boolean;
}

export interface AgreementItem {
  id: number;
  session_id: number;
  text: string;
  owner: string;
  due_on: Day | null;
  status: string;
  status_name: string;
  overdue: boolean;
  updates: { on: string; status: string; status_name: string; note: string; by?: string }[];
  demo: boolean;
}

export interface BodyDetail extends BodySummary {
  members: Member[];
  session_list: SessionItem[];
  agreements: AgreementItem[];
}

export function getBodies(params: { kind?: string; region?: string }, signal?: AbortSignal) {
  const q = new URLSearchParams();
  if (params.kind) q.set('kind', params.kind);
  if (params.region) q.set('region', params.region);
  const qs = q.toString();
  return api.get<{ items: BodySummary[]; source: string }>(`/councils/public/bodies${qs ? `?${qs}` : ''}`, { signal });
}

export const getBody = (id: number | string, signal?: AbortSignal) => api.get<BodyDetail>(`/councils/public/bodies/${id}`, { signal });
export const addMember = (bodyId: number, body: Record<string, string>) => api.post<{ id: number }>(`/councils/bodies/${bodyId}/members`, body);
export const endTerm = (bodyId: number, memberId: number, term_until: string) =>
  api.put<unknown>(`/councils/bodies/${bodyId}/members/${memberId}`, { term_until });
export const addSession = (bodyId: number, body: { held_on: string; modality: string; place: string; topics: string[] }) =>
  api.post<{ id: number }>(`/councils/bodies/${bodyId}/sessions`, body);
export const recordAttendance = (sessionId: number, attendance: { member_id: number; status: string }[]) =>
  api.put<Quorum>(`/councils/sessions/${sessionId}/attendance`, { attendance });
export const writeMinutes = (sessionId: number, minutes: string, publish: boolean) =>
  api.put<unknown>(`/councils/sessions/${sessionId}/minutes`, { minutes, publish });
export const addAgreement = (sessionId: number, body: { text: string; owner: string; due_on: string }) =>
  api.post<{ id: number }>(`/councils/sessions/${sessionId}/agreements`, body);
export const followUp = (agreementId: number, status: string, note: string) =>
  api.post<unknown>(`/councils/agreements/${agreementId}/updates`, { status, note });

export const options = (list: Option[]) => list.map((o) => ({ value: o.id, label: o.name }));
