// The live feed over WebSocket (session cookie, same origin): reconnects with back-off, tells
// when it is connected, and calls `onOpen` on every (re)connection so the screen re-reads its
// snapshot (whatever happened while disconnected is not replayed by the socket).
import { useEffect, useRef, useState } from 'preact/hooks';
import { backoffMs, liveUrl } from './data';

export interface LiveState {
  /** The socket is open. */
  connected: boolean;
  /** Failed attempts since the last good connection. */
  attempts: number;
  /** When the next attempt is due (ms), while disconnected. */
  retryAt: number | null;
}

export function useLive<T>(path: string, handlers: { onMessage: (m: T) => void; onOpen?: () => void }, enabled = true): LiveState & { retryNow: () => void } {
  const [state, setState] = useState<LiveState>({ connected: false, attempts: 0, retryAt: null });
  const ref = useRef(handlers);
  ref.current = handlers;
  const kick = useRef<() => void>(() => {});

  useEffect(() => {
    if (!enabled) return;
    let ws: WebSocket | null = null;
    let timer: number | undefined;
    let attempts = 0;
    let stopped = false;

    const connect = () => {
      window.clearTimeout(timer);
      if (stopped) return;
      try {
        ws = new WebSocket(liveUrl(path));
      } catch {
        schedule();
        return;
      }
      ws.onopen = () => {
        attempts = 0;
        setState({ connected: true, attempts: 0, retryAt: null });
        ref.current.onOpen?.();
      };
      ws.onmessage = (e) => {
        if (typeof e.data !== 'string') return;
        let msg: T;
        try {
          msg = JSON.parse(e.data) as T;
        } catch {
          return;
        }
        ref.current.onMessage(msg);
      };
      ws.onclose = () => {
        ws = null;
        schedule();
      };
      // onerror is always followed by onclose.
    };
    const schedule = () => {
      if (stopped) return;
      const delay = backoffMs(attempts);
      attempts += 1;
      setState({ connected: false, attempts, retryAt: Date.now() + delay });
      timer = window.setTimeout(connect, delay);
    };
    kick.current = () => {
      if (ws) return;
      attempts = 0;
      connect();
    };
    // Coming back to the tab or the network: try at once instead of waiting out the back-off.
    const online = () => kick.current();
    window.addEventListener('online', online);
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      window.removeEventListener('online', online);
      if (ws) {
        ws.onclose = null;
        ws.close();
      }
    };
  }, [path, enabled]);

  return { ...state, retryNow: () => kick.current() };
}
