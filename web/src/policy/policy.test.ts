import { describe, expect, it } from 'vitest';
import { decimalText, parseDecimal, shareText, type InstrumentHistory } from './data';
import { timeline } from './timeline';

describe('parseDecimal', () => {
  it('reads Chilean and plain numbers', () => {
    expect(parseDecimal('1,5')).toBe(1.5);
    expect(parseDecimal('1.5')).toBe(1.5);
    expect(parseDecimal('1.234,5')).toBe(1234.5);
    expect(parseDecimal('1.000')).toBe(1000);
    expect(parseDecimal('-2')).toBe(-2);
    expect(parseDecimal(' 3 ')).toBe(3);
  });
  it('tells empty from invalid', () => {
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('   ')).toBeNull();
    expect(parseDecimal('dos')).toBeNaN();
    expect(parseDecimal('1,2,3')).toBeNaN();
  });
  it('round-trips what the forms show', () => {
    expect(parseDecimal(decimalText(2.25))).toBe(2.25);
    expect(decimalText(null)).toBe('');
  });
});

describe('shareText', () => {
  it('is the weight over the level total', () => {
    expect(shareText(1, 2)).toBe('33,3 %');
    expect(shareText(3, 1)).toBe('75 %');
    expect(shareText(0, 1)).toBe('—');
  });
});

describe('timeline', () => {
  const h = (id: number, labels: [string, number][]): InstrumentHistory => ({
    id,
    code: `i${id}`,
    name: `Instrumento ${id}`,
    periods: labels.map(([label, progress], k) => ({ period_id: id * 10 + k, label, kind: 'semestre', progress, progress_text: '', leaves: 1, reported: 0, sin_reporte: 1 })),
  });
  it('keeps instruments without periods, as series without values', () => {
    const t = timeline([h(1, [['2021', 40], ['2020-S1', 10]]), h(2, [])]);
    expect(t.labels).toEqual(['2020-S1', '2021']);
    expect(t.series).toEqual([
      { name: 'Instrumento 1', values: [10, 40] },
      { name: 'Instrumento 2 (sin períodos)', values: [null, null] },
    ]);
    expect(t.instruments.map((i) => i.id)).toEqual([1, 2]);
  });
});
