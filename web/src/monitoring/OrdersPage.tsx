// Órdenes monitoreadas (/monitoreo/ordenes, monitoring.manage): the orders under telematic
// monitoring, and the form to put a new one under it. Field errors from the API are shown next to
// their field; the warnings the API returns (the order may not work as written) open the order page.
import { useState } from 'preact/hooks';
import { ApiError } from '../app/api';
import { formatNumber, parseDateInput, parseDecimal } from '../app/format';
import { navigate, setQuery, useLocation } from '../app/router';
import { DataTable, DateField, ErrorAlert, Field, PageHeader, ResultSummary, useAsync, useForm } from '../app/ui';
import { ComunaField, ComunaName } from '../cases/common';
import { MonitoringNav } from './common';
import { createOrder, distanceText, listOrders } from './data';
import { OrderFromRecord } from './OrderFromRecord';

export default function OrdersPage() {
  const { search } = useLocation();
  const creating = search.get('nueva') === '1';
  // The registry's order first; by hand only for an order the registry does not hold.
  const byHand = search.get('a_mano') === '1';
  const orders = useAsync((signal) => listOrders(signal), []);
  const items = orders.data ?? [];
  return (
    <section class="mon-orders">
      <MonitoringNav />
      <PageHeader
        eyebrow="Monitoreo telemático"
        title="Órdenes monitoreadas"
        lead="Medidas cautelares con control telemático: la distancia que el agresor debe guardar, las zonas que no puede pisar y los dispositivos de cada persona."
        actions={
          !creating && (
            <button type="button" class="btn btn-primary" onClick={() => setQuery({ nueva: '1' })}>
              Nueva orden
            </button>
          )
        }
      />
      {creating && !byHand && <OrderFromRecord onCancel={() => setQuery({ nueva: null })} onByHand={() => setQuery({ a_mano: '1' })} />}
      {creating && byHand && <NewOrderForm onCancel={() => setQuery({ nueva: null, a_mano: null })} />}
      <ErrorAlert error={orders.error} />
      <ResultSummary loading={orders.loading}>{items.length === 1 ? '1 orden' : `${formatNumber(items.length)} órdenes`}</ResultSummary>
      <DataTable
        loading={orders.loading && !orders.data}
        error={orders.error}
        count={items.length}
        empty="No hay órdenes monitoreadas. Cree la primera con «Nueva orden»."
        caption="Órdenes monitoreadas"
        columns={['Orden', 'Víctima', 'Agresor', 'Comuna', 'Distancia mínima', 'Vigencia', 'Zonas / dispositivos']}
        testId="orders-table"
      >
        {items.map((o) => (
          <tr key={o.id} class={o.status === 'terminada' ? 'row-closed' : ''}>
            <th scope="row" data-label="Orden">
              <a class="cell-main" href={`/monitoreo/ordenes/${o.id}`}>
                {o.label}
              </a>
              {o.court && <span class="cell-sub">{o.court}</span>}
            </th>
            <td data-label="Víctima">{o.victim_name}</td>
            <td data-label="Agresor">{o.aggressor_name}</td>
            <td data-label="Comuna">
              <ComunaName id={o.comuna_id} />
            </td>
            <td data-label="Distancia mínima" class="nowrap">
              {distanceText(o.min_distance_m)}
            </td>
            <td data-label="Vigencia" class="nowrap">
              <span class={`badge ${o.status === 'vigente' ? 'badge-ok' : ''}`}>{o.status === 'vigente' ? 'Vigente' : 'Terminada'}</span>
              <span class="cell-sub">
                {o.starts_on ?? '—'} a {o.ends_on ?? 'sin término'}
              </span>
            </td>
            <td data-label="Zonas / dispositivos">
              {o.zones} / {o.devices}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

interface Draft {
  label: string;
  court: string;
  victim_name: string;
  victim_phone: string;
  aggressor_name: string;
  aggressor_phone: string;
  comuna_id: string;
  min_distance_m: string;
  approach_m: string;
  starts_on: string;
  ends_on: string;
  victim_lat: string;
  victim_lon: string;
  aggressor_lat: string;
  aggressor_lon: string;
}

const EMPTY: Draft = {
  label: '', court: '', victim_name: '', victim_phone: '', aggressor_name: '', aggressor_phone: '', comuna_id: '',
  min_distance_m: '500', approach_m: '', starts_on: '', ends_on: '', victim_lat: '', victim_lon: '', aggressor_lat: '', aggressor_lon: '',
};

/** The server names nested fields ("victim_home.lat"); the form marks the input that holds it. */
function fieldOf(field: string): string {
  if (field.startsWith('victim_home')) return field.endsWith('lon') ? 'victim_lon' : 'victim_lat';
  if (field.startsWith('aggressor_home')) return field.endsWith('lon') ? 'aggressor_lon' : 'aggressor_lat';
  return field;
}

function NewOrderForm({ onCancel }: { onCancel: () => void }) {
  const [d, setD] = useState<Draft>(EMPTY);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();
  const set = (k: keyof Draft) => (v: string) => setD((x) => ({ ...x, [k]: v }));
  const e = errors.fields;

  function home(latKey: 'victim_lat' | 'aggressor_lat', lonKey: 'victim_lon' | 'aggressor_lon', local: Record<string, string>) {
    const lt = d[latKey].trim();
    const ln = d[lonKey].trim();
    if (!lt && !ln) return undefined;
    const lat = parseDecimal(lt);
    const lon = parseDecimal(ln);
    if (lat === null || lat < -90 || lat > 90) local[latKey] = 'Latitud inválida (por ejemplo -33,4489).';
    if (lon === null || lon < -180 || lon > 180) local[lonKey] = 'Longitud inválida (por ejemplo -70,6693).';
    return lat !== null && lon !== null ? { lat, lon } : undefined;
  }

  function submit() {
    const local: Record<string, string> = {};
    for (const k of ['label', 'victim_name', 'victim_phone', 'aggressor_name', 'aggressor_phone'] as const) if (!d[k].trim()) local[k] = 'Complete este dato.';
    if (!/^\d{5}$/.test(d.comuna_id)) local.comuna_id = 'Elija la comuna de la lista.';
    const min = Number(d.min_distance_m);
    if (!Number.isInteger(min) || min < 50 || min > 10000) local.min_distance_m = 'Entre 50 y 10.000 metros.';
    let approach: number | undefined;
    if (d.approach_m.trim()) {
      approach = Number(d.approach_m);
      if (!Number.isInteger(approach) || approach <= min || approach > 20000) local.approach_m = 'Mayor que la distancia mínima y hasta 20.000 metros.';
    }
    const dates: Record<string, string | undefined> = {};
    for (const k of ['starts_on', 'ends_on'] as const) {
      if (!d[k].trim()) continue;
      const iso = parseDateInput(d[k]);
      if (!iso) local[k] = 'Escriba la fecha como dd-mm-aaaa.';
      else dates[k] = `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
    }
    const victim_home = home('victim_lat', 'victim_lon', local);
    const aggressor_home = home('aggressor_lat', 'aggressor_lon', local);
    if (invalid(local, 'Revise los datos marcados.')) return;
    const body: Record<string, unknown> = {
      label: d.label.trim(),
      victim_name: d.victim_name.trim(),
      victim_phone: d.victim_phone.trim(),
      aggressor_name: d.aggressor_name.trim(),
      aggressor_phone: d.aggressor_phone.trim(),
      comuna_id: d.comuna_id,
      min_distance_m: min,
    };
    if (d.court.trim()) body.court = d.court.trim();
    if (approach !== undefined) body.approach_m = approach;
    if (dates.starts_on) body.starts_on = dates.starts_on;
    if (dates.ends_on) body.ends_on = dates.ends_on;
    if (victim_home) body.victim_home = victim_home;
    if (aggressor_home) body.aggressor_home = aggressor_home;
    void send(
      async () => {
        const r = await createOrder(body);
        navigate(`/monitoreo/ordenes/${r.order.id}?creada=1`);
      },
      (err) => {
        if (err instanceof ApiError && err.field) errors.show(err.message, { [fieldOf(err.field)]: err.message });
        else errors.fromError(err);
      },
    );
  }

  return (
    <form ref={formRef} class="card stack mon-order-form" onSubmit={onSubmit(submit)} noValidate aria-labelledby="new-order-h" data-testid="new-order">
      <h2 id="new-order-h">Nueva orden monitoreada</h2>
      <ErrorAlert error={errors.general} />
      <div class="mon-form-grid">
        <Field label="Nombre de la orden" name="label" value={d.label} onValue={set('label')} error={e.label} required hint="Por ejemplo: RIT F-1234-2026, Juzgado de Familia." />
        <Field label="Tribunal" name="court" value={d.court} onValue={set('court')} error={e.court} />
        <Field label="Nombre de la víctima" name="victim_name" value={d.victim_name} onValue={set('victim_name')} error={e.victim_name} required autocomplete="off" />
        <Field label="Teléfono de la víctima" name="victim_phone" type="tel" value={d.victim_phone} onValue={set('victim_phone')} error={e.victim_phone} required autocomplete="off" hint="+56 9 …" />
        <Field label="Nombre del agresor" name="aggressor_name" value={d.aggressor_name} onValue={set('aggressor_name')} error={e.aggressor_name} required autocomplete="off" />
        <Field label="Teléfono del agresor" name="aggressor_phone" type="tel" value={d.aggressor_phone} onValue={set('aggressor_phone')} error={e.aggressor_phone} required autocomplete="off" />
        <ComunaField name="comuna_id" label="Comuna de la víctima" value={d.comuna_id} onValue={set('comuna_id')} error={e.comuna_id} />
        <Field label="Distancia mínima (metros)" name="min_distance_m" inputMode="numeric" value={d.min_distance_m} onValue={set('min_distance_m')} error={e.min_distance_m} required hint="Entre 50 y 10.000." />
        <Field label="Distancia de aviso (metros)" name="approach_m" inputMode="numeric" value={d.approach_m} onValue={set('approach_m')} error={e.approach_m} hint="Opcional: avisa antes del quebrantamiento. Mayor que la mínima, hasta 20.000." />
        <DateField label="Desde" name="starts_on" value={d.starts_on} onValue={set('starts_on')} error={e.starts_on} />
        <DateField label="Hasta" name="ends_on" value={d.ends_on} onValue={set('ends_on')} error={e.ends_on} />
      </div>
      <fieldset class="fieldset mon-homes">
        <legend>Domicilios (opcional: permiten advertir órdenes que no pueden cumplirse)</legend>
        <div class="mon-form-grid">
          <Field label="Latitud del domicilio de la víctima" name="victim_lat" inputMode="decimal" value={d.victim_lat} onValue={set('victim_lat')} error={e.victim_lat} />
          <Field label="Longitud del domicilio de la víctima" name="victim_lon" inputMode="decimal" value={d.victim_lon} onValue={set('victim_lon')} error={e.victim_lon} />
          <Field label="Latitud del domicilio del agresor" name="aggressor_lat" inputMode="decimal" value={d.aggressor_lat} onValue={set('aggressor_lat')} error={e.aggressor_lat} />
          <Field label="Longitud del domicilio del agresor" name="aggressor_lon" inputMode="decimal" value={d.aggressor_lon} onValue={set('aggressor_lon')} error={e.aggressor_lon} />
        </div>
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          Crear orden
        </button>
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancelar
        </button>
      </div>
    </form>
  );
}
