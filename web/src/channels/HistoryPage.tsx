// Estadística de los canales en el tiempo (/canales/historial, channels.statistics: 1455
// supervisors and the ministry's analysts): contacts by channel and month (SVG chart), yearly
// totals with their variation, each channel's first year, the Cuenta Pública's figures beside the
// computed ones, and the year's breakdown by region (cells under 5 hidden) and outcome. Every
// figure is counted by the server from records; CSV and XLSX downloads of each table.
import './channels.css';
import { useEffect, useState } from 'preact/hooks';
import { formatNumber, formatPercent } from '../app/format';
import { ErrorAlert, Loading, Notice, PageHeader, SelectField, useAsync } from '../app/ui';
import { CHANNEL_COLOURS, getHistory, historyTableUrl, monthLabel, type ChannelCounts, type HistoryStatistics, type Years } from './history';

export default function HistoryPage() {
  const [years, setYears] = useState<Years>({});
  const [tick, setTick] = useState(0);
  const stats = useAsync((signal) => getHistory(years, signal), [years, tick]);
  const s = stats.data;
  // The demo history is written beside the server's start: ask again until it is there.
  useEffect(() => {
    if (s?.status !== 'computing') return undefined;
    const t = setTimeout(() => setTick((n) => n + 1), 2000);
    return () => clearTimeout(t);
  }, [s, tick]);
  const shown: Years = s ? { from: s.from_year, to: s.to_year, year: s.year } : years;
  return (
    <section class="channels channels-history">
      <PageHeader
        title="Estadística de los canales de ayuda"
        lead="Contactos del Fono 1455, el chat silencioso, WhatsApp y «Mascarilla 19» por mes, región y resultado, contados desde los registros."
      />
      <ErrorAlert error={stats.error} />
      {s?.demo && (
        <Notice kind="warning" title="Datos de demostración">
          Historial sintético de contactos 2019–2021, generado para esta demostración. Las cifras se calculan contando sus registros; se
          comparan abajo con las de la Cuenta Pública 2020–2021.
        </Notice>
      )}
      {s?.status === 'computing' && (
        <Notice title="Calculando el historial de demostración">
          El servidor está escribiendo el historial de demostración (unos segundos). Esta página se actualizará sola.
        </Notice>
      )}
      {stats.loading && !s && <Loading />}
      {s && <YearsForm s={s} onYears={setYears} />}
      {s?.status === 'ready' && <Ready s={s} shown={shown} />}
    </section>
  );
}

function YearsForm({ s, onYears }: { s: HistoryStatistics; onYears: (y: Years) => void }) {
  const [from, setFrom] = useState(String(s.from_year));
  const [to, setTo] = useState(String(s.to_year));
  const [year, setYear] = useState(String(s.year));
  const now = new Date().getFullYear();
  const options = Array.from({ length: now - 2015 + 1 }, (_, i) => String(2015 + i)).map((y) => ({ value: y, label: y }));
  return (
    <form
      class="channels-presence"
      onSubmit={(e) => {
        e.preventDefault();
        onYears({ from: Number(from), to: Number(to), year: Number(year) });
      }}
    >
      <SelectField label="Desde" name="from" value={from} onValue={setFrom} options={options} />
      <SelectField label="Hasta" name="to" value={to} onValue={setTo} options={options} />
      <SelectField label="Año del detalle" name="year" value={year} onValue={setYear} options={options} />
      <button type="submit" class="btn btn-secondary">Ver</button>
    </form>
  );
}

