import { useEffect, useState } from 'preact/hooks';
import { api } from '../app/api';
import type { Institution, InstitutionType, Items, Role } from '../app/types';

let rolesPromise: Promise<Role[]> | null = null;

export function getRoles(): Promise<Role[]> {
  if (!rolesPromise) {
    rolesPromise = api.get<Items<Role>>('/roles').then((r) => r.items);
    rolesPromise.catch(() => {
      rolesPromise = null;
    });
  }
  return rolesPromise;
}

export function getInstitutions(query: Record<string, string> = {}, signal?: AbortSignal): Promise<Institution[]> {
  return api.get<Items<Institution>>('/institutions', { query, signal }).then((r) => r.items);
}

let typesPromise: Promise<InstitutionType[]> | null = null;

export function getInstitutionTypes(): Promise<InstitutionType[]> {
  if (!typesPromise) {
    typesPromise = api.get<Items<InstitutionType>>('/institutions/types').then((r) => r.items);
    typesPromise.catch(() => {
      typesPromise = null;
    });
  }
  return typesPromise;
}

/** Debounced value for search boxes. */
export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}
