// Shared building blocks: page headings, form fields wired for screen readers, alerts, loading and
// empty states, and a data-loading hook. Every server string is rendered as text (JSX escapes it).
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from './api';
import { setQuery } from './router';

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

export interface FieldProps extends Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'label' | 'id' | 'value' | 'class' | 'name'> {
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

/** Label, hint and error around one input or select, wired for screen readers (ids, aria-describedby). */
function FieldShell(props: {
  name: string;
  label: string;
  hint?: ComponentChildren;
  error?: string | null;
  class?: string;
  required?: unknown;
  hintBelow?: boolean;
  /** Ids of further descriptions outside the field (e.g. a hint shared by a search form). */
  describedBy?: string;
  control: (a: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren;
}) {
  const { hint, error, required, hintBelow } = props;
  const id = `f-${props.name}-${useId()}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const hintEl = hint && (
    <p class="hint" id={hintId}>
      {hint}
    </p>
  );
  return (
    <div class={`field${error ? ' has-error' : ''}${props.class ? ` ${props.class}` : ''}`}>
      <label for={id}>
        {props.label}
        {required ? <span class="req" aria-hidden="true"> *</span> : null}
      </label>
      {!hintBelow && hintEl}
      {error && (
        <p class="field-error" id={errId}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      {props.control({
        id,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': [hintId, errId, props.describedBy].filter(Boolean).join(' ') || undefined,
      })}
      {hintBelow && hintEl}
    </div>
  );
}

export function Field({ label, hint, error, class: cls, describedBy, hintBelow, value, onValue, inputRef, ...input }: FieldProps) {
  return (
    <FieldShell
      {...{ label, hint, error, class: cls, describedBy, hintBelow, name: input.name, required: input.required }}
      control={(a) => (
        <input
          {...a}
          {...input}
          value={value}
          onInput={onValue ? (e) => onValue((e.currentTarget as HTMLInputElement).value) : undefined}
          ref={inputRef}
        />
      )}
    />
  );
}

/** A password: the browser's password manager is told whether it is the current one or a new one. */
export function PasswordField({ isNew, ...field }: Omit<FieldProps, 'type' | 'autocomplete'> & { isNew?: boolean }) {
  return <Field {...field} type="password" autocomplete={isNew ? 'new-password' : 'current-password'} />;
}

/**
 * A day typed as dd-mm-aaaa. Browsers' date pickers follow the browser's language, not the page's,
 * so officials would see mm/dd/yyyy; a text field with this hint is what they read everywhere else.
 */
export function DateField({ hint = 'dd-mm-aaaa', ...field }: Omit<FieldProps, 'hintBelow' | 'inputMode' | 'autocomplete'>) {
  return <Field {...field} hint={hint} hintBelow inputMode="numeric" autocomplete="off" />;
}

interface SelectProps extends Omit<JSX.SelectHTMLAttributes<HTMLSelectElement>, 'label' | 'id' | 'value' | 'class' | 'name'> {
  label: string;
  name: string;
  /** With `group`, consecutive options of one group are shown under its heading (optgroup). */
  options: { value: string; label: string; group?: string }[];
  value: string;
  onValue: (v: string) => void;
  error?: string | null;
  hint?: ComponentChildren;
  placeholder?: string;
  class?: string;
  hintBelow?: boolean;
}

/** Consecutive options of the same group together; options without one form groups of their own. */
function groupOptions<O extends { group?: string }>(options: O[]): [string, O[]][] {
  const out: [string, O[]][] = [];
  for (const o of options) {
    const g = o.group ?? '';
    const last = out[out.length - 1];
    if (last && last[0] === g) last[1].push(o);
    else out.push([g, [o]]);
  }
  return out;
}

export function SelectField({ label, hint, error, class: cls, hintBelow, options, value, onValue, placeholder, ...select }: SelectProps) {
  return (
    <FieldShell
      {...{ label, hint, error, class: cls, hintBelow, name: select.name, required: select.required }}
      control={(a) => (
        <select {...a} {...select} value={value} onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value)}>
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {groupOptions(options).map(([group, list]) => {
            const opts = list.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ));
            return group ? (
              <optgroup key={group} label={group}>
                {opts}
              </optgroup>
            ) : (
              opts
            );
          })}
        </select>
      )}
    />
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

/** Moves focus to the first invalid input of a form after a failed submit. */
function focusFirstInvalid(form: HTMLFormElement | null): void {
  if (!form) return;
  requestAnimationFrame(() => {
    const el = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    el?.focus();
  });
}

/** A busy flag around async actions: `run` keeps it set while `action` runs and hands a failure to `onError`. */
export function useBusy() {
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<unknown>, onError: (err: unknown) => void): Promise<void> {
    setBusy(true);
    try {
      await action();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  }
  return [busy, run] as const;
}

/**
 * A form's errors (a general message, plus one per field marked), busy flag and ref, for the flow every form
 * follows: local checks, then the request.
 */
export function useForm() {
  const [general, setGeneral] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const [busy, run] = useBusy();
  const focus = () => focusFirstInvalid(formRef.current);
  const errors = {
    general,
    fields,
    /** Shows `message` above the form and marks the fields of `marked` with their messages. */
    show(message: string | null, marked: Record<string, string> = {}) {
      setGeneral(message);
      setFields(marked);
    },
    clear: () => errors.show(null),
    /** The server's message, also on the field it names (if any). */
    fromError(e: unknown) {
      const message = errorMessage(e);
      errors.show(message, e instanceof ApiError && e.field ? { [e.field]: message } : {});
    },
  };
  return {
    errors,
    formRef,
    busy,
    /** The form's submit handler: no page load, earlier errors cleared, then `check` (local checks, then `send`). */
    onSubmit: (check: () => void) => (e: Event) => {
      e.preventDefault();
      errors.clear();
      check();
    },
    /** Marks the fields of `local` and shows `general` above the form; true when there is any. */
    invalid(local: Record<string, string>, general: string): boolean {
      if (!Object.keys(local).length) return false;
      errors.show(general, local);
      focus();
      return true;
    },
    /** Sends `request`; a failure goes to `onError` (by default: the server's message and field), then to the input to fix. */
    send(request: () => Promise<unknown>, onError: (err: unknown) => void = errors.fromError): Promise<void> {
      return run(request, (err) => {
        onError(err);
        focus();
      });
    },
  };
}

/** A filter row (role="search"); it filters as the person types unless `onSubmit` is given. */
export function FilterForm(props: { label: string; onSubmit?: (e: Event) => void; children: ComponentChildren }) {
  return (
    <form class="filters card" role="search" aria-label={props.label} onSubmit={props.onSubmit ?? ((e) => e.preventDefault())}>
      {props.children}
    </form>
  );
}

/** The free-text box of a filter row. */
export function SearchField(props: { value: string; onValue: (v: string) => void; hint: string }) {
  return <Field label="Buscar" name="q" type="search" hintBelow {...props} autocomplete="off" />;
}

/** A filter kept in the address bar: the query parameter is the select's name. */
export function QuerySelect(props: { label: string; name: string; value: string; placeholder: string; options: { value: string; label: string }[] }) {
  return <SelectField {...props} onValue={(v) => setQuery({ [props.name]: v })} />;
}

/** "Buscando…" while a list loads, then `children` (how many results), announced politely. */
export function ResultSummary(props: { loading: boolean; children: ComponentChildren }) {
  return (
    <p class="summary" aria-live="polite">
      {props.loading ? 'Buscando…' : props.children}
    </p>
  );
}

/**
 * A list's states: loading, empty (unless an error already says why) or the responsive table in its card.
 * `actions` adds the last column, for the row buttons (its heading is for screen readers only).
 */
export function DataTable(props: {
  loading: boolean;
  error: string | null;
  count: number;
  empty: string;
  caption: ComponentChildren;
  columns: string[];
  actions?: boolean;
  class?: string;
  testId?: string;
  children: ComponentChildren;
}) {
  if (props.loading) return <Loading />;
  if (props.count === 0) return props.error ? null : <EmptyState>{props.empty}</EmptyState>;
  return (
    <div class="table-wrap card">
      <table class={`data-table responsive${props.class ? ` ${props.class}` : ''}`} data-testid={props.testId}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
            {props.actions && (
              <th scope="col">
                <span class="visually-hidden">Acciones</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A row's button: a short visible label, completed for screen readers with what it acts on. */
export function RowButton(props: { label: string; detail: string; onClick: () => void; disabled?: boolean }) {
  return (
    <button type="button" class="btn btn-ghost btn-sm" onClick={props.onClick} disabled={props.disabled}>
      {props.label}
      <span class="visually-hidden"> {props.detail}</span>
    </button>
  );
}

/**
 * A form's buttons: the main one (submits the form; with `onConfirm`, a dangerous action confirmed in place)
 * and the one that backs out.
 */
export function FormActions(props: { label: ComponentChildren; busy: boolean; onCancel: () => void; cancelLabel?: string; onConfirm?: () => void }) {
  return (
    <div class="form-actions">
      <button type={props.onConfirm ? 'button' : 'submit'} class={`btn ${props.onConfirm ? 'btn-danger' : 'btn-primary'}`} onClick={props.onConfirm} disabled={props.busy}>
        {props.label}
      </button>
      <button type="button" class="btn btn-ghost" onClick={props.onCancel}>
        {props.cancelLabel ?? 'Cancelar'}
      </button>
    </div>
  );
}

export function Checkbox(props: { name: string; checked: boolean; onValue: (v: boolean) => void; children: ComponentChildren }) {
  return (
    <label class="check">
      <input type="checkbox" name={props.name} checked={props.checked} onChange={(e) => props.onValue((e.currentTarget as HTMLInputElement).checked)} />
      <span>{props.children}</span>
    </label>
  );
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
