// The studies staff's list (/estudios/gestion, permission studies.edit): every study of the
// ministry, drafts included, by status; each opens in the editor (/estudios/gestion/:id).
import { countOf } from '../app/hooks';
import { useLocation } from '../app/router';
import { Badge, DataTable, ErrorAlert, PageHeader, QuerySelect, FilterForm, ResultSummary, useAsync } from '../app/ui';
import { getEditorList, statusTone } from './data';
import './studies.css';

export default function EditorListPage() {
  const { search } = useLocation();
  const status = search.get('estado') ?? '';
  const list = useAsync((signal) => getEditorList(status, signal), [status]);
  const items = list.data?.items ?? [];
  const by = list.data?.by_status ?? {};
  return (
    <section class="studies">
      <PageHeader
        eyebrow="Estudios y encuestas"
        title="Edición de estudios"
        lead="Registre estudios y encuestas con sus hallazgos, metodología, contrapartes y archivos. Un borrador no es público; al publicarlo aparece en el catálogo, y cada cambio posterior queda registrado con su motivo."
        actions={
          <a class="btn btn-primary" href="/estudios/gestion/nuevo">
            Nuevo estudio
          </a>
        }
      />
      <FilterForm label="Filtrar estudios por estado">
        <QuerySelect label="Estado" name="estado" value={status} placeholder="Todos"
          options={(list.data?.vocabularies.statuses ?? []).map((s) => ({ value: s.id, label: `${s.name} (${by[s.id] ?? 0})` }))} />
      </FilterForm>
      <ErrorAlert error={list.error} />
      <ResultSummary loading={list.loading}>{countOf(items, 'estudio', 'estudios')}</ResultSummary>
      <DataTable loading={list.loading && !list.data} error={list.error} count={items.length} empty="No hay estudios con ese estado."
        caption="Estudios del Ministerio" columns={['Estudio', 'Tipo y año', 'Estado', 'Hallazgos', 'Actualizado']} testId="studies-editor">
        {items.map((s) => (
          <tr key={s.id}>
            <th scope="row" data-label="Estudio">
              <a class="cell-main" href={`/estudios/gestion/${s.id}`}>
                {s.title}
              </a>
              <span class="cell-sub muted small">
                {s.partners.join(', ')} {s.demo && <Badge tone="purple">Demostración</Badge>}
              </span>
            </th>
            <td data-label="Tipo y año">
              {s.kind.name}, {s.year}
            </td>
            <td data-label="Estado">
              <Badge tone={statusTone(s.status.id)}>{s.status.name}</Badge> {s.version > 1 && <span class="muted small">v{s.version}</span>}
            </td>
            <td data-label="Hallazgos">{s.findings.length}</td>
            <td data-label="Actualizado" class="nowrap">
              {s.updated_on}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
