// The Chilean RUN as people type it, checked while they type (the same rule as src/core/rut.cc):
// a wrong check digit is almost always a typing mistake, and the server refuses it on save.

export const RUN_CHECK_DIGIT_MESSAGE = 'El dígito verificador no corresponde a este RUN; revise el número.';

/** Módulo 11 check digit of a RUN number: '0'..'9' or 'K'. */
export function runCheckDigit(n: number): string {
  // Digits from the right, weighted 2, 3, 4, 5, 6, 7, 2, 3…
  const sum = [...String(Math.trunc(n))].reverse().reduce((acc, d, i) => acc + Number(d) * (2 + (i % 6)), 0);
  const r = 11 - (sum % 11);
  return r === 11 ? '0' : r === 10 ? 'K' : String(r);
}

export type RunCheck =
  | { state: 'empty' }
  /** Still being typed, or not shaped like a RUN: nothing to say yet. */
  | { state: 'unknown' }
  | { state: 'valid'; canonical: string }
  /** Number and check digit read, and they do not match: `expected` is the RUN with the right digit. */
  | { state: 'wrong_digit'; number: number; expected: string };

/** "12.345.678-5", "12345678-5", "123456785" (and a k in either case) read as the server reads them. */
export function checkRun(text: string): RunCheck {
  const t = text.trim();
  if (!t) return { state: 'empty' };
  const compact = t.replace(/[.\s]/g, '');
  const m = /^(\d{1,8})-?([\dkK])$/.exec(compact);
  // Without a dash, at least 7 characters: "1234" is still being typed, not a RUN with digit 4.
  if (!m || (!compact.includes('-') && compact.length < 7)) return { state: 'unknown' };
  const number = Number(m[1]);
  if (number < 1) return { state: 'unknown' };
  const dv = m[2]!.toUpperCase();
  const right = runCheckDigit(number);
  if (dv === right) return { state: 'valid', canonical: `${number}-${dv}` };
  return { state: 'wrong_digit', number, expected: `${number}-${right}` };
}
