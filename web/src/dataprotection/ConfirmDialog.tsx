// A dangerous step the officer confirms (releasing a hold, running the purge): what it does, the
// server's refusal if any (e.g. a run already under way), the red button and the way back.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { Dialog, ErrorAlert, useBusy } from '../app/ui';

export function ConfirmDialog(props: { title: string; confirm: string; testId: string; onConfirm: () => Promise<void>; onClose: () => void;
  children: ComponentChildren }) {
  const [busy, run] = useBusy();
  const [error, setError] = useState<string | null>(null);
  const go = () => void run(props.onConfirm, (e) => setError(errorMessage(e)));
  return (
    <Dialog title={props.title} open onClose={props.onClose}>
      <ErrorAlert error={error} />
      {props.children}
      <div class="form-actions">
        <button type="button" class="btn btn-danger" onClick={go} disabled={busy} data-testid={props.testId}>
          {props.confirm}
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onClose}>
          Cancelar
        </button>
      </div>
    </Dialog>
  );
}
