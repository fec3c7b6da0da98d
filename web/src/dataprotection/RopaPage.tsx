// The record of processing activities (registro de actividades de tratamiento, Ley 21.719),
// generated from every module's contract: the personal data each one keeps and how it is protected.
import { DataTable, ErrorAlert, Notice, PageHeader, useAsync } from '../app/ui';
import { getRopa } from './data';
import './dataprotection.css';

export default function RopaPage() {
  const res = useAsync((signal) => getRopa(signal), []);
  const acts = res.data?.activities ?? [];
  const rows = acts.flatMap((a) => a.fields.map((f) => ({ module: a.module, ...f })));
  return (
    <section class="dataprotection">
      <PageHeader title="Registro de actividades de tratamiento" eyebrow="Protección de datos · Ley 21.719"
        lead={res.data ? `${res.data.controller}. ${res.data.source}.` : undefined}
        actions={<a class="btn btn-secondary" href="/datos-personales/solicitudes">Solicitudes de derechos</a>} />
      <ErrorAlert error={res.error} />
      {res.data && !res.data.retention_declared && <Notice kind="warning" title="Plazos de conservación">{res.data.retention_note}</Notice>}
      {res.data && res.data.retention.length > 0 && (
        <>
          <h2>Plazos de conservación</h2>
          <ul data-testid="dp-retention">
            {res.data.retention.map((r) => (
              <li key={`${r.module}/${r.kind}`}>
                <strong>{r.data}</strong>: {r.days} días {r.counted_from}. {r.basis}.{r.keeps && <> Se conservan además {r.keeps}.</>}
              </li>
            ))}
          </ul>
          <p>
            <a href="/datos-personales/conservacion">Ver lo vencido hoy y las purgas</a>
          </p>
        </>
      )}
      <DataTable loading={res.loading} error={res.error} count={rows.length} caption="Datos personales por módulo" testId="dp-ropa" empty="Ningún módulo declara datos personales."
        columns={['Módulo', 'Datos', 'Tabla y columna', 'Protección']}>
        {rows.map((r) => (
          <tr key={`${r.table}.${r.column}`}>
            <td data-label="Módulo">{r.module}</td>
            <td data-label="Datos">{r.what}</td>
            <td data-label="Tabla y columna">
              <code>
                {r.table}.{r.column}
              </code>
            </td>
            <td data-label="Protección">{r.protection}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
