// "¿Es esta persona?": while a RUN with a wrong check digit sits in a new person's fields, the
// registry is asked for the woman that RUN most likely belongs to (the same number with its right
// check digit, and the typed names), so the worker can attach her existing file instead of
// starting a duplicate. It goes through the ordinary search: what it shows of someone is what a
// search shows (masked for persons the institution does not serve, cases/access.h), and each
// lookup is audited like any search.
import { formatRun } from '../app/format';
import { useDebounced } from '../app/hooks';
import { checkRun } from '../app/run';
import { useAsync } from '../app/ui';
import { MatchBadge } from './common';
import { searchPersons, type IdentityDraft, type SearchResult } from './data';

const SHOWN_MATCHES = ['exacta', 'probable', 'posible'];

async function likelyPersons(expectedRun: string, typed: IdentityDraft, signal: AbortSignal): Promise<SearchResult[]> {
  const byRun = searchPersons({ run: expectedRun }, signal);
  const names: Record<string, string> = {};
  for (const k of ['given_names', 'surname1', 'surname2', 'birth_date'] as const) if (typed[k].trim()) names[k] = typed[k].trim();
  // The typed RUN goes with the names as one more attribute to compare (never an exact key).
  const byName = names.given_names || names.surname1 ? searchPersons({ ...names, run: typed.run.trim() }, signal) : Promise.resolve([]);
  const seen = new Set<number>();
  const out: SearchResult[] = [];
  for (const r of [...(await byRun), ...(await byName)])
    if (SHOWN_MATCHES.includes(r.match) && !seen.has(r.person_id)) {
      seen.add(r.person_id);
      out.push(r);
    }
  return out.slice(0, 3);
}

export function LikelyPerson(props: { identity: IdentityDraft; onUse: (personId: number, name: string) => void }) {
  const check = checkRun(props.identity.run);
  const expected = check.state === 'wrong_digit' ? check.expected : '';
  const { given_names, surname1, surname2, birth_date } = props.identity;
  // One lookup when the typing pauses, not one per key.
  const key = useDebounced(JSON.stringify([expected, given_names, surname1, surname2, birth_date]), 400);
  const found = useAsync(
    (signal) => {
      const [run] = JSON.parse(key) as string[];
      return run ? likelyPersons(run, props.identity, signal) : Promise.resolve([]);
    },
    [key],
  );
  if (!expected || !found.data || found.data.length === 0) return null;
  return (
    <section class="likely-person" data-testid="likely-person" aria-live="polite" aria-labelledby={`likely-${props.identity.run}`}>
      <h3 id={`likely-${props.identity.run}`}>¿Es esta persona?</h3>
      <p class="hint">Con el dígito verificador correcto ({formatRun(expected)}) o por sus nombres, el registro ya tiene una ficha que podría ser ella.</p>
      <ul class="plain">
        {found.data.map((r) => (
          <li key={r.person_id}>
            <span class="cell-main">{r.identity.name}</span> <MatchBadge match={r.match} />
            <span class="cell-sub">
              {[r.identity.birth_date && `Nacida el ${r.identity.birth_date}`, r.comuna, r.served_by_my_institution ? 'Atendida por su institución' : 'Atendida por otra institución']
                .filter(Boolean)
                .join(' · ')}
            </span>
            <button type="button" class="btn btn-secondary btn-sm" onClick={() => props.onUse(r.person_id, r.identity.name)}>
              Sí, usar su ficha<span class="visually-hidden"> ({r.identity.name})</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
