import { describe, expect, it } from 'vitest';
import { phoneProblem } from './data';

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
