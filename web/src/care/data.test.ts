import { describe, expect, it } from 'vitest';
import { parseAges, termLabel } from './data';

describe('parseAges', () => {
  it('reads ages separated by commas, semicolons or spaces', () => {
    expect(parseAges('3, 7')).toEqual([3, 7]);
    expect(parseAges('0;13 5')).toEqual([0, 13, 5]);
    expect(parseAges('')).toEqual([]);
  });
  it('refuses what is not an age', () => {
    expect(parseAges('3, siete')).toBeNull();
    expect(parseAges('2.5')).toBeNull();
    expect(parseAges('31')).toBeNull();
  });
});

describe('termLabel', () => {
  it('takes the Spanish label whichever key the server used', () => {
    expect(termLabel({ id: 'sin_cupo', name: 'Sin cupo disponible' })).toBe('Sin cupo disponible');
    expect(termLabel({ id: 'x' })).toBe('x');
  });
});
