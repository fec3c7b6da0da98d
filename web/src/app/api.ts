// The JSON API client. Every state-changing request carries the session's CSRF token;
// every failure becomes an ApiError carrying the server's Spanish message and, when the server
// names one, the field it refers to.

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(status: number, code: string, message: string, field: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an authenticated request answers 401 (session expired or closed elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Query parameters; empty strings, null and undefined are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers (e.g. Idempotency-Key). */
  headers?: Record<string, string>;
  /** Do not call the global 401 handler (login, session probe). */
  quiet401?: boolean;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const params = new URLSearchParams();
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      params.set(k, String(v));
    }
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

const NETWORK_MESSAGE = 'No fue posible comunicarse con el servidor. Revise su conexión e inténtelo nuevamente.';

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }

  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }

  if (!response.ok) {
    const err = (data as { error?: { code?: string; message?: string; field?: string | null } } | null)?.error;
    const apiError = new ApiError(
      response.status,
      err?.code ?? `http_${response.status}`,
      err?.message ?? defaultMessage(response.status),
      err?.field ?? null,
    );
    if (response.status === 401 && !options.quiet401 && onUnauthorized) onUnauthorized();
    throw apiError;
  }
  return data as T;
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Su sesión terminó. Ingrese nuevamente.';
  if (status === 403) return 'No tiene permiso para realizar esta acción.';
  if (status === 404) return 'No se encontró lo solicitado.';
  if (status === 429) return 'Demasiados intentos. Espere un momento e inténtelo nuevamente.';
  if (status >= 500) return 'El servidor tuvo un problema. Inténtelo nuevamente en unos minutos.';
  return 'La solicitud no pudo completarse.';
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  del: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Ocurrió un error inesperado.';
}

/** The `items` of a list answer. */
export function getItems<T>(path: string, options?: RequestOptions): Promise<T[]> {
  return api.get<{ items: T[] }>(path, options).then((r) => r.items);
}

/** Keeps each answer of `load` (per argument) for the page's lifetime; a failed load is forgotten, so the next call tries again. */
export function cached<T, A extends [] | [string]>(load: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (...args) => {
    const key = args[0] ?? '';
    let p = cache.get(key);
    if (!p) {
      p = load(...args);
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  };
}

/**
 * Sends a file as the raw request body (the API checks its type, first bytes and size), with the
 * query naming it (e.g. `filename`); answers the JSON the API returns, or throws its ApiError.
 */
export async function uploadBody<T>(path: string, query: RequestOptions['query'], file: File, csrf: string, failed: string): Promise<T> {
  const res = await fetch(buildUrl(path, query), {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': csrf, Accept: 'application/json' },
    body: file,
    credentials: 'same-origin',
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = data?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? failed, e?.field ?? null);
  }
  return data as T;
}
