// The ministry's studies catalogue: API shapes and requests. The public catalogue and a study's
// page need no account (drafts do not exist for the public); the editor needs «studies.edit».
// Figures come labelled by the server as Chile reads them («35,0 %», «126.645 personas»).
import { API_BASE, api, uploadBody } from '../app/api';

export const EDIT = 'studies.edit';

export interface Option {
  id: string;
  name: string;
}
export interface Facet extends Option {
  count: number;
}
export interface Finding {
  text: string;
  figure: number | null;
  decimals: number;
  unit: string;
  figure_label: string;
  source: string;
}
export interface StudyFile {
  id: number;
  title: string;
  filename: string;
  content_type: string;
  size: number;
  size_label: string;
  sha256: string;
  uploaded_on: string;
  url: string;
}
export interface Revision {
  version: number;
  action: string;
  action_label: string;
  reason: string;
  at: string;
  by: string | null;
  before: { findings: { text: string; figure: string }[] };
  after: { findings: { text: string; figure: string }[] };
}
export interface StudySummary {
  id: number;
  title: string;
  kind: Option;
  year: number;
  themes: Option[];
  partners: string[];
  executor: string;
  regions: Option[];
  national: boolean;
  summary: string;
  status: Option;
  withdrawn_reason: string;
  version: number;
  published_on: string | null;
  updated_on: string;
  link: string;
  findings: Finding[];
  source: string;
  demo: boolean;
}
export interface Study extends StudySummary {
  fieldwork: { start: { value: string; label: string }; end: { value: string; label: string } };
  method: {
    technique: string;
    universe: string;
    sample_size: number | null;
    sample_label: string | null;
    margin_error: number | null;
    margin_label: string | null;
  };
  files: StudyFile[];
  revisions: Revision[];
}
export interface Vocabularies {
  kinds: Option[];
  themes: Option[];
  units: Option[];
  statuses: Option[];
  regions: Option[];
}
export interface Catalogue {
  items: StudySummary[];
  facets: { themes: Facet[]; kinds: Facet[]; years: Facet[]; regions: Facet[]; partners: Facet[] };
  vocabularies: Vocabularies;
}
export interface EditorList {
  items: StudySummary[];
  by_status: Record<string, number>;
  vocabularies: Vocabularies;
}

export interface Filters {
  q?: string;
  theme?: string;
  kind?: string;
  year?: string;
  region?: string;
  partner?: string;
}

export const getCatalogue = (f: Filters, signal?: AbortSignal) => api.get<Catalogue>('/studies/public/studies', { query: { ...f }, signal });
export const getStudy = (id: string | number, signal?: AbortSignal) => api.get<Study>(`/studies/public/studies/${id}`, { signal });

export const getEditorList = (status: string, signal?: AbortSignal) => api.get<EditorList>('/studies/editor/studies', { query: { status }, signal });
export const getEditorStudy = (id: string | number, signal?: AbortSignal) => api.get<Study>(`/studies/editor/studies/${id}`, { signal });

/** The editor's form as the API takes it (a PUT replaces the whole study). */
export interface StudyForm {
  title: string;
  kind: string;
  year: number | null;
  fieldwork_start: string;
  fieldwork_end: string;
  themes: string[];
  summary: string;
  executor: string;
  partners: string[];
  regions: string[];
  method: { technique: string; universe: string; sample_size: number | null; margin_error: number | null };
  findings: { text: string; figure: number | null; decimals: number; unit: string; source: string }[];
  reason?: string;
}
export const createStudy = (f: StudyForm) => api.post<Study>('/studies/editor/studies', f);
export const saveStudy = (id: number, f: StudyForm) => api.put<Study>(`/studies/editor/studies/${id}`, f);
export const publishStudy = (id: number) => api.post<Study>(`/studies/editor/studies/${id}/publish`, {});
export const withdrawStudy = (id: number, reason: string) => api.post<Study>(`/studies/editor/studies/${id}/withdraw`, { reason });
export const removeFile = (id: number, file: number) => api.del<{ removed: number }>(`/studies/editor/studies/${id}/files/${file}`);

/** Uploads one file as the request body (the API checks its type, first bytes and size). */
export const uploadFile = (id: number, file: File, title: string, csrf: string) =>
  uploadBody<StudyFile>(`/studies/editor/studies/${id}/files`, { filename: file.name, title }, file, csrf, 'No se pudo subir el archivo.');

export const fileUrl = (f: StudyFile) => (f.url.startsWith(API_BASE) ? f.url : `${API_BASE}${f.url}`);

/** The form from a study read back (for editing). */
export function formOf(s: Study): StudyForm {
  return {
    title: s.title,
    kind: s.kind.id,
    year: s.year,
    fieldwork_start: s.fieldwork.start.value,
    fieldwork_end: s.fieldwork.end.value,
    themes: s.themes.map((t) => t.id),
    summary: s.summary,
    executor: s.executor,
    partners: s.partners,
    regions: s.regions.map((r) => r.id),
    method: {
      technique: s.method.technique,
      universe: s.method.universe,
      sample_size: s.method.sample_size,
      margin_error: s.method.margin_error,
    },
    findings: s.findings.map((f) => ({ text: f.text, figure: f.figure, decimals: f.decimals, unit: f.unit, source: f.source })),
  };
}

export function statusTone(id: string): 'ok' | 'warn' | 'neutral' {
  return id === 'publicado' ? 'ok' : id === 'retirado' ? 'warn' : 'neutral';
}
