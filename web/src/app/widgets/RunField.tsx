// A RUN typed by hand: says at once, under the field, when the check digit does not match the
// number (the server refuses such a RUN on save, and a mistyped RUN is how duplicate files start).
// Used wherever a person's RUN is typed: the registry's new record, accounts.
import type { ComponentChildren } from 'preact';
import { checkRun, RUN_CHECK_DIGIT_MESSAGE } from '../run';
import { Field, type FieldProps } from '../ui';
import './widgets.css';

export function RunField({ hint, value, ...field }: Omit<FieldProps, 'hintBelow' | 'value'> & { value: string; hint?: ComponentChildren }) {
  const wrong = checkRun(value).state === 'wrong_digit';
  return (
    <Field
      {...field}
      value={value}
      autocomplete="off"
      hintBelow
      hint={
        <>
          {hint}
          {/* Always present, so screen readers announce the warning when it appears. */}
          <span class="field-warning" role="status" data-testid="run-warning">
            {wrong ? RUN_CHECK_DIGIT_MESSAGE : ''}
          </span>
        </>
      }
    />
  );
}
