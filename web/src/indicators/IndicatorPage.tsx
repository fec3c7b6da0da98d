// One SEG indicator: its definition (numerator, denominator, unit, source, steward), the total
// series as a chart with its table, the disaggregated values and the status of each period.
import { formatNumber } from '../app/format';
import { Badge, ErrorAlert, Loading, Notice, PageHeader, useAsync } from '../app/ui';
import { Chart } from '../policy/Charts';
import { formatValue, SeriesTable, seriesDescription } from './CataloguePage';
import { disaggregationLabel, getIndicator, type Indicator } from './data';
import '../policy/policy.css';
import './indicators.css';

function SeriesChart({ ind }: { ind: Indicator }) {
  const totals = ind.values.filter((v) => v.disaggregation === '');
  const option = {
    color: ['#6b3fa0'],
    grid: { left: 8, right: 24, top: 24, bottom: 24, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatValue(ind, v) },
    xAxis: { type: 'category', data: totals.map((v) => v.period) },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v: number) => formatNumber(v, 1) } },
    series: [{ type: 'line', name: ind.name, data: totals.map((v) => v.value), symbolSize: 8, label: { show: true, formatter: (p: { value: number }) => formatNumber(p.value, ind.decimals) } }],
  };
  return (
    <Chart
      id="ind-series-chart"
      caption={`${ind.name}: serie total`}
      description={seriesDescription(ind, totals)}
      height={300}
      option={option}
      table={<SeriesTable ind={ind} values={totals} />}
    />
  );
}

export default function IndicatorPage({ indicatorId }: { indicatorId: string }) {
  const res = useAsync((signal) => getIndicator(indicatorId, signal), [indicatorId]);
  const ind = res.data;
  const disaggregated = (ind?.values ?? []).filter((v) => v.disaggregation !== '');
  const periods = [...new Set(disaggregated.map((v) => v.period))];
  const keys = [...new Set(disaggregated.map((v) => v.disaggregation))];
  return (
    <section>
      <PageHeader title={ind?.name ?? 'Indicador'} eyebrow="Sistema de Indicadores de Género" lead={ind?.definition} />
      <p>
        <a href="/indicadores/catalogo">← Catálogo</a>
      </p>
      <ErrorAlert error={res.error} />
      {res.loading && !ind && <Loading />}
      {ind && (
        <>
          {ind.status === 'retirado' && (
            <Notice kind="warning" title="Indicador retirado">
              Ya no forma parte del catálogo vigente; su serie se conserva.
            </Notice>
          )}
          {ind.modified_on && (
            <div class="ind-history" data-testid="ind-modified">
              <p>
                <strong>Definición modificada el {ind.modified_on}.</strong>
              </p>
              {(ind.history ?? []).length > 0 && (
                <details>
                  <summary>Definiciones anteriores</summary>
                  {(ind.history ?? []).map((h) => (
                    <dl key={h.version} class="ind-def">
                      <dt>Publicada el {h.published_on}</dt>
                      <dd>
                        {h.name}: {h.definition}
                      </dd>
                      <dd>
                        Numerador: {h.numerator}. Denominador: {h.denominator}. Unidad: {h.unit}. Fuente: {h.source}.
                      </dd>
                    </dl>
                  ))}
                </details>
              )}
            </div>
          )}
          <dl class="ind-def">
            <dt>Numerador</dt>
            <dd>{ind.numerator}</dd>
            <dt>Denominador</dt>
            <dd>{ind.denominator}</dd>
            <dt>Unidad y factor</dt>
            <dd>
              {ind.unit} (× {ind.factor}), {ind.decimals} decimal{ind.decimals === 1 ? '' : 'es'}
            </dd>
            <dt>Periodicidad</dt>
            <dd>{ind.periodicity}, desde {ind.first_year}</dd>
            <dt>Fuente</dt>
            <dd>{ind.source}</dd>
            <dt>Institución responsable</dt>
            <dd>{ind.steward.name}</dd>
            <dt>Desagregaciones</dt>
            <dd>{ind.disaggregations.length ? ind.disaggregations.map((d) => d.name).join(', ') : 'Solo total'}</dd>
            <dt>Origen de la serie</dt>
            <dd>
              {ind.origin_label} {ind.demo && <Badge tone="warn">Datos de demostración</Badge>}
            </dd>
          </dl>
          {ind.values.length ? <SeriesChart ind={ind} /> : <p>Aún no hay valores publicados.</p>}
          {keys.length > 0 && (
            <>
              <h2>Desagregaciones</h2>
              <div class="table-wrap">
                <table class="data-table" data-testid="ind-disaggregated">
                  <thead>
                    <tr>
                      <th scope="col">Desagregación</th>
                      {periods.map((p) => (
                        <th scope="col" key={p} class="num">
                          {p}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {keys.map((k) => (
                      <tr key={k}>
                        <th scope="row">{disaggregationLabel(k, ind.disaggregations)}</th>
                        {periods.map((p) => (
                          <td key={p} class="num">
                            {formatValue(ind, disaggregated.find((v) => v.period === p && v.disaggregation === k)?.value)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
          <h2>Períodos</h2>
          <div class="table-wrap">
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">Período</th>
                  <th scope="col">Plazo</th>
                  <th scope="col">Estado</th>
                </tr>
              </thead>
              <tbody>
                {(ind.periods ?? []).map((p) => (
                  <tr key={p.period}>
                    <th scope="row">{p.period}</th>
                    <td>{p.due_on}</td>
                    <td>{p.reported ? <Badge tone="ok">Publicado</Badge> : p.overdue ? <Badge tone="danger">Vencido</Badge> : <Badge>Pendiente</Badge>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
