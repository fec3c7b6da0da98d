// «Buscar cupo»: a case worker finds an available, confirmed place for a woman (and her children)
// away from the aggressor's comuna — and its neighbours when the order says so — offers it, and
// follows the house's answer. Opened from a person's file with ?persona=N.
import { useState } from 'preact/hooks';
import { useLocation } from '../app/router';
import { Badge, Checkbox, DataTable, ErrorAlert, Field, Notice, PageHeader, useAsync, useForm } from '../app/ui';
import { ComunaField } from '../app/widgets/ComunaField';
import { getAddress, getPlacements, offerPlace, parseAges, searchPlaces, type Need, type Placement, type SearchResult } from './data';
import './care.css';

const STATE_TONE: Record<Placement['state'], 'neutral' | 'ok' | 'warn' | 'danger' | 'info'> = {
  ofrecida: 'warn', aceptada: 'info', rechazada: 'danger', vencida: 'danger', ingresada: 'ok', egresada: 'neutral',
};

export default function FindPlacePage() {
  const { search } = useLocation();
  const person = Number(search.get('persona')) || undefined;
  const [age, setAge] = useState('');
  const [ages, setAges] = useState('');
  const [accessible, setAccessible] = useState(false);
  // ?agresor=13101 prefills the aggressor's comuna (from a protective order or the registry's record).
  const [aggressor, setAggressor] = useState(search.get('agresor') ?? '');
  const [neighbours, setNeighbours] = useState(true);
  const [note, setNote] = useState('');
  const [result, setResult] = useState<{ need: Need; data: SearchResult } | null>(null);
  const [offered, setOffered] = useState<string | null>(null);
  const [address, setAddress] = useState<Record<number, string>>({});
  const form = useForm();
  const mine = useAsync((signal) => getPlacements(signal), [offered]);

  const submit = form.onSubmit(() => {
    const local: Record<string, string> = {};
    const a = Number(age);
    if (!Number.isInteger(a) || a < 12 || a > 120) local.woman_age = 'Indique su edad en años.';
    const kids = parseAges(ages);
    if (kids === null) local.children_ages = 'Escriba las edades separadas por comas, por ejemplo 3, 7.';
    if (!/^\d{5}$/.test(aggressor)) local.aggressor_comuna = 'Elija la comuna del agresor (o de los hechos).';
    if (form.invalid(local, 'Revise los datos marcados.')) return;
    const need: Need = { woman_age: a, children_ages: kids ?? [], accessible, aggressor_comuna: aggressor, exclude_neighbours: neighbours, person_id: person };
    setOffered(null);
    void form.send(async () => setResult({ need, data: await searchPlaces(need) }));
  });

  const offer = (placeId: number, name: string) =>
    form.send(async () => {
      const p = await offerPlace(placeId, result!.need, note);
      setOffered(`Se ofreció un cupo en ${name}. La casa debe responder antes del ${p.answer_due}.`);
      setResult(null);
    });

  return (
    <section class="care">
      <PageHeader
        title="Buscar cupo en casa de acogida"
        lead="Solo se muestran casas con cupo confirmado en las últimas horas que la admiten a ella y a sus hijas e hijos, fuera de la comuna del agresor."
      />
      {person && <Notice kind="info">Para la persona N° {person} del registro de casos.</Notice>}
      {offered && <Notice kind="success">{offered}</Notice>}
      <ErrorAlert error={form.errors.general} />
      <form ref={form.formRef} onSubmit={submit} class="card need-form" aria-label="Necesidad de la mujer" noValidate>
        <Field label="Edad de la mujer" name="woman_age" inputMode="numeric" value={age} onValue={setAge} error={form.errors.fields.woman_age} required />
        <Field label="Edades de hijas e hijos" name="children_ages" hint="Separadas por comas; vacío si va sola." value={ages} onValue={setAges} error={form.errors.fields.children_ages} />
        <ComunaField label="Comuna del agresor" name="aggressor_comuna" value={aggressor} onValue={setAggressor} error={form.errors.fields.aggressor_comuna} />
        <div>
          <Checkbox name="exclude_neighbours" checked={neighbours} onValue={setNeighbours}>Excluir comunas vecinas (lo dice la medida)</Checkbox>
          <Checkbox name="accessible" checked={accessible} onValue={setAccessible}>Necesita unidad accesible</Checkbox>
        </div>
        <button type="submit" class="btn btn-primary" disabled={form.busy}>Buscar cupo</button>
      </form>

      {result && (
        <section aria-labelledby="res-title">
          <h2 id="res-title">Casas con cupo ({result.data.unit_type_name})</h2>
          {result.data.excluded_comunas.length > 0 && (
            <p class="muted">Excluidas: {result.data.excluded_comunas.map((c) => `${c.comuna} (${c.why})`).join(', ')}.</p>
          )}
          <Field label="Nota para la casa (opcional)" name="note" value={note} onValue={setNote} />
          <DataTable loading={false} error={null} count={result.data.items.length} empty="No hay cupos confirmados que cumplan. Llame al 1455 para coordinar." caption="Casas con cupo" columns={['Casa', 'Región y comuna', 'Cupos', 'Confirmado']} actions testId="care-offers">
            {result.data.items.map((o) => (
              <tr key={o.place_id}>
                <td data-label="Casa">{o.name} {o.same_region && <Badge tone="info">Su región</Badge>}</td>
                <td data-label="Región y comuna">{o.region_id} · {o.comuna}</td>
                <td data-label="Cupos">{o.available} de {o.places}</td>
                <td data-label="Confirmado">{o.confirmed}</td>
                <td>
                  <button type="button" class="btn btn-primary btn-sm" disabled={form.busy} onClick={() => offer(o.place_id, o.name)}>
                    Ofrecer cupo<span class="visually-hidden"> en {o.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
          {result.data.excluded.length > 0 && (
            <details>
              <summary>{result.data.excluded.length} casas con cupo que no corresponden</summary>
              <ul>{result.data.excluded.map((e) => <li key={e.place_id}>{e.name}: {e.reason}</li>)}</ul>
            </details>
          )}
        </section>
      )}

      <h2>Derivaciones a casas de mi institución</h2>
      <DataTable loading={mine.loading} error={mine.error} count={mine.data?.length ?? 0} empty="Aún no hay derivaciones." caption="Derivaciones a casas" columns={['N°', 'Casa', 'Estado', 'Plazos', 'Dirección']} testId="care-my-placements">
        {(mine.data ?? []).slice(0, 30).map((p) => (
          <tr key={p.id}>
            <td data-label="N°">{p.id}</td>
            <td data-label="Casa">{p.place_name}<div class="muted">{p.unit_type_name}</div></td>
            <td data-label="Estado"><Badge tone={STATE_TONE[p.state]}>{p.state_name}</Badge>{p.decline_reason_name && <div class="muted">{p.decline_reason_name}</div>}</td>
            <td data-label="Plazos">
              {p.state === 'ofrecida' && <>Respuesta antes del {p.answer_due}</>}
              {p.state === 'aceptada' && <>Ingreso antes del {p.entry_due}</>}
              {p.entered && <>Ingresó el {p.entered}</>}
              {p.exited && <> · egresó el {p.exited} ({p.exit_destination_name})</>}
            </td>
            <td data-label="Dirección">
              {(p.state === 'aceptada' || p.state === 'ingresada') &&
                (address[p.place_id] ? (
                  <span data-testid="care-address">{address[p.place_id]}</span>
                ) : (
                  <button type="button" class="btn btn-ghost btn-sm" onClick={() => form.send(async () => {
                    const a = await getAddress(p.place_id);
                    setAddress((m) => ({ ...m, [p.place_id]: a.address }));
                  })}>
                    Ver dirección<span class="visually-hidden"> de {p.place_name}</span>
                  </button>
                ))}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
