import { describe, expect, it } from 'vitest';
import {
  foldText,
  formatRun,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  parseDateInput,
  parseDecimal,
  plural,
  todayIso,
} from './format';

describe('formatNumber', () => {
  it('groups thousands with dots', () => {
    expect(formatNumber(126645)).toBe('126.645');
    expect(formatNumber(10500)).toBe('10.500');
    expect(formatNumber(1234)).toBe('1.234');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-1234567)).toBe('-1.234.567');
  });
  it('uses a decimal comma', () => {
    expect(formatNumber(2.6, 1)).toBe('2,6');
    expect(formatNumber(1234.5, 1)).toBe('1.234,5');
  });
  it('shows a dash for missing values', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('writes "149,1 %" with a non-breaking space', () => {
    expect(formatPercent(149.1)).toBe('149,1\u00a0%');
    expect(formatPercent(20, 0)).toBe('20\u00a0%');
    expect(formatPercent(undefined)).toBe('—');
  });
});

describe('formatDate', () => {
  it('shows the calendar day in Santiago as dd-mm-yyyy', () => {
    expect(formatDate('2026-11-24T15:00:00Z')).toBe('24-11-2026');
    // 02:00 UTC on the 25th is still the 24th in Santiago (UTC-3 in summer).
    expect(formatDate('2026-11-25T02:00:00Z')).toBe('24-11-2026');
    // Winter time (UTC-4).
    expect(formatDate('2026-07-01T03:30:00Z')).toBe('30-06-2026');
  });
  it('never shifts a plain calendar date', () => {
    expect(formatDate('2026-11-24')).toBe('24-11-2026');
  });
  it('handles empty and invalid input', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('uses 24-hour Santiago time', () => {
    expect(formatDateTime('2026-11-24T17:05:09Z')).toBe('24-11-2026 14:05');
    expect(formatDateTime('2026-11-24T17:05:09Z', true)).toBe('24-11-2026 14:05:09');
    expect(formatDateTime('2026-07-01T04:00:00Z')).toBe('01-07-2026 00:00');
  });
});

describe('todayIso', () => {
  it('is the date in Santiago', () => {
    expect(todayIso(new Date('2026-11-25T02:00:00Z'))).toBe('2026-11-24');
  });
});

describe('parsers', () => {
  it('reads dates typed either way', () => {
    expect(parseDateInput('24-11-2026')).toBe('2026-11-24');
    expect(parseDateInput('2026-11-24')).toBe('2026-11-24');
    expect(parseDateInput('1/2/2026')).toBe('2026-02-01');
    expect(parseDateInput('31-02-2026')).toBeNull();
    expect(parseDateInput('mañana')).toBeNull();
  });
  it('reads decimals with comma or dot', () => {
    expect(parseDecimal('-33,45')).toBe(-33.45);
    expect(parseDecimal(' -70.65 ')).toBe(-70.65);
    expect(parseDecimal('abc')).toBeNull();
    expect(parseDecimal('1,2,3')).toBeNull();
  });
  it('pluralises', () => {
    expect(plural(1, 'sesión', 'sesiones')).toBe('1 sesión');
    expect(plural(1200, 'sesión', 'sesiones')).toBe('1.200 sesiones');
  });
});

describe('formatRun', () => {
  it('groups thousands with dots and keeps the check digit', () => {
    expect(formatRun('19876543-0')).toBe('19.876.543-0');
    expect(formatRun('1234567-k')).toBe('1.234.567-K');
    expect(formatRun('123-4')).toBe('123-4');
  });
  it('leaves what is not a canonical RUN as typed', () => {
    expect(formatRun('12.345.678-9')).toBe('12.345.678-9');
    expect(formatRun('V-24567890')).toBe('V-24567890');
  });
});

describe('foldText', () => {
  it('drops accents, case and outer spaces, so typed names match', () => {
    expect(foldText(' Ñuñoa ')).toBe('nunoa');
    expect(foldText('SERVICIO MÉDICO LEGAL')).toBe(foldText('servicio medico legal'));
  });
});
