// The SEG catalogue editor: the indicators my institution stewards (all of them for the Ministry's
// analyst), with their status, and the form that creates or edits one. The server checks every
// field and answers with the field at fault; a change of a published definition keeps its history.
import { useEffect, useState } from 'preact/hooks';
import { parseDecimal } from '../app/format';
import { navigate } from '../app/router';
import { Checkbox, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { TextAreaField } from '../app/widgets/TextAreaField';
import {
  createIndicator,
  getEditorIndicator,
  getEditorOptions,
  PERIODICITY_LABEL,
  STATUS_LABEL,
  updateIndicator,
  type Definition,
  type EditorOptions,
  type Indicator,
  type IndicatorStatus,
  type TextField,
} from './data';
import './indicators.css';

const DIMENSION_LABEL: Record<string, string> = { sexo: 'Sexo', region: 'Región', edad: 'Tramo de edad' };

// Numbers are kept as typed (es-CL decimals) until the form is sent.
type FormState = Record<TextField | 'factor' | 'decimals' | 'steward' | 'origin' | 'firstYear' | 'graceDays', string> & {
  dims: string[];
  status: IndicatorStatus;
};

function emptyState(opts: EditorOptions): FormState {
  return {
    code: '', name: '', definition: '', numerator: '', denominator: '', unit: '%', factor: '100', decimals: '1',
    periodicity: 'anual', source: '', steward: String(opts.own_institution_id), dims: [], origin: 'upload',
    firstYear: String(new Date().getFullYear() - 5), graceDays: '90', status: 'borrador',
  };
}

function stateOf(i: Indicator): FormState {
  return {
    code: i.code, name: i.name, definition: i.definition, numerator: i.numerator, denominator: i.denominator, unit: i.unit,
    factor: String(i.factor).replace('.', ','), decimals: String(i.decimals), periodicity: i.periodicity, source: i.source,
    steward: String(i.steward.id), dims: i.disaggregation_ids ?? [], origin: i.origin_key ?? 'upload',
    firstYear: String(i.first_year), graceDays: String(i.grace_days), status: i.status,
  };
}

function DefinitionForm({ opts, ind }: { opts: EditorOptions; ind: Indicator | null }) {
  const [f, setF] = useState<FormState>(ind ? stateOf(ind) : emptyState(opts));
  const [saved, setSaved] = useState<Indicator | null>(null);
  const form = useForm();
  useEffect(() => setF(ind ? stateOf(ind) : emptyState(opts)), [ind?.id, ind?.version]);
  const set = <K extends keyof FormState>(k: K) => (v: FormState[K]) => setF({ ...f, [k]: v });
  const err = form.errors.fields;
  const current = saved ?? ind;
  // A status can only move forward: a draft is published; a published one is retired (or stays).
  const statuses: IndicatorStatus[] = !current || current.status === 'borrador' ? ['borrador', 'publicado'] : ['publicado', 'retirado'];

  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    const factor = parseDecimal(f.factor);
    if (factor === null) local.factor = 'Escriba el factor (100 para un porcentaje).';
    const year = Number(f.firstYear);
    if (!/^\d{4}$/.test(f.firstYear.trim())) local.first_year = 'Escriba el año con cuatro dígitos.';
    if (!/^\d{1,3}$/.test(f.graceDays.trim())) local.grace_days = 'Escriba un número de días.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    const d: Definition = {
      code: f.code, name: f.name, definition: f.definition, numerator: f.numerator, denominator: f.denominator, unit: f.unit,
      factor: factor!, decimals: Number(f.decimals), periodicity: f.periodicity, source: f.source,
      steward_institution_id: Number(f.steward), disaggregations: f.dims, origin: f.origin, first_year: year,
      grace_days: Number(f.graceDays), status: f.status,
    };
    void form.send(async () => {
      const r = current ? await updateIndicator(current.id, d) : await createIndicator(d);
      setSaved(r);
      if (!current) navigate(`/indicadores/editor/${r.id}?creado=1`, { replace: true });
    });
  });

  return (
    <form ref={form.formRef} onSubmit={submit} class="card ind-editor" data-testid="editor-form" noValidate>
      <ErrorAlert error={form.errors.general} />
      {saved && (
        <Notice kind="success">
          Guardado: versión {saved.version}, {STATUS_LABEL[saved.status].toLowerCase()}.
          {saved.status === 'publicado' && (
            <>
              {' '}
              <a href={`/indicadores/catalogo/${saved.id}`}>Ver en el catálogo público</a>
            </>
          )}
        </Notice>
      )}
      <div class="ind-editor-grid">
        <Field label="Código" name="code" value={f.code} onValue={set('code')} required hint="Letras, dígitos y guiones, por ejemplo SEG-TPL-M." error={err.code} />
        <Field label="Nombre" name="name" value={f.name} onValue={set('name')} required error={err.name} class="ind-wide" />
      </div>
      <TextAreaField label="Definición" name="definition" value={f.definition} onValue={set('definition')} required rows={3} error={err.definition} />
      <div class="ind-editor-grid">
        <TextAreaField label="Numerador" name="numerator" value={f.numerator} onValue={set('numerator')} required rows={2} error={err.numerator} />
        <TextAreaField label="Denominador" name="denominator" value={f.denominator} onValue={set('denominator')} required rows={2} error={err.denominator} />
      </div>
      <div class="ind-editor-grid">
        <Field label="Unidad" name="unit" value={f.unit} onValue={set('unit')} required hint="% o la unidad de medida" error={err.unit} />
        <Field label="Factor" name="factor" value={f.factor} onValue={set('factor')} inputMode="decimal" required hint="valor = numerador / denominador × factor" error={err.factor} />
        <SelectField label="Decimales" name="decimals" value={f.decimals} onValue={set('decimals')} options={[0, 1, 2, 3, 4].map((n) => ({ value: String(n), label: String(n) }))} error={err.decimals} />
        <SelectField
          label="Periodicidad"
          name="periodicity"
          value={f.periodicity}
          onValue={set('periodicity')}
          options={opts.periodicities.map((p) => ({ value: p, label: PERIODICITY_LABEL[p] ?? p }))}
          error={err.periodicity}
        />
        <Field label="Primer año de la serie" name="first_year" value={f.firstYear} onValue={set('firstYear')} inputMode="numeric" required error={err.first_year} />
        <Field label="Plazo para informar (días)" name="grace_days" value={f.graceDays} onValue={set('graceDays')} inputMode="numeric" hint="después del cierre del período" error={err.grace_days} />
      </div>
      <Field label="Fuente" name="source" value={f.source} onValue={set('source')} required error={err.source} />
      <div class="ind-editor-grid">
        <SelectField
          label="Institución responsable"
          name="steward_institution_id"
          value={f.steward}
          onValue={set('steward')}
          options={opts.institutions.map((i) => ({ value: String(i.id), label: i.name }))}
          error={err.steward_institution_id}
        />
        <SelectField
          label="Origen de la serie"
          name="origin"
          value={f.origin}
          onValue={set('origin')}
          options={[{ value: 'upload', label: 'La carga la institución responsable' }, ...opts.sources.map((s) => ({ value: s.key, label: `Calculada: ${s.label}` }))]}
          error={err.origin}
        />
        <SelectField label="Estado" name="status" value={f.status} onValue={(v) => set('status')(v as IndicatorStatus)} options={statuses.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} error={err.status} />
      </div>
      <fieldset class={`ind-dims${err.disaggregations ? ' has-error' : ''}`}>
        <legend>Desagregaciones</legend>
        {opts.disaggregations.map((d) => (
          <Checkbox key={d} name={`dis-${d}`} checked={f.dims.includes(d)} onValue={(on) => set('dims')(on ? [...f.dims, d] : f.dims.filter((x) => x !== d))}>
            {DIMENSION_LABEL[d] ?? d}
          </Checkbox>
        ))}
        {err.disaggregations && <p class="field-error">{err.disaggregations}</p>}
      </fieldset>
      {current?.status === 'publicado' && (
        <p class="cell-sub">Este indicador está publicado: si cambia su definición, el catálogo público dirá la fecha del cambio y conservará la definición anterior.</p>
      )}
      {f.status === 'retirado' && current?.status !== 'retirado' && (
        <Notice kind="warning">Al retirarlo sale del catálogo público; su serie se conserva y no recibe valores nuevos.</Notice>
      )}
      <button type="submit" class="btn btn-primary" disabled={form.busy}>
        {current ? 'Guardar cambios' : 'Crear indicador'}
      </button>
    </form>
  );
}

