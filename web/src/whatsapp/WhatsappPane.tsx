// The operator's side of one WhatsApp conversation (src/whatsapp): what she wrote (locations, images
// and unsupported types as text), each reply's delivery state as Meta reports it, the 24-hour
// window's countdown, and the reply box — free text inside the window, only an approved template
// outside it (WhatsApp's rule; the server refuses anything else with 409). Her images are shown
// inline (a click enlarges them) and her audio gets a player, once the server has downloaded them
// from Meta («Descargando…» until then; the reason in Spanish if it could not). Live: a WebSocket
// says "changed" (no content travels on it) and the pane re-reads the conversation through the
// server's object rule; polling every 4 s only while the stream is down (reconnects with back-off).
import { useEffect, useRef, useState } from 'preact/hooks';
import { API_BASE, api, errorMessage, getItems } from '../app/api';
import { formatDateTime } from '../app/format';
import { Dialog, ErrorAlert, Notice } from '../app/ui';
import { windowLeftText, windowUrgent } from './window';

interface WaMessage {
  id: number;
  direction: 'in' | 'out';
  type: string;
  text: string;
  at: number;
  state: string;
  error?: string;
  media?: WaMedia;
}

interface WaMedia {
  id: number;
  state: 'pending' | 'ready' | 'failed';
  mime: string;
  error?: string;
}

interface WaConversation {
  ref: string;
  has_phone: boolean;
  window_ends_at: number;
  window_open: boolean;
  messages: WaMessage[];
}

interface WaTemplate {
  name: string;
  text: string;
}

const STATE: Record<string, string> = {
  queued: 'En cola de envío',
  sending: 'Enviando…',
  uncertain: 'Envío sin confirmar',
  sent: 'Enviado',
  delivered: 'Entregado',
  read: 'Leído',
  failed: 'No entregado',
};

// Her image or audio inside her message. Served by the server (never by Meta) with her operator's
// session cookie: the same object rule as the conversation.
function MediaView({ base, m, onEnlarge }: { base: string; m: WaMessage; onEnlarge: (src: string) => void }) {
  const media = m.media!;
  const isImage = m.type === 'image';
  if (media.state === 'pending')
    return (
      <p class="chat-meta wa-media-pending" role="status">
        {isImage ? 'Descargando la imagen…' : 'Descargando el audio…'}
      </p>
    );
  if (media.state === 'failed') return <p class="chat-meta wa-error">{media.error ?? 'No se pudo descargar el archivo.'}</p>;
  const src = `${API_BASE}${base}/media/${media.id}`;
  if (isImage)
    return (
      <button type="button" class="wa-media-thumb" onClick={() => onEnlarge(src)} aria-label="Ampliar la imagen que envió">
        <img src={src} alt="Imagen que ella envió por WhatsApp" loading="lazy" />
      </button>
    );
  return (
    <audio class="wa-media-audio" controls preload="none" src={src} aria-label="Audio que ella envió por WhatsApp">
      Su navegador no puede reproducir este audio.
    </audio>
  );
}

