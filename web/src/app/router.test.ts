import { describe, expect, it } from 'vitest';
import { match, safeReturnPath } from './router';

describe('match', () => {
  it('extracts parameters', () => {
    expect(match('/territorio/:region', '/territorio/13')).toEqual({ region: '13' });
    expect(match('/territorio', '/territorio')).toEqual({});
    expect(match('/territorio/:region', '/territorio')).toBeNull();
    expect(match('/admin/usuarios', '/admin/roles')).toBeNull();
  });
});

describe('safeReturnPath', () => {
  it('keeps same-site paths only', () => {
    expect(safeReturnPath('/mis-sesiones')).toBe('/mis-sesiones');
    expect(safeReturnPath('/admin/auditoria?accion=user.create')).toBe('/admin/auditoria?accion=user.create');
    expect(safeReturnPath('https://evil.example/')).toBe('/inicio');
    expect(safeReturnPath('//evil.example/')).toBe('/inicio');
    expect(safeReturnPath('/\\evil.example/')).toBe('/inicio');
    expect(safeReturnPath('javascript:alert(1)')).toBe('/inicio');
    expect(safeReturnPath('/ingresar')).toBe('/inicio');
    expect(safeReturnPath(null)).toBe('/inicio');
  });
});