export default function EditorPage({ indicatorId }: { indicatorId: string }) {
  const isNew = indicatorId === 'nuevo';
  const opts = useAsync((signal) => getEditorOptions(signal), []);
  const ind = useAsync((signal) => (isNew ? Promise.resolve(null) : getEditorIndicator(indicatorId, signal)), [indicatorId]);
  const created = new URLSearchParams(window.location.search).get('creado') === '1';
  return (
    <section>
      <PageHeader title={isNew ? 'Nuevo indicador' : ind.data?.name ?? 'Indicador'} eyebrow="Editor del catálogo" />
      <p>
        <a href="/indicadores/editor">← Indicadores que edito</a>
      </p>
      <ErrorAlert error={opts.error ?? ind.error} />
      {(opts.loading || ind.loading) && <Loading />}
      {created && ind.data && <Notice kind="success">Indicador creado ({STATUS_LABEL[ind.data.status].toLowerCase()}).</Notice>}
      {opts.data && !ind.loading && !ind.error && <DefinitionForm opts={opts.data} ind={ind.data ?? null} />}
      {ind.data?.versions && ind.data.versions.length > 0 && (
        <>
          <h2>Versiones</h2>
          <ol class="ind-versions" data-testid="editor-versions">
            {ind.data.versions.map((v) => (
              <li key={v.version}>
                Versión {v.version} · {STATUS_LABEL[v.status]} · {v.changed_on}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
