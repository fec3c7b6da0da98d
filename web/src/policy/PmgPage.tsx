// Public summary of the PMG gender indicator: per year, the services by level (central / regional)
// and outcome, the measures chosen, commitments per service, year over year, and the technical
// assistance log. Every number is counted from the instrument's public tree (the same records the
// seed check counts on the server), each row leading to the records behind it.
import { DataTable, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { DeclaredList, DemoBadge } from './common';
import { getAssistance, getInstrument, getInstruments, type Item } from './data';
import { getPmgWorkflow } from './pmgFlow';
import './policy.css';

const fmt = (n: number) => n.toLocaleString('es-CL');
const STAGES = [['programa', 'Programa de trabajo'], ['avance', 'Informe de avance'], ['cumplimiento', 'Informe de cumplimiento']] as const;
const dec1 = (n: number) => n.toLocaleString('es-CL', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

interface YearSummary {
  year: Item;
  services: Item[];
  central: number;
  regional: number;
  cumple: number;
  noCumple: number;
  pending: number;
  commitments: number;
  measures: Map<string, { title: string; services: number }>;
}

/** One year's figures from the tree: services are the year's children, measures theirs, commitments the measures' children. */
export function summarise(items: Item[]): YearSummary[] {
  const kids = new Map<number, Item[]>();
  for (const i of items) if (i.parent_id != null) kids.set(i.parent_id, [...(kids.get(i.parent_id) ?? []), i]);
  return items
    .filter((i) => i.parent_id == null && i.level === 'meta')
    .map((year) => {
      const services = kids.get(year.id) ?? [];
      const measures = new Map<string, { title: string; services: number }>();
      let commitments = 0;
      for (const s of services)
        for (const m of kids.get(s.id) ?? []) {
          const key = m.code ?? m.title;
          const seen = measures.get(key) ?? { title: m.title, services: 0 };
          seen.services += 1;
          measures.set(key, seen);
          commitments += (kids.get(m.id) ?? []).filter((c) => c.level === 'accion').length;
        }
      return {
        year,
        services,
        central: services.filter((s) => !s.region_id).length,
        regional: services.filter((s) => !!s.region_id).length,
        cumple: services.filter((s) => s.status === 'cumplido').length,
        noCumple: services.filter((s) => s.status === 'no_cumplido').length,
        pending: services.filter((s) => s.status !== 'cumplido' && s.status !== 'no_cumplido').length,
        commitments,
        measures,
      };
    });
}

export default function PmgPage() {
  const data = useAsync(async (signal) => {
    const all = await getInstruments(signal);
    const pmg = all.find((i) => i.code === 'pmg-genero');
    if (!pmg) return null;
    const [detail, assistance, workflow] = await Promise.all([getInstrument(String(pmg.id), signal), getAssistance(pmg.id, signal), getPmgWorkflow(pmg.id, signal)]);
    return { detail, assistance, workflow, years: summarise(detail.items) };
  }, []);
  if (data.loading && !data.data) return <Loading />;
  const d = data.data;
  return (
    <section>
      <PageHeader
        title="Indicador de género del PMG"
        lead="Servicios públicos que comprometen el indicador de género del Programa de Mejoramiento de la Gestión: nivel, resultado, medidas y compromisos, año a año."
      />
      <ErrorAlert error={data.error} />
      {d === null && <p>No hay un instrumento PMG registrado.</p>}
      {d && (
        <>
          {d.detail.demo_data && (
            <p>
              <DemoBadge /> Servicios de la lista de referencia; medidas, reportes y resultados generados para la demostración.
            </p>
          )}
          <div class="pol-table-scroll">
            <DataTable
              loading={false}
              error={null}
              count={d.years.length}
              empty="Sin años registrados."
              caption="Servicios por nivel y resultado, año a año"
              columns={['Año', 'Servicios', 'Nivel central', 'Nivel regional', 'Cumple', 'No cumple', 'Sin resultado', 'Aprobados', 'Compromisos', 'Por servicio']}
              testId="pmg-years"
            >
              {d.years.map((y) => (
                <tr key={y.year.id}>
                  <th scope="row">
                    <a href={`/politicas/items/${y.year.id}`}>{y.year.code}</a>
                  </th>
                  <td data-label="Servicios">{fmt(y.services.length)}</td>
                  <td data-label="Nivel central">{fmt(y.central)}</td>
                  <td data-label="Nivel regional">{fmt(y.regional)}</td>
                  <td data-label="Cumple">{fmt(y.cumple)}</td>
                  <td data-label="No cumple">{fmt(y.noCumple)}</td>
                  <td data-label="Sin resultado">{fmt(y.pending)}</td>
                  <td data-label="Aprobados">{y.services.length ? `${dec1((100 * y.cumple) / y.services.length)} %` : '—'}</td>
                  <td data-label="Compromisos">{fmt(y.commitments)}</td>
                  <td data-label="Por servicio">{y.services.length && y.commitments ? dec1(y.commitments / y.services.length) : '—'}</td>
                </tr>
              ))}
            </DataTable>
          </div>
          {d.years.map((y) => (
            <details key={y.year.id} class="pol-method">
              <summary>
                Medidas elegidas en {y.year.code} ({fmt(y.measures.size)} medidas)
              </summary>
              <ul>
                {[...y.measures.entries()]
                  .sort((a, b) => a[0].localeCompare(b[0]))
                  .map(([code, m]) => (
                    <li key={code}>
                      {code} · {m.title}: <strong>{fmt(m.services)}</strong> servicios
                    </li>
                  ))}
              </ul>
            </details>
          ))}
          <DeclaredList items={d.detail.declared} demo={d.detail.demo_data} />
          <h2>Revisión técnica del Ministerio</h2>
          <p class="muted">
            Presentaciones de los servicios por etapa y estado de la revisión (aprobadas, rechazadas, observadas o en espera).
            {d.workflow.demo && ' Datos de demostración.'}
          </p>
          <div class="pol-table-scroll">
            <DataTable
              loading={false}
              error={null}
              count={d.workflow.years.length}
              empty="Sin presentaciones registradas."
              caption="Presentaciones PMG por año y etapa"
              columns={['Año', 'Etapa', 'Aprobadas', 'Rechazadas', 'Observadas', 'En espera o en revisión']}
              testId="pmg-workflow"
            >
              {d.workflow.years.flatMap((y) =>
                STAGES.map(([stage, name]) => {
                  const c = y.stages[stage] ?? {};
                  const waiting = (c.enviado ?? 0) + (c.en_revision ?? 0) + (c.corregido ?? 0);
                  return (
                    <tr key={`${y.year}-${stage}`}>
                      <th scope="row">{y.year}</th>
                      <td data-label="Etapa">{name}</td>
                      <td data-label="Aprobadas" class="num">{fmt(c.aprobado ?? 0)}</td>
                      <td data-label="Rechazadas" class="num">{fmt(c.rechazado ?? 0)}</td>
                      <td data-label="Observadas" class="num">{fmt(c.observado ?? 0)}</td>
                      <td data-label="En espera o en revisión" class="num">{fmt(waiting)}</td>
                    </tr>
                  );
                }),
              )}
            </DataTable>
          </div>
          <h2>Asistencia técnica</h2>
          <div class="pol-table-scroll">
            <DataTable
              loading={false}
              error={null}
              count={d.assistance.length}
              empty="Sin sesiones registradas."
              caption={`Reuniones, talleres y jornadas de asistencia técnica (${fmt(d.assistance.length)})`}
              columns={['Fecha', 'Tipo', 'Tema', 'Participantes']}
              testId="pmg-assistance"
            >
              {d.assistance.map((a) => (
                <tr key={a.id}>
                  <td data-label="Fecha">{a.held_on}</td>
                  <td data-label="Tipo">{a.kind_name}</td>
                  <th scope="row">
                    {a.topic} {a.illustrative && <span class="cell-sub">(ilustrativa)</span>}
                  </th>
                  <td data-label="Participantes">{a.participants}</td>
                </tr>
              ))}
            </DataTable>
          </div>
        </>
      )}
    </section>
  );
}
