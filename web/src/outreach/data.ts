// Outreach: trainings, campaigns and talks. API shapes and requests. Public reads, the public
// registration to a talk and the certificate check need no account; staff screens need
// «outreach.manage» and change only their own institution's objects (the server says which with
// `editable`). Dates come labelled from the server; percentages in tenths (350 → «35,0 %»).
import { api } from '../app/api';

export const MANAGE = 'outreach.manage';

export interface Option {
  id: string;
  name: string;
}
export interface DateValue {
  value: string;
  label: string;
}

export interface SessionRow {
  institution: string;
  sex: string;
  count: number;
}

export interface Session {
  id: number;
  course_id: number;
  course: string;
  institution: string;
  starts_on: DateValue;
  ends_on: DateValue;
  place: string;
  capacity: number;
  participants: number;
  editable: boolean;
  demo: boolean;
  rows?: SessionRow[];
}

export interface Course {
  id: number;
  name: string;
  modality: string;
  modality_name: string;
  population: string;
  description: string;
  institution: string;
  capacity: number;
  sessions: number;
  participants: number;
  by_sex: Record<string, number>;
  target: number | null;
  target_source: string;
  progress_tenths: number | null;
  session_list: Session[];
  editable?: boolean;
  demo: boolean;
}

export interface Trainings {
  items: Course[];
  modalities?: Option[];
  sexes?: Option[];
  seed?: { source: string; elearning_2020: number; aps_target: number; quotes: string[] };
  computed?: { elearning_2020: number };
  institution?: string;
}

export interface Campaign {
  id: number;
  name: string;
  description: string;
  institution: string;
  starts_on: DateValue;
  ends_on: DateValue;
  channels: Option[];
  source: string;
  demo: boolean;
}

export interface Talk {
  id: number;
  series: string;
  title: string;
  speaker: string;
  place: string;
  institution: string;
  starts_label: string;
  capacity: number;
  registered: number;
  attended: number;
  seats_left: number;
  past: boolean;
  /** Attendance can be marked (from 30 minutes before the start). */
  check_in_open: boolean;
  check_in_from: string;
  editable?: boolean;
  demo: boolean;
}

export interface TalkList {
  items: Talk[];
  seed?: { source: string; nosotras_talks: number; nosotras_registered: number; quote: string };
  computed?: { nosotras_talks: number; nosotras_registered: number };
}

export interface Registration {
  id: number;
  name: string;
  email: string;
  comuna_id: string;
  registered_at: string;
  attended: boolean;
  certificate_url: string | null;
  demo: boolean;
}

export interface CertificateView {
  code: string;
  valid: boolean;
  status: 'asistio' | 'inscrita';
  name: string;
  talk: Talk;
  attended_on: string | null;
  issuer: string;
}

export const getPublicTrainings = (signal?: AbortSignal) => api.get<Trainings>('/outreach/public/trainings', { signal });
export const getStaffTrainings = (signal?: AbortSignal) => api.get<Trainings>('/outreach/trainings', { signal });
export const getSession = (id: number, signal?: AbortSignal) => api.get<Session>(`/outreach/sessions/${id}`, { signal });
export const createCourse = (body: Record<string, unknown>) => api.post<{ id: number }>('/outreach/courses', body);
export const createSession = (course: number, body: Record<string, unknown>) => api.post<{ id: number }>(`/outreach/courses/${course}/sessions`, body);
export const setParticipants = (session: number, rows: SessionRow[]) =>
  api.put<{ participants: number }>(`/outreach/sessions/${session}/participants`, { rows });

export const getCampaigns = (signal?: AbortSignal) => api.get<{ items: Campaign[]; channels: Option[] }>('/outreach/public/campaigns', { signal });
export const createCampaign = (body: Record<string, unknown>) => api.post<{ id: number }>('/outreach/campaigns', body);

export const getPublicTalks = (signal?: AbortSignal) => api.get<TalkList>('/outreach/public/talks', { signal });
export const getStaffTalks = (signal?: AbortSignal) => api.get<TalkList>('/outreach/talks', { signal });
export const createTalk = (body: Record<string, unknown>) => api.post<{ id: number }>('/outreach/talks', body);
export const register = (talk: number, body: { name: string; email: string; comuna_id: string }) =>
  api.post<{ code: string; certificate_url: string }>(`/outreach/public/talks/${talk}/registrations`, body);
export const getRegistrations = (talk: number, signal?: AbortSignal) =>
  api.get<{ items: Registration[] }>(`/outreach/talks/${talk}/registrations`, { signal });
export const markAttendance = (talk: number, registration_id: number) =>
  api.post<{ certificate_url: string }>(`/outreach/talks/${talk}/attendance`, { registration_id });
export const getCertificate = (code: string, signal?: AbortSignal) =>
  api.get<CertificateView>(`/outreach/public/certificates/${encodeURIComponent(code)}`, { signal });

/** Tenths of a percent as es-CL: 350 → 35.0 (for formatPercent). */
export const tenths = (t: number | null) => (t === null ? null : t / 10);
