// Citizens' participation in the public account. Anyone reads without an account; to comment or
// ask, a citizen verifies an e-mail with a code (kept in this browser) and the page solves a small
// proof-of-work in the background. A comment is anchored to a passage: select text in a paragraph
// (desktop and phones both fire selectionchange) or, where selecting is awkward on a touch screen,
// press «Comentar este párrafo» and the whole paragraph is the quote. Every text a citizen wrote is
// rendered as text (Preact escapes it), never as HTML.
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { navigate } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import { Badge, EmptyState, ErrorAlert, Field, keepDates, Loading, Notice, PageHeader, SelectField, useAsync } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import {
  answerQuestion,
  appealPost,
  codePoints,
  createProcess,
  moderatePost,
  moderationQueue,
  publishedPeriods,
  REASON_LABELS,
  confirmCode,
  MANAGE,
  paragraphs,
  postComment,
  postQuestion,
  processes,
  processView,
  reportPost,
  requestCode,
  savedVerification,
  saveVerification,
  type Comment,
  type ProcessView,
  type Question,
  type Verified,
} from './data';
import './participation.css';

// The ministry opens a process on a period's published account: the three phases' first days and
// the business days it has to answer each question. The phases then change by themselves (a job).
function NewProcessForm({ onCreated }: { onCreated: (id: number) => void }) {
  const periods = useAsync((signal) => publishedPeriods(signal), []);
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ period: '', title: '', consult_from: '', answers_from: '', final_from: '', answer_days: '10' });
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof f) => (v: string) => setF((x) => ({ ...x, [k]: v }));
  const fieldError = (name: string) => ((error as { field?: string } | null)?.field === name ? errorMessage(error) : undefined);
  if (!open)
    return (
      <p>
        <button type="button" class="btn btn-secondary" onClick={() => setOpen(true)}>
          Abrir un proceso de participación
        </button>
      </p>
    );
  const options = [...new Map((periods.data ?? []).map((e) => [e.period, e])).values()].map((e) => ({ value: e.period, label: `${e.period} · ${e.title}` }));
  return (
    <form
      class="card participation-new"
      aria-label="Abrir un proceso de participación"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        createProcess({ ...f, answer_days: Number(f.answer_days) })
          .then((r) => onCreated(r.id))
          .catch(setError);
      }}
    >
      <h2>Abrir un proceso de participación</h2>
      <ErrorAlert error={error ? errorMessage(error) : null} />
      <SelectField label="Cuenta pública (período publicado)" name="period" required placeholder="Elija un período" options={options} value={f.period} onValue={set('period')} error={fieldError('period')} />
      <Field label="Título del proceso" name="title" required value={f.title} onValue={set('title')} error={fieldError('title')} />
      <Field label="Consulta desde (dd-mm-aaaa)" name="consult_from" required inputMode="numeric" placeholder="01-04-2027" value={f.consult_from} onValue={set('consult_from')} error={fieldError('consult_from')} />
      <Field label="Respuestas del Ministerio desde (dd-mm-aaaa)" name="answers_from" required inputMode="numeric" placeholder="01-05-2027" value={f.answers_from} onValue={set('answers_from')} error={fieldError('answers_from')} />
      <Field label="Publicación final desde (dd-mm-aaaa)" name="final_from" required inputMode="numeric" placeholder="01-06-2027" value={f.final_from} onValue={set('final_from')} error={fieldError('final_from')} />
      <Field label="Días hábiles para responder cada pregunta" name="answer_days" type="number" min={0} max={60} required value={f.answer_days} onValue={set('answer_days')} error={fieldError('answer_days')} />
      <p class="form-actions">
        <button class="btn btn-primary">Abrir el proceso</button>{' '}
        <button type="button" class="btn btn-secondary" onClick={() => setOpen(false)}>
          Cancelar
        </button>
      </p>
    </form>
  );
}

