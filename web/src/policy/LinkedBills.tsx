// Bills linked to an Agenda Mujer commitment (item page), and the commitments a bill fulfils
// (bill page of the legislative agenda).
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { hasPermission, useSession } from '../app/session';
import { ErrorAlert, useAsync } from '../app/ui';
import { getBillItems, getItemBills, linkBill, unlinkBill, VALIDATE } from './data';

export function ItemBills({ itemId, agendaMujer }: { itemId: number; agendaMujer: boolean }) {
  const { state } = useSession();
  const canEdit = agendaMujer && hasPermission(state, VALIDATE);
  const d = useAsync((signal) => getItemBills(itemId, signal), [itemId]);
  const [boletin, setBoletin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const bills = d.data ?? [];
  if (!agendaMujer && !bills.length) return null;
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setBoletin('');
      d.reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="bills-title" data-testid="item-bills">
      <h2 id="bills-title">Proyectos de ley que cumplen este compromiso</h2>
      {bills.length ? (
        <ul>
          {bills.map((b) => (
            <li key={b.id}>
              <a href={`/agenda-legislativa/${b.id}`}>{b.boletin ? `Boletín ${b.boletin}` : `Ley N° ${b.law_number}`}</a> — {b.title} ({b.stage_name})
              {canEdit && (
                <>
                  {' '}
                  <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => act(() => unlinkBill(itemId, b.id))}>
                    Desvincular<span class="visually-hidden"> {b.boletin ?? b.law_number}</span>
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Sin proyectos de ley vinculados.</p>
      )}
      {canEdit && (
        <form
          class="pol-queue-actions"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => linkBill(itemId, boletin.trim()));
          }}
        >
          <div class="field">
            <label for="link-boletin">Boletín del proyecto (NNNNN-NN)</label>
            <input id="link-boletin" value={boletin} onInput={(e) => setBoletin((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Vincular
          </button>
        </form>
      )}
      <ErrorAlert error={error} />
    </section>
  );
}

export function BillCommitments({ billId }: { billId: number | string }) {
  const d = useAsync((signal) => getBillItems(billId, signal), [billId]);
  if (!d.data?.length) return null;
  return (
    <section aria-labelledby="bill-commitments" data-testid="bill-commitments">
      <h2 id="bill-commitments">Compromisos de la Agenda Mujer que cumple</h2>
      <ul>
        {d.data.map((i) => (
          <li key={i.id}>
            <a href={`/politicas/items/${i.id}`}>{i.title}</a> <span class="muted">({i.level_name}{i.code ? ` ${i.code}` : ''}, {i.instrument_name})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
