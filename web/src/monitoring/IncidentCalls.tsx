// The operator's first steps on an incident: take it, log the calls to the victim and the aggressor
// (with whether they answered), and notes (a note typed here also goes with the next action).
import { useState } from 'preact/hooks';
import { TextAreaField } from '../cases/common';
import { type Incident, postAction } from './data';

interface Props {
  inc: Incident;
  busy: boolean;
  note: string;
  setNote: (s: string) => void;
  act: (label: string, run: () => Promise<Incident | null>) => Promise<boolean>;
}

export function IncidentCalls(props: Props) {
  const { inc, busy, note, setNote, act } = props;
  const [noteError, setNoteError] = useState<string | null>(null);
  const noteBody = () => (note.trim() ? { note: note.trim() } : {});
  const afterNote = (ok: boolean) => ok && setNote('');

  const call = (kind: 'llamada_victima' | 'llamada_agresor', reached: boolean) =>
    act(`${kind === 'llamada_victima' ? 'Llamada a la víctima' : 'Llamada al agresor'} registrada: ${reached ? 'contestó' : 'no contestó'}.`, async () =>
      (await postAction(inc.id, { kind, reached, ...noteBody() })).incident,
    ).then(afterNote);

  function addNote() {
    if (!note.trim()) {
      setNoteError('Escriba la nota antes de guardarla.');
      return;
    }
    setNoteError(null);
    void act('Nota guardada.', async () => (await postAction(inc.id, { kind: 'nota', note: note.trim() })).incident).then(afterNote);
  }

  return (
    <>
      {inc.state === 'nueva' && (
        <button type="button" class="btn btn-primary btn-block mon-take" disabled={busy} onClick={() => void act('Incidente tomado: queda a su cargo.', async () => (await postAction(inc.id, { kind: 'tomar' })).incident)}>
          Tomar incidente
        </button>
      )}
      <div class="mon-call-grid">
        <fieldset class="mon-call">
          <legend>Llamé a la víctima</legend>
          <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => void call('llamada_victima', true)}>
            Contestó<span class="visually-hidden"> (víctima)</span>
          </button>
          <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => void call('llamada_victima', false)}>
            No contestó<span class="visually-hidden"> (víctima)</span>
          </button>
        </fieldset>
        <fieldset class="mon-call">
          <legend>Llamé al agresor</legend>
          <button type="button" class="btn btn-secondary btn-sm" disabled={busy} onClick={() => void call('llamada_agresor', true)}>
            Contestó<span class="visually-hidden"> (agresor)</span>
          </button>
          <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={() => void call('llamada_agresor', false)}>
            No contestó<span class="visually-hidden"> (agresor)</span>
          </button>
        </fieldset>
      </div>
      <TextAreaField label="Nota" name="nota" value={note} onValue={setNote} error={noteError} rows={2} hint="Se adjunta a la próxima acción (llamada, despacho o cierre), o guárdela sola." />
      <div class="mon-btn-row">
        <button type="button" class="btn btn-ghost btn-sm" disabled={busy} onClick={addNote}>
          Guardar nota
        </button>
      </div>
    </>
  );
}