function Ready({ s, shown }: { s: HistoryStatistics; shown: Years }) {
  const channels = s.channels ?? [];
  const focus = s.years?.find((y) => y.year === s.year);
  return (
    <>
      <h2>{`Contactos en ${s.year}`}</h2>
      <div class="channels-kpis" data-testid="history-kpis">
        {channels.map((c) => {
          const v = s.variation?.find((x) => x.channel === c.id && x.year === s.year);
          return (
            <div key={c.id}>
              <strong>{formatNumber(focus?.counts[c.id] ?? 0)}</strong>
              {c.name}
              {v && v.pct !== null && <span class="muted small"> · {signed(v.pct)} respecto de {s.year - 1}</span>}
            </div>
          );
        })}
      </div>

      <h2>Contactos por mes y canal</h2>
      <MonthChart s={s} />
      <Downloads view="meses" shown={shown} />

      <h2>Cifras de la Cuenta Pública y las calculadas</h2>
      <div class="table-wrap card">
        <table class="data-table" data-testid="seed-table">
          <caption>Cuenta Pública 2020–2021, Plan de Emergencia COVID-19, frente a lo que cuenta la plataforma</caption>
          <thead>
            <tr><th scope="col">Cifra</th><th scope="col">Cuenta Pública</th><th scope="col">Calculada</th><th scope="col">Coincide</th></tr>
          </thead>
          <tbody>
            {(s.seed ?? []).map((f) => (
              <tr key={f.key}>
                <td>{f.what}</td>
                <td>{f.percent ? formatPercent(f.seed) : formatNumber(f.seed)}</td>
                <td>{f.computed === null ? '—' : f.percent ? formatPercent(f.computed) : formatNumber(f.computed)}</td>
                <td>{f.agrees ? '✓ Sí' : 'No'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Por año</h2>
      <div class="table-wrap card">
        <table class="data-table">
          <thead>
            <tr><th scope="col">Año</th>{channels.map((c) => <th scope="col" key={c.id}>{c.name}</th>)}<th scope="col">Total</th></tr>
          </thead>
          <tbody>
            {(s.years ?? []).map((y) => (
              <tr key={y.year}>
                <th scope="row">{y.year}</th>
                {channels.map((c) => {
                  const v = s.variation?.find((x) => x.channel === c.id && x.year === y.year);
                  return (
                    <td key={c.id}>
                      {formatNumber(y.counts[c.id] ?? 0)}
                      {v && v.pct !== null && <div class="muted small" title={v.period}>{signed(v.pct)}</div>}
                    </td>
                  );
                })}
                <td>{formatNumber(y.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(s.variation ?? []).filter((v) => v.pct !== null && v.period.startsWith('enero a')).slice(0, 1).map((v) => (
        <p class="muted" key="partial">{`La variación de ${v.year} compara ${v.period}.`}</p>
      ))}

      <h2>Primer año de cada canal</h2>
      <div class="table-wrap card">
        <table class="data-table">
          <thead>
            <tr><th scope="col">Canal</th><th scope="col">Primer contacto registrado</th><th scope="col">Contactos en su primer año</th><th scope="col">Mes peak</th></tr>
          </thead>
          <tbody>
            {(s.first_years ?? []).map((f) => (
              <tr key={f.channel}>
                <td>{f.name}</td>
                <td>{f.since}</td>
                <td>{formatNumber(f.total)}</td>
                <td>{f.peak_month ? `${monthLabel(f.peak_month)} (${formatNumber(f.peak)})` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{`Variación mensual del Fono 1455 en ${s.year}`}</h2>
      <div class="table-wrap card">
        <table class="data-table">
          <thead>
            <tr><th scope="col">Mes</th><th scope="col">{s.year - 1}</th><th scope="col">{s.year}</th><th scope="col">Variación</th></tr>
          </thead>
          <tbody>
            {(s.monthly_variation ?? []).filter((m) => m.channel === 'phone').map((m) => (
              <tr key={m.month}>
                <td>{m.label}</td>
                <td>{formatNumber(m.previous)}</td>
                <td>{formatNumber(m.current)}</td>
                <td>{m.pct === null ? '—' : signed(m.pct)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{`Por región en ${s.year}`}</h2>
      <BreakdownTable rows={s.regions ?? []} channels={channels} first="Región" />
      <p class="muted">{`Las celdas con menos de ${s.small_cell ?? 5} contactos se muestran como «<${s.small_cell ?? 5}» para no identificar a nadie.`}</p>
      <Downloads view="regiones" shown={shown} />

      <h2>{`Por resultado en ${s.year}`}</h2>
      <BreakdownTable rows={s.outcomes ?? []} channels={channels} first="Resultado" />
      <p class="muted">«Mascarilla 19» cuenta solicitudes en farmacias; su resultado se sigue en el módulo de farmacias.</p>
      <Downloads view="resultados" shown={shown} />
    </>
  );
}

const signed = (pct: number) => `${pct > 0 ? '+' : ''}${formatPercent(pct)}`;
const cell = (n: number | null | undefined) => (n === null ? '<5' : formatNumber(n ?? 0));

function BreakdownTable(props: { rows: { id: string; name: string; counts: ChannelCounts; total: number | null }[]; channels: { id: string; name: string }[]; first: string }) {
  return (
    <div class="table-wrap card">
      <table class="data-table">
        <thead>
          <tr><th scope="col">{props.first}</th>{props.channels.map((c) => <th scope="col" key={c.id}>{c.name}</th>)}<th scope="col">Total</th></tr>
        </thead>
        <tbody>
          {props.rows.length === 0 && <tr><td colSpan={props.channels.length + 2}>Sin contactos en el año.</td></tr>}
          {props.rows.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              {props.channels.map((c) => <td key={c.id}>{cell(r.counts[c.id])}</td>)}
              <td>{cell(r.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Downloads({ view, shown }: { view: string; shown: Years }) {
  return (
    <p class="channels-downloads">
      Descargar:{' '}
      <a class="btn btn-ghost btn-sm" href={historyTableUrl(view, 'csv', shown)} download data-external="" data-testid={`csv-${view}`}>CSV</a>{' '}
      <a class="btn btn-ghost btn-sm" href={historyTableUrl(view, 'xlsx', shown)} download data-external="" data-testid={`xlsx-${view}`}>XLSX</a>
    </p>
  );
}

// Stacked monthly bars, one colour per channel; each bar names its month and counts on hover.
function MonthChart({ s }: { s: HistoryStatistics }) {
  const months = s.months ?? [];
  const channels = s.channels ?? [];
  if (months.length === 0) return <p>Sin datos.</p>;
  const w = 900, h = 260, left = 56, bottom = 28;
  const max = Math.max(1, ...months.map((m) => m.total));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const bw = (w - left) / months.length;
  const y = (v: number) => h - bottom - (v / top) * (h - bottom - 8);
  return (
    <figure class="channels-chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Contactos por mes y canal, ${monthLabel(months[0]!.month)} a ${monthLabel(months[months.length - 1]!.month)}`} data-testid="month-chart">
        {Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step).map((v) => (
          <g key={v}>
            <line x1={left} x2={w} y1={y(v)} y2={y(v)} stroke="#e3dfe8" />
            <text x={left - 6} y={y(v) + 4} text-anchor="end" font-size="11" fill="#555">{formatNumber(v)}</text>
          </g>
        ))}
        {months.map((m, i) => {
          let base = 0;
          return (
            <g key={m.month}>
              {channels.map((c) => {
                const n = m.counts[c.id] ?? 0;
                if (!n) return null;
                const y0 = y(base), y1 = y(base + n);
                base += n;
                return (
                  <rect key={c.id} x={left + i * bw + 1} y={y1} width={Math.max(1, bw - 2)} height={Math.max(0.5, y0 - y1)} fill={CHANNEL_COLOURS[c.id] ?? '#888'}>
                    <title>{`${monthLabel(m.month)} · ${c.name}: ${formatNumber(n)}`}</title>
                  </rect>
                );
              })}
              {m.month.endsWith('-01') && (
                <text x={left + i * bw + 2} y={h - 8} font-size="11" fill="#333">{m.month.slice(0, 4)}</text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="channels-legend">
        {channels.map((c) => (
          <span key={c.id}><span class="channels-swatch" style={{ background: CHANNEL_COLOURS[c.id] ?? '#888' }} /> {c.name}</span>
        ))}
      </figcaption>
    </figure>
  );
}

function niceStep(max: number): number {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * p) return m * p;
  return 10 * p;
}
