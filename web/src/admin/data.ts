// Administration as the screens see the API: accounts, institutions, roles and the audit log.
// Pages call these functions, never api() directly.
import { api, cached, getItems } from '../app/api';
import type { AuditAction, AuditPage, AuditVerify, Institution, InstitutionType, Role, User } from '../app/types';

export const getRoles = cached(() => getItems<Role>('/roles'));

export function getInstitutions(query: Record<string, string> = {}, signal?: AbortSignal): Promise<Institution[]> {
  return getItems<Institution>('/institutions', { query, signal });
}

export const getInstitutionTypes = cached(() => getItems<InstitutionType>('/institutions/types'));

export interface InstitutionBody {
  name: string;
  type: string;
  region_id: string | null;
  comuna_id: string | null;
  active?: boolean;
}

export function saveInstitution(id: number | null, body: InstitutionBody): Promise<unknown> {
  return id === null ? api.post('/institutions', body) : api.patch(`/institutions/${id}`, body);
}

export function getUsers(query: Record<string, string | undefined>, signal?: AbortSignal): Promise<User[]> {
  return getItems<User>('/users', { query, signal });
}

export interface UserUpdate {
  name: string;
  roles: string[];
  active: boolean;
  region_id: string | null;
  comuna_id: string | null;
}

export interface NewUser {
  name: string;
  email: string;
  run: string | null;
  institution_id: number;
  roles: string[];
  region_id: string | null;
  comuna_id: string | null;
  password: string;
}

export const updateUser = (id: number, body: UserUpdate) => api.patch(`/users/${id}`, body);
export const createUser = (body: NewUser) => api.post('/users', body);
export const resetUserTotp = (id: number) => api.post(`/users/${id}/reset-totp`, {});

// ---------------------------------------------------------------- audit

export function getAuditPage(query: Record<string, string | number | undefined>): Promise<AuditPage> {
  return api.get<AuditPage>('/audit', { query });
}

export const verifyAudit = () => api.get<AuditVerify>('/audit/verify');

/** The server's catalogue of action names (src/audit/actions.cc), fetched once per session. */
export const getAuditActions = cached(() => getItems<AuditAction>('/audit/actions'));
