// The legislative agenda's API shapes, requests and Spanish labels. Reading is public; changes need
// the «legislative.manage» permission. Dates arrive from the server already as dd-mm-aaaa.
import { api, getItems } from '../app/api';

export type StageId =
  | 'primer_tramite'
  | 'segundo_tramite'
  | 'tercer_tramite'
  | 'comision_mixta'
  | 'tribunal_constitucional'
  | 'promulgacion'
  | 'publicada'
  | 'archivada';

export type UrgencyId = 'simple' | 'suma' | 'discusion_inmediata';

export type EventKind = 'stage' | 'urgency_set' | 'urgency_renewed' | 'urgency_withdrawn' | 'note';

export interface Urgency {
  type: UrgencyId;
  name: string;
  days: number;
  /** Day it was reported in the chamber (dd-mm-aaaa); null when the source does not say. */
  since: string | null;
  deadline: string | null;
  /** 0 = due today, negative = overdue; null without a deadline. */
  days_left: number | null;
}

export interface Bill {
  id: number;
  boletin: string | null;
  title: string;
  kind: 'mensaje' | 'mocion' | null;
  origin_chamber: 'camara' | 'senado' | null;
  entered_on: string | null;
  stage: StageId;
  stage_name: string;
  committee: string | null;
  law_number: string | null;
  published_on: string | null;
  urgency: Urgency | null;
}

export interface BillEvent {
  id: number;
  kind: EventKind;
  date: string | null;
  stage: string | null;
  stage_name?: string;
  from_stage: string | null;
  committee: string | null;
  urgency: string | null;
  urgency_name?: string;
  note: string | null;
}

export interface BillDetail extends Bill {
  timeline: BillEvent[];
}

export const MANAGE = 'legislative.manage';

/** In procedural order (the server refuses going back, except to «archivada»). */
export const STAGES: { value: StageId; label: string }[] = [
  { value: 'primer_tramite', label: 'Primer trámite constitucional' },
  { value: 'segundo_tramite', label: 'Segundo trámite constitucional' },
  { value: 'tercer_tramite', label: 'Tercer trámite constitucional' },
  { value: 'comision_mixta', label: 'Comisión Mixta' },
  { value: 'tribunal_constitucional', label: 'Control del Tribunal Constitucional' },
  { value: 'promulgacion', label: 'Promulgación' },
  { value: 'publicada', label: 'Publicada en el Diario Oficial' },
  { value: 'archivada', label: 'Archivada' },
];

export const URGENCIES: { value: UrgencyId; label: string }[] = [
  { value: 'simple', label: 'Simple (30 días)' },
  { value: 'suma', label: 'Suma (15 días)' },
  { value: 'discusion_inmediata', label: 'Discusión inmediata (6 días)' },
];

export const KINDS = [
  { value: 'mensaje', label: 'Mensaje (del Ejecutivo)' },
  { value: 'mocion', label: 'Moción (parlamentaria)' },
];

export const CHAMBERS = [
  { value: 'camara', label: 'Cámara de Diputadas y Diputados' },
  { value: 'senado', label: 'Senado' },
];

export const EVENT_KINDS: { value: EventKind; label: string }[] = [
  { value: 'stage', label: 'Cambio de etapa' },
  { value: 'urgency_set', label: 'Hacer presente una urgencia' },
  { value: 'urgency_renewed', label: 'Renovar la urgencia vigente' },
  { value: 'urgency_withdrawn', label: 'Retirar la urgencia vigente' },
  { value: 'note', label: 'Nota' },
];

/** An urgency's deadline counts as close (highlighted) from this many days left. */
export const URGENT_DAYS = 6;

export function stageIndex(stage: string): number {
  return STAGES.findIndex((s) => s.value === stage);
}

export function isTerminal(stage: string): boolean {
  return stage === 'publicada' || stage === 'archivada';
}

/** The chambers are bound by urgencies only while the bill is in Congress. */
export function inCongress(stage: string): boolean {
  return stage === 'primer_tramite' || stage === 'segundo_tramite' || stage === 'tercer_tramite' || stage === 'comision_mixta';
}

/** The stages a bill may move to from `stage`: later ones, or the archive. */
export function nextStages(stage: string): { value: StageId; label: string }[] {
  if (isTerminal(stage)) return [];
  const i = stageIndex(stage);
  return STAGES.filter((s, j) => j > i || s.value === 'archivada');
}

/** The kinds of movement that make sense for a bill in its current state. */
export function eventKindsFor(bill: Bill): { value: EventKind; label: string }[] {
  return EVENT_KINDS.filter((k) => {
    if (k.value === 'note') return true;
    if (k.value === 'stage') return !isTerminal(bill.stage);
    if (!inCongress(bill.stage)) return false;
    if (k.value === 'urgency_set') return true;
    return !!bill.urgency;
  });
}

export function labelOf(list: { value: string; label: string }[], value: string | null | undefined): string {
  if (!value) return '—';
  return list.find((x) => x.value === value)?.label ?? value;
}

/** "vence hoy", "vence en 1 día", "vence en 12 días", "venció hace 3 días". */
export function daysLeftText(days: number): string {
  if (days === 0) return 'vence hoy';
  if (days > 0) return `vence en ${days} ${days === 1 ? 'día' : 'días'}`;
  const n = -days;
  return `venció hace ${n} ${n === 1 ? 'día' : 'días'}`;
}

export function isUrgent(u: Urgency | null): boolean {
  return !!u && u.days_left !== null && u.days_left <= URGENT_DAYS;
}

/** "Boletín N° 13541-07", or "Ley N° 21.212" for a law recorded without its boletín. */
export function billRef(b: Bill): string {
  if (b.boletin) return `Boletín N° ${b.boletin}`;
  if (b.law_number) return `Ley N° ${b.law_number}`;
  return `Proyecto ${b.id}`;
}

export function getBills(query: { stage?: string; q?: string }, signal?: AbortSignal): Promise<Bill[]> {
  return getItems<Bill>('/legislative/bills', { query, signal });
}

export function getBill(id: string, signal?: AbortSignal): Promise<BillDetail> {
  return api.get<BillDetail>(`/legislative/bills/${encodeURIComponent(id)}`, { signal });
}

export function getDueUrgencies(days: number, signal?: AbortSignal): Promise<Bill[]> {
  return getItems<Bill>('/legislative/urgencies/due', { query: { days }, signal });
}

export function createBill(body: Record<string, string | null>): Promise<BillDetail> {
  return api.post<BillDetail>('/legislative/bills', body);
}

export function addEvent(id: number, body: Record<string, string>): Promise<BillDetail> {
  return api.post<BillDetail>(`/legislative/bills/${id}/events`, body);
}

/** "2026-11-24" (what parseDateInput gives) → "24-11-2026" (what the API takes). */
export function isoToCl(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}-${m}-${y}`;
}
