// Spanish names for codes the API uses. The server's own labels win when it sends them
// (GET /roles, institution type_label); these cover the session header and fallbacks.

export const ROLE_LABELS: Record<string, string> = {
  admin: 'Administración del sistema',
  institution_admin: 'Administración de institución',
  analyst: 'Analista del Ministerio',
  focal_point: 'Enlace ministerial',
  seremi: 'Equipo SEREMI',
  case_worker: 'Profesional de atención',
  operator: 'Operadora 1455 y centro de control',
  municipal: 'Seguridad municipal',
  responder: 'Unidad policial de respuesta',
  pharmacy: 'Farmacia',
  company: 'Empresa o headhunter',
};

export function roleLabel(id: string): string {
  return ROLE_LABELS[id] ?? id;
}

/**
 * A list of codes with their Spanish labels as the API serves it ([{id, name}], the server's one list
 * per vocabulary: an alert's closing outcomes, an incident's…). Screens turn it into options or
 * labels here and keep no copy of their own.
 */
export type Vocabulary = { id: string; name: string }[];

/** Options for a SelectField, in the server's order. */
export function vocabularyOptions(v: Vocabulary): { value: string; label: string }[] {
  return v.map((t) => ({ value: t.id, label: t.name }));
}

/** The label of a code; the code itself when the list does not know it (an old value), '' for none. */
export function vocabularyLabel(v: Vocabulary | undefined, id: string | null | undefined): string {
  if (!id) return '';
  return v?.find((t) => t.id === id)?.name ?? id;
}

/** Results of an audited action (ok, denied, error), as the audit log writes them. */
export const OUTCOME_LABELS: Record<string, string> = {
  ok: 'Correcto',
  denied: 'Denegado',
  failed: 'Fallido',
  error: 'Error',
};

// The names of audit actions are not kept here: the server sends them (action_es and
// GET /audit/actions, from src/audit/actions.cc), so codes and names cannot drift apart.

/** A short, human description of a browser's user agent: "Chrome en Linux". */
export function describeUserAgent(ua: string): string {
  if (!ua) return 'Navegador desconocido';
  let browser = 'Navegador';
  if (/Edg\//.test(ua)) browser = 'Edge';
  else if (/OPR\//.test(ua)) browser = 'Opera';
  else if (/Firefox\//.test(ua)) browser = 'Firefox';
  else if (/HeadlessChrome\//.test(ua)) browser = 'Chrome (automatizado)';
  else if (/Chrom(e|ium)\//.test(ua)) browser = 'Chrome';
  else if (/Safari\//.test(ua)) browser = 'Safari';
  else if (/curl\//i.test(ua)) browser = 'curl';
  let os = '';
  if (/Android/.test(ua)) os = 'Android';
  else if (/iPhone|iPad|iPod/.test(ua)) os = 'iOS';
  else if (/Windows/.test(ua)) os = 'Windows';
  else if (/Mac OS X|Macintosh/.test(ua)) os = 'macOS';
  else if (/CrOS/.test(ua)) os = 'ChromeOS';
  else if (/Linux/.test(ua)) os = 'Linux';
  return os ? `${browser} en ${os}` : browser;
}
