// The ministry reviewer's PMG queue: filings waiting for the technical review, longest waiting
// first, with their round and days waiting; each leads to the service's review (PmgServicePage).
import { Badge, DataTable, PageHeader, useAsync } from '../app/ui';
import { getPmgQueue, stateTone } from './pmgFlow';
import './policy.css';

export default function PmgQueuePage() {
  const q = useAsync((signal) => getPmgQueue(signal), []);
  const rows = q.data ?? [];
  return (
    <section>
      <PageHeader
        title="Revisión técnica PMG"
        lead="Presentaciones de los servicios en espera de revisión: programas de trabajo, informes de avance e informes de cumplimiento, de la que más espera a la más reciente."
      />
      <DataTable
        loading={q.loading && !q.data}
        error={q.error}
        count={rows.length}
        empty="No hay presentaciones PMG en espera de revisión."
        caption="Presentaciones en espera"
        columns={['Servicio', 'Año', 'Presentación', 'Vuelta', 'Estado', 'Días en espera']}
        testId="pmg-queue"
      >
        {rows.map((r) => (
          <tr key={r.id} data-filing={r.id}>
            <th scope="row">
              <a href={`/politicas/pmg/servicios/${r.service_item_id}`}>{r.service_title}</a>
              {r.own_service && <span class="cell-sub">Servicio de su institución: no puede revisarlo</span>}
              {r.demo && <span class="cell-sub">Datos de demostración</span>}
            </th>
            <td>{r.year ?? '—'}</td>
            <td>{r.stage_name}</td>
            <td>
              {r.round} de {r.max_rounds}
            </td>
            <td>
              <Badge tone={stateTone(r.state)}>{r.state_name}</Badge>
            </td>
            <td class="num">{r.days_waiting.toLocaleString('es-CL')}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
