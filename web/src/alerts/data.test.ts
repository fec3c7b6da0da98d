import { describe, expect, it } from 'vitest';
import { age, minutesText, paramsText } from './data';

describe('alert helpers', () => {
  it('says how old an alert is', () => {
    const now = Date.UTC(2026, 10, 24, 12, 0);
    expect(age(now - 20_000, now)).toBe('recién');
    expect(age(now - 5 * 60_000, now)).toBe('hace 5 min');
    expect(age(now - 3 * 3600_000, now)).toBe('hace 3 h');
    expect(age(now - 3 * 86400_000, now)).toBe('hace 3 días');
  });
  it('writes minutes as words', () => {
    expect(minutesText(30)).toBe('30 min');
    expect(minutesText(240)).toBe('4 h');
    expect(minutesText(1440)).toBe('1 día');
    expect(minutesText(2880)).toBe('2 días');
    expect(minutesText(1445)).toBe('24 h 5 min');
  });
  it('writes a rule’s parameters in Spanish', () => {
    expect(paramsText({ kinds: ['contact', 'complaint'], min: 3, window_days: 30 })).toBe(
      'Tipos de registro: contactos, denuncias · Cantidad mínima: 3 · Ventana (días): 30',
    );
    expect(paramsText({})).toBe('Sin parámetros');
  });
});
