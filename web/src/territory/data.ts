// Territory look-ups shared by every screen (regions rarely change: fetched once per page load).
import { api } from '../app/api';
import type { Comuna, Items, Province, Region } from '../app/types';

let regionsPromise: Promise<Region[]> | null = null;

export function getRegions(): Promise<Region[]> {
  if (!regionsPromise) {
    regionsPromise = api.get<Items<Region>>('/territory/regions').then((r) => r.items);
    regionsPromise.catch(() => {
      regionsPromise = null;
    });
  }
  return regionsPromise;
}

const provincesCache = new Map<string, Promise<Province[]>>();

export function getProvinces(regionId: string): Promise<Province[]> {
  let p = provincesCache.get(regionId);
  if (!p) {
    p = api.get<Items<Province>>(`/territory/regions/${encodeURIComponent(regionId)}/provinces`).then((r) => r.items);
    provincesCache.set(regionId, p);
    p.catch(() => provincesCache.delete(regionId));
  }
  return p;
}

const comunasCache = new Map<string, Promise<Comuna[]>>();

export function getComunasOfProvince(provinceId: string): Promise<Comuna[]> {
  let p = comunasCache.get(provinceId);
  if (!p) {
    p = api.get<Items<Comuna>>(`/territory/provinces/${encodeURIComponent(provinceId)}/comunas`).then((r) => r.items);
    comunasCache.set(provinceId, p);
    p.catch(() => comunasCache.delete(provinceId));
  }
  return p;
}

export function searchComunas(q: string, region?: string, limit = 20, signal?: AbortSignal): Promise<Comuna[]> {
  return api
    .get<Items<Comuna>>('/territory/comunas', { query: { q, region, limit }, signal })
    .then((r) => r.items);
}

export function regionLabel(regions: Region[] | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  const r = regions?.find((x) => x.id === id);
  return r ? r.short_name || r.name : id;
}
