// The public silent chat (/chat), loaded only when she opens it. Nothing is written to her device:
// the conversation and its resume secret live in this page's memory (connection.ts), and leaving —
// the button, «Salida rápida», Shift three times or Esc — blanks the page and replaces it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatDateTime } from '../app/format';
import { ChatConnection, type ChatMessage } from './connection';
import { QUICK_EXIT_URL } from '../app/shell';

interface Comuna {
  id: string;
  name: string;
}

/** Blanks the page first (what is on screen goes at once), then replaces it in the history. */
export function quickExit(conn: ChatConnection | null): void {
  conn?.leave('exit');
  document.title = '';
  document.body.innerHTML = '';
  window.location.replace(QUICK_EXIT_URL);
}

/** Shift pressed three times within 2 s, or Esc: the same as the button (GOV.UK's pattern). */
function useExitKeys(exit: () => void): void {
  useEffect(() => {
    let shifts: number[] = [];
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') return exit();
      if (e.key !== 'Shift' || e.repeat) return;
      const now = Date.now();
      shifts = [...shifts.filter((t) => now - t < 2000), now];
      if (shifts.length >= 3) exit();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [exit]);
}

function Bubble({ m, operatorName }: { m: ChatMessage; operatorName: string }) {
  const who = m.from === 'her' ? 'Tú' : m.from === 'operator' ? operatorName || 'Orientadora 1455' : 'Aviso';
  return (
    <li class={`chat-msg chat-${m.from}${m.pending ? ' chat-pending' : ''}`}>
      <span class="chat-who">{who}</span>
      {/* Text only, never HTML: what anyone typed is shown exactly as typed. */}
      <p class="chat-text">{m.text}</p>
      <span class="chat-meta">
        {formatDateTime(new Date(m.at))}
        {m.pending ? ' · enviando…' : ''}
      </span>
    </li>
  );
}

export default function ChatPage() {
  const [, setTick] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [urgent, setUrgent] = useState(false);
  const [comuna, setComuna] = useState('');
  const [comunas, setComunas] = useState<Comuna[]>([]);
  const [opening, setOpening] = useState('');
  const [draft, setDraft] = useState('');
  const lastTyping = useRef(0);
  const conn = useMemo(
    () => new ChatConnection({ onChange: () => setTick((t) => t + 1), onError: (m) => setError(m) }),
    [],
  );
  const exit = useMemo(() => () => quickExit(conn), [conn]);
  useExitKeys(exit);
  // Leaving the page by any way (the header's «Salida rápida», closing the tab, a reload — the
  // secret is gone with the page — or another page of the site) is her leaving: the queue is told, the operator sees it.
  useEffect(() => {
    const gone = () => conn.leave('closed');
    window.addEventListener('pagehide', gone);
    return () => {
      window.removeEventListener('pagehide', gone);
      conn.leave('closed'); // moving to another page of the site ends the conversation too
    };
  }, [conn]);
  useEffect(() => {
    fetch('/api/v1/territory/comunas?limit=400', { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : { items: [] }))
      .then((j: { items?: Comuna[] }) => setComunas((j.items ?? []).slice().sort((a, b) => a.name.localeCompare(b.name, 'es'))))
      .catch(() => setComunas([]));
  }, []);

  const inputRef = useRef<HTMLTextAreaElement>(null);
  const logRef = useRef<HTMLOListElement>(null);
  // The newest message stays in view (the log scrolls on a phone).
  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [conn.messages.length, conn.operatorTyping]);
  useEffect(() => {
    if (conn.status === 'waiting' || conn.status === 'talking') inputRef.current?.focus();
  }, [conn.status]);

  const started = conn.status !== 'idle' && conn.status !== 'connecting';
  const statusText: Record<string, string> = {
    connecting: 'Conectando…',
    waiting: 'Tu mensaje llegó. Una orientadora te responderá apenas esté disponible.',
    talking: `Conversando con ${conn.operatorName || 'una orientadora del 1455'}.`,
    reconnecting: 'Se cortó la conexión. Reconectando… lo que escribas se enviará al volver.',
    ended: 'La conversación terminó.',
  };

  return (
    <section class="chat narrow" aria-labelledby="chat-title">
      <div class="chat-exit-row">
        <button type="button" class="quick-exit chat-exit" onClick={exit}>
          <span aria-hidden="true" class="quick-exit-icon">⨯</span> Salida rápida
        </button>
        <p class="chat-exit-help">
          También sales presionando <kbd>Esc</kbd> o tres veces <kbd>Shift</kbd>. La página se borra y se abre Google.
          Este chat no guarda nada en tu equipo (ni cookies ni datos del navegador); el historial del navegador sí recordará que
          visitaste este sitio del Ministerio, no la conversación. Si te preocupa, bórralo o usa una ventana privada.
        </p>
      </div>
      <h1 id="chat-title">Chat silencioso 1455</h1>
      <p class="lead">Escribe a una orientadora del Fono 1455. Es anónimo y confidencial. En una emergencia llama al 133.</p>

      {error && (
        <div class="alert alert-error" role="alert">
          {error}
        </div>
      )}

      {!started ? (
        <form
          class="chat-form"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            conn.start({ urgent, comuna, text: opening.trim() });
          }}
        >
          <div class="field">
            <label for="chat-opening">¿Qué te gustaría contarnos? (opcional)</label>
            <textarea id="chat-opening" rows={3} maxLength={2000} value={opening} onInput={(e) => setOpening(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="chat-comuna">Tu comuna (opcional: ayuda a orientarte hacia servicios cercanos)</label>
            <select id="chat-comuna" value={comuna} onChange={(e) => setComuna(e.currentTarget.value)}>
              <option value="">Prefiero no decirla</option>
              {comunas.map((c) => (
                <option value={c.id} key={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field field-check">
            <input id="chat-urgent" type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.currentTarget.checked)} />
            <label for="chat-urgent">Necesito ayuda urgente</label>
          </div>
          <button class="btn btn-primary" type="submit" disabled={conn.status === 'connecting'}>
            Comenzar el chat
          </button>
        </form>
      ) : (
        <div class="chat-box">
          <p class="chat-status" role="status">
            {statusText[conn.status]}
          </p>
          <ol class="chat-log" ref={logRef} aria-live="polite" aria-label="Conversación">
            {conn.messages.map((m) => (
              <Bubble key={m.id ?? `s${m.seq}`} m={m} operatorName={conn.operatorName} />
            ))}
          </ol>
          {conn.operatorTyping && <p class="chat-typing">La orientadora está escribiendo…</p>}
          {conn.status !== 'ended' && (
            <form
              class="chat-send"
              onSubmit={(e) => {
                e.preventDefault();
                const text = draft.trim();
                if (!text) return;
                conn.say(text);
                setDraft('');
                lastTyping.current = 0; // her next keystroke is news again: the pane cleared it with this message
              }}
            >
              <label for="chat-input">Tu mensaje</label>
              <textarea
                id="chat-input"
                ref={inputRef}
                rows={2}
                maxLength={2000}
                value={draft}
                onInput={(e) => {
                  setDraft(e.currentTarget.value);
                  const now = Date.now();
                  if (now - lastTyping.current > 2000) {
                    lastTyping.current = now;
                    conn.typing();
                  }
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey) {
                    e.preventDefault();
                    e.currentTarget.form?.requestSubmit();
                  }
                }}
              />
              <div class="chat-actions">
                <button class="btn btn-primary" type="submit">
                  Enviar
                </button>
                <button class="btn btn-secondary" type="button" onClick={() => conn.leave('closed')}>
                  Terminar la conversación
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </section>
  );
}
