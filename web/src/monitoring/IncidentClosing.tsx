// Closing an incident with an outcome (the server's list of outcomes, with its labels).
import { useState } from 'preact/hooks';
import { SelectField } from '../app/ui';
import { type Incident, postAction, useOutcomes } from './data';

interface Props {
  inc: Incident;
  busy: boolean;
  note: string;
  act: (label: string, run: () => Promise<Incident | null>) => Promise<boolean>;
  onNoteUsed: () => void;
}

export function IncidentClosing(props: Props) {
  const outcomes = useOutcomes();
  const [outcome, setOutcome] = useState('');
  const [outcomeError, setOutcomeError] = useState<string | null>(null);

  function close() {
    if (!outcome) {
      setOutcomeError('Elija el resultado para cerrar.');
      return;
    }
    setOutcomeError(null);
    const label = outcomes.find((o) => o.value === outcome)?.label ?? outcome;
    const note = props.note.trim();
    void props
      .act(`Incidente cerrado: ${label}.`, async () => (await postAction(props.inc.id, { kind: 'cerrar', outcome, ...(note ? { note } : {}) })).incident)
      .then((ok) => ok && props.onNoteUsed());
  }

  return (
    <div class="mon-close">
      <SelectField label="Resultado del cierre" name="outcome" value={outcome} onValue={setOutcome} options={outcomes} placeholder="Elija el resultado" error={outcomeError} />
      <button type="button" class="btn btn-ghost" disabled={props.busy} onClick={close}>
        Cerrar incidente
      </button>
    </div>
  );
}
