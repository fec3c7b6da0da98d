import { describe, expect, it } from 'vitest';
import {
  birthDateProblem,
  EMPTY_IDENTITY,
  evaluateRisk,
  identityBody,
  monthInput,
  monthName,
  personsBody,
  personsProblems,
  santiagoToIso,
  statCell,
  type Instrument,
} from './data';

describe('birthDateProblem', () => {
  it('accepts full, partial and empty dates', () => {
    for (const ok of ['', '14-03-1991', '3-1991', '03-1991', '1991', '29-02-2024']) expect(birthDateProblem(ok)).toBeNull();
  });
  it('rejects impossible dates with a Spanish message', () => {
    expect(birthDateProblem('31-02-1991')).toBe('Ese día no existe en ese mes.');
    expect(birthDateProblem('29-02-2023')).toBe('Ese día no existe en ese mes.');
    expect(birthDateProblem('13-1991')).toBe('El mes no existe.');
    expect(birthDateProblem('1850')).toBe('El año de nacimiento no es posible.');
    expect(birthDateProblem(`${new Date().getFullYear() + 1}`)).toBe('El año de nacimiento no es posible.');
    expect(birthDateProblem('1991-03-14')).toMatch(/dd-mm-aaaa/);
    expect(birthDateProblem('marzo')).toMatch(/dd-mm-aaaa/);
  });
});

describe('santiagoToIso', () => {
  it('reads wall-clock time in America/Santiago, summer (UTC-3) and winter (UTC-4)', () => {
    expect(santiagoToIso('2026-11-24', '14:05')).toBe('2026-11-24T17:05:00Z');
    expect(santiagoToIso('2026-07-01', '09:30')).toBe('2026-07-01T13:30:00Z');
    expect(santiagoToIso('2026-11-24', '0:15')).toBe('2026-11-24T03:15:00Z');
  });
  it('rejects malformed times', () => {
    expect(santiagoToIso('2026-11-24', '25:00')).toBeNull();
    expect(santiagoToIso('2026-11-24', '14h05')).toBeNull();
    expect(santiagoToIso('24-11-2026', '14:05')).toBeNull();
  });
});

describe('months', () => {
  it('turns what a person types into the API month', () => {
    expect(monthInput('11-2026')).toBe('2026-11');
    expect(monthInput('3/2026')).toBe('2026-03');
    expect(monthInput('2026-03')).toBe('2026-03');
    expect(monthInput('13-2026')).toBeNull();
    expect(monthInput('noviembre')).toBeNull();
  });
  it('names months in Spanish', () => {
    expect(monthName('2026-03')).toBe('marzo 2026');
    expect(monthName('sin_mes')).toBe('sin_mes');
  });
});

describe('statCell', () => {
  it('shows small counts as «<5» and groups thousands', () => {
    expect(statCell(null)).toBe('<5');
    expect(statCell(undefined)).toBe('0');
    expect(statCell(0)).toBe('0');
    expect(statCell(12)).toBe('12');
    expect(statCell(126645)).toBe('126.645');
    expect(statCell(1234)).toBe('1.234');
  });
});

const instrument: Instrument = {
  id: 't',
  version: 1,
  name: 'Prueba',
  items: [
    { id: 'a', question: 'A', required: true, answers: [{ id: 'no', label: 'No', weight: 0 }, { id: 'si', label: 'Sí', weight: 10 }] },
    { id: 'b', question: 'B', required: false, answers: [{ id: 'no', label: 'No', weight: 0 }, { id: 'si', label: 'Sí', weight: 9 }] },
    { id: 'arma', question: 'Arma', required: true, answers: [{ id: 'no', label: 'No', weight: 0 }, { id: 'si', label: 'Sí', weight: 1 }] },
  ],
  overrides: [{ id: 'o', description: 'Arma', min_level: 'vital', when: { arma: ['si'] } }],
  levels: [
    { level: 'bajo', min_score: 0 },
    { level: 'medio', min_score: 9 },
    { level: 'alto', min_score: 18 },
    { level: 'vital', min_score: 28 },
  ],
  reassess_days: { bajo: 90, medio: 60, alto: 30, vital: 7 },
};

describe('evaluateRisk', () => {
  it('adds weights and applies thresholds', () => {
    expect(evaluateRisk(instrument, { a: 'no', arma: 'no' })).toMatchObject({ score: 0, computedLevel: 'bajo', missing: [] });
    expect(evaluateRisk(instrument, { a: 'si', arma: 'no' }).computedLevel).toBe('medio');
    expect(evaluateRisk(instrument, { a: 'si', b: 'si', arma: 'no' }).computedLevel).toBe('alto');
  });
  it('lets an override set a floor and reports it', () => {
    const ev = evaluateRisk(instrument, { a: 'no', arma: 'si' });
    expect(ev.scoreLevel).toBe('bajo');
    expect(ev.computedLevel).toBe('vital');
    expect(ev.overrides.map((o) => o.id)).toEqual(['o']);
  });
  it('lists unanswered required items', () => {
    expect(evaluateRisk(instrument, {}).missing).toEqual(['a', 'arma']);
  });
});

describe('record body', () => {
  it('sends only what was typed, and existing persons by id', () => {
    const identity = { ...EMPTY_IDENTITY, given_names: ' Ana ', surname1: 'Soto', document_type: 'pasaporte' };
    expect(identityBody(identity)).toEqual({ given_names: 'Ana', surname1: 'Soto' });
    expect(
      personsBody([
        { key: 1, role: 'victim', personId: 7, identity: EMPTY_IDENTITY },
        { key: 2, role: 'aggressor', personId: null, identity: { ...EMPTY_IDENTITY, surname1: 'Carrasco' } },
      ]),
    ).toEqual([
      { role: 'victim', person_id: 7 },
      { role: 'aggressor', identity: { surname1: 'Carrasco' } },
    ]);
  });
  it('names problems with the API field names', () => {
    const problems = personsProblems([
      { key: 1, role: 'aggressor', personId: null, identity: { ...EMPTY_IDENTITY, birth_date: '31-02-1990', comuna_id: 'Santiag' } },
    ]);
    expect(problems['persons[0].identity.given_names']).toMatch(/al menos un nombre/);
    expect(problems['persons[0].identity.birth_date']).toBe('Ese día no existe en ese mes.');
    expect(problems['persons[0].identity.comuna_id']).toBe('Elija la comuna de la lista.');
    expect(problems.persons).toMatch(/víctima/);
    expect(personsProblems([{ key: 1, role: 'victim', personId: 3, identity: EMPTY_IDENTITY }])).toEqual({});
  });
});
