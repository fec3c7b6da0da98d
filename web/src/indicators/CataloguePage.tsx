// Public catalogue of the Sistema de Indicadores de Género (SEG): each indicator with its steward,
// periodicity and latest value, leading to its page with the full series.
import { formatNumber, formatPercent } from '../app/format';
import { Badge, ErrorAlert, Loading, PageHeader, useAsync } from '../app/ui';
import { Chart } from '../policy/Charts';
import { getCatalogue, type Indicator } from './data';
import '../policy/policy.css';
import './indicators.css';

export function formatValue(i: Pick<Indicator, 'unit' | 'decimals'>, v: number | null | undefined): string {
  return i.unit === '%' ? formatPercent(v, i.decimals) : `${formatNumber(v ?? null, i.decimals)} ${i.unit}`;
}

/** What a chart of `values` says, for screen readers. */
export function seriesDescription(ind: Indicator, values: { period: string; value: number }[]): string {
  return `${ind.name}. ${values.map((v) => `${v.period}: ${formatValue(ind, v.value)}`).join('; ')}.`;
}

/** The data behind a series chart: one row per period. */
export function SeriesTable({ ind, values }: { ind: Indicator; values: { period: string; value: number }[] }) {
  return (
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">Período</th>
          <th scope="col" class="num">
            Valor
          </th>
        </tr>
      </thead>
      <tbody>
        {values.map((v) => (
          <tr key={v.period}>
            <th scope="row">{v.period}</th>
            <td class="num">{formatValue(ind, v.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The total series of one indicator, small, on its card (the data behind it in a table too). */
function CardChart({ ind }: { ind: Indicator }) {
  const option = {
    color: ['#6b3fa0'],
    grid: { left: 4, right: 12, top: 12, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatValue(ind, v) },
    xAxis: { type: 'category', data: ind.values.map((v) => v.period), axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', scale: true, splitNumber: 3, axisLabel: { fontSize: 10, formatter: (v: number) => formatNumber(v, ind.decimals) } },
    series: [{ type: 'line', name: ind.name, data: ind.values.map((v) => v.value), symbolSize: 5 }],
  };
  return (
    <div class="ind-card-chart">
      <Chart
        id={`ind-card-chart-${ind.code}`}
        caption={`Serie ${ind.periodicity}`}
        description={seriesDescription(ind, ind.values)}
        height={140}
        option={option}
        table={<SeriesTable ind={ind} values={ind.values} />}
      />
    </div>
  );
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
              {i.values.length > 1 && <CardChart ind={i} />}
              {i.modified_on && <p class="cell-sub">Definición modificada el {i.modified_on}</p>}
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
