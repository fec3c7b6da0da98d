// Public directory of the network of care: Centros de la Mujer and CAVAS by comuna and service.
// Shelters are never listed: one reaches them through a centre or the 1455 line.
import { useState } from 'preact/hooks';
import { setQuery, useLocation } from '../app/router';
import { Badge, DataTable, ErrorAlert, FilterForm, Notice, PageHeader, SelectField, useAsync } from '../app/ui';
import { ComunaField } from '../app/widgets/ComunaField';
import { getRegions } from '../territory/data';
import { getDirectory, termLabel } from './data';
import './care.css';

export default function DirectoryPage() {
  const { search } = useLocation();
  const [comuna, setComuna] = useState(search.get('comuna') ?? '');
  const region = search.get('region') ?? '';
  const service = search.get('servicio') ?? '';
  const regions = useAsync(() => getRegions(), []);
  const code = /^\d{5}$/.test(comuna) ? comuna : '';
  const dir = useAsync((signal) => getDirectory({ comuna: code, region, service }, signal), [code, region, service]);
  const items = dir.data?.items ?? [];

  return (
    <section class="care">
      <PageHeader
        title="Red de atención"
        lead="Centros de la Mujer y Centros de Atención y Reparación en Violencia Sexual (CAVAS): dónde están, qué ofrecen, horarios y teléfonos. La atención es gratuita."
      />
      <Notice kind="info" title="¿Necesita un lugar seguro?">
        {dir.data?.note ?? 'Las Casas de Acogida no se publican.'} Llame al <a href="tel:1455">1455</a> (gratuito, todos los días).
      </Notice>
      <FilterForm label="Buscar en la red">
        <SelectField
          label="Región"
          name="region"
          value={region}
          placeholder="Todas"
          options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
          onValue={(v) => setQuery({ region: v })}
        />
        <ComunaField
          label="Comuna"
          name="comuna"
          value={comuna}
          onValue={(v) => {
            setComuna(v);
            if (/^\d{5}$/.test(v) || !v) setQuery({ comuna: v });
          }}
        />
        <SelectField
          label="Servicio"
          name="servicio"
          value={service}
          placeholder="Todos"
          options={(dir.data?.services ?? []).map((s) => ({ value: s.id, label: termLabel(s) }))}
          onValue={(v) => setQuery({ servicio: v })}
        />
      </FilterForm>
      <ErrorAlert error={dir.error} />
      <DataTable loading={dir.loading} error={dir.error} count={items.length} empty="No hay centros con esos filtros." caption="Centros de la red" columns={['Centro', 'Comuna', 'Servicios', 'Horario y teléfono', 'Ingreso']} testId="care-directory">
        {items.map((p) => (
          <tr key={p.id}>
            <td data-label="Centro">
              <strong>{p.name}</strong>
              <div class="muted">{p.kind_name} · {p.operator_name}</div>
              {p.accessible && <Badge tone="info">Accesible</Badge>} {p.demo && <Badge tone="neutral" title="Datos generados para la demostración">Demostración</Badge>}
            </td>
            <td data-label="Comuna">
              {p.comuna}
              <div class="muted">{p.address}</div>
            </td>
            <td data-label="Servicios">{p.services.map((s) => s.name).join(', ')}</td>
            <td data-label="Horario y teléfono">
              {p.hours}
              <div>
                <a href={`tel:${p.phone.replace(/\s/g, '')}`}>{p.phone}</a>
              </div>
              <div class="muted">Idiomas: {p.languages.join(', ')}</div>
            </td>
            <td data-label="Ingreso">{p.admission}</td>
          </tr>
        ))}
      </DataTable>
      <p class="muted">
        Datos abiertos: <a href="/api/v1/care/hsds" data-external="">directorio en formato Open Referral HSDS (JSON)</a>.
      </p>
    </section>
  );
}
