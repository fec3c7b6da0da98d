// The 24-hour customer-service window as the operator reads it: how long is left, in words.
export function windowLeftText(endsAt: number, now: number): string {
  const left = endsAt - now;
  if (left <= 0) return 'Ventana cerrada';
  const minutes = Math.floor(left / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return m === 0 ? 'Queda menos de 1 min' : `Quedan ${m} min`;
  return `Quedan ${h} h ${String(m).padStart(2, '0')} min`;
}

// Under an hour left the operator is warned: after it, only a template can reach her.
export const windowUrgent = (endsAt: number, now: number) => endsAt - now > 0 && endsAt - now < 3_600_000;
