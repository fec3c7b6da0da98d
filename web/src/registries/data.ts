// The ministry's registries: API shapes and requests. The lists of certified organisations are
// public; agreements and every change need «registries.manage» (and a ministry account). Dates come
// from the server already labelled («enero de 2021», «31-12-2021», «sin información»); the lists of
// programs and statuses come from the server too.
import { api, cached, getItems } from '../app/api';

export const MANAGE = 'registries.manage';

export interface Option {
  id: string;
  name: string;
}

export interface Vocabularies {
  programs: Option[];
  statuses: Record<string, Option[]>;
  editions: string[];
  agreement_statuses: Option[];
  obligation_statuses: Option[];
}

export const getVocabularies = cached(() => api.get<Vocabularies>('/registries/public/vocabularies'));

export interface DateValue {
  value: string;
  label: string;
}

export interface Certification {
  id: number;
  organisation: { id: number; name: string; rut: string };
  program: string;
  program_name: string;
  status: string;
  status_name: string;
  certifier: string;
  edition: string;
  scope: string;
  issued_on: DateValue;
  expires_on: DateValue;
  updated: string;
  demo: boolean;
}

export interface StatusChange {
  at: string;
  status: string;
  status_name: string;
  note: string;
  /** Only for the ministry. */
  by?: string;
}

export interface CertificationDetail extends Certification {
  history: StatusChange[];
  editable: boolean;
  /** Only for the ministry: the expiry alerts of this record. */
  alerts?: CertAlert[];
}

export interface CertificationList {
  items: Certification[];
  total: number;
  seed: { source: string; ipg_adhered: number; ipg_in_process: number; nch3262_certified: number; quotes: string[] };
  computed: { ipg_adhered: number; ipg_in_process: number; nch3262_certified: number };
}

export function getCertifications(filter: { program: string; status: string; q: string }, signal?: AbortSignal) {
  return api.get<CertificationList>('/registries/public/certifications', { query: filter, signal });
}

export function getCertification(id: number, signal?: AbortSignal) {
  return api.get<CertificationDetail>(`/registries/public/certifications/${id}`, { signal });
}

export function createCertification(body: Record<string, string>) {
  return api.post<{ id: number }>('/registries/certifications', body);
}

export function changeStatus(id: number, status: string, note: string) {
  return api.post<{ id: number }>(`/registries/certifications/${id}/status`, { status, note });
}

export interface Obligation {
  id: number;
  description: string;
  owner: string;
  due_on: DateValue;
  status: string;
  status_name: string;
  overdue: boolean;
}

export interface AgreementAlert {
  id: number;
  kind: string;
  kind_name: string;
  message: string;
  obligation_id: number;
  raised_at: string;
}

export interface Agreement {
  id: number;
  title: string;
  purpose: string;
  parties: string[];
  status: string;
  status_name: string;
  signed_on: DateValue;
  starts_on: DateValue;
  ends_on: DateValue;
  validity: { code: 'vigente' | 'vencido' | 'sin_termino'; label: string; days_left?: number };
  source: string;
  obligations_count: number;
  obligations_overdue: number;
  alerts_count: number;
  demo: boolean;
}

export interface AgreementDetail extends Agreement {
  obligations: Obligation[];
  documents: { id: number; title: string; url: string; kind: string }[];
  alerts: AgreementAlert[];
}

export function getAgreements(signal?: AbortSignal) {
  return getItems<Agreement>('/registries/agreements', { signal });
}

export function getAgreement(id: number, signal?: AbortSignal) {
  return api.get<AgreementDetail>(`/registries/agreements/${id}`, { signal });
}

export function createAgreement(body: unknown) {
  return api.post<{ id: number }>('/registries/agreements', body);
}

export function setObligation(agreementId: number, obligationId: number, status: string) {
  return api.put<{ id: number }>(`/registries/agreements/${agreementId}/obligations/${obligationId}`, { status });
}

export interface ObligationInput {
  description: string;
  owner: string;
  due_on: string;
  status: string;
}

export function addObligation(agreementId: number, body: ObligationInput) {
  return api.post<{ id: number }>(`/registries/agreements/${agreementId}/obligations`, body);
}

export function editObligation(agreementId: number, obligationId: number, body: Partial<ObligationInput>) {
  return api.put<{ id: number }>(`/registries/agreements/${agreementId}/obligations/${obligationId}`, body);
}

export function addDocument(agreementId: number, body: { title: string; url: string; kind: string }) {
  return api.post<{ id: number }>(`/registries/agreements/${agreementId}/documents`, body);
}

export function removeDocument(agreementId: number, documentId: number) {
  return api.del<{ id: number }>(`/registries/agreements/${agreementId}/documents/${documentId}`);
}

export interface CertAlert {
  id: number;
  certification_id: number;
  kind: string;
  kind_name: string;
  expires_on: DateValue;
  message: string;
  organisation: string;
  program: string;
  program_name: string;
  raised_at: string;
}

export function getCertAlerts(signal?: AbortSignal) {
  return getItems<CertAlert>('/registries/certification-alerts', { signal });
}

export function renewCertification(id: number, body: { issued_on: string; expires_on: string; note: string }) {
  return api.put<{ id: number }>(`/registries/certifications/${id}/validity`, body);
}

export const options = (list: Option[]) => list.map((o) => ({ value: o.id, label: o.name }));
