// The network of care's API shapes and requests (src/care/routes.cc). Dates and times arrive from
// the server already formatted (dd-mm-aaaa hh:mm, America/Santiago).
import { api, buildUrl, getItems } from '../app/api';

export interface Term {
  id: string;
  name: string;
}

export interface PublicPlace {
  id: number;
  kind: 'centro' | 'casa' | 'cavas';
  kind_name: string;
  name: string;
  operator_name: string;
  region_id: string;
  comuna_id: string;
  comuna: string;
  services: Term[];
  languages: string[];
  hours: string;
  phone: string;
  accessible: boolean;
  admission: string;
  referral_only: boolean;
  address: string | null;
  lat: number | null;
  lon: number | null;
  demo: boolean;
}

export interface Unit {
  unit_type: string;
  unit_type_name: string;
  places: number;
  occupied: number;
  blocked: number;
  available: number;
  confirmed: string | null;
  stale: boolean;
}

export interface Place extends PublicPlace {
  institution_id: number | null;
  min_age: number;
  children_max_age: number | null;
  units: Unit[];
  stale: boolean;
}

export interface Placement {
  id: number;
  place_id: number;
  place_name: string;
  unit_type_name: string;
  person_id: number | null;
  from_institution: string;
  woman_age: number;
  children_ages: number[];
  aggressor_comuna: string;
  exclude_neighbours: boolean;
  state: 'ofrecida' | 'aceptada' | 'rechazada' | 'vencida' | 'ingresada' | 'egresada';
  state_name: string;
  offered: string;
  answer_due: string;
  answered: string | null;
  entry_due: string | null;
  entered: string | null;
  exited: string | null;
  decline_reason_name: string;
  exit_destination_name: string;
  note: string;
}

export interface House extends Place {
  placements: Placement[];
  alerts: { id: number; kind: string; text: string }[];
}

export interface Offer {
  place_id: number;
  name: string;
  operator_name: string;
  region_id: string;
  comuna: string;
  unit_type_name: string;
  available: number;
  places: number;
  confirmed: string;
  same_region: boolean;
}

export interface SearchResult {
  unit_type_name: string;
  items: Offer[];
  excluded: { place_id: number; name: string; reason: string; code: string }[];
  excluded_comunas: { comuna_id: string; comuna: string; why: string }[];
}

export interface Need {
  woman_age: number;
  children_ages: number[];
  accessible: boolean;
  aggressor_comuna: string;
  exclude_neighbours: boolean;
  person_id?: number;
}

export interface BoardRegion {
  region_id: string;
  region: string;
  houses: number;
  stale_houses: number;
  units: { unit_type: string; unit_type_name: string; places: number; occupied: number; blocked: number; available: number }[];
}

export interface Board {
  regions: BoardRegion[];
  stale_hours: number;
  as_of: string;
  alerts: { id: number; kind: string; place_id: number; text: string; due: string }[];
}

export interface Stats {
  from: string;
  to: string;
  houses: { place_id: number; name: string; region_id: string; occupancy_percent: number; entries: number; exits: number; median_stay_days: number | null; turnover: number; offers: number; declines: number; declines_by_reason: Record<string, number> }[];
  regions: { region_id: string; occupancy_percent: number; entries: number; exits: number; median_stay_days: number | null; offers: number; declines: number; declines_by_reason: Record<string, number> }[];
  series: { date: string; places: number; occupied: number; occupancy_percent: number }[];
  decline_reasons: { id: string; label?: string; name?: string }[];
}

export const getDirectory = (q: { comuna?: string; region?: string; service?: string; kind?: string }, signal?: AbortSignal) =>
  api.get<{ items: PublicPlace[]; services: { id: string; label?: string; name?: string }[]; note: string }>('/care/directory', { query: q, signal });
export const getPlaces = (q: { kind?: string; region?: string }, signal?: AbortSignal) => getItems<Place>('/care/places', { query: q, signal });
export const getAddress = (id: number) => api.get<{ address: string; name: string }>(`/care/places/${id}/address`);
export const getMyHouses = (signal?: AbortSignal) =>
  api.get<{ houses: House[]; decline_reasons: { id: string; label?: string; name?: string }[]; exit_destinations: { id: string; label?: string; name?: string }[]; stale_hours: number }>(
    '/care/my-houses',
    { signal },
  );
export const reportCapacity = (id: number, units: { unit_type: string; places: number; occupied: number; blocked: number }[]) =>
  api.put<Place>(`/care/places/${id}/capacity`, { units });
export const searchPlaces = (need: Need) => api.post<SearchResult>('/care/search', need);
export const offerPlace = (placeId: number, need: Need, note: string) => api.post<Placement>('/care/placements', { place_id: placeId, ...need, note });
export const getPlacements = (signal?: AbortSignal) => getItems<Placement>('/care/placements', { signal });
export const placementStep = (id: number, step: 'accept' | 'decline' | 'entry' | 'exit', body: Record<string, string> = {}) =>
  api.post<Placement>(`/care/placements/${id}/${step}`, body);
export const getBoard = (signal?: AbortSignal) => api.get<Board>('/care/board', { signal });
export const getStats = (q: { from?: string; to?: string; region?: string }, signal?: AbortSignal) => api.get<Stats>('/care/stats', { query: q, signal });
export const statsUrl = (format: 'csv' | 'xlsx', q: { from?: string; to?: string; region?: string }) => buildUrl(`/care/stats.${format}`, q);

/** The vocabulary's Spanish label, whichever key the server used. */
export const termLabel = (t: { label?: string; name?: string; id: string }) => t.label ?? t.name ?? t.id;

/** "2 hijas/hijos de 3 y 7 años" from ages typed as "3, 7". */
export function parseAges(text: string): number[] | null {
  const parts = text.split(/[,;\s]+/).filter(Boolean);
  const ages = parts.map((p) => Number(p));
  return ages.every((a) => Number.isInteger(a) && a >= 0 && a <= 30) ? ages : null;
}
