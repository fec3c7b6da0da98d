// Small hooks and helpers every list page uses (search boxes, edit dialogs, counts): kept in the
// app kit so feature folders do not import each other's.
import { useEffect, useState } from 'preact/hooks';

/** Debounced value for search boxes. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Which row's dialog is open ('new': the dialog for a new one), and the notice left after saving. */
export function useEditor<T>(reload: () => void) {
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return {
    editing,
    notice,
    edit: setEditing,
    close: () => setEditing(null),
    saved: (message: string) => {
      setEditing(null);
      setNotice(message);
      reload();
    },
  };
}

/** "1 cuenta", "12 cuentas". */
export function countOf(items: unknown[], one: string, many: string): string {
  return `${items.length} ${items.length === 1 ? one : many}`;
}
