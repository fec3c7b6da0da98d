// Boundary GeoJSON from the server (BCN limits), cached per page load.
import type { FeatureCollection, Geometry } from 'geojson';
import { api, cached } from '../app/api';

export type Boundaries = FeatureCollection<Geometry, Record<string, unknown>>;

export const getRegionBoundaries = cached(() => api.get<Boundaries>('/territory/boundaries/regions'));

export const getComunaBoundaries = cached((regionId: string) =>
  api.get<Boundaries>(`/territory/boundaries/regions/${encodeURIComponent(regionId)}/comunas`),
);
