// Her side of the silent chat's WebSocket (server: src/chat/protocol.cc). Everything lives in this
// object, in the page's memory: no cookie, no storage, nothing in the address. When the network
// drops, it reconnects and resumes with the secret it holds; messages not yet acknowledged are sent
// again with the same id (the server keeps each id once), so no text is lost or doubled.

export interface ChatMessage {
  seq: number;
  from: 'her' | 'operator' | 'system';
  text: string;
  at: number;
  id?: string;
  pending?: boolean; // hers, not yet acknowledged by the server
}

export type ChatStatus = 'idle' | 'connecting' | 'waiting' | 'talking' | 'reconnecting' | 'ended';

export interface ChatEvents {
  onChange: () => void;
  onError: (message: string) => void;
}

export interface StartForm {
  urgent: boolean;
  comuna: string;
  text: string;
}

type ServerMessage =
  | { type: 'started'; session: string; secret: string }
  | { type: 'resumed'; session: string }
  | { type: 'ack'; id: string; seq: number }
  | { type: 'msg'; seq: number; from: ChatMessage['from']; text: string; at: number; id?: string; name?: string }
  | { type: 'typing'; from: string }
  | { type: 'ended' }
  | { type: 'error'; code: string; message: string; field?: string; id?: string };

let counter = 0;
const newId = () => `${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export function chatUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/api/v1/chat/ws`;
}

export class ChatConnection {
  status: ChatStatus = 'idle';
  messages: ChatMessage[] = [];
  operatorTyping = false;
  operatorName = '';
  private ws: WebSocket | null = null;
  private session = '';
  private secret = '';
  private lastSeq = 0;
  private retry = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByHer = false;

  constructor(private readonly events: ChatEvents, private readonly url: string = chatUrl()) {}

  start(form: StartForm): void {
    this.status = 'connecting';
    this.events.onChange();
    this.open(() => this.raw({ type: 'start', urgent: form.urgent, comuna: form.comuna, text: form.text }));
  }

  say(text: string): void {
    const id = newId();
    this.messages.push({ seq: 0, from: 'her', text, at: Date.now(), id, pending: true });
    this.events.onChange();
    this.raw({ type: 'say', id, text });
  }

  typing(): void {
    this.raw({ type: 'typing' });
  }

  /** She leaves (button or «Salida rápida»): told to the server if the connection is up, then forgotten. */
  leave(why: 'exit' | 'closed'): void {
    this.closedByHer = true;
    this.raw({ type: 'leave', why });
    this.forget();
  }

  /** Drops every trace held in memory (the transcript, the secret). */
  forget(): void {
    this.closedByHer = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    try {
      this.ws?.close();
    } catch {
      /* already closed */
    }
    this.ws = null;
    this.session = '';
    this.secret = '';
    this.messages = [];
    this.status = 'ended';
  }

  private raw(message: object): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private open(onOpen: () => void): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 0;
      onOpen();
    };
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as ServerMessage);
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closedByHer || this.status === 'ended') return;
      if (!this.session) {
        this.status = 'idle';
        this.events.onError('No fue posible conectar con el chat. Revise su conexión e intente de nuevo, o llame al 1455.');
        this.events.onChange();
        return;
      }
      this.status = 'reconnecting';
      this.events.onChange();
      // Back-off up to 10 s: a phone on a bad network comes back without hammering the server.
      const wait = Math.min(10_000, 500 * 2 ** this.retry++);
      this.retryTimer = setTimeout(() => this.reconnect(), wait);
    };
  }

  private reconnect(): void {
    this.open(() => {
      this.raw({ type: 'resume', session: this.session, secret: this.secret, after: this.lastSeq });
      // What she wrote while offline (or what was never acknowledged) goes again, same ids.
      for (const m of this.messages) if (m.pending && m.id) this.raw({ type: 'say', id: m.id, text: m.text });
    });
  }

  private receive(m: ServerMessage): void {
    switch (m.type) {
      case 'started':
        this.session = m.session;
        this.secret = m.secret;
        this.status = 'waiting';
        break;
      case 'resumed':
        if (this.status === 'reconnecting') this.status = this.operatorName ? 'talking' : 'waiting';
        break;
      case 'ack': {
        const mine = this.messages.find((x) => x.id === m.id);
        if (mine) {
          mine.pending = false;
          mine.seq = m.seq;
        }
        this.lastSeq = Math.max(this.lastSeq, m.seq);
        break;
      }
      case 'msg': {
        this.lastSeq = Math.max(this.lastSeq, m.seq);
        if (this.messages.some((x) => x.seq === m.seq && !x.pending)) break;
        const mine = m.id ? this.messages.find((x) => x.id === m.id) : undefined;
        if (mine) {
          mine.pending = false;
          mine.seq = m.seq;
          break;
        }
        this.messages.push({ seq: m.seq, from: m.from, text: m.text, at: m.at, id: m.id });
        if (m.from === 'operator') this.operatorTyping = false;
        if (m.name) this.operatorName = m.name;
        if (m.from !== 'her' && this.status === 'waiting') this.status = 'talking';
        break;
      }
      case 'typing':
        this.operatorTyping = true;
        if (this.typingTimer) clearTimeout(this.typingTimer);
        this.typingTimer = setTimeout(() => {
          this.operatorTyping = false;
          this.events.onChange();
        }, 4000);
        break;
      case 'ended':
        this.status = 'ended';
        break;
      case 'error':
        if (m.id) {
          // That message was refused (too long, too fast): it is not kept as pending.
          this.messages = this.messages.filter((x) => x.id !== m.id);
        }
        if (m.code === 'bad_resume' || m.code === 'chat_ended') this.status = 'ended';
        if (m.code === 'too_many_chats' || !this.session) this.status = 'idle';
        this.events.onError(m.message);
        break;
    }
    this.events.onChange();
  }
}
