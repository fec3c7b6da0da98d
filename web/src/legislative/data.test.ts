import { describe, expect, it } from 'vitest';
import { billRef, daysLeftText, eventKindsFor, isoToCl, isUrgent, nextStages, type Bill } from './data';

const bill = (over: Partial<Bill>): Bill => ({
  id: 1,
  boletin: '13541-07',
  title: 'Proyecto',
  kind: null,
  origin_chamber: null,
  entered_on: null,
  stage: 'primer_tramite',
  stage_name: 'Primer trámite constitucional',
  committee: null,
  law_number: null,
  published_on: null,
  urgency: null,
  ...over,
});

describe('legislative agenda helpers', () => {
  it('says how long an urgency has left', () => {
    expect(daysLeftText(15)).toBe('vence en 15 días');
    expect(daysLeftText(1)).toBe('vence en 1 día');
    expect(daysLeftText(0)).toBe('vence hoy');
    expect(daysLeftText(-2)).toBe('venció hace 2 días');
  });

  it('highlights deadlines of 6 days or less, never undated ones', () => {
    const u = { type: 'suma' as const, name: 'Suma', days: 15, since: null, deadline: null, days_left: null };
    expect(isUrgent(null)).toBe(false);
    expect(isUrgent(u)).toBe(false);
    expect(isUrgent({ ...u, days_left: 7 })).toBe(false);
    expect(isUrgent({ ...u, days_left: 6 })).toBe(true);
    expect(isUrgent({ ...u, days_left: -1 })).toBe(true);
  });

  it('offers only later stages, or the archive', () => {
    expect(nextStages('comision_mixta').map((s) => s.value)).toEqual(['tribunal_constitucional', 'promulgacion', 'publicada', 'archivada']);
    expect(nextStages('publicada')).toEqual([]);
  });

  it('offers urgency movements only in Congress, renew/withdraw only with one in force', () => {
    expect(eventKindsFor(bill({})).map((k) => k.value)).toEqual(['stage', 'urgency_set', 'note']);
    const withUrgency = bill({ urgency: { type: 'suma', name: 'Suma', days: 15, since: null, deadline: null, days_left: null } });
    expect(eventKindsFor(withUrgency).map((k) => k.value)).toEqual(['stage', 'urgency_set', 'urgency_renewed', 'urgency_withdrawn', 'note']);
    expect(eventKindsFor(bill({ stage: 'promulgacion' })).map((k) => k.value)).toEqual(['stage', 'note']);
    expect(eventKindsFor(bill({ stage: 'publicada' })).map((k) => k.value)).toEqual(['note']);
  });

  it('names a bill by boletín, or by law number', () => {
    expect(billRef(bill({}))).toBe('Boletín N° 13541-07');
    expect(billRef(bill({ boletin: null, law_number: '21.212' }))).toBe('Ley N° 21.212');
    expect(isoToCl('2026-11-24')).toBe('24-11-2026');
  });
});
