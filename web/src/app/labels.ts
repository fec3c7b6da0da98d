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
