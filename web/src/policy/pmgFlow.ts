// The PMG filings through the ministry's technical review (server: src/policy/pmg_review.cc).
import { api, getItems } from '../app/api';

export type Stage = 'programa' | 'avance' | 'cumplimiento';

export interface PmgObservation {
  id: number;
  round: number;
  item_id: number | null;
  item_title: string;
  text: string;
  written_at: string;
  answer: string;
  answered_at: string | null;
  /** An observation of the current round that the focal point still has to answer. */
  to_answer: boolean;
}

export interface Filing {
  id: number;
  service_item_id: number;
  stage: Stage;
  stage_name: string;
  state: string;
  state_name: string;
  round: number;
  max_rounds: number;
  narrative: string;
  evidence: string;
  filed_at: string;
  waiting_since: string;
  days_waiting: number;
  decided_at: string | null;
  decision_note: string;
  demo: boolean;
  observations?: PmgObservation[];
  observations_to_answer?: number;
}

export interface QueueFiling extends Filing {
  service_title: string;
  service_code: string;
  year: number | null;
  own_service: boolean;
}

export interface ServiceFlow {
  service: { id: number; title: string; code: string; year: number | null; region_id: string; ministry: string; status: string };
  stages: { stage: Stage; stage_name: string; can_file: boolean; filing: Filing | null }[];
  due: string;
  outcome: { outcome: string; outcome_name: string; reason: string; decided_at: string } | null;
  commitments: { id: number; code: string; title: string; level: string; parent_id: number | null }[];
  max_rounds: number;
  own_service: boolean;
  demo: boolean;
}

export interface WorkflowYear {
  year: number;
  /** stage → state → filings */
  stages: Partial<Record<Stage, Record<string, number>>>;
}
export const getPmgWorkflow = (instrumentId: number, signal?: AbortSignal) =>
  api.get<{ years: WorkflowYear[]; demo: boolean }>(`/policy/public/instruments/${instrumentId}/pmg-workflow`, { signal });
export const getMyPmg = (signal?: AbortSignal) => getItems<ServiceFlow>('/policy/pmg/mine', { signal });
export const getPmgQueue = (signal?: AbortSignal) => getItems<QueueFiling>('/policy/pmg/queue', { signal });
export const getServiceFlow = (id: string | number, signal?: AbortSignal) => api.get<ServiceFlow>(`/policy/pmg/services/${id}`, { signal });
export const fileStage = (serviceId: number, body: { stage: Stage; narrative: string; evidence?: string }) =>
  api.post<Filing>(`/policy/pmg/services/${serviceId}/filings`, body);
export const editFiling = (id: number, body: { narrative: string; evidence?: string }) => api.patch<Filing>(`/policy/pmg/filings/${id}`, body);
export const takeFiling = (id: number) => api.post<Filing>(`/policy/pmg/filings/${id}/review`, {});
export const observeFiling = (id: number, observations: { item_id?: number; text: string }[]) =>
  api.post<Filing>(`/policy/pmg/filings/${id}/observations`, { observations });
export const answerObservation = (id: number, answer: string) => api.post<Filing>(`/policy/pmg/observations/${id}/answer`, { answer });
export const correctFiling = (id: number, body: { narrative?: string; evidence?: string }) => api.post<Filing>(`/policy/pmg/filings/${id}/correct`, body);
export const decideFiling = (id: number, decision: 'aprobado' | 'rechazado', note: string) =>
  api.post<Filing>(`/policy/pmg/filings/${id}/decision`, { decision, note });

/** Badge tone of a filing's state. */
export function stateTone(state: string): 'ok' | 'warn' | 'danger' | 'info' | 'neutral' {
  if (state === 'aprobado') return 'ok';
  if (state === 'rechazado') return 'danger';
  if (state === 'observado') return 'warn';
  if (state === 'en_revision' || state === 'enviado' || state === 'corregido') return 'info';
  return 'neutral';
}
