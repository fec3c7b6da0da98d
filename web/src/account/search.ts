// Searching the public account in the browser: accent- and case-insensitive («region» finds
// «Región», «nino» finds «niño»), on whole code points so the marks land on the text as written.
import type { Section } from './data';

const fold1 = (c: string) => c.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().charAt(0) || c;

export const fold = (s: string) => Array.from(s).map(fold1).join('');

/** The pieces of `text`, each marked or not, for a query; one unmarked piece when it does not match. */
export function splitMatches(text: string, query: string): { text: string; hit: boolean }[] {
  const q = fold(query.trim());
  if (!q) return [{ text, hit: false }];
  const chars = Array.from(text);
  const folded = chars.map(fold1).join('');
  const qLen = Array.from(q).length;
  const out: { text: string; hit: boolean }[] = [];
  let from = 0;
  // Indexes in `folded` are code-point indexes too: every folded character is one code point.
  const foldedChars = Array.from(folded);
  for (let i = 0; i + qLen <= foldedChars.length; ) {
    if (foldedChars.slice(i, i + qLen).join('') === q) {
      if (i > from) out.push({ text: chars.slice(from, i).join(''), hit: false });
      out.push({ text: chars.slice(i, i + qLen).join(''), hit: true });
      i += qLen;
      from = i;
    } else i += 1;
  }
  if (from < chars.length) out.push({ text: chars.slice(from).join(''), hit: false });
  return out.length ? out : [{ text, hit: false }];
}

export const matches = (text: string | null | undefined, query: string) => !!text && fold(text).includes(fold(query.trim()));

/** Every text of a section a reader could be looking for: title, editorial text and its figures' words. */
export function sectionText(s: Section): string {
  const parts: string[] = [s.title, s.text];
  const f = s.figures;
  if (f) {
    for (const b of f.bills ?? []) parts.push(b.title, b.stage_name, b.law_number ?? '', b.boletin ?? '');
    for (const i of f.instruments ?? []) parts.push(i.name);
    for (const c of f.by_channel ?? []) parts.push(c.name);
    for (const r of f.regions ?? []) {
      parts.push(r.name);
      for (const m of r.milestones) parts.push(m.title, m.description, m.results);
    }
  }
  return parts.join('\n');
}
