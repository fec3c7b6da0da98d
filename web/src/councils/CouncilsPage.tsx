// Public page of the ministry's councils and intersectoral tables: the COSOC (Ley 20.500), the
// Consejo Asesor (Ley 20.820) and the mesas, national and regional, with their members in office,
// sessions and agreements (overdue ones counted). Anyone may read it; a body opens on its own page.
import { plural } from '../app/format';
import { useLocation } from '../app/router';
import { Badge, DataTable, ErrorAlert, FilterForm, PageHeader, QuerySelect, ResultSummary, useAsync } from '../app/ui';
import { getBodies, getVocabularies, options } from './data';
import './councils.css';

export default function CouncilsPage() {
  const { search } = useLocation();
  const kind = search.get('tipo') ?? '';
  const vocab = useAsync((_signal) => getVocabularies(), []);
  const list = useAsync((signal) => getBodies({ kind }, signal), [kind]);
  const items = list.data?.items ?? [];
  return (
    <section class="councils">
      <PageHeader
        title="Consejos y mesas"
        lead="Consejo de la Sociedad Civil (Ley 20.500), Consejo Asesor (Ley 20.820) y mesas intersectoriales del Ministerio: integrantes, sesiones con asistencia y quórum, actas publicadas y seguimiento de acuerdos."
      />
      <FilterForm label="Filtrar consejos y mesas">
        <QuerySelect label="Tipo" name="tipo" value={kind} placeholder="Todos" options={options(vocab.data?.kinds ?? [])} />
      </FilterForm>
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{plural(items.length, 'consejo o mesa', 'consejos y mesas')}</ResultSummary>
      <DataTable
        loading={list.loading && !list.data}
        error={list.error}
        count={items.length}
        empty="No hay consejos ni mesas registrados."
        caption="Consejos y mesas del Ministerio"
        columns={['Nombre', 'Alcance', 'Integrantes vigentes', 'Sesiones', 'Acuerdos abiertos', 'Acuerdos vencidos']}
        testId="councils-table"
      >
        {items.map((b) => (
          <tr key={b.id}>
            <th scope="row" data-label="Nombre">
              <a class="cell-main" href={`/consejos/${b.id}`}>
                {b.name}
              </a>
              <span class="cell-sub">
                {b.kind_name}
                {b.demo && (
                  <>
                    {' '}
                    <Badge tone="purple">Demostración</Badge>
                  </>
                )}
              </span>
            </th>
            <td data-label="Alcance">{b.region_id ? `Regional: ${b.region_name}` : 'Nacional'}</td>
            <td data-label="Integrantes vigentes">
              {b.active_members}
              {b.seats !== undefined && <span class="muted"> de {b.seats}</span>}
            </td>
            <td data-label="Sesiones">
              {b.sessions}
              {b.last_session && <span class="cell-sub">última: {b.last_session.label}</span>}
            </td>
            <td data-label="Acuerdos abiertos">{b.agreements_open}</td>
            <td data-label="Acuerdos vencidos">{b.agreements_overdue > 0 ? <Badge tone="danger">{b.agreements_overdue}</Badge> : '0'}</td>
          </tr>
        ))}
      </DataTable>
      {list.data && (
        <p class="muted small">
          Los registros marcados «Demostración» son datos generados a partir de la {list.data.source}; lo que la cuenta no dice (fechas exactas,
          asistencia, integrantes del COSOC) es ficticio.
        </p>
      )}
    </section>
  );
}
