// Boundary GeoJSON from the server (BCN limits), cached per page load.
import type { FeatureCollection, Geometry } from 'geojson';
import { api } from '../app/api';

export type Boundaries = FeatureCollection<Geometry, Record<string, unknown>>;

let regionsPromise: Promise<Boundaries> | null = null;
const comunasByRegion = new Map<string, Promise<Boundaries>>();

export function getRegionBoundaries(): Promise<Boundaries> {
  if (!regionsPromise) {
    regionsPromise = api.get<Boundaries>('/territory/boundaries/regions');
    regionsPromise.catch(() => {
      regionsPromise = null;
    });
  }
  return regionsPromise;
}

export function getComunaBoundaries(regionId: string): Promise<Boundaries> {
  let p = comunasByRegion.get(regionId);
  if (!p) {
    p = api.get<Boundaries>(`/territory/boundaries/regions/${encodeURIComponent(regionId)}/comunas`);
    comunasByRegion.set(regionId, p);
    p.catch(() => comunasByRegion.delete(regionId));
  }
  return p;
}
