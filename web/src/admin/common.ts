import { useEffect, useState } from 'preact/hooks';
import { cached, getItems } from '../app/api';
import type { Institution, InstitutionType, Role } from '../app/types';

export const getRoles = cached(() => getItems<Role>('/roles'));

export function getInstitutions(query: Record<string, string> = {}, signal?: AbortSignal): Promise<Institution[]> {
  return getItems<Institution>('/institutions', { query, signal });
}

export const getInstitutionTypes = cached(() => getItems<InstitutionType>('/institutions/types'));

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
