// The SEG catalogue editor's list: the indicators my institution stewards (all of them for the
// Ministry's analyst), every status, each leading to its form (EditorPage).
import { Badge, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { getEditorList, PERIODICITY_LABEL, STATUS_LABEL, type IndicatorStatus } from './data';
import './indicators.css';

const STATUS_TONE: Record<IndicatorStatus, 'neutral' | 'ok' | 'warn'> = { borrador: 'neutral', publicado: 'ok', retirado: 'warn' };

export default function EditorListPage() {
  const list = useAsync((signal) => getEditorList(signal), []);
  return (
    <section>
      <PageHeader
        title="Editor del catálogo"
        eyebrow="Sistema de Indicadores de Género"
        lead="Defina los indicadores que su institución informa: definición, numerador y denominador, periodicidad, desagregaciones y estado. El catálogo público muestra solo los publicados."
      />
      <p>
        <a class="btn btn-primary" href="/indicadores/editor/nuevo">
          Nuevo indicador
        </a>
      </p>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <div class="table-wrap">
          <table class="data-table" data-testid="editor-list">
            <thead>
              <tr>
                <th scope="col">Indicador</th>
                <th scope="col">Estado</th>
                <th scope="col">Periodicidad</th>
                <th scope="col">Institución responsable</th>
                <th scope="col" class="num">
                  Valores
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((i) => (
                <tr key={i.id}>
                  <th scope="row">
                    <a href={`/indicadores/editor/${i.id}`}>{i.name}</a>
                    <div class="cell-sub">
                      {i.code} · versión {i.version}
                      {i.modified_on ? ` · definición modificada el ${i.modified_on}` : ''}
                    </div>
                  </th>
                  <td>
                    <Badge tone={STATUS_TONE[i.status]}>{STATUS_LABEL[i.status]}</Badge>
                  </td>
                  <td>{PERIODICITY_LABEL[i.periodicity] ?? i.periodicity}</td>
                  <td>{i.steward.name}</td>
                  <td class="num">{i.values}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
