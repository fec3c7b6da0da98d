// A message left for the next page (e.g. "Se registró el proyecto…" after moving to its detail).
let pending: string | null = null;

export function setFlash(message: string): void {
  pending = message;
}

/** The pending message, once. */
export function takeFlash(): string | null {
  const m = pending;
  pending = null;
  return m;
}
