// Charts of validated progress (ECharts, loaded on demand). Every chart is a <figure> with a
// caption and the same figures in a visible table, so nothing is told only by the drawing.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export const pct = (n: number) => `${n.toLocaleString('es-CL', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

type EChartsInit = typeof import('./echarts').init;
let loader: Promise<EChartsInit> | null = null;
const loadECharts = () => (loader ??= import('./echarts').then((m) => m.init));

const PURPLE = '#6b3fa0';
const PALETTE = [PURPLE, '#c0392b', '#1f7a8c', '#d68910', '#2e7d32', '#7f8c8d'];

export interface BarDatum {
  key: string;
  name: string;
  progress: number;
}

export interface Series {
  name: string;
  values: (number | null)[];
}

interface ChartProps {
  id: string;
  caption: string;
  description: string;
  height: number;
  option: Record<string, unknown>;
  onPick?: (index: number, seriesIndex: number) => void;
  table: ComponentChildren;
}

export function Chart({ id, caption, description, height, option, onPick, table }: ChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const pick = useRef(onPick);
  pick.current = onPick;
  useEffect(() => {
    let disposed = false;
    let chart: ReturnType<EChartsInit> | null = null;
    const resize = () => chart?.resize();
    loadECharts()
      .then((init) => {
        if (disposed || !el.current) return;
        chart = init(el.current, undefined, { renderer: 'svg' });
        chart.setOption({ aria: { enabled: true, label: { description } }, animation: false, ...option });
        chart.on('click', (p) => pick.current?.(p.dataIndex, p.seriesIndex ?? 0));
        window.addEventListener('resize', resize);
      })
      .catch(() => setFailed(true));
    return () => {
      disposed = true;
      window.removeEventListener('resize', resize);
      chart?.dispose();
    };
  }, [JSON.stringify(option), description]);
  return (
    <figure class="pol-chart" data-testid={id}>
      <figcaption>{caption}</figcaption>
      {!failed && <div ref={el} class="pol-chart-canvas" style={{ height: `${height}px` }} role="img" aria-label={description} />}
      <details class="pol-chart-data" open={failed}>
        <summary>Ver los datos del gráfico</summary>
        {table}
      </details>
    </figure>
  );
}

/** Horizontal bars, 0–100 %; clicking a bar calls onPick with its datum. */
export function ProgressBars(props: { id: string; caption: string; label: string; data: BarDatum[]; onPick?: (d: BarDatum) => void }) {
  const { data } = props;
  // ECharts draws the first category at the bottom; reverse so the table and chart read alike.
  const rows = [...data].reverse();
  const option = {
    grid: { left: 8, right: 56, top: 8, bottom: 24, containLabel: true },
    tooltip: { trigger: 'item', valueFormatter: (v: number) => pct(v) },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => `${v.toLocaleString('es-CL')} %` } },
    yAxis: {
      type: 'category',
      data: rows.map((d) => d.name),
      // On a phone the names take at most a third of the width, so the bars stay readable.
      axisLabel: { width: typeof window !== 'undefined' && window.innerWidth < 640 ? Math.round(window.innerWidth / 3) : 200, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        name: 'Avance validado',
        data: rows.map((d) => d.progress),
        itemStyle: { color: PURPLE },
        cursor: props.onPick ? 'pointer' : 'default',
        label: { show: true, position: 'right', formatter: (p: { value: number }) => pct(p.value) },
        barMaxWidth: 22,
      },
    ],
  };
  const description = `${props.caption}. ${data.map((d) => `${d.name}: ${pct(d.progress)}`).join('; ')}.`;
  return (
    <Chart
      id={props.id}
      caption={props.caption}
      description={description}
      height={Math.max(140, rows.length * 30 + 48)}
      option={option}
      onPick={props.onPick ? (i) => rows[i] && props.onPick!(rows[i]) : undefined}
      table={
        <table class="data-table">
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{props.label}</th>
              <th scope="col">Avance validado</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.key}>
                <th scope="row">{d.name}</th>
                <td class="num">{pct(d.progress)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/** Lines over the reporting periods, one per series; clicking a point calls onPick with the series index. */
export function ProgressLines(props: { id: string; caption: string; periods: string[]; series: Series[]; onPick?: (seriesIndex: number) => void }) {
  const option = {
    color: PALETTE,
    grid: { left: 8, right: 24, top: 48, bottom: 24, containLabel: true },
    legend: { type: 'scroll', top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v == null ? 'sin reporte' : pct(v)) },
    xAxis: { type: 'category', data: props.periods },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v: number) => `${v.toLocaleString('es-CL')} %` } },
    series: props.series.map((s) => ({ type: 'line', name: s.name, data: s.values, connectNulls: true, symbolSize: 8, cursor: 'pointer' })),
  };
  const description = `${props.caption}. ${props.series
    .map((s) => `${s.name}: ${props.periods.map((p, i) => (s.values[i] == null ? null : `${p} ${pct(s.values[i]!)}`)).filter(Boolean).join(', ') || 'sin reporte'}`)
    .join('; ')}.`;
  return (
    <Chart
      id={props.id}
      caption={props.caption}
      description={description}
      height={320}
      option={option}
      onPick={props.onPick ? (_i, s) => props.onPick!(s) : undefined}
      table={
        <div class="table-wrap">
          <table class="data-table">
            <caption class="visually-hidden">{props.caption}</caption>
            <thead>
              <tr>
                <th scope="col">Instrumento</th>
                {props.periods.map((p) => (
                  <th scope="col" key={p}>
                    {p}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.series.map((s) => (
                <tr key={s.name}>
                  <th scope="row">{s.name}</th>
                  {s.values.map((v, i) => (
                    <td class="num" key={i}>
                      {v == null ? 'sin reporte' : pct(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      }
    />
  );
}
