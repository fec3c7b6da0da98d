// Signing in, one's own account and sessions, as the screens see the API. Pages call these
// functions, never api() directly. (The session itself, its logout and CSRF token, is the app
// kit's: app/session.tsx.)
import { api, getItems } from '../app/api';
import type { LoginResponse, SessionInfo } from '../app/types';

// The login steps answer 401 for a wrong password or code: the form shows it, the app does not
// treat it as a session that ended.
export const login = (email: string, password: string) =>
  api.post<LoginResponse>('/auth/login', { email, password }, { quiet401: true });
export const loginTotp = (challenge: string, field: string, value: string) =>
  api.post<LoginResponse>('/auth/login/totp', { challenge, [field]: value }, { quiet401: true });
export const loginEnrol = (challenge: string, code: string) =>
  api.post<LoginResponse>('/auth/login/enrol', { challenge, code }, { quiet401: true });

export const changePassword = (current: string, next: string) =>
  api.post('/me/password', { current_password: current, new_password: next });

export interface RecoveryInfo {
  remaining: number;
  totp_enabled: boolean;
}

export const getRecoveryInfo = (signal?: AbortSignal) => api.get<RecoveryInfo>('/me/recovery-codes', { signal });
export const newRecoveryCodes = (password: string, code: string) =>
  api.post<{ recovery_codes: string[] }>('/me/recovery-codes', { password, code });

export const getSessions = (signal?: AbortSignal) => getItems<SessionInfo>('/auth/sessions', { signal });
export const closeSession = (id: number) => api.del(`/auth/sessions/${id}`);
export const logoutAll = () => api.post('/auth/logout-all', {});
