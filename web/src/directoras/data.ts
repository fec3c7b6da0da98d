// The Registro de Directoras' API as the screens use it.
import { api, cached } from '../app/api';

export interface Term {
  id: string;
  name: string;
}
export interface FacetTerm extends Term {
  count: number;
}
export interface Vocabularies {
  studies: Term[];
  industries: Term[];
  specialties: Term[];
  availability: Term[];
  regions: Term[];
  min_experience_years: number;
  stale_days: number;
}

/** What a company sees of a woman: never her RUT, e-mail or phone. */
export interface Card {
  id: number;
  full_name: string;
  studies: string;
  studies_name: string;
  degree: string;
  experience_years: number;
  industries: Term[];
  specialties: Term[];
  board_years: number;
  board_training: boolean;
  region_id: string;
  region: string;
  availability: string;
  availability_name: string;
  summary: string;
  contactable: boolean;
  updated: string;
  stale: boolean;
  demo: boolean;
}

export interface SearchAnswer {
  search_id: number;
  total: number;
  page_size: number;
  items: Card[];
  facets: { industry: FacetTerm[]; specialty: FacetTerm[]; studies: FacetTerm[]; region: FacetTerm[]; board: FacetTerm[] };
  register: { profiles: number; demo: number; seed_launch_at_least: number; seed_source: string };
}

export interface SearchFilter {
  industry: string;
  specialty: string;
  studies: string;
  region: string;
  board: string;
  q: string;
  page: number;
}

export interface View {
  at: string;
  institution: string;
  kind: 'perfil' | 'contacto';
  kind_name: string;
}

/** Her own profile, as she edits it. */
export interface OwnProfile extends Omit<Card, 'industries' | 'specialties'> {
  rut: string;
  email: string;
  phone: string;
  birth_year: number;
  industries: string[];
  specialties: string[];
  stale_after: string;
  views: View[];
}

export interface ProfileInput {
  full_name: string;
  rut: string;
  email: string;
  phone: string;
  birth_year: number | null;
  studies: string;
  degree: string;
  experience_years: number | null;
  industries: string[];
  specialties: string[];
  board_years: number;
  board_training: boolean;
  region_id: string;
  availability: string;
  summary: string;
  contactable: boolean;
}

export interface Contact {
  rut: string;
  email: string;
  phone: string;
}

export const getVocabularies = cached(() => api.get<Vocabularies>('/directoras/vocabularies'));

export function searchProfiles(f: SearchFilter, signal?: AbortSignal): Promise<SearchAnswer> {
  return api.get<SearchAnswer>('/directoras/search', { query: { ...f, page: f.page > 1 ? f.page : null }, signal });
}

export function getProfile(id: string, search: string, signal?: AbortSignal): Promise<{ profile: Card; search_id: number }> {
  return api.get(`/directoras/profiles/${encodeURIComponent(id)}`, { query: { search }, signal });
}

export function getContact(id: string, search: string): Promise<Contact> {
  return api.get<Contact>(`/directoras/profiles/${encodeURIComponent(id)}/contact`, { query: { search } });
}

export function getMine(signal?: AbortSignal): Promise<{ profile: OwnProfile | null }> {
  return api.get('/directoras/me', { signal });
}

export function saveMine(id: number | null, body: ProfileInput): Promise<{ profile: OwnProfile }> {
  return id ? api.put(`/directoras/profiles/${id}`, body) : api.post('/directoras/profiles', body);
}

/** "3 años en directorios" / "Capacitada, sin experiencia en directorios". */
export function boardText(c: Pick<Card, 'board_years' | 'board_training'>): string {
  if (c.board_years > 0) return `${c.board_years} ${c.board_years === 1 ? 'año' : 'años'} en directorios`;
  return c.board_training ? 'Capacitada para directorios, sin experiencia aún' : 'Sin experiencia en directorios';
}
