// The public account's API (src/account): published editions for everyone, drafts for analysts
// («account.edit»), regional milestones for SEREMI teams («account.milestones»).
import { api } from '../app/api';

export const EDIT = 'account.edit';
export const MILESTONES = 'account.milestones';

export interface Edition {
  id: number;
  period: string;
  title: string;
  state: 'borrador' | 'publicada';
  demo: boolean;
  version: number;
  previous_id: number | null;
  /** '' while written, then en_revision → devuelta (with review_note) or aprobada. */
  review: '' | 'en_revision' | 'devuelta' | 'aprobada';
  review_note: string;
  reviewed_on: string | null;
  from_on: string;
  to_on: string;
  created_on: string;
  published_on: string | null;
  sha256: string | null;
}

export interface Milestone {
  id: number;
  region_id: string;
  period: string;
  date: string | null;
  date_text: string;
  title: string;
  description: string;
  results: string;
  demo: boolean;
  axis: string;
  comunas: string;
  evidence: string;
  curation: 'pendiente' | 'incluido' | 'excluido';
  curation_reason: string;
}

export interface Bill {
  boletin: string | null;
  title: string;
  stage_name: string;
  law_number: string | null;
  published_on: string | null;
}

export interface Instrument {
  code: string;
  name: string;
  progress_text: string;
  leaves: number;
  reported: number;
  demo_data: boolean;
  periods: { label: string; progress_text: string }[];
  declared: { label: string; text: string; computed_text?: string; agrees?: boolean; source?: string | null }[];
}

export interface Figures {
  source: string;
  as_of: string;
  bills?: Bill[];
  instruments?: Instrument[];
  total?: number;
  total_text?: string;
  answered_text?: string;
  by_channel?: { id: string; name: string; count: number; count_text: string }[];
  regions?: { region_id: string; name: string; milestones: Milestone[] }[];
  /** Protection totals of the period (logros): registry where consent allows, monitoring counts. */
  protection?: Figures & { rows: { group: string; label: string; count: number | null; count_text: string }[]; note: string };
}

export interface Section {
  key: string;
  title: string;
  text: string;
  figures?: Figures;
}

export interface AccountDocument {
  edition: Edition;
  compiled_on: string;
  sections: Section[];
}

export interface EditionView {
  edition: Edition;
  document: AccountDocument;
  sha256: string | null;
}

export const publishedEditions = (signal?: AbortSignal) =>
  api.get<{ items: Edition[] }>('/account/public/editions', { signal }).then((r) => r.items);
export const publishedEdition = (id: string, signal?: AbortSignal) => api.get<EditionView>(`/account/public/editions/${id}`, { signal });
export const printUrl = (id: number) => `/api/v1/account/public/editions/${id}/print`;
export const pdfUrl = (id: number) => `/api/v1/account/public/editions/${id}/pdf`;

export const allEditions = (signal?: AbortSignal) => api.get<{ items: Edition[] }>('/account/editions', { signal }).then((r) => r.items);
export const editionView = (id: number, signal?: AbortSignal) => api.get<EditionView>(`/account/editions/${id}`, { signal });
export const createEdition = (body: { period: string; title: string; from_on: string; to_on: string }) =>
  api.post<Edition>('/account/editions', body);
export const saveSection = (id: number, key: string, text: string) => api.put(`/account/editions/${id}/sections/${key}`, { text });
export const publishEdition = (id: number) => api.post<Edition>(`/account/editions/${id}/publish`);
export const submitEdition = (id: number) => api.post<Edition>(`/account/editions/${id}/submit`);
export const reviewEdition = (id: number, decision: 'aprobar' | 'devolver', observations: string) =>
  api.post<Edition>(`/account/editions/${id}/review`, { decision, observations });
export const newVersion = (id: number) => api.post<Edition>(`/account/editions/${id}/versions`);
export const curateMilestone = (id: number, decision: 'incluir' | 'excluir', reason: string) =>
  api.put<Milestone>(`/account/milestones/${id}/curation`, { decision, reason });

export const myMilestones = (period: string, signal?: AbortSignal) =>
  api.get<{ items: Milestone[]; region_id: string | null }>('/account/milestones', { signal, query: { period } });
export const allMilestones = (period: string, region_id: string, signal?: AbortSignal) =>
  api.get<{ items: Milestone[]; region_id: string | null }>('/account/milestones', { signal, query: { period, region_id } });
export const createMilestone = (body: {
  period: string;
  date: string;
  title: string;
  description: string;
  results: string;
  axis: string;
  comunas: string;
  evidence: string;
}) =>
  api.post<Milestone>('/account/milestones', body);
