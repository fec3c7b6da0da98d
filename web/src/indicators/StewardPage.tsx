// The steward's page: the SEG indicators of her institution, the periods due (and the reminders
// the platform recorded), and the form to upload a period's values (all of them or none).
import { useState } from 'preact/hooks';
import { parseDecimal } from '../app/format';
import { Badge, ErrorAlert, Field, Loading, Notice, PageHeader, SelectField, useAsync, useForm } from '../app/ui';
import { formatValue } from './CataloguePage';
import { disaggregationLabel, disaggregationOptions, getMine, uploadValues, type Indicator, type SeriesValue } from './data';
import './indicators.css';

function UploadForm({ ind, onSaved }: { ind: Indicator; onSaved: (i: Indicator) => void }) {
  const closed = (ind.periods ?? []).map((p) => p.period);
  const firstDue = (ind.periods ?? []).find((p) => !p.reported)?.period ?? closed[closed.length - 1] ?? '';
  const [period, setPeriod] = useState(firstDue);
  const [dis, setDis] = useState('');
  const [value, setValue] = useState('');
  const [num, setNum] = useState('');
  const [den, setDen] = useState('');
  const [rows, setRows] = useState<SeriesValue[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useForm();
  const p = `up-${ind.id}`;

  const add = () => {
    form.errors.clear();
    const v = parseDecimal(value);
    const local: Record<string, string> = {};
    if (v === null) local[`${p}-value`] = 'Escriba el valor (por ejemplo 51,2).';
    const n = num.trim() ? parseDecimal(num) : null;
    const d = den.trim() ? parseDecimal(den) : null;
    if (num.trim() && n === null) local[`${p}-num`] = 'Debe ser un número.';
    if (den.trim() && d === null) local[`${p}-den`] = 'Debe ser un número.';
    if (form.invalid(local, 'Revise los campos marcados.')) return;
    setRows([...rows.filter((r) => !(r.period === period && r.disaggregation === dis)), { period, disaggregation: dis, value: v!, numerator: n, denominator: d }]);
    setValue('');
    setNum('');
    setDen('');
  };
  const submit = form.onSubmit(() => {
    if (!rows.length) {
      form.errors.show('Agregue al menos un valor a la carga.');
      return;
    }
    void form.send(async () => {
      const r = await uploadValues(ind.id, rows);
      setSaved(r.saved === 1 ? "Se guardó 1 valor." : `Se guardaron ${r.saved} valores.`);
      setRows([]);
      onSaved(r.indicator);
    });
  });
  return (
    <form ref={form.formRef} onSubmit={submit} class="card" data-testid={`upload-${ind.code}`} noValidate>
      <h3>Cargar valores</h3>
      <ErrorAlert error={form.errors.general} />
      {saved && <Notice kind="success">{saved}</Notice>}
      <div class="ind-upload-row">
        <SelectField label="Período" name={`${p}-period`} value={period} onValue={setPeriod} options={closed.map((c) => ({ value: c, label: c }))} />
        <SelectField label="Desagregación" name={`${p}-dis`} value={dis} onValue={setDis} options={disaggregationOptions(ind.disaggregations)} />
        <Field label={`Valor (${ind.unit})`} name={`${p}-value`} value={value} onValue={setValue} inputMode="decimal" error={form.errors.fields[`${p}-value`]} />
        <Field label="Numerador (opcional)" name={`${p}-num`} value={num} onValue={setNum} inputMode="decimal" error={form.errors.fields[`${p}-num`]} />
        <Field label="Denominador (opcional)" name={`${p}-den`} value={den} onValue={setDen} inputMode="decimal" error={form.errors.fields[`${p}-den`]} />
        <button type="button" class="btn btn-secondary" onClick={add}>
          Agregar a la carga
        </button>
      </div>
      {rows.length > 0 && (
        <ul data-testid="upload-rows">
          {rows.map((r) => (
            <li key={r.period + r.disaggregation}>
              {r.period} · {disaggregationLabel(r.disaggregation, ind.disaggregations)}: {formatValue(ind, r.value)}
            </li>
          ))}
        </ul>
      )}
      <button type="submit" class="btn btn-primary" disabled={form.busy}>
        Enviar {rows.length || ''} {rows.length === 1 ? 'valor' : 'valores'}
      </button>
      <p class="cell-sub">Se guardan todos los valores de la carga o ninguno. Si indica numerador y denominador, el valor debe coincidir con ellos.</p>
    </form>
  );
}

export default function StewardPage() {
  const mine = useAsync((signal) => getMine(signal), []);
  const [updated, setUpdated] = useState<Record<number, Indicator>>({});
  const list = (mine.data ?? []).map((i) => updated[i.id] ?? i);
  return (
    <section>
      <PageHeader
        title="Mis indicadores"
        eyebrow="Sistema de Indicadores de Género"
        lead="Indicadores que su institución informa: períodos vencidos, recordatorios y carga de valores."
      />
      <ErrorAlert error={mine.error} />
      {mine.loading && !mine.data && <Loading />}
      {mine.data && list.length === 0 && <p>Su institución no es responsable de ningún indicador del catálogo.</p>}
      {list.map((ind) => {
        const overdue = (ind.periods ?? []).filter((p) => p.overdue);
        return (
          <article key={ind.id} class="card" data-testid={`mine-${ind.code}`}>
            <h2>
              <a href={`/indicadores/catalogo/${ind.id}`}>{ind.name}</a>
            </h2>
            <p class="cell-sub">
              {ind.code} · {ind.periodicity}
            </p>
            {overdue.length > 0 ? (
              <Notice kind="warning" title="Períodos vencidos">
                {overdue.map((p) => `${p.period} (plazo ${p.due_on})`).join(', ')}
              </Notice>
            ) : (
              <p>
                <Badge tone="ok">Al día</Badge>
              </p>
            )}
            {(ind.reminders ?? []).length > 0 && (
              <p class="cell-sub">Recordatorios enviados: {(ind.reminders ?? []).map((r) => `${r.period} el ${r.sent_on}`).join('; ')}</p>
            )}
            {ind.origin === 'upload' ? (
              <UploadForm ind={ind} onSaved={(i) => setUpdated({ ...updated, [i.id]: { ...i, reminders: ind.reminders } })} />
            ) : (
              <p>{ind.origin_label}: no se carga a mano.</p>
            )}
          </article>
        );
      })}
    </section>
  );
}
