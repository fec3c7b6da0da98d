// The operator's side of one silent-chat conversation: transcript (live over WebSocket), her typing,
// canned answers, send, transfer through the queue and escalation to 133 or the municipal unit.
// Exported for the operator console (web/src/channels/), which gives the contact and the session
// (an empty contactId: the one the transcript names).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, errorMessage, getItems } from '../app/api';
import { formatDateTime } from '../app/format';
import { ErrorAlert, Notice } from '../app/ui';

interface PaneMessage {
  seq: number;
  from: 'her' | 'operator' | 'system';
  text: string;
  at: number;
}

// A municipal escalation's dispatch in the monitoring module, as the unit moves it.
interface DispatchState {
  id: number;
  state: string;
  state_label: string;
  unit: string;
  accepted_at: number | null;
}

interface Escalation {
  id: number;
  kind: '133' | 'municipal';
  unit: string;
  at: number;
  protocol: string[];
  dispatch: DispatchState | null;
}

interface Transcript {
  session: string;
  contact_id: string;
  urgent: boolean;
  comuna: string;
  state: string;
  messages: PaneMessage[];
  escalations: Escalation[];
}

interface OperatorChoice {
  user_id: number;
  name: string;
}

const enc = encodeURIComponent;

export function ChatPane({ contactId, sessionRef }: { contactId: string; sessionRef: string }) {
  const [t, setT] = useState<Transcript | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [herTyping, setHerTyping] = useState(false);
  const [canned, setCanned] = useState<string[]>([]);
  const [protocol, setProtocol] = useState<Escalation | null>(null);
  const [operators, setOperators] = useState<OperatorChoice[] | null>(null);
  const [transferTo, setTransferTo] = useState('');
  const [left, setLeft] = useState(false);
  const [municipalNote, setMunicipalNote] = useState<string | null>(null);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastTyping = useRef(0);
  const base = `/chat/sessions/${enc(sessionRef)}`;
  const logRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [t?.messages.length, herTyping]);

  const load = () =>
    api
      .get<Transcript>(base)
      .then((x) => {
        setT(x);
        setLeft(x.state === 'ended');
      })
      .catch((e) => setError(errorMessage(e)));

  useEffect(() => {
    load();
    getItems<string>('/chat/canned').then(setCanned).catch(() => setCanned([]));
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${window.location.host}/api/v1${base}/live`);
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as { type: string; seq?: number; from?: string; text?: string; at?: number; dispatch?: DispatchState };
      if (m.type === 'msg' && m.seq !== undefined) {
        const msg = { seq: m.seq, from: m.from as PaneMessage['from'], text: m.text ?? '', at: m.at ?? Date.now() };
        setT((cur) => (cur && !cur.messages.some((x) => x.seq === msg.seq) ? { ...cur, messages: [...cur.messages, msg] } : cur));
        if (msg.from === 'her') setHerTyping(false);
      } else if (m.type === 'typing') {
        setHerTyping(true);
        if (typingTimer.current) clearTimeout(typingTimer.current);
        typingTimer.current = setTimeout(() => setHerTyping(false), 4000);
      } else if (m.type === 'left') {
        setLeft(true);
      } else if (m.type === 'dispatch' && m.dispatch) {
        // The unit accepted, is on its way, arrived or closed: shown where the escalation is listed.
        const d = m.dispatch;
        setT((cur) => (cur ? { ...cur, escalations: cur.escalations.map((x) => (x.dispatch?.id === d.id ? { ...x, dispatch: d } : x)) } : cur));
      }
    };
    return () => ws.close();
  }, [sessionRef]);

  const send = async (text: string) => {
    setError(null);
    try {
      const m = await api.post<PaneMessage>(`${base}/messages`, { text });
      setT((cur) => (cur && !cur.messages.some((x) => x.seq === m.seq) ? { ...cur, messages: [...cur.messages, m] } : cur));
      setDraft('');
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const escalate = async (kind: '133' | 'municipal', note = '') => {
    setError(null);
    try {
      const e = await api.post<Escalation>(`${base}/escalations`, note ? { kind, note } : { kind });
      setProtocol(e);
      setMunicipalNote(null);
      load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  // Transfer goes through the queue (channels): it tells this chat who holds the contact now.
  const openTransfer = async () => {
    setError(null);
    try {
      setOperators(await getItems<OperatorChoice>('/channels/operators'));
    } catch (e) {
      setError(`${errorMessage(e)} Para transferir, pida a su supervisora que reasigne el contacto.`);
    }
  };
  const transfer = async () => {
    try {
      await api.post(`/channels/contacts/${enc(contactId || t?.contact_id || '')}/reassign`, { user_id: Number(transferTo) });
      setOperators(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (!t) return error ? <ErrorAlert error={error} /> : <p>Cargando conversación…</p>;
  return (
    <section class="chat-pane" aria-label="Conversación del chat silencioso">
      <header class="chat-pane-head">
        <h2>Chat silencioso</h2>
        {t.urgent && <span class="badge badge-danger">Ayuda urgente</span>}
        {t.comuna && <span class="badge">Comuna {t.comuna}</span>}
      </header>
      <ErrorAlert error={error} />
      {left && <Notice kind="warning">Ella salió de la conversación. Lo escrito queda como registro del contacto.</Notice>}
      <ol class="chat-log" ref={logRef} aria-live="polite" aria-label="Mensajes">
        {t.messages.map((m) => (
          <li key={m.seq} class={`chat-msg chat-${m.from}`}>
            <span class="chat-who">{m.from === 'her' ? 'Ella' : m.from === 'operator' ? 'Orientadora' : 'Aviso'}</span>
            <p class="chat-text">{m.text}</p>
            <span class="chat-meta">{formatDateTime(new Date(m.at))}</span>
          </li>
        ))}
      </ol>
      {herTyping && <p class="chat-typing">Ella está escribiendo…</p>}
      {canned.length > 0 && (
        <div class="chat-canned" role="group" aria-label="Respuestas predefinidas">
          {canned.map((c) => (
            <button type="button" class="btn btn-small btn-secondary" key={c} onClick={() => setDraft(c)} disabled={left}>
              {c.length > 48 ? `${c.slice(0, 48)}…` : c}
            </button>
          ))}
        </div>
      )}
      <form
        class="chat-send"
        onSubmit={(e) => {
          e.preventDefault();
          if (draft.trim()) send(draft.trim());
        }}
      >
        <label for={`pane-input-${sessionRef}`}>Respuesta</label>
        <textarea
          id={`pane-input-${sessionRef}`}
          rows={3}
          maxLength={2000}
          value={draft}
          disabled={left}
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            const now = Date.now();
            if (now - lastTyping.current > 2000) {
              lastTyping.current = now;
              api.post(`${base}/typing`).catch(() => undefined);
            }
          }}
        />
        <div class="chat-actions">
          <button class="btn btn-primary" type="submit" disabled={left}>
            Enviar
          </button>
          <button class="btn btn-secondary" type="button" onClick={openTransfer}>
            Transferir
          </button>
          <button class="btn btn-danger" type="button" onClick={() => escalate('133')}>
            Emergencia 133
          </button>
          <button class="btn btn-secondary" type="button" onClick={() => setMunicipalNote('')} disabled={!t.comuna}>
            Unidad municipal…
          </button>
        </div>
      </form>
      {municipalNote !== null && (
        <div class="chat-transfer" data-testid="municipal-form">
          <label for={`pane-municipal-${sessionRef}`}>Nota para la unidad municipal (lugar o referencia solo si ella la dio, riesgo)</label>
          <textarea
            id={`pane-municipal-${sessionRef}`}
            rows={2}
            maxLength={500}
            value={municipalNote}
            onInput={(e) => setMunicipalNote(e.currentTarget.value)}
          />
          <button class="btn btn-primary" type="button" onClick={() => escalate('municipal', municipalNote.trim())}>
            Despachar a la unidad de su comuna
          </button>
          <button class="btn btn-ghost" type="button" onClick={() => setMunicipalNote(null)}>
            Cancelar
          </button>
        </div>
      )}
      {t.escalations.some((x) => x.dispatch) && (
        <ul class="chat-dispatches" aria-label="Despachos a la unidad municipal" data-testid="chat-dispatches">
          {t.escalations
            .filter((x) => x.dispatch)
            .map((x) => (
              <li key={x.id}>
                Despacho n.º {x.dispatch!.id} a {x.dispatch!.unit}: <strong>{x.dispatch!.state_label}</strong>
                {x.dispatch!.accepted_at ? ` (aceptado ${formatDateTime(new Date(x.dispatch!.accepted_at))})` : ''}
              </li>
            ))}
        </ul>
      )}
      {operators && (
        <div class="chat-transfer">
          <label for={`pane-transfer-${sessionRef}`}>Transferir a</label>
          <select id={`pane-transfer-${sessionRef}`} value={transferTo} onChange={(e) => setTransferTo(e.currentTarget.value)}>
            <option value="">Elija una orientadora</option>
            {operators.map((o) => (
              <option key={o.user_id} value={String(o.user_id)}>
                {o.name}
              </option>
            ))}
          </select>
          <button class="btn btn-primary" type="button" disabled={!transferTo} onClick={transfer}>
            Transferir
          </button>
        </div>
      )}
      {protocol && (
        <div class="chat-protocol" role="alert">
          <h3>{protocol.kind === '133' ? 'Protocolo: emergencia 133' : `Protocolo: unidad municipal (${protocol.unit})`}</h3>
          <ol>
            {protocol.protocol.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ol>
          <p class="muted">Derivación registrada el {formatDateTime(new Date(protocol.at))}.</p>
        </div>
      )}
    </section>
  );
}
