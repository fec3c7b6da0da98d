import { describe, expect, it } from 'vitest';
import { describeUserAgent, roleLabel } from './labels';

describe('describeUserAgent', () => {
  it('names browser and system', () => {
    expect(
      describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'),
    ).toBe('Chrome en Linux');
    expect(describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0')).toBe(
      'Firefox en Windows',
    );
    expect(describeUserAgent('')).toBe('Navegador desconocido');
  });
});

describe('roleLabel', () => {
  it('falls back to the code', () => {
    expect(roleLabel('admin')).toBe('Administración del sistema');
    expect(roleLabel('x')).toBe('x');
  });
});
