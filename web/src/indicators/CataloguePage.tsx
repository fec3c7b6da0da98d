// Public catalogue of the Sistema de Indicadores de Género (SEG): each indicator with its steward,
// periodicity and latest value, leading to its page with the full series.
import { formatNumber, formatPercent } from '../app/format';
import { Badge, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { getCatalogue, type Indicator } from './data';
import './indicators.css';

export function formatValue(i: Pick<Indicator, 'unit' | 'decimals'>, v: number | null | undefined): string {
  return i.unit === '%' ? formatPercent(v, i.decimals) : `${formatNumber(v ?? null, i.decimals)} ${i.unit}`;
}

export default function CataloguePage() {
  const list = useAsync((signal) => getCatalogue(signal), []);
  return (
    <section>
      <PageHeader
        title="Sistema de Indicadores de Género"
        eyebrow="Catálogo público"
        lead="Indicadores que la Subcomisión de Estadísticas de Género mantiene año a año: definición, fuente, institución responsable y serie."
      />
      <p>
        <a href="/indicadores">← Reporte de indicadores de género en las empresas</a>
      </p>
      <ErrorAlert error={list.error} />
      {list.loading && !list.data && <Loading />}
      <ul class="ind-cards" data-testid="ind-catalogue">
        {(list.data ?? []).map((i) => {
          const last = i.values[i.values.length - 1];
          return (
            <li key={i.id}>
              <h2>
                <a href={`/indicadores/catalogo/${i.id}`}>{i.name}</a>
              </h2>
              <p class="cell-sub">
                {i.code} · {i.periodicity} · {i.steward.name}
              </p>
              <p>
                <span class="ind-latest">{last ? formatValue(i, last.value) : 'sin datos'}</span> {last && <span>({last.period})</span>}
              </p>
              <p>
                <Badge tone={i.origin === 'platform' ? 'info' : 'neutral'}>{i.origin_label}</Badge> {i.demo && <Badge tone="warn">Demostración</Badge>}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
