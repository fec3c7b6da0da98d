// Reporting calendar (analysts, policy.validate): open a semester or annual period with its dates
// and grace days, or reopen a closed one until a date, with a reason. The API checks every field;
// its message is shown on the field it names.
import { useState } from 'preact/hooks';
import { DateField, Dialog, ErrorAlert, Field, FormActions, SelectField, useForm } from '../app/ui';
import { createPeriod, reopenPeriod, type Period } from './data';

const KINDS = [
  { value: 'semestre', label: 'Semestral' },
  { value: 'anual', label: 'Anual' },
];

/** '' → undefined; otherwise the integer, or NaN. */
const integer = (text: string) => (text.trim() === '' ? undefined : /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : NaN);

export function PeriodForm({ instrumentId, onClose, onSaved }: { instrumentId: number; onClose: () => void; onSaved: (message: string) => void }) {
  const [kind, setKind] = useState('semestre');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [semester, setSemester] = useState('1');
  const [opensOn, setOpensOn] = useState('');
  const [closesOn, setClosesOn] = useState('');
  const [grace, setGrace] = useState('0');
  const form = useForm();
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    const y = integer(year);
    const g = integer(grace);
    if (y === undefined || Number.isNaN(y)) local.year = 'Escriba el año con cuatro dígitos, por ejemplo 2026.';
    if (Number.isNaN(g)) local.grace_days = 'Escriba un número entero de días.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    void form.send(async () => {
      const p = await createPeriod({
        instrument_id: instrumentId,
        kind,
        year: y!,
        semester: kind === 'semestre' ? Number(semester) : null,
        opens_on: opensOn.trim() || undefined,
        closes_on: closesOn.trim() || undefined,
        grace_days: g ?? 0,
      });
      onSaved(`Se creó el período ${p.label}: recibe reportes del ${p.opens_on} al ${p.closes_on}${p.grace_days ? ` y ${p.grace_days} días de gracia` : ''}.`);
    });
  });
  const f = form.errors.fields;
  return (
    <Dialog title="Nuevo período de reporte" open onClose={onClose} wide>
      <ErrorAlert error={form.errors.general} title="No fue posible crear el período" />
      <form ref={form.formRef} onSubmit={submit} noValidate class="stack" data-testid="period-form">
        <div class="field-row">
          <SelectField label="Tipo de período" name="kind" value={kind} onValue={setKind} options={KINDS} error={f.kind} required />
          <Field label="Año" name="year" inputMode="numeric" value={year} onValue={setYear} error={f.year} required />
          {kind === 'semestre' && (
            <SelectField
              label="Semestre"
              name="semester"
              value={semester}
              onValue={setSemester}
              options={[
                { value: '1', label: 'Primer semestre' },
                { value: '2', label: 'Segundo semestre' },
              ]}
              error={f.semester}
            />
          )}
        </div>
        <p class="hint">
          Si deja las fechas en blanco se usa el calendario habitual: el primer semestre se reporta del 1 al 31 de agosto; el segundo semestre y el año, del 1 al 31
          de enero del año siguiente.
        </p>
        <div class="field-row">
          <DateField label="Apertura" name="opens_on" value={opensOn} onValue={setOpensOn} error={f.opens_on} />
          <DateField label="Cierre (último día)" name="closes_on" value={closesOn} onValue={setClosesOn} error={f.closes_on} />
          <Field
            label="Días de gracia"
            name="grace_days"
            inputMode="numeric"
            value={grace}
            onValue={setGrace}
            error={f.grace_days}
            hint="Entre 0 y 90. Los reportes en gracia se aceptan marcados «fuera de plazo»."
            hintBelow
          />
        </div>
        <FormActions label={form.busy ? 'Creando…' : 'Crear período'} busy={form.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

export function ReopenForm({ period, onClose, onSaved }: { period: Period; onClose: () => void; onSaved: (message: string) => void }) {
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const form = useForm();
  const submit = form.onSubmit(() => {
    void form.send(async () => {
      const p = await reopenPeriod(period.id, until.trim(), reason.trim());
      onSaved(`Se reabrió el período ${p.label} hasta el ${p.reopened_until}.`);
    });
  });
  const f = form.errors.fields;
  return (
    <Dialog title={`Reabrir el período ${period.label}`} open onClose={onClose}>
      <ErrorAlert error={form.errors.general} title="No fue posible reabrir el período" />
      <form ref={form.formRef} onSubmit={submit} noValidate class="stack" data-testid="reopen-form">
        <p class="hint">
          Cerró el {period.closes_on}. Mientras esté reabierto, las instituciones pueden reportar; sus reportes quedan marcados «fuera de plazo». Máximo 60 días.
        </p>
        <DateField label="Reabierto hasta (inclusive)" name="until" value={until} onValue={setUntil} error={f.until} required />
        <Field label="Motivo" name="reason" value={reason} onValue={setReason} error={f.reason} required autocomplete="off" hint="Queda registrado en la auditoría." />
        <FormActions label={form.busy ? 'Reabriendo…' : 'Reabrir período'} busy={form.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
