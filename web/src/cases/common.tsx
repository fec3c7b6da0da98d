// Shared pieces of the case-registry screens: the section's sub-navigation, risk and match badges,
// a text area and a comuna field wired like the app's other fields.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, cached } from '../app/api';
import { foldText } from '../app/format';
import { useLocation } from '../app/router';
import { hasPermission, useSession } from '../app/session';
import type { Comuna } from '../app/types';
import { searchComunas } from '../territory/data';
import { MATCH_LABELS, READ, RISK_LABELS, WRITE } from './data';
import './cases.css';

const SECTIONS = [
  { href: '/casos', label: 'Búsqueda de personas', perm: READ },
  { href: '/casos/nuevo', label: 'Nuevo registro', perm: WRITE },
  { href: '/casos/derivaciones', label: 'Derivaciones', perm: READ },
  { href: '/casos/revisiones', label: 'Revisión de vinculaciones', perm: WRITE },
  { href: '/casos/estadisticas', label: 'Estadísticas', perm: READ },
];

/** The registry's own navigation, under the main one. */
export function CasesNav() {
  const { path } = useLocation();
  const { state } = useSession();
  const current = (href: string) => (href === '/casos' ? path === '/casos' || path.startsWith('/casos/personas') : path.startsWith(href));
  return (
    <nav class="sub-nav" aria-label="Registro único de casos">
      <ul>
        {SECTIONS.filter((s) => hasPermission(state, s.perm)).map((s) => (
          <li key={s.href}>
            <a href={s.href} aria-current={current(s.href) ? 'page' : undefined}>
              {s.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Risk level with its colour and its name (never colour alone). */
export function RiskBadge({ level, prefix = 'Riesgo' }: { level: string | null | undefined; prefix?: string }) {
  if (!level) return <span class="risk risk-none">Sin evaluación de riesgo</span>;
  return (
    <span class={`risk risk-${level}`} data-testid="risk-badge">
      {prefix ? `${prefix} ` : ''}
      {(RISK_LABELS[level] ?? level).toLowerCase()}
    </span>
  );
}

export function MatchBadge({ match }: { match: string }) {
  return <span class={`match match-${match}`}>{MATCH_LABELS[match] ?? match}</span>;
}

const SEVERITY_NAMES: Record<string, string> = { critica: 'Crítica', alta: 'Alta', media: 'Media' };
const SEVERITY_ICONS: Record<string, string> = { critica: '▲▲', alta: '▲', media: '●' };

/** Severity of an alert: crítica, alta and media differ in colour, shape and icon. */
export function SeverityBadge({ severity }: { severity: string }) {
  return (
    <span class={`sev sev-${severity}`} data-testid="severity">
      <span aria-hidden="true" class="sev-icon">
        {SEVERITY_ICONS[severity] ?? '●'}
      </span>
      {SEVERITY_NAMES[severity] ?? severity}
    </span>
  );
}

export function severityName(s: string): string {
  return SEVERITY_NAMES[s] ?? s;
}

interface TextAreaProps extends Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'id' | 'value' | 'class' | 'name'> {
  label: string;
  name: string;
  value: string;
  onValue: (v: string) => void;
  hint?: ComponentChildren;
  error?: string | null;
  class?: string;
  /** Shows "n de min caracteres" while the text is shorter. */
  minChars?: number;
}

export function TextAreaField({ label, name, value, onValue, hint, error, class: cls, minChars, ...rest }: TextAreaProps) {
  const id = `f-${name}-${useId()}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const countId = minChars ? `${id}-count` : undefined;
  const n = value.trim().length;
  return (
    <div class={`field${error ? ' has-error' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={id}>
        {label}
        {rest.required ? <span class="req" aria-hidden="true"> *</span> : null}
      </label>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <textarea
        {...rest}
        id={id}
        name={name}
        rows={rest.rows ?? 3}
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[hintId, errId, countId].filter(Boolean).join(' ') || undefined}
        onInput={(e) => onValue((e.currentTarget as HTMLTextAreaElement).value)}
      />
      {minChars ? (
        <p class={`hint char-count${n >= minChars ? ' ok' : ''}`} id={countId}>
          {n >= minChars ? `${n} caracteres` : `${n} de al menos ${minChars} caracteres`}
        </p>
      ) : null}
    </div>
  );
}

export const getComuna = cached((id: string) => api.get<Comuna>(`/territory/comunas/${encodeURIComponent(id)}`));

/** The name of a comuna code, once loaded (the code meanwhile). */
export function useComunaName(id: string | null | undefined): string {
  const [name, setName] = useState<string>(id ?? '');
  useEffect(() => {
    let alive = true;
    if (!id) {
      setName('');
      return;
    }
    setName(id);
    getComuna(id)
      .then((c) => alive && setName(c.name))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [id]);
  return name;
}

export function ComunaName({ id }: { id: string | null | undefined }) {
  const name = useComunaName(id);
  return <>{id ? name : '—'}</>;
}

/**
 * A comuna typed by name with suggestions (a datalist): the value is the official code. While the text
 * matches no comuna, the text itself is passed on, so the form's checks can say so.
 */
export function ComunaField(props: {
  label?: string;
  name: string;
  value: string;
  onValue: (code: string) => void;
  error?: string | null;
  hint?: string;
}) {
  const id = `f-${props.name}-${useId()}`;
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  const errId = props.error ? `${id}-err` : undefined;
  const [text, setText] = useState('');
  const [options, setOptions] = useState<Comuna[]>([]);
  const known = useRef(new Map<string, Comuna>());

  // Show the name of a code set from outside (prefilled forms, filters in the address).
  useEffect(() => {
    if (!/^\d{5}$/.test(props.value)) {
      if (!props.value) setText('');
      return;
    }
    const k = [...known.current.values()].find((c) => c.id === props.value);
    if (k && foldText(k.name) === foldText(text)) return;
    let alive = true;
    getComuna(props.value)
      .then((c) => {
        if (!alive) return;
        known.current.set(foldText(c.name), c);
        setText(c.name);
      })
      .catch(() => alive && setText(props.value));
    return () => {
      alive = false;
    };
  }, [props.value]);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2 || /^\d+$/.test(q)) {
      setOptions([]);
      return;
    }
    const ctrl = new AbortController();
    const t = window.setTimeout(() => {
      searchComunas(q, undefined, 12, ctrl.signal)
        .then((list) => {
          for (const c of list) known.current.set(foldText(c.name), c);
          setOptions(list);
          // A name typed in full (without choosing from the list) is recognised too.
          const exact = list.find((c) => foldText(c.name) === foldText(q));
          if (exact && exact.id !== props.value) props.onValue(exact.id);
        })
        .catch(() => {});
    }, 200);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [text]);

  function change(v: string) {
    setText(v);
    const t = v.trim();
    if (!t) return props.onValue('');
    if (/^\d{5}$/.test(t)) return props.onValue(t);
    const c = known.current.get(foldText(t));
    props.onValue(c ? c.id : t);
  }

  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={id}>{props.label ?? 'Comuna'}</label>
      {props.error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        list={listId}
        value={text}
        autocomplete="off"
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={[hintId, errId].filter(Boolean).join(' ')}
        onInput={(e) => change((e.currentTarget as HTMLInputElement).value)}
      />
      <datalist id={listId}>
        {options.map((c) => (
          <option key={c.id} value={c.name} />
        ))}
      </datalist>
      <p class="hint" id={hintId}>
        {props.hint ?? 'Escriba el nombre y elija de la lista.'}
      </p>
    </div>
  );
}

/** "Ficha N° 12": a link to a person's page. */
export function PersonLink({ id, children }: { id: number; children?: ComponentChildren }) {
  return <a href={`/casos/personas/${id}`}>{children ?? `Ficha N° ${id}`}</a>;
}
