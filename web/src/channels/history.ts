// Statistics of the help channels over time (GET /api/v1/channels/history/statistics): counts the
// server made from contact records (the demo's synthetic history 2019–2021 and the live contacts).
import { api, buildUrl } from '../app/api';

export type ChannelCounts = Record<string, number | null>;

export interface HistoryStatistics {
  status: 'ready' | 'computing';
  demo: boolean;
  message?: string;
  from_year: number;
  to_year: number;
  year: number;
  channels?: { id: string; name: string }[];
  months?: { month: string; label: string; counts: ChannelCounts; total: number }[];
  years?: { year: number; counts: ChannelCounts; total: number }[];
  variation?: { channel: string; name: string; year: number; period: string; previous: number; current: number; pct: number | null }[];
  monthly_variation?: { channel: string; month: string; label: string; previous: number; current: number; pct: number | null }[];
  first_years?: { channel: string; name: string; since: string; total: number; peak_month: string | null; peak: number | null }[];
  regions?: { id: string; name: string; counts: ChannelCounts; suppressed: string[]; total: number | null }[];
  outcomes?: { id: string; name: string; counts: ChannelCounts; total: number }[];
  small_cell?: number;
  seed?: { key: string; what: string; seed: number; computed: number | null; percent: boolean; agrees: boolean; source: string }[];
}

export interface Years { from?: number; to?: number; year?: number }

const query = (y: Years) => Object.fromEntries(Object.entries(y).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));

export const getHistory = (y: Years, signal?: AbortSignal) =>
  api.get<HistoryStatistics>('/channels/history/statistics', { query: query(y), signal });

/** Link to the CSV or XLSX table of a view ("meses", "regiones", "resultados"). */
export const historyTableUrl = (view: string, format: 'csv' | 'xlsx', y: Years) =>
  buildUrl(`/channels/history/statistics.${format}`, { view, ...query(y) });

/** Colours of the channels in the charts (same order everywhere). */
export const CHANNEL_COLOURS: Record<string, string> = { phone: '#5b2a86', chat: '#1f7a8c', whatsapp: '#2e8b57', pharmacy: '#c0392b' };

const MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sept', 'oct', 'nov', 'dic'];
/** "2020-05" → "may 2020". */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${y}`;
}
