import { describe, expect, it } from 'vitest';
import { durationText, phoneProblem } from './data';

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
