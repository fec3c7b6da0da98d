// The reviewer's outcome for a PMG service and year: cumple / no cumple, with the reason. The
// server records it only after the compliance report's technical review (approved: either;
// rejected: «no cumple» only).
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { Badge, ErrorAlert, Notice } from '../app/ui';
import { decideOutcome, type ItemDetail } from './data';

export function isPmgService(item: ItemDetail) {
  return item.instrument.code === 'pmg-genero' && item.level === 'compromiso';
}

export function OutcomeForm({ item, onSaved }: { item: Pick<ItemDetail, 'id' | 'status'>; onSaved: () => void }) {
  const [outcome, setOutcome] = useState('cumple');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await decideOutcome(item.id, outcome, reason.trim());
      setDone(`Resultado registrado: ${r.outcome_name}.`);
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="pol-form card" onSubmit={send} aria-labelledby="outcome-title" data-testid="pmg-outcome">
      <h2 id="outcome-title">
        Resultado PMG del servicio{' '}
        {item.status === 'cumplido' && <Badge tone="ok">Cumple</Badge>}
        {item.status === 'no_cumplido' && <Badge tone="danger">No cumple</Badge>}
      </h2>
      {done && <Notice kind="success">{done}</Notice>}
      <ErrorAlert error={error} />
      <div class="field">
        <label for="pmg-outcome-value">Resultado</label>
        <select id="pmg-outcome-value" value={outcome} onChange={(e) => setOutcome((e.currentTarget as HTMLSelectElement).value)}>
          <option value="cumple">Cumple</option>
          <option value="no_cumple">No cumple</option>
        </select>
      </div>
      <div class="field">
        <label for="pmg-outcome-reason">Fundamento</label>
        <textarea id="pmg-outcome-reason" value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      <button type="submit" class="btn btn-primary" disabled={busy}>
        Registrar resultado
      </button>
    </form>
  );
}
