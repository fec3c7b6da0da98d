import { describe, expect, it } from 'vitest';
import { checkRun, runCheckDigit } from './run';

describe('runCheckDigit', () => {
  it('computes the módulo 11 digit, K and 0 included', () => {
    expect(runCheckDigit(12345678)).toBe('5');
    expect(runCheckDigit(19876543)).toBe('0');
    expect(runCheckDigit(10000013)).toBe('K');
    expect(runCheckDigit(11111111)).toBe('1');
  });
});

describe('checkRun', () => {
  it('accepts the ways people write a valid RUN', () => {
    for (const t of ['12.345.678-5', '12345678-5', '123456785', ' 12345678-5 '])
      expect(checkRun(t)).toEqual({ state: 'valid', canonical: '12345678-5' });
    expect(checkRun('10.000.013-k')).toEqual({ state: 'valid', canonical: '10000013-K' });
  });
  it('names a wrong check digit and the RUN with the right one', () => {
    expect(checkRun('19.876.543-1')).toEqual({ state: 'wrong_digit', number: 19876543, expected: '19876543-0' });
    expect(checkRun('123456789')).toEqual({ state: 'wrong_digit', number: 12345678, expected: '12345678-5' });
  });
  it('says nothing while the number is being typed or is not a RUN', () => {
    expect(checkRun('')).toEqual({ state: 'empty' });
    expect(checkRun('1234')).toEqual({ state: 'unknown' });
    expect(checkRun('12.345.67a-5')).toEqual({ state: 'unknown' });
    expect(checkRun('0-0')).toEqual({ state: 'unknown' });
  });
});
