// New policy instrument (analysts, policy.validate): code, name, kind, years, description, source.
// The API checks every field; its message is shown on the field it names.
import { useState } from 'preact/hooks';
import { navigate } from '../app/router';
import { Dialog, ErrorAlert, Field, FormActions, SelectField, useForm } from '../app/ui';
import { createInstrument, INSTRUMENT_KINDS, type InstrumentInput } from './data';

const year = (text: string) => (text.trim() === '' ? undefined : Number(text.trim()));

export default function InstrumentForm({ onClose }: { onClose: () => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState('plan');
  const [startYear, setStartYear] = useState('');
  const [endYear, setEndYear] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState('');
  const form = useForm();
  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    for (const [field, text] of [
      ['start_year', startYear],
      ['end_year', endYear],
    ] as const)
      if (text.trim() && !Number.isInteger(year(text))) local[field] = 'Escriba el año con cuatro dígitos, por ejemplo 2022.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const body: InstrumentInput = { code: code.trim(), name: name.trim(), kind, start_year: year(startYear), end_year: year(endYear) };
    if (description.trim()) body.description = description.trim();
    if (source.trim()) body.source = source.trim();
    void form.send(async () => {
      const created = await createInstrument(body);
      navigate(`/politicas/instrumentos/${created.id}`);
    });
  });
  return (
    <Dialog title="Nuevo instrumento" open onClose={onClose} wide>
      <ErrorAlert error={form.errors.general} title="No fue posible crear el instrumento" />
      <form ref={form.formRef} onSubmit={submit} noValidate class="stack" data-testid="instrument-form">
        <Field label="Nombre" name="name" value={name} onValue={setName} error={form.errors.fields.name} required autocomplete="off" />
        <div class="field-row">
          <Field
            label="Código"
            name="code"
            value={code}
            onValue={setCode}
            error={form.errors.fields.code}
            required
            autocomplete="off"
            hint="Minúsculas, dígitos y guiones; aparece en las descargas. Ej.: plan-igualdad-2030"
          />
          <SelectField label="Tipo de instrumento" name="kind" value={kind} onValue={setKind} options={INSTRUMENT_KINDS} error={form.errors.fields.kind} required />
        </div>
        <div class="field-row">
          <Field label="Año de inicio" name="start_year" inputMode="numeric" value={startYear} onValue={setStartYear} error={form.errors.fields.start_year} />
          <Field label="Año de término" name="end_year" inputMode="numeric" value={endYear} onValue={setEndYear} error={form.errors.fields.end_year} />
        </div>
        <Field label="Descripción" name="description" value={description} onValue={setDescription} error={form.errors.fields.description} autocomplete="off" />
        <Field label="Fuente" name="source" value={source} onValue={setSource} error={form.errors.fields.source} autocomplete="off" hint="Documento o decreto que lo establece." />
        <FormActions label={form.busy ? 'Creando…' : 'Crear instrumento'} busy={form.busy} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
