// Territory look-ups shared by every screen (regions rarely change: fetched once per page load).
import { api, cached, getItems } from '../app/api';
import type { Comuna, Province, Region } from '../app/types';

export const getRegions = cached(() => getItems<Region>('/territory/regions'));

export const getProvinces = cached((regionId: string) =>
  getItems<Province>(`/territory/regions/${encodeURIComponent(regionId)}/provinces`),
);

export const getComunasOfProvince = cached((provinceId: string) =>
  getItems<Comuna>(`/territory/provinces/${encodeURIComponent(provinceId)}/comunas`),
);

export const getComuna = cached((id: string) => api.get<Comuna>(`/territory/comunas/${encodeURIComponent(id)}`));

/** The comuna that contains a point (404 when none: the sea, another country). */
export const locateComuna = (lat: number, lon: number) =>
  api.get<{ comuna: Comuna }>('/territory/locate', { query: { lat, lon } }).then((r) => r.comuna);

export function searchComunas(q: string, region?: string, limit = 20, signal?: AbortSignal): Promise<Comuna[]> {
  return getItems<Comuna>('/territory/comunas', { query: { q, region, limit }, signal });
}

export function regionLabel(regions: Region[] | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  const r = regions?.find((x) => x.id === id);
  return r ? r.short_name || r.name : id;
}