function ProcessList() {
  const { state } = useSession();
  const [tick, setTick] = useState(0);
  const list = useAsync((signal) => processes(signal), [tick]);
  return (
    <section class="narrow-wide">
      <PageHeader
        title="Participación ciudadana"
        lead="Comente los pasajes de la Cuenta Pública y haga preguntas al Ministerio. Cada pregunta tiene un plazo de respuesta y las respuestas son públicas."
      />
      {hasPermission(state, MANAGE) && <NewProcessForm onCreated={(id) => (setTick((t) => t + 1), navigate(`/participacion/${id}`))} />}
      <ErrorAlert error={list.error} />
      {list.loading && <Loading />}
      {list.data && list.data.length === 0 && <EmptyState>No hay procesos de participación abiertos.</EmptyState>}
      <ul class="account-editions">
        {(list.data ?? []).map((p) => (
          <li key={p.id} class="card">
            <h2>
              <a href={`/participacion/${p.id}`}>{p.title}</a>
            </h2>
            <p class="account-meta">
              <Badge tone={p.phase === 'consulta' ? 'ok' : 'neutral'}>{p.phase_label}</Badge>
              <span>Consulta desde el {keepDates(p.consult_from)}</span>
              <span>Respuestas desde el {keepDates(p.answers_from)}</span>
              {p.demo && <Badge tone="warn">Datos de demostración</Badge>}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function VerifyPanel({ onVerified }: { onVerified: (v: Verified) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card participation-verify" aria-labelledby="verify-title">
      <h2 id="verify-title">Para comentar o preguntar, verifique su correo</h2>
      <p>
        Le enviaremos un código de 6 dígitos. Su correo no se publica: junto a sus mensajes se muestra solo el nombre que usted elija.
      </p>
      <ErrorAlert error={error} />
      {!sent ? (
        <form
          key="email"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await requestCode(email, name);
              setSent(true);
            });
          }}
        >
          <Field label="Correo electrónico" name="email" type="email" autocomplete="email" required value={email} onValue={setEmail} />
          <Field label="Nombre que se mostrará" name="pseudonym" hint="Por ejemplo, su primer nombre" maxLength={40} value={name} onValue={setName} />
          <button class="btn btn-primary" disabled={busy}>
            Enviar código
          </button>
        </form>
      ) : (
        <form
          key="code"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const v = await confirmCode(email, code);
              saveVerification(v);
              onVerified(v);
            });
          }}
        >
          <Notice kind="info">Enviamos un código a {email}. Vence en 15 minutos.</Notice>
          <Field label="Código" name="code" maxLength={12} inputMode="numeric" autocomplete="one-time-code" required value={code} onValue={setCode} />
          <button class="btn btn-primary" disabled={busy}>
            Confirmar
          </button>
        </form>
      )}
    </section>
  );
}

interface Draft {
  section_key: string;
  quote: string;
  offset: number;
}

/** The selection inside one paragraph of the text, as a quote and its code-point offset in the section. */
function currentSelection(): Draft | null {
  const sel = document.getSelection();
  if (!sel || sel.isCollapsed || sel.rangeCount === 0) return null;
  const range = sel.getRangeAt(0);
  const start = (range.startContainer.nodeType === 3 ? range.startContainer.parentElement : (range.startContainer as Element))?.closest('[data-para]');
  const end = (range.endContainer.nodeType === 3 ? range.endContainer.parentElement : (range.endContainer as Element))?.closest('[data-para]');
  if (!start || start !== end) return null;
  const para = start as HTMLElement;
  const before = document.createRange();
  before.selectNodeContents(para);
  before.setEnd(range.startContainer, range.startOffset);
  const quote = range.toString();
  if (!quote.trim()) return null;
  return { section_key: para.dataset.section!, quote, offset: Number(para.dataset.offset) + codePoints(before.toString()) };
}

/**
 * A citizen's write that first solves the proof-of-work: `busy` tells her it is being prepared
 * (with the tries so far), `error` is the server's message.
 */
