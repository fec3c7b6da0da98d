// The ministry's national board (places by region and unit type; stale houses; open deadline
// alerts) and occupancy over time (daily series, stays, turnover, refusals by reason) with CSV/XLSX.
import { useLocation, setQuery } from '../app/router';
import { formatNumber, formatPercent } from '../app/format';
import { Badge, DataTable, ErrorAlert, Notice, PageHeader, SelectField, useAsync } from '../app/ui';
import { getBoard, getStats, statsUrl, termLabel, type Stats } from './data';
import './care.css';

function OccupancyChart({ series }: { series: Stats['series'] }) {
  if (series.length === 0) return null;
  const w = 720, h = 180, pad = 28;
  const bw = (w - pad) / series.length;
  return (
    <svg class="chart" viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-label={`Ocupación diaria de ${series[0]!.date} a ${series[series.length - 1]!.date}`}>
      {series.map((d, i) => {
        const bh = (Math.min(100, d.occupancy_percent) / 100) * h;
        return (
          <rect key={d.date} class="bar" x={pad + i * bw} y={h - bh} width={Math.max(1, bw - 0.5)} height={bh}>
            <title>{`${d.date}: ${formatPercent(d.occupancy_percent)} (${d.occupied} de ${d.places})`}</title>
          </rect>
        );
      })}
      <text class="axis" x="0" y="10">100 %</text>
      <text class="axis" x="0" y={h}>0 %</text>
      <text class="axis" x={pad} y={h + 16}>{series[0]!.date}</text>
      <text class="axis" x={w - 70} y={h + 16}>{series[series.length - 1]!.date}</text>
    </svg>
  );
}

export default function BoardPage() {
  const { search } = useLocation();
  const region = search.get('region') ?? '';
  const board = useAsync((signal) => getBoard(signal), []);
  const stats = useAsync((signal) => getStats({ region }, signal), [region]);
  const regions = board.data?.regions ?? [];
  const reasons = stats.data?.decline_reasons ?? [];
  return (
    <section class="care">
      <PageHeader title="Tablero nacional de casas de acogida" lead="Cupos confirmados por región y tipo de unidad. Un cupo sin confirmar no cuenta como disponible." />
      <ErrorAlert error={board.error ?? stats.error} />
      {board.data && <p class="muted">Al {board.data.as_of}. Plazo de confirmación: {board.data.stale_hours} horas.</p>}
      <DataTable loading={board.loading} error={board.error} count={regions.length} empty="Sin datos." caption="Cupos por región" columns={['Región', 'Casas', 'Mujer sola', 'Con hijas e hijos', 'Accesible', 'Sin confirmar']} testId="care-board">
        {regions.map((r) => (
          <tr key={r.region_id}>
            <td data-label="Región"><a href={`/red/tablero?region=${r.region_id}`}>{r.region}</a></td>
            <td data-label="Casas">{r.houses}</td>
            {r.units.map((u) => (
              <td key={u.unit_type} data-label={u.unit_type_name}>
                <strong>{formatNumber(u.available)}</strong> disp. de {formatNumber(u.places)}
                <div class="muted">{u.occupied} ocupados · {u.blocked} bloqueados</div>
              </td>
            ))}
            <td data-label="Sin confirmar">{r.stale_houses > 0 ? <Badge tone="danger">{r.stale_houses}</Badge> : '0'}</td>
          </tr>
        ))}
      </DataTable>
      {(board.data?.alerts.length ?? 0) > 0 && (
        <section>
          <h2>Alertas de plazos ({board.data!.alerts.length})</h2>
          {board.data!.alerts.slice(0, 20).map((a) => (
            <Notice key={a.id} kind="warning">{a.text}</Notice>
          ))}
        </section>
      )}

      <h2>Ocupación en el tiempo</h2>
      <SelectField label="Región" name="region" value={region} placeholder="Todo el país" options={regions.map((r) => ({ value: r.region_id, label: r.region }))} onValue={(v) => setQuery({ region: v })} />
      {stats.data && (
        <>
          <p class="muted">Del {stats.data.from} al {stats.data.to}, calculado de las fotografías diarias de cupos.</p>
          <OccupancyChart series={stats.data.series} />
          <p>
            <a class="btn btn-ghost btn-sm" href={statsUrl('csv', { region })} data-external="" download>Descargar CSV</a>{' '}
            <a class="btn btn-ghost btn-sm" href={statsUrl('xlsx', { region })} data-external="" download>Descargar XLSX</a>
          </p>
          <DataTable loading={stats.loading} error={stats.error} count={stats.data.houses.length} empty="Sin casas." caption="Ocupación por casa" columns={['Casa', 'Ocupación', 'Ingresos / egresos', 'Estadía mediana', 'Rotación', 'Rechazos por motivo']} testId="care-stats">
            {stats.data.houses.map((h) => (
              <tr key={h.place_id}>
                <td data-label="Casa">{h.name}<div class="muted">Región {h.region_id}</div></td>
                <td data-label="Ocupación">{formatPercent(h.occupancy_percent)}</td>
                <td data-label="Ingresos / egresos">{h.entries} / {h.exits}</td>
                <td data-label="Estadía mediana">{h.median_stay_days === null ? '—' : `${formatNumber(h.median_stay_days, 1)} días`}</td>
                <td data-label="Rotación">{formatNumber(h.turnover, 2)}</td>
                <td data-label="Rechazos por motivo">
                  {h.declines} de {h.offers} ofertas
                  <div class="muted">{reasons.filter((r) => h.declines_by_reason[r.id]).map((r) => `${termLabel(r)}: ${h.declines_by_reason[r.id]}`).join(' · ')}</div>
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </section>
  );
}