export function WhatsappPane({ conversationRef }: { conversationRef: string }) {
  const [c, setC] = useState<WaConversation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draft, setDraft] = useState('');
  const [templates, setTemplates] = useState<WaTemplate[]>([]);
  const [template, setTemplate] = useState('');
  const [now, setNow] = useState(Date.now());
  const [enlarged, setEnlarged] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const base = `/whatsapp/conversations/${encodeURIComponent(conversationRef)}`;
  const logRef = useRef<HTMLOListElement>(null);

  const load = () =>
    api
      .get<WaConversation>(base)
      .then(setC)
      .catch((e) => setError(errorMessage(e)));

  useEffect(() => {
    load();
    getItems<WaTemplate>('/whatsapp/templates').then(setTemplates).catch(() => setTemplates([]));
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [conversationRef]);

  // The live stream; while it is down, the pane polls (the fallback).
  useEffect(() => {
    let ws: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let attempts = 0;
    const connect = () => {
      if (stopped) return;
      const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${proto}//${window.location.host}${API_BASE}${base}/live`);
      ws.onopen = () => {
        attempts = 0;
        setLive(true);
        load(); // whatever changed while it was down
      };
      ws.onmessage = () => load();
      ws.onclose = () => {
        ws = null;
        setLive(false);
        if (!stopped) retry = setTimeout(connect, Math.min(30000, 1000 * 2 ** Math.min(attempts++, 5)));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, [conversationRef]);
  useEffect(() => {
    if (live) return;
    const poll = setInterval(load, 4000);
    return () => clearInterval(poll);
  }, [live, conversationRef]);
  useEffect(() => {
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [c?.messages.length]);

  const send = async (body: { text: string } | { template: string }) => {
    setError(null);
    try {
      await api.post(`${base}/messages`, body);
      setDraft('');
      setTemplate('');
      load();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (!c) return error ? <ErrorAlert error={error} /> : <p>Cargando conversación…</p>;
  const open = c.window_ends_at > now;
  return (
    <section class="chat-pane" aria-label="Conversación de WhatsApp">
      <header class="chat-pane-head">
        <h2>WhatsApp</h2>
        <span class={`badge ${open ? (windowUrgent(c.window_ends_at, now) ? 'badge-warn' : 'badge-ok') : 'badge-danger'}`} data-testid="wa-window">
          {windowLeftText(c.window_ends_at, now)}
        </span>
        {!c.has_phone && <span class="badge">Sin número (usuaria con nombre de usuario)</span>}
        <span class={`badge ${live ? 'badge-ok' : 'badge-warn'}`} data-testid="wa-live">
          {live ? 'En vivo' : 'Reconectando… (se actualiza cada 4 s)'}
        </span>
      </header>
      <p class="muted">
        Ventana de 24 horas desde su último mensaje{c.window_ends_at > 0 ? `: hasta el ${formatDateTime(new Date(c.window_ends_at))}` : ''}.
      </p>
      <ErrorAlert error={error} />
      <ol class="chat-log" ref={logRef} aria-live="polite" aria-label="Mensajes">
        {c.messages.map((m) => (
          <li key={m.id} class={`chat-msg ${m.direction === 'in' ? 'chat-her' : 'chat-operator'}`}>
            <span class="chat-who">{m.direction === 'in' ? 'Ella' : m.type === 'template' ? 'Orientadora (plantilla)' : 'Orientadora'}</span>
            <p class="chat-text">{m.text}</p>
            {m.media && <MediaView base={base} m={m} onEnlarge={setEnlarged} />}
            <span class="chat-meta">
              {formatDateTime(new Date(m.at))}
              {m.direction === 'out' && ` · ${STATE[m.state] ?? m.state}`}
            </span>
            {m.error && <p class="chat-meta wa-error">{m.error}</p>}
          </li>
        ))}
      </ol>
      <Dialog title="Imagen que ella envió" open={enlarged !== null} onClose={() => setEnlarged(null)} wide>
        {enlarged && <img class="wa-media-full" src={enlarged} alt="Imagen que ella envió por WhatsApp, ampliada" />}
      </Dialog>
      {open ? (
        <form
          class="chat-send"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.trim()) send({ text: draft.trim() });
          }}
        >
          <label for={`wa-input-${conversationRef}`}>Respuesta</label>
          <textarea id={`wa-input-${conversationRef}`} rows={3} maxLength={4096} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
          <div class="chat-actions">
            <button class="btn btn-primary" type="submit">
              Enviar por WhatsApp
            </button>
          </div>
        </form>
      ) : (
        <form
          class="chat-send"
          onSubmit={(e) => {
            e.preventDefault();
            if (template) send({ template });
          }}
        >
          <Notice kind="warning">
            Pasaron más de 24 horas desde su último mensaje: WhatsApp solo permite enviar una plantilla aprobada. Si ella responde, la ventana
            se abre de nuevo.
          </Notice>
          <label for={`wa-template-${conversationRef}`}>Plantilla aprobada</label>
          <select id={`wa-template-${conversationRef}`} value={template} onChange={(e) => setTemplate(e.currentTarget.value)}>
            <option value="">Elija una plantilla</option>
            {templates.map((t) => (
              <option key={t.name} value={t.name}>
                {t.text.length > 70 ? `${t.text.slice(0, 70)}…` : t.text}
              </option>
            ))}
          </select>
          <div class="chat-actions">
            <button class="btn btn-primary" type="submit" disabled={!template}>
              Enviar plantilla
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