function useProvedSend() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const send = <T,>(run: (progress: (n: number) => void) => Promise<T>, done: (r: T) => void) => {
    setError(null);
    setBusy('Preparando el envío…');
    run((n) => setBusy(`Preparando el envío… (${n.toLocaleString('es-CL')} intentos)`))
      .then(done)
      .catch((x) => setError(errorMessage(x)))
      .finally(() => setBusy(null));
  };
  return { error, busy, send };
}

function CommentForm({ draft, view, who, onDone, onCancel }: { draft: Draft; view: ProcessView; who: Verified; onDone: () => void; onCancel: () => void }) {
  const [body, setBody] = useState('');
  const { error, busy, send } = useProvedSend();
  return (
    <form
      class="card participation-form"
      aria-label="Comentar el pasaje seleccionado"
      onSubmit={(e) => {
        e.preventDefault();
        send((progress) => postComment(view.process.id, { token: who.token, ...draft, body }, progress), onDone);
      }}
    >
      <p class="participation-quote">
        <span class="visually-hidden">Pasaje citado: </span>«{draft.quote}»
      </p>
      <ErrorAlert error={error} />
      <TextAreaField label="Su comentario" name="body" required value={body} onValue={setBody} maxLength={2000} rows={4} />
      {busy && <p role="status">{busy}</p>}
      <div class="participation-actions">
        <button class="btn btn-primary" disabled={!!busy}>
          Publicar comentario
        </button>
        <button type="button" class="btn btn-secondary" onClick={onCancel}>
          Cancelar
        </button>
      </div>
    </form>
  );
}

