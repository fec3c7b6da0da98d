// The incident panel of the console, put together from what it shows: the summary (what happened,
// the persons, the facts: IncidentSummary), the operator's steps (take, calls, notes:
// IncidentCalls), dispatch with the choice of unit and re-dispatch (IncidentDispatch), closing with
// an outcome (IncidentClosing), the history (IncidentTimeline), and the replay of the track and the
// evidence export (IncidentReplay). The panel keeps what they share: the busy flag, the last
// result, and the note that goes with the next action.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { ErrorAlert, Loading } from '../app/ui';
import { type Incident, type IncidentDetail } from './data';
import { IncidentCalls } from './IncidentCalls';
import { IncidentClosing } from './IncidentClosing';
import { DispatchSummary, IncidentDispatch } from './IncidentDispatch';
import { EvidenceExport, IncidentReplay, type OnReplay } from './IncidentReplay';
import { IncidentFacts, IncidentHead, IncidentPeople } from './IncidentSummary';
import { IncidentTimeline } from './IncidentTimeline';

interface Props {
  headingId: string;
  incidentId: number;
  /** The live row (fresher than the detail for counts and state), when open. */
  live: Incident | null;
  detail: IncidentDetail | null;
  error: string | null;
  now: number;
  onChanged: (incident: Incident | null) => void;
  onReplay: OnReplay;
  onClose: () => void;
}

export function IncidentPanel(props: Props) {
  const { detail, now } = props;
  const inc = props.live ?? detail?.incident ?? null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState('');

  if (!inc) {
    return (
      <>
        <h2 id={props.headingId}>Incidente N° {props.incidentId}</h2>
        {props.error ? <ErrorAlert error={props.error} /> : <Loading />}
      </>
    );
  }

  const closed = inc.state === 'cerrada';
  const dispatch = inc.dispatch ?? detail?.dispatches[detail.dispatches.length - 1] ?? null;

  async function act(label: string, run: () => Promise<Incident | null>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const updated = await run();
      setDone((d) => d ?? label);
      props.onChanged(updated);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  }
  const step = { inc, busy, note, act, onNoteUsed: () => setNote('') };

  return (
    <div class="mon-incident">
      <IncidentHead inc={inc} headingId={props.headingId} onClose={props.onClose} />
      <IncidentPeople detail={detail} error={props.error} />

      <ErrorAlert error={error} />
      {done && (
        <p class="alert alert-success" role="status" data-testid="action-done">
          {done}
        </p>
      )}

      {!closed && (
        <section class="mon-actions" aria-labelledby="actions-h">
          <h3 id="actions-h" class="visually-hidden">
            Acciones
          </h3>
          <IncidentCalls inc={inc} busy={busy} note={note} setNote={setNote} act={act} />
          <IncidentDispatch {...step} dispatch={dispatch} setDone={setDone} />
          <IncidentClosing {...step} />
        </section>
      )}
      {closed && dispatch && <DispatchSummary d={dispatch} />}

      <IncidentFacts inc={inc} detail={detail} now={now} />
      <IncidentTimeline detail={detail} />
      {detail && <IncidentReplay detail={detail} onReplay={props.onReplay} />}
      <EvidenceExport id={inc.id} />
    </div>
  );
}
