import { describe, expect, it } from 'vitest';
import { circleRadius, classLimits, classOf, durationText, featureCentroid, phoneProblem } from './data';

// The form's own check must agree with the server's (src/pharmacy/routes.cc chilean_phone).
describe('phoneProblem', () => {
  it('accepts the spellings of a Chilean number the server accepts', () => {
    for (const p of ['', '+56 9 8765 4321', '987654321', '+56987654321', '56 9 8765-4321', '(9) 8765 4321', '2 2345 6789'])
      expect(phoneProblem(p), p).toBeNull();
  });
  it('refuses what the server refuses', () => {
    for (const p of ['12345', '+56 9 1234 567', '+54 9 1234 5678 9', '9876-abcd-1', '+56 1 2345 6789'])
      expect(phoneProblem(p), p).toMatch(/teléfono/i);
  });
});

// The follow-up list writes the time overdue as the server's home item does (pharmacy::duration_text).
describe('durationText', () => {
  it('minutes, hours with two-digit minutes, days with hours', () => {
    expect(durationText(0)).toBe('0 min');
    expect(durationText(-5_000)).toBe('0 min');
    expect(durationText(45 * 60_000 + 59_000)).toBe('45 min');
    expect(durationText(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 05 min');
    expect(durationText(3 * 86_400_000 + 4 * 3_600_000 + 30 * 60_000)).toBe('3 d 4 h');
  });
});

describe('the enrolment map', () => {
  it('a circle\'s area, not its radius, is proportional to the count', () => {
    const r1 = circleRadius(16, 64), r4 = circleRadius(64, 64);
    expect(r4).toBe(22);
    expect((r4 * r4) / (r1 * r1)).toBeCloseTo(4, 5);
    expect(circleRadius(0, 64)).toBe(0);
    expect(circleRadius(1, 10_000)).toBe(4);
  });
  it('classes by quantiles of the non-zero counts; every count falls in one', () => {
    const limits = classLimits([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 63]);
    expect(limits).toEqual([2, 4, 6, 8, 63]);
    expect(classOf(1, limits)).toBe(0);
    expect(classOf(9, limits)).toBe(4);
    expect(classOf(63, limits)).toBe(4);
    expect(classLimits([9, 9, 9])).toEqual([9]);
    expect(classLimits([0, 0])).toEqual([]);
  });
  it('the centroid of the largest polygon: a square\'s centre, whatever islet comes with it', () => {
    const square = [[-70, -33], [-69, -33], [-69, -32], [-70, -32], [-70, -33]];
    const islet = [[-80, -33], [-79.99, -33], [-79.99, -32.99], [-80, -33]];
    const c = featureCentroid({ type: 'MultiPolygon', coordinates: [[islet], [square]] });
    expect(c!.lon).toBeCloseTo(-69.5, 6);
    expect(c!.lat).toBeCloseTo(-32.5, 6);
    expect(featureCentroid(null)).toBeNull();
  });
});