function ReportButton({ id, who, onDone }: { id: number; who: Verified | null; onDone: (msg: string) => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  if (!who) return null;
  if (!open)
    return (
      <button type="button" class="btn-link" onClick={() => setOpen(true)}>
        Reportar
      </button>
    );
  return (
    <form
      class="participation-report"
      onSubmit={(e) => {
        e.preventDefault();
        reportPost(id, who.token, reason)
          .then((r) => onDone(r.hidden ? 'Gracias: el mensaje quedó oculto mientras se revisa.' : 'Gracias: su reporte quedó registrado.'))
          .catch((x) => onDone(errorMessage(x)))
          .finally(() => setOpen(false));
      }}
    >
      <SelectField
        label="Motivo del reporte"
        name={`reason-${id}`}
        required
        placeholder="Elija un motivo"
        options={[
          { value: 'spam', label: 'Spam o publicidad' },
          { value: 'ofensivo', label: 'Ofensivo' },
          { value: 'no_corresponde', label: 'No corresponde a la consulta' },
        ]}
        value={reason}
        onValue={setReason}
      />
      <button class="btn btn-secondary">Enviar reporte</button>
    </form>
  );
}

// The author of a hidden message asks for a review; anyone else is told by the server (403).
function AppealButton({ id, who, onDone }: { id: number; who: Verified | null; onDone: (msg: string) => void }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  if (!who) return null;
  if (!open)
    return (
      <button type="button" class="btn-link" onClick={() => setOpen(true)}>
        Apelar (si usted lo escribió)
      </button>
    );
  return (
    <form
      class="participation-report"
      onSubmit={(e) => {
        e.preventDefault();
        appealPost(id, who.token, text)
          .then(() => onDone('Su apelación quedó registrada; el Ministerio la revisará.'))
          .catch((x) => onDone(errorMessage(x)))
          .finally(() => setOpen(false));
      }}
    >
      <TextAreaField label="Por qué su mensaje debería volver a publicarse" name={`appeal-${id}`} required value={text} onValue={setText} rows={2} />
      <button class="btn btn-secondary">Enviar apelación</button>
    </form>
  );
}

function CommentItem({ c, who, onMessage }: { c: Comment; who: Verified | null; onMessage: (m: string) => void }) {
  if (c.state === 'oculto')
    return (
      <li class="participation-comment is-hidden">
        <p>{c.notice}</p>
        <AppealButton id={c.id} who={who} onDone={onMessage} />
      </li>
    );
  return (
    <li class="participation-comment">
      <p class="participation-quote">
        «{c.quote}» {c.anchored ? null : <Badge tone="warn" title="El texto citado ya no está en la versión vigente">desanclado</Badge>}
      </p>
      <p class="participation-body">{c.body}</p>
      <p class="participation-by">
        {c.pseudonym} · {keepDates(c.created)} {c.demo && <Badge tone="warn">Demostración</Badge>} <ReportButton id={c.id} who={who} onDone={onMessage} />
      </p>
    </li>
  );
}

function QuestionItem({ q, canAnswer, onChange, who, onMessage }: { q: Question; canAnswer: boolean; onChange: () => void; who: Verified | null; onMessage: (m: string) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <li class="card participation-question">
      <p class="account-meta">
        <Badge tone="info">{q.topic_label}</Badge>
        <span>{q.region_name}</span>
        <span>Preguntada el {keepDates(q.asked)}</span>
        <span>Plazo de respuesta: {keepDates(q.due)}</span>
        {q.demo && <Badge tone="warn">Demostración</Badge>}
      </p>
      <p class="participation-body">{q.state === 'oculto' ? q.notice : q.body}</p>
      <p class="participation-by">{q.pseudonym}</p>
      {q.state === 'oculto' && <AppealButton id={q.id} who={who} onDone={onMessage} />}
      {q.answer ? (
        <div class="participation-answer">
          <p>
            <strong>Respuesta de {q.answer.by}</strong> · {keepDates(q.answer.on)}{' '}
            <Badge tone={q.answer.late ? 'danger' : 'ok'}>{q.answer.label}</Badge>
          </p>
          <p class="participation-body">{q.answer.text}</p>
        </div>
      ) : (
        <p>{q.overdue ? <Badge tone="danger">Sin respuesta, plazo vencido</Badge> : <Badge tone="neutral">Esperando respuesta</Badge>}</p>
      )}
      {canAnswer && !q.answer && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            answerQuestion(q.id, text)
              .then(onChange)
              .catch((x) => setError(errorMessage(x)));
          }}
        >
          <ErrorAlert error={error} />
          <TextAreaField label="Respuesta pública del Ministerio" name={`answer-${q.id}`} required value={text} onValue={setText} rows={3} />
          <button class="btn btn-primary">Publicar respuesta</button>
        </form>
      )}
    </li>
  );
}

function QuestionForm({ view, who, onDone }: { view: ProcessView; who: Verified; onDone: () => void }) {
  const [topic, setTopic] = useState('');
  const [region, setRegion] = useState('');
  const [body, setBody] = useState('');
  const { error, busy, send } = useProvedSend();
  return (
    <form
      class="card participation-form"
      aria-label="Hacer una pregunta"
      onSubmit={(e) => {
        e.preventDefault();
        send(
          (progress) => postQuestion(view.process.id, { token: who.token, topic, region_id: region, body }, progress),
          () => {
            setBody('');
            onDone();
          },
        );
      }}
    >
      <h3>Haga una pregunta al Ministerio</h3>
      <ErrorAlert error={error} />
      <SelectField label="Tema" name="topic" required placeholder="Elija un tema" options={view.topics.map((t) => ({ value: t.id, label: t.name }))} value={topic} onValue={setTopic} />
      <SelectField label="Región" name="region_id" options={view.regions.map((r) => ({ value: r.id, label: r.name }))} value={region} onValue={setRegion} />
      <TextAreaField label="Su pregunta" name="question" required value={body} onValue={setBody} maxLength={2000} rows={3} />
      {busy && <p role="status">{busy}</p>}
      <button class="btn btn-primary" disabled={!!busy}>
        Enviar pregunta
      </button>
    </form>
  );
}

