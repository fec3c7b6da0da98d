import { describe, expect, it } from 'vitest';
import { describeUserAgent, roleLabel, vocabularyLabel, vocabularyOptions } from './labels';

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

describe('vocabulary', () => {
  const v = [
    { id: 'falsa_alarma', name: 'Falsa alarma (datos erróneos)' },
    { id: 'duplicada', name: 'Duplicada de otra alerta' },
  ];
  it('gives options in the server order', () => {
    expect(vocabularyOptions(v)).toEqual([
      { value: 'falsa_alarma', label: 'Falsa alarma (datos erróneos)' },
      { value: 'duplicada', label: 'Duplicada de otra alerta' },
    ]);
  });
  it('labels a code, falling back to the code and to empty', () => {
    expect(vocabularyLabel(v, 'duplicada')).toBe('Duplicada de otra alerta');
    expect(vocabularyLabel(v, 'retirada')).toBe('retirada');
    expect(vocabularyLabel(undefined, 'x')).toBe('x');
    expect(vocabularyLabel(v, null)).toBe('');
  });
});
