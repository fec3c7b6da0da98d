// Citizens' participation API (src/participation): public reading, e-mail verification, comments
// anchored to a passage, questions; the ministry («participation.manage») answers and moderates.
import { api, getItems } from '../app/api';

export const MANAGE = 'participation.manage';

export interface ProcessSummary {
  id: number;
  title: string;
  period: string;
  phase: string;
  phase_label: string;
  consult_from: string;
  answers_from: string;
  final_from: string;
  demo: boolean;
}

export interface Section {
  key: string;
  title: string;
  text: string;
}

export interface Comment {
  id: number;
  pseudonym: string;
  section_key: string;
  created: string;
  state: 'visible' | 'oculto';
  demo: boolean;
  notice?: string;
  body?: string;
  quote?: string;
  anchored?: boolean;
  anchor_label?: string;
  offset?: number;
}

export interface Question {
  id: number;
  pseudonym: string;
  topic: string;
  topic_label: string;
  region_id: string;
  region_name: string;
  asked: string;
  due: string;
  overdue: boolean;
  state: 'visible' | 'oculto';
  notice?: string;
  body?: string;
  demo: boolean;
  answer: { text: string; by: string; on: string; late: boolean; label: string } | null;
}

export interface ProcessView {
  process: {
    id: number;
    title: string;
    period: string;
    phase: string;
    phase_label: string;
    phase_since: string;
    open: boolean;
    answer_days: number;
    demo: boolean;
    calendar: { phase: string; label: string; from: string }[];
  };
  edition: { id: number; title: string; published: string; demo: boolean; sections: Section[] };
  comments: Comment[];
  questions: Question[];
  answered: { on_time: number; late: number; pending: number; overdue: number; total: number; text: string };
  topics: { id: string; name: string }[];
  regions: { id: string; name: string }[];
}

export interface Challenge {
  nonce: string;
  bits: number;
  expires_at: number;
  sig: string;
}

export const processes = (signal?: AbortSignal) => getItems<ProcessSummary>('/participation/public/processes', { signal });
export const processView = (id: string, signal?: AbortSignal) => api.get<ProcessView>(`/participation/public/processes/${id}`, { signal });
export const requestCode = (email: string, pseudonym: string) => api.post<{ sent: boolean }>('/participation/public/verify', { email, pseudonym });
export const confirmCode = (email: string, code: string) =>
  api.post<{ token: string; pseudonym: string; expires_at: number }>('/participation/public/verify/confirm', { email, code });
export const getChallenge = () => api.get<Challenge>('/participation/public/challenge');

/** Number of leading zero bits of a digest. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

/**
 * Solves a challenge in the page with crypto.subtle: SHA-256(nonce ‖ counter) with `bits` leading
 * zero bits. digest() is asynchronous, so the page stays responsive; `onProgress` is told every
 * chunk so the citizen sees that something is happening.
 */
export async function solve(c: Challenge, onProgress?: (tries: number) => void): Promise<{ challenge: Challenge; counter: number }> {
  const enc = new TextEncoder();
  for (let counter = 0; ; counter++) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(c.nonce + String(counter))));
    if (leadingZeroBits(digest) >= c.bits) return { challenge: c, counter };
    if (counter % 4096 === 0) onProgress?.(counter);
  }
}

async function proved<T>(send: (proof: { challenge: Challenge; counter: number }) => Promise<T>, onProgress?: (n: number) => void): Promise<T> {
  return send(await solve(await getChallenge(), onProgress));
}

export const postComment = (
  processId: number,
  c: { token: string; section_key: string; quote: string; offset: number; body: string },
  onProgress?: (n: number) => void,
) => proved((p) => api.post<{ id: number }>(`/participation/public/processes/${processId}/comments`, { ...c, ...p }), onProgress);

export const postQuestion = (processId: number, q: { token: string; topic: string; region_id: string; body: string }, onProgress?: (n: number) => void) =>
  proved((p) => api.post<{ id: number; due: string }>(`/participation/public/processes/${processId}/questions`, { ...q, ...p }), onProgress);

export const reportPost = (id: number, token: string, reason: string) =>
  api.post<{ reports: number; hidden: boolean }>(`/participation/public/posts/${id}/report`, { token, reason });

export const answerQuestion = (id: number, text: string) => api.post<{ late: boolean }>(`/participation/questions/${id}/answer`, { text });

/** Code points, as the server counts offsets (a UTF-16 string's length counts surrogate pairs twice). */
export const codePoints = (s: string) => [...s].length;

/** The paragraphs of a section text with the code-point offset where each begins. */
export function paragraphs(text: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line.trim()) out.push({ text: line, offset });
    offset += codePoints(line) + 1;
  }
  return out;
}

const TOKEN_KEY = 'eq.participation.token';
export interface Verified {
  token: string;
  pseudonym: string;
  expires_at: number;
}
export function savedVerification(): Verified | null {
  try {
    const v = JSON.parse(localStorage.getItem(TOKEN_KEY) ?? 'null') as Verified | null;
    return v && v.expires_at > Date.now() ? v : null;
  } catch {
    return null;
  }
}
export function saveVerification(v: Verified | null) {
  if (v) localStorage.setItem(TOKEN_KEY, JSON.stringify(v));
  else localStorage.removeItem(TOKEN_KEY);
}

// The author of a hidden post asks for a review (the server checks that the token is hers).
export const appealPost = (id: number, token: string, text: string) => api.post<{ id: number }>(`/participation/public/posts/${id}/appeal`, { token, text });

// ---- the ministry: opening a process, the moderation queue
export interface HiddenPost {
  id: number;
  kind: 'comentario' | 'pregunta';
  body: string;
  pseudonym: string;
  reasons: Record<string, number>;
  appeal: string;
  appealed: string;
}
export const moderationQueue = (processId: number, signal?: AbortSignal) =>
  getItems<HiddenPost>(`/participation/processes/${processId}/moderation`, { signal });
export const moderatePost = (id: number, decision: 'restaurar' | 'confirmar') =>
  api.post<{ id: number; state: string }>(`/participation/posts/${id}/moderate`, { decision });
export interface NewProcess {
  period: string;
  title: string;
  consult_from: string;
  answers_from: string;
  final_from: string;
  answer_days: number;
}
export const createProcess = (p: NewProcess) => api.post<{ id: number; phase: string }>('/participation/processes', p);
export const REASON_LABELS: Record<string, string> = { spam: 'Spam o publicidad', ofensivo: 'Ofensivo', no_corresponde: 'No corresponde a la consulta' };
/** Published editions of the public account (a process opens on one period's newest edition). */
export const publishedPeriods = (signal?: AbortSignal) =>
  api.get<{ items: { id: number; period: string; title: string }[] }>('/account/public/editions', { signal }).then((r) => r.items);
