// One PMG service through the ministry's technical review: its three filings (programa de trabajo,
// informe de avance, informe de cumplimiento) as steps, each with its state, round, observations
// and answers, and the actions the viewer may take. The focal point files, edits, answers and
// re-files; the reviewer takes, observes, approves or rejects. The server decides every transition
// (409 with the reason when illegal); this view only offers what the state allows.
import { useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { Badge, ErrorAlert, Notice } from '../app/ui';
import { OutcomeForm } from './OutcomeForm';
import {
  answerObservation,
  correctFiling,
  decideFiling,
  editFiling,
  fileStage,
  observeFiling,
  stateTone,
  takeFiling,
  type Filing,
  type ServiceFlow,
  type Stage,
} from './pmgFlow';

export type Viewer = 'focal' | 'reviewer';

const textOf = (e: Event) => (e.currentTarget as HTMLTextAreaElement | HTMLInputElement | HTMLSelectElement).value;

// Runs an action; on success tells the page to reload with a message.
function useAct(onDone: (msg: string) => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>, msg: string) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDone(msg);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function FileForm({ serviceId, stage, stageName, onDone }: { serviceId: number; stage: Stage; stageName: string; onDone: (m: string) => void }) {
  const [narrative, setNarrative] = useState('');
  const [evidence, setEvidence] = useState('');
  const a = useAct(onDone);
  const id = `file-${serviceId}-${stage}`;
  return (
    <form
      class="pmg-form"
      onSubmit={(e) => {
        e.preventDefault();
        void a.run(() => fileStage(serviceId, { stage, narrative: narrative.trim(), evidence: evidence.trim() }), `${stageName} enviado al Ministerio.`);
      }}
    >
      <ErrorAlert error={a.error} />
      <div class="field">
        <label for={`${id}-n`}>Contenido de la presentación</label>
        <textarea id={`${id}-n`} rows={3} value={narrative} onInput={(e) => setNarrative(textOf(e))} />
      </div>
      <div class="field">
        <label for={`${id}-e`}>Medios de verificación{stage === 'cumplimiento' ? ' (obligatorios)' : ' (opcional)'}</label>
        <input id={`${id}-e`} type="text" value={evidence} onInput={(e) => setEvidence(textOf(e))} />
      </div>
      <button type="submit" class="btn btn-primary" disabled={a.busy}>
        Enviar {stageName.toLowerCase()}
      </button>
    </form>
  );
}

function AnswerForm({ obsId, onDone }: { obsId: number; onDone: (m: string) => void }) {
  const [answer, setAnswer] = useState('');
  const a = useAct(onDone);
  return (
    <form
      class="pmg-answer"
      onSubmit={(e) => {
        e.preventDefault();
        void a.run(() => answerObservation(obsId, answer.trim()), 'Respuesta guardada.');
      }}
    >
      <ErrorAlert error={a.error} />
      <label for={`ans-${obsId}`}>Respuesta a la observación</label>
      <textarea id={`ans-${obsId}`} rows={2} value={answer} onInput={(e) => setAnswer(textOf(e))} />
      <button type="submit" class="btn btn-secondary btn-sm" disabled={a.busy}>
        Responder
      </button>
    </form>
  );
}

function ObserveForm({ filing, flow, onDone }: { filing: Filing; flow: ServiceFlow; onDone: (m: string) => void }) {
  const [rows, setRows] = useState<{ item: string; text: string }[]>([{ item: '', text: '' }]);
  const a = useAct(onDone);
  const set = (k: number, patch: Partial<{ item: string; text: string }>) => setRows(rows.map((r, j) => (j === k ? { ...r, ...patch } : r)));
  return (
    <form
      class="pmg-form"
      data-testid="pmg-observe"
      onSubmit={(e) => {
        e.preventDefault();
        const list = rows.map((r) => ({ ...(r.item ? { item_id: Number(r.item) } : {}), text: r.text.trim() }));
        void a.run(() => observeFiling(filing.id, list), `${filing.stage_name} observado: ${list.length} observación(es) enviadas al servicio.`);
      }}
    >
      <h4>Observaciones de la revisión técnica (vuelta {filing.round})</h4>
      <ErrorAlert error={a.error} />
      {rows.map((r, k) => (
        <div class="pmg-obs-row" key={k}>
          <div class="field">
            <label for={`obs-item-${filing.id}-${k}`}>Compromiso observado {k + 1}</label>
            <select id={`obs-item-${filing.id}-${k}`} value={r.item} onChange={(e) => set(k, { item: textOf(e) })}>
              <option value="">Toda la presentación</option>
              {flow.commitments.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.code ? `${c.code}. ` : ''}
                  {c.title}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={`obs-text-${filing.id}-${k}`}>Observación {k + 1}</label>
            <textarea id={`obs-text-${filing.id}-${k}`} rows={2} value={r.text} onInput={(e) => set(k, { text: textOf(e) })} />
          </div>
        </div>
      ))}
      <div class="pol-queue-actions">
        <button type="button" class="btn btn-secondary btn-sm" onClick={() => setRows([...rows, { item: '', text: '' }])}>
          Agregar otra observación
        </button>
        <button type="submit" class="btn btn-primary" disabled={a.busy}>
          Enviar observaciones
        </button>
      </div>
    </form>
  );
}

function DecideForm({ filing, onDone }: { filing: Filing; onDone: (m: string) => void }) {
  const [note, setNote] = useState('');
  const a = useAct(onDone);
  return (
    <div class="pmg-form" data-testid="pmg-decide">
      <ErrorAlert error={a.error} />
      <div class="field">
        <label for={`note-${filing.id}`}>Fundamento de la decisión (obligatorio para rechazar)</label>
        <textarea id={`note-${filing.id}`} rows={2} value={note} onInput={(e) => setNote(textOf(e))} />
      </div>
      <div class="pol-queue-actions">
        <button type="button" class="btn btn-primary" disabled={a.busy} onClick={() => void a.run(() => decideFiling(filing.id, 'aprobado', note.trim()), `${filing.stage_name} aprobado.`)}>
          Aprobar
        </button>
        <button type="button" class="btn btn-secondary" disabled={a.busy} onClick={() => void a.run(() => decideFiling(filing.id, 'rechazado', note.trim()), `${filing.stage_name} rechazado.`)}>
          Rechazar
        </button>
      </div>
    </div>
  );
}

function EditForm({ filing, onDone }: { filing: Filing; onDone: (m: string) => void }) {
  const [open, setOpen] = useState(false);
  const [narrative, setNarrative] = useState(filing.narrative);
  const [evidence, setEvidence] = useState(filing.evidence);
  const a = useAct((m) => {
    setOpen(false);
    onDone(m);
  });
  if (!open)
    return (
      <button type="button" class="btn btn-secondary btn-sm" onClick={() => setOpen(true)}>
        Editar antes de la revisión
      </button>
    );
  return (
    <form
      class="pmg-form"
      onSubmit={(e) => {
        e.preventDefault();
        void a.run(() => editFiling(filing.id, { narrative: narrative.trim(), evidence: evidence.trim() }), `${filing.stage_name} actualizado.`);
      }}
    >
      <ErrorAlert error={a.error} />
      <div class="field">
        <label for={`ed-${filing.id}`}>Contenido de la presentación</label>
        <textarea id={`ed-${filing.id}`} rows={3} value={narrative} onInput={(e) => setNarrative(textOf(e))} />
      </div>
      <div class="field">
        <label for={`ede-${filing.id}`}>Medios de verificación</label>
        <input id={`ede-${filing.id}`} type="text" value={evidence} onInput={(e) => setEvidence(textOf(e))} />
      </div>
      <button type="submit" class="btn btn-primary btn-sm" disabled={a.busy}>
        Guardar cambios
      </button>
    </form>
  );
}

function FilingView({ filing, flow, viewer, onDone }: { filing: Filing; flow: ServiceFlow; viewer: Viewer; onDone: (m: string) => void }) {
  const a = useAct(onDone);
  const mayAct = viewer === 'reviewer' ? !flow.own_service : flow.own_service;
  const obs = filing.observations ?? [];
  return (
    <div class="pmg-filing">
      <p>
        <Badge tone={stateTone(filing.state)}>{filing.state_name}</Badge> · vuelta {filing.round} de {filing.max_rounds} · enviado el {filing.filed_at}
        {['enviado', 'en_revision', 'corregido'].includes(filing.state) && ` · ${filing.days_waiting.toLocaleString('es-CL')} días en espera`}
        {filing.decided_at && ` · decidido el ${filing.decided_at}`}
      </p>
      <p>{filing.narrative}</p>
      {filing.evidence && (
        <p class="muted">
          <strong>Medios de verificación:</strong> {filing.evidence}
        </p>
      )}
      {filing.decision_note && (
        <p>
          <strong>Fundamento:</strong> {filing.decision_note}
        </p>
      )}
      {obs.length > 0 && (
        <ol class="pmg-observations" data-testid="pmg-observations">
          {obs.map((o) => (
            <li key={o.id} class={o.to_answer ? 'pmg-obs-open' : ''}>
              <span class="cell-sub">
                Vuelta {o.round} · {o.item_title ? `sobre «${o.item_title}»` : 'sobre toda la presentación'} · {o.written_at}
              </span>
              <p>{o.text}</p>
              {o.answer ? (
                <p class="pmg-answer-text">
                  <strong>Respuesta del servicio:</strong> {o.answer}
                </p>
              ) : (
                viewer === 'focal' && mayAct && o.to_answer && <AnswerForm obsId={o.id} onDone={onDone} />
              )}
            </li>
          ))}
        </ol>
      )}
      <ErrorAlert error={a.error} />
      {mayAct && viewer === 'focal' && filing.state === 'enviado' && <EditForm filing={filing} onDone={onDone} />}
      {mayAct && viewer === 'focal' && filing.state === 'observado' && (
        <button
          type="button"
          class="btn btn-primary"
          disabled={a.busy || (filing.observations_to_answer ?? 0) > 0}
          title={(filing.observations_to_answer ?? 0) > 0 ? 'Responda cada observación antes de reenviar.' : undefined}
          onClick={() => void a.run(() => correctFiling(filing.id, {}), `${filing.stage_name} reenviado corregido (segunda vuelta).`)}
        >
          Reenviar corregido (segunda vuelta)
        </button>
      )}
      {mayAct && viewer === 'focal' && filing.state === 'observado' && (filing.observations_to_answer ?? 0) > 0 && (
        <p class="muted">Responda cada observación para poder reenviar (faltan {filing.observations_to_answer}).</p>
      )}
      {mayAct && viewer === 'reviewer' && (filing.state === 'enviado' || filing.state === 'corregido') && (
        <button type="button" class="btn btn-primary" disabled={a.busy} onClick={() => void a.run(() => takeFiling(filing.id), `${filing.stage_name} en revisión.`)}>
          Tomar para revisión
        </button>
      )}
      {mayAct && viewer === 'reviewer' && filing.state === 'en_revision' && (
        <>
          {filing.round < filing.max_rounds ? (
            <ObserveForm filing={filing} flow={flow} onDone={onDone} />
          ) : (
            <p class="muted">Segunda vuelta: la presentación se aprueba o se rechaza.</p>
          )}
          <DecideForm filing={filing} onDone={onDone} />
        </>
      )}
      {viewer === 'reviewer' && flow.own_service && <p class="muted">Es un servicio de su institución: otra persona del Ministerio debe revisarlo.</p>}
    </div>
  );
}

export function PmgFlow({ flow, viewer, onChange }: { flow: ServiceFlow; viewer: Viewer; onChange: () => void }) {
  const [msg, setMsg] = useState<string | null>(null);
  const done = (m: string) => {
    setMsg(m);
    onChange();
  };
  const compliance = flow.stages.find((s) => s.stage === 'cumplimiento')?.filing;
  const reviewed = compliance && (compliance.state === 'aprobado' || compliance.state === 'rechazado');
  return (
    <article class="pol-report pmg-service" data-testid="pmg-service" data-service={flow.service.id}>
      <h2>
        {flow.service.title} {flow.service.year && <span class="muted">· PMG {flow.service.year}</span>}
      </h2>
      {(flow.service.ministry || flow.demo) && (
        <p class="muted">{[flow.service.ministry, flow.demo ? 'Presentaciones de demostración (generadas)' : ''].filter(Boolean).join(' · ')}</p>
      )}
      <p data-testid="pmg-due">
        <strong>Qué corresponde:</strong> {flow.due}
      </p>
      {msg && <Notice kind="success">{msg}</Notice>}
      <ol class="pmg-steps">
        {flow.stages.map((s, k) => (
          <li key={s.stage} class={`pmg-step pmg-step-${s.filing?.state ?? (s.can_file ? 'due' : 'later')}`} data-testid={`pmg-stage-${s.stage}`}>
            <h3>
              {k + 1}. {s.stage_name}
            </h3>
            {s.filing ? (
              <FilingView filing={s.filing} flow={flow} viewer={viewer} onDone={done} />
            ) : s.can_file && viewer === 'focal' && flow.own_service ? (
              <FileForm serviceId={flow.service.id} stage={s.stage} stageName={s.stage_name} onDone={done} />
            ) : (
              <p class="muted">{s.can_file ? 'Pendiente de envío por el servicio.' : 'Se envía cuando la etapa anterior esté aprobada.'}</p>
            )}
          </li>
        ))}
      </ol>
      {flow.outcome ? (
        <p data-testid="pmg-result">
          <strong>Resultado del año:</strong> <Badge tone={flow.outcome.outcome === 'cumple' ? 'ok' : 'danger'}>{flow.outcome.outcome_name}</Badge> {flow.outcome.reason}
        </p>
      ) : (
        viewer === 'reviewer' && reviewed && !flow.own_service && <OutcomeForm item={{ id: flow.service.id, status: flow.service.status }} onSaved={() => done('Resultado registrado.')} />
      )}
    </article>
  );
}
