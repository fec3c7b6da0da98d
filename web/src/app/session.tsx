// Who is signed in. The session is read once at start (GET /auth/session) and replaced after
// login; its CSRF token goes to the API client.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api';
import type { Session } from './types';

export type SessionState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; session: Session };

interface SessionContextValue {
  state: SessionState;
  /** Stores the session returned by a login step. */
  signIn(session: Session): void;
  /** Closes this session on the server, then forgets it here. */
  signOut(): Promise<void>;
  /** Forgets the session locally (after logout-all, or a 401). */
  forget(): void;
  expired: boolean;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [expired, setExpired] = useState(false);

  const forget = useCallback(() => {
    setCsrfToken(null);
    setState({ status: 'anonymous' });
  }, []);

  useEffect(() => {
    let alive = true;
    api
      .get<Session>('/auth/session', { quiet401: true })
      .then((s) => {
        if (!alive) return;
        setCsrfToken(s.csrf_token);
        setState({ status: 'signed-in', session: s });
      })
      .catch(() => {
        if (alive) setState({ status: 'anonymous' });
      });
    return () => {
      alive = false;
    };
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setExpired(true);
      forget();
    });
    return () => setUnauthorizedHandler(null);
  }, [forget]);

  const signIn = useCallback((session: Session) => {
    setCsrfToken(session.csrf_token);
    setExpired(false);
    setState({ status: 'signed-in', session });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/auth/logout', {}, { quiet401: true });
    } catch (e) {
      // A session that already ended on the server is as good as closed.
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
    setExpired(false);
    forget();
  }, [forget]);

  const value = useMemo(() => ({ state, signIn, signOut, forget, expired }), [state, signIn, signOut, forget, expired]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

export function hasPermission(state: SessionState, permission: string): boolean {
  return state.status === 'signed-in' && state.session.user.permissions.includes(permission);
}
