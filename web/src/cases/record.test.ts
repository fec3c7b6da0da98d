// The new record's body and local checks around a RUN whose check digit does not match.
import { describe, expect, it } from 'vitest';
import { EMPTY_IDENTITY, personsBody, personsProblems, type PersonDraft } from './data';
import { detailsBody, detailsProblems, EMPTY_DETAILS } from './RecordDetails';

const woman = (run: string, runUnverified?: boolean): PersonDraft => ({
  key: 1,
  role: 'victim',
  personId: null,
  identity: { ...EMPTY_IDENTITY, run, given_names: 'Ana' },
  runUnverified,
});

describe('a RUN with a wrong check digit', () => {
  it('is stopped at its field before saving', () => {
    expect(personsProblems([woman('19.876.543-1')])['persons[0].identity.run']).toMatch(
      /^El dígito verificador no corresponde a este RUN; revise el número\./,
    );
    expect(personsProblems([woman('19.876.543-0')])).toEqual({});
  });
  it('is sent, marked, when the worker says it was informed unverified', () => {
    expect(personsProblems([woman('19.876.543-1', true)])).toEqual({});
    expect(personsBody([woman('19.876.543-1', true)])).toEqual([
      { role: 'victim', identity: { run: '19.876.543-1', given_names: 'Ana' }, run_unverified: true },
    ]);
    // The mark alone, without a RUN, is not sent.
    expect(personsBody([woman('', true)])).toEqual([{ role: 'victim', identity: { given_names: 'Ana' } }]);
  });
});

describe('details of the record', () => {
  it('a referral needs consent, destination and reason', () => {
    expect(Object.keys(detailsProblems('referral', EMPTY_DETAILS)).sort()).toEqual([
      'details.consent',
      'details.reason',
      'details.to_institution_id',
    ]);
    expect(detailsBody('referral', { ...EMPTY_DETAILS, d: { to_institution_id: '4', reason: ' x ' }, referralConsent: true })).toEqual({
      to_institution_id: 4,
      consent: true,
      reason: 'x',
    });
  });
});
