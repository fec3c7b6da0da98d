// A focal point's pending reports: the commitments of their institution with open periods.
import { Badge, DataTable, PageHeader, useAsync } from '../app/ui';
import { getMine, reportsCsvUrl, reportsXlsxUrl } from './data';
import './policy.css';

export default function MyReportsPage() {
  const d = useAsync((signal) => getMine(signal), []);
  const rows = d.data ?? [];
  return (
    <section>
      <PageHeader
        title="Mis reportes"
        lead="Compromisos de su institución y el estado de su reporte en cada período abierto o con reporte."
        actions={
          <>
            <a class="btn btn-secondary btn-sm" href={reportsCsvUrl()} download data-external="">
              Reportes de mi institución (CSV)
            </a>
            <a class="btn btn-secondary btn-sm" href={reportsXlsxUrl()} download data-external="">
              Reportes de mi institución (XLSX)
            </a>
          </>
        }
      />
      <DataTable
        loading={d.loading && !d.data}
        error={d.error}
        count={rows.length}
        empty="Su institución no tiene compromisos por reportar."
        caption="Compromisos por reportar"
        columns={['Compromiso', 'Período', 'Plazo', 'Estado']}
        testId="my-reports"
      >
        {rows.map((r) => (
          <tr key={`${r.item_id}-${r.period.id}`}>
            <th scope="row">
              <a href={`/politicas/items/${r.item_id}`}>{r.item_title}</a>
              <span class="cell-sub">{r.instrument_name}</span>
            </th>
            <td>{r.period.label}</td>
            <td>
              {r.period.closes_on} <span class="cell-sub">{r.period.state_name}</span>
            </td>
            <td>
              <Badge tone={r.report_state === 'validado' ? 'ok' : r.report_state === 'devuelto' ? 'danger' : r.report_state ? 'info' : 'warn'}>{r.report_state_name}</Badge>
              {r.review_comments && <span class="cell-sub">{r.review_comments}</span>}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
