// The help channels' API as the screens use it: the operator's seat and queue, the contact record,
// call-backs, and the supervisor's operators, blocks and daily statistics. Labels come from the
// server (vocabularies), never from a copy here.
import { api, getItems } from '../app/api';
import { formatNumber } from '../app/format';

export const ANSWER = 'channels.answer';
/**
 * The live queue for monitoring's useLive (reconnects with back-off), whose addresses sit under
 * /api/v1/monitoring/: the URL parser resolves the dot segment to /api/v1/channels/live.
 */
export const LIVE_PATH = '../channels/live';
export const SUPERVISE = 'channels.supervise';

export interface Term {
  id: string;
  name: string;
}

export interface Vocabularies {
  channels: Term[];
  reasons: Term[];
  violence_types: Term[];
  outcomes: Term[];
  data_outcomes: string[];
  presences: Term[];
  risk_screen: { id: string; text: string }[];
}

export interface Seat {
  user_id: number;
  name: string;
  presence: string;
  presence_name: string;
  skills: string[];
  max_chats: number;
  active_calls: number;
  active_chats: number;
  offered: number;
  supervisor?: boolean;
}

export interface QueueItem {
  id: number;
  channel: string;
  channel_name: string;
  state: 'waiting' | 'offered' | 'active' | 'closed' | 'abandoned';
  urgent: boolean;
  priority: number;
  waiting_s: number;
  offered_to: number | null;
  offer_expires_at?: number | null;
  holder_user_id?: number | null;
}

export interface Contact extends QueueItem {
  created_at: number;
  external_ref: string | null;
  opening_text: string;
  repeat_caller: boolean;
  repeat_count: number;
  number_consent: boolean;
  caller_number: string | null;
  taken_at: number | null;
  closed_at: number | null;
  left_at: number | null;
  left_why: string;
  reason: string;
  violence_type: string;
  risk_screen: string[];
  risk_level: string;
  orientation: string;
  outcome: string;
  outcome_name: string;
  notes: string;
  anonymous: boolean;
  person_id: number | null;
  record_id: number | null;
  referral_record_id: number | null;
}

export interface QueueAnswer {
  queue: QueueItem[];
  mine: Contact[];
  hours: { open: boolean; hours: string; message: string };
}

export interface Callback {
  id: number;
  contact_id: number;
  created_at: number;
  deadline_at: number;
  state: 'pending' | 'done' | 'failed';
  priority: number;
  overdue: boolean;
}

export interface Block {
  id: number;
  contact_id: number | null;
  reason: string;
  created_at: number;
  until_at: number;
}

/** A live message: the queue and the operators, on every change. */
export interface LiveQueue {
  type: 'queue' | 'hello';
  now: number;
  queue: QueueItem[];
  operators: Seat[];
}

export interface Counted {
  id: string;
  name: string;
  count: number;
}

export interface Statistics {
  date: string;
  total: number;
  answered: number;
  abandoned: number;
  urgent: number;
  abandonment_rate: number | null;
  wait_s: { mean: number | null; median: number | null; p90: number | null; max: number | null };
  by_channel: Counted[];
  by_outcome: Counted[];
  by_reason: Counted[];
  by_hour: { hour: number; count: number; abandoned: number }[];
}

export const getVocabularies = () => api.get<Vocabularies>('/channels/vocabularies');
export const getMe = (signal?: AbortSignal) => api.get<Seat>('/channels/me', { signal });
export const setPresence = (presence: string) => api.post<Seat>('/channels/me/presence', { presence });
export const getQueue = (signal?: AbortSignal) => api.get<QueueAnswer>('/channels/queue', { signal });
export const getContact = (id: number, signal?: AbortSignal) => api.get<Contact>(`/channels/contacts/${id}`, { signal });
export const takeContact = (id: number) => api.post<Contact>(`/channels/contacts/${id}/take`);
export const declineContact = (id: number) => api.post<Contact>(`/channels/contacts/${id}/decline`);
/** Why an operator gives a contact she holds back to the queue (the server's list). */
export const HAND_BACK_REASONS: { value: string; label: string }[] = [
  { value: 'fin_turno', label: 'Termina mi turno' },
  { value: 'otra_competencia', label: 'Necesita otra competencia (idioma, especialidad, canal)' },
  { value: 'sobrecarga', label: 'No puedo seguir atendiéndolo ahora' },
  { value: 'otro', label: 'Otro motivo' },
];
export const handBackContact = (id: number, reason: string) => api.post<Contact>(`/channels/contacts/${id}/hand-back`, { reason });
export const recordContact = (id: number, body: Record<string, unknown>) => api.post<Contact>(`/channels/contacts/${id}/record`, body);
export const closeContact = (id: number, outcome: string, notes: string) => api.post<Contact>(`/channels/contacts/${id}/close`, { outcome, notes });
export const identifyContact = (id: number, persons: unknown[]) => api.post<Contact>(`/channels/contacts/${id}/identify`, { persons });
export const referContact = (id: number, body: { to_institution_id: number; consent: boolean; reason: string }) =>
  api.post<Contact>(`/channels/contacts/${id}/referral`, body);
export const openByHand = (channel: string, note: string) => api.post<Contact>('/channels/contacts', { channel, note });
export const getCallbacks = (signal?: AbortSignal) => getItems<Callback>('/channels/callbacks', { signal });
export const callbackDone = (id: number, result: 'done' | 'failed', note: string) => api.post(`/channels/callbacks/${id}/done`, { result, note });
export const getOperators = (signal?: AbortSignal) => getItems<Seat>('/channels/operators', { signal });
export const reassign = (id: number, userId: number) => api.post<Contact>(`/channels/contacts/${id}/reassign`, { user_id: userId });
export const blockCaller = (id: number, hours: number, reason: string) => api.post<Block>(`/channels/contacts/${id}/block`, { hours, reason });
export const getBlocks = (signal?: AbortSignal) => getItems<Block>('/channels/blocks', { signal });
export const liftBlock = (id: number) => api.post<Block>(`/channels/blocks/${id}/lift`);
export const getStatistics = (date: string, signal?: AbortSignal) => api.get<Statistics>('/channels/statistics', { query: { date }, signal });

/** "3 min 05 s", "45 s": how long she has waited. */
export function formatWait(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${formatNumber(Math.floor(m / 60))} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The queue as an operator must work it: urgent first, then risk, then who waited longest. */
export function queueOrder(items: QueueItem[]): QueueItem[] {
  return [...items].sort((a, b) => b.priority - a.priority || b.waiting_s - a.waiting_s || a.id - b.id);
}

export const labelOf = (terms: Term[] | undefined, id: string): string => terms?.find((t) => t.id === id)?.name ?? id;

export const STATE_LABELS: Record<string, string> = {
  waiting: 'En espera',
  offered: 'Ofrecido',
  active: 'En atención',
  closed: 'Cerrado',
  abandoned: 'Abandonado',
};
