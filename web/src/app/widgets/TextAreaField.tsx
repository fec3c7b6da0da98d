// A multi-line text field wired like the kit's other fields (label, hint, error, aria), with an
// optional running count toward a minimum length.
import './widgets.css';
import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';

export interface TextAreaProps extends Omit<JSX.TextareaHTMLAttributes<HTMLTextAreaElement>, 'label' | 'id' | 'value' | 'class' | 'name'> {
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

