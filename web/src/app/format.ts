// es-CL formatting for everything the UI shows: 126.645 · 149,1 % · 24-11-2026 · 14:05.
// Instants from the server are UTC (ISO 8601); people read them in America/Santiago.
// Intl does most of the work, but its es-CL output is not always what Chilean public documents use
// (percent comes out as "149,1%", date-times with a comma), so the final shape is assembled here
// from parts and pinned by unit tests.

export const LOCALE = 'es-CL';
export const TIME_ZONE = 'America/Santiago';
const NBSP = '\u00a0';

const integerFormat = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimalFormats = new Map<number, Intl.NumberFormat>();

function decimalFormat(decimals: number): Intl.NumberFormat {
  let f = decimalFormats.get(decimals);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    decimalFormats.set(decimals, f);
  }
  return f;
}

/** 126645 → "126.645"; 1234.5 with decimals=1 → "1.234,5". Null/NaN → "—". */
export function formatNumber(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  // 4-digit numbers: some ICU versions apply minimumGroupingDigits=2 for Spanish ("1234");
  // Chilean usage groups them ("1.234"), so group by hand when Intl did not.
  const text = decimals === 0 ? integerFormat.format(value) : decimalFormat(decimals).format(value);
  return ensureGrouping(text);
}

function ensureGrouping(text: string): string {
  const m = /^(-?)(\d{4,})(,\d+)?$/.exec(text);
  if (!m) return text;
  const grouped = m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${m[1]}${grouped}${m[3] ?? ''}`;
}

/** Percent given as a percentage number: 149.1 → "149,1 %" (non-breaking space). */
export function formatPercent(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${formatNumber(value, decimals)}${NBSP}%`;
}

type Parts = Record<string, string>;

function partsOf(date: Date, withTime: boolean): Parts {
  const f = new Intl.DateTimeFormat(LOCALE, {
    timeZone: TIME_ZONE,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } : {}),
  });
  const out: Parts = {};
  for (const p of f.formatToParts(date)) out[p.type] = p.value;
  return out;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function toDate(value: string | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * "2026-11-24T15:00:00Z" → "24-11-2026" (calendar day in Santiago).
 * A plain calendar date "2026-11-24" is shown as is, never shifted by the time zone.
 */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') {
    const m = DATE_ONLY.exec(value);
    if (m) return `${m[3]}-${m[2]}-${m[1]}`;
  }
  const d = toDate(value);
  if (!d) return '—';
  const p = partsOf(d, false);
  return `${p.day}-${p.month}-${p.year}`;
}

/** "2026-11-24T17:05:09Z" → "24-11-2026 14:05" in America/Santiago (24 h). */
export function formatDateTime(value: string | Date | null | undefined, seconds = false): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = toDate(value);
  if (!d) return '—';
  const p = partsOf(d, true);
  // Some ICU versions render midnight as "24" even with h23.
  const hour = p.hour === '24' ? '00' : p.hour;
  return `${p.day}-${p.month}-${p.year} ${hour}:${p.minute}${seconds ? `:${p.second}` : ''}`;
}

/** Today's calendar date in Santiago as YYYY-MM-DD (for date inputs and API filters). */
export function todayIso(now: Date = new Date()): string {
  const p = partsOf(now, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "24-11-2026" (what a person types) or "2026-11-24" → "2026-11-24"; anything else → null. */
export function parseDateInput(text: string): string | null {
  const t = text.trim();
  let y: number, mo: number, d: number;
  const iso = DATE_ONLY.exec(t);
  const cl = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(t);
  if (iso) {
    y = +iso[1]!; mo = +iso[2]!; d = +iso[3]!;
  } else if (cl) {
    d = +cl[1]!; mo = +cl[2]!; y = +cl[3]!;
  } else {
    return null;
  }
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Parses a decimal coordinate typed the Chilean way ("-33,45") or the dotted way ("-33.45"). */
export function parseDecimal(text: string): number | null {
  const t = text.trim().replace(/\s+/g, '');
  if (!/^[-+]?\d+([.,]\d+)?$/.test(t)) return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/** Plural helper for counters: plural(1, 'sesión', 'sesiones') → "1 sesión". */
export function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** "19876543-0" → "19.876.543-0" (how a RUN is read in Chile); anything else is returned as typed. */
export function formatRun(run: string): string {
  const m = /^(\d{1,8})-([\dkK])$/.exec(run);
  if (!m) return run;
  return `${m[1].replace(/\B(?=(\d{3})+(?!\d))/g, '.')}-${m[2].toUpperCase()}`;
}

/** For matching what people type against names: no accents, no case, no outer spaces ("Ñuñoa " → "nunoa"). */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}
