// Shapes of the API's JSON, as the contract defines them.

export interface Ref {
  id: number;
  name: string;
}

export interface SessionUser {
  id: number;
  name: string;
  email: string;
  run: string | null;
  institution: { id: number; name: string; type: string };
  roles: string[];
  permissions: string[];
  region_id: string | null;
  comuna_id: string | null;
  totp_enabled: boolean;
}

export interface Session {
  csrf_token: string;
  user: SessionUser;
}

export type LoginResponse =
  | { next: 'done'; session: Session; recovery_codes?: string[] }
  | { next: 'totp'; challenge: string }
  | { next: 'enrol'; challenge: string; secret: string; otpauth_uri: string };

export interface SessionInfo {
  id: number;
  created_at: string;
  last_seen_at: string;
  client_ip: string;
  user_agent: string;
  current: boolean;
}

export interface Region {
  id: string;
  name: string;
  short_name: string;
  abbreviation: string;
  iso_code: string;
}

export interface Province {
  id: string;
  name: string;
  region_id: string;
}

export interface Comuna {
  id: string;
  name: string;
  province_id: string;
  region_id: string;
}

export interface HomeItem {
  kind: 'task' | 'metric' | 'notice';
  title: string;
  detail: string;
  value: number | null;
  link: string | null;
  severity: 'info' | 'warning' | 'critical';
}

export interface HomeData {
  role_title: string;
  greeting: string;
  items: HomeItem[];
}

export interface Institution {
  id: number;
  name: string;
  type: string;
  type_label: string;
  region_id: string | null;
  comuna_id: string | null;
  active: boolean;
}

export interface InstitutionType {
  id: string;
  label: string;
}

export interface User {
  id: number;
  name: string;
  email: string;
  run: string | null;
  institution: Ref;
  roles: string[];
  region_id: string | null;
  comuna_id: string | null;
  active: boolean;
  totp_enabled: boolean;
  locked_until: string | null;
  last_login_at: string | null;
}

export interface Permission {
  id: string;
  description: string;
}

export interface Role {
  id: string;
  name: string;
  requires_totp: boolean;
  permissions: Permission[];
  /** Who may grant it: only the system administration, or also the institution's own administrator. */
  granted_by?: 'system_admin' | 'institution_admin';
  /** Kinds of institution where the role may be held. */
  institution_types?: string[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: Ref | null;
  institution: Ref | null;
  action: string;
  /** The Spanish name from the server's catalogue; "" for a code it does not know. */
  action_es: string;
  object: string | null;
  client_ip: string | null;
  outcome: 'ok' | 'denied' | 'error' | 'failed';
  hash: string;
}

/** One entry of GET /audit/actions: the server's catalogue of audit action names. */
export interface AuditAction {
  code: string;
  label: string;
  group: string;
}

export interface AuditPage {
  items: AuditEntry[];
  next_before: number | null;
}

export type AuditVerify = { ok: true; count: number } | { ok: false; first_broken_seq: number };

export interface Items<T> {
  items: T[];
}
