import { describe, expect, it } from 'vitest';
import type { Section } from './data';
import { fold, matches, sectionText, splitMatches } from './search';

describe('account search', () => {
  it('ignores accents and case, keeps the text as written', () => {
    expect(fold('Región del Ñuble')).toBe('region del nuble');
    expect(splitMatches('Región de Ñuble y región de Los Ríos', 'region')).toEqual([
      { text: 'Región', hit: true },
      { text: ' de Ñuble y ', hit: false },
      { text: 'región', hit: true },
      { text: ' de Los Ríos', hit: false },
    ]);
    expect(splitMatches('sin coincidencias', 'minería')).toEqual([{ text: 'sin coincidencias', hit: false }]);
    expect(splitMatches('texto', '  ')).toEqual([{ text: 'texto', hit: false }]);
  });
  it('finds a milestone inside a section', () => {
    const s: Section = { key: 'seremis', title: 'Secretarías', text: '', figures: { source: 'x', as_of: 'y', regions: [{ region_id: '15', name: 'Región de Arica', milestones: [{ id: 1, region_id: '15', period: '2020-2021', date: null, date_text: '', title: 'Firma Convenio con Empresa Minera Quiborax', description: 'd', results: 'r', demo: true, axis: '', comunas: '', evidence: '', curation: 'incluido', curation_reason: '' }] }] } };
    expect(matches(sectionText(s), 'quiborax')).toBe(true);
    expect(matches(sectionText(s), 'mascarilla')).toBe(false);
  });
});
