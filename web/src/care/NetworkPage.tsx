// The network inside: every centre, shelter and CAVAS with its capacity and when each figure was
// last confirmed. Shelters show region and comuna, never their address.
import { setQuery, useLocation } from '../app/router';
import { Badge, DataTable, ErrorAlert, FilterForm, PageHeader, SelectField, useAsync } from '../app/ui';
import { getRegions } from '../territory/data';
import { getPlaces } from './data';
import './care.css';

export default function NetworkPage() {
  const { search } = useLocation();
  const kind = search.get('tipo') ?? 'casa';
  const region = search.get('region') ?? '';
  const regions = useAsync(() => getRegions(), []);
  const places = useAsync((signal) => getPlaces({ kind, region }, signal), [kind, region]);
  const items = places.data ?? [];
  return (
    <section class="care">
      <PageHeader title="Red de atención: directorio interno" lead="Cupos por tipo de unidad y hora de la última confirmación. La dirección de una casa solo la ve su equipo y quien deriva con ingreso aceptado." actions={<a class="btn btn-primary" href="/red/cupo">Buscar cupo</a>} />
      <FilterForm label="Filtrar la red">
        <SelectField label="Tipo" name="tipo" value={kind} options={[{ value: 'casa', label: 'Casas de Acogida' }, { value: 'centro', label: 'Centros de la Mujer' }, { value: 'cavas', label: 'CAVAS' }]} onValue={(v) => setQuery({ tipo: v })} />
        <SelectField label="Región" name="region" value={region} placeholder="Todas" options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))} onValue={(v) => setQuery({ region: v })} />
      </FilterForm>
      <ErrorAlert error={places.error} />
      <DataTable loading={places.loading} error={places.error} count={items.length} empty="Sin resultados." caption="Lugares de la red" columns={['Nombre', 'Región y comuna', 'Admite', 'Cupos']} testId="care-network">
        {items.map((p) => (
          <tr key={p.id}>
            <td data-label="Nombre">{p.name}<div class="muted">{p.kind_name} · {p.operator_name}</div>{p.stale && <Badge tone="danger">Sin confirmar</Badge>}</td>
            <td data-label="Región y comuna">{p.region_id} · {p.comuna}</td>
            <td data-label="Admite">{p.admission}</td>
            <td data-label="Cupos">
              <div class="units">
                {p.units.map((u) => (
                  <span key={u.unit_type} class={`unit-pill${u.stale ? ' stale' : ''}`} title={u.confirmed ? `Confirmado ${u.confirmed}` : 'Nunca confirmado'}>
                    {u.unit_type_name}: {u.available} disp. de {u.places}
                  </span>
                ))}
                {p.units.length === 0 && '—'}
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
