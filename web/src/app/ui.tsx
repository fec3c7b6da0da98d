// Shared building blocks: page headings, form fields wired for screen readers, alerts, loading and
// empty states, and a data-loading hook. Every server string is rendered as text (JSX escapes it).
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from './api';

export const APP_NAME = 'Equidad';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — ${APP_NAME}`;
  }, [title]);
}

export function PageHeader(props: {
  /** The page's name: the browser tab's title, and the heading unless `heading` is given. */
  title: string;
  heading?: ComponentChildren;
  lead?: ComponentChildren;
  eyebrow?: string;
  actions?: ComponentChildren;
}) {
  usePageTitle(props.title);
  return (
    <div class="page-header">
      <div>
        {props.eyebrow && <p class="eyebrow">{props.eyebrow}</p>}
        <h1 tabIndex={-1}>{props.heading ?? props.title}</h1>
        {props.lead && <p class="lead">{props.lead}</p>}
      </div>
      {props.actions && <div class="page-actions">{props.actions}</div>}
    </div>
  );
}

interface FieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'id' | 'value' | 'class' | 'name'> {
  label: string;
  name: string;
  hint?: ComponentChildren;
  error?: string | null;
  value?: string;
  onValue?: (v: string) => void;
  inputRef?: { current: HTMLInputElement | null };
  class?: string;
  /** Ids of further descriptions outside the field (e.g. a hint shared by a search form). */
  describedBy?: string;
  /** Hint under the input instead of above it (keeps inputs aligned in filter rows). */
  hintBelow?: boolean;
}

export function Field({ label, name, hint, error, value, onValue, inputRef, class: cls, required, describedBy, hintBelow, ...rest }: FieldProps) {
  const id = `f-${name}-${useId()}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const hintEl = hint && (
    <p class="hint" id={hintId}>
      {hint}
    </p>
  );
  return (
    <div class={`field${error ? ' has-error' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={id}>
        {label}
        {required ? <span class="req" aria-hidden="true"> *</span> : null}
      </label>
      {!hintBelow && hintEl}
      {error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <input
        id={id}
        name={name}
        value={value}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[hintId, errId, describedBy].filter(Boolean).join(' ') || undefined}
        onInput={onValue ? (e) => onValue((e.currentTarget as HTMLInputElement).value) : undefined}
        ref={inputRef}
        {...rest}
      />
      {hintBelow && hintEl}
    </div>
  );
}

interface SelectProps extends Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'label' | 'id' | 'value' | 'class' | 'name'> {
  label: string;
  name: string;
  options: { value: string; label: string }[];
  value: string;
  onValue: (v: string) => void;
  error?: string | null;
  hint?: ComponentChildren;
  placeholder?: string;
  class?: string;
  hintBelow?: boolean;
}

export function SelectField({ label, name, options, value, onValue, error, hint, placeholder, class: cls, required, hintBelow, ...rest }: SelectProps) {
  const id = `f-${name}-${useId()}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const hintEl = hint && (
    <p class="hint" id={hintId}>
      {hint}
    </p>
  );
  return (
    <div class={`field${error ? ' has-error' : ''}${cls ? ` ${cls}` : ''}`}>
      <label for={id}>
        {label}
        {required ? <span class="req" aria-hidden="true"> *</span> : null}
      </label>
      {!hintBelow && hintEl}
      {error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <select
        id={id}
        name={name}
        value={value}
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[hintId, errId].filter(Boolean).join(' ') || undefined}
        onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}
        {...rest}
      >
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hintBelow && hintEl}
    </div>
  );
}

/** Error announced to screen readers as soon as it appears. */
export function ErrorAlert({ error, title }: { error: string | null | undefined; title?: string }) {
  return (
    <div role="alert" aria-live="assertive" class={error ? 'alert alert-error' : 'alert-slot'}>
      {error ? (
        <>
          {title && <strong class="alert-title">{title}</strong>}
          <span>{error}</span>
        </>
      ) : null}
    </div>
  );
}

export function Notice(props: { kind?: 'info' | 'success' | 'warning'; children: ComponentChildren; title?: string }) {
  return (
    <div class={`alert alert-${props.kind ?? 'info'}`} role="status">
      {props.title && <strong class="alert-title">{props.title}</strong>}
      <div>{props.children}</div>
    </div>
  );
}

export function Loading({ label = 'Cargando…' }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function EmptyState({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function Badge(props: { tone?: 'neutral' | 'ok' | 'warn' | 'danger' | 'info' | 'purple'; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${props.tone ?? 'neutral'}`} title={props.title}>
      {props.children}
    </span>
  );
}

export interface Async<T> {
  data: T | undefined;
  error: string | null;
  errorObj: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads data whenever `deps` change; stale answers are dropped. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [errorObj, setErrorObj] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    loadRef
      .current(ctrl.signal)
      .then((d) => {
        if (ctrl.signal.aborted) return;
        setData(d);
        setLoading(false);
      })
      .catch((e) => {
        if (ctrl.signal.aborted) return;
        setError(errorMessage(e));
        setErrorObj(e);
        setLoading(false);
      });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, errorObj, loading, reload };
}

/** Form errors: a general message plus one per field, filled from an ApiError's `field`. */
export function useFormErrors() {
  const [general, setGeneral] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const clear = useCallback(() => {
    setGeneral(null);
    setFields({});
  }, []);

  const fromError = useCallback((e: unknown, fieldMap: Record<string, string> = {}) => {
    const message = errorMessage(e);
    if (e instanceof ApiError && e.field) {
      const f = fieldMap[e.field] ?? e.field;
      setFields({ [f]: message });
      setGeneral(message);
    } else {
      setFields({});
      setGeneral(message);
    }
  }, []);

  const setField = useCallback((name: string, message: string) => {
    setFields((prev) => ({ ...prev, [name]: message }));
  }, []);

  return { general, fields, clear, fromError, setGeneral, setField, setFields };
}

/** Moves focus to the first invalid input of a form after a failed submit. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  if (!form) return;
  requestAnimationFrame(() => {
    const el = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    el?.focus();
  });
}

export function Dialog(props: { title: string; open: boolean; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class={`dialog${props.wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onClose={props.onClose}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="btn btn-ghost btn-icon" onClick={props.onClose} aria-label="Cerrar">
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div class="dialog-body">{props.children}</div>
    </dialog>
  );
}

/**
 * Text with its dd-mm-aaaa dates kept on one line (browsers break lines after hyphens).
 * Returns text nodes and spans only: the input is never parsed as HTML.
 */
export function keepDates(text: string): ComponentChildren {
  const parts = text.split(/(\b\d{2}-\d{2}-\d{4}\b)/);
  if (parts.length === 1) return text;
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      <span class="nowrap" key={i}>
        {part}
      </span>
    ) : (
      part
    ),
  );
}