// Messages hidden by citizens' reports (three distinct reporters), with the reasons counted and the
// author's appeal: the ministry restores one or confirms its removal (the author is e-mailed).
function ModerationPanel({ processId, tick, onChange }: { processId: number; tick: number; onChange: () => void }) {
  const queue = useAsync((signal) => moderationQueue(processId, signal), [processId, tick]);
  const [error, setError] = useState<string | null>(null);
  const decide = (id: number, d: 'restaurar' | 'confirmar') => {
    setError(null);
    moderatePost(id, d)
      .then(onChange)
      .catch((x) => setError(errorMessage(x)));
  };
  return (
    <section class="card participation-moderation" aria-labelledby="moderacion">
      <h2 id="moderacion">Moderación</h2>
      <ErrorAlert error={queue.error ?? error} />
      {queue.data && queue.data.length === 0 && <p>No hay mensajes ocultos por reportes.</p>}
      {queue.data && queue.data.length > 0 && (
        <div class="table-wrap">
        <table class="data-table">
          <caption class="visually-hidden">Mensajes ocultos por reportes</caption>
          <thead>
            <tr>
              <th scope="col">Mensaje</th>
              <th scope="col">Reportes</th>
              <th scope="col">Apelación</th>
              <th scope="col">Decisión</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.map((p) => (
              <tr key={p.id}>
                <td>
                  <Badge tone="neutral">{p.kind === 'pregunta' ? 'Pregunta' : 'Comentario'}</Badge> <strong>{p.pseudonym}</strong>
                  <p class="participation-body">{p.body}</p>
                </td>
                <td>
                  {Object.entries(p.reasons).map(([r, n]) => (
                    <div key={r}>
                      {REASON_LABELS[r] ?? r}: {n.toLocaleString('es-CL')}
                    </div>
                  ))}
                </td>
                <td>{p.appeal ? <>«{p.appeal}» <small>({keepDates(p.appealed)})</small></> : <span>Sin apelación</span>}</td>
                <td>
                  <button type="button" class="btn btn-secondary" onClick={() => decide(p.id, 'restaurar')}>
                    Restaurar
                  </button>{' '}
                  <button type="button" class="btn btn-secondary" onClick={() => decide(p.id, 'confirmar')}>
                    Confirmar retiro
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
    </section>
  );
}

function ProcessPage({ id }: { id: string }) {
  const { state } = useSession();
  const [tick, setTick] = useState(0);
  const view = useAsync((signal) => processView(id, signal), [id, tick]);
  const [who, setWho] = useState<Verified | null>(() => savedVerification());
  const [draft, setDraft] = useState<Draft | null>(null);
  const [selection, setSelection] = useState<Draft | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const reload = () => setTick((t) => t + 1);
  // selectionchange fires for mouse and touch selections alike; the bar below offers to comment it.
  useEffect(() => {
    const on = () => setSelection(currentSelection());
    document.addEventListener('selectionchange', on);
    return () => document.removeEventListener('selectionchange', on);
  }, []);
  const v = view.data;
  const canAnswer = hasPermission(state, MANAGE);
  const open = v?.process.open ?? false;
  return (
    <section class="narrow-wide participation">
      <nav aria-label="Ruta de navegación" class="breadcrumb">
        <ol>
          <li>
            <a href="/participacion">Participación ciudadana</a>
          </li>
          <li>
            <span aria-current="page">{v?.process.title ?? 'Proceso'}</span>
          </li>
        </ol>
      </nav>
      {view.loading && !v && <Loading />}
      <ErrorAlert error={view.error} />
      {v && (
        <>
          <PageHeader
            title={v.process.title}
            eyebrow="Cuenta Pública Participativa"
            lead={
              <span class="account-meta">
                <Badge tone={open ? 'ok' : 'neutral'}>{v.process.phase_label}</Badge>
                {v.process.calendar.map((c) => (
                  <span key={c.phase}>
                    {c.label}: desde el {keepDates(c.from)}
                  </span>
                ))}
              </span>
            }
          />
          {v.process.demo && (
            <Notice kind="warning" title="Datos de demostración">
              Este proceso, sus comentarios, preguntas y respuestas son datos de demostración.
            </Notice>
          )}
          <p class="participation-figure" aria-live="polite">
            <strong>{v.answered.text}</strong>
            {v.answered.late > 0 && <span> · {v.answered.late.toLocaleString('es-CL')} fuera de plazo</span>}
            {v.answered.pending > 0 && <span> · {v.answered.pending.toLocaleString('es-CL')} sin respuesta</span>}
          </p>
          {message && <Notice kind="info">{message}</Notice>}
          {open && !who && <VerifyPanel onVerified={setWho} />}
          {open && who && (
            <p class="participation-who">
              Participa como <strong>{who.pseudonym}</strong>.{' '}
              <button type="button" class="btn-link" onClick={() => (saveVerification(null), setWho(null))}>
                Salir
              </button>
            </p>
          )}
          {!open && <Notice kind="info">La consulta no está abierta: fase «{v.process.phase_label}». Puede leer los comentarios y las respuestas.</Notice>}
          <h2>{v.edition.title}</h2>
          {v.edition.sections
            .filter((s) => s.text.trim())
            .map((s) => (
              <article key={s.key} id={s.key} class="participation-section">
                <h3>{s.title}</h3>
                {paragraphs(s.text).map((p) => (
                  <div key={p.offset} class="participation-para">
                    <p data-para data-section={s.key} data-offset={p.offset}>
                      {p.text}
                    </p>
                    {open && who && (
                      <button type="button" class="btn-link" onClick={() => setDraft({ section_key: s.key, quote: p.text, offset: p.offset })}>
                        Comentar este párrafo
                      </button>
                    )}
                  </div>
                ))}
                {draft?.section_key === s.key && who && (
                  <CommentForm
                    draft={draft}
                    view={v}
                    who={who}
                    onCancel={() => setDraft(null)}
                    onDone={() => {
                      setDraft(null);
                      setMessage('Su comentario fue publicado.');
                      reload();
                    }}
                  />
                )}
                {v.comments.some((c) => c.section_key === s.key) && (
                  <ul class="participation-comments" aria-label={`Comentarios sobre «${s.title}»`}>
                    {v.comments
                      .filter((c) => c.section_key === s.key)
                      .map((c) => (
                        <CommentItem key={c.id} c={c} who={who} onMessage={(m) => (setMessage(m), reload())} />
                      ))}
                  </ul>
                )}
              </article>
            ))}
          {canAnswer && <ModerationPanel processId={v.process.id} tick={tick} onChange={reload} />}
          <h2 id="preguntas">Preguntas al Ministerio</h2>
          {open && who && <QuestionForm view={v} who={who} onDone={() => (setMessage('Su pregunta fue enviada.'), reload())} />}
          {v.questions.length === 0 ? (
            <EmptyState>Aún no hay preguntas.</EmptyState>
          ) : (
            <ul class="participation-questions">
              {v.questions.map((q) => (
                <QuestionItem key={q.id} q={q} canAnswer={canAnswer} onChange={reload} who={who} onMessage={(m) => (setMessage(m), reload())} />
              ))}
            </ul>
          )}
          {open && who && selection && !draft && (
            <div class="participation-selbar" role="region" aria-label="Selección">
              <span>«{selection.quote.length > 60 ? `${selection.quote.slice(0, 60)}…` : selection.quote}»</span>
              <button type="button" class="btn btn-primary" onClick={() => (setDraft(selection), document.getSelection()?.removeAllRanges())}>
                Comentar la selección
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

export default function ParticipationPage({ processId }: { processId?: string }) {
  return processId ? <ProcessPage id={processId} /> : <ProcessList />;
}
