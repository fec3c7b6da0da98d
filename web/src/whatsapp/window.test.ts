import { describe, expect, it } from 'vitest';
import { windowLeftText, windowUrgent } from './window';

describe('the 24-hour window countdown', () => {
  const now = 1_800_000_000_000;
  it('reads hours and minutes, then minutes, then closed', () => {
    expect(windowLeftText(now + 23 * 3_600_000 + 5 * 60_000 + 30_000, now)).toBe('Quedan 23 h 05 min');
    expect(windowLeftText(now + 42 * 60_000, now)).toBe('Quedan 42 min');
    expect(windowLeftText(now + 20_000, now)).toBe('Queda menos de 1 min');
    expect(windowLeftText(now, now)).toBe('Ventana cerrada');
    expect(windowLeftText(now - 1, now)).toBe('Ventana cerrada');
  });
  it('warns in the last hour only', () => {
    expect(windowUrgent(now + 59 * 60_000, now)).toBe(true);
    expect(windowUrgent(now + 61 * 60_000, now)).toBe(false);
    expect(windowUrgent(now - 1, now)).toBe(false);
  });
});
